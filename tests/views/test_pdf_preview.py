"""The PDF preview: loads what build_pdf wrote, zooms, saves a copy, prints; the build-and-preview flow."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from reportlab.platypus import PageBreak

from desktop.errors import UserError
from desktop.services import pdf
from desktop.views import pdf_preview
from desktop.views.pdf_preview import PdfPreviewDialog, make_pdf_and_preview
from tests.pdf_reading import pdf_page_count, pdf_pages, squeeze


def three_pages(out_path, *, progress=None, heading="预览测试"):
    story = [pdf.heading(heading, 1), pdf.paragraph("第一页"), PageBreak(), pdf.paragraph("第二页")]
    story += pdf.landscape_pages() + [pdf.paragraph("第三页（横版）")]
    return pdf.build_pdf(out_path, story, title=heading, header_text="预览页眉", progress=progress)


@pytest.fixture
def sample_pdf(tmp_path):
    path = tmp_path / "预览 文件夹" / "样张.pdf"
    path.parent.mkdir()
    assert three_pages(path) == 3
    return path


def test_dialog_shows_the_document_and_its_page_count(qtbot, sample_pdf):
    dialog = PdfPreviewDialog(sample_pdf)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.load_error is None
    assert dialog.page_count() == 3
    assert "共 3 页" in dialog.page_label.text()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    assert "样张" in dialog.windowTitle()


def test_zoom_in_and_out_and_back_to_fit(qtbot, sample_pdf):
    dialog = PdfPreviewDialog(sample_pdf)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.zoom_in()
    bigger = dialog.view.zoomFactor()
    dialog.zoom_out()
    dialog.zoom_out()
    assert dialog.view.zoomFactor() < bigger
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    dialog.fit_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_save_as_copies_the_file(qtbot, sample_pdf, tmp_path, monkeypatch):
    dialog = PdfPreviewDialog(sample_pdf)
    qtbot.addWidget(dialog)
    target = tmp_path / "另存 文件夹" / "会议材料"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF 文件 (*.pdf)"))
    saved = dialog.save_as()
    assert saved == target.with_name("会议材料.pdf")
    assert saved.read_bytes() == sample_pdf.read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == ["会议材料.pdf"]


def test_save_as_cancelled_writes_nothing(qtbot, sample_pdf, tmp_path, monkeypatch):
    dialog = PdfPreviewDialog(sample_pdf)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    assert dialog.save_as() is None


def test_save_as_into_a_locked_target_says_so(qtbot, sample_pdf, tmp_path, monkeypatch, no_modal_boxes):
    dialog = PdfPreviewDialog(sample_pdf)
    qtbot.addWidget(dialog)
    target = tmp_path / "已打开.pdf"
    target.write_bytes(b"old")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))

    def locked(self, _target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", locked)
    assert dialog.save_as() is None
    assert target.read_bytes() == b"old"
    assert no_modal_boxes and "关闭" in no_modal_boxes[-1][1]


def print_to_file(dialog, monkeypatch, out: Path, page_range=None) -> bool:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))

    def accept(print_dialog):
        if page_range:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*page_range)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    return dialog.print_document(printer)


def test_printing_to_a_pdf_printer_prints_every_page(qtbot, sample_pdf, tmp_path, monkeypatch):
    dialog = PdfPreviewDialog(sample_pdf)
    qtbot.addWidget(dialog)
    out = tmp_path / "打印结果.pdf"
    assert print_to_file(dialog, monkeypatch, out)
    assert out.stat().st_size > 1000
    assert pdf_page_count(out) == 3


def test_printing_honours_the_page_range(qtbot, sample_pdf, tmp_path, monkeypatch):
    dialog = PdfPreviewDialog(sample_pdf)
    qtbot.addWidget(dialog)
    out = tmp_path / "第2到3页.pdf"
    assert print_to_file(dialog, monkeypatch, out, page_range=(2, 3))
    from pypdf import PdfReader

    pages = PdfReader(str(out)).pages
    assert len(pages) == 2
    # the third page is landscape, and so is the paper it was printed on
    assert float(pages[1].mediabox.width) > float(pages[1].mediabox.height)
    assert float(pages[0].mediabox.width) < float(pages[0].mediabox.height)


def test_print_dialog_cancelled_prints_nothing(qtbot, sample_pdf, tmp_path, monkeypatch):
    dialog = PdfPreviewDialog(sample_pdf)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "无.pdf"))
    assert dialog.print_document(printer) is False
    assert not (tmp_path / "无.pdf").exists()


def test_a_file_that_is_no_pdf_is_reported_not_crashed(qtbot, tmp_path):
    broken = tmp_path / "坏.pdf"
    broken.write_bytes(b"not a pdf")
    dialog = PdfPreviewDialog(broken)
    qtbot.addWidget(dialog)
    assert dialog.load_error is not None
    assert not dialog.print_button.isEnabled()
    assert "无法打开" in dialog.page_label.text()


def test_make_pdf_and_preview_builds_in_the_data_folder_and_opens_the_preview(qtbot, isolated_data_dir):
    progress_seen = []

    def build(out_path, *, progress=None, heading="x"):
        progress_seen.append(progress)
        return three_pages(out_path, progress=progress, heading=heading)

    make_pdf_and_preview(None, "会议材料：第3次", build, heading="会议材料")
    dialogs = pdf_preview.open_previews()
    assert dialogs, "the preview opens"
    dialog = dialogs[-1]
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.page_count() == 3
    assert "会议材料：第3次" in dialog.windowTitle()
    assert callable(progress_seen[0])
    assert dialog.path.parent == isolated_data_dir / "预览"
    assert "会议材料" in squeeze(pdf_pages(dialog.path)[0])
    built = dialog.path
    dialog.close_button.click()
    assert not built.exists(), "the temporary file goes when the preview closes"
    assert dialog not in pdf_preview.open_previews()


def test_make_pdf_and_preview_shows_a_user_error_in_chinese(qtbot, no_modal_boxes):
    def failing(out_path, *, progress=None):
        raise UserError("会议没有议题，无法生成会议材料")

    before = len(pdf_preview.open_previews())
    make_pdf_and_preview(None, "会议材料", failing)
    assert len(pdf_preview.open_previews()) == before
    assert ("没有完成", "会议没有议题，无法生成会议材料") in no_modal_boxes


def test_make_pdf_and_preview_cancelled_says_nothing(qtbot, no_modal_boxes):
    def cancelled(out_path, *, progress=None):
        return three_pages(out_path, progress=lambda done, total: False)

    make_pdf_and_preview(None, "会议材料", cancelled)
    assert no_modal_boxes == []
