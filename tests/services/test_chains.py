"""Industry chains: links judged by their local companies, target companies, the battle table on paper and in Excel."""

from __future__ import annotations

import datetime as dt

import pytest
from python_calamine import CalamineWorkbook

from desktop.errors import UserError, ValidationError
from desktop.models import Unit
from desktop.services import battle_table, chains
from desktop.services.chains import TargetItem

TODAY = dt.date(2022, 8, 25)


def test_default_chains_are_seeded_with_their_links(fresh_db):
    names = [name for _, name in chains.list_chains()]
    assert names == ["精细化工", "轻合金", "特色农林", "森林康养"]
    alloy = chains.chain_view(dict((n, i) for i, n in chains.list_chains())["轻合金"])
    assert alloy.links[0].name.startswith("铝熔炼") and alloy.links[4].name.startswith("产品制造")
    assert all(link.strength == "缺" for link in alloy.links)


def test_link_strength_follows_local_company_count(fresh_db):
    chain_id = chains.save_chain("测试链")
    link_id = chains.save_link(chain_id, "上游")
    assert chains.chain_view(chain_id).links[0].strength == "缺"
    chains.add_local_company(link_id, "甲铝业有限公司")
    assert chains.chain_view(chain_id).links[0].strength == "弱"
    chains.add_local_company(link_id, "乙铝业有限公司")
    chains.add_local_company(link_id, "丙铝业有限公司")
    chains.add_local_company(link_id, "丙铝业有限公司")  # twice is once
    view = chains.chain_view(chain_id)
    assert view.links[0].strength == "强" and len(view.links[0].companies) == 3 and view.local_company_count == 3
    with pytest.raises(ValidationError):
        chains.save_link(chain_id, "上游")


def test_links_reorder(fresh_db):
    chain_id = chains.save_chain("测试链")
    a, b, c = (chains.save_link(chain_id, name) for name in ("甲", "乙", "丙"))
    chains.move_link(c, -1)
    assert [link.name for link in chains.chain_view(chain_id).links] == ["甲", "丙", "乙"]


def _battle_setup():
    units = {u.name: u.id for u in Unit.select()}
    chain_id = dict((n, i) for i, n in chains.list_chains())["轻合金"]
    links = chains.chain_view(chain_id).links
    for name in ("将乐铝业一厂", "将乐铝业二厂", "将乐铝业三厂"):
        chains.add_local_company(links[0].id, name)
    chains.save_target(TargetItem(None, links[2].id, "某铝型材集团", "广东佛山", "高", units["县工信局"],
                                  next_action="赴佛山拜访，邀请来将乐考察", next_on=dt.date(2022, 8, 1)))
    chains.save_target(TargetItem(None, links[2].id, "某门窗幕墙公司", "福州", "低", units["县商务局"]))
    return links


def test_battle_table_rows_order_and_gaps(fresh_db):
    links = _battle_setup()
    rows = chains.battle_table(TODAY)
    alloy = [r for r in rows if r.chain == "轻合金"]
    assert [r.target for r in alloy if r.link == links[2].name] == ["某铝型材集团", "某门窗幕墙公司"]
    first = alloy[[r.target for r in alloy].index("某铝型材集团")]
    assert first.overdue and first.unit == "县工信局" and first.strength == "缺"
    assert not any(r.link == links[0].name for r in alloy)  # a strong link with no target is not a gap
    assert any(r.link == links[1].name and r.target == "（待确定目标企业）" for r in alloy)
    with pytest.raises(ValidationError):
        chains.save_target(TargetItem(None, links[2].id, "", priority="急"))


def test_battle_table_workbook_and_pdf(fresh_db, tmp_path):
    from tests.pdf_reading import pdf_pages, pdf_text

    _battle_setup()
    xlsx = tmp_path / "作战表" / "招商作战表.xlsx"
    xlsx.parent.mkdir()
    count = battle_table.write(xlsx, today=TODAY)
    sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    assert sheet[1][:5] == ["产业链", "环节", "环节现状", "本地企业", "目标企业"]
    targets = [row[4] for row in sheet[2:-1]]
    assert "某铝型材集团" in targets and len(sheet) - 3 == count and sheet[-1][:2] == ["合计", f"共 {count} 条"]
    pdf = tmp_path / "作战表" / "招商作战表.pdf"
    pages = battle_table.write(pdf, today=TODAY)
    text = pdf_text(pdf)
    assert "招商作战表" in text and "某铝型材集团" in text and "赴佛山拜访" in text and "已过期" in text
    assert len(pdf_pages(pdf)) == pages
    from pypdf import PdfReader

    box = PdfReader(str(pdf)).pages[0].mediabox
    assert round(float(box.width)) == 1191 and round(float(box.height)) == 842  # A3 landscape
    with pytest.raises(UserError, match=".docx"):
        battle_table.write(tmp_path / "作战表.docx", today=TODAY)
