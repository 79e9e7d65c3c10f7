"""目标任务 page: edit a cell (亿元 typed, 万元 stored), lights as colours, import with errors, export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from desktop.services import targets
from desktop.services.reference import list_units
from desktop.views.targets_page import TargetsPage

HALF = dt.date(2022, 6, 30)


def page_for(qtbot) -> TargetsPage:
    page = TargetsPage()
    qtbot.addWidget(page)
    page.set_period(dt.date(2022, 1, 1), HALF)
    page.load()
    return page


def column(key: str) -> int:
    return [i.key for i in targets.INDICATORS].index(key)


def edit(page: TargetsPage, row: int, key: str, text: str) -> None:
    page.targets_table.item(row, column(key)).setText(text)


def test_editing_cells_stores_counts_and_wan_yuan(qtbot, fresh_db):
    page = page_for(qtbot)
    assert page.year() == 2022 and page.day() == HALF
    edit(page, 0, "library_investment", "180.5")
    edit(page, 0, "library_projects", "100")
    park_row = 1 + [u.name for u in list_units()].index("将乐经济开发区")
    park = list_units()[park_row - 1].id
    edit(page, park_row, "arrived_funds", "15000万")
    assert targets.targets_for_year(2022) == {
        (None, "library_investment"): Decimal(1805000),
        (None, "library_projects"): 100,
        (park, "arrived_funds"): Decimal(15000),
    }
    assert page.targets_table.item(0, column("library_investment")).text() == "180.50"
    assert page.targets_table.item(park_row, column("arrived_funds")).text() == "1.50"
    # Clearing a cell removes the target.
    edit(page, 0, "library_projects", "")
    assert (None, "library_projects") not in targets.targets_for_year(2022)


def test_a_bad_value_is_refused_and_the_cell_shows_the_stored_value(qtbot, fresh_db, no_modal_boxes):
    targets.set_target(2022, None, "started_projects", 30)
    page = page_for(qtbot)
    edit(page, 0, "started_projects", "2.5")
    assert no_modal_boxes and "整数" in no_modal_boxes[-1][1]
    assert page.targets_table.item(0, column("started_projects")).text() == "30"
    edit(page, 0, "signed_amount", "很多")
    assert "不是金额" in no_modal_boxes[-1][1]
    assert targets.targets_for_year(2022) == {(None, "started_projects"): 30}


def test_progress_cells_are_coloured_by_light_and_the_verdict_is_shown(qtbot, demo_db):
    page = page_for(qtbot)
    assert page.verdict_label.text() == "全县：时间过半、任务过半（双过半）"
    assert page.time_label.text() == "时间进度 50.0%"
    table = page.progress_table
    assert table.verticalHeaderItem(0).text() == "全县"
    first = table.item(0, column("library_projects"))
    assert first.text() == "60 / 100\n60.0%"
    assert first.background().color().name() == "#c8e6c9"
    lights = {table.item(r, c).data(Qt.ItemDataRole.UserRole) for r in range(table.rowCount()) for c in range(6)}
    assert lights >= {"green", "yellow", "red"}
    colours = {table.item(r, c).background().color().name() for r in range(table.rowCount()) for c in range(6)}
    assert {"#c8e6c9", "#fff59d", "#ffcdd2"} <= colours
    assert table.item(0, 6).text() == "双过半"
    # A day before half-year: time is not half yet.
    page.day_edit.setDate(page.day_edit.date().addDays(-1))
    assert "尚未过半" in page.verdict_label.text()


def test_changing_the_year_shows_that_years_targets(qtbot, fresh_db):
    targets.set_target(2023, None, "library_projects", 7)
    page = page_for(qtbot)
    assert page.targets_table.item(0, column("library_projects")).text() == ""
    page.year_spin.setValue(2023)
    assert page.day() == dt.date(2023, 6, 30)
    assert page.targets_table.item(0, column("library_projects")).text() == "7"


def test_import_from_a_sheet_and_a_bad_sheet_writes_nothing(qtbot, fresh_db, tmp_path, no_modal_boxes):
    from openpyxl import Workbook

    def sheet(name, rows):
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(tmp_path / name)
        return str(tmp_path / name)

    page = page_for(qtbot)
    good = sheet("目标.xlsx", [["单位", "入库项目数", "到位资金（亿元）"], ["全县", 100, 25.5]])
    assert page.import_file(good)
    assert page.targets_table.item(0, column("arrived_funds")).text() == "25.50"
    bad = sheet("坏.xlsx", [["单位", "入库项目数"], ["全县", 90], ["某某局", 3]])
    assert not page.import_file(bad)
    assert "第 3 行" in no_modal_boxes[-1][1] and "没有写入任何目标" in no_modal_boxes[-1][1]
    assert targets.targets_for_year(2022)[(None, "library_projects")] == 100


def test_export_writes_the_workbook(qtbot, demo_db, tmp_path):
    from openpyxl import load_workbook

    page = page_for(qtbot)
    out = tmp_path / "进度.xlsx"
    page.export_to(str(out))
    book = load_workbook(out)
    assert book["完成进度"]["A4"].value == "全县"
    assert book["目标任务"]["B3"].value == 100


def test_fund_entries_panel_adds_changes_and_deletes_with_confirmation(qtbot, fresh_db, no_modal_boxes, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from desktop.services.projects import create_project, project_values
    from desktop.views.targets_page import FundEntriesPanel
    from desktop.views.lifecycle_panel import to_qdate

    pid = create_project({"name": "资金项目", "total_investment": Decimal(20000)})
    panel = FundEntriesPanel(pid)
    qtbot.addWidget(panel)
    changes = []
    panel.changed.connect(lambda: changes.append(1))
    panel.month_edit.setDate(to_qdate(dt.date(2022, 3, 15)))
    panel.amount_edit.edit.setText("0.05")
    panel.amount_edit.unit.setCurrentIndex(1)  # 亿元
    assert panel.save()
    assert project_values(pid)["arrived_funds"] == Decimal(500)
    assert panel.table.item(0, 0).text() == "2022-03" and "500 万元" in panel.table.item(0, 2).text()
    # Change it.
    panel.table.selectRow(0)
    panel.edit_selected()
    assert panel.save_button.text() == "保存修改"
    panel.amount_edit.set_value(Decimal(800))
    assert panel.save()
    assert project_values(pid)["arrived_funds"] == Decimal(800)
    # A second entry for the same month is refused with a message.
    panel.month_edit.setDate(to_qdate(dt.date(2022, 3, 1)))
    panel.amount_edit.set_value(Decimal(1))
    assert not panel.save() and "已有到位资金记录" in no_modal_boxes[-1][1]
    # Deleting asks first; "No" keeps it.
    panel.table.selectRow(0)
    assert not panel.delete_selected()
    assert project_values(pid)["arrived_funds"] == Decimal(800)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert panel.delete_selected()
    assert project_values(pid)["arrived_funds"] is None and panel.table.rowCount() == 0
    assert len(changes) == 3
