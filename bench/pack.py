"""Briefing-pack benchmark: a meeting of 200 agenda items, against a bare reportlab document.

Builds a database with 200 projects that passed the review (when the review feature is installed,
each has a confirmed review with seven opinions, five scores and the materials list), puts them
all on one meeting's agenda, and times `build_pack` (reading the data, cover, contents, figures,
charts, one section per item, the landscape appendix, header/footer with “共 M 页”). In the same run
the same content (the same story, built untimed) is laid out by bare reportlab: its own Paragraph
instead of ours (no line-start rules, no Latin fallback font), its own TableOfContents filled by
multiBuild, no header, footer or page-count canvas, no data reading — padded with empty pages to
the same page count, with the same number of passes. Prints both, the passes and the ratio
(target ≤ 3×).

    python bench/pack.py [--items 200] [--runs 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop import db  # noqa: E402
from desktop.services import lifecycle, meetings, pdf, projects, reference  # noqa: E402
from desktop.services.briefing_pack import build_pack, pack_data, pack_story  # noqa: E402
from desktop.services.database import init_database  # noqa: E402
from desktop.services.meetings import ItemInput  # noqa: E402
from desktop.services.one_pager import privacy  # noqa: E402

TODAY = dt.date(2022, 9, 1)
MEETING_DAY = dt.date(2022, 8, 30)
INDUSTRIES = ["精细化工", "轻合金", "新材料", "特色农林", "机械制造", "电子信息", "商贸物流"]


def make_database(path: Path, items: int) -> int:
    """A fresh database with `items` projects on one meeting's agenda; returns the meeting id."""
    init_database(path)
    units = {u.name: u.id for u in reference.list_units()}
    unit_ids = list(units.values())
    leader = reference.save_person({"name": "张国平", "title": "县委常委、常务副县长", "is_leader": True})
    try:
        from desktop.services import reviews
    except ImportError:
        reviews = None
    member_ids = reviews.ensure_member_units(reviews.load_settings().member_units) if reviews else []
    project_ids = []
    for n in range(items):
        industry = INDUSTRIES[n % len(INDUSTRIES)]
        pid = projects.create_project(
            {
                "name": f"年产{n % 9 + 1}万吨{industry}项目{n:03d}", "investor_name": f"福建第{n:03d}号实业有限公司",
                "total_investment": Decimal(5000 + n * 137), "fixed_asset_investment": Decimal(4000 + n * 100),
                "land_area": Decimal(10 + n % 150), "industry": industry, "chain_link": "链环节",
                "content": f"建设{industry}生产线及配套设施，达产后年产值约 {n % 20 + 3} 亿元，联系人电话 1380000{n:04d}。",
                "contact": f"王经理 1390000{n:04d}", "responsible_unit_id": unit_ids[n % len(unit_ids)],
                "township_id": units["古镛镇"], "leader_id": leader,
            },
            today=TODAY,
        )
        for step in range(1, 5):
            lifecycle.record_step(pid, step, dt.date(2022, 3, 1) + dt.timedelta(days=step), today=TODAY)
        if reviews is not None:
            review_id = reviews.open_review(pid, dt.date(2022, 3, 10), today=TODAY)
            opinions = [reviews.OpinionInput(uid, "同意" if k % 3 else "有条件同意", "符合产业政策，同意项目落地。",
                                             dt.date(2022, 3, 11)) for k, uid in enumerate(member_ids)]
            settings = reviews.load_settings()
            reviews.save_form(review_id, opinions=opinions, scores={name: 70 + n % 25 for name, _ in settings.weights},
                              materials={name: True for name in settings.materials}, today=TODAY)
            reviews.confirm_review(review_id, dt.date(2022, 3, 15), today=TODAY)
        else:
            lifecycle.record_step(pid, 5, dt.date(2022, 3, 10), today=TODAY)
            lifecycle.record_step(pid, 6, dt.date(2022, 3, 15), today=TODAY)
        project_ids.append(pid)
    return meetings.save_meeting(
        None, {"title": "将乐县招商引资工作领导小组2022年第3次会议", "number": 3, "held_on": MEETING_DAY,
               "place": "县行政服务中心三楼会议室", "chair_id": leader},
        [ItemInput(pid, "即时初审通过，建议同意落地。") for pid in project_ids], today=TODAY,
    )


def _plain(flowable, style_of_heading):
    """Our flowable as reportlab's own: Paragraph for our Chinese paragraphs (same text, same
    style), tables and keep-togethers with their contents converted, everything else as it is."""
    from reportlab.platypus import KeepTogether, Paragraph, Table

    if isinstance(flowable, pdf.CJKParagraph):
        para = Paragraph(flowable.text, flowable.style)
        if getattr(flowable, "toc_text", None) is not None and hasattr(flowable, "toc_level"):
            style_of_heading[id(para)] = (flowable.toc_level, flowable.toc_text)
        return para
    if isinstance(flowable, Table):
        flowable._cellvalues = [[_plain(cell, style_of_heading) if hasattr(cell, "wrap") else cell for cell in row]
                                for row in flowable._cellvalues]
        return flowable
    if isinstance(flowable, KeepTogether):
        flowable._content = [_plain(f, style_of_heading) for f in flowable._content]
        return flowable
    return flowable


def bare_document(out: Path, story: list, pad: int = 0) -> tuple[int, int]:
    """The pack's own content laid out by plain reportlab: its Paragraph instead of ours (no
    line-start rules, no Latin fallback font), reportlab's TableOfContents, no header, footer or
    “共 M 页” canvas, no atomic write; `pad` empty pages at the end. Returns (pages, passes)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Spacer
    from reportlab.platypus.tableofcontents import TableOfContents

    st = pdf.styles()
    headings: dict[int, tuple[int, str]] = {}

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):
            entry = headings.get(id(flowable))
            if entry is not None:
                self.notify("TOCEntry", (entry[0], entry[1], self.page))

    passes = []
    doc = Doc(str(out), pagesize=A4)
    templates = []
    for name, size in (("portrait", pdf.page_size(A4)), ("landscape", pdf.page_size(A4, True))):
        frame = Frame(pdf.MARGINS["left"], pdf.MARGINS["bottom"], size[0] - 2 * pdf.MARGINS["left"],
                      size[1] - pdf.MARGINS["top"] - pdf.MARGINS["bottom"], id=name, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        templates.append(PageTemplate(id=name, frames=[frame], pagesize=size))
    doc.addPageTemplates(templates)
    doc.setProgressCallBack(lambda kind, value: passes.append(value) if kind == "PASS" else None)
    body = []
    for flowable in story:
        if isinstance(flowable, pdf.Contents):
            body.append(TableOfContents(levelStyles=[st["toc1"], st["toc2"], st["toc3"]]))
        else:
            body.append(_plain(flowable, headings))
    body += [item for _ in range(pad) for item in (PageBreak(), Spacer(1, 1))]
    doc.multiBuild(body)
    return doc.page, max(passes or [1])


def count_our_passes() -> list[int]:
    """Record the layout passes build_pdf's multiBuild makes (reportlab reports them as PASS)."""
    seen = [0]
    original = pdf._Progress.__call__

    def record(self, kind, value):
        if kind == "PASS":
            seen.append(value)
        return original(self, kind, value)

    pdf._Progress.__call__ = record
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    pdf.register_fonts()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        start = time.perf_counter()
        meeting_id = make_database(folder / "bench.db", args.items)
        print(f"database with {args.items} projects and one meeting: {time.perf_counter() - start:.1f} s")
        ours, bare = [], []
        pages = bare_pages = bare_passes = 0
        our_passes = count_our_passes()
        for run in range(args.runs):
            start = time.perf_counter()
            pages = build_pack(folder / f"pack{run}.pdf", meeting_id, progress=lambda done, total: True)
            ours.append(time.perf_counter() - start)
            if run == 0:  # how many pages plain reportlab makes of the same content (untimed)
                plain_pages, _ = bare_document(folder / "measure.pdf", pack_story(pack_data(meeting_id), privacy(False)))
            story = pack_story(pack_data(meeting_id), privacy(False))
            start = time.perf_counter()
            bare_pages, bare_passes = bare_document(folder / f"bare{run}.pdf", story, max(pages - plain_pages, 0))
            bare.append(time.perf_counter() - start)
        db.close()
    ours_time, bare_time = statistics.median(ours), statistics.median(bare)
    print(f"build_pack: {pages} pages, {max(our_passes)} passes, {ours_time:.2f} s "
          f"(median of {args.runs}; {pages / ours_time:.0f} pages/s)")
    print(f"bare reportlab multiBuild: {bare_pages} pages, {bare_passes} passes, {bare_time:.2f} s")
    print(f"ratio {ours_time / bare_time:.2f}× (target ≤ 3×)")


if __name__ == "__main__":
    main()
