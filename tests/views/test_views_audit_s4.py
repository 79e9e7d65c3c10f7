"""What a user sees: password masks that are never boxes, and the audit's fixes to labels and layouts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QStyle

from desktop.app import register_font
from desktop.views.connection_dialog import ConnectionDialog
from desktop.views.login_dialog import ChangePasswordDialog, LoginDialog
from desktop.views.users_page import PasswordDialog, UserDialog


def _app_font(*, fallback: bool = True) -> QFont:
    """The application's font as desktop.app.create_application sets it; without `fallback`, a PC
    where no other font can fill in a character the bundled CJK font lacks."""
    font = QFont(QApplication.font())
    font.setPointSize(10)
    if fallback:
        font.setFamilies([register_font(), *QFont(QApplication.font()).families()])
    else:
        font.setFamilies([register_font()])
        font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    return font


@pytest.fixture
def app_font():
    """Sets the application font for the dialogs built in the test, and puts the old one back."""
    before = QFont(QApplication.font())
    yield QApplication.setFont
    QApplication.setFont(before)


def _password_fields(dialogs: list) -> list[QLineEdit]:
    """Every password field of the dialogs that have one (the caller keeps `dialogs` alive)."""
    dialogs += [LoginDialog(first_admin=True), ChangePasswordDialog(), ConnectionDialog(), UserDialog(),
               PasswordDialog()]
    fields = []
    for dialog in dialogs:
        fields += [edit for edit in dialog.findChildren(QLineEdit)
                   if edit.echoMode() == QLineEdit.EchoMode.Password]
    assert len(fields) == 9  # 登录 2 (first administrator), 修改密码 3, 连接服务器 1, 新建用户 1, 重设密码 2
    return fields


@pytest.mark.parametrize("fallback", [True, False], ids=["with-system-fonts", "bundled-font-only"])
def test_every_password_field_masks_with_a_character_its_font_draws(fresh_db, app_font, fallback):
    app_font(_app_font(fallback=fallback))
    dialogs = []
    for edit in _password_fields(dialogs):
        edit.setText("secret12")
        mask = edit.displayText()
        assert mask and set(mask) == {mask[0]} and "s" not in mask
        # A character the font cannot draw is painted as a "missing glyph" box.
        assert QFontMetrics(edit.font()).inFontUcs4(ord(mask[0])), f"{mask[0]!r} would show as a box"


def test_the_mask_is_the_windows_dot_when_a_font_has_it_else_the_bundled_fonts_dot(fresh_db, app_font):
    app_font(_app_font(fallback=True))
    dialog = LoginDialog()
    dialog.password_edit.setText("x")
    if QFontMetrics(dialog.password_edit.font()).inFontUcs4(0x25CF):  # Windows (Segoe UI), Linux (DejaVu)
        assert dialog.password_edit.displayText() == "\u25cf"
    app_font(_app_font(fallback=False))
    dialog = LoginDialog()
    dialog.password_edit.setText("x")
    assert dialog.password_edit.displayText() == "\u30fb"


# --- the visual audit (1366×768 at 100 %, 1920×1080 at 150 % = 1280×720 logical) ------------------

SMALLEST_SCREEN_WIDTH = 1280  # 1920×1080 at 150 %, the tightest screen the centre's PCs have
PAGE_WIDTH = SMALLEST_SCREEN_WIDTH - 16 - 120  # the window less its frame and the navigation


def _shown(qtbot, page, width: int = PAGE_WIDTH, height: int = 560):
    """`page` on screen at the room it has (1920×1080 at 150 % by default), loaded, its layout settled."""
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    page.load()
    qtbot.wait(10)
    return page


@pytest.fixture
def real_font(app_font):
    """Widths measured in the font the program uses (the test application's default is smaller)."""
    app_font(_app_font())


def test_the_window_fits_a_1920_screen_at_150_percent_whatever_page_was_opened(qtbot, demo_db, real_font):
    from desktop.views.main_window import PAGE_KEYS, MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.load_data()
    for key in PAGE_KEYS:
        window.show_page_by_key(key)
        # A window cannot be narrower than its widest page: wider than the screen, and the
        # page's right-hand buttons are out of reach.
        assert window.minimumSizeHint().width() <= SMALLEST_SCREEN_WIDTH - 16, key


def test_teams_summary_is_not_cut_off_at_the_right_edge(qtbot, demo_db, real_font):
    from desktop.views.teams_page import TeamsPage

    page = _shown(qtbot, TeamsPage(), height=600)
    assert page.width() == PAGE_WIDTH  # not pushed wider by a summary that cannot wrap
    label = page.count_label
    assert label.text().endswith("个")
    if not label.wordWrap():  # one line: all of it must fit
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    else:
        assert label.height() >= label.heightForWidth(label.width())


def test_the_page_does_not_jump_when_its_toolbar_has_no_buttons(qtbot, demo_db, real_font):
    from desktop.views.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.load_data()
    tops = {}
    for key in ("library", "stats", "settings"):
        page = window.show_page_by_key(key)
        qtbot.wait(1)
        tops[key] = page.mapTo(window, page.rect().topLeft()).y()
    assert not window.page_by_key("stats").actions_for_toolbar  # the case that jumped
    assert tops["stats"] == tops["settings"] == tops["library"]


def _cut_cells(table, columns) -> list[str]:
    """Cells whose text is wider than their column (Qt shows them as "2022-08-…")."""
    header = table.horizontalHeader()
    # The room Qt's item delegate leaves on either side of a cell's text.
    margins = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)
    cut = []
    for row in range(table.rowCount()):
        for column in columns:
            item = table.item(row, column)
            if item is not None and item.text():
                width = QFontMetrics(item.font()).horizontalAdvance(item.text())
                if width + margins > header.sectionSize(column):
                    cut.append(item.text())
    return cut


def test_review_queue_shows_whole_dates(qtbot, demo_db, real_font):
    from desktop.views.reviews_page import ReviewsPage

    page = _shown(qtbot, ReviewsPage(), height=600)
    assert page.queue.rowCount() >= 2
    assert _cut_cells(page.queue, [0, 2, 3, 4, 5, 6, 7]) == []


def _fits_the_screen(dialog) -> bool:
    """Room left for the title bar and frame, as widgets.fit_to_screen leaves it."""
    free = dialog.screen().availableGeometry()
    return dialog.width() <= free.width() - 16 and dialog.height() <= free.height() - 48


def test_big_dialogs_open_within_the_screen(qtbot, demo_db, tmp_path):
    """The test screen (800×600) is smaller than any office PC's: a dialog that fits it fits them."""
    from desktop.services import pdf
    from desktop.views.leads_page import ForumDialog
    from desktop.views.pdf_preview import PdfPreviewDialog
    from desktop.views.scoreboard_page import PublishedDialog

    sample = tmp_path / "样张.pdf"
    pdf.build_pdf(sample, [pdf.paragraph("一页")], title="样张")
    for dialog in (PdfPreviewDialog(sample), PublishedDialog(), ForumDialog(None)):
        qtbot.addWidget(dialog)
        assert _fits_the_screen(dialog), f"{type(dialog).__name__} opens at {dialog.width()}×{dialog.height()}"


def test_the_investor_save_button_is_in_sight_without_scrolling(qtbot, demo_db, real_font):
    from desktop.views.investors_page import InvestorsPage

    page = _shown(qtbot, InvestorsPage())
    button = page.form.save_button
    assert button.visibleRegion().boundingRect() == button.rect()


def _cut_headings(table) -> list[str]:
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    margins = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    cut = []
    for column in range(table.columnCount()):
        text = table.horizontalHeaderItem(column).text()
        if metrics.horizontalAdvance(text) + margins > header.sectionSize(column):
            cut.append(text)
    return cut


def test_the_empty_score_details_show_whole_headings_and_no_sideways_scrolling(qtbot, demo_db, real_font):
    from desktop.views.scoreboard_page import ScoreboardPage

    page = _shown(qtbot, ScoreboardPage())
    assert page.detail_table.rowCount() == 0  # no unit chosen yet
    assert _cut_headings(page.detail_table) == []
    assert page.detail_table.horizontalScrollBar().maximum() == 0


def test_buttons_that_open_a_dialog_end_in_one_ellipsis_like_the_rest(qtbot, fresh_db):
    from PySide6.QtWidgets import QPushButton

    from desktop.views.backup_panel import BackupPanel

    panel = BackupPanel()
    qtbot.addWidget(panel)
    texts = [button.text() for button in panel.findChildren(QPushButton)]
    assert "导出备份…" in texts
    assert [text for text in texts if "……" in text] == []


INDUSTRIES = ["特色农林", "新材料", "轻合金", "电子信息", "生物医药", "精细化工", "机械制造", "森林康养", "新能源",
              "食品加工", "商贸物流"]


def test_crowded_bar_values_stand_upright_with_room_above_the_tallest_bar(qtbot, real_font):
    """Eleven bars about 30 pixels apart: "16.51" next to "15.22" written across ran into each other."""
    from PySide6.QtCharts import QValueAxis

    from desktop.views import charts

    amounts = [16.51, 15.22, 14.62, 13.85, 12.21, 8.42, 8.26, 6.94, 4.26, 3.19, 1.16]
    view = charts.bar_chart_view("入库项目总投资（亿元）按产业", INDUSTRIES, amounts)
    qtbot.addWidget(view)
    series = view.chart().series()[0]
    assert series.labelsAngle() == -90
    value_axis = next(axis for axis in view.chart().axes() if isinstance(axis, QValueAxis))
    assert value_axis.max() >= 16.51 * 1.25  # an upright "16.51" needs that much room above its bar
    assert charts.chart_values(view) == amounts and charts.chart_labels(view) == INDUSTRIES

    # Short numbers fit side by side and stay as they were.
    counts = charts.bar_chart_view("各乡镇入库项目（个）", INDUSTRIES, [24, 8, 4, 1, 0, 17, 1, 1, 1, 0, 1])
    qtbot.addWidget(counts)
    assert counts.chart().series()[0].labelsAngle() == 0


def _cut_combos(root) -> list[str]:
    """Visible drop-downs whose chosen text is wider than the box shows."""
    from PySide6.QtWidgets import QComboBox, QStyleOptionComboBox

    cut = []
    for combo in root.findChildren(QComboBox):
        if not combo.isVisibleTo(root) or combo.isEditable() or not combo.currentText():
            continue
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, combo)
        if combo.fontMetrics().horizontalAdvance(combo.currentText()) > field.width():
            cut.append(combo.currentText())
    return cut


def test_no_page_cuts_the_text_of_its_drop_downs(qtbot, demo_db, real_font):
    from desktop.views.main_window import PAGE_KEYS, MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(SMALLEST_SCREEN_WIDTH - 16, 650)
    window.show()
    window.load_data()
    for key in PAGE_KEYS:
        page = window.show_page_by_key(key)
        qtbot.wait(1)
        assert _cut_combos(page) == [], key


def test_the_lead_save_button_is_in_sight_without_scrolling(qtbot, demo_db, real_font):
    from desktop.views.leads_page import LeadsPage

    page = _shown(qtbot, LeadsPage())
    for button in (page.leads_tab.new_button, page.leads_tab.save_button):
        assert button.visibleRegion().boundingRect() == button.rect(), button.text()


def test_an_empty_change_log_still_spans_its_table(qtbot, demo_db, real_font):
    from desktop.models.audit import AuditEntry
    from desktop.views.audit_page import AuditPage

    AuditEntry.delete().execute()  # a new office's trail (the demo's holds a few staged edits)
    page = _shown(qtbot, AuditPage())
    assert page.table.rowCount() == 0
    assert page.table.horizontalHeader().length() >= page.table.viewport().width() - 1
    assert _cut_headings(page.table) == []


def test_a_forced_password_change_says_why_before_the_fields(qtbot, fresh_db):
    why = "管理员为您设置的是初始密码，请先改成只有您知道的密码。"
    dialog = ChangePasswordDialog(reason=why)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(10)
    shown_above = [label for label in dialog.findChildren(QLabel)
                   if label.isVisible() and label.text() == why and label.y() < dialog.old_edit.y()]
    assert shown_above
    dialog.new_edit.setText("one password")
    dialog.again_edit.setText("another one")
    assert not dialog.try_accept()
    assert dialog.message.text() == "两次输入的新密码不一致" and shown_above[0].text() == why


def test_a_problem_too_long_for_the_wizard_shows_whole_on_hover(qtbot, fresh_db, tmp_path):
    from tests.fixtures_excel import township_rows, write_xlsx

    from desktop.views.import_wizard import PAGE_RESULTS, ImportWizard

    wizard = ImportWizard(write_xlsx(tmp_path / "水南镇清单.xlsx", township_rows()))
    qtbot.addWidget(wizard)
    wizard.next_button.click()
    wizard.next_button.click()
    assert wizard.pages.currentIndex() == PAGE_RESULTS
    table = wizard.issues_table
    assert table.rowCount() >= 1
    explanation = table.item(0, table.columnCount() - 1)
    assert len(explanation.text()) > 40 and explanation.toolTip() == explanation.text()


def test_teams_table_gives_the_project_name_room_and_shows_codes_and_dates_whole(qtbot, demo_db, real_font):
    from desktop.views.teams_page import COL_CODE, COL_LAST, COL_NAME, TeamsPage

    page = _shown(qtbot, TeamsPage(), height=600)
    header = page.table.horizontalHeader()
    # At 150 % the name column was 60 pixels: “★ 富…”. Staff find a project by its name.
    assert header.sectionSize(COL_NAME) >= 120  # about eight characters
    margins = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    metrics = page.table.fontMetrics()
    for row in range(min(page.model.rowCount(), 30)):
        for column in (COL_CODE, COL_LAST):
            text = page.model.index(row, column).data()
            assert metrics.horizontalAdvance(text) + margins <= header.sectionSize(column), text


def test_the_lead_list_shows_its_status_column_without_sideways_scrolling_at_1366(qtbot, demo_db, real_font):
    from desktop.views.leads_page import LEAD_COLUMNS, LeadsTab

    tab = LeadsTab()
    qtbot.addWidget(tab)
    tab.resize(1366 - 16 - 120, 600)  # a 1366×768 screen at 100 %, less the frame and the navigation
    tab.show()
    tab.load()
    qtbot.wait(10)
    header = tab.table.horizontalHeader()
    status = LEAD_COLUMNS.index("状态")
    assert header.sectionViewportPosition(status) + header.sectionSize(status) <= tab.table.viewport().width()


@pytest.mark.parametrize(("wan", "text", "unit"), [
    (Decimal("150000"), "15", "亿"),
    (Decimal("10001.5"), "1.00015", "亿"),
    (Decimal("10000"), "1", "亿"),
    (Decimal("3000"), "3000", "万"),
    (Decimal("0.5"), "0.5", "万"),
])
def test_an_amount_of_a_yi_or_more_is_shown_in_yi_and_reads_back_the_same(qtbot, wan, text, unit):
    from desktop.views.widgets import AmountEdit

    edit = AmountEdit()
    qtbot.addWidget(edit)
    edit.set_value(wan)
    assert (edit.edit.text(), edit.unit.currentData()) == (text, unit)
    assert edit.value() == wan
