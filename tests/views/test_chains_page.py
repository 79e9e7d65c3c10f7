"""产业链 page: link boxes coloured by strength, links and local companies edited, the battle table."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from desktop.services import chains, reference
from desktop.views.chains_page import STRENGTH_COLOURS, ChainsPage

TODAY = dt.date(2022, 6, 30)


@pytest.fixture
def page(qtbot, fresh_db):
    widget = ChainsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    widget.select_chain("轻合金")
    return widget


def test_link_colour_follows_its_local_companies(qtbot, page):
    first = page.boxes[0]
    assert first.strength == chains.MISSING and first.colour == STRENGTH_COLOURS[chains.MISSING] == "#c62828"
    page.select_link(first.link.id)
    page.add_company("福建富远铝业有限公司")
    box = page.box_for(first.link.name)
    assert box.strength == chains.WEAK and box.colour == "#b26a00"
    assert "福建富远铝业有限公司" in [name for _, name in box.link.companies]
    page.add_company("将乐县鑫铝熔铸有限公司")
    page.add_company("将乐县华金合金铸造有限公司")
    box = page.box_for(first.link.name)
    assert box.strength == chains.STRONG and box.colour == "#2e7d32"
    assert "#2e7d32" in box.styleSheet()
    company_id = box.link.companies[0][0]
    page.remove_company(company_id)
    assert page.box_for(first.link.name).strength == chains.WEAK


def test_links_added_renamed_and_moved(qtbot, page):
    count = len(page.boxes)
    page.add_link("铝灰渣资源化")
    assert len(page.boxes) == count + 1
    assert page.boxes[-1].link.name == "铝灰渣资源化"
    page.move_link(-1)
    assert page.boxes[-2].link.name == "铝灰渣资源化"
    page.rename_link("铝灰渣综合利用")
    assert page.boxes[-2].link.name == "铝灰渣综合利用"


def test_battle_table_marks_overdue_and_exports(qtbot, page, tmp_path):
    link = page.boxes[0].link
    unit = reference.list_units()[0]
    chains.save_target(chains.TargetItem(None, link.id, "华金铝业集团有限公司", "广东佛山", "高", unit.id, None,
                                         "上门拜访", dt.date(2022, 6, 1), "已接触"))
    chains.save_target(chains.TargetItem(None, link.id, "鑫恒铝业集团有限公司", "浙江", "中", unit.id, None,
                                         "邀请考察", dt.date(2022, 7, 15), "待接触"))
    page.load()
    page.select_link(link.id)
    assert page.target_table.rowCount() == 2
    rows = {page.battle_table.item(r, 4).text(): r for r in range(page.battle_table.rowCount())}
    late, fine = rows["华金铝业集团有限公司"], rows["鑫恒铝业集团有限公司"]
    assert page.battle_table.item(late, 10).foreground().color().name() == "#c62828"
    assert page.battle_table.item(fine, 10).foreground().color().name() != "#c62828"

    out = tmp_path / "作战表.xlsx"
    page.export_xlsx(str(out))
    sheet = openpyxl.load_workbook(out).active
    texts = {cell.value for row in sheet.iter_rows() for cell in row}
    assert "华金铝业集团有限公司" in texts and "鑫恒铝业集团有限公司" in texts


def test_renders_on_the_demo(qtbot, demo_db):
    widget = ChainsPage(today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.load()
    widget.select_chain("轻合金")
    assert widget.view.local_company_count >= 20
    assert {box.strength for box in widget.boxes} == {chains.STRONG, chains.WEAK, chains.MISSING}
    assert widget.battle_table.rowCount() > 10
    assert not widget.grab().isNull()


def test_print_battle_table_opens_the_a3_preview(qtbot, page):
    from desktop.views.pdf_preview import open_previews

    from tests.pdf_reading import pdf_text

    link = page.boxes[0].link
    chains.save_target(chains.TargetItem(None, link.id, "华金铝业集团有限公司", "广东佛山", "高", None, None,
                                         "上门拜访", dt.date(2022, 6, 1), "已接触"))
    before = len(open_previews())
    page.print_pdf()
    previews = open_previews()
    assert len(previews) == before + 1
    preview = previews[-1]
    assert "华金铝业集团有限公司" in pdf_text(preview.path)
    preview.close()
