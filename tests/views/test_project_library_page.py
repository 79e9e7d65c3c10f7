from desktop.views.project_library_page import ProjectLibraryPage
from desktop.views.project_table_model import COL_NAME

from tests.views.conftest import type_chinese


def shown_names(page):
    return [page.model.index(r, COL_NAME).data() for r in range(page.model.rowCount())]


def test_search_by_pinyin_initials_of_investor(qtbot, sample_projects):
    page = ProjectLibraryPage()
    qtbot.addWidget(page)
    page.load()
    assert len(shown_names(page)) == 3
    qtbot.keyClicks(page.search, "fyly")
    qtbot.waitUntil(lambda: shown_names(page) == ["富远新型铝材产业园"])
    assert page.count_label.text() == "共 1 个项目"


def test_search_by_chinese_text_and_clear(qtbot, sample_projects):
    page = ProjectLibraryPage()
    qtbot.addWidget(page)
    page.load()
    type_chinese(page.search, "灵芝")
    qtbot.waitUntil(lambda: shown_names(page) == ["血灵芝加工"])
    page.clear_button.click()
    assert len(shown_names(page)) == 3
    assert page.search.text() == ""


def test_filters_combine_and_report_summary(qtbot, sample_projects):
    page = ProjectLibraryPage()
    qtbot.addWidget(page)
    page.load()
    summaries = []
    page.summary_changed.connect(lambda count, total: summaries.append((count, total)))
    page.amount_combo.setCurrentIndex(page.amount_combo.findData("亿元以上"))
    assert sorted(shown_names(page)) == sorted(["富远新型铝材产业园", "久策气体（将乐）"])
    assert summaries[-1][0] == 2 and str(summaries[-1][1]) == "200000"
    page.township_combo.setCurrentIndex(page.township_combo.findData("古镛镇"))
    assert shown_names(page) == ["久策气体（将乐）"]
    page.township_combo.setCurrentIndex(0)
    page.key_combo.setCurrentIndex(page.key_combo.findData("重点项目"))
    assert shown_names(page) == ["富远新型铝材产业园"]
    page.clear_filters()
    page.stage_combo.setCurrentIndex(page.stage_combo.findData("洽谈"))
    assert shown_names(page) == ["血灵芝加工"]
    page.clear_filters()
    page.industry_combo.setCurrentIndex(page.industry_combo.findData("精细化工"))
    assert shown_names(page) == ["久策气体（将乐）"]


def test_header_click_sorts(qtbot, sample_projects):
    page = ProjectLibraryPage()
    qtbot.addWidget(page)
    page.load()
    page.table.sortByColumn(4, page.table.horizontalHeader().sortIndicatorOrder().__class__.DescendingOrder)
    assert shown_names(page)[0] == "富远新型铝材产业园"


def test_empty_library_says_how_to_start(qtbot, fresh_db):
    page = ProjectLibraryPage()
    qtbot.addWidget(page)
    page.show()
    page.load()
    assert page.empty_label.isVisible()
    assert "新建项目" in page.empty_label.text()


def test_a_project_saved_elsewhere_is_shown_selected_and_found_by_its_new_name(qtbot, sample_projects):
    from desktop.services import projects

    page = ProjectLibraryPage()
    qtbot.addWidget(page)
    page.load()
    project_id = sample_projects["血灵芝加工"]
    projects.update_project(project_id, {**projects.project_values(project_id), "name": "灵芝孢子粉生产线"})
    page.project_saved(project_id)
    assert page.selected_project_id() == project_id
    assert "灵芝孢子粉生产线" in shown_names(page) and "血灵芝加工" not in shown_names(page)
    qtbot.keyClicks(page.search, "lzbzf")
    qtbot.waitUntil(lambda: shown_names(page) == ["灵芝孢子粉生产线"])
    page.search.clear()
    qtbot.keyClicks(page.search, "xlzjg")
    qtbot.waitUntil(lambda: shown_names(page) == [])
