"""即时初审 page: the queue, the review form, 新建初审, 导出, 打印告知书, and the settings panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.services import lifecycle, projects, reviews, workdays
from desktop.views.reviews_page import NewReviewDialog, ReviewSettingsPanel, ReviewsPage
from tests.pdf_reading import pdf_text
from tests.views.conftest import type_chinese

RED = "#c62828"


@pytest.fixture
def page(qtbot, demo_db):
    widget = ReviewsPage()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    return widget


def _row_of(page, name: str) -> int:
    return next(i for i, row in enumerate(page.rows) if row.project_name == name)


def _cells(page, row: int) -> list[str]:
    return [page.queue.item(row, c).text() for c in range(page.queue.columnCount())]


def test_queue_filters(page):
    assert page.view_combo.currentData() == "pending"
    assert [r.project_name for r in page.rows] == ["10万吨新型铝合金材料及制品", "陶粒混凝土防火保温板"]
    cells = _cells(page, 0)
    assert cells[1:5] == ["10万吨新型铝合金材料及制品", "2022-08-29", "2022-09-01", "剩 1 天"]
    assert cells[6:] == ["待定", "审查中"]
    page.view_combo.setCurrentIndex(page.view_combo.findData("all"))
    assert page.queue.rowCount() == 7 and page.count_label.text() == "共 7 项"
    page.view_combo.setCurrentIndex(page.view_combo.findData("done"))
    assert {page.queue.item(r, 7).text() for r in range(page.queue.rowCount())} == {"已完成"}
    assert "居然之家" in [page.queue.item(r, 1).text() for r in range(page.queue.rowCount())]
    page.view_combo.setCurrentIndex(page.view_combo.findData("overdue"))
    assert page.queue.rowCount() == 0  # on the demo's last day nothing is late yet


def test_overdue_is_red(qtbot, fresh_db):
    pid = projects.create_project({"name": "高频电子变压器", "total_investment": Decimal(5000)}, today=dt.date(2022, 1, 1))
    reviews.open_review(pid, dt.date(2022, 9, 1))
    widget = ReviewsPage()
    qtbot.addWidget(widget)
    widget.load()
    widget.view_combo.setCurrentIndex(widget.view_combo.findData("overdue"))
    assert widget.queue.rowCount() == 1
    assert widget.queue.item(0, 4).text().startswith("超期")
    assert widget.queue.item(0, 4).foreground().color().name() == RED
    assert widget.queue.item(0, 1).foreground().color().name() != RED
    assert "超期 1 项" in widget.count_label.text()


def test_form_shows_the_review(page):
    page.queue.selectRow(_row_of(page, "10万吨新型铝合金材料及制品"))
    form = page.form
    assert "10万吨新型铝合金材料及制品" in form.title.text()
    units = [form.opinions.item(r, 0).text() for r in range(form.opinions.rowCount())]
    assert units[:3] == ["县发改局", "县工信局", "县自然资源局"] and len(units) == 7
    assert form.opinions.cellWidget(2, 1).currentText() == "有条件同意"
    assert form.opinions.cellWidget(3, 1).currentText() == "（未反馈）"
    assert not form.opinions.cellWidget(3, 3).isEnabled()  # no date without an opinion
    assert form.score_edits["投资规模"].value() == 90 and form.score_edits["科技含量"].text() == "未评"
    assert "达到门槛 300 万元/亩" in form.intensity_label.text()
    assert form.routing_label.text().startswith("领导小组 → 政府常务会 → 县委常委会")
    assert "未命中" in form.compliance_label.text()
    assert form.result_label.text() == "建议：待定"
    assert "尚未反馈意见" in form.reasons_label.text()
    assert "剩 1 天" in form.due_label.text()


def test_complete_save_and_confirm_records_step_6(page, monkeypatch):
    page.queue.selectRow(_row_of(page, "10万吨新型铝合金材料及制品"))
    form = page.form
    for row in range(form.opinions.rowCount()):
        combo = form.opinions.cellWidget(row, 1)
        if not combo.currentData():
            combo.setCurrentIndex(combo.findData("同意"))
    form.opinions.setCurrentCell(5, 2)
    form.opinions.item(5, 2).setText("无意见")
    for name in ("科技含量", "发展前景", "合规性"):
        form.score_edits[name].setValue(80)
    assert form.dirty and "未保存" in form.dirty_label.text()
    assert form.save()
    assert form.result_label.text() == "建议：通过" and not form.dirty
    assert "83.75" in form.total_label.text()  # (90×25 + 85×25 + 80×20 + 80×20 + 80×10) / 100
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert form.confirm() == "通过"
    detail = reviews.review_detail(form.detail.id)
    assert detail.status == "已完成" and detail.opinions[5].text == "无意见"
    steps = {r.number for r in lifecycle.project_step_rows(detail.project_id) if r.recorded}
    assert 6 in steps
    assert form.result_label.text() == "已确认：通过" and not form.confirm_button.isEnabled()
    row = _row_of(page, "10万吨新型铝合金材料及制品") if page.view_combo.currentData() != "pending" else None
    assert row is None or page.queue.item(row, 7).text() == "已完成"
    assert "10万吨新型铝合金材料及制品" not in [r.project_name for r in page.rows]  # left the 待办 list


def test_confirm_asks_first(page, no_modal_boxes):
    page.view_combo.setCurrentIndex(page.view_combo.findData("all"))
    page.queue.selectRow(_row_of(page, "陶粒混凝土防火保温板"))
    form = page.form
    for name, check in form.material_checks.items():
        check.setChecked(True)
    assert form.confirm() is None  # the (patched) box answers No
    assert any(title == "确认初审结果" for title, _ in no_modal_boxes)
    assert reviews.review_detail(form.detail.id).status == "待补充材料"
    assert form.result_label.text() == "建议：通过"  # saved before asking


def test_missing_material_and_notice(page, tmp_path):
    page.queue.selectRow(_row_of(page, "陶粒混凝土防火保温板"))
    form = page.form
    check = form.material_checks["环境影响初步分析"]
    assert not check.isChecked() and check.text().endswith("缺")
    assert form.result_label.text() == "建议：补充材料" and form.notice_button.isEnabled()
    form.material_checks["企业资信证明"].setChecked(False)
    out = tmp_path / "告知书.pdf"
    form.print_notice(str(out))
    text = "".join(pdf_text(out).split())
    assert "陶粒混凝土防火保温板" in text
    for number, name in enumerate(("环境影响初步分析", "能耗情况说明", "企业资信证明"), start=1):
        assert f"{number}.{name}" in text


def test_print_notice_opens_the_preview(page, monkeypatch):
    import desktop.views.pdf_preview as preview

    calls = []
    monkeypatch.setattr(preview, "make_pdf_and_preview", lambda parent, title, fn, *args: calls.append((title, fn, args)))
    page.queue.selectRow(_row_of(page, "陶粒混凝土防火保温板"))
    page.notice_action.trigger()
    assert calls and "陶粒混凝土防火保温板" in calls[0][0] and calls[0][2] == (page.form.detail.id,)


def test_new_review(page, monkeypatch):
    dialog = NewReviewDialog(page)
    labels = [dialog.project_combo.itemText(i) for i in range(dialog.project_combo.count())]
    assert not any("10万吨新型铝合金材料及制品" in label for label in labels)  # already under review
    assert not any("富远新型铝材产业园" in label for label in labels)  # signed long ago
    index = next(i for i, label in enumerate(labels) if "年产5万吨可降解环保产品" in label)

    def run(self):
        self.project_combo.setCurrentIndex(index)
        self.accept()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewReviewDialog, "exec", run)
    review_id = page.new_review()
    assert review_id is not None and page.form.detail.id == review_id
    assert page.form.detail.project_name == "年产5万吨可降解环保产品"
    assert page.rows[page.queue.currentRow()].id == review_id
    steps = {r.number for r in lifecycle.project_step_rows(page.form.detail.project_id) if r.recorded}
    assert 5 in steps


def test_new_review_dialog_asks_for_a_listed_project(qtbot, demo_db):
    dialog = NewReviewDialog()
    qtbot.addWidget(dialog)
    dialog.project_combo.setEditText("")
    type_chinese(dialog.project_combo.lineEdit(), "没有这个项目")
    dialog.accept()
    assert "请从列表中选择" in dialog.error.text() and dialog.review_id is None


def test_export(page, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "初审.xlsx"
    page.export(str(out))
    values = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert "陶粒混凝土防火保温板" in values and "剩 2 天" in values


def test_toolbar_actions(page):
    assert [a.text() for a in page.actions_for_toolbar] == ["新建初审", "打开", "导出", "打印告知书", "删除初审"]


def test_fits_1366_by_768(page):
    page.show()
    page.queue.selectRow(0)
    confirm = page.form.confirm_button
    corner = confirm.mapTo(page, confirm.rect().bottomRight())
    assert confirm.isVisible() and corner.y() <= 768 and corner.x() <= 1366


# -- settings ---------------------------------------------------------------------------------


@pytest.fixture
def panel(qtbot, fresh_db):
    widget = ReviewSettingsPanel()
    qtbot.addWidget(widget)
    widget.load()
    return widget


def test_settings_panel_shows_the_defaults(panel):
    assert panel.units_editor.values() == reviews.DEFAULT_MEMBER_UNITS
    assert [panel.weights_editor.text(r, 0) for r in range(5)] == ["投资规模", "投资强度", "科技含量", "发展前景", "合规性"]
    assert panel.pass_mark.value() == 60 and panel.threshold.value() == 300
    assert panel.routing_editor.text(0, 0) == "30" and panel.routing_editor.text(1, 1) == "县委常委会"
    assert panel.deadline_mode.currentText() == "工作日" and panel.deadline_days.value() == 3
    keywords = [panel.compliance_editor.text(r, 1) for r in range(panel.compliance_editor.table.rowCount())]
    assert "硫酸法钛白粉" in keywords


def test_settings_panel_saves(panel):
    panel.pass_mark.setValue(70)
    panel.materials_editor.add()
    panel.materials_editor.list.currentItem().setText("安全生产条件说明")
    row = next(r for r in range(panel.intensity_table.rowCount()) if panel.intensity_table.item(r, 0).text() == "精细化工")
    panel.intensity_table.item(row, 1).setText("350")
    panel.deadline_mode.setCurrentIndex(panel.deadline_mode.findData("calendar"))
    panel.contact_person.setText("杨思远")
    panel._add_compliance(reviews.ComplianceEntry("负面清单", "烟花爆竹", "测试"))
    assert panel.save(), panel.error.text()
    settings = reviews.load_settings()
    assert settings.pass_mark == 70 and settings.materials[-1] == "安全生产条件说明"
    assert settings.intensity_overrides == {"精细化工": Decimal(350)}
    assert settings.deadline_mode == "calendar" and settings.contact_person == "杨思远"
    assert settings.compliance[-1].keyword == "烟花爆竹" and settings.compliance[-1].kind == "负面清单"


def test_settings_panel_reports_errors(panel):
    panel.weights_editor.table.item(0, 1).setText("很多")
    assert not panel.save()
    assert "不是数字" in panel.error.text()
    panel.load()
    panel.routing_editor.table.item(0, 0).setText("200")
    assert not panel.save()
    assert "从小到大" in panel.error.text()
    assert reviews.load_settings().routing[0].above_mu == 30


def test_calendar_editing(panel, no_modal_boxes, monkeypatch):
    panel.year_combo.setCurrentIndex(panel.year_combo.findData(2022))
    table = panel.calendar_editor.table
    dates = [panel.calendar_editor.text(r, 0) for r in range(table.rowCount())]
    assert "2022-01-29" in dates and "2022-10-09" in dates
    row = dates.index("2022-10-09")
    assert panel.calendar_editor.text(row, 1) == "班"
    table.setCurrentCell(row, 0)
    panel.calendar_editor.remove_row()
    panel._add_calendar_day(workdays.CalendarEntry(dt.date(2022, 11, 1), False, "县庆"))
    # Switching years keeps the edits until they are saved.
    panel.year_combo.setCurrentIndex(panel.year_combo.findData(2023))
    panel.year_combo.setCurrentIndex(panel.year_combo.findData(2022))
    assert "2022-11-01" in [panel.calendar_editor.text(r, 0) for r in range(table.rowCount())]
    assert panel.save(), panel.error.text()
    calendar = workdays.load_calendar()
    assert not calendar.is_workday(dt.date(2022, 10, 9)) and calendar.name(dt.date(2022, 11, 1)) == "县庆"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.restore_year()
    assert workdays.load_calendar().is_workday(dt.date(2022, 10, 9))
    assert "2022-11-01" not in [panel.calendar_editor.text(r, 0) for r in range(table.rowCount())]


def test_calendar_bad_date(panel):
    panel.year_combo.setCurrentIndex(panel.year_combo.findData(2024))
    row = panel.calendar_editor.add_row(["2024-02-30", "", "x"])
    assert row >= 0
    assert not panel.save()
    assert "2024-02-30" in panel.error.text()
    assert Qt.ItemFlag.ItemIsEditable & panel.calendar_editor.table.item(row, 0).flags()


def test_switching_reviews_rebuilds_the_form(page):
    from PySide6.QtCore import QCoreApplication, QEvent

    page.view_combo.setCurrentIndex(page.view_combo.findData("all"))
    for name in ("居然之家", "10万吨新型铝合金材料及制品", "年产3万吨钛白粉精细化加工"):
        page.queue.selectRow(_row_of(page, name))
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    form = page.form
    assert "81.50" in form.total_label.text() and form.result_label.text() == "已确认：通过"
    assert len(form.score_edits) == 5 and len(form.material_checks) == 8
    assert not form.save_button.isEnabled() and not form.material_checks["营业执照"].isEnabled()
    page.queue.selectRow(_row_of(page, "居然之家"))
    assert "不适用门槛" in form.intensity_label.text()  # retail: no industrial-land threshold
    assert form.routing_label.text().startswith("领导小组 → 政府常务会（")  # 40 亩


def test_unsaved_changes_are_asked_about(page, no_modal_boxes):
    page.queue.selectRow(_row_of(page, "10万吨新型铝合金材料及制品"))
    page.form.score_edits["科技含量"].setValue(50)
    page.queue.selectRow(_row_of(page, "陶粒混凝土防火保温板"))
    assert any(title == "未保存的修改" for title, _ in no_modal_boxes)
    assert "陶粒混凝土防火保温板" in page.form.title.text()  # the patched box discards
    assert reviews.review_detail(page.rows[_row_of(page, "10万吨新型铝合金材料及制品")].id).scores[2].score is None


def test_print_notice_really_previews(page):
    from desktop.views import pdf_preview

    page.queue.selectRow(_row_of(page, "陶粒混凝土防火保温板"))
    before = len(pdf_preview.open_previews())
    page.form.notice_button.click()
    previews = pdf_preview.open_previews()
    assert len(previews) == before + 1
    dialog = previews[-1]
    assert "陶粒混凝土防火保温板" in dialog.windowTitle()
    dialog.close()


def test_delete_asks_and_refuses_confirmed_reviews(page, no_modal_boxes, monkeypatch):
    page.queue.selectRow(_row_of(page, "10万吨新型铝合金材料及制品"))
    assert not page.delete_selected()  # the patched box answers No
    assert len(reviews.list_reviews("all")) == 7
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert page.delete_selected()
    assert "10万吨新型铝合金材料及制品" not in [r.project_name for r in reviews.list_reviews("all")]
    page.view_combo.setCurrentIndex(page.view_combo.findData("done"))
    page.queue.selectRow(0)
    assert not page.delete_selected()
    assert any("已确认的初审不能删除" in text for _, text in no_modal_boxes)
