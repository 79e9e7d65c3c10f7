from decimal import Decimal

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.services import projects
from desktop.views.main_window import MainWindow
from desktop.views.project_dialog import ProjectDialog
from desktop.views.project_table_model import COL_NAME, COL_TOTAL

from tests.views.conftest import type_chinese


def test_new_project_shows_errors_then_saves_and_row_appears(qtbot, sample_projects):
    window = MainWindow()
    qtbot.addWidget(window)
    window.load_data()
    dialog = window.open_project(None)
    qtbot.addWidget(dialog)

    assert dialog.save() is False
    assert dialog.fields["name"].error.text() == "请填写项目名称"
    assert dialog.fields["total_investment"].error.text() == "请填写总投资"

    type_chinese(dialog.name_edit, "年产3万吨钛白粉精细化加工")
    assert dialog.fields["name"].error.isHidden()
    qtbot.keyClicks(dialog.amounts["total_investment"].edit, "abc")
    assert "不是金额" in dialog.fields["total_investment"].error.text()
    dialog.amounts["total_investment"].edit.clear()
    qtbot.keyClicks(dialog.amounts["total_investment"].edit, "2.5")
    dialog.amounts["total_investment"].unit.setCurrentIndex(1)  # 亿元
    assert "25,000 万元" in dialog.amounts["total_investment"].echo.text()
    qtbot.keyClicks(dialog.amounts["fixed_asset_investment"].edit, "30000")
    assert dialog.fields["fixed_asset_investment"].error.text() == "固定资产投资不能大于总投资"
    dialog.amounts["fixed_asset_investment"].edit.clear()
    qtbot.keyClicks(dialog.amounts["fixed_asset_investment"].edit, "20000")
    qtbot.keyClicks(dialog.land_edit, "50")
    assert dialog.intensity_label.text() == "400.00 万元/亩"

    assert dialog.save() is True
    assert dialog.code_label.text().startswith("JL-")
    values = projects.project_values(dialog.project_id)
    assert values["name"] == "年产3万吨钛白粉精细化加工"
    assert values["total_investment"] == Decimal(25000)
    assert values["fixed_asset_investment"] == Decimal(20000)
    # The library shows the new row without a reload.
    model = window.library_page.model
    names = {model.index(r, COL_NAME).data(): r for r in range(model.rowCount())}
    assert "年产3万吨钛白粉精细化加工" in names
    assert model.index(names["年产3万吨钛白粉精细化加工"], COL_TOTAL).data() == "2.50"
    assert "4 个项目" in window.summary_label.text()
    # Saved: the lifecycle tab is open now.
    assert dialog.tabs.isTabEnabled(1)


def test_negative_land_and_duplicate_warning(qtbot, sample_projects):
    dialog = ProjectDialog()
    qtbot.addWidget(dialog)
    type_chinese(dialog.name_edit, "富远新型铝材产业园 ")
    type_chinese(dialog.investor_edit, "福建富远铝业有限公司")
    dialog.check_duplicates()
    assert dialog.duplicate_label.isVisibleTo(dialog)
    assert "已有同名项目" in dialog.duplicate_label.text()
    dialog.name_edit.clear()
    type_chinese(dialog.name_edit, "富远新型铝材产业园区")
    dialog.check_duplicates()
    assert "相差 1 个字" in dialog.duplicate_label.text()
    qtbot.keyClicks(dialog.land_edit, "-3")
    assert dialog.fields["land_area"].error.text() == "用地面积不能为负数"


def test_edit_existing_and_unsaved_prompt(qtbot, sample_projects, monkeypatch):
    pid = sample_projects["血灵芝加工"]
    dialog = ProjectDialog(pid)
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "血灵芝加工"
    assert dialog.amounts["total_investment"].edit.text() == "3000"
    assert not dialog.is_dirty()
    type_chinese(dialog.progress_edit, "厂房设计中")
    assert dialog.is_dirty()
    asked = []
    dialog.show()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)
    dialog.reject()
    assert asked and dialog.isVisible()  # 取消: the form stays open with its changes
    assert dialog.progress_edit.text() == "厂房设计中"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()
    assert not dialog.isVisible()
    assert projects.project_values(pid)["progress_text"] == "厂房设计中"


def test_status_change_is_recorded_with_its_date(qtbot, sample_projects):
    pid = sample_projects["久策气体（将乐）"]
    dialog = ProjectDialog(pid)
    qtbot.addWidget(dialog)
    assert not dialog.status_date.isEnabled()
    dialog.status_combo.setCurrentText("暂缓")
    assert dialog.status_date.isEnabled()
    type_chinese(dialog.status_reason, "企业资金链调整")
    assert dialog.save()
    history = projects.status_history(pid)
    assert [(h.status, h.reason) for h in history] == [("暂缓", "企业资金链调整")]
    assert dialog.history_table.item(0, 1).text() == "暂缓"


@pytest.mark.parametrize("text,unit,expected", [("1.5亿", 0, Decimal(15000)), ("15000", 0, Decimal(15000)), ("1.5", 1, Decimal(15000))])
def test_amount_edit_accepts_wan_and_yi(qtbot, fresh_db, text, unit, expected):
    dialog = ProjectDialog()
    qtbot.addWidget(dialog)
    edit = dialog.amounts["total_investment"]
    edit.unit.setCurrentIndex(unit)
    type_chinese(edit.edit, text)
    assert edit.value() == expected
    assert "1.50 亿元" in edit.echo.text()


@pytest.mark.parametrize("text", ["nan", "Infinity", "12亩3", "-"])
def test_land_area_that_is_not_a_number_is_an_inline_error(qtbot, fresh_db, text):
    dialog = ProjectDialog()
    qtbot.addWidget(dialog)
    type_chinese(dialog.land_edit, text)  # keyClicks aborts on non-ASCII such as 亩
    assert "不是数字" in dialog.fields["land_area"].error.text()
    type_chinese(dialog.name_edit, "测试项目")
    qtbot.keyClicks(dialog.amounts["total_investment"].edit, "100")
    assert dialog.save() is False
    assert dialog.project_id is None


def test_enter_in_a_field_does_not_save(qtbot, fresh_db):
    from PySide6.QtCore import Qt

    dialog = ProjectDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    type_chinese(dialog.name_edit, "回车测试项目")
    qtbot.keyClicks(dialog.amounts["total_investment"].edit, "100")
    qtbot.keyClick(dialog.land_edit, Qt.Key.Key_Return)
    assert dialog.project_id is None
    assert dialog.isVisible()
    from PySide6.QtGui import QKeySequence, QShortcut

    (save_shortcut,) = [s for s in dialog.findChildren(QShortcut) if s.key() == QKeySequence("Ctrl+S")]
    save_shortcut.activated.emit()
    assert dialog.project_id is not None


def test_a_new_status_cannot_be_dated_before_the_last_change(qtbot, sample_projects):
    import datetime as dt

    pid = sample_projects["血灵芝加工"]
    projects.change_status(pid, "暂缓", dt.date(2022, 3, 1))
    dialog = ProjectDialog(pid)
    qtbot.addWidget(dialog)
    assert dialog.status_date.minimumDate().toPython() == dt.date(2022, 3, 1)
    dialog.status_combo.setCurrentText("正常")
    dialog.status_date.setDate(dialog.status_date.minimumDate().addDays(-30))
    assert dialog.status_date.date().toPython() == dt.date(2022, 3, 1)
    assert dialog.save()
    assert projects.current_status(pid) == "正常"


def test_monthly_funds_tab_keeps_the_running_totals(qtbot, sample_projects):
    import datetime as dt

    from desktop.services import fund_entries, projects as project_service

    project_id = sample_projects["富远新型铝材产业园"]
    dialog = ProjectDialog(project_id)
    qtbot.addWidget(dialog)
    index = dialog.tabs.indexOf(dialog.funds_tab)
    assert dialog.tabs.isTabEnabled(index)
    assert dialog.amounts["arrived_funds"].edit.isReadOnly()
    fund_entries.add_entry(project_id, fund_entries.FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(500))
    dialog.funds_panel.changed.emit()
    expected = project_service.project_values(project_id)["arrived_funds"]
    assert dialog.amounts["arrived_funds"].value() == expected
    assert not dialog.is_dirty()


def test_saving_over_someone_elses_newer_save_is_a_conflict(qtbot, sample_projects, monkeypatch):
    from desktop.models import Project
    from desktop.views import project_dialog

    project_id = sample_projects["富远新型铝材产业园"]
    dialog = ProjectDialog(project_id)
    qtbot.addWidget(dialog)
    other = Project.get_by_id(project_id)  # another window (or PC) saves first
    other.remarks = "别人先保存的"
    other.save()
    dialog.remarks_edit.setPlainText("我的修改")
    warnings = []
    monkeypatch.setattr(project_dialog.QMessageBox, "warning", lambda _p, title, text, *a, **k: warnings.append(text))
    assert dialog.save() is False
    assert warnings and "别人先保存的" in warnings[0] and "我的修改" in warnings[0]
    assert Project.get_by_id(project_id).remarks == "别人先保存的"


def test_history_tab_shows_the_projects_changes(qtbot, sample_projects):
    project_id = sample_projects["血灵芝加工"]
    dialog = ProjectDialog(project_id)
    qtbot.addWidget(dialog)
    dialog.remarks_edit.setPlainText("补充：企业已注册")
    assert dialog.save()
    history = dialog.project_history
    texts = [history.table.item(r, c).text() for r in range(history.table.rowCount())
             for c in range(history.table.columnCount()) if history.table.item(r, c)]
    assert any("补充：企业已注册" in text for text in texts)
