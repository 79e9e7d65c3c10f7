"""修改痕迹: the global list with filters and export, and a project's history tab."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook

from desktop.models.user import ROLE_CENTRE
from desktop.services import access, projects
from desktop.services.access import CurrentUser
from desktop.views.audit_page import AuditPage, ProjectHistoryWidget
from tests.views.conftest import type_chinese


def _make_history():
    from desktop.models.audit import AuditEntry

    AuditEntry.delete().execute()  # the seeded units and lists of a new database
    pid = projects.create_project({"name": "富远新型铝材产业园", "total_investment": Decimal(150000)})
    with access.acting_as(CurrentUser(5, "li", "李四", ROLE_CENTRE)):
        projects.update_project(pid, {**projects.project_values(pid), "progress_text": "设备调试"})
    other = projects.create_project({"name": "血灵芝加工", "total_investment": Decimal(3000)})
    return pid, other


def test_the_global_trail_filters_and_exports(qtbot, fresh_db, tmp_path, no_modal_boxes):
    pid, _other = _make_history()
    page = AuditPage()
    qtbot.addWidget(page)
    page.load()
    assert page.table.rowCount() == 3 and page.count_label.text() == "共 3 条"
    assert page.table.item(1, 1).text() == "李四" and page.table.item(1, 5).text() == "形象进度"  # newest first
    page.user_combo.setCurrentText("李四")
    page.load()
    assert page.table.rowCount() == 1 and page.table.item(0, 7).text() == "设备调试"
    page.user_combo.setCurrentText("（全部）")
    type_chinese(page.text_edit, "血灵芝")
    page.load()
    assert page.table.rowCount() == 1 and page.table.item(0, 2).text() == "新建"
    page.text_edit.clear()
    page.from_check.setChecked(True)
    page.from_edit.setDate(dt.date.today() + dt.timedelta(days=1))
    page.load()
    assert page.table.rowCount() == 0
    page.from_check.setChecked(False)
    page.load()
    page.resize(1366, 700)
    out = tmp_path / "痕迹.xlsx"
    assert page.export(str(out))
    cells = [row for row in load_workbook(out).active.iter_rows(min_row=3, values_only=True)]
    *cells, totals = cells
    assert len(cells) == 3 and any(r[1] == "李四" and r[7] == "设备调试" for r in cells)
    assert totals[:2] == ("合计", "共 3 条")


def test_a_projects_history_shows_only_that_project(qtbot, fresh_db):
    pid, other = _make_history()
    widget = ProjectHistoryWidget(pid)
    qtbot.addWidget(widget)
    widget.load()
    texts = [widget.table.item(r, 4).text() for r in range(widget.table.rowCount())]
    assert texts[0] == "形象进度：（空） → 设备调试" and len(texts) == 2
    assert "血灵芝" not in " ".join(texts)
    widget.set_project(None)
    assert widget.table.rowCount() == 0 and not widget.empty.isHidden()
    widget.set_project(pid)
    widget.resize(800, 300)
