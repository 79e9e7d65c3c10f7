"""How much our Chinese line breaking and font fallback cost against reportlab's own CJK wrap.

Builds the same story (dense Chinese paragraphs and a long table) twice in the same run: with
reportlab's Paragraph (bundled font only, wrong line starts) and with ours; prints both times.
    .venv/bin/python bench/pdf_wrap.py [paragraphs]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.platypus import Paragraph, SimpleDocTemplate, Table  # noqa: E402

from desktop.services import pdf  # noqa: E402

TEXT = (
    "根据《将乐县招商引资项目管理办法（试行）》的规定，经审查：项目总投资15亿元，其中固定资产投资12.5亿元；"
    "用地约200亩！是否符合“三线一单”要求？请于2022年8月25日前补充材料……联系人：张三，电话138****5678。"
)


def story(make_para, count):
    items = [make_para(TEXT * 3) for _ in range(count)]
    rows = [[make_para(str(i)), make_para("年产3万吨钛白粉精细化加工"), make_para(TEXT[: 40 + i % 60])] for i in range(count)]
    items.append(Table(rows, colWidths=[40, 150, 280], repeatRows=1))
    return items


def main(count=300):
    pdf.register_fonts()
    body = pdf.styles()["body"]
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        doc = SimpleDocTemplate(str(Path(folder) / "bare.pdf"))
        doc.build(story(lambda t: Paragraph(t, body), count))
        bare = time.perf_counter() - start

        start = time.perf_counter()
        pages = pdf.build_pdf(Path(folder) / "ours.pdf", story(lambda t: pdf.paragraph(t), count), title="bench")
        ours = time.perf_counter() - start
    print(f"{count} paragraphs + {count}-row table, {pages} pages")
    print(f"reportlab Paragraph: {bare:.2f} s   ours (kinsoku, fallback, header/footer): {ours:.2f} s   ratio {ours / bare:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
