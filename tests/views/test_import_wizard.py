"""The import wizard and the library's import/export entry points, driven as a user would."""

from decimal import Decimal

import pytest
from PySide6.QtCore import QMimeData, QUrl

pytest.importorskip("desktop.services.excel_import")

from desktop.services import project_list  # noqa: E402
from desktop.views.import_wizard import PAGE_MAPPING, PAGE_RESULTS, PAGE_RUN, ImportWizard  # noqa: E402
from desktop.views.main_window import MainWindow  # noqa: E402
from desktop.views.project_library_page import ProjectLibraryPage  # noqa: E402


def township_sheet(path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "入库清单"
    sheet.append(["水南镇2022年上半年招商引资项目入库清单"])
    sheet.append(["项目名称", "投资方", "总投资（亿元）", "所在乡镇", "备注"])
    sheet.append(["年产2万吨有机硅生产线", "福建硅谷新材料有限公司", 5, "水南镇", ""])
    sheet.append(["竹木精深加工", "将乐县竹业有限公司", "3000万元", "水南镇", ""])
    sheet.append(["", "没有名称的公司", 1, "水南镇", ""])
    book.save(path)
    return path


def test_wizard_checks_then_imports_and_the_library_shows_the_rows(qtbot, fresh_db, tmp_path):
    path = township_sheet(tmp_path / "水南镇 清单.xlsx")
    wizard = ImportWizard(path)
    qtbot.addWidget(wizard)
    assert wizard.sheet_combo.currentText() == "入库清单"
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_MAPPING
    assert wizard.analysis.header_row == 2
    mapped = {wizard.mapping_table.item(r, 0).text(): wizard.mapping_table.cellWidget(r, 1).currentData()
              for r in range(wizard.mapping_table.rowCount())}
    assert mapped["项目名称"] == "name" and mapped["总投资（亿元）"] == "total_investment"
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_RESULTS
    assert "可导入 2 行" in wizard.counts_label.text()
    errors = wizard.issue_rows("错误")
    assert errors and errors[0][1] == 5  # the sender's Excel row number
    imported = []
    wizard.imported.connect(lambda: imported.append(True))
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_RUN
    assert "新增 2 个项目" in wizard.summary_label.text()
    assert imported
    rows = project_list.load_rows()
    totals = {r.name: r.total_yuan for r in rows}
    assert totals == {"年产2万吨有机硅生产线": 500_000_000, "竹木精深加工": 30_000_000}


def test_an_unreadable_file_is_explained_on_the_first_page(qtbot, fresh_db, tmp_path):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"this is not a workbook")
    wizard = ImportWizard(bad)
    qtbot.addWidget(wizard)
    assert wizard.status.text()
    assert not wizard.next_button.isEnabled()


def test_dropping_a_workbook_on_the_library_opens_the_wizard(qtbot, fresh_db, tmp_path):
    path = township_sheet(tmp_path / "拖入.xlsx")
    window = MainWindow()
    qtbot.addWidget(window)
    window.load_data()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)), QUrl.fromLocalFile(str(tmp_path / "说明.docx"))])
    assert ProjectLibraryPage.dropped_paths(mime) == [str(path)]
    opened = []
    window.library_page.import_requested.connect(opened.append)
    window.library_page.handle_dropped_paths(ProjectLibraryPage.dropped_paths(mime))
    assert opened == [str(path)]
    wizards = [w for w in window.findChildren(ImportWizard)]
    assert wizards and wizards[-1].file_edit.text() == str(path)


def test_export_writes_what_the_table_shows(qtbot, fresh_db, tmp_path):
    from openpyxl import load_workbook

    from desktop.services import projects

    for name, total in (("甲项目", Decimal(20000)), ("乙项目", Decimal(5000)), ("丙项目", Decimal(150000))):
        projects.create_project({"name": name, "total_investment": total})
    page = ProjectLibraryPage()
    qtbot.addWidget(page)
    page.load()
    page.amount_combo.setCurrentIndex(page.amount_combo.findData("亿元以上"))
    page.model.sort(4)
    out = tmp_path / "导出.xlsx"
    page.export_to(str(out))
    sheet = load_workbook(out).active
    names = [sheet.cell(row, 2).value for row in range(1, sheet.max_row + 1)]
    assert names.index("甲项目") < names.index("丙项目")
    assert "乙项目" not in names


def test_unknown_township_is_created_only_when_the_user_ticks_the_box(qtbot, fresh_db, tmp_path):
    from openpyxl import Workbook

    from desktop.services import reference

    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "总投资（万元）", "所在乡镇"])
    sheet.append(["新乡镇项目", 5000, "新建示范乡"])
    path = tmp_path / "未知乡镇.xlsx"
    book.save(path)
    wizard = ImportWizard(path)
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    wizard.next_button.click()
    assert any("新建示范乡" in message for _k, _r, _c, message in wizard.issue_rows("警告"))
    wizard.create_missing_check.setChecked(True)
    wizard.next_button.click()
    assert "新增 1 个项目" in wizard.summary_label.text()
    assert "新建示范乡" in [u.name for u in reference.list_units()]


def test_the_wizard_checks_and_imports_on_real_worker_threads(qtbot, fresh_db, tmp_path):
    """In the app, analyse and commit run on pool threads, where peewee opens a connection of its
    own: the check must see the database's townships and the commit must write."""
    from desktop.models import Unit
    from desktop.workers import Task

    Unit.get_or_create(name="水南镇", defaults={"kind": "乡镇"})
    path = township_sheet(tmp_path / "线程.xlsx")
    Task.synchronous = False
    try:
        wizard = ImportWizard(path)
        qtbot.addWidget(wizard)
        wizard.next_button.click()
        qtbot.waitUntil(lambda: wizard.analysis is not None, timeout=20000)
        assert not [i for i in wizard.analysis.warnings if "水南镇" in i.message]
        wizard.next_button.click()
        wizard.next_button.click()
        qtbot.waitUntil(lambda: wizard.task is None and "新增" in wizard.summary_label.text(), timeout=20000)
        assert "新增 2 个项目" in wizard.summary_label.text()
    finally:
        Task.synchronous = True
    assert {r.name for r in project_list.load_rows()} == {"年产2万吨有机硅生产线", "竹木精深加工"}


def amount_column_sheet(path):
    """A sheet whose total column is titled “金额（万元）”, which the import does not recognise by itself."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["项目名称", "投资方", "金额（万元）", "所在乡镇"])
    sheet.append(["年产3万吨钛白粉精细化加工", "福建钛业有限公司", 8000, ""])
    book.save(path)
    return path


def mapping_combo(wizard, header: str):
    for row in range(wizard.mapping_table.rowCount()):
        if wizard.mapping_table.item(row, 0).text() == header:
            return wizard.mapping_table.cellWidget(row, 1)
    raise AssertionError(f"no column {header}")


def test_next_checks_again_with_the_mapping_the_user_edited(qtbot, fresh_db, tmp_path):
    wizard = ImportWizard(amount_column_sheet(tmp_path / "金额.xlsx"))
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_MAPPING
    combo = mapping_combo(wizard, "金额（万元）")
    assert combo.currentData() == ""
    combo.setCurrentIndex(combo.findData("total_investment"))
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_RESULTS
    assert "可导入 1 行" in wizard.counts_label.text()
    assert "错误 0 处" in wizard.counts_label.text()
    assert not any("总投资" in message for _k, _r, _c, message in wizard.issue_rows("错误"))
    wizard.next_button.click()
    assert "新增 1 个项目" in wizard.summary_label.text()
    assert {r.name: r.total_yuan for r in project_list.load_rows()} == {"年产3万吨钛白粉精细化加工": 80_000_000}


def test_going_back_and_on_without_edits_keeps_the_check(qtbot, fresh_db, tmp_path, monkeypatch):
    from desktop.services import excel_import

    wizard = ImportWizard(amount_column_sheet(tmp_path / "金额.xlsx"))
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    combo = mapping_combo(wizard, "金额（万元）")
    combo.setCurrentIndex(combo.findData("total_investment"))
    wizard.reanalyse_button.click()
    assert wizard.pages.currentIndex() == PAGE_MAPPING
    assert "可导入 1 行" in wizard.status.text()
    checks = []
    real_analyse = excel_import.analyse
    monkeypatch.setattr(excel_import, "analyse", lambda *a, **k: checks.append(k) or real_analyse(*a, **k))
    wizard.next_button.click()
    wizard.back_button.click()
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_RESULTS
    assert checks == []  # nothing changed since the last check: its results are shown as they are
    assert "可导入 1 行" in wizard.counts_label.text()


def test_progress_reports_move_the_bar(qtbot, fresh_db, tmp_path):
    wizard = ImportWizard(township_sheet(tmp_path / "进度.xlsx"))
    qtbot.addWidget(wizard)
    wizard._progress(2500, 10000)
    assert (wizard.progress.value(), wizard.progress.maximum()) == (2500, 10000)
    wizard._progress(7500, 10000)
    assert wizard.progress.value() == 7500


class SlowTask:
    """Stands in for a long analyse/commit on a real pool thread: reports progress, then waits until the
    test lets it go, and stops with the service's 已取消 when told to."""

    def __init__(self, result=None):
        import threading

        self.started = threading.Event()
        self.release = threading.Event()
        self.result = result

    def __call__(self, *args, progress=None, **kwargs):
        from desktop.errors import UserError

        progress(3000, 10000)
        self.started.set()
        self.release.wait(20)
        if not progress(6000, 10000):
            raise UserError("已取消")
        return self.result(*args, **kwargs) if callable(self.result) else self.result


@pytest.fixture
def real_threads():
    from desktop.workers import Task

    Task.synchronous = False
    yield
    Task.synchronous = True


def test_a_long_check_shows_a_moving_bar_with_cancel(qtbot, fresh_db, tmp_path, monkeypatch, real_threads):
    from desktop.services import excel_import

    slow = SlowTask()
    monkeypatch.setattr(excel_import, "analyse", slow)
    wizard = ImportWizard(township_sheet(tmp_path / "慢.xlsx"))
    qtbot.addWidget(wizard)
    wizard.show()
    try:
        wizard.next_button.click()
        qtbot.waitUntil(lambda: wizard.progress.value() == 3000, timeout=10000)
        assert wizard.pages.currentIndex() == 0  # the check runs on the file page, and its bar is there
        assert wizard.progress.isVisible() and wizard.stop_button.isVisible()
        assert wizard.progress.maximum() == 10000
        assert not wizard.next_button.isEnabled()
        assert not wizard.sheet_combo.isEnabled()  # no other file or sheet while this one is checked
        wizard.stop_button.click()
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: wizard.task is None, timeout=10000)
    assert wizard.status.text() == "已取消检查"
    assert not wizard.progress.isVisible()
    assert wizard.isVisible() and wizard.next_button.isEnabled()
    assert wizard.analysis is None


def test_closing_during_a_check_asks_and_then_cancels_and_closes(
        qtbot, fresh_db, tmp_path, monkeypatch, no_modal_boxes, real_threads):
    from PySide6.QtWidgets import QMessageBox

    from desktop.services import excel_import

    slow = SlowTask()
    monkeypatch.setattr(excel_import, "analyse", slow)
    wizard = ImportWizard(township_sheet(tmp_path / "关闭.xlsx"))
    qtbot.addWidget(wizard)
    wizard.show()
    try:
        wizard.next_button.click()
        assert slow.started.wait(10)
        wizard.cancel_button.click()  # the test's message box answers 否
        assert no_modal_boxes[-1][1] == "正在检查，确定要取消并关闭吗？"
        assert wizard.isVisible() and wizard.task is not None
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        wizard.cancel_button.click()
        assert wizard.isVisible()  # open until the check has stopped
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10000)
    assert wizard.task is None and wizard.analysis is None


def test_closing_during_an_import_asks_and_nothing_is_written(
        qtbot, fresh_db, tmp_path, monkeypatch, no_modal_boxes, real_threads):
    from PySide6.QtWidgets import QMessageBox

    from desktop.services import excel_import

    wizard = ImportWizard(township_sheet(tmp_path / "导入中.xlsx"))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.analysis is not None, timeout=20000)
    wizard.next_button.click()
    slow = SlowTask()
    monkeypatch.setattr(excel_import, "commit", slow)
    imported = []
    wizard.imported.connect(lambda: imported.append(True))
    try:
        wizard.next_button.click()
        assert slow.started.wait(10)
        assert wizard.pages.currentIndex() == PAGE_RUN
        qtbot.waitUntil(lambda: wizard.progress.value() == 3000, timeout=10000)
        assert wizard.progress.isVisible()
        wizard.cancel_button.click()
        assert no_modal_boxes[-1][1] == "正在导入，确定要取消并关闭吗？"
        assert wizard.isVisible()
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        wizard.cancel_button.click()
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10000)
    assert not imported
    assert not {r.name for r in project_list.load_rows()}


def test_cancelling_an_import_keeps_the_wizard_open_to_try_again(
        qtbot, fresh_db, tmp_path, monkeypatch, real_threads):
    from desktop.services import excel_import

    wizard = ImportWizard(township_sheet(tmp_path / "再试.xlsx"))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.analysis is not None, timeout=20000)
    wizard.next_button.click()
    slow = SlowTask()
    monkeypatch.setattr(excel_import, "commit", slow)
    try:
        wizard.next_button.click()
        assert slow.started.wait(10)
        wizard.stop_button.click()
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: wizard.task is None, timeout=10000)
    assert wizard.status.text() == "已取消导入"
    assert "项目库保持原样" in wizard.summary_label.text()
    assert wizard.back_button.isEnabled()
    wizard.back_button.click()
    assert wizard.pages.currentIndex() == PAGE_RESULTS


def test_closing_after_a_finished_check_does_not_ask(qtbot, fresh_db, tmp_path, no_modal_boxes):
    wizard = ImportWizard(township_sheet(tmp_path / "已检查.xlsx"))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_MAPPING
    assert not wizard.progress.isVisible()
    wizard.cancel_button.click()
    assert not wizard.isVisible()
    assert no_modal_boxes == []


def test_a_sheet_with_thousands_of_problems_lists_the_first_and_says_so(qtbot, fresh_db, tmp_path, monkeypatch):
    from openpyxl import Workbook

    from desktop.views import import_wizard

    monkeypatch.setattr(import_wizard, "MAX_ISSUES_SHOWN", 50)
    book = Workbook()
    book.active.append(["项目名称", "投资方", "总投资（万元）", "所在乡镇"])
    for i in range(120):
        book.active.append([f"问题项目{i}", "某公司", 100, "不存在的镇"])  # one warning a row
    path = tmp_path / "很多问题.xlsx"
    book.save(path)
    wizard = ImportWizard(path)
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_RESULTS
    assert wizard.issues_table.rowCount() == 50 and wizard.issues_table.item(0, 1).text() == "2"
    assert not wizard.issues_more.isHidden() and "共 120 条" in wizard.issues_more.text()
    assert len(wizard.issue_rows()) == 120
