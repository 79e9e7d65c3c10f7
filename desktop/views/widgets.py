"""Small widgets shared by the pages: amounts in 万元/亿元, fields with an inline error line, lists."""

from __future__ import annotations

from decimal import Decimal

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QProxyStyle,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.money import WAN_PER_YI as _WAN_PER_YI
from desktop.services.money import AmountError, format_wan, format_yi, parse_amount

ERROR_STYLE = "color: #c62828;"
WARNING_STYLE = "color: #8a5a00; background: #fff4d6; padding: 4px; border-radius: 3px;"


class AmountEdit(QWidget):
    """An amount typed as 万元 or 亿元 ("1.5亿" works too); shows the value in both units."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("如 1.5亿")
        self.unit = QComboBox()
        self.unit.addItem("万元", "万")
        self.unit.addItem("亿元", "亿")
        self.echo = QLabel()
        self.echo.setStyleSheet("color: #555;")
        self.echo.setMinimumWidth(150)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.unit)
        layout.addWidget(self.echo)
        self.edit.textChanged.connect(self._changed)
        self.unit.currentIndexChanged.connect(self._changed)
        self.setFocusProxy(self.edit)

    def _changed(self, *_):
        try:
            value = self.value()
        except AmountError:
            self.echo.setText("")
        else:
            self.echo.setText("" if value is None else f"= {format_yi(value)} 亿元 / {format_wan(value)} 万元")
        self.changed.emit()

    def value(self) -> Decimal | None:
        """Decimal 万元, None when empty; raises AmountError for text that is not an amount."""
        return parse_amount(self.edit.text(), self.unit.currentData())

    def set_value(self, wan: Decimal | None) -> None:
        """Shown in 亿元 from 1 亿 up (as money is everywhere on screen), else in 万元; exactly either way."""
        if wan is not None and abs(wan) >= _WAN_PER_YI:
            yi = f"{(Decimal(wan) / _WAN_PER_YI).normalize():f}"
            if parse_amount(yi, "亿") == wan:
                self.unit.setCurrentIndex(1)
                self.edit.setText(yi)
                return
        self.unit.setCurrentIndex(0)
        self.edit.setText("" if wan is None else format_wan(wan).replace(",", ""))

    def raw_text(self) -> str:
        return f"{self.edit.text()}|{self.unit.currentData()}"


class FieldWithError(QWidget):
    """A field with a red message line under it (hidden while there is nothing to say)."""

    def __init__(self, field: QWidget, parent=None):
        super().__init__(parent)
        self.field = field
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(field)
        layout.addWidget(self.error)
        self.setFocusProxy(field)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


# ● is what Windows shows in a password box; the bundled CJK font has neither it nor •, only ・, so
# a PC whose fallback fonts lack ● would otherwise show a row of "missing glyph" boxes.
PASSWORD_MASKS = ("\u25cf", "\u2022", "\u30fb", "*")


def password_mask_for(font) -> str:
    """The first mask character that `font` (with Qt's fallback fonts) can draw."""
    metrics = QFontMetrics(font)
    for mask in PASSWORD_MASKS:
        if metrics.inFontUcs4(ord(mask)):
            return mask
    return PASSWORD_MASKS[-1]


class PasswordMaskStyle(QProxyStyle):
    """The platform's style, with a password mask character the field's font can draw."""

    def styleHint(self, hint, option=None, widget=None, return_data=None):
        if hint == QStyle.StyleHint.SH_LineEdit_PasswordCharacter:
            return ord(password_mask_for(widget.font() if widget is not None else QApplication.font()))
        return super().styleHint(hint, option, widget, return_data)


_password_style: PasswordMaskStyle | None = None


def password_edit(text: str = "") -> QLineEdit:
    """A QLineEdit that hides what is typed, with a mask character that never shows as a box."""
    global _password_style
    if _password_style is None or not shiboken6.isValid(_password_style):
        # One style for every password field, owned by the application so Qt deletes it with the app.
        _password_style = PasswordMaskStyle()
        _password_style.setParent(QApplication.instance())
    edit = QLineEdit(text)
    edit.setStyle(_password_style)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def list_beside_form(list_part: QWidget, form: QWidget, buttons: QWidget | QLayout | None = None, *,
                     form_min_width: int, shares: tuple[int, int] = (3, 2),
                     sizes: tuple[int, int] | None = None) -> QSplitter:
    """A list on the left and the chosen record's form on the right: the form scrolls, its buttons
    stay under it in sight (at 1920×1080 and 150 % a 保存 at the end of a long form was below the fold)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(form)
    right = QWidget()
    right.setMinimumWidth(form_min_width)
    right_layout = QVBoxLayout(right)
    right_layout.setContentsMargins(0, 0, 0, 0)
    right_layout.addWidget(scroll, 1)
    if isinstance(buttons, QLayout):
        right_layout.addLayout(buttons)
    elif buttons is not None:
        right_layout.addWidget(buttons)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(list_part)
    splitter.addWidget(right)
    splitter.setStretchFactor(0, shares[0])
    splitter.setStretchFactor(1, shares[1])
    if sizes is not None:
        splitter.setSizes(list(sizes))
    return splitter


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """The wanted size, shrunk to the screen's free area (1366×768 at 100%, 1920×1080 at 150%)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    free = screen.availableGeometry()
    # Leave room for the window frame and title bar.
    return QSize(min(width, free.width() - 16), min(height, free.height() - 48))


def list_table(columns, stretch: int | None = None, *, editable: bool = False) -> QTableWidget:
    """A read-only list: whole rows selected one at a time, columns sized to their contents, and
    column `stretch` taking the spare width."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    if not editable:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def table_cell(text, *, data=None, right: bool = False, editable: bool = False) -> QTableWidgetItem:
    """A cell, read-only unless `editable`; `data` rides along as the item's UserRole (an id)."""
    item = QTableWidgetItem("" if text is None else str(text))
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
