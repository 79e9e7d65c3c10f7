"""The 一次性告知书: every material the investor still has to hand in, told once, on one notice.

Laid out as a 公文 (heading in 黑体, body in 仿宋): addressee, the project, the numbered list of missing
materials, the date by which to supply them, the contact, the issuing centre with room for its
seal（盖章）and the date, and a receipt line for the investor's signature.
"""

from __future__ import annotations

import copy

from reportlab.lib.enums import TA_RIGHT

from desktop.services import pdf, workdays
from desktop.services.dates import format_date_long
from desktop.services.reviews import NoticeData, notice_data

NOTICE_TITLE = "即时初审补充材料一次性告知书"


def notice_story(data: NoticeData) -> list:
    styles = pdf.styles()
    right = copy.copy(styles["doc_body"])
    right.name, right.alignment = "doc_right", TA_RIGHT
    small = styles["small"]
    unit = workdays.MODES.get(data.supply_mode, "工作日")
    addressee = data.investor or "项目投资方"
    story = [
        pdf.paragraph(NOTICE_TITLE, "doc_title"),
        pdf.paragraph(f"项目编号：{data.project_code}", small),
        pdf.spacer(4),
        pdf.paragraph(f"{addressee}：", "doc_body"),
        pdf.paragraph(
            f"贵单位报送的“{data.project_name}”项目，经即时初审，尚缺以下材料。"
            f"为免往返，现将需补充的全部材料一次性告知如下（共 {len(data.missing)} 项）：",
            "doc_para",
        ),
    ]
    story += [pdf.paragraph(f"{number}. {name}", "doc_para") for number, name in enumerate(data.missing, start=1)]
    story += [
        pdf.paragraph(
            f"请于{format_date_long(data.supply_deadline)}前（{data.supply_days} 个{unit}内）将上述材料一并报送"
            f"{data.issuer}。材料齐全后，我中心将继续办理初审并及时反馈结果。",
            "doc_para",
        ),
        pdf.paragraph(f"联系人：{data.contact_person or '＿＿＿＿'}　　联系电话：{data.contact_phone or '＿＿＿＿＿＿'}", "doc_para"),
        pdf.spacer(16),  # room for the seal over the issuer's name and the date
        pdf.paragraph(f"{data.issuer}（盖章）", right),
        pdf.paragraph(format_date_long(data.notice_on), right),
        pdf.spacer(14),
        pdf.paragraph("送达回执：本告知书已收到。　　签收人：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日", small),
    ]
    return story


def build_notice(out_path, review_id: int, *, progress=None, today=None) -> int:
    """Write the notice of review `review_id` to `out_path`; returns the page count.

    NotFoundError for an unknown review, UserError when it has no missing materials."""
    data = notice_data(review_id, today=today)
    return pdf.build_pdf(out_path, notice_story(data), title=f"{NOTICE_TITLE}（{data.project_name}）",
                         page_numbers=False, progress=progress)
