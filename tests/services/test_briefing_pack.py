"""The briefing pack, the minutes and the one-pager, read back from the PDF the way a reader sees them."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from desktop.errors import NotFoundError, UserError
from desktop.models import Project
from desktop.services import lifecycle, meetings, projects, reference
from desktop.services.briefing_pack import build_pack, chinese_number
from desktop.services.meetings import ItemInput
from desktop.services.minutes import build_minutes
from desktop.services.one_pager import build_one_pager
from tests.pdf_reading import assert_fonts_embedded, pdf_pages, pdf_text, squeeze

TODAY = dt.date(2022, 9, 1)
DAY = dt.date(2022, 6, 30)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LINE_START_FORBIDDEN = "，。、；：！？）》”"


@pytest.fixture
def small_meeting(fresh_db):
    """A meeting of three projects with full mobile numbers in their contacts."""
    units = {u.name: u.id for u in reference.list_units()}
    chair = reference.save_person({"name": "林志远", "title": "县委书记", "is_leader": True})
    leader = reference.save_person({"name": "张国平", "title": "常务副县长", "is_leader": True})
    specs = [
        ("居然之家", "居然之家新零售集团股份有限公司", 30000, 24600, "40", "商贸物流", "杨经理 13812345678"),
        ("年产2万吨有机硅生产线", "福建硅谷新材料有限公司", 50000, 32000, "52.5", "精细化工", "蔡经理 15987654321"),
        ("年产3万吨钛白粉精细化加工", "福建钛源化工有限公司", 30000, 25500, "120", "精细化工", "陈经理 186-0000-1111"),
    ]
    ids = []
    for name, investor, total, fixed, land, industry, contact in specs:
        pid = projects.create_project(
            {"name": name, "investor_name": investor, "total_investment": Decimal(total),
             "fixed_asset_investment": Decimal(fixed), "land_area": Decimal(land), "industry": industry,
             "content": f"建设{name}，联系电话 13900001111。", "contact": contact,
             "responsible_unit_id": units["将乐经济开发区"], "township_id": units["古镛镇"], "leader_id": leader},
            today=TODAY,
        )
        for step in range(1, 7):
            lifecycle.record_step(pid, step, dt.date(2022, 1, 1) + dt.timedelta(days=step * 3), today=TODAY)
        if name == "居然之家":
            lifecycle.record_step(pid, 10, dt.date(2022, 3, 1), today=TODAY)
        ids.append(pid)
    meeting_id = meetings.save_meeting(
        None,
        {"title": "将乐县招商引资工作领导小组2022年第3次会议", "number": 3, "held_on": DAY, "place": "县行政服务中心",
         "chair_id": chair, "attendee_ids": [leader]},
        [ItemInput(pid, "建议同意落地。") for pid in ids],
        today=TODAY,
    )
    return meeting_id, ids


def footer_total(page_text: str) -> tuple[int, int] | None:
    match = re.search(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", page_text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def test_the_pack_has_title_every_project_and_a_consistent_page_count(small_meeting, tmp_path):
    meeting_id, ids = small_meeting
    out = tmp_path / "会议材料.pdf"
    pages = build_pack(out, meeting_id)
    texts = pdf_pages(out)
    assert pages == len(texts)
    assert "将乐县招商引资工作领导小组2022年第3次会议" in squeeze(texts[0])
    assert "内部资料" in texts[0] and "第＿＿份" in squeeze(texts[0]) and "2022年6月30日" in texts[0]
    assert footer_total(texts[0]) is None  # the cover has no footer
    for number, text in enumerate(texts[1:], start=2):
        assert footer_total(text) == (number, pages), number
        assert "第3次会议" in squeeze(text)  # the header names the meeting
    whole = squeeze(pdf_text(out))
    for name in ("居然之家", "年产2万吨有机硅生产线", "年产3万吨钛白粉精细化加工"):
        assert name in whole
    assert "议题一居然之家" in whole and "议题三年产3万吨钛白粉精细化加工" in whole
    assert "附件：议题汇总表" in whole
    assert_fonts_embedded(out)


def test_the_contents_give_the_page_each_section_starts_on(small_meeting, tmp_path):
    meeting_id, _ = small_meeting
    out = tmp_path / "pack.pdf"
    build_pack(out, meeting_id)
    texts = [squeeze(t) for t in pdf_pages(out)]
    contents = texts[1]
    assert "目录" in contents
    for heading in ("一、总体情况", "议题一居然之家", "议题二年产2万吨有机硅生产线", "附件：议题汇总表"):
        # The leader dots and the number may come out before or after the entry's text.
        match = (re.search(r"\.(\d+)" + re.escape(heading), contents)
                 or re.search(re.escape(heading) + r"\.+(\d+)", contents))
        assert match, heading
        page = int(match.group(1))
        assert heading in texts[page - 1], (heading, page)
        assert not any(heading in t for t in texts[2:page - 1]), heading


def test_the_appendix_is_landscape_and_repeats_its_header(fresh_db, tmp_path):
    units = {u.name: u.id for u in reference.list_units()}
    items = []
    for n in range(45):
        pid = projects.create_project(
            {"name": f"测试项目{n:02d}", "investor_name": f"投资方{n:02d}有限公司", "total_investment": Decimal(10000 + n),
             "land_area": Decimal(20 + n), "fixed_asset_investment": Decimal(8000), "industry": "新材料",
             "responsible_unit_id": units["将乐经济开发区"]},
            today=TODAY,
        )
        items.append(ItemInput(pid, "建议同意落地，并按投资协议约定的投资强度和亩均税收建设，签约后 6 个月内开工。"))
    meeting_id = meetings.save_meeting(None, {"title": "测试会议", "number": 1, "held_on": DAY}, items, today=TODAY)
    out = tmp_path / "pack.pdf"
    build_pack(out, meeting_id)
    reader = PdfReader(str(out))
    texts = pdf_pages(out)
    first = next(i for i, t in enumerate(texts) if "附件：议题汇总表" in squeeze(t) and i > 2)
    appendix = range(first, len(texts))
    assert len(appendix) >= 2
    for index in appendix:
        box = reader.pages[index].mediabox
        assert float(box.width) > float(box.height), index  # landscape
        assert "项目名称" in texts[index] and "投资强度" in texts[index], index
    box = reader.pages[3].mediabox
    assert float(box.width) < float(box.height)  # the sections are portrait
    assert "测试项目44" in squeeze(texts[-1]) and "45个项目" in squeeze(texts[-1])
    # Route by land: 20–64 亩 → 领导小组, plus 政府常务会 above 30 亩.
    assert "其中 34 个项目还须提交政府常务会研究" in pdf_text(out).replace("\n", "")


def test_phones_are_masked_unless_full_contacts(small_meeting, tmp_path):
    meeting_id, _ = small_meeting
    masked, full = tmp_path / "masked.pdf", tmp_path / "full.pdf"
    build_pack(masked, meeting_id)
    text = squeeze(pdf_text(masked))
    assert not MOBILE.search(text)
    assert "138****5678" in text and "139****1111" in text and "186-****-1111" in text
    build_pack(full, meeting_id, full_contacts=True)
    text = squeeze(pdf_text(full))
    assert "13812345678" in text and "15987654321" in text


def test_figures_are_those_of_stats_from_1_january_to_the_meeting(demo_db, tmp_path):
    awaiting = [Project.get(Project.name == n).id for n in ("居然之家", "年产2万吨有机硅生产线")]
    meeting_id = meetings.save_meeting(None, {"title": "半年会议", "number": 9, "held_on": DAY},
                                       [ItemInput(pid) for pid in awaiting], today=TODAY)
    out = tmp_path / "pack.pdf"
    build_pack(out, meeting_id)
    text = squeeze(pdf_text(out))
    assert "2022年1月1日至2022年6月30日" in text
    assert "全县入库项目60个，总投资104.64亿元" in text
    assert "其中亿元以上项目47个，总投资97.79亿元，已开工14个，总投资27.04亿元" in text
    assert "云签约项目12个，总投资25.70亿元" in text and "正在对接项目72个，总投资109.00亿元" in text
    assert "各类项目总投资（亿元）" in text and "入库项目按产业（个）" in text


def test_the_demo_pack_shows_reviews_teams_and_targets(demo_db, tmp_path):
    reviews = pytest.importorskip("desktop.services.reviews")
    out = tmp_path / "pack.pdf"
    meeting_id = meetings.resolve_meeting("latest")
    build_pack(out, meeting_id)
    text = squeeze(pdf_text(out))
    detail = meetings.meeting_detail(meeting_id)
    assert [i.project_name for i in detail.items] == ["居然之家", "年产6000吨食品添加剂酒石酸", "年产2万吨有机硅生产线",
                                                       "年产3万吨钛白粉精细化加工"]
    for item in detail.items:
        assert item.project_name in text
        review = reviews.latest_review_for_project(item.project_id)
        if review is not None and review.score is not None:
            assert f"评分{review.score:.2f}分" in text
            for opinion in review.opinions:
                assert opinion.unit_name in text
    assert "成员单位" in text and "决策路径：领导小组" in text
    assert "615.00万元/亩；不适用门槛" in text  # 居然之家: retail, no intensity threshold
    if pytest.importorskip("desktop.services.targets").years_with_targets():
        assert "双过半进展" in text and "时间进度" in text
    if pytest.importorskip("desktop.services.teams"):
        assert "未销号问题" in text or "问题均已销号" in text or "未成立专班" in text
    assert not MOBILE.search(text)
    for line in pdf_text(out).splitlines():
        first = line.strip()[:1]
        assert not first or first not in LINE_START_FORBIDDEN, line


def test_no_targets_no_double_half_part(small_meeting, tmp_path):
    meeting_id, _ = small_meeting
    out = tmp_path / "pack.pdf"
    build_pack(out, meeting_id)
    assert "双过半" not in squeeze(pdf_text(out))


def test_a_decided_item_shows_the_decision(small_meeting, tmp_path):
    meeting_id, _ = small_meeting
    item = meetings.meeting_detail(meeting_id).items[1]
    meetings.record_decision(item.id, "暂缓", "待安全评价完成", today=TODAY)
    out = tmp_path / "pack.pdf"
    build_pack(out, meeting_id)
    assert "会议决定：暂缓。条件：待安全评价完成" in squeeze(pdf_text(out))


def test_progress_is_reported_and_cancel_leaves_no_file(small_meeting, tmp_path):
    meeting_id, _ = small_meeting
    seen = []
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "pack.pdf"
    build_pack(out, meeting_id, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert any(d < t / 2 for d, t in seen) and any(t / 2 < d < t for d, t in seen)
    for cancel_at in (1, 500):  # while reading the data, and while the PDF is being laid out
        cancelled = folder / "cancelled.pdf"
        with pytest.raises(UserError, match="已取消"):
            build_pack(cancelled, meeting_id, progress=lambda done, total: done < cancel_at)
        assert sorted(p.name for p in folder.iterdir()) == ["pack.pdf"]


def test_an_unknown_meeting_is_a_chinese_error(fresh_db, tmp_path):
    with pytest.raises(NotFoundError, match="没有编号为 42 的会议"):
        build_pack(tmp_path / "x.pdf", 42)


def test_minutes_come_from_the_decisions(small_meeting, tmp_path):
    meeting_id, ids = small_meeting
    out = tmp_path / "纪要.pdf"
    with pytest.raises(UserError, match="还没有记录任何决定"):
        build_minutes(out, meeting_id)
    items = meetings.meeting_detail(meeting_id).items
    meetings.record_decision(items[0].id, "同意落地", "签约后 6 个月内开工，联系人 13812345678", today=TODAY)
    meetings.record_decision(items[2].id, "不同意", "属限制类工艺", today=TODAY)
    pages = build_minutes(out, meeting_id)
    text = squeeze(pdf_text(out))
    assert pages >= 1
    assert "将乐县招商引资工作领导小组2022年第3次会议会议纪要" in text
    assert "2022年6月30日，县委书记林志远在县行政服务中心主持召开" in text
    assert "一、关于居然之家项目" in text and "会议同意该项目落地。条件：签约后6个月内开工" in text
    assert "二、关于年产2万吨有机硅生产线项目" in text and "会议未形成决定" in text
    assert "三、关于年产3万吨钛白粉精细化加工项目" in text and "会议不同意该项目落地" in text
    assert "出席：张国平" in text
    assert not MOBILE.search(text)
    assert_fonts_embedded(out)


def test_one_pager_one_page_per_project_with_contacts_masked(small_meeting, tmp_path):
    _, ids = small_meeting
    out = tmp_path / "简表.pdf"
    pages = build_one_pager(out, ids)
    texts = [squeeze(t) for t in pdf_pages(out)]
    assert pages == len(texts) == 3
    assert "居然之家" in texts[0] and "年产2万吨有机硅生产线" in texts[1]
    assert "项目简表" in texts[0] and "初审（第6步初审通过）" in texts[1]
    assert "入库2022-03-01" in texts[0] and "签约—" in texts[0]
    assert "领导小组2022年第3次会议：尚未记录决定" in texts[0]
    assert not MOBILE.search("".join(texts)) and "138****5678" in texts[0]
    full = tmp_path / "full.pdf"
    build_one_pager(full, ids[0], full_contacts=True)
    assert "13812345678" in squeeze(pdf_text(full))
    with pytest.raises(UserError, match="请先选择"):
        build_one_pager(tmp_path / "none.pdf", [])


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五"),
                                          (110, "一百一十"), (200, "二百")])
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_a_one_pager_stays_on_one_page_however_long_the_texts(small_meeting, tmp_path):
    _, ids = small_meeting
    project = Project.get_by_id(ids[0])
    project.content = "建设家居建材及生活综合卖场，含商业、仓储及停车配套。" * 60
    project.progress_text = "已完成土地平整，正在办理规划许可。" * 30
    project.save()
    out = tmp_path / "long.pdf"
    assert build_one_pager(out, ids[0]) == 1
    assert "已完成土地平整" in squeeze(pdf_text(out))


def test_a_meeting_without_items_still_gets_a_pack(fresh_db, tmp_path):
    meeting_id = meetings.save_meeting(None, {"title": "空会议", "held_on": DAY}, [], today=TODAY)
    out = tmp_path / "empty.pdf"
    pages = build_pack(out, meeting_id)
    text = squeeze(pdf_text(out))
    assert pages == len(pdf_pages(out)) and "本次会议尚未安排议题" in text and "全县入库项目0个" in text
