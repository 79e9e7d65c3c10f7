"""Issue 3: “Export, then import with update, changes nothing.”"""

from __future__ import annotations

import pytest

from desktop import db
from desktop.models import LifecycleStep, Project, StepRecord
from desktop.services import excel_import as ei
from desktop.services.excel_export import export_projects
from desktop.services.project_list import load_rows


@pytest.fixture
def demo_db(tmp_path):
    from desktop.services.demo import build_demo

    build_demo(tmp_path / "demo.db")
    yield tmp_path / "demo.db"
    db.close()


def library_state() -> dict:
    """Every value the export carries (by project), plus what an update could touch besides."""
    rows = load_rows()
    state = {}
    for row in rows:
        state[row.code] = {
            "name": row.name,
            "investor": rows.value(row, 2),
            "industry": row.industry,
            "total_yuan": row.total_yuan,
            "stage_no": row.stage_no,
            "status": row.status,
            "responsible_unit": rows.value(row, 7),
            "leader": rows.value(row, 8),
            "township": rows.value(row, 9),
            "library_on": row.library_on,
        }
    for code, progress_text in Project.select(Project.code, Project.progress_text).tuples():
        state[code]["progress_text"] = progress_text
    records = (
        StepRecord.select(Project.code, LifecycleStep.number, StepRecord.done_on, StepRecord.not_applicable,
                          StepRecord.unit, StepRecord.note)
        .join(Project).switch(StepRecord).join(LifecycleStep).tuples()
    )
    for code, number, done_on, na, unit, note in records:
        state[code].setdefault("steps", {})[number] = (str(done_on), bool(na), unit, note)
    return state


def test_export_then_import_with_update_changes_nothing(demo_db, tmp_path):
    before = library_state()
    assert len(before) > 100
    stages = {row.stage_no for row in load_rows()}
    assert len(stages) > 8  # the demo covers most stages, so most stage labels are read back

    rows = load_rows()
    out = tmp_path / "项目库.xlsx"
    export_projects(out, rows, list(range(len(rows))), title="项目库")
    analysis = ei.analyse(out)
    assert analysis.errors == []
    # No warnings at all: every 当前阶段 label reads back, and a stage word that matches the
    # project's current stage needs no date (nothing is recorded for it).
    assert analysis.warnings == []
    assert analysis.rows_read == len(before)  # the totals row is not a project
    assert analysis.valid == 0 and len(analysis.duplicates) == len(before)

    outcome = ei.commit(analysis, on_duplicate="update")
    assert (outcome.imported, outcome.updated, outcome.skipped) == (0, len(before), 0)
    after = library_state()
    assert after == before
    assert Project.select().count() == len(before)


def test_stage_labels_of_lists_are_understood(fresh_db, tmp_path):
    """Every label lifecycle.stage_labels() gives reads back as a stage, never as 无法识别的进展."""
    from desktop.services.lifecycle import stage_labels
    from tests.fixtures_excel import write_xlsx

    labels = sorted(set(stage_labels().values()))
    assert {"落地审批", "达效", "线索", "决策", "未开始", "在建", "竣工"} <= set(labels)
    rows = [["项目名称", "投资方", "总投资（万元）", "项目进展"]]
    rows += [[f"测试项目{n}", "某公司", 1000, label] for n, label in enumerate(labels)]
    analysis = ei.analyse(write_xlsx(tmp_path / "stages.xlsx", rows))
    assert analysis.errors == []
    assert not [w for w in analysis.warnings if "无法识别" in w.message]
    ref = ei._load_reference()
    for label in labels:
        number, exact = ei._stage_step(label, ref.step_names, ref.stage_words)
        assert exact and number is not None
        assert number == 0 if label == "未开始" else ref.stage_label[number] == label
    # A new project with a stage but no date: the usual “date unknown” warning, nothing else.
    unknown_date = [w for w in analysis.warnings if "完成日期未知" in w.message]
    assert len(unknown_date) == len(labels) - 1  # all but 未开始


def test_update_keeps_progress_text_and_steps_of_same_stage(fresh_db, tmp_path):
    import datetime as dt

    from desktop.services import lifecycle, projects
    from tests.fixtures_excel import write_xlsx

    today = dt.date(2022, 8, 25)
    pid = projects.create_project({"name": "铝型材项目", "investor_name": "福建铝业", "total_investment": 5000,
                                   "progress_text": "厂房主体完成"}, today=today)
    lifecycle.record_step(pid, 19, dt.date(2022, 3, 1), note="手工记录", today=today)
    rows = [["项目名称", "投资方", "总投资（万元）", "项目进展", "开工时间"],
            ["铝型材项目", "福建铝业", 5000, "在建", "2022-03-01"]]
    analysis = ei.analyse(write_xlsx(tmp_path / "u.xlsx", rows), today=today)
    assert analysis.errors == [] and analysis.warnings == []
    ei.commit(analysis, on_duplicate="update", today=today)
    project = Project.get_by_id(pid)
    assert project.progress_text == "厂房主体完成" and project.stage_no == 19
    record = StepRecord.get(StepRecord.project == pid)
    assert record.note == "手工记录"


def test_template_example_row_is_not_imported(fresh_db, tmp_path):
    from desktop.services.excel_template import write_template
    from tests.fixtures_excel import write_xlsx

    path = write_template(tmp_path / "模板.xlsx")
    analysis = ei.analyse(path)
    assert analysis.rows_read == 0 and analysis.valid == 0
    assert analysis.errors == [] and analysis.warnings == [] and analysis.rows == []
    assert ei.commit(analysis).imported == 0
    assert Project.select().count() == 0

    # The template filled in below the example: only the real rows count.
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    rows = [list(r) for r in rows if any(v not in ("", None) for v in r)]
    header = rows[0]
    filled = [""] * len(header)
    filled[header.index("项目名称")] = "年产3万吨竹木制品项目"
    filled[header.index("总投资（万元）")] = 8000
    filled[header.index("备注")] = "示例之外的真实项目"  # 备注 alone starting with 示例 is not enough
    analysis = ei.analyse(write_xlsx(tmp_path / "填好.xlsx", [*rows, filled]))
    assert analysis.rows_read == 1 and analysis.valid == 1 and analysis.errors == []
    assert [r.values["name"] for r in analysis.rows] == ["年产3万吨竹木制品项目"]
