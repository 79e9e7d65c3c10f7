"""The bundled CJK font: present, licensed, TrueType outlines that reportlab embeds, and loaded by Qt."""

from desktop.resources import font_path, resource_path


def test_font_and_licence_are_bundled():
    assert font_path().is_file()
    licence = resource_path("fonts", "LICENSE-DroidSansFallback.txt")
    assert "Apache License" in licence.read_text(encoding="utf-8")


def test_reportlab_accepts_the_font_and_it_covers_chinese():
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont("InvestDeskCJK", str(font_path()))  # raises for CFF/OTF outlines
    for char in "将乐县招商服务中心项目库，。（）亿元":
        assert ord(char) in font.face.charToGlyph, char


def test_qt_registers_the_font(qapp):
    from PySide6.QtGui import QFontDatabase

    from desktop.app import register_font

    family = register_font()
    assert family
    assert family in QFontDatabase.families()
