"""Preview a PDF the app made (QtPdf), print it through QPrinter, or save a copy.

`make_pdf_and_preview` is the one way the GUI produces a document: the service writes a temporary
file in the data folder on the worker pool behind a progress dialog, then the preview opens on it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSize, QStandardPaths, Qt
from PySide6.QtGui import QKeySequence, QPainter, QPageLayout, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import config
from desktop.views.progress import run_with_progress
from desktop.views.widgets import fit_to_screen

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.25, 5.0
# Pages are rendered to images for the printer; beyond this resolution the images only get big
# (an A4 page at a printer's 1200 dpi would be half a gigabyte), not sharper on paper.
MAX_PRINT_DPI = 300
PREVIEW_FOLDER = "预览"
PREVIEW_KEEP_SECONDS = 24 * 3600


class PdfPreviewDialog(QDialog):
    """Shows a PDF page after page (fit to width), with 放大/缩小, 打印…, 另存为… and 关闭."""

    def __init__(self, path, parent: QWidget | None = None, *, title: str | None = None, delete_file: bool = False):
        super().__init__(parent)
        self.path = Path(path)
        self.document_title = title or self.path.stem
        self._delete_file = delete_file
        self.setWindowTitle(f"预览 — {self.document_title}")

        self.document = QPdfDocument(self)
        error = self.document.load(str(self.path))
        self.load_error = None if error == QPdfDocument.Error.None_ else error

        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)

        self.zoom_out_button = QPushButton("缩小(&-)")
        self.zoom_in_button = QPushButton("放大(&+)")
        self.fit_button = QPushButton("适合宽度(&W)")
        self.page_label = QLabel()
        self.print_button = QPushButton("打印(&P)…")
        self.save_button = QPushButton("另存为(&S)…")
        self.close_button = QPushButton("关闭")
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.print_button, self.save_button):
            button.setAutoDefault(False)  # Enter closes the preview; it never prints by accident
        self.close_button.setDefault(True)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.fit_button.clicked.connect(self.fit_width)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, self.zoom_in)
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, self.zoom_out)
        QShortcut(QKeySequence("Ctrl+="), self, self.zoom_in)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)

        bar = QHBoxLayout()
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        for widget in (self.print_button, self.save_button, self.close_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.view.pageNavigator().currentPageChanged.connect(self._show_page_label)
        self._show_page_label()
        usable = self.load_error is None and self.page_count() > 0
        for button in (self.print_button, self.save_button, self.zoom_in_button, self.zoom_out_button, self.fit_button):
            button.setEnabled(usable)
        self.resize(fit_to_screen(self, 920, 700))  # 700 high is taller than 1920×1080 at 150 %

    # --- facts -----------------------------------------------------------------------------------

    def page_count(self) -> int:
        return self.document.pageCount()

    def _show_page_label(self, *_):
        total = self.page_count()
        if self.load_error is not None:
            self.page_label.setText("无法打开这个 PDF 文件")
            return
        current = self.view.pageNavigator().currentPage() + 1 if total else 0
        self.page_label.setText(f"第 {current} 页 / 共 {total} 页")

    # --- zoom ------------------------------------------------------------------------------------

    def _set_zoom(self, factor: float):
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, MIN_ZOOM), MAX_ZOOM))

    def _current_zoom(self) -> float:
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        # fit-to-width: the factor that fits the first page into the viewport
        points = self.document.pagePointSize(0) if self.page_count() else None
        if not points or points.width() <= 0:
            return 1.0
        pixels_per_point = self.view.logicalDpiX() / 72.0
        return max(self.view.viewport().width() - 20, 50) / (points.width() * pixels_per_point)

    def zoom_in(self):
        self._set_zoom(self._current_zoom() * ZOOM_STEP)

    def zoom_out(self):
        self._set_zoom(self._current_zoom() / ZOOM_STEP)

    def fit_width(self):
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    # --- save and print --------------------------------------------------------------------------

    def suggested_file_name(self) -> str:
        safe = re.sub(r'[\\/:*?"<>|]+', "_", self.document_title).strip() or "文档"
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / f"{safe}.pdf") if folder else f"{safe}.pdf"

    def save_as(self) -> Path | None:
        target, _ = QFileDialog.getSaveFileName(self, "另存为 PDF", self.suggested_file_name(), "PDF 文件 (*.pdf)")
        if not target:
            return None
        target_path = Path(target)
        if target_path.suffix.lower() != ".pdf":
            target_path = target_path.with_name(target_path.name + ".pdf")
        if target_path.resolve() == self.path.resolve():
            return target_path
        try:
            _copy_atomically(self.path, target_path)
        except OSError as exc:
            QMessageBox.warning(self, "没有保存", _copy_error_message(exc, target_path))
            return None
        return target_path

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.document_title)
        printer.setFullPage(True)  # the PDF has its own margins
        printer.setFromTo(1, max(self.page_count(), 1))
        return printer

    def print_document(self, printer: QPrinter | None = None) -> bool:
        """Ask where and which pages (QPrintDialog), then print; False when the user cancels."""
        printer = printer if isinstance(printer, QPrinter) else self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        dialog.setMinMax(1, max(self.page_count(), 1))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        pages = self.pages_to_print(printer)
        if not pages:
            return False
        if not render_pages(self.document, printer, pages):
            QMessageBox.warning(self, "没有打印", "无法开始打印：请检查打印机是否可用。")
            return False
        return True

    def pages_to_print(self, printer: QPrinter) -> list[int]:
        """0-based page indices the printer's page range asks for (all pages when none chosen)."""
        total = self.page_count()
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first = max(printer.fromPage(), 1)
            last = min(printer.toPage() or total, total)
            return list(range(first - 1, last))
        return list(range(total))

    # --- closing ---------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self.view.setDocument(None)
        self.document.close()
        if self._delete_file:
            try:
                self.path.unlink()
            except OSError:
                pass  # still open elsewhere; the next preview clears old files
        super().done(result)


def render_pages(document: QPdfDocument, printer: QPrinter, pages: list[int]) -> bool:
    """Draw `pages` of `document` onto `printer`, each page scaled to the paper, keeping its shape."""
    painter = QPainter()
    for number, index in enumerate(pages):
        points = document.pagePointSize(index)
        orientation = (
            QPageLayout.Orientation.Landscape if points.width() > points.height() else QPageLayout.Orientation.Portrait
        )
        printer.setPageOrientation(orientation)
        if number == 0:
            if not painter.begin(printer):
                return False
        else:
            printer.newPage()
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        size = QSize(max(int(points.width() * dpi / 72), 1), max(int(points.height() * dpi / 72), 1))
        image = document.render(index, size)
        target = painter.viewport()
        scale = min(target.width() / size.width(), target.height() / size.height())
        width, height = int(size.width() * scale), int(size.height() * scale)
        x = target.x() + (target.width() - width) // 2
        y = target.y() + (target.height() - height) // 2
        painter.setViewport(x, y, width, height)
        painter.setWindow(0, 0, size.width(), size.height())
        painter.drawImage(0, 0, image)
        painter.setViewport(target)
        painter.setWindow(target)
    if painter.isActive():
        painter.end()
    return True


def _copy_atomically(source: Path, target: Path) -> None:
    temp = target.with_name(f"~{target.stem}-{time.monotonic_ns()}.pdf.tmp")
    try:
        shutil.copyfile(source, temp)
        temp.replace(target)
    except BaseException:
        try:
            temp.unlink()
        except OSError:
            pass
        raise


def _copy_error_message(exc: OSError, target: Path) -> str:
    if isinstance(exc, PermissionError):
        return (f"无法写入文件“{target.name}”：它可能正在 PDF 阅读器中打开，或这个文件夹没有写入权限。"
                "请关闭该文件或换一个位置后再试。")
    return f"无法保存文件 {target}：{exc.strerror or exc}"


# --- building and previewing -----------------------------------------------------------------------


def preview_folder() -> Path:
    folder = config.data_dir() / PREVIEW_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _clear_old_previews(folder: Path) -> None:
    limit = time.time() - PREVIEW_KEEP_SECONDS
    for old in folder.glob("*.pdf"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            pass


def preview_path(title: str) -> Path:
    """A fresh temporary file name for a document being previewed."""
    folder = preview_folder()
    _clear_old_previews(folder)
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_") or "文档"
    return folder / f"{safe[:60]}-{dt.datetime.now():%Y%m%d-%H%M%S}-{time.monotonic_ns() % 100000}.pdf"


def make_pdf_and_preview(parent: QWidget | None, title: str, fn: Callable[..., Any], *args, **kwargs):
    """Run `fn(out_path, *args, progress=…, **kwargs)` on the worker pool with a progress dialog,
    then open the preview (non-modal) on the file it wrote. Errors appear as a Chinese message box
    (run_with_progress); returns the task."""
    out_path = preview_path(title)

    def open_preview(_result):
        if not out_path.is_file():
            QMessageBox.warning(parent, "没有完成", f"没有生成文件：{out_path}")
            return
        dialog = PdfPreviewDialog(out_path, parent, title=title, delete_file=True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if dialog.load_error is not None:
            QMessageBox.warning(parent, "无法预览", f"生成的 PDF 无法打开：{out_path}")
        _open_previews.append(dialog)  # a window without parent lives only while referenced
        dialog.finished.connect(lambda *_: _open_previews.remove(dialog) if dialog in _open_previews else None)
        dialog.show()

    return run_with_progress(parent, f"正在生成“{title}”…", fn, out_path, *args, done=open_preview, **kwargs)


_open_previews: list[PdfPreviewDialog] = []


def open_previews() -> list[PdfPreviewDialog]:
    """The preview windows opened by make_pdf_and_preview that are still open (newest last)."""
    return list(_open_previews)
