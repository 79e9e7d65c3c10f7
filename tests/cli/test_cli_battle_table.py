"""battle-table and the lead figures of `stats --json`, through the command line."""

from __future__ import annotations

import datetime as dt
import json

from python_calamine import CalamineWorkbook

from desktop import db
from desktop.cli import main
from desktop.models import Unit
from desktop.services import chains, leads
from desktop.services.chains import TargetItem
from desktop.services.leads import ForumItem


def _prepare(path):
    units = {u.name: u.id for u in Unit.select()}
    chain_id = dict((n, i) for i, n in chains.list_chains())["轻合金"]
    link = chains.chain_view(chain_id).links[2]
    chains.save_target(TargetItem(None, link.id, "某铝型材集团", "广东佛山", "高", units["县工信局"], next_action="赴佛山拜访"))
    forum = leads.save_forum(ForumItem(None, "上海乡贤座谈会", dt.date(2022, 4, 9), organiser_id=units["县商务局"]))
    leads.add_forum_leads(forum, [{"title": "高精密电子元器件"}, {"title": "竹木精深加工"}], today=dt.date(2022, 8, 1))
    leads.save_lead(leads.LeadItem(None, "血灵芝加工", "客商", units["水南镇"], dt.date(2022, 7, 2)), today=dt.date(2022, 8, 1))
    db.close()


def test_battle_table_pdf_and_xlsx(fresh_db, tmp_path, capsys):
    from tests.pdf_reading import pdf_text

    _prepare(fresh_db)
    pdf = tmp_path / "输出" / "作战表.pdf"
    pdf.parent.mkdir()
    assert main(["battle-table", "--db", str(fresh_db), "--out", str(pdf), "--as-of", "2022-06-30"]) == 0
    assert "已写入招商作战表" in capsys.readouterr().out
    assert "某铝型材集团" in pdf_text(pdf)
    xlsx = tmp_path / "输出" / "作战表.xlsx"
    assert main(["battle-table", "--db", str(fresh_db), "--out", str(xlsx)]) == 0
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    assert any(row[4] == "某铝型材集团" for row in rows[2:])


def test_battle_table_refuses_other_extensions(fresh_db, tmp_path, capsys):
    assert main(["battle-table", "--db", str(fresh_db), "--out", str(tmp_path / "a.docx")]) == 1
    assert ".pdf 或 .xlsx" in capsys.readouterr().err


def test_stats_json_counts_leads_forums_and_forum_leads(fresh_db, capsys):
    _prepare(fresh_db)
    assert main(["stats", "--db", str(fresh_db), "--from", "2022-01-01", "--to", "2022-06-30", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["leads"], payload["forums"], payload["forum_leads"]) == (2, 1, 2)
    assert main(["stats", "--db", str(fresh_db), "--from", "2022-01-01", "--to", "2022-07-31", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["leads"] == 3
