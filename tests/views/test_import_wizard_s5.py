"""The import wizard as an office user meets it: a messy township sheet in a long Chinese folder,
worked with the keyboard, its problems read on a 1366×768 screen (session 5 audit)."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt

pytest.importorskip("desktop.services.excel_import")

from desktop.services import project_list  # noqa: E402
from desktop.views.import_wizard import PAGE_FILE, PAGE_MAPPING, PAGE_RESULTS, PAGE_RUN, ImportWizard  # noqa: E402
from tests.views.test_import_wizard import SlowTask  # noqa: E402

LONG_FOLDER = "将乐县各乡镇2022年上半年招商引资项目报送材料汇总（第二批，含修订稿）"
LONG_NAME = "水南镇2022年上半年招商引资项目入库清单（修订稿，请于7月10日前报县招商服务中心）-最终版.xlsx"
SHEET = "水南镇入库清单（上半年）"


def messy_township_sheet(folder):
    """Title and filler rows, a two-row header with the unit on the group cell “计划投资（亿元）”, section,
    total and note rows; an error or two, warnings, and a row repeated further down (Excel rows 6 and 13)."""
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    width = 12
    sheet.append(["水南镇2022年上半年招商引资项目入库清单"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(["填报单位：水南镇人民政府（盖章）", None, None, None, None, None, None, "填报日期：2022年7月5日"])
    sheet.append(["序号", "项目名称", "投资主体", "计划投资（亿元）", None, "用地面积（亩）", "项目进展情况", "签约日期",
                  "实际开工时间", "责任单位", "所在乡镇", "联系人及电话"])
    sheet.append([None, None, None, "总投资", "其中：固定资产投资"])
    sheet.merge_cells("D3:E3")
    for column in "ABCFGHIJKL":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.append(["一、轻合金产业（3个）"])
    sheet.append([1, "年产2万吨铝型材项目", "福建富远铝业有限公司", 1.5, 1.2, 120, "主体施工", dt.datetime(2022, 3, 15),
                  "2022.4.20", "将乐经济开发区", "水南镇", "袁安邦 13805981234"])
    sheet.append([2, "高精密电子元器件", "三明华鑫电子有限公司", "1.2亿元", "8000万元", "35.5", "已签约", "2022年5月18日",
                  None, "县商务局", "水南镇", "李明/0598-2321234"])
    sheet.append([3, "", "无名投资公司", 0.5, None, None, "洽谈中", None, None, "县商务局", "水南镇", ""])  # row 8: no name
    sheet.append(["二、特色农林产业（3个）"])
    sheet.append([4, "富硒香菇三产融合（二期）", "将乐县绿源农业公司", "待定", None, None, "设备调试", "2022-3", None,
                  "县农业农村局", "万安镇", "张三 1380598"])  # row 10: total 待定
    sheet.append([5, "竹木精深加工", "将乐县竹业有限公司", 0.3, 0.5, 20, "对接中", None, None, "县林业局", "新建示范乡", ""])
    sheet.append([6, "森林康养基地建设项目（含民宿、步道、游客服务中心及配套设施）", "福建将乐森林康养旅游开发有限公司", 2.8,
                  2.0, 85, "项目前期准备阶段，正在办理用地、规划、环评、能评等审批手续，预计2022年第三季度摘牌后开工建设", "—", None, "县文体旅局", "水南镇", "王五 0598-2231234"])
    sheet.append([7, "年产2万吨铝型材项目", "福建富远铝业有限公司", 1.5, 1.2, 120, "主体施工", "2022/01/20", None,
                  "将乐经济开发区", "水南镇", ""])  # row 13 repeats row 6
    sheet.append(["合计", None, None, 6.1, 4.9])
    sheet.append(["注：金额单位为亿元。"])
    book.create_sheet("填表说明").append(["请按模板填写"])
    path = folder / LONG_NAME
    book.save(path)
    return path


@pytest.fixture
def messy_file(tmp_path):
    return messy_township_sheet(tmp_path / LONG_FOLDER)


@pytest.fixture
def real_threads():
    from desktop.workers import Task

    Task.synchronous = False
    yield
    Task.synchronous = True


def shown_wizard(qtbot, path, width=900, height=600):
    """The wizard as it opens on a 1366×768 screen (900×600)."""
    wizard = ImportWizard(path)
    qtbot.addWidget(wizard)
    wizard.resize(width, height)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def table_column(table, column):
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_enter_goes_on_escape_closes_and_the_buttons_have_mnemonics(qtbot, fresh_db, messy_file):
    wizard = shown_wizard(qtbot, messy_file)
    assert (wizard.back_button.text(), wizard.next_button.text()) == ("上一步(&B)", "下一步(&N)")
    assert wizard.browse_button.text() == "浏览(&O)…"
    # (Alt+letter itself is not delivered by QTest under offscreen; the buttons do hold the shortcuts.)
    assert [b.shortcut().toString() for b in (wizard.back_button, wizard.next_button, wizard.browse_button)] == [
        "Alt+B", "Alt+N", "Alt+O"]
    assert wizard.sheet_label.text() == "工作表(&S)" and wizard.sheet_label.buddy() is wizard.sheet_combo
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert wizard.pages.currentIndex() == PAGE_MAPPING
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert wizard.pages.currentIndex() == PAGE_RESULTS
    assert wizard.next_button.text() == "导入(&I)"
    assert wizard.report_button.text() == "保存问题清单(&E)…"
    qtbot.keyClick(wizard, Qt.Key.Key_Enter)
    assert wizard.pages.currentIndex() == PAGE_RUN
    assert "新增 3 个项目" in wizard.summary_label.text()
    assert wizard.cancel_button.text() == "完成" and wizard.cancel_button.isDefault()
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert not wizard.isVisible()


def test_tab_walks_the_mapping_drop_downs_and_leaves_the_problem_list(qtbot, fresh_db, messy_file):
    wizard = shown_wizard(qtbot, messy_file)
    wizard.next_button.click()
    combos = [wizard.mapping_table.cellWidget(row, 1) for row in range(wizard.mapping_table.rowCount())]
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    combos[0].setFocus()
    for after in (*combos[1:], wizard.reanalyse_button):
        qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Tab)
        assert wizard.focusWidget() is after
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_RESULTS
    wizard.kind_combo.setFocus()
    # In reading order, and the problem list (arrows move in it) passes Tab on instead of keeping it.
    for after in (wizard.report_button, wizard.issues_table, wizard.skip_radio, wizard.update_radio,
                  wizard.create_missing_check):
        qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Tab)
        assert wizard.focusWidget() is after


def test_the_mapping_says_which_header_rows_and_the_unit_from_the_group_cell(qtbot, fresh_db, messy_file):
    wizard = shown_wizard(qtbot, messy_file)
    wizard.next_button.click()
    assert f"工作表“{SHEET}”的表头在第 3–4 行" in wizard.header_label.text()
    names = table_column(wizard.mapping_table, 0)
    # 1.5 under “计划投资（亿元）” is 1.5 亿元: the user checking the mapping sees that unit.
    assert "总投资（亿元）" in names and "其中：固定资产投资（亿元）" in names
    assert "用地面积（亩）" in names and "项目名称" in names


def test_problems_read_whole_errors_first_and_the_filter_says_how_many(qtbot, fresh_db, messy_file):
    wizard = shown_wizard(qtbot, messy_file)
    wizard.next_button.click()
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_RESULTS
    assert f"从工作表“{SHEET}”读取 7 行" in wizard.counts_label.text()
    table = wizard.issues_table
    kinds, rows = table_column(table, 0), table_column(table, 1)
    # Row 8 has a warning and the error that keeps it out: the error is what the user reads first.
    assert kinds[rows.index("8")] == "错误"
    assert table.item(rows.index("8"), 3).text() == "缺少项目名称"
    texts = [wizard.kind_combo.itemText(i) for i in range(wizard.kind_combo.count())]
    errors, warnings = len(wizard.analysis.errors), len(wizard.analysis.warnings)
    assert texts == [f"全部（{errors + warnings + 1}）", f"错误（{errors}）", f"警告（{warnings}）", "重复（1）"]
    wizard.kind_combo.setCurrentIndex(3)
    assert table_column(table, 0) == ["重复"] and table_column(table, 3) == ["与第 6 行重复"]
    wizard.kind_combo.setCurrentIndex(0)
    # A long explanation wraps onto more lines instead of ending in “…” (in a narrow window, whatever the
    # font and the size an earlier test left the window at).
    wizard.resize(640, 600)
    short_row = rows.index("8")

    def wider_than_the_column():
        return [r for r in range(table.rowCount())
                if table.fontMetrics().horizontalAdvance(table.item(r, 3).text()) > table.columnWidth(3)]

    # Wrapped: clearly taller than a one-line row (how much taller depends on the font's line spacing).
    qtbot.waitUntil(lambda: wider_than_the_column() and all(
        table.rowHeight(r) >= table.rowHeight(short_row) * 3 // 2 for r in wider_than_the_column()), timeout=3000)


def test_a_problem_of_the_whole_file_says_so_instead_of_row_0(qtbot, fresh_db, messy_file):
    first = shown_wizard(qtbot, messy_file)
    first.next_button.click()
    first.next_button.click()
    first.next_button.click()
    assert "新增 3 个项目" in first.summary_label.text()
    again = shown_wizard(qtbot, messy_file)
    again.next_button.click()
    again.next_button.click()
    assert "以前已经导入过一次" in again.counts_label.text()
    table = again.issues_table
    rows = table_column(table, 1)
    assert "0" not in rows
    assert any("已经导入过一次" in table.item(r, 3).text() for r in range(table.rowCount()) if rows[r] == "整个文件")
    assert table.item(rows.index("6"), 3).text().startswith("与已有项目 ")  # “与已有项目 JL-… 重复”
    assert table.item(rows.index("6"), 3).text().endswith(" 重复")


def two_total_columns(path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["项目名称", "投资方", "金额（万元）", "总投资（万元）"])
    book.active.append(["年产3万吨钛白粉精细化加工", "福建钛业有限公司", 8000, 100])
    book.save(path)
    return path


def test_choosing_a_field_another_column_had_moves_it_there_on_screen_and_in_the_import(qtbot, fresh_db, tmp_path):
    wizard = shown_wizard(qtbot, two_total_columns(tmp_path / "两个金额.xlsx"))
    wizard.next_button.click()
    combos = {wizard.mapping_table.item(r, 0).text(): wizard.mapping_table.cellWidget(r, 1)
              for r in range(wizard.mapping_table.rowCount())}
    assert combos["总投资（万元）"].currentText() == "总投资"
    combos["金额（万元）"].setCurrentIndex(combos["金额（万元）"].findData("total_investment"))
    assert combos["总投资（万元）"].currentText() == "（不导入）"
    assert wizard.status.text() == "“总投资”改由“金额（万元）”列导入，“总投资（万元）”列改为不导入。"
    wizard.next_button.click()
    assert "可导入 1 行" in wizard.counts_label.text()
    wizard.next_button.click()
    assert "新增 1 个项目" in wizard.summary_label.text()
    # The column the user chose (金额, to its left) gave the total, not the one the wizard had picked.
    assert {r.name: r.total_yuan for r in project_list.load_rows()} == {"年产3万吨钛白粉精细化加工": 80_000_000}


def test_picking_another_sheet_clears_the_error_about_the_first(qtbot, fresh_db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "草稿"
    book.active.append(["随便写的", "一些", "内容"])
    listed = book.create_sheet("入库清单")
    listed.append(["项目名称", "投资方", "总投资（万元）"])
    listed.append(["血灵芝加工", "将乐县灵芝生物科技有限公司", 3000])
    path = tmp_path / "两张表.xlsx"
    book.save(path)
    wizard = shown_wizard(qtbot, path)
    assert wizard.sheet_combo.currentText() == "草稿"
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_FILE
    assert "工作表“草稿”" in wizard.status.text() and "没有找到表头" in wizard.status.text()
    wizard.sheet_combo.setCurrentIndex(wizard.sheet_combo.findText("入库清单"))
    assert wizard.status.text() == ""
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_MAPPING


def test_a_file_dropped_from_a_long_chinese_folder_is_named_whole(qtbot, fresh_db, messy_file):
    from desktop.views.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.load_data()
    window.library_page.handle_dropped_paths([str(messy_file)])
    wizard = window.findChildren(ImportWizard)[-1]
    qtbot.addWidget(wizard)
    assert wizard.file_edit.toolTip() == str(messy_file)  # the box shows the end of the path, hover shows it all
    assert wizard.file_edit.cursorPosition() == len(str(messy_file))
    assert wizard.sheet_combo.currentText() == SHEET
    wizard.next_button.click()
    wizard.next_button.click()
    wizard.next_button.click()
    assert f"已从文件“{LONG_NAME}”的工作表“{SHEET}”导入" in wizard.summary_label.text()


def _never_reached(*_args, **_kwargs):
    raise AssertionError("the test cancels before this")


def slow_commit():
    """A commit on a real pool thread that reports progress, then waits to be let go or cancelled."""
    return SlowTask(_never_reached)


def test_the_import_page_stays_readable_while_it_runs_and_enter_does_not_close(
        qtbot, fresh_db, messy_file, monkeypatch, no_modal_boxes, real_threads):
    from desktop.services import excel_import

    wizard = shown_wizard(qtbot, messy_file)
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.analysis is not None, timeout=20000)
    wizard.next_button.click()
    slow = slow_commit()
    monkeypatch.setattr(excel_import, "commit", slow)
    try:
        wizard.next_button.click()
        assert slow.started.wait(10)
        qtbot.waitUntil(lambda: wizard.progress.value() == 3000, timeout=10000)
        assert wizard.pages.currentIndex() == PAGE_RUN
        assert wizard.summary_label.isEnabled()  # not greyed out like a disabled control
        assert "项目库保持原样" in wizard.summary_label.text()
        assert not wizard.skip_radio.isEnabled()  # the choices made for this import stay as they were
        assert not wizard.cancel_button.isDefault()
        qtbot.keyClick(wizard, Qt.Key.Key_Return)
        assert no_modal_boxes == [] and wizard.isVisible()
        wizard.stop_button.click()
        assert wizard.stop_button.text() == "正在取消……"
    finally:
        slow.release.set()
    qtbot.waitUntil(lambda: wizard.task is None, timeout=10000)
    assert wizard.status.text() == "已取消导入"
    assert "没有写入任何项目" in wizard.summary_label.text()
    assert not project_list.load_rows()


def test_a_clean_sheet_has_no_problem_list_to_save(qtbot, fresh_db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["项目名称", "投资方", "总投资（万元）"])
    book.active.append(["血灵芝加工", "将乐县灵芝生物科技有限公司", 3000])
    book.save(tmp_path / "干净.xlsx")
    wizard = shown_wizard(qtbot, tmp_path / "干净.xlsx")
    wizard.next_button.click()
    wizard.next_button.click()
    assert wizard.kind_combo.itemText(0) == "全部（0）" and wizard.issues_table.rowCount() == 0
    assert not wizard.report_button.isEnabled()  # an empty 问题清单 would only puzzle the township


def test_export_on_a_list_page_asks_in_the_last_export_folder_and_writes_there(qtbot, fresh_db, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from desktop.services import investors
    from desktop.views.investors_page import InvestorsPage
    from desktop.views.main_window import ui_settings
    from desktop.views.table_export import EXPORT_FOLDER_KEY

    investors.save_investor({"name": "福建富远铝业有限公司"})
    folder = tmp_path / "招商服务中心 导出文件（2022年）"
    folder.mkdir()
    ui_settings().setValue(EXPORT_FOLDER_KEY, str(folder))
    asked = []

    def answer(_parent, caption, start, _filter):
        asked.append((caption, start))
        return start[: -len(".xlsx")], ""  # the user types the name without “.xlsx”

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    page = InvestorsPage()
    qtbot.addWidget(page)
    page.load()
    page.export_action.trigger()
    (caption, start), = asked
    assert caption == "导出客商名单"
    assert start.startswith(str(folder / "客商名单_")) and start.endswith(".xlsx")
    written = list(folder.glob("客商名单_*.xlsx"))
    assert len(written) == 1
    names = [row[0] for row in load_workbook(written[0]).active.iter_rows(min_row=3, values_only=True)]
    assert names == ["福建富远铝业有限公司", "合计"]  # the list, then its totals row
    assert ui_settings().value(EXPORT_FOLDER_KEY) == str(folder)


def test_browse_opens_where_the_last_sheet_came_from(qtbot, fresh_db, messy_file, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from desktop.views.main_window import ui_settings

    mail_folder = tmp_path / "微信文件" / "各乡镇报送"
    mail_folder.mkdir(parents=True)
    ui_settings().setValue("import/last_folder", str(mail_folder))
    asked = []

    def pick(_parent, caption, start, _filter):
        asked.append((caption, start))
        return str(messy_file), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick)
    wizard = shown_wizard(qtbot, None)
    wizard.browse_button.click()
    assert asked == [("选择要导入的清单", str(mail_folder))]
    assert wizard.sheet_combo.currentText() == SHEET
    wizard.browse_button.click()
    assert asked[-1][1] == str(messy_file.parent)  # the folder of the file just chosen


def test_a_file_sent_again_says_the_projects_are_there_and_how_to_update_them(
        qtbot, fresh_db, messy_file, no_modal_boxes):
    first = shown_wizard(qtbot, messy_file)
    for _ in range(3):
        first.next_button.click()
    assert "新增 3 个项目" in first.summary_label.text()
    again = shown_wizard(qtbot, messy_file)
    again.next_button.click()
    again.next_button.click()
    assert "可导入 0 行" in again.counts_label.text()
    again.next_button.click()  # 导入, with 跳过重复的项目 chosen
    title, text = no_modal_boxes[-1]
    assert title == "项目都已在项目库中"
    # Rows 6, 7 and 12 are projects of the library; row 13 repeats row 6 of the same sheet.
    assert "在项目库里都已经有了（3 个）" in text and "用表格中的数据更新已有项目" in text
    assert again.pages.currentIndex() == PAGE_RESULTS  # nothing started: the user can choose
    again.update_radio.setChecked(True)
    again.next_button.click()
    assert "新增 0 个项目" in again.summary_label.text() and "更新 0 个" not in again.summary_label.text()


def test_an_empty_first_sheet_is_passed_over_and_the_list_shows_the_sheet_read(qtbot, fresh_db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"  # WPS's empty first sheet
    data = book.create_sheet("项目清单")
    data.append(["项目名称", "总投资（万元）"])
    data.append(["甲", 100])
    book.save(tmp_path / "空表在前.xlsx")
    wizard = shown_wizard(qtbot, tmp_path / "空表在前.xlsx")
    assert wizard.sheet_combo.currentText() == "Sheet1"  # nothing read yet
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_MAPPING
    assert wizard.sheet_combo.currentText() == "项目清单"
    assert "工作表“项目清单”的表头在第 1 行" in wizard.header_label.text()
    # A sheet the user picks is the one read.
    wizard.back_button.click()
    wizard.sheet_combo.setCurrentText("Sheet1")
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_FILE and "工作表是空的" in wizard.status.text()
