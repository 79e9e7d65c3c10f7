"""`python -m desktop notice`: the 一次性告知书 from the command line."""

from __future__ import annotations

from desktop import db
from desktop.cli import main
from desktop.services import reviews
from tests.pdf_reading import pdf_text


def _review_ids():
    rows = reviews.list_reviews("all")
    waiting = next(r.id for r in rows if r.status == "待补充材料")
    complete = next(r.id for r in rows if r.status == "已完成")
    return waiting, complete


def test_notice_for_the_demo_review_waiting_for_materials(demo_db, tmp_path, capsys):
    waiting, _ = _review_ids()
    db.close()
    out = tmp_path / "告知书.pdf"
    assert main(["notice", "--db", str(demo_db), "--review", str(waiting), "--out", str(out)]) == 0
    assert "已生成一次性告知书" in capsys.readouterr().out
    text = "".join(pdf_text(out).split())
    assert "陶粒混凝土防火保温板" in text and "环境影响初步分析" in text and "能耗情况说明" in text
    assert "请于2022年9月2日前" in text


def test_notice_errors_are_chinese(demo_db, tmp_path, capsys):
    _, complete = _review_ids()
    db.close()
    out = tmp_path / "x.pdf"
    assert main(["notice", "--db", str(demo_db), "--review", "9999", "--out", str(out)]) == 1
    assert "没有编号为 9999 的初审" in capsys.readouterr().err
    assert main(["notice", "--db", str(demo_db), "--review", str(complete), "--out", str(out)]) == 1
    assert "没有缺少的材料" in capsys.readouterr().err
    assert main(["notice", "--db", str(demo_db), "--review", "1", "--out", str(tmp_path / "x.txt")]) == 1
    assert ".pdf" in capsys.readouterr().err
    assert not out.exists()
