import datetime as dt

from PySide6.QtWidgets import QMessageBox

from desktop.services import projects
from desktop.views.lifecycle_panel import LifecyclePanel, StepRecordDialog


def cell(panel, number, column):
    return panel.table.item(number - 1, column).text()


def test_panel_shows_steps_and_stage(qtbot, sample_projects):
    panel = LifecyclePanel(sample_projects["久策气体（将乐）"])
    qtbot.addWidget(panel)
    assert panel.table.rowCount() == 23
    assert cell(panel, 10, 2) == "入库"
    assert cell(panel, 10, 4) == "2022-01-11"
    assert cell(panel, 1, 5) == "县商务局"  # steps 1–2: the first-reporting unit
    assert cell(panel, 3, 5) == "将乐经济开发区"  # others: the responsible unit
    assert cell(panel, 11, 4) == ""
    assert "当前阶段：入库" in panel.stage_label.text()
    assert "入库：2022-01-11" in panel.milestone_label.text()
    assert "开工：—" in panel.milestone_label.text()


def test_record_not_applicable_and_undo(qtbot, sample_projects, monkeypatch):
    pid = sample_projects["久策气体（将乐）"]
    panel = LifecyclePanel(pid)
    qtbot.addWidget(panel)
    changes = []
    panel.changed.connect(lambda: changes.append(1))
    panel.select_step(14)
    assert panel.na_button.isEnabled()
    panel.na_button.click()
    assert cell(panel, 14, 4) == "不涉及"
    assert "当前阶段：落地审批（第 14 步 环评）" in panel.stage_label.text()
    assert projects.project_values(pid)["stage_no"] == 14

    panel.select_step(19)
    assert not panel.na_button.isEnabled()  # 开工 is not optional
    assert panel.record(19, done_on=dt.date(2022, 3, 1), note="开工仪式", not_applicable=False)
    assert cell(panel, 19, 4) == "2022-03-01"
    assert cell(panel, 19, 6) == "开工仪式"
    assert "开工：2022-03-01" in panel.milestone_label.text()

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.select_step(19)
    panel.undo_button.click()
    assert cell(panel, 19, 4) == ""
    assert projects.project_values(pid)["stage_no"] == 14
    assert len(changes) == 3


def test_future_date_is_refused_with_message(qtbot, sample_projects, monkeypatch):
    pid = sample_projects["血灵芝加工"]
    panel = LifecyclePanel(pid)
    qtbot.addWidget(panel)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: warnings.append(text))
    assert not panel.record(4, done_on=dt.date.today() + dt.timedelta(days=1))
    assert "晚于今天" in warnings[0]
    assert cell(panel, 4, 4) == ""


def test_record_dialog_defaults(qtbot, sample_projects):
    panel = LifecyclePanel(sample_projects["血灵芝加工"])
    qtbot.addWidget(panel)
    step = panel.rows[3]
    dialog = StepRecordDialog(step, None, panel)
    qtbot.addWidget(dialog)
    assert dialog.date_edit.maximumDate().toPython() == dt.date.today()
    assert not dialog.na_check.isEnabled()
    optional = StepRecordDialog(panel.rows[12], None, panel)
    qtbot.addWidget(optional)
    assert optional.na_check.isEnabled()


def test_reopening_a_step_keeps_its_stored_unit_even_none(qtbot, sample_projects, monkeypatch):
    pid = sample_projects["血灵芝加工"]
    panel = LifecyclePanel(pid)
    qtbot.addWidget(panel)
    assert panel.record(4, done_on=dt.date(2022, 2, 1), unit_id=None, note="无单位")
    seen = []

    def fake_exec(dialog):
        seen.append(dialog.unit_combo.currentData())
        return 0

    monkeypatch.setattr(StepRecordDialog, "exec", fake_exec)
    panel.select_step(4)
    panel.record_selected()
    panel.select_step(5)
    panel.record_selected()
    assert seen[0] is None  # 不计分 as stored
    assert seen[1] is not None  # not recorded yet: the default unit (responsible unit)
