"""Read a PDF back the way a user would: its text (what copy-and-paste gives), pages, and fonts."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def pdf_pages(path, *, layout: bool = False) -> list[str]:
    """The extracted text of each page, in order: as copy-and-paste gives it, or with `layout` in
    reading order by position (one printed line per text line; good for contents and tables)."""
    reader = PdfReader(str(path))
    if layout:
        return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    return [page.extract_text() or "" for page in reader.pages]


def pdf_text(path, *, layout: bool = False) -> str:
    """The extracted text of the whole document (pages joined by newlines)."""
    return "\n".join(pdf_pages(path, layout=layout))


def squeeze(text: str) -> str:
    """Text without any whitespace: wrapping and extraction put spaces/newlines where they like."""
    return re.sub(r"\s+", "", text)


def contents_entries(page_text: str) -> dict[str, int]:
    """The entries of a contents page read with `pdf_pages(path, layout=True)`: title → page."""
    entries = {}
    for line in page_text.splitlines():
        match = re.match(r"^\s*(\S.*?)[\s.]*?\.\s*(\d+)\s*$", line)
        if match:
            entries[squeeze(match.group(1))] = int(match.group(2))
    return entries


def pdf_page_count(path) -> int:
    return len(PdfReader(str(path)).pages)


def _fonts_of(reader: PdfReader):
    """Every font dictionary used on any page (including inside form XObjects)."""
    seen = set()

    def walk(resources):
        if resources is None:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is not None:
            for ref in fonts.get_object().values():
                font = ref.get_object()
                if id(font) not in seen:
                    seen.add(id(font))
                    yield font
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                xobject = ref.get_object()
                if xobject.get("/Subtype") == "/Form":
                    yield from walk(xobject.get("/Resources"))

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def pdf_fonts(path) -> set[str]:
    """The base font names used (subset prefixes like "ABCDEF+" removed)."""
    reader = PdfReader(str(path))
    return {_SUBSET_PREFIX.sub("", str(font.get("/BaseFont", "")).lstrip("/")) for font in _fonts_of(reader)}


def unembedded_fonts(path) -> set[str]:
    """Names of fonts whose TrueType program is not in the file (should be empty)."""
    reader = PdfReader(str(path))
    missing = set()
    for font in _fonts_of(reader):
        name = str(font.get("/BaseFont", "")).lstrip("/")
        descriptors = []
        if "/FontDescriptor" in font:
            descriptors.append(font["/FontDescriptor"].get_object())
        for descendant in font.get("/DescendantFonts", []) or []:
            descendant = descendant.get_object()
            if "/FontDescriptor" in descendant:
                descriptors.append(descendant["/FontDescriptor"].get_object())
        if not any("/FontFile2" in d for d in descriptors):
            missing.add(name)
    return missing


def assert_fonts_embedded(path) -> None:
    """Every font in the PDF carries its TrueType program (FontFile2): no STSong/CID fonts, no
    standard-14 Helvetica that a Chinese Windows would substitute."""
    assert pdf_fonts(path), f"{Path(path).name}: no fonts at all"
    missing = unembedded_fonts(path)
    assert not missing, f"{Path(path).name}: fonts not embedded: {sorted(missing)}"
