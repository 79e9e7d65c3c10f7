"""`python -m desktop scoreboard`: the ranked JSON list, the table, the drill-down, files, errors."""

from __future__ import annotations

import json

import pytest

from desktop.cli import EXIT_OK, EXIT_USAGE, EXIT_USER_ERROR, main
from tests.cli.test_cli import run_cli
from tests.services.test_scoring import build_scoring_case


@pytest.fixture
def case_db(fresh_db):
    from desktop import db

    build_scoring_case()
    db.close()
    return fresh_db


JUNE = ("--from", "2022-06-01", "--to", "2022-06-30")


def test_json_is_the_ranked_list(case_db, isolated_data_dir):
    result = run_cli("scoreboard", "--db", str(case_db), *JUNE, "--json", data_dir=isolated_data_dir)
    assert result.returncode == 0, result.err
    rows = json.loads(result.stdout.decode("utf-8"))
    assert [(r["rank"], r["unit"], r["points"], r["steps"], r["projects"]) for r in rows] == [
        (1, "甲单位", 25, 2, 2), (1, "丙单位", 25, 2, 2), (3, "乙单位", 3.5, 3, 2), (4, "己单位", 2, 1, 1),
        (5, "丁单位", 0, 0, 0)]
    assert [(r["previous_rank"], r["change"]) for r in rows][:3] == [(3, "▲2（+25.0）"), (1, "—（+17.0）"), (2, "▼1（-0.5）")]


def test_table_and_drill_down(case_db, capsys):
    assert main(["scoreboard", "--db", str(case_db), *JUNE]) == EXIT_OK
    out = capsys.readouterr().out
    assert "2022年6月" in out and "与2022年5月" in out
    lines = [line.split() for line in out.splitlines() if line.strip().startswith(("1 ", "3 ", "5 "))]
    assert lines[0][:5] == ["1", "甲单位", "25.0", "2", "2"]
    assert ["3", "乙单位", "3.5", "3", "2"] == lines[2][:5]
    assert main(["scoreboard", "--db", str(case_db), *JUNE, "--unit", "甲单位", "--json"]) == EXIT_OK
    details = json.loads(capsys.readouterr().out)
    assert [(d["project_code"], d["step"], d["date"], d["base_points"], d["weight"], d["points"]) for d in details] == [
        ("P1", 9, "2022-06-01", 10, 1, 10), ("P2", 9, "2022-06-30", 10, 1.5, 15)]
    assert sum(d["points"] for d in details) == 25


def test_files(case_db, tmp_path, capsys):
    from openpyxl import load_workbook

    from tests.pdf_reading import pdf_text, squeeze

    xlsx, pdf = tmp_path / "积分榜.xlsx", tmp_path / "通报.pdf"
    assert main(["scoreboard", "--db", str(case_db), *JUNE, "--out", str(xlsx)]) == EXIT_OK
    assert main(["scoreboard", "--db", str(case_db), *JUNE, "--out", str(pdf)]) == EXIT_OK
    assert "已导出 5 个单位" in capsys.readouterr().out
    ws = load_workbook(xlsx).active
    assert ws["A1"].value == "2022年6月招商引资“比学赶超”积分情况通报"
    assert [c.value for c in ws[3]][:5] == ["名次", "单位", "积分", "计分步骤", "涉及项目"]
    assert [c.value for c in ws[4]][:5] == [1, "甲单位", 25.0, 2, 2]
    assert [c.value for c in ws[6]][:3] == [3, "乙单位", 3.5]
    text = squeeze(pdf_text(pdf))
    assert "2022年6月招商引资“比学赶超”积分情况通报" in text
    assert "甲单位25.022" in text and "乙单位3.532降1位" in text


def test_errors_are_one_chinese_line(case_db, capsys):
    assert main(["scoreboard", "--db", str(case_db), "--from", "2022-07-01", "--to", "2022-06-30"]) == EXIT_USER_ERROR
    assert "开始日期 2022-07-01 晚于结束日期 2022-06-30" in capsys.readouterr().err
    assert main(["scoreboard", "--db", str(case_db), *JUNE, "--unit", "无此单位"]) == EXIT_USER_ERROR
    assert "没有名为“无此单位”的单位" in capsys.readouterr().err
    assert main(["scoreboard", "--db", str(case_db), *JUNE, "--out", "x.txt"]) == EXIT_USER_ERROR
    assert main(["scoreboard", "--db", str(case_db / "missing.db"), *JUNE]) == EXIT_USER_ERROR
    with pytest.raises(SystemExit) as exit_info:
        main(["scoreboard", "--db", str(case_db), "--from", "昨天"])
    assert exit_info.value.code == EXIT_USAGE
