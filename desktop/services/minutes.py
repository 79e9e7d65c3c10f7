"""The 会议纪要 of a leadership-group meeting, from the decisions recorded on its agenda.

Laid out as a 公文: the title in 黑体, the issuing office and date over a rule, the opening
paragraph (when, where, who chaired, how many projects), one numbered part per agenda item with the
decision and its conditions, then who attended. Needs at least one recorded decision.
"""

from __future__ import annotations

import copy

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.platypus import HRFlowable

from desktop.errors import UserError
from desktop.services import meetings, pdf
from desktop.services.briefing_pack import chinese_number
from desktop.services.dates import format_date_long
from desktop.services.one_pager import privacy

MINUTES_NAME = "会议纪要"

DECISION_SENTENCES = {
    meetings.APPROVE: "会议同意该项目落地。",
    meetings.REJECT: "会议不同意该项目落地，项目终止对接。",
    meetings.POSTPONE: "会议决定该项目暂缓推进。",
    meetings.RECONSIDER: "会议决定请项目单位补充材料后，再提交会议研究。",
}


def office_name() -> str:
    return f"{meetings.county_name()}招商引资工作领导小组办公室"


def _project_phrase(name: str) -> str:
    return name if name.endswith("项目") else f"{name}项目"


def _styles() -> dict:
    base = pdf.styles()
    made = {}
    for name, parent, changes in (
        ("issue", "doc_body", {"alignment": TA_CENTER}),
        ("office", "doc_body", {"fontSize": 14, "leading": 24}),
        ("part", "doc_body", {"fontName": pdf.font_name("hei"), "spaceBefore": 4}),
        ("right", "doc_body", {"alignment": TA_RIGHT}),
        ("copies", "doc_body", {"fontSize": 14, "leading": 24}),
    ):
        style = copy.copy(base[parent])
        style.name = f"minutes_{name}"
        for key, value in changes.items():
            setattr(style, key, value)
        made[name] = style
    return made


def minutes_story(detail: meetings.MeetingDetail, show) -> list:
    st = _styles()
    chair = f"{detail.chair_title}{detail.chair_name}" if detail.chair_name else "领导小组组长"
    place = f"在{detail.place}" if detail.place else ""
    number = f"〔{detail.held_on.year}〕第 {detail.number} 期" if detail.number else f"〔{detail.held_on.year}〕"
    office = office_name()
    header = pdf.paragraph(f"{office}　　　　{format_date_long(detail.held_on)}", st["office"])
    story = [
        pdf.paragraph(f"{detail.title}{MINUTES_NAME}", "doc_title"),
        pdf.paragraph(number, st["issue"]),
        header,
        HRFlowable(width="100%", thickness=1.2, color=colors.HexColor("#c00000"), spaceBefore=2, spaceAfter=14),
        pdf.paragraph(
            f"{format_date_long(detail.held_on)}，{chair}{place}主持召开{detail.title}，"
            f"研究 {len(detail.items)} 个招商引资项目。现将会议议定事项纪要如下：",
            "doc_para",
        ),
    ]
    for index, item in enumerate(detail.items, start=1):
        story.append(pdf.paragraph(f"{chinese_number(index)}、关于{_project_phrase(item.project_name)}", st["part"]))
        sentence = DECISION_SENTENCES.get(item.decision, "会议未形成决定。")
        if item.conditions:
            label = "条件" if item.decision == meetings.APPROVE else "意见"
            sentence += f"{label}：{item.conditions}"
        story.append(pdf.paragraph(show(sentence), "doc_para"))
    if detail.attendees:
        names = "、".join(person.name for person in detail.attendees)
        story.append(pdf.spacer(4))
        story.append(pdf.paragraph(f"出席：{names}", "doc_para"))
    story += [
        pdf.spacer(10),
        pdf.paragraph(office, st["right"]),
        pdf.paragraph(format_date_long(detail.held_on), st["right"]),
        pdf.spacer(8),
        pdf.paragraph("分送：领导小组各成员单位，各项目责任单位。", st["copies"]),
    ]
    return story


def build_minutes(out_path, meeting_id: int, *, full_contacts: bool = False, progress=None) -> int:
    """Write the 会议纪要 of meeting `meeting_id` to `out_path`; returns the page count.

    UserError when no decision is recorded yet; NotFoundError for an unknown meeting."""
    detail = meetings.meeting_detail(meeting_id)
    if not detail.decided_count:
        raise UserError(f"“{detail.title}”还没有记录任何决定，请先在会议中记录各议题的决定，再生成会议纪要")
    return pdf.build_pdf(
        out_path, minutes_story(detail, privacy(full_contacts)), title=f"{detail.title}{MINUTES_NAME}",
        header_text="", progress=progress,
    )


def default_file_name(detail: meetings.MeetingDetail) -> str:
    return f"{detail.title}{MINUTES_NAME}.pdf"
