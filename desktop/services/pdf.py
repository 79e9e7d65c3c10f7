"""PDF documents in Chinese: fonts, styles, paragraphs that obey the line-start rules, tables,
contents, charts, and one `build_pdf` that writes header, “第 N 页 共 M 页” and the file atomically.

Typesetting rules we enforce ourselves because reportlab's CJK wrap does not: no line starts with
closing punctuation (，。、；：！？）》” …), no line ends with an opening bracket (（《“ …), and Latin
words and numbers stay whole when there is room. Where a punctuation mark would start a line, the
character before it moves down with it (the line ends a little short) instead of hanging into the
margin — a table cell has no margin to hang into.

Fonts are TrueType and embedded as subsets, so the text copies out of the PDF as the same Chinese.
On Windows the 公文 styles use the system's 黑体 (SimHei) for headings and 仿宋 (FangSong) for body
text when those are installed as TrueType; everywhere else the bundled font is used. The bundled
font has no Latin letters, digits or curly quotes: `paragraph()` sets those in Bitstream Vera
(shipped inside reportlab). build_pdf gives reportlab Paragraphs found in the story the same
treatment, but a bare string drawn in the bundled font (a Table cell given as str with
FONT=InvestDeskSans, a chart String) prints its digits as nothing: use paragraph(), data_table(),
bar_chart()/new_drawing() and draw_text().

A story: cover(...) (with build_pdf(first_page_plain=True)), contents(), heading(text, level),
paragraph(text, style), data_table(...), bar_chart(...), landscape_pages()/portrait_pages() to
switch orientation; column widths add up to frame_width(pagesize, landscape).

No Qt here: the GUI previews and prints the file through desktop/views/pdf_preview.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import tempfile
import threading
from bisect import bisect_left, bisect_right
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Callable, Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.pagesizes import landscape as landscape_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import FragLine, ParaLines, _handleBulletWidth, imgNormV, imgVRange
from reportlab.platypus.tableofcontents import TableOfContents, drawPageNumbers
from reportlab.rl_config import _FUZZ

from desktop.errors import Location, UserError
from desktop.services.output_files import no_permission, os_error_message, put_in_place
from desktop.resources import font_path

__all__ = [
    "A3", "A4", "CANCELLED", "CANNOT_END", "CANNOT_START", "CJKParagraph", "MARGINS", "bar_chart", "build_pdf",
    "contents", "cover", "data_table", "draw_text", "font_name", "frame_width", "heading", "landscape_pages",
    "mask_phone", "new_drawing", "paragraph", "portrait_pages", "register_fonts", "spacer", "styles",
    "wrap_lines",
]

CANCELLED = "已取消"

# --- fonts ---------------------------------------------------------------------------------------

# Registered font names per role. "sans" is always the bundled font; "hei"/"fang" are the Windows
# system fonts when present, otherwise they point at the bundled font's name as well.
FONT_SANS = "InvestDeskSans"
FONT_HEI = "InvestDeskHei"
FONT_FANG = "InvestDeskFang"
# The bundled CJK font has no Latin letters, digits or curly quotes (Qt falls back by itself,
# reportlab does not): those characters are set in Bitstream Vera, which ships with reportlab.
FONT_LATIN = "InvestDeskLatin"
SYSTEM_FONT_FILES = {"hei": ("simhei.ttf",), "fang": ("simfang.ttf", "fangsong.ttf")}

_font_lock = threading.RLock()
_fonts: dict[str, str] | None = None  # role → registered font name, once registered
_styles: dict[str, ParagraphStyle] | None = None


def system_fonts_dir() -> Path | None:
    """Windows' font folder (where SimHei/FangSong live), or None elsewhere."""
    if os.name != "nt":
        return None
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def is_truetype(path: Path) -> bool:
    """A TrueType-outline font file (reportlab cannot embed CFF/OpenType-PS or collections)."""
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError:
        return False
    return magic in (b"\x00\x01\x00\x00", b"true")


def choose_font_files(fonts_dir: Path | None) -> dict[str, Path]:
    """The font file for each role: system 黑体/仿宋 from `fonts_dir` when usable, else the bundled one."""
    bundled = font_path()
    chosen = {"sans": bundled, "hei": bundled, "fang": bundled}
    if fonts_dir is None or not Path(fonts_dir).is_dir():
        return chosen
    present = {p.name.lower(): p for p in Path(fonts_dir).iterdir()}
    for role, names in SYSTEM_FONT_FILES.items():
        for name in names:
            candidate = present.get(name)
            if candidate is not None and is_truetype(candidate):
                chosen[role] = candidate
                break
    return chosen


def register_fonts(fonts_dir: Path | None = None, *, force: bool = False) -> dict[str, str]:
    """Register the fonts with reportlab once (thread-safe); returns role → font name.

    `fonts_dir` defaults to the Windows font folder; tests pass a folder of their own with
    `force=True` to register again.
    """
    global _fonts, _styles
    with _font_lock:
        if _fonts is not None and not force:
            return _fonts
        files = choose_font_files(system_fonts_dir() if fonts_dir is None else fonts_dir)
        bundled = files["sans"]
        if not bundled.is_file():
            raise UserError(f"缺少程序自带的中文字体文件：{bundled}（请重新安装本程序）")
        names = {"sans": FONT_SANS, "latin": FONT_LATIN}
        _register_ttf(FONT_SANS, bundled)
        try:
            _register_ttf(FONT_LATIN, latin_font_path())
        except (OSError, TTFError) as exc:
            raise UserError(f"缺少 PDF 所需的西文字体文件：{latin_font_path()}（请重新安装本程序）") from exc
        for role, name in (("hei", FONT_HEI), ("fang", FONT_FANG)):
            if files[role] != bundled:
                try:
                    _register_ttf(name, files[role])
                except TTFError:
                    names[role] = FONT_SANS  # e.g. a damaged or PostScript-outline file
                    continue
                names[role] = name
            else:
                names[role] = FONT_SANS
        _fonts = names
        _styles = None
        _coverage.clear()  # a name may now stand for another file
        _width_tables.clear()
        return _fonts


def latin_font_path() -> Path:
    import reportlab

    return Path(reportlab.__file__).resolve().parent / "fonts" / "Vera.ttf"


_coverage: dict[str, object] = {}


def _covered(font: str):
    """The code points `font` has glyphs for (None: a standard font, leave it alone)."""
    try:
        return _coverage[font]
    except KeyError:
        face = getattr(pdfmetrics.getFont(font), "face", None)
        _coverage[font] = getattr(face, "charToGlyph", None)
        return _coverage[font]


def font_runs(text: str, font: str) -> list[tuple[str, str]]:
    """`text` cut into (run, font) pieces: characters `font` lacks go to the Latin font."""
    primary = _covered(font)
    if primary is None or not text:
        return [(text, font)]
    latin = _covered(FONT_LATIN) or {}
    runs: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        use = font if code in primary or code not in latin else FONT_LATIN
        if runs and runs[-1][1] == use:
            runs[-1] = (runs[-1][0] + ch, use)
        else:
            runs.append((ch, use))
    return runs


def _with_fallback_fonts(frags):
    result = []
    for frag in frags:
        text = getattr(frag, "text", "")
        if not text or hasattr(frag, "cbDefn") or hasattr(frag, "lineBreak") or isinstance(text, bytes):
            result.append(frag)
            continue
        runs = font_runs(text, frag.fontName)
        if len(runs) == 1 and runs[0][1] == frag.fontName:
            result.append(frag)
        else:
            result.extend(frag.clone(text=run, fontName=font) for run, font in runs)
    return result


def text_width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, f, size) for run, f in font_runs(text, font))


def draw_text(canvas, x: float, y: float, text: str, font: str, size: float, anchor: str = "start") -> None:
    """Draw a line of mixed Chinese/Latin text on a canvas; anchor "start", "middle" or "end"."""
    width = text_width(text, font, size)
    if anchor == "middle":
        x -= width / 2
    elif anchor == "end":
        x -= width
    for run, f in font_runs(text, font):
        canvas.setFont(f, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, f, size)


def _register_ttf(name: str, path: Path) -> None:
    # subfontIndex 0, subset embedding is reportlab's default for TTFont (FontFile2 per subset)
    pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b>/<i> in markup map to the same face rather than failing: CJK fonts come without them
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


def font_name(role: str = "sans") -> str:
    """The registered font name for "sans" (bundled), "hei" (黑体) or "fang" (仿宋)."""
    return register_fonts()[role]


# --- styles --------------------------------------------------------------------------------------

TEXT_COLOR = colors.HexColor("#1a1a1a")
MUTED_COLOR = colors.HexColor("#555555")
ACCENT_COLOR = colors.HexColor("#1f4e79")
GRID_COLOR = colors.HexColor("#9aa5b1")
HEADER_FILL = colors.HexColor("#dde6ef")
ZEBRA_FILL = colors.HexColor("#f3f6f9")


def styles() -> dict[str, ParagraphStyle]:
    """The named paragraph styles (all wrap as Chinese text). Shared objects: copy before changing."""
    global _styles
    with _font_lock:
        if _styles is not None:
            return _styles
        fonts = register_fonts()
        sans, hei, fang = fonts["sans"], fonts["hei"], fonts["fang"]

        def style(name, font, size, leading, **kw):
            kw.setdefault("textColor", TEXT_COLOR)
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)

        made = {
            "title": style("title", hei, 22, 32, alignment=TA_CENTER, spaceAfter=12, textColor=ACCENT_COLOR),
            "subtitle": style("subtitle", sans, 14, 22, alignment=TA_CENTER, spaceAfter=8, textColor=MUTED_COLOR),
            "h1": style("h1", hei, 16, 24, spaceBefore=10, spaceAfter=6, keepWithNext=1, textColor=ACCENT_COLOR),
            "h2": style("h2", hei, 13, 20, spaceBefore=8, spaceAfter=4, keepWithNext=1, textColor=ACCENT_COLOR),
            "h3": style("h3", hei, 11.5, 18, spaceBefore=6, spaceAfter=3, keepWithNext=1),
            "body": style("body", sans, 11, 18, spaceAfter=4, alignment=TA_JUSTIFY),
            "body_indent": style("body_indent", sans, 11, 18, spaceAfter=4, firstLineIndent=22, alignment=TA_JUSTIFY),
            "small": style("small", sans, 9, 13, textColor=MUTED_COLOR),
            "cell": style("cell", sans, 9, 12.5),
            "cell_bold": style("cell_bold", hei, 9, 12.5, alignment=TA_CENTER),
            "cell_right": style("cell_right", sans, 9, 12.5, alignment=TA_RIGHT),
            "cell_center": style("cell_center", sans, 9, 12.5, alignment=TA_CENTER),
            # 公文: title 二号 (22 pt) 黑体/小标宋, body 三号 (16 pt) 仿宋 at a fixed 28 pt line
            "doc_title": style("doc_title", hei, 22, 34, alignment=TA_CENTER, spaceAfter=18),
            "doc_body": style("doc_body", fang, 16, 28, alignment=TA_JUSTIFY),
            "doc_sign": style("doc_sign", fang, 16, 28, alignment=TA_RIGHT, rightIndent=64),
            "doc_para": style("doc_para", fang, 16, 28, firstLineIndent=32, alignment=TA_JUSTIFY),
            "cover_title": style("cover_title", hei, 26, 40, alignment=TA_CENTER, spaceAfter=16),
            "cover_mark": style("cover_mark", hei, 12, 18, alignment=TA_RIGHT),
            "cover_foot": style("cover_foot", sans, 14, 26, alignment=TA_CENTER),
            "toc1": style("toc1", sans, 12, 22, leftIndent=0, rightIndent=28),
            "toc2": style("toc2", sans, 10.5, 18, leftIndent=24, rightIndent=28),
            "toc3": style("toc3", sans, 10, 16, leftIndent=48, rightIndent=28),
        }
        _styles = made
        return made


def _style(style) -> ParagraphStyle:
    if isinstance(style, ParagraphStyle):
        return style
    try:
        return styles()[style]
    except KeyError:
        raise ValueError(f"unknown PDF style {style!r}; known: {', '.join(styles())}") from None


# --- Chinese line breaking -----------------------------------------------------------------------

# Closing punctuation, full- and half-width: never at the start of a line.
CANNOT_START = frozenset(
    "，。、；：！？）》”．…」』】〕’〉］｝〗﹞〙〛"
    ",.;:!?)]}%"
    "％‰℃°·～ー"
)
# Opening brackets and quotes: never at the end of a line.
CANNOT_END = frozenset("（《“‘「『【〔〈［｛〖〘〚([{￥$")
# Characters of a Latin word or number ("ISO9001", "104.64", "2022-08-25", "138****5678"): not
# split if avoidable.
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/@%+&#'*")
# Runs that belong together: "——" and "……".
_NO_SPLIT_PAIRS = frozenset({("—", "—"), ("…", "…"), ("⋯", "⋯")})


def _break_allowed(U, k: int, *, keep_words: bool, keep_end: bool) -> bool:
    """May a line end before glyph U[k]? (U[k-1] ends the line, U[k] starts the next one.)"""
    # zero-width glyphs (callbacks such as the contents' page-number hook) stay with what precedes
    after = U[k]
    if after == "":
        return False
    j = k
    while j < len(U) and U[j] == " ":
        j += 1
    if j < len(U) and U[j] in CANNOT_START:
        return False
    before = U[k - 1]
    i = k - 1
    while i > 0 and U[i] == " ":
        i -= 1
    if keep_end and U[i] in CANNOT_END:
        return False
    if (before, after) in _NO_SPLIT_PAIRS:
        return False
    if keep_words and before in _WORD_CHARS and after in _WORD_CHARS:
        return False
    return True


def _choose_break(U, start: int, overflow: int) -> int:
    """Where the line that began at `start` ends, given that U[overflow] no longer fits."""
    # A Latin word or number moves down whole, unless it alone is wider than the line
    for k in range(overflow, start, -1):
        if _break_allowed(U, k, keep_words=True, keep_end=True):
            return k
    for keep_end in (True, False):
        for k in range(overflow, start, -1):
            if _break_allowed(U, k, keep_words=False, keep_end=keep_end):
                return k
    return max(overflow, start + 1)


_width_tables: dict[tuple[str, float], dict[str, float]] = {}


def _char_widths(font: str, size: float) -> dict[str, float]:
    key = (font, size)
    table = _width_tables.get(key)
    if table is None:
        table = _width_tables[key] = {}
    return table


def _width_at(width, max_width):
    if hasattr(width, "normalizedValue"):  # an image given as a percentage of the line
        width._normalizer = max_width
        return width.normalizedValue(max_width)
    return width


def _line(frags, chars, owners, widths, start, end, max_width, line_break, calc_bounds):
    """One FragLine of glyphs start..end: consecutive glyphs of one frag become one word."""
    words = []
    used = 0.0
    max_size = max_ascent = min_descent = 0
    k = start
    while k < end:
        owner = owners[k]
        j = k
        while j < end and owners[j] == owner:
            j += 1
        used += sum(widths[k:j])
        frag = frags[owner]
        size = frag.fontSize
        cb = getattr(frag, "cbDefn", None)
        if calc_bounds and getattr(cb, "width", 0):
            descent, ascent = imgVRange(imgNormV(cb.height, size), cb.valign, size)
        else:
            ascent, descent = getAscentDescent(frag.fontName, size)
        max_size = max(max_size, size)
        max_ascent = max(max_ascent, ascent)
        min_descent = min(min_descent, descent)
        words.append(frag.clone(text="".join(chars[k:j])))
        k = j
    line = FragLine(
        kind=1, extraSpace=max_width - used, wordCount=1, words=words, fontSize=max_size, ascent=max_ascent,
        descent=min_descent, maxWidth=max_width, currentWidth=used, lineBreak=line_break,
    )
    line.cjk_gaps = sum(1 for c in chars[start:end] if c) - 1
    return line


def kinsoku_frag_split(frags, max_widths, calc_bounds: bool, encoding: str = "utf8") -> ParaLines:
    """reportlab's `cjkFragSplit`, with Chinese line-start/line-end rules and whole Latin words."""
    chars: list[str] = []
    owners: list[int] = []
    widths: list = []
    breaks_after: set[int] = set()  # glyph indices of <br/> frags
    for index, frag in enumerate(frags):
        text = frag.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        cb = getattr(frag, "cbDefn", None)
        if not text:
            chars.append("")
            owners.append(index)
            widths.append(getattr(cb, "width", 0) if cb is not None else 0)
            if hasattr(frag, "lineBreak"):
                breaks_after.add(len(chars) - 1)
            continue
        if cb is not None:
            width = getattr(cb, "width", 0)
            chars.extend(text)
            owners.extend([index] * len(text))
            widths.extend([width] * len(text))
            continue
        table = _char_widths(frag.fontName, frag.fontSize)
        for ch in text:
            width = table.get(ch)
            if width is None:
                width = table[ch] = stringWidth(ch, frag.fontName, frag.fontSize)
            widths.append(width)
        chars.extend(text)
        owners.extend([index] * len(text))
        if hasattr(frag, "lineBreak"):
            breaks_after.add(len(chars) - 1)

    n = len(chars)
    if any(hasattr(w, "normalizedValue") for w in widths):  # images sized relative to the line
        widths = [_width_at(w, max_widths[0]) for w in widths]
    prefix = [0.0, *accumulate(widths)]  # prefix[i]: width of glyphs before i
    hard_breaks = sorted(breaks_after)
    lines = []
    start = 0
    max_width = max_widths[0]

    def emit(end: int, line_break: bool):
        nonlocal start, max_width
        last = end
        while last - start > 1 and chars[last - 1] == " " and not line_break:
            last -= 1  # trailing spaces take no room at a break
        lines.append(_line(frags, chars, owners, widths, start, last, max_width, line_break, calc_bounds))
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        start = end
        if not line_break:
            while start < n and chars[start] == " ":  # a break at spaces swallows them
                start += 1

    while start < n:
        # the first glyph that does not fit any more (a line always takes at least one glyph)
        overflow = max(bisect_right(prefix, prefix[start] + max_width + _FUZZ, start + 1) - 1, start + 1)
        next_hard = bisect_left(hard_breaks, start)
        if next_hard < len(hard_breaks) and hard_breaks[next_hard] < overflow:
            emit(hard_breaks[next_hard] + 1, True)
        elif overflow >= n:
            line = _line(frags, chars, owners, widths, start, n, max_width, False, calc_bounds)
            line.cjk_gaps = 0  # a paragraph's last line is never spread
            lines.append(line)
            break
        else:
            emit(_choose_break(chars, start, overflow), False)
    return ParaLines(kind=1, lines=lines)


_reportlab_justify_line = rl_paragraph._justifyDrawParaLineX
# Beyond this much extra space per character gap a justified line would look letter-spaced
# (a long Latin word moved down): such a line stays ragged.
MAX_JUSTIFY_GAP = 0.25


def _justify_cjk_line(tx, offset, line, last=0):
    """Justify a Chinese line by spacing its characters (reportlab only widens spaces, and
    Chinese has none). Lines not made by our splitter go to reportlab unchanged."""
    gaps = getattr(line, "cjk_gaps", 0)
    extra = getattr(line, "extraSpace", 0)
    if (gaps <= 0 or last or getattr(line, "lineBreak", False) or extra <= 1e-6
            or extra / gaps > MAX_JUSTIFY_GAP * getattr(line, "fontSize", 10)):
        return _reportlab_justify_line(tx, offset, line, last)
    tx.setCharSpace(extra / gaps)
    try:
        return _reportlab_justify_line(tx, offset, line, last)
    finally:
        tx.setCharSpace(0)


# reportlab looks this function up when it draws a justified paragraph; ours handles our lines.
rl_paragraph._justifyDrawParaLineX = _justify_cjk_line


# Centred titles that take two lines read better as two similar lines than as a full line and
# a stub ("……2022年第3" / "次会议材料").
BALANCED_STYLES = frozenset({"title", "subtitle", "cover_title", "doc_title"})


def _balanced(frags, width: float, calc_bounds: bool, line_count: int) -> ParaLines:
    """The lines at the narrowest width that still needs only `line_count` lines."""
    low, high = width / line_count * 0.9, width
    for _ in range(14):
        middle = (low + high) / 2
        if len(kinsoku_frag_split(frags, [middle], calc_bounds).lines) <= line_count:
            high = middle
        else:
            low = middle
    result = kinsoku_frag_split(frags, [high], calc_bounds)
    for line in result.lines:  # centred within the real width
        line.maxWidth = width
        line.extraSpace = width - line.currentWidth
    return result


class CJKParagraph(Paragraph):
    """A Paragraph whose Chinese wrapping keeps punctuation off line starts (see module doc) and
    whose Latin letters and digits are set in the Latin font when the CJK font lacks them."""

    def __init__(self, text, style=None, *args, **kwargs):
        super().__init__(text, style, *args, **kwargs)
        self.frags = _with_fallback_fonts(self.frags)

    def breakLinesCJK(self, maxWidths):
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        frags = self.frags
        if not frags:
            return ParaLines(
                kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize,
            )
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        calc_bounds = auto_leading not in ("", "off")
        result = kinsoku_frag_split(frags, maxWidths, calc_bounds)
        if style.name in BALANCED_STYLES and len(result.lines) > 1:
            result = _balanced(frags, maxWidths[0], calc_bounds, len(result.lines))
        return result

    def breakLines(self, width):
        # Our styles all wrap as CJK; a caller's own style still gets the Chinese rules.
        return self.breakLinesCJK(width)


def _adopt(item, seen: set[int]) -> None:
    """Give reportlab Paragraphs found in a story (also inside tables and KeepTogether) our line
    breaking and Latin fallback: a plain Paragraph in the bundled font would print no digits."""
    if id(item) in seen:
        return
    seen.add(id(item))
    if isinstance(item, (list, tuple)):
        for child in item:
            _adopt(child, seen)
    elif isinstance(item, Paragraph):
        if not isinstance(item, CJKParagraph):
            item.frags = _with_fallback_fonts(item.frags)
            item.__class__ = CJKParagraph
    elif isinstance(item, Table):
        for row in getattr(item, "_cellvalues", ()):
            _adopt(row, seen)
    else:
        content = getattr(item, "_content", None)
        if isinstance(content, (list, tuple)):
            _adopt(content, seen)


def wrap_lines(para: Paragraph, width: float) -> list[str]:
    """The text of each line of `para` wrapped to `width` points (for tests and measuring)."""
    para.wrap(width, 1e6)
    result = []
    for line in para.blPara.lines:
        if isinstance(line, tuple):  # reportlab's simple lines: (extra space, [words])
            result.append(" ".join(line[1]))
        else:
            result.append("".join(getattr(w, "text", "") for w in line.words))
    return result


def paragraph(text, style="body", *, markup: bool = False) -> CJKParagraph:
    """A paragraph of plain text (escaped; newlines kept) — or reportlab markup when `markup`."""
    text = "" if text is None else str(text)
    if not markup:
        text = escape(text).replace("\r\n", "\n").replace("\n", "<br/>")
    return CJKParagraph(text, _style(style))


# --- headings and contents -----------------------------------------------------------------------


class _Heading(CJKParagraph):
    """A heading paragraph that build_pdf enters in the contents and the PDF's bookmarks."""

    toc_level = 0
    toc_text = ""


def heading(text, level: int = 1) -> CJKParagraph:
    """A heading of level 1–3 (h1–h3), listed in `contents()` with its page number."""
    level = min(max(int(level), 1), 3)
    para = paragraph(text, f"h{level}")
    para.__class__ = _Heading
    para.toc_level = level - 1
    para.toc_text = "" if text is None else str(text)
    return para


class Contents(TableOfContents):
    """A table of contents drawn with our fonts and line breaking, page numbers right-aligned."""

    def __init__(self, title: str = "目  录"):
        st = styles()
        super().__init__(levelStyles=[st["toc1"], st["toc2"], st["toc3"]], dotsMinLevel=0)
        self.title = title

    def wrap(self, availWidth, availHeight):
        entries = self._lastEntries or [(0, "（目录将在生成时填入）", 0, None)]

        def draw_entry_end(canvas, kind, label):
            page, level, key = label.split(",")
            style = self.getLevelStyle(int(level))
            number_style = ParagraphStyle(f"{style.name}-number", parent=style, fontName=FONT_LATIN)
            drawPageNumbers(canvas, number_style, [(int(page), key or None)], availWidth, availHeight, " . ")

        self.canv.setNamedCB("drawTOCEntryEnd", draw_entry_end)
        data = []
        if self.title:
            data.append([paragraph(self.title, "title")])
        for level, text, page, key in entries:
            style = self.getLevelStyle(level)
            label = f"{page},{level},{key or ''}"
            body = f'<a href="#{key}">{text}</a>' if key else text
            data.append([CJKParagraph(f'{body}<onDraw name="drawTOCEntryEnd" label="{label}"/>', style)])
        self._table = Table(data, colWidths=(availWidth,), style=self.tableStyle)
        self._table.setStyle([("FONT", (0, 0), (-1, -1), FONT_SANS, 10)])  # not Helvetica (unembedded)
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height


def contents(title: str = "目  录") -> Contents:
    """The contents (title and one line per heading with its page number). Put it at the top level
    of the story, not inside another flowable: build_pdf fills it in a second pass."""
    return Contents(title)


# --- tables --------------------------------------------------------------------------------------

_ALIGN_STYLES = {"left": "cell", "right": "cell_right", "center": "cell_center", "centre": "cell_center"}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _cell(value, align: str | None):
    if isinstance(value, (Flowable, list, tuple)):
        return value
    if align is None:
        is_number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
        align = "right" if is_number else "left"
    return paragraph(_cell_text(value), _ALIGN_STYLES[align])


def data_table(
    header: Sequence,
    rows: Iterable[Sequence],
    col_widths: Sequence[float] | None = None,
    *,
    repeat_header: bool = True,
    align: Sequence[str | None] | None = None,
    zebra: bool = False,
) -> Table:
    """A table whose cells wrap as Chinese paragraphs, with a shaded header row repeated on every
    page, a light grid and optional zebra rows. `align` gives "left"/"right"/"center" per column
    (None: numbers right, text left); cells may also be flowables (e.g. `paragraph(...)`)."""
    header = list(header)
    ncols = len(header)
    if col_widths is None:
        col_widths = [frame_width() / ncols] * ncols
    if len(col_widths) != ncols:
        raise ValueError(f"{ncols} columns but {len(col_widths)} widths")
    aligns = list(align) if align is not None else [None] * ncols
    data = [[_cell(h, None) if isinstance(h, Flowable) else paragraph(_cell_text(h), "cell_bold") for h in header]]
    for row in rows:
        row = list(row)
        if len(row) != ncols:
            raise ValueError(f"row has {len(row)} cells, header has {ncols}: {row!r}")
        data.append([_cell(value, aligns[c]) for c, value in enumerate(row)])
    commands = [
        ("FONT", (0, 0), (-1, -1), font_name("sans"), 9),  # else reportlab names Helvetica (unembedded)
        ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOR),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if zebra and len(data) > 2:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA_FILL]))
    table = Table(
        data, colWidths=list(col_widths), repeatRows=1 if repeat_header else 0, splitByRow=1, hAlign="CENTER",
    )
    table.setStyle(TableStyle(commands))
    return table


# --- charts --------------------------------------------------------------------------------------


def _number_label(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{int(round(value))}"
    return f"{value:.2f}"


def _mixed_string(x: float, y: float, text: str, font: str, size: float, anchor: str = "middle",
                  angle: float = 0, color=TEXT_COLOR) -> Group:
    """A chart label in mixed Chinese/Latin text (a reportlab String has one font only)."""
    width = text_width(text, font, size)
    start = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
    group = Group()
    for run, f in font_runs(text, font):
        group.add(String(start, 0, run, fontName=f, fontSize=size, fillColor=color))
        start += pdfmetrics.stringWidth(run, f, size)
    group.translate(x, y)
    if angle:
        group.rotate(angle)
    return group


def new_drawing(width: float, height: float) -> Drawing:
    """A reportlab Drawing for our PDFs: centred, and its default font is an embedded one (a bare
    Drawing names Helvetica, which is not embedded)."""
    drawing = Drawing(width, height, initialFontName=FONT_LATIN)
    drawing.hAlign = "CENTER"
    return drawing


def bar_chart(labels: Sequence[str], values: Sequence, *, width: float, height: float, title: str = "") -> Drawing:
    """A vertical bar chart with Chinese labels and the value over each bar (a reportlab Drawing)."""
    sans = font_name("sans")
    numbers = [float(v or 0) for v in values]
    labels = [str(label) for label in labels]
    if len(labels) != len(numbers):
        raise ValueError(f"{len(labels)} labels but {len(numbers)} values")
    drawing = new_drawing(width, height)
    label_size = 8
    title_space = 22 if title else 6
    slot = (width - 52) / max(len(labels), 1)
    widest = max((text_width(label, sans, label_size) for label in labels), default=0)
    slanted = widest > slot - 4
    label_space = min(widest * 0.6 + 14, height * 0.35) if slanted else 18
    chart = VerticalBarChart()
    chart.x, chart.y = 42, label_space
    chart.width = width - chart.x - 10
    chart.height = height - label_space - title_space - 12
    chart.data = [numbers]
    chart.barWidth = 10
    chart.groupSpacing = 8
    chart.bars[0].fillColor = ACCENT_COLOR
    chart.bars[0].strokeColor = None
    chart.valueAxis.valueMin = 0
    top = max(numbers, default=0)
    chart.valueAxis.valueMax = top * 1.18 if top > 0 else 1
    chart.valueAxis.labels.fontName = FONT_LATIN
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.valueAxis.strokeColor = GRID_COLOR
    chart.valueAxis.labelTextFormat = _number_label
    whole = all(abs(v - round(v)) < 1e-9 for v in numbers)
    chart.categoryAxis.categoryNames = [""] * len(labels)
    chart.categoryAxis.visibleLabels = False
    chart.categoryAxis.strokeColor = GRID_COLOR
    chart.barLabelFormat = _number_label if whole else "%.2f"  # one format for every bar
    chart.barLabels.fontName = FONT_LATIN
    chart.barLabels.fontSize = 7.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    band = chart.width / max(len(labels), 1)
    for index, label in enumerate(labels):
        centre = chart.x + (index + 0.5) * band
        if slanted:
            drawing.add(_mixed_string(centre + 3, chart.y - 6, label, sans, label_size, "end", angle=35))
        else:
            drawing.add(_mixed_string(centre, chart.y - 11, label, sans, label_size))
    if title:
        drawing.add(_mixed_string(width / 2, height - 14, str(title), font_name("hei"), 11))
    return drawing


# --- pages ---------------------------------------------------------------------------------------

MARGINS = {"left": 20 * mm, "right": 20 * mm, "top": 24 * mm, "bottom": 22 * mm}
HEADER_FONT_SIZE = 9
FOOTER_FONT_SIZE = 9


def page_size(pagesize=A4, landscape: bool = False) -> tuple[float, float]:
    width, height = pagesize
    portrait = (min(width, height), max(width, height))
    return landscape_size(portrait) if landscape else portrait


def frame_width(pagesize=A4, landscape: bool = False) -> float:
    """The text width (points) of a page: what a full-width table's column widths add up to."""
    return page_size(pagesize, landscape)[0] - MARGINS["left"] - MARGINS["right"]


def frame_height(pagesize=A4, landscape: bool = False) -> float:
    return page_size(pagesize, landscape)[1] - MARGINS["top"] - MARGINS["bottom"]


def landscape_pages() -> list[Flowable]:
    """Put these in a story: what follows starts on a new landscape page."""
    return [NextPageTemplate("landscape"), PageBreak()]


def portrait_pages() -> list[Flowable]:
    """Put these in a story: what follows starts on a new portrait page."""
    return [NextPageTemplate("portrait"), PageBreak()]


class _PageNumberCanvas(Canvas):
    """Holds every page back until the end so the footer can say how many pages there are."""

    def __init__(self, *args, decorate: Callable, **kwargs):
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict] = []
        self._decorate = decorate
        self.page_count = 0

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self._decorate(self, self._pageNumber, total)
            Canvas.showPage(self)
        self.page_count = total
        self._held_pages = []
        Canvas.save(self)


class _Cancelled(Exception):
    pass


class _Document(BaseDocTemplate):
    def __init__(self, filename, *, pagesize, landscape, **kwargs):
        super().__init__(filename, pagesize=page_size(pagesize, landscape), **kwargs)
        templates = []
        for name, is_landscape in (("portrait", False), ("landscape", True)):
            size = page_size(pagesize, is_landscape)
            frame = Frame(
                MARGINS["left"], MARGINS["bottom"], size[0] - MARGINS["left"] - MARGINS["right"],
                size[1] - MARGINS["top"] - MARGINS["bottom"], id=name, leftPadding=0, rightPadding=0,
                topPadding=0, bottomPadding=0,
            )
            templates.append(PageTemplate(id=name, frames=[frame], pagesize=size))
        if landscape:
            templates.reverse()  # the first template is the one the document starts with
        self.addPageTemplates(templates)
        self._outline_level = -1

    def afterFlowable(self, flowable):
        if not isinstance(flowable, _Heading):
            return
        level = min(flowable.toc_level, self._outline_level + 1)  # outlines may not skip a level
        self._outline_level = level
        key = f"heading-{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.toc_text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, escape(flowable.toc_text), self.page, key))

    def beforeDocument(self):
        self._outline_level = -1


def _check_target(out_path) -> Path:
    path = Path(out_path)
    if path.suffix.lower() != ".pdf":
        raise UserError(f"PDF 文件的扩展名应为 .pdf：{path}（请把文件名改为 {path.stem}.pdf）")
    if path.is_dir():
        raise UserError(f"这是一个文件夹，不能写成 PDF 文件：{path}")
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}（请先建好文件夹，或换一个保存位置）")
    return path


def _locked_message(path: Path) -> str:
    return (f"无法覆盖文件“{path.name}”：它可能正在 PDF 阅读器或 WPS 中打开，"
            "请先关闭该文件后再试（或换一个文件名）")


class _Progress:
    """Turns reportlab's build callbacks into progress(done, total) calls; False → cancel."""

    STEPS = 200  # at most this many calls per build: each one is a signal to the GUI thread

    def __init__(self, callback, passes_expected: int):
        self.callback = callback
        self.passes_expected = passes_expected
        self.size = 1
        self.passes = 1
        self.last_step = -1

    def __call__(self, kind, value):
        if kind == "PASS":
            self.passes = value
        elif kind == "SIZE_EST":
            self.size = max(int(value), 1)
        elif kind == "PROGRESS":
            total = self.total()
            done = min(self.size * (self.passes - 1) + int(value), total - 1)
            step = done * self.STEPS // total
            if step != self.last_step:
                self.last_step = step
                self.report(done, total)

    def total(self) -> int:
        # +1: the last step is saving the file
        return self.size * max(self.passes_expected, self.passes) + 1

    def report(self, done, total):
        if self.callback(done, total) is False:
            raise _Cancelled()


def build_pdf(
    out_path,
    story: Sequence[Flowable],
    *,
    title: str,
    header_text: str = "",
    pagesize=A4,
    landscape: bool = False,
    page_numbers: bool = True,
    progress: Callable[[int, int], bool | None] | None = None,
    author: str = "招商工作台",
    first_page_plain: bool = False,
) -> int:
    """Write `story` to `out_path` as a PDF; returns the number of pages.

    Every page gets `header_text` at the top and “第 N 页 共 M 页” at the bottom (unless
    `page_numbers` is False); `first_page_plain` leaves a cover page without them. The file is
    written beside the target and put in place in one step, so a failed or cancelled build leaves
    the old file untouched. `progress(done, total)` may return False to cancel (UserError 已取消).
    """
    register_fonts()
    path = _check_target(out_path)
    story = list(story)
    _adopt(story, set())
    sans = font_name("sans")

    def decorate(canvas: Canvas, page: int, total: int):
        if first_page_plain and page == 1:
            return
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFillColor(MUTED_COLOR)
        if header_text:
            y = height - MARGINS["top"] + 10 * mm
            draw_text(canvas, width / 2, y, header_text, sans, HEADER_FONT_SIZE, "middle")
            canvas.setStrokeColor(GRID_COLOR)
            canvas.setLineWidth(0.5)
            canvas.line(MARGINS["left"], y - 2.5 * mm, width - MARGINS["right"], y - 2.5 * mm)
        if page_numbers:
            footer = f"第 {page} 页 共 {total} 页"
            draw_text(canvas, width / 2, MARGINS["bottom"] - 12 * mm, footer, sans, FOOTER_FONT_SIZE, "middle")
        canvas.restoreState()

    try:
        handle, temp_name = tempfile.mkstemp(prefix=f"~{path.stem}-", suffix=".pdf.tmp", dir=path.parent)
    except PermissionError as exc:
        raise no_permission(path) from exc
    except OSError as exc:
        raise UserError(os_error_message(exc, path), Location(file=path.name)) from exc
    os.close(handle)
    temp = Path(temp_name)
    try:
        doc = _Document(
            str(temp), pagesize=pagesize, landscape=landscape, title=title, author=author,
            creator="招商工作台 InvestDesk", subject=header_text or title, lang="zh-CN",
            initialFontName=FONT_LATIN,
        )
        tracker = None
        if progress is not None:
            indexing = any(getattr(f, "isIndexing", lambda: 0)() for f in story)
            tracker = _Progress(progress, 2 if indexing else 1)
            doc.setProgressCallBack(tracker)
        try:
            if tracker is not None:
                tracker.report(0, tracker.total())
            doc.multiBuild(story, canvasmaker=functools.partial(_PageNumberCanvas, decorate=decorate))
        except _Cancelled:
            raise UserError(CANCELLED) from None
        except PermissionError as exc:
            raise no_permission(path) from exc
        except OSError as exc:
            raise UserError(os_error_message(exc, path), Location(file=path.name)) from exc
        pages = doc.canv.page_count
        if tracker is not None:
            tracker.callback(tracker.total(), tracker.total())  # done: too late to cancel
        put_in_place(temp, path, _locked_message(path))
    except BaseException:
        try:
            temp.unlink()
        except OSError:
            pass
        raise
    return pages


# --- privacy -------------------------------------------------------------------------------------

_MOBILE = re.compile(r"(?<![\d])((?:\+?86[- ]?)?)(1[3-9]\d)([- ]?)\d{4}([- ]?)(\d{4})(?!\d)")


def mask_phone(text) -> str:
    """Every mainland mobile number in `text` shown as 138****1234; everything else unchanged."""
    if text is None:
        return ""
    return _MOBILE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}****{m.group(4)}{m.group(5)}", str(text))


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


def cover(title: str, *, subtitle: str = "", date_text: str = "", issuer: str = "",
          mark: str = "内部资料 注意保存", copy_number: bool = True) -> list[Flowable]:
    """A cover page: “第____份” and the confidentiality mark at the top, the title a third of the
    way down, issuer and date near the foot; ends with a page break. Use with first_page_plain."""
    corner = Table(
        [[paragraph("第______份" if copy_number else "", "body"), paragraph(mark, "cover_mark")]],
        colWidths=[frame_width() / 2] * 2,
        style=[("FONT", (0, 0), (-1, -1), font_name("sans"), 11), ("LEFTPADDING", (0, 0), (-1, -1), 0),
               ("RIGHTPADDING", (0, 0), (-1, -1), 0)],
    )
    story: list[Flowable] = [corner, Spacer(1, 62 * mm), paragraph(title, "cover_title")]
    if subtitle:
        story.append(paragraph(subtitle, "subtitle"))
    story.append(Spacer(1, 80 * mm))
    if issuer:
        story.append(paragraph(issuer, "cover_foot"))
    if date_text:
        story.append(paragraph(date_text, "cover_foot"))
    story.append(PageBreak())
    return story
