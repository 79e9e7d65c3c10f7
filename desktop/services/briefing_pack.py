"""The briefing pack（会议材料）of a leadership-group meeting, as a PDF to put on the table.

A4 portrait: a cover (meeting, date, 内部资料 注意保存, 第__份); the contents with page numbers;
一、总体情况 — the figures from 1 January of the meeting's year to the meeting's date with the
definitions of `stats.compute_stats`, two charts, and 双过半 progress when targets are set; 二、议题 —
one section per agenda item (basic table, review score and every unit's opinion, materials,
routing, open problems, the proposal and, once recorded, the decision); and the appendix, a
landscape list of all items whose header row repeats on every page. Every page but the cover
carries the meeting's name and “第 N 页 共 M 页”. Mobile numbers are masked unless
`full_contacts`.

Reviews (即时初审), teams (专班) and targets (目标任务) are separate features, used when installed.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from peewee import fn
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Table, TableStyle

from desktop.errors import UserError
from desktop.models import Project
from desktop.models.base import yuan_to_wan
from desktop.services import defaults, lifecycle, meetings, pdf
from desktop.services.dates import format_date, format_date_long
from desktop.services.money import format_yi, wan_to_yi
from desktop.services.one_pager import (
    ProjectFacts,
    facts_table,
    land_text,
    optional_service,
    privacy,
    project_facts,
)
from desktop.services.stats import _projects_with_step, compute_stats

PACK_NAME = "会议材料"
CONFIDENTIAL = "内部资料　注意保存"
COPY_NUMBER = "第＿＿份"
MAX_CHART_BARS = 10

FIGURE_ROWS = (
    ("入库项目", "library", "期间内记录“入库”的项目"),
    ("其中亿元以上", "above_yi", "入库项目中总投资 ≥ 1 亿元"),
    ("亿元以上已开工", "above_yi_started", "其中截至会议日已记录“开工”"),
    ("云签约项目", "cloud_signed", "期间内以云签约方式签约"),
    ("正在对接项目", "negotiating", "截至会议日未签约、状态正常"),
)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (up to 9999)."""
    digits = "零一二三四五六七八九"
    if n <= 0 or n > 9999:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero:
                parts.append("零")
                zero = False
            parts.append(digits[digit] + unit)
        elif parts:
            zero = True
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# The data


@dataclass
class ItemSection:
    item: meetings.AgendaItemInfo
    facts: ProjectFacts
    review: object | None  # reviews.ReviewDetail when the feature is installed and there is one


@dataclass
class PackData:
    meeting: meetings.MeetingDetail
    date_from: dt.date
    date_to: dt.date
    figures: dict
    industries: list[tuple[str, int, Decimal]]  # (industry, 入库 count, 总投资 亿元)
    targets: object | None  # targets.TargetsReport when the county has targets that year
    sections: list[ItemSection]
    issuer: str

    @property
    def total_investment_wan(self) -> Decimal:
        return sum((s.facts.total or Decimal(0) for s in self.sections), Decimal(0))

    @property
    def total_land(self) -> Decimal:
        return sum((Decimal(s.facts.land) for s in self.sections if s.facts.land is not None), Decimal(0))


def industries_entered(date_from: dt.date, date_to: dt.date) -> list[tuple[str, int, Decimal]]:
    """入库 projects of the period by industry (the same definition as the 入库 figure)."""
    entered = Project.id.in_(_projects_with_step(defaults.STEP_LIBRARY, date_from=date_from, date_to=date_to))
    query = (
        Project.select(Project.industry, fn.COUNT(Project.id), fn.SUM(Project.total_investment).coerce(False))
        .where(entered)
        .group_by(Project.industry)
        .tuples()
    )
    rows = [(industry or "未填产业", int(count), wan_to_yi(yuan_to_wan(int(total or 0)))) for industry, count, total in query]
    rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return rows


def _targets_report(day: dt.date):
    targets = optional_service("targets")
    if targets is None:
        return None
    report = targets.progress_report(day)
    return report if report.county.has_targets else None


def pack_data(meeting_id: int, *, progress: Callable[[int, int], object] | None = None) -> PackData:
    """Everything the pack prints, read from the database (progress over the agenda items)."""
    from desktop.services.database import installation_name

    meeting = meetings.meeting_detail(meeting_id)
    date_to = meeting.held_on
    date_from = dt.date(date_to.year, 1, 1)
    reviews = optional_service("reviews")
    settings = reviews.load_settings() if reviews is not None else None
    summary = lifecycle.steps_summary()
    sections = []
    total = len(meeting.items)
    if progress is not None and progress(0, total) is False:
        raise UserError(pdf.CANCELLED)
    latest_reviews = {}
    if reviews is not None:
        batch = getattr(reviews, "latest_reviews_for_projects", None)
        if batch is not None:  # one settings and calendar load for the whole agenda
            latest_reviews = batch([item.project_id for item in meeting.items])
        else:
            latest_reviews = {item.project_id: reviews.latest_review_for_project(item.project_id)
                              for item in meeting.items}
    for index, item in enumerate(meeting.items):
        if progress is not None and progress(index, total) is False:
            raise UserError(pdf.CANCELLED)
        facts = project_facts(item.project_id, settings=settings, summary=summary)
        review = latest_reviews.get(item.project_id)
        if review is not None and review.routing:
            facts.routing = list(review.routing)
        sections.append(ItemSection(item, facts, review))
    return PackData(
        meeting=meeting, date_from=date_from, date_to=date_to, figures=compute_stats(date_from, date_to),
        industries=industries_entered(date_from, date_to), targets=_targets_report(date_to), sections=sections,
        issuer=installation_name().replace("（演示数据）", ""),
    )


# ---------------------------------------------------------------------------------------------
# The paper


def _styles() -> dict:
    base = pdf.styles()
    made = {}
    for name, parent, changes in (
        ("cover_title", "title", {"fontSize": 24, "leading": 38, "textColor": pdf.TEXT_COLOR}),
        ("cover_pack", "title", {"fontSize": 36, "leading": 48, "textColor": pdf.TEXT_COLOR}),
        ("cover_line", "subtitle", {"fontSize": 15, "leading": 24, "textColor": pdf.TEXT_COLOR}),
        ("cover_mark", "body", {"fontName": pdf.font_name("hei"), "fontSize": 12, "alignment": TA_LEFT}),
        ("cover_copy", "body", {"fontName": pdf.font_name("hei"), "fontSize": 12, "alignment": TA_RIGHT}),
        ("lead", "h3", {"spaceBefore": 4, "spaceAfter": 2}),
        ("text", "body", {"fontSize": 10.5, "leading": 17}),
        ("para", "body_indent", {}),
        ("decision", "body", {"fontName": pdf.font_name("hei"), "textColor": pdf.ACCENT_COLOR}),
    ):
        style = copy.copy(base[parent])
        style.name = name
        for key, value in changes.items():
            setattr(style, key, value)
        made[name] = style
    return made


def cover(data: PackData) -> list:
    st = _styles()
    meeting = data.meeting
    width = pdf.frame_width()
    mark = Table([[pdf.paragraph(CONFIDENTIAL, st["cover_mark"]), pdf.paragraph(COPY_NUMBER, st["cover_copy"])]],
                 colWidths=[width / 2, width / 2])
    mark.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf.font_name("sans"), 12),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    title_style = st["cover_title"]
    size = title_style.fontSize
    while size > 18 and pdf.text_width(meeting.title, title_style.fontName, size) > width:
        size -= 1
    title_style.fontSize, title_style.leading = size, size * 1.6
    return [
        mark,
        pdf.spacer(62),
        pdf.paragraph(meeting.title, title_style),
        pdf.spacer(10),
        pdf.paragraph(PACK_NAME, st["cover_pack"]),
        pdf.spacer(95),
        pdf.paragraph(data.issuer, st["cover_line"]),
        pdf.paragraph(format_date_long(meeting.held_on), st["cover_line"]),
        PageBreak(),
    ]


def _figure(data: PackData, key: str) -> tuple[int, Decimal]:
    return data.figures[f"{key}_projects"], data.figures[f"{key}_investment_yi"]


def overview(data: PackData, show) -> list:
    st = _styles()
    width = pdf.frame_width()
    meeting = data.meeting
    period = f"{format_date_long(data.date_from)}至{format_date_long(data.date_to)}"
    library, above, started, cloud, talks = (_figure(data, key) for _, key, _ in FIGURE_ROWS)
    story = [
        pdf.heading("一、总体情况", 1),
        pdf.paragraph(
            f"{period}（会议召开之日），全县入库项目 {library[0]} 个，总投资 {library[1]:.2f} 亿元；"
            f"其中亿元以上项目 {above[0]} 个，总投资 {above[1]:.2f} 亿元，已开工 {started[0]} 个，"
            f"总投资 {started[1]:.2f} 亿元。云签约项目 {cloud[0]} 个，总投资 {cloud[1]:.2f} 亿元。"
            f"正在对接项目 {talks[0]} 个，总投资 {talks[1]:.2f} 亿元。",
            st["para"],
        ),
        pdf.data_table(
            ["指标", "项目数（个）", "总投资（亿元）", "口径"],
            [[label, count, f"{amount:.2f}", note] for (label, key, note), (count, amount) in
             zip(FIGURE_ROWS, (library, above, started, cloud, talks))],
            [width * 0.22, width * 0.16, width * 0.18, width * 0.44],
            align=["left", "right", "right", "left"],
        ),
        pdf.spacer(4),
    ]
    chart_width = width / 2 - 4
    amounts = pdf.bar_chart(["入库", "亿元以上", "亿元以上开工", "云签约", "正在对接"],
                            [amount for _, amount in (library, above, started, cloud, talks)],
                            width=chart_width, height=62 * mm, title="各类项目总投资（亿元）")
    top = data.industries[:MAX_CHART_BARS]
    by_industry = pdf.bar_chart([name for name, _, _ in top] or ["（无）"], [count for _, count, _ in top] or [0],
                                width=chart_width, height=62 * mm, title="入库项目按产业（个）")
    charts = Table([[amounts, by_industry]], colWidths=[width / 2, width / 2])
    charts.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), pdf.font_name("sans"), 9),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    story += [charts, pdf.spacer(2)]

    # This meeting's agenda in a few numbers.
    sections = data.sections
    above_30 = sum(1 for s in sections if len(s.facts.routing) > 1)
    above_100 = sum(1 for s in sections if len(s.facts.routing) > 2)
    story += [
        pdf.paragraph("本次会议议题", st["lead"]),
        pdf.paragraph(
            f"本次会议提请研究项目 {len(sections)} 个，总投资 {format_yi(data.total_investment_wan)} 亿元，"
            f"用地 {land_text(data.total_land)}。按用地面积，其中 {above_30} 个项目还须提交政府常务会研究，"
            f"{above_100} 个项目还须提交县委常委会研究。",
            st["para"],
        ),
    ]
    if data.targets is not None:
        story += targets_part(data)
    return story


def targets_part(data: PackData) -> list:
    targets = optional_service("targets")
    report = data.targets
    county = report.county
    width = pdf.frame_width()
    rows = []
    for cell in county.cells:
        if cell.target is None:
            continue
        rows.append([cell.indicator.header, cell.target_text, cell.done_text, cell.progress_text,
                     targets.LIGHT_LABELS.get(cell.light, "")])
    return [
        pdf.paragraph("双过半进展", _styles()["lead"]),
        pdf.paragraph(f"{report.year}年目标任务完成情况（截至{format_date_long(report.day)}，时间进度 "
                      f"{targets.percent(report.time_progress)}）：{report.verdict().text}。", _styles()["para"]),
        pdf.data_table(["指标", "全年目标", "已完成", "完成进度", "状态"], rows,
                       [width * 0.32, width * 0.17, width * 0.17, width * 0.17, width * 0.17],
                       align=["left", "right", "right", "right", "center"]),
    ]


COMPACT = TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)])


def compact(table: Table) -> Table:
    """A section's inner tables a little tighter than the defaults, so a section fits its page."""
    table.setStyle(COMPACT)
    return table


def _review_part(section: ItemSection, show) -> list:
    st = _styles()
    width = pdf.frame_width()
    review = section.review
    story = [pdf.paragraph("（二）即时初审", st["lead"])]
    if review is None:
        story.append(pdf.paragraph("尚无即时初审记录。", st["text"]))
        return story
    score = f"{review.score:.2f} 分" if review.score is not None else "尚未评分"
    if review.result:
        outcome = f"初审结论：{review.result}"
        if review.confirmed_on:
            outcome += f"（{format_date(review.confirmed_on)} 确认）"
    else:
        outcome = f"初审进行中，建议结果：{review.proposal.result}"
    story.append(pdf.paragraph(
        f"{format_date(review.submitted_on)} 提交初审。评分 {score}（及格分 {review.pass_mark} 分）；{outcome}。", st["text"]))
    if review.proposal.reasons:
        story.append(pdf.paragraph(show("理由：" + "；".join(review.proposal.reasons)), st["text"]))
    if review.opinions:
        rows = [[o.unit_name, o.opinion or "未反馈", show(o.text), format_date(o.given_on)] for o in review.opinions]
        story.append(compact(pdf.data_table(["成员单位", "意见", "说明", "日期"], rows,
                                            [width * 0.18, width * 0.14, width * 0.52, width * 0.16])))
    if review.compliance:
        hits = "；".join(hit.describe() for hit in review.compliance)
        story.append(pdf.paragraph(f"合规性：{hits}", st["text"]))
    else:
        story.append(pdf.paragraph("合规性：未发现属于淘汰类、限制类或市场准入负面清单的内容。", st["text"]))
    return story


def _materials_text(section: ItemSection) -> str:
    review = section.review
    if review is None:
        return "材料情况：尚无初审记录。"
    given = [m.name for m in review.materials if m.submitted]
    missing = [m.name for m in review.materials if not m.submitted]
    if not review.materials:
        return "材料情况：未列材料清单。"
    if not missing:
        return f"材料情况：材料齐全（{len(given)} 项）。"
    text = f"材料情况：已提交 {len(given)} 项，缺少 {len(missing)} 项（{'、'.join(missing)}）"
    if review.notice_on:
        text += f"，已于 {format_date(review.notice_on)} 一次性告知"
        if review.supply_deadline:
            text += f"，限 {format_date(review.supply_deadline)} 前补齐"
    return text + "。"


def _routing_text(facts: ProjectFacts) -> str:
    land = f"用地 {land_text(facts.land)}" if facts.land is not None else "未填用地面积"
    return f"决策路径：{facts.routing_text}（{land}）。"


def _problems_part(facts: ProjectFacts, show) -> list:
    st = _styles()
    width = pdf.frame_width()
    story = [pdf.paragraph("（四）问题清单", st["lead"])]
    if facts.open_problems is None:
        story.append(pdf.paragraph(f"{facts.team_text or '未建立专班'}，无问题清单。", st["text"]))
    elif not facts.open_problems:
        story.append(pdf.paragraph("专班问题清单中的问题均已销号。", st["text"]))
    else:
        rows = [[show(p.text), p.owner, format_date(p.raised_on), format_date(p.due_on)] for p in facts.open_problems]
        story.append(compact(pdf.data_table(["未销号问题", "责任单位", "提出日期", "期限"], rows,
                                            [width * 0.5, width * 0.18, width * 0.16, width * 0.16])))
    return story


def item_part(number: int, section: ItemSection, show) -> list:
    st = _styles()
    item, facts = section.item, section.facts
    story = [
        pdf.heading(f"议题{chinese_number(number)}　{item.project_name}", 2),
        pdf.paragraph("（一）基本情况", st["lead"]),
        facts_table(facts, pdf.frame_width(), show),
    ]
    story += _review_part(section, show)
    story += [
        pdf.paragraph("（三）材料与决策路径", st["lead"]),
        pdf.paragraph(_materials_text(section), st["text"]),
        pdf.paragraph(_routing_text(facts), st["text"]),
    ]
    story += _problems_part(facts, show)
    ending = [
        pdf.paragraph("（五）建议", st["lead"]),
        pdf.paragraph(show(item.proposal or "提请会议研究。"), st["para"]),
    ]
    if item.decision:
        conditions = f"。条件：{item.conditions}" if item.conditions else ""
        ending.append(pdf.paragraph(show(f"会议决定：{item.decision}{conditions}"), st["decision"]))
    story.append(KeepTogether(ending))
    story.append(PageBreak())
    return story


APPENDIX_HEADER = ["序号", "项目名称", "投资方", "产业", "总投资（亿元）", "用地（亩）", "投资强度",
                   "责任单位", "挂钩领导", "初审评分", "决策路径", "建议／决定"]
APPENDIX_WIDTHS_MM = [9, 34, 32, 16, 16, 13, 24, 22, 16, 13, 22, 40]


def appendix(data: PackData, show) -> list:
    width = pdf.frame_width(landscape=True)
    scale = width / (sum(APPENDIX_WIDTHS_MM) * mm)
    widths = [w * mm * scale for w in APPENDIX_WIDTHS_MM]
    rows = []
    for number, section in enumerate(data.sections, start=1):
        item, facts, review = section.item, section.facts, section.review
        score = f"{review.score:.2f}" if review is not None and review.score is not None else "—"
        land = f"{Decimal(facts.land).normalize():f}" if facts.land is not None else "—"
        outcome = item.decision or item.proposal or "提请研究"
        if item.decision and item.conditions:
            outcome = f"{item.decision}：{item.conditions}"
        rows.append([
            str(number), item.project_name, facts.investor, facts.industry, format_yi(facts.total) or "—",
            land, facts.intensity_short, facts.responsible_unit, facts.leader.split("（")[0] or "—", score,
            facts.routing_text, show(outcome),
        ])
    rows.append(["", "合计", f"{len(rows)} 个项目", "", format_yi(data.total_investment_wan), land_text(data.total_land)
                 .replace(" 亩", ""), "", "", "", "", "", ""])
    heading = pdf.heading("附件：议题汇总表", 1)
    story = [*pdf.landscape_pages(), heading]
    for number, chunk in enumerate(_page_chunks(rows, widths, heading)):
        if number:
            story.append(PageBreak())
        story.append(_appendix_table(chunk, widths))
    return story


APPENDIX_ALIGN = ["center", "left", "left", "left", "right", "right", "left", "left", "left", "right", "left", "left"]


def _appendix_table(rows, widths) -> Table:
    return pdf.data_table(APPENDIX_HEADER, rows, widths, repeat_header=True, zebra=True, align=APPENDIX_ALIGN)


def _page_chunks(rows: list, widths: list[float], heading) -> list[list]:
    """The appendix rows cut into pages. One long table would be re-measured from the split point
    at every page break of every pass (quadratic in the rows); rows measured once and given one
    table per page make the same pages in linear time. Each table still repeats its header row
    should a page overflow after all."""
    width = sum(widths)
    measured = _appendix_table(rows, widths)
    measured.wrap(width, 1e9)
    header, *heights = measured._rowHeights
    page = pdf.frame_height(landscape=True) - header - 2  # a little slack for rounding
    heading_height = heading.wrap(width, 1e9)[1] + heading.getSpaceBefore() + heading.getSpaceAfter()
    chunks, current, room = [], [], page - heading_height
    for row, height in zip(rows, heights):
        if current and height > room:
            chunks.append(current)
            current, room = [], page
        current.append(row)
        room -= height
    chunks.append(current)
    return chunks


def pack_story(data: PackData, show: Callable[[object], str]) -> list:
    story = cover(data)
    story += [pdf.contents(), PageBreak()]
    story += overview(data, show)
    story += [PageBreak(), pdf.heading("二、议题", 1)]
    if not data.sections:
        story += [pdf.paragraph("本次会议尚未安排议题。", "body"), PageBreak()]
    for number, section in enumerate(data.sections, start=1):
        story += item_part(number, section, show)
    if story and isinstance(story[-1], PageBreak):
        story.pop()  # the appendix starts its own (landscape) page
    story += appendix(data, show)
    return story


def header_text(meeting: meetings.MeetingDetail) -> str:
    return f"{meeting.title}　{PACK_NAME}"


def build_pack(out_path, meeting_id: int, *, full_contacts: bool = False,
               progress: Callable[[int, int], object] | None = None) -> int:
    """Write the briefing pack of meeting `meeting_id` to `out_path`; returns the page count.

    NotFoundError for an unknown meeting; UserError 已取消 when `progress` returns False."""
    gather, build = 300, 700  # shares of the progress bar

    def gathering(done, total):
        return progress(int(done * gather / max(total, 1)), gather + build)

    def building(done, total):
        return progress(gather + int(done * build / max(total, 1)), gather + build)

    data = pack_data(meeting_id, progress=gathering if progress is not None else None)
    story = pack_story(data, privacy(full_contacts))
    return pdf.build_pdf(
        out_path, story, title=f"{data.meeting.title}{PACK_NAME}", header_text=header_text(data.meeting),
        progress=building if progress is not None else None, first_page_plain=True,
    )


def default_file_name(meeting: meetings.MeetingDetail) -> str:
    return f"{meeting.title}{PACK_NAME}.pdf"

