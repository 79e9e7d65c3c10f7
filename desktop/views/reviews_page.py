"""即时初审: the queue (days left, red when overdue), the review form, and the settings panel.

The page shows the queue on the left and the selected review on the right: every member unit's
opinion, the criteria scores, compliance, investment intensity against its threshold, the
materials checklist, the routing and the proposed result with 确认 and 打印告知书.
Everything is computed by desktop.services.reviews; this module only shows and collects values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError, ValidationError
from desktop.services import reviews, workdays
from desktop.services.money import format_yi
from desktop.services.reviews import ComplianceEntry, OpinionInput, ReviewDetail, ReviewSettings, RoutingLevel
from desktop.services.workdays import CalendarEntry

RED = QColor("#c62828")
GREEN_STYLE = "color: #2e7d32;"
RED_STYLE = "color: #c62828; font-weight: bold;"
MUTED_STYLE = "color: #555;"
RESULT_STYLES = {"通过": "#2e7d32", "不通过": "#c62828", "补充材料": "#8a5a00", "待定": "#555555"}
NOT_SCORED = -1.0  # the spin box's special value: 未评
QUEUE_COLUMNS = ["编号", "项目名称", "提交日期", "期限", "剩余", "评分", "建议结果", "状态"]


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(to_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _item(text: str, *, editable: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = item.flags()
    item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _show_error(parent, title: str, exc: UserError) -> None:
    message = "；".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc)
    QMessageBox.warning(parent, title, message)


# ---------------------------------------------------------------------------------------------
# The review form


class ReviewForm(QWidget):
    """One review: edit opinions, scores and materials; see the computed result; confirm; print."""

    changed = Signal()  # saved or confirmed: the queue refreshes
    open_project = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.detail: ReviewDetail | None = None
        self.dirty = False
        self._loading = False

        self.title = QLabel("请在左边选择一项初审，或点“新建初审”。")
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet(MUTED_STYLE)
        self.due_label = QLabel()
        self.open_project_button = QPushButton("打开项目")

        self.opinions = _table(["成员单位", "意见", "说明", "日期"])
        header = self.opinions.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(1, 110)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.resizeSection(3, 110)
        self.opinions.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.opinions.itemChanged.connect(lambda _item: self._mark_dirty())

        self.scores_box = QGroupBox("评分（每项 0–100 分，按权重折算为百分制）")
        self.scores_layout = QGridLayout(self.scores_box)
        self.score_edits: dict[str, QDoubleSpinBox] = {}
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-weight: bold;")

        self.compliance_label = QLabel()
        self.compliance_label.setWordWrap(True)
        self.intensity_label = QLabel()
        self.intensity_label.setWordWrap(True)
        self.routing_label = QLabel()
        self.routing_label.setWordWrap(True)

        self.materials_box = QGroupBox("材料清单（勾选 = 已提交）")
        self.materials_layout = QGridLayout(self.materials_box)
        self.material_checks: dict[str, QCheckBox] = {}

        self.result_label = QLabel()
        self.result_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.dirty_label = QLabel()
        self.dirty_label.setStyleSheet("color: #8a5a00;")
        self.save_button = QPushButton("保存")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.confirm_button = QPushButton("确认结果")
        self.notice_button = QPushButton("打印告知书…")

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.open_project_button)
        opinions_box = QGroupBox("成员单位意见（三日内反馈）")
        QVBoxLayout(opinions_box).addWidget(self.opinions)
        checks_box = QGroupBox("合规性与投资强度")
        checks = QFormLayout(checks_box)
        checks.addRow("合规性审查：", self.compliance_label)
        checks.addRow("投资强度：", self.intensity_label)
        checks.addRow("报送层级：", self.routing_label)
        result_box = QGroupBox("建议结果（由招商中心确认）")
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.result_label)
        result_layout.addWidget(self.reasons_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dirty_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.notice_button)
        result_layout.addLayout(buttons)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.addLayout(head)
        body.addWidget(self.facts)
        body.addWidget(self.due_label)
        body.addWidget(opinions_box)
        body.addWidget(self.scores_box)
        body.addWidget(checks_box)
        body.addWidget(self.materials_box)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(result_box)  # outside the scroll area: the result and 确认 stay in view

        self.save_button.clicked.connect(self.save)
        self.confirm_button.clicked.connect(lambda: self.confirm())
        self.notice_button.clicked.connect(lambda: self.print_notice())
        self.open_project_button.clicked.connect(
            lambda: self.detail is not None and self.open_project.emit(self.detail.project_id))
        self.show_review(None)

    # -- filling --------------------------------------------------------------------------------

    def show_review(self, review_id: int | None) -> None:
        self.detail = reviews.review_detail(review_id) if review_id is not None else None
        self._fill()

    def _fill(self) -> None:
        detail = self.detail
        self._loading = True
        try:
            has = detail is not None
            for widget in (self.open_project_button, self.save_button, self.confirm_button, self.notice_button):
                widget.setEnabled(has)
            self.facts.setVisible(has)
            for box in (self.opinions.parentWidget(), self.scores_box, self.materials_box,
                        self.result_label.parentWidget(), self.compliance_label.parentWidget()):
                box.setVisible(has)
            if not has:
                self.title.setText("请在左边选择一项初审，或点“新建初审”。")
                self.due_label.setText("")
                return
            self.title.setText(f"{detail.project_name}（{detail.project_code}）")
            land = f"{detail.land_area} 亩" if detail.land_area is not None else "未填"
            self.facts.setText(
                f"投资方：{detail.investor or '未填'}　产业：{detail.industry or '未填'}　"
                f"总投资：{format_yi(detail.total_investment, unit=True) or '未填'}　"
                f"固定资产投资：{format_yi(detail.fixed_asset_investment, unit=True) or '未填'}　用地：{land}\n"
                f"建设内容：{detail.content or '未填'}"
            )
            mode = workdays.MODES.get(detail.deadline_mode, "")
            due_text = f"提交初审：{detail.submitted_on.isoformat()}　意见期限：{detail.deadline.isoformat()}（{mode}）　状态：{detail.status}"
            if detail.supply_deadline:
                due_text += f"　补交材料期限：{detail.supply_deadline.isoformat()}"
            if detail.days_left is not None:
                due_text += f"　{workdays.describe_days_left(detail.days_left)}"
            self.due_label.setText(due_text)
            self.due_label.setStyleSheet(RED_STYLE if detail.overdue else "")
            self._fill_opinions(detail)
            self._fill_scores(detail)
            self._fill_checks(detail)
            self._fill_materials(detail)
            self._fill_result(detail)
            editable = detail.editable
            self.opinions.setEnabled(editable)
            for edit in self.score_edits.values():
                edit.setEnabled(editable)
            for check in self.material_checks.values():
                check.setEnabled(editable)
            self.save_button.setEnabled(editable)
            self.confirm_button.setEnabled(editable)
            self.notice_button.setEnabled(bool(detail.missing))
        finally:
            self._loading = False
        self._set_dirty(False)

    def _fill_opinions(self, detail: ReviewDetail) -> None:
        self.opinions.setRowCount(len(detail.opinions))
        default_day = max(detail.submitted_on, min(reviews.today_for_queue(), dt.date.today()))
        for row, opinion in enumerate(detail.opinions):
            unit = _item(opinion.unit_name)
            unit.setData(Qt.ItemDataRole.UserRole, opinion.unit_id)
            self.opinions.setItem(row, 0, unit)
            combo = QComboBox()
            combo.addItem("（未反馈）", "")
            for choice in reviews.OPINIONS:
                combo.addItem(choice, choice)
            combo.setCurrentIndex(max(0, combo.findData(opinion.opinion)))
            combo.currentIndexChanged.connect(lambda _i: self._mark_dirty())
            self.opinions.setCellWidget(row, 1, combo)
            self.opinions.setItem(row, 2, _item(opinion.text, editable=True))
            date_edit = _date_edit(opinion.given_on or default_day)
            date_edit.setEnabled(bool(opinion.opinion))
            date_edit.dateChanged.connect(lambda _d: self._mark_dirty())
            combo.currentIndexChanged.connect(lambda _i, c=combo, d=date_edit: d.setEnabled(bool(c.currentData())))
            self.opinions.setCellWidget(row, 3, date_edit)
        height = self.opinions.horizontalHeader().height() + 26 * len(detail.opinions) + 4
        self.opinions.setFixedHeight(height)

    def _fill_scores(self, detail: ReviewDetail) -> None:
        while self.scores_layout.count():
            widget = self.scores_layout.takeAt(0).widget()
            if widget is not None and widget is not self.total_label:
                widget.deleteLater()
        self.score_edits = {}
        for index, row in enumerate(detail.scores):
            edit = QDoubleSpinBox()
            edit.setRange(NOT_SCORED, 100)
            edit.setDecimals(1)
            edit.setSpecialValueText("未评")
            edit.setValue(float(row.score) if row.score is not None else NOT_SCORED)
            edit.valueChanged.connect(lambda _v: self._mark_dirty())
            self.score_edits[row.criterion] = edit
            r, c = divmod(index, 3)
            self.scores_layout.addWidget(QLabel(f"{row.criterion}（权重 {row.weight.normalize():f}）"), r, 2 * c)
            self.scores_layout.addWidget(edit, r, 2 * c + 1)
        last = (len(detail.scores) + 2) // 3
        self.scores_layout.addWidget(self.total_label, last, 0, 1, 6)
        score = "未完成" if detail.score is None else f"{detail.score:.2f} 分"
        self.total_label.setText(f"合计：{score}（及格分 {detail.pass_mark.normalize():f} 分）")

    def _fill_checks(self, detail: ReviewDetail) -> None:
        if detail.compliance:
            self.compliance_label.setText("否决：" + "；".join(hit.describe() for hit in detail.compliance))
            self.compliance_label.setStyleSheet(RED_STYLE)
        else:
            self.compliance_label.setText("未命中淘汰类、限制类和市场准入负面清单")
            self.compliance_label.setStyleSheet(GREEN_STYLE)
        check = detail.intensity
        self.intensity_label.setText(check.describe())
        self.intensity_label.setStyleSheet(RED_STYLE if check.meets is False else "")
        land = f"用地 {detail.land_area} 亩" if detail.land_area is not None else "用地面积未填"
        self.routing_label.setText(f"{' → '.join(detail.routing)}（{land}）")

    def _fill_materials(self, detail: ReviewDetail) -> None:
        while self.materials_layout.count():
            widget = self.materials_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.material_checks = {}
        for index, material in enumerate(detail.materials):
            check = QCheckBox()
            check.setChecked(material.submitted)
            self._label_material(check, material.name)
            check.toggled.connect(lambda _on, c=check, n=material.name: (self._label_material(c, n), self._mark_dirty()))
            self.material_checks[material.name] = check
            r, c = divmod(index, 2)
            self.materials_layout.addWidget(check, r, c)

    @staticmethod
    def _label_material(check: QCheckBox, name: str) -> None:
        check.setText(f"{name}　{'已提交' if check.isChecked() else '缺'}")
        check.setStyleSheet("" if check.isChecked() else "color: #c62828;")

    def _fill_result(self, detail: ReviewDetail) -> None:
        lines = list(detail.proposal.reasons)
        if detail.status == reviews.DONE:
            result, text = detail.result, f"已确认：{detail.result}"
            if detail.confirmed_on:
                lines.append(f"确认日期：{detail.confirmed_on.isoformat()}")
        else:
            result, text = detail.proposal.result, f"建议：{detail.proposal.result}"
            if detail.status == reviews.AWAITING_MATERIALS and detail.confirmed_on:
                lines.append(f"已于 {detail.confirmed_on.isoformat()} 确认补充材料并发出一次性告知书，"
                             f"补交期限 {detail.supply_deadline.isoformat() if detail.supply_deadline else '未定'}；"
                             "材料补齐后再次确认。")
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"font-size: 14pt; font-weight: bold; color: {RESULT_STYLES.get(result, '#333')};")
        self.reasons_label.setText("\n".join(lines))

    # -- editing --------------------------------------------------------------------------------

    def _mark_dirty(self) -> None:
        if not self._loading:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.dirty_label.setText("有未保存的修改（建议结果在保存后更新）" if dirty else "")

    def form_values(self) -> dict:
        opinions = []
        for row in range(self.opinions.rowCount()):
            unit_id = self.opinions.item(row, 0).data(Qt.ItemDataRole.UserRole)
            opinion = self.opinions.cellWidget(row, 1).currentData()
            text = self.opinions.item(row, 2).text() if self.opinions.item(row, 2) else ""
            day = from_qdate(self.opinions.cellWidget(row, 3).date())
            opinions.append(OpinionInput(unit_id, opinion, text, day if opinion else None))
        scores = {name: (None if edit.value() <= NOT_SCORED else Decimal(str(round(edit.value(), 1))))
                  for name, edit in self.score_edits.items()}
        materials = {name: check.isChecked() for name, check in self.material_checks.items()}
        return {"opinions": opinions, "scores": scores, "materials": materials}

    def save(self) -> bool:
        if self.detail is None:
            return False
        try:
            reviews.save_form(self.detail.id, **self.form_values())
        except UserError as exc:
            _show_error(self, "无法保存", exc)
            return False
        self.show_review(self.detail.id)
        self.changed.emit()
        return True

    def confirm(self, *, ask: bool = True) -> str | None:
        if self.detail is None or (self.dirty and not self.save()):
            return None
        proposal = self.detail.proposal
        if not proposal.decided:
            QMessageBox.information(self, "还不能确认", "；".join(proposal.reasons))
            return None
        if ask:
            answer = QMessageBox.question(
                self, "确认初审结果",
                f"确认“{self.detail.project_name}”的初审结果为“{proposal.result}”？\n" + "\n".join(proposal.reasons),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        confirmed_on = max(self.detail.submitted_on, min(reviews.today_for_queue(), dt.date.today()))
        try:
            result = reviews.confirm_review(self.detail.id, confirmed_on)
        except UserError as exc:
            _show_error(self, "无法确认", exc)
            return None
        self.show_review(self.detail.id)
        self.changed.emit()
        return result

    def print_notice(self, out_path: str | None = None) -> None:
        """Build the 一次性告知书 and preview it (or write it to `out_path` without a preview)."""
        if self.detail is None:
            return
        if self.dirty and not self.save():
            return
        from desktop.services.review_notice import build_notice

        review_id = self.detail.id
        if out_path is not None:
            try:
                build_notice(out_path, review_id)
            except UserError as exc:
                _show_error(self, "无法生成告知书", exc)
            return
        try:
            from desktop.views.pdf_preview import make_pdf_and_preview
        except ImportError:
            self._notice_without_preview(review_id)
            return
        make_pdf_and_preview(self, f"一次性告知书 — {self.detail.project_name}", build_notice, review_id)

    def _notice_without_preview(self, review_id: int) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, "保存一次性告知书", f"一次性告知书-{self.detail.project_name}.pdf", "PDF 文件 (*.pdf)")
        if path:
            self.print_notice(path)


# ---------------------------------------------------------------------------------------------
# 新建初审


class NewReviewDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("新建初审")
        self.project_combo = QComboBox()
        self.project_combo.setEditable(True)
        self.project_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.project_combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.project_combo.completer().setCompletionMode(self.project_combo.completer().CompletionMode.PopupCompletion)
        for choice in reviews.review_candidates():
            label = f"{choice.code}　{choice.name}" + (f"（{choice.investor}）" if choice.investor else "")
            self.project_combo.addItem(label, choice.id)
        self.project_combo.setMinimumWidth(460)
        self.date_edit = _date_edit(reviews.today_for_queue())
        self.hint = QLabel("只列出尚未签订正式协议、未终止、没有进行中初审的项目。提交后记录流程第 5 步“提交初审”。")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(MUTED_STYLE)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("项目 *", self.project_combo)
        form.addRow("提交日期", self.date_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("提交初审")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.review_id: int | None = None

    def accept(self) -> None:
        project_id = self.project_combo.currentData()
        if project_id is None or self.project_combo.findText(self.project_combo.currentText()) < 0:
            self.error.setText("请从列表中选择一个项目")
            return
        try:
            self.review_id = reviews.open_review(project_id, from_qdate(self.date_edit.date()))
        except UserError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


# ---------------------------------------------------------------------------------------------
# The page


class ReviewsPage(QWidget):
    title = "即时初审"
    open_project = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[reviews.ReviewRow] = []
        self.view_combo = QComboBox()
        for key, label in reviews.QUEUE_VIEWS.items():
            self.view_combo.addItem(label, key)
        self.view_combo.setCurrentIndex(self.view_combo.findData("pending"))
        self.count_label = QLabel()
        self.count_label.setStyleSheet(MUTED_STYLE)
        self.queue = _table(QUEUE_COLUMNS)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.setWordWrap(False)
        header = self.queue.horizontalHeader()
        header.setStretchLastSection(False)
        # Sized to their contents (fixed widths cut "2022-08-25" to "2022-08-..."); the name takes the rest.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.form = ReviewForm()

        self.new_action = QAction("新建初审", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.open_action = QAction("打开", self)
        self.export_action = QAction("导出", self)
        self.notice_action = QAction("打印告知书", self)
        self.delete_action = QAction("删除初审", self)
        self.actions_for_toolbar = [self.new_action, self.open_action, self.export_action, self.notice_action,
                                    self.delete_action]

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("显示："))
        bar.addWidget(self.view_combo)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.queue)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        splitter.setSizes([620, 740])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.view_combo.currentIndexChanged.connect(lambda _i: self.load())
        self.queue.itemSelectionChanged.connect(self._selection_changed)
        self.queue.doubleClicked.connect(lambda _i: self.open_selected())
        self.new_action.triggered.connect(lambda: self.new_review())
        self.open_action.triggered.connect(lambda: self.open_selected())
        self.export_action.triggered.connect(lambda: self.export())
        self.notice_action.triggered.connect(lambda: self.form.print_notice())
        self.delete_action.triggered.connect(lambda: self.delete_selected())
        self.form.changed.connect(self._refresh_keep_selection)
        self.form.open_project.connect(self.open_project)

    # -- the queue ------------------------------------------------------------------------------

    def load(self) -> None:
        self._fill_queue(self.form.detail.id if self.form.detail else None)

    def _refresh_keep_selection(self) -> None:
        self._fill_queue(self.form.detail.id if self.form.detail else None, reload_form=False)

    def _fill_queue(self, select_id: int | None, *, reload_form: bool = True) -> None:
        self.rows = reviews.list_reviews(self.view_combo.currentData())
        self.queue.blockSignals(True)
        self.queue.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = [str(row.id), row.project_name, row.submitted_on.isoformat(), row.due.isoformat(),
                     row.days_left_text, "" if row.score is None else f"{row.score:.1f}", row.proposed, row.status]
            for c, text in enumerate(cells):
                item = _item(text)
                if c in (0, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row.overdue and c in (3, 4):
                    item.setForeground(RED)
                if c == 6 and row.proposed in RESULT_STYLES:
                    item.setForeground(QColor(RESULT_STYLES[row.proposed]))
                if c == 1:
                    item.setToolTip(f"{row.project_code} {row.project_name}")
                self.queue.setItem(r, c, item)
        self.queue.blockSignals(False)
        overdue = sum(1 for row in self.rows if row.overdue)
        self.count_label.setText(f"共 {len(self.rows)} 项" + (f"，超期 {overdue} 项" if overdue else ""))
        ids = [row.id for row in self.rows]
        if select_id in ids:
            self.queue.blockSignals(True)
            self.queue.selectRow(ids.index(select_id))
            self.queue.blockSignals(False)
            if reload_form:
                self.form.show_review(select_id)
        elif reload_form:
            self.form.show_review(None)

    def selected_id(self) -> int | None:
        rows = self.queue.selectionModel().selectedRows()
        return self.rows[rows[0].row()].id if rows else None

    def _selection_changed(self) -> None:
        review_id = self.selected_id()
        if review_id is None or (self.form.detail and self.form.detail.id == review_id):
            return
        if self.form.dirty:
            answer = QMessageBox.question(
                self, "未保存的修改", "当前初审有未保存的修改，要保存吗？",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                self._fill_queue(self.form.detail.id, reload_form=False)
                return
            if answer == QMessageBox.StandardButton.Save and not self.form.save():
                return
        self.form.show_review(review_id)

    def open_selected(self) -> None:
        review_id = self.selected_id()
        if review_id is None:
            QMessageBox.information(self, "打开", "请先在列表中选中一项初审。")
            return
        if not self.form.detail or self.form.detail.id != review_id:
            self.form.show_review(review_id)
        self.form.setFocus()

    def select_review(self, review_id: int) -> None:
        if review_id not in [row.id for row in self.rows]:
            self.view_combo.setCurrentIndex(self.view_combo.findData("all"))
        self._fill_queue(review_id)

    # -- actions --------------------------------------------------------------------------------

    def new_review(self) -> int | None:
        dialog = NewReviewDialog(self)
        if dialog.project_combo.count() == 0:
            QMessageBox.information(self, "新建初审", "没有可以提交初审的项目（未签约、未终止、没有进行中的初审）。")
            return None
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.select_review(dialog.review_id)
        return dialog.review_id

    def delete_selected(self) -> bool:
        """Delete the selected review after asking (only an unconfirmed one: the service refuses others)."""
        review_id = self.selected_id()
        if review_id is None:
            QMessageBox.information(self, "删除初审", "请先在列表中选中一项初审。")
            return False
        row = next(r for r in self.rows if r.id == review_id)
        answer = QMessageBox.question(
            self, "删除初审",
            f"删除“{row.project_name}”的这次初审（含各单位意见、评分和材料清单）？\n"
            "由这次初审记录的流程第 5 步“提交初审”也会撤销。此操作不能恢复。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            reviews.delete_review(review_id)
        except UserError as exc:
            _show_error(self, "无法删除", exc)
            return False
        self.form.show_review(None)
        self._fill_queue(None)
        return True

    def export(self, path: str | None = None) -> None:
        if path is None:
            from desktop.views.table_export import choose_save_path

            path = choose_save_path(self, "导出初审队列", "即时初审.xlsx")
            if not path:
                return
        try:
            reviews.export_reviews(path, self.rows)
        except UserError as exc:
            _show_error(self, "无法导出", exc)


# ---------------------------------------------------------------------------------------------
# Settings


class _ListEditor(QWidget):
    """An editable list of names with 添加 / 删除 / 上移 / 下移."""

    def __init__(self, hint: str, parent=None):
        super().__init__(parent)
        self.list = QListWidget()
        self.add_button = QPushButton("添加")
        self.remove_button = QPushButton("删除")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        buttons = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        label = QLabel(hint)
        label.setWordWrap(True)
        label.setStyleSheet(MUTED_STYLE)
        layout.addWidget(label)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))

    def set_values(self, values: list[str]) -> None:
        self.list.clear()
        for value in values:
            self._append(value)

    def _append(self, value: str) -> QListWidgetItem:
        item = QListWidgetItem(value, self.list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def values(self) -> list[str]:
        return [self.list.item(i).text().strip() for i in range(self.list.count()) if self.list.item(i).text().strip()]

    def add(self) -> None:
        item = self._append("")
        self.list.setCurrentItem(item)
        self.list.editItem(item)

    def remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)


class _TableEditor(QWidget):
    """An editable table with 添加 / 删除."""

    def __init__(self, headers: list[str], hint: str = "", parent=None):
        super().__init__(parent)
        self.table = _table(headers)
        self.add_button = QPushButton("添加一行")
        self.remove_button = QPushButton("删除所选行")
        layout = QVBoxLayout(self)
        if hint:
            label = QLabel(hint)
            label.setWordWrap(True)
            label.setStyleSheet(MUTED_STYLE)
            layout.addWidget(label)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_row)

    def add_row(self, values: list[str] | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column in range(self.table.columnCount()):
            text = values[column] if values and column < len(values) else ""
            self.table.setItem(row, column, _item(text, editable=True))
        return row

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def text(self, row: int, column: int) -> str:
        widget = self.table.cellWidget(row, column)
        if isinstance(widget, QComboBox):
            return widget.currentText()
        item = self.table.item(row, column)
        return item.text().strip() if item else ""

    def clear(self) -> None:
        self.table.setRowCount(0)


class ReviewSettingsPanel(QWidget):
    """即时初审 settings: member units, weights and pass mark, intensity thresholds, the compliance
    list, the materials list, routing, deadlines and contact, and the holiday calendar."""

    title = "即时初审"
    saved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tabs = QTabWidget()

        self.units_editor = _ListEditor("对每个项目出具意见的成员单位（如“发改局”，对应单位列表中的“县发改局”；没有的单位保存时自动新建）。")
        self.weights_editor = _TableEditor(["评分项目", "权重"], "每项按 0–100 分评分，合计按权重折算为百分制。")
        self.pass_mark = QSpinBox()
        self.pass_mark.setRange(0, 100)
        weights_tab = QWidget()
        weights_layout = QVBoxLayout(weights_tab)
        weights_layout.addWidget(self.weights_editor)
        pass_row = QHBoxLayout()
        pass_row.addWidget(QLabel("及格分（达到即可通过）："))
        pass_row.addWidget(self.pass_mark)
        pass_row.addStretch(1)
        weights_layout.addLayout(pass_row)

        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0, 100000)
        self.threshold.setDecimals(0)
        self.threshold.setSuffix(" 万元/亩")
        self.intensity_table = _table(["产业", "门槛（万元/亩，空 = 默认）", "非工业用地（不适用门槛）"])
        self.intensity_table.horizontalHeader().resizeSection(0, 140)
        self.intensity_table.horizontalHeader().resizeSection(1, 200)
        intensity_tab = QWidget()
        intensity_layout = QVBoxLayout(intensity_tab)
        row = QHBoxLayout()
        row.addWidget(QLabel("投资强度（固定资产投资/用地亩数）默认门槛："))
        row.addWidget(self.threshold)
        row.addStretch(1)
        intensity_layout.addLayout(row)
        intensity_layout.addWidget(self.intensity_table)

        self.compliance_editor = _TableEditor(
            ["类别", "关键词", "依据"],
            "项目名称、产业、产业链环节或建设内容中出现关键词即一票否决（产业结构调整指导目录 淘汰类/限制类、市场准入负面清单）。")
        self.compliance_editor.table.horizontalHeader().resizeSection(0, 90)
        self.compliance_editor.table.horizontalHeader().resizeSection(1, 150)
        self.compliance_editor.add_button.clicked.disconnect()
        self.compliance_editor.add_button.clicked.connect(lambda: self._add_compliance(ComplianceEntry("限制类", "", "")))
        self.materials_editor = _ListEditor("初审需要客商提交的材料；缺少的材料写入一次性告知书。")

        self.base_body = QLineEdit()
        self.routing_editor = _TableEditor(["用地超过（亩）", "还须报"], "所有项目报领导小组；用地超过下列亩数的，还须报相应会议。")
        routing_tab = QWidget()
        routing_layout = QVBoxLayout(routing_tab)
        row = QHBoxLayout()
        row.addWidget(QLabel("首先报："))
        row.addWidget(self.base_body)
        routing_layout.addLayout(row)
        routing_layout.addWidget(self.routing_editor)

        self.deadline_days = QSpinBox()
        self.deadline_days.setRange(0, 365)
        self.deadline_mode = QComboBox()
        self.supply_days = QSpinBox()
        self.supply_days.setRange(0, 365)
        self.supply_mode = QComboBox()
        for combo in (self.deadline_mode, self.supply_mode):
            for key, label in workdays.MODES.items():
                combo.addItem(label, key)
        self.contact_person = QLineEdit()
        self.contact_phone = QLineEdit()
        deadline_tab = QWidget()
        form = QFormLayout(deadline_tab)
        pair = QHBoxLayout()
        pair.addWidget(self.deadline_days)
        pair.addWidget(self.deadline_mode)
        pair.addStretch(1)
        form.addRow("成员单位反馈意见期限：", pair)
        pair = QHBoxLayout()
        pair.addWidget(self.supply_days)
        pair.addWidget(self.supply_mode)
        pair.addStretch(1)
        form.addRow("补交材料期限（告知书）：", pair)
        form.addRow("告知书联系人：", self.contact_person)
        form.addRow("联系电话：", self.contact_phone)
        note = QLabel("提交当天不计；按工作日计算时跳过周末和法定节假日，调休上班的周六、周日计为工作日。")
        note.setWordWrap(True)
        note.setStyleSheet(MUTED_STYLE)
        form.addRow(note)

        self.year_combo = QComboBox()
        self.calendar_editor = _TableEditor(["日期", "类别", "名称"], "只列与“周一至周五上班、周六周日休息”不同的日子：休 = 法定节假日，班 = 调休上班。")
        self.calendar_editor.add_button.clicked.disconnect()
        self.calendar_editor.add_button.clicked.connect(lambda: self._add_calendar_day(None))
        self.restore_year_button = QPushButton("恢复该年官方安排")
        calendar_tab = QWidget()
        calendar_layout = QVBoxLayout(calendar_tab)
        row = QHBoxLayout()
        row.addWidget(QLabel("年份："))
        row.addWidget(self.year_combo)
        row.addStretch(1)
        row.addWidget(self.restore_year_button)
        calendar_layout.addLayout(row)
        calendar_layout.addWidget(self.calendar_editor)

        for widget, label in ((self.units_editor, "成员单位"), (weights_tab, "评分"), (intensity_tab, "投资强度"),
                              (self.compliance_editor, "合规清单"), (self.materials_editor, "材料清单"),
                              (routing_tab, "报送层级"), (deadline_tab, "期限与联系人"), (calendar_tab, "节假日")):
            self.tabs.addTab(widget, label)

        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.save_button = QPushButton("保存初审设置")
        self.reset_button = QPushButton("放弃修改")
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(lambda: self.save())
        self.reset_button.clicked.connect(self.load)
        self.year_combo.currentIndexChanged.connect(lambda _i: self._show_year())
        self.restore_year_button.clicked.connect(self.restore_year)
        self._shown_year: int | None = None
        self._edited_years: dict[int, list[CalendarEntry]] = {}

    # -- filling --------------------------------------------------------------------------------

    def load(self) -> None:
        from desktop.services.reference import industries

        settings = reviews.load_settings()
        self.error.setText("")
        self.units_editor.set_values(settings.member_units)
        self.weights_editor.clear()
        for name, weight in settings.weights:
            self.weights_editor.add_row([name, f"{weight.normalize():f}"])
        self.pass_mark.setValue(int(settings.pass_mark))
        self.threshold.setValue(float(settings.intensity_threshold))
        names = list(dict.fromkeys([*industries(), *settings.intensity_overrides, *settings.intensity_exempt]))
        self.intensity_table.setRowCount(len(names))
        for row, name in enumerate(names):
            self.intensity_table.setItem(row, 0, _item(name))
            override = settings.intensity_overrides.get(name)
            self.intensity_table.setItem(row, 1, _item("" if override is None else f"{override.normalize():f}", editable=True))
            check = QTableWidgetItem("不适用")
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked if name in settings.intensity_exempt else Qt.CheckState.Unchecked)
            self.intensity_table.setItem(row, 2, check)
        self.compliance_editor.clear()
        for entry in settings.compliance:
            self._add_compliance(entry)
        self.materials_editor.set_values(settings.materials)
        self.base_body.setText(settings.base_body)
        self.routing_editor.clear()
        for level in settings.routing:
            self.routing_editor.add_row([f"{level.above_mu.normalize():f}", level.body])
        self.deadline_days.setValue(settings.deadline_days)
        self.deadline_mode.setCurrentIndex(self.deadline_mode.findData(settings.deadline_mode))
        self.supply_days.setValue(settings.supply_days)
        self.supply_mode.setCurrentIndex(self.supply_mode.findData(settings.supply_mode))
        self.contact_person.setText(settings.contact_person)
        self.contact_phone.setText(settings.contact_phone)
        self._shown_year = None
        self._edited_years = {}
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        years = sorted(set(workdays.calendar_years()) | {dt.date.today().year})
        for year in years:
            self.year_combo.addItem(f"{year} 年", year)
        self.year_combo.setCurrentIndex(self.year_combo.findData(dt.date.today().year))
        self.year_combo.blockSignals(False)
        self._show_year()

    def _add_compliance(self, entry: ComplianceEntry) -> None:
        row = self.compliance_editor.add_row(["", entry.keyword, entry.source])
        combo = QComboBox()
        combo.addItems(list(reviews.COMPLIANCE_KINDS))
        combo.setCurrentText(entry.kind)
        self.compliance_editor.table.setCellWidget(row, 0, combo)

    def _add_calendar_day(self, entry: CalendarEntry | None) -> None:
        year = self.year_combo.currentData() or dt.date.today().year
        day = entry.day if entry else dt.date(year, 1, 1)
        row = self.calendar_editor.add_row([day.isoformat(), "", entry.name if entry else ""])
        combo = QComboBox()
        combo.addItems([workdays.REST, workdays.WORK])
        combo.setCurrentText(entry.kind if entry else workdays.REST)
        self.calendar_editor.table.setCellWidget(row, 1, combo)

    def _show_year(self) -> None:
        # Edits of the year shown before are kept until 保存 (or 放弃修改).
        if self._shown_year is not None and self._shown_year != self.year_combo.currentData():
            try:
                self._edited_years[self._shown_year] = self.calendar_entries()
            except ValidationError as exc:
                self.error.setText("；".join(exc.errors.values()))
        self._shown_year = self.year_combo.currentData()
        if self._shown_year in self._edited_years:
            self.calendar_editor.clear()
            for entry in self._edited_years.pop(self._shown_year):
                self._add_calendar_day(entry)
            return
        self.calendar_editor.clear()
        if self._shown_year is None:
            return
        for entry in workdays.year_entries(self._shown_year):
            self._add_calendar_day(entry)

    # -- collecting -----------------------------------------------------------------------------

    def collect(self) -> ReviewSettings:
        """The settings as edited (raises UserError for text that is not a number)."""
        weights = []
        table = self.weights_editor
        for row in range(table.table.rowCount()):
            name, weight = table.text(row, 0), table.text(row, 1)
            if name or weight:
                weights.append((name, reviews.parse_number(weight or "0", f"“{name}”的权重")))
        overrides, exempt = {}, []
        for row in range(self.intensity_table.rowCount()):
            name = self.intensity_table.item(row, 0).text()
            value = self.intensity_table.item(row, 1).text().strip()
            if value:
                overrides[name] = reviews.parse_number(value, f"“{name}”的投资强度门槛")
            if self.intensity_table.item(row, 2).checkState() == Qt.CheckState.Checked:
                exempt.append(name)
        compliance = [
            ComplianceEntry(self.compliance_editor.text(r, 0), self.compliance_editor.text(r, 1), self.compliance_editor.text(r, 2))
            for r in range(self.compliance_editor.table.rowCount())
            if self.compliance_editor.text(r, 1) or self.compliance_editor.text(r, 2)
        ]
        routing = []
        for row in range(self.routing_editor.table.rowCount()):
            above, body = self.routing_editor.text(row, 0), self.routing_editor.text(row, 1)
            if above or body:
                routing.append(RoutingLevel(reviews.parse_number(above or "0", "报送层级的亩数"), body))
        return ReviewSettings(
            member_units=self.units_editor.values(), weights=weights, pass_mark=Decimal(self.pass_mark.value()),
            intensity_threshold=Decimal(str(int(self.threshold.value()))), intensity_overrides=overrides,
            intensity_exempt=exempt, compliance=compliance, materials=self.materials_editor.values(),
            base_body=self.base_body.text().strip(), routing=routing,
            deadline_days=self.deadline_days.value(), deadline_mode=self.deadline_mode.currentData(),
            supply_days=self.supply_days.value(), supply_mode=self.supply_mode.currentData(),
            contact_person=self.contact_person.text(), contact_phone=self.contact_phone.text(),
        )

    def calendar_entries(self) -> list[CalendarEntry]:
        entries = []
        table = self.calendar_editor
        for row in range(table.table.rowCount()):
            text = table.text(row, 0)
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise ValidationError({"calendar": f"第 {row + 1} 行的日期“{text}”无效，应为 2022-10-08 的格式"}) from None
            entries.append(CalendarEntry(day, table.text(row, 1) == workdays.WORK, table.text(row, 2)))
        return entries

    def save(self) -> bool:
        try:
            settings = self.collect()
            years = dict(self._edited_years)
            if self._shown_year is not None:
                years[self._shown_year] = self.calendar_entries()
            reviews.save_settings(settings)
            for year, entries in years.items():
                workdays.save_year(year, entries)
            self._edited_years = {}
        except UserError as exc:
            self.error.setText("；".join(exc.errors.values()) if isinstance(exc, ValidationError) else str(exc))
            return False
        self.error.setText("")
        self.saved.emit()
        return True

    def restore_year(self) -> None:
        year = self._shown_year
        if year is None:
            return
        answer = QMessageBox.question(
            self, "恢复官方安排", f"用随程序提供的国务院办公厅通知恢复 {year} 年的节假日安排？该年的修改将丢失。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            workdays.restore_official_year(year)
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self._show_year()
