"""`python -m desktop pack` and `python -m desktop minutes`: the meeting by id or `latest`, Chinese errors."""

from __future__ import annotations

import re

from desktop import db
from desktop.cli import main
from desktop.services import meetings
from tests.pdf_reading import pdf_page_count, pdf_text, squeeze

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _ids():
    rows = meetings.list_meetings()
    return {row.number: row.id for row in rows}


def test_pack_of_the_latest_meeting(demo_db, tmp_path, capsys):
    latest = meetings.latest_meeting_id()
    title = meetings.meeting_detail(latest).title
    db.close()
    out = tmp_path / "会议材料.pdf"
    assert main(["pack", "--db", str(demo_db), "--meeting", "latest", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    pages = pdf_page_count(out)
    assert f"已生成“{title}”会议材料（{pages} 页，手机号已隐去中间四位）" in said
    text = squeeze(pdf_text(out))
    assert "将乐县招商引资工作领导小组2022年第3次会议" in text
    for name in ("居然之家", "年产6000吨食品添加剂酒石酸", "年产2万吨有机硅生产线", "年产3万吨钛白粉精细化加工"):
        assert name in text
    assert not MOBILE.search(text)


def test_pack_by_id_with_full_contacts(demo_db, tmp_path, capsys):
    first = _ids()[1]
    db.close()
    out = tmp_path / "第1次.pdf"
    assert main(["pack", "--db", str(demo_db), "--meeting", str(first), "--full-contacts", "--out", str(out)]) == 0
    assert "完整联系方式" in capsys.readouterr().out
    text = squeeze(pdf_text(out))
    assert "2022年第1次会议" in text and "2022年3月18日" in text
    assert "会议决定：同意落地" in text and "会议决定：补充材料后再议" in text


def test_minutes_by_id_and_latest(demo_db, tmp_path, capsys):
    second = _ids()[2]
    db.close()
    out = tmp_path / "纪要.pdf"
    assert main(["minutes", "--db", str(demo_db), "--meeting", str(second), "--out", str(out)]) == 0
    assert "会议纪要" in capsys.readouterr().out
    text = squeeze(pdf_text(out))
    assert "2022年第2次会议会议纪要" in text and "会议决定该项目暂缓推进" in text and "中医药康养园" in text
    # The latest meeting (第3次) has no decision yet: a Chinese error, no file.
    none = tmp_path / "无.pdf"
    assert main(["minutes", "--db", str(demo_db), "--meeting", "latest", "--out", str(none)]) == 1
    assert "还没有记录任何决定" in capsys.readouterr().err
    assert not none.exists()


def test_errors_are_chinese(demo_db, fresh_db, tmp_path, capsys):
    db.close()
    out = tmp_path / "x.pdf"
    assert main(["pack", "--db", str(demo_db), "--meeting", "999", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "没有编号为 999 的会议" in err and "现有会议编号" in err
    assert main(["pack", "--db", str(demo_db), "--meeting", "最近", "--out", str(out)]) == 1
    assert "latest" in capsys.readouterr().err
    assert main(["pack", "--db", str(demo_db), "--meeting", "latest", "--out", str(tmp_path / "x.docx")]) == 1
    assert ".pdf" in capsys.readouterr().err
    assert main(["pack", "--db", str(fresh_db), "--meeting", "latest", "--out", str(out)]) == 1
    assert "还没有任何领导小组会" in capsys.readouterr().err
    assert not out.exists()
