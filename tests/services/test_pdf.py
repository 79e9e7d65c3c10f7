"""PDF building blocks: Chinese line breaking, fonts, tables, contents, page footer, atomic write."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from reportlab.lib.pagesizes import A3, A4
from reportlab.platypus import PageBreak

from desktop.errors import UserError
from desktop.services import pdf
from tests.pdf_reading import (
    assert_fonts_embedded,
    contents_entries,
    pdf_fonts,
    pdf_page_count,
    pdf_pages,
    pdf_text,
    squeeze,
    unembedded_fonts,
)

FORBIDDEN_START = set("，。、；：！？）》”．…」』】〕’")
FORBIDDEN_END = set("（《“")

DENSE_TEXTS = [
    "根据《将乐县招商引资项目管理办法（试行）》的规定，经审查：项目总投资15亿元，其中固定资产投资12.5亿元；"
    "用地约200亩！是否符合“三线一单”要求？请于2022年8月25日前补充材料……联系人：张三，电话13812345678。",
    "一、二、三、四、五、六、七、八、九、十。甲：乙；丙！丁？戊）己》庚”辛．壬…癸」子』丑】寅〕卯’辰，"
    "“好。”“是！”（注：见附件）。《通知》、《办法》、《细则》。",
    "项目名称：10万吨新型铝合金材料及制品（一期），总投资3.2亿元（其中外资USD 1,200万），投资强度"
    "320.5万元/亩，高于300万元/亩的标准；ISO9001认证、GB/T 19001-2016。进度：土建完成80%，设备到位。",
    "甲说：“好吗？”乙答：“好！”（见《通知》）。丙问：“何时？”答：“明日。”丁：‘可’；戊：「是」、『否』【注】〔一〕．",
    "富远新型铝材产业园（福建富远铝业有限公司）年产30万吨高性能铝合金型材、铝板带箔，"
    "配套建设熔铸、挤压、氧化、喷涂生产线——总投资15亿元……“大招商招好商”！",
]


def line_texts(text, width, style="body"):
    return pdf.wrap_lines(pdf.paragraph(text, style), width)


@pytest.mark.parametrize("style", ["body", "cell", "doc_body"])
def test_no_line_starts_with_closing_punctuation_at_any_width(style):
    checked = 0
    # from 40 pt, but at least five characters wide: "知》）。" must fit on one line
    narrowest = max(40, int(5 * pdf.styles()[style].fontSize))
    for text in DENSE_TEXTS:
        for width in range(narrowest, 401, 3):
            lines = line_texts(text, width, style)
            assert "".join(lines).replace(" ", "") == text.replace(" ", ""), "wrapping must not lose text"
            for number, line in enumerate(lines):
                if number > 0:
                    assert line[:1] not in FORBIDDEN_START, (width, lines)
                if number < len(lines) - 1:
                    assert line[-1:] not in FORBIDDEN_END, (width, lines)
                checked += 1
    assert checked > 1000


def test_lines_fit_the_column():
    style = pdf.styles()["cell"]
    for text in DENSE_TEXTS:
        for width in range(40, 401, 7):
            para = pdf.paragraph(text, "cell")
            para.wrap(width, 1e6)
            for line in para.blPara.lines:
                assert line.currentWidth <= width + 0.01 or len("".join(w.text for w in line.words)) == 1
            assert style.fontSize  # the paragraph really used the cell style


def test_reportlab_alone_breaks_the_rule_which_is_why_we_wrap_ourselves():
    """Guard for the premise: plain reportlab CJK wrapping does start lines with ，; if reportlab
    ever fixes this, our own splitter could go."""
    from reportlab.platypus import Paragraph

    style = pdf.styles()["body"]
    bad = 0
    for width in range(40, 401, 3):
        lines = pdf.wrap_lines(Paragraph(DENSE_TEXTS[1], style), width)
        bad += sum(1 for line in lines[1:] if line[:1] in FORBIDDEN_START)
    assert bad > 0


def test_latin_words_and_numbers_stay_whole_when_there_is_room():
    lines = line_texts("总投资12.5亿元的项目通过ISO9001认证并计划于2022年投产", 60)
    joined = "|".join(lines)
    for word in ("12.5", "ISO9001", "2022"):
        assert any(word in line for line in lines), joined


def test_long_latin_word_still_wraps():
    lines = line_texts("https://www.jiangle.gov.cn/zwgk/zfxxgkzl/fdzdgknr/zsyz/" * 2, 80)
    assert len(lines) > 3
    assert all(line for line in lines)


def test_explicit_newlines_are_kept_and_markup_is_escaped():
    para = pdf.paragraph("第一行<b>\n第二行 & 第三段")
    lines = pdf.wrap_lines(para, 400)
    assert lines == ["第一行<b>", "第二行 & 第三段"]


def test_latin_glyphs_use_the_latin_font_because_the_cjk_font_lacks_them():
    para = pdf.paragraph("投资12.5亿元“好”")
    fonts = {frag.text: frag.fontName for frag in para.frags}
    assert fonts["12.5"] == pdf.FONT_LATIN
    assert fonts["投资"] == pdf.FONT_SANS


def test_text_copies_out_as_the_same_chinese_and_fonts_are_embedded(tmp_path):
    out = tmp_path / "中文 文件夹" / "样张.pdf"
    out.parent.mkdir()
    story = [pdf.paragraph(text) for text in DENSE_TEXTS]
    pages = pdf.build_pdf(out, story, title="样张", header_text="将乐县招商引资工作领导小组2022年第3次会议")
    assert pages == pdf_page_count(out) == 1
    text = squeeze(pdf_text(out))
    for original in DENSE_TEXTS:
        assert squeeze(original) in text
    assert "将乐县招商引资工作领导小组2022年第3次会议" in text
    assert_fonts_embedded(out)
    assert pdf_fonts(out) <= {"DroidSansFallback", "BitstreamVeraSans-Roman"}
    assert not (pdf_fonts(out) & {"STSong-Light", "Helvetica"})


def test_rendered_lines_never_start_with_closing_punctuation(tmp_path):
    """The same rule, read back from the PDF a user gets (narrow table cells, many widths)."""
    out = tmp_path / "窄列.pdf"
    rows = [[text, text, text] for text in DENSE_TEXTS]
    story = [pdf.data_table(["甲", "乙", "丙"], rows, [70, 113, 151])]
    pdf.build_pdf(out, story, title="窄列")
    lines = [line.strip() for page in pdf_pages(out) for line in page.splitlines() if line.strip()]
    assert len(lines) > 60
    starts = [line for line in lines if line[0] in FORBIDDEN_START]
    # a line made only of punctuation is the one text that is nothing but punctuation
    assert all(set(line) <= FORBIDDEN_START | set("（《“") for line in starts), starts


def test_footer_counts_pages_and_header_is_on_every_page(tmp_path):
    out = tmp_path / "三页.pdf"
    story = [pdf.paragraph("第一部分"), PageBreak(), pdf.paragraph("第二部分"), PageBreak(), pdf.paragraph("第三部分")]
    assert pdf.build_pdf(out, story, title="三页", header_text="页眉文字") == 3
    pages = [squeeze(page) for page in pdf_pages(out)]
    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共3页" in page
        assert "页眉文字" in page


def test_first_page_plain_leaves_the_cover_bare(tmp_path):
    out = tmp_path / "封面.pdf"
    story = [pdf.paragraph("封面"), PageBreak(), pdf.paragraph("正文")]
    pdf.build_pdf(out, story, title="封面", header_text="页眉文字", first_page_plain=True)
    cover, body = (squeeze(p) for p in pdf_pages(out))
    assert "页眉文字" not in cover and "第1页" not in cover
    assert "第2页共2页" in body and "页眉文字" in body


def test_no_page_numbers_when_asked(tmp_path):
    out = tmp_path / "无页码.pdf"
    pdf.build_pdf(out, [pdf.paragraph("正文")], title="无页码", page_numbers=False)
    assert "第1页" not in squeeze(pdf_text(out))


def test_contents_lists_headings_with_their_page_numbers(tmp_path):
    out = tmp_path / "目录.pdf"
    filler = "（正文）" * 400
    story = [pdf.contents(), PageBreak()]
    names = ["一、总体情况", "二、项目情况", "（一）富远新型铝材产业园", "（二）久策气体（将乐）", "三、附件"]
    levels = [1, 1, 2, 2, 1]
    for name, level in zip(names, levels):
        story += [pdf.heading(name, level), pdf.paragraph(filler)]
    pages = pdf.build_pdf(out, story, title="目录")
    texts = pdf_pages(out, layout=True)
    assert len(texts) == pages > 5
    listed = contents_entries(texts[0])
    assert set(listed) == set(names), texts[0]
    for name in names:
        page = listed[name]
        assert name in squeeze(texts[page - 1]), (name, page)
        assert all(name not in squeeze(t) for t in texts[1 : page - 1]), f"{name} appears before page {page}"


def test_table_spanning_pages_repeats_its_header(tmp_path):
    out = tmp_path / "长表.pdf"
    rows = [[i, f"项目{i:03d}", f"{i * 1.5:.2f}", "内容说明" * (i % 5 + 1)] for i in range(1, 121)]
    table = pdf.data_table(["序号", "项目名称", "总投资（亿元）", "内容"], rows, [40, 120, 80, 240], zebra=True)
    pages = pdf.build_pdf(out, [table], title="长表")
    assert pages >= 3
    texts = [squeeze(t) for t in pdf_pages(out)]
    for text in texts:
        assert text.count("项目名称") == 1
    assert all(f"项目{i:03d}" in "".join(texts) for i in range(1, 121))


def test_data_table_cells_and_alignment():
    import datetime as dt
    from decimal import Decimal

    table = pdf.data_table(["日期", "金额", "说明"], [[dt.date(2022, 8, 25), Decimal("1.50"), None]], [80, 80, 80])
    date_cell, amount_cell, empty_cell = table._cellvalues[1]
    assert date_cell.text == "2022-08-25"
    assert amount_cell.style.alignment == pdf.styles()["cell_right"].alignment
    assert empty_cell.text == ""
    with pytest.raises(ValueError):
        pdf.data_table(["a", "b"], [[1]], [10, 10])


def test_landscape_and_a3_pages(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "横版.pdf"
    story = [pdf.paragraph("竖版")] + pdf.landscape_pages() + [pdf.paragraph("横版")]
    pdf.build_pdf(out, story, title="横版")
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(str(out)).pages]
    assert sizes == [(595, 842), (842, 595)]

    out_a3 = tmp_path / "A3.pdf"
    pdf.build_pdf(out_a3, [pdf.paragraph("A3 横版")], title="A3", pagesize=A3, landscape=True)
    page = PdfReader(str(out_a3)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (1191, 842)
    assert pdf.frame_width(A4, landscape=True) > pdf.frame_width(A4)


def test_bar_chart_labels_are_readable_chinese(tmp_path):
    out = tmp_path / "图表.pdf"
    chart = pdf.bar_chart(["开发区", "水南镇", "古镛镇2022"], [104.64, 3, 0], width=400, height=220, title="投资（亿元）")
    pdf.build_pdf(out, [chart], title="图表")
    text = squeeze(pdf_text(out))
    for label in ("开发区", "水南镇", "古镛镇2022", "投资（亿元）", "104.64"):
        assert label in text
    assert not unembedded_fonts(out)


def test_progress_reports_and_cancel_writes_nothing(tmp_path):
    out = tmp_path / "进度.pdf"
    story = [pdf.contents()] + [pdf.heading(f"第{i}节", 1) for i in range(30)] + [pdf.paragraph("正文" * 50) for _ in range(30)]
    calls = []
    pdf.build_pdf(out, story, title="进度", progress=lambda done, total: calls.append((done, total)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1]
    assert all(done <= total for done, total in calls)

    out.unlink()
    with pytest.raises(UserError, match="已取消"):
        pdf.build_pdf(out, story, title="进度", progress=lambda done, total: done == 0)
    assert list(tmp_path.iterdir()) == []


def test_existing_file_stays_when_the_target_is_locked(tmp_path, monkeypatch):
    out = tmp_path / "会议材料.pdf"
    out.write_bytes(b"old")

    def locked(_src, _dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pdf.os, "replace", locked)
    with pytest.raises(UserError, match="关闭该文件"):
        pdf.build_pdf(out, [pdf.paragraph("新")], title="x")
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["会议材料.pdf"]


def test_unwritable_folder_is_a_user_error(tmp_path, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pdf.tempfile, "mkstemp", refuse)
    with pytest.raises(UserError, match="没有权限"):
        pdf.build_pdf(tmp_path / "x.pdf", [pdf.paragraph("新")], title="x")


def test_bad_targets_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="扩展名"):
        pdf.build_pdf(tmp_path / "x.docx", [], title="x")
    with pytest.raises(UserError, match="文件夹不存在"):
        pdf.build_pdf(tmp_path / "没有" / "x.pdf", [], title="x")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812341234", "138****1234"),
        ("联系人：张三 13812345678，李四 15900001111。", "联系人：张三 138****5678，李四 159****1111。"),
        ("电话+86 138-1234-5678", "电话+86 138-****-5678"),
        ("座机0598-2321234，编号202212345678901", "座机0598-2321234，编号202212345678901"),
        ("12812345678 和 1381234567", "12812345678 和 1381234567"),
        (None, ""),
    ],
)
def test_mask_phone(text, masked):
    assert pdf.mask_phone(text) == masked


def test_system_fonts_used_for_official_documents_when_truetype(tmp_path):
    bundled = pdf.font_path()
    fonts_dir = tmp_path / "Fonts"
    fonts_dir.mkdir()
    assert pdf.choose_font_files(fonts_dir)["hei"] == bundled
    shutil.copyfile(bundled, fonts_dir / "SimHei.ttf")
    (fonts_dir / "simfang.ttf").write_bytes(b"OTTO" + b"\0" * 100)  # PostScript outlines: unusable
    chosen = pdf.choose_font_files(fonts_dir)
    assert chosen["hei"] == fonts_dir / "SimHei.ttf"
    assert chosen["fang"] == bundled
    assert pdf.choose_font_files(None)["sans"] == bundled


def test_register_fonts_with_a_system_heiti(tmp_path):
    fonts_dir = tmp_path / "Fonts"
    fonts_dir.mkdir()
    shutil.copyfile(pdf.font_path(), fonts_dir / "simhei.ttf")
    try:
        names = pdf.register_fonts(fonts_dir, force=True)
        assert names["hei"] == pdf.FONT_HEI and names["fang"] == pdf.FONT_SANS
        assert pdf.styles()["doc_title"].fontName == pdf.FONT_HEI
        assert pdf.styles()["doc_body"].fontName == pdf.FONT_SANS
        out = tmp_path / "公文.pdf"
        pdf.build_pdf(out, [pdf.paragraph("关于补充材料的一次性告知书", "doc_title")], title="告知书")
        assert_fonts_embedded(out)
    finally:
        pdf.register_fonts(force=True)  # back to this machine's fonts for the other tests
    assert pdf.register_fonts() is pdf.register_fonts()


def test_windows_font_folder_is_where_register_fonts_looks(tmp_path, monkeypatch):
    fonts_dir = tmp_path / "Windows" / "Fonts"
    fonts_dir.mkdir(parents=True)
    shutil.copyfile(pdf.font_path(), fonts_dir / "simfang.ttf")
    monkeypatch.setattr(pdf, "system_fonts_dir", lambda: fonts_dir)
    try:
        names = pdf.register_fonts(force=True)
        assert names["fang"] == pdf.FONT_FANG and names["hei"] == pdf.FONT_SANS
        assert pdf.styles()["doc_body"].fontName == pdf.FONT_FANG
    finally:
        monkeypatch.undo()
        pdf.register_fonts(force=True)
    if os.name != "nt":
        assert pdf.styles()["doc_body"].fontName == pdf.FONT_SANS
        assert pdf.system_fonts_dir() is None


def test_register_fonts_is_safe_from_threads():
    import threading

    results = []
    threads = [threading.Thread(target=lambda: results.append(pdf.register_fonts())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r == results[0] for r in results)
    assert os.path.isfile(pdf.latin_font_path())


def build_sample(out) -> int:
    """A document with everything a briefing pack has: cover, contents, a long table, a chart,
    dense Chinese text and a landscape appendix (also rendered to PNG to look at it)."""
    story = pdf.cover(
        "将乐县招商引资工作领导小组2022年第3次会议材料", subtitle="（共 12 个议题）",
        issuer="将乐县招商服务中心", date_text="2022年8月25日",
    )
    story += [pdf.contents(), PageBreak()]
    story += [pdf.heading("一、总体情况", 1)]
    story += [pdf.paragraph(pdf.mask_phone(text), "body_indent") for text in DENSE_TEXTS]
    story += [pdf.heading("（一）各地入库项目", 2)]
    story.append(pdf.bar_chart(
        ["将乐经济开发区", "水南镇", "古镛镇", "万安镇", "高唐镇", "白莲镇", "黄潭镇"],
        [104.64, 12.5, 8.3, 3, 0.75, 0, 27.04], width=pdf.frame_width(), height=220, title="总投资（亿元）",
    ))
    story += [pdf.heading("二、议题", 1), pdf.heading("（一）项目清单", 2)]
    rows = [
        [i, f"年产{i}万吨新型铝合金材料及制品项目", "福建富远铝业有限公司", f"{i * 1.37:.2f}",
         pdf.mask_phone(DENSE_TEXTS[i % len(DENSE_TEXTS)][: 20 + (i * 13) % 80]), pdf.mask_phone("张三 13812345678")]
        for i in range(1, 41)
    ]
    story.append(pdf.data_table(
        ["序号", "项目名称", "投资方", "总投资（亿元）", "建设内容", "联系人"], rows,
        [28, 96, 80, 52, 150, pdf.frame_width() - 406], align=["center", None, None, "right", None, None],
        zebra=True,
    ))
    story += pdf.landscape_pages()
    story += [pdf.heading("附件：议题一览表", 1)]
    story.append(pdf.data_table(
        ["序号", "项目名称", "投资方", "总投资（亿元）", "建设内容", "联系人"], rows,
        [36, 150, 130, 70, 250, pdf.frame_width(landscape=True) - 636], repeat_header=True,
        align=["center", None, None, "right", None, None],
    ))
    return pdf.build_pdf(
        out, story, title="会议材料", header_text="将乐县招商引资工作领导小组2022年第3次会议",
        first_page_plain=True,
    )


def test_sample_document_reads_back(tmp_path):
    out = tmp_path / "样本" / "会议材料.pdf"
    out.parent.mkdir()
    pages = build_sample(out)
    texts = pdf_pages(out, layout=True)
    assert len(texts) == pages >= 6
    cover = squeeze(texts[0])
    assert "内部资料注意保存" in cover and "第______份" in cover and "第1页" not in cover
    listed = contents_entries(texts[1])
    assert {"一、总体情况", "（一）各地入库项目", "二、议题", "（一）项目清单", "附件：议题一览表"} <= set(listed)
    for name, page in listed.items():
        assert name in squeeze(texts[page - 1])
    assert f"第{pages}页共{pages}页" in squeeze(texts[-1])
    everything = squeeze("".join(texts))
    assert "13812345678" not in everything and "138****5678" in everything
    assert_fonts_embedded(out)


def test_two_line_titles_are_balanced():
    title = "将乐县招商引资工作领导小组2022年第3次会议材料"
    lines = pdf.wrap_lines(pdf.paragraph(title, "cover_title"), pdf.frame_width())
    assert len(lines) == 2 and "".join(lines) == title
    assert abs(len(lines[0]) - len(lines[1])) <= 3, lines
    body_lines = pdf.wrap_lines(pdf.paragraph(title * 2, "body"), pdf.frame_width())
    assert len(body_lines[0]) > len(body_lines[1]) + 10  # body text fills its lines


def test_plain_reportlab_paragraphs_in_a_story_still_print_digits(tmp_path):
    """A helper that builds reportlab's own Paragraph with our styles (in a table, kept together)
    still gets the Latin fallback and the line-start rule."""
    from reportlab.platypus import KeepTogether, Paragraph, Table

    out = tmp_path / "原生段落.pdf"
    cell = Paragraph("总投资15.5亿元，2022年开工", pdf.styles()["cell"])
    story = [
        pdf.contents(), PageBreak(),
        KeepTogether([pdf.heading("一、放在一起的标题", 1), Paragraph("第2022号文件", pdf.styles()["body"])]),
        Table([[cell]], colWidths=[200]),
    ]
    pdf.build_pdf(out, story, title="原生段落")
    texts = pdf_pages(out, layout=True)
    body = squeeze(texts[1])
    assert "第2022号文件" in body and "总投资15.5亿元，2022年开工" in body
    assert contents_entries(texts[0]) == {"一、放在一起的标题": 2}
