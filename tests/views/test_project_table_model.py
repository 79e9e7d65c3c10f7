from decimal import Decimal

from PySide6.QtCore import Qt

from desktop.services import lifecycle, project_list
from desktop.services.project_list import ProjectFilter
from desktop.views.project_table_model import COL_NAME, COL_STAGE, COL_TOTAL, ProjectTableModel


def make_model(qtbot=None):
    model = ProjectTableModel()
    steps = lifecycle.steps_summary()
    model.set_rows(project_list.load_rows(), steps.labels, steps.names)
    return model


def test_model_passes_qt_model_tester(qtmodeltester, sample_projects):
    model = make_model()
    qtmodeltester.check(model)
    model.set_filter(ProjectFilter(text="fyly"))
    qtmodeltester.check(model)


def test_cells_show_yi_and_stage(sample_projects):
    model = make_model()
    by_name = {model.index(r, COL_NAME).data(): r for r in range(model.rowCount())}
    row = by_name["富远新型铝材产业园"]
    assert model.index(row, COL_TOTAL).data() == "15.00"
    assert model.index(row, COL_STAGE).data() == "在建"
    assert "第 19 步" in model.index(row, COL_STAGE).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(by_name["血灵芝加工"], COL_TOTAL).data() == "0.30"
    assert model.index(by_name["血灵芝加工"], COL_STAGE).data() == "洽谈"


def test_sort_and_filter_by_index_list(sample_projects):
    model = make_model()
    model.sort(COL_TOTAL, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, COL_TOTAL).data() for r in range(3)] == ["15.00", "5.00", "0.30"]
    model.set_filter(ProjectFilter(amount_band="亿元以上"))
    # The sort survives a filter change.
    assert [model.index(r, COL_TOTAL).data() for r in range(model.rowCount())] == ["15.00", "5.00"]
    assert model.summary().total_wan == Decimal(200000)
    model.sort(-1)
    model.set_filter(ProjectFilter())
    assert model.rowCount() == 3


def test_a_large_library_reads_its_search_texts_once_while_idle(qtbot):
    from desktop.services.project_list import ProjectRow, ProjectRows
    from desktop.views.project_table_model import PREPARE_FROM

    count = PREPARE_FROM + 1
    rows = [ProjectRow(i, f"JL-2022-{i:05d}", f"项目{i}", None, "轻合金", i * 10_000, 0, "正常", None, None, None, "", False)
            for i in range(1, count + 1)]
    reads = []

    def read_search_texts():
        reads.append(True)
        return {i: f"项目{i} xm{i} jl-2022-{i:05d}" for i in range(1, count + 1)}, {}

    model = ProjectTableModel()
    model.set_rows(ProjectRows.searched_later(rows, {}, {}, {}, read_search_texts), {0: "未开始"})
    assert model.rowCount() == count
    qtbot.waitUntil(model.prepared, timeout=10_000)
    model.set_filter(ProjectFilter(text=f"xm{count}"))
    assert [model.index(r, COL_NAME).data() for r in range(model.rowCount())] == [f"项目{count}"]
    model.sort(COL_TOTAL, Qt.SortOrder.DescendingOrder)
    model.set_filter(ProjectFilter())
    assert model.index(0, COL_NAME).data() == f"项目{count}"
    assert reads == [True]
