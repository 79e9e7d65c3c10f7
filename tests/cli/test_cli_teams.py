"""`teams export`: the assignment view as .xlsx or .pdf from the command line."""

from __future__ import annotations

from desktop.cli import main


def test_teams_export_xlsx_and_pdf(demo_db, tmp_path, capsys):
    from openpyxl import load_workbook

    from tests.pdf_reading import pdf_text, squeeze

    out = tmp_path / "专班.xlsx"
    code = main(["teams", "export", "--db", str(demo_db), "--out", str(out), "--key", "--as-of", "2022-06-30"])
    assert code == 0
    assert "已导出 23 个项目" in capsys.readouterr().out
    ws = load_workbook(out)["专班配备"]
    names = [ws.cell(r, 2).value for r in range(3, 26)]
    assert "富远新型铝材产业园" in names and "截至 2022-06-30" in ws["A1"].value

    pdf = tmp_path / "专班.pdf"
    assert main(["teams", "export", "--db", str(demo_db), "--out", str(pdf), "--without-team", "--key"]) == 0
    text = squeeze(pdf_text(pdf))
    assert "铁皮石斛种植二期" in text and "富远新型铝材产业园" not in text


def test_teams_export_refuses_bad_input(demo_db, tmp_path, capsys):
    assert main(["teams", "export", "--db", str(demo_db), "--out", str(tmp_path / "x.csv")]) == 1
    assert ".xlsx 或 .pdf" in capsys.readouterr().err
    assert main(["teams", "export", "--db", str(demo_db), "--out", str(tmp_path / "x.xlsx"), "--unit", "不存在局"]) == 1
    assert "没有名为“不存在局”的单位" in capsys.readouterr().err
