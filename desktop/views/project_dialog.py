"""The project form: create or edit a project, validated as you type; its lifecycle and status history."""

from __future__ import annotations

import datetime as dt


from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UserError, ValidationError
from desktop.services import projects, reference
from desktop.services.dates import format_date
from desktop.services.money import AmountError, format_wan, intensity, parse_area
from desktop.services.projects import MONEY_FIELDS, STATUSES
from desktop.views.lifecycle_panel import LifecyclePanel, from_qdate, to_qdate
from desktop.views.widgets import WARNING_STYLE, AmountEdit, FieldWithError, fit_to_screen

SIGNING_CHOICES = (("（未定）", ""), ("现场签约", "现场签约"), ("云签约", "云签约"))


class ProjectDialog(QDialog):
    """Emits `saved(project_id)` after every successful save and every lifecycle change."""

    saved = Signal(int)

    def __init__(self, project_id: int | None = None, parent=None):
        super().__init__(parent)
        self.project_id = project_id
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._touched: set[str] = set()
        self._show_all_errors = False
        self._snapshot: dict = {}
        self._loaded_status = "正常"

        self._build_fields()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_form_page(), "基本信息")
        self.lifecycle_panel: LifecyclePanel | None = None
        self.history_table = QTableWidget(0, 3)
        self.history_table.setHorizontalHeaderLabels(["日期", "状态", "原因"])
        self.history_table.horizontalHeader().setStretchLastSection(True)
        self.history_table.verticalHeader().hide()
        self.lifecycle_tab = QWidget()
        QVBoxLayout(self.lifecycle_tab).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.lifecycle_tab, "生命周期（23 步）")
        self.tabs.addTab(self.history_table, "状态历史")
        # 到位资金 and 累计完成投资 are dated monthly entries; the form shows their running totals.
        self.funds_tab = QWidget()
        QVBoxLayout(self.funds_tab).setContentsMargins(0, 0, 0, 0)
        self.funds_panel = None
        self.tabs.addTab(self.funds_tab, "资金（按月）")
        from desktop.views.audit_page import ProjectHistoryWidget

        self.project_history = ProjectHistoryWidget(project_id)
        self.tabs.addTab(self.project_history, "修改记录")
        self._version: int | None = None

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton("保存")
        # Enter in a field must not save a half-typed form: saving is the button or Ctrl+S.
        self.save_button.setAutoDefault(False)
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        self._dup_timer = QTimer(self)
        self._dup_timer.setSingleShot(True)
        self._dup_timer.setInterval(300)
        self._dup_timer.timeout.connect(self.check_duplicates)

        if project_id is not None:
            self._load(project_id)
        else:
            self.status_combo.setCurrentText("正常")
        self._attach_lifecycle()
        self._refresh_title()
        self._snapshot = self._raw_state()
        self._connect_validation()
        self.resize(fit_to_screen(self, 980, 680))

    # --- building --------------------------------------------------------------------------
    def _build_fields(self) -> None:
        self.code_label = QLabel("保存后自动生成")
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText("如 年产3万吨钛白粉精细化加工项目")
        self.investor_edit = QLineEdit()
        self.investor_edit.setPlaceholderText("投资企业全称")
        completer = QCompleter(reference.company_names(), self.investor_edit)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.investor_edit.setCompleter(completer)
        self.industry_combo = QComboBox()
        self.industry_combo.setEditable(True)
        self.industry_combo.addItem("")
        self.industry_combo.addItems(reference.industries())
        self.chain_edit = QLineEdit()
        self.chain_edit.setPlaceholderText("产业链环节，如 铝材深加工")
        self.amounts = {field: AmountEdit() for field in MONEY_FIELDS}
        self.land_edit = QLineEdit()
        self.land_edit.setPlaceholderText("亩")
        self.intensity_label = QLabel("—")
        units = reference.list_units()
        townships = [u for u in units if u.kind in ("乡镇", "园区")]
        self.township_combo = self._unit_combo(townships)
        self.responsible_combo = self._unit_combo(units)
        self.first_unit_combo = self._unit_combo(units)
        self.leader_combo = QComboBox()
        self.leader_combo.addItem("（未选择）", None)
        for person in reference.list_people(leaders_first=True):
            self.leader_combo.addItem(person.label, person.id)
        self.signing_combo = QComboBox()
        for label, value in SIGNING_CHOICES:
            self.signing_combo.addItem(label, value)
        self.key_check = QCheckBox("重点项目（须成立专班）")
        self.status_combo = QComboBox()
        self.status_combo.addItems(list(STATUSES))
        self.status_date = QDateEdit()
        self.status_date.setCalendarPopup(True)
        self.status_date.setDisplayFormat("yyyy-MM-dd")
        self.status_date.setMaximumDate(to_qdate(dt.date.today()))
        self.status_date.setDate(to_qdate(dt.date.today()))
        self.status_reason = QLineEdit()
        self.status_reason.setPlaceholderText("变更原因")
        self.progress_edit = QLineEdit()
        self.progress_edit.setPlaceholderText("形象进度，如 土建完成80%")
        self.content_edit = QPlainTextEdit()
        self.content_edit.setPlaceholderText("建设内容与规模")
        self.content_edit.setTabChangesFocus(True)
        self.content_edit.setFixedHeight(64)
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText("联系人及电话")
        self.remarks_edit = QPlainTextEdit()
        self.remarks_edit.setTabChangesFocus(True)
        self.remarks_edit.setFixedHeight(52)
        self.duplicate_label = QLabel()
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.setStyleSheet(WARNING_STYLE)
        self.duplicate_label.hide()

        self.fields: dict[str, FieldWithError] = {
            "name": FieldWithError(self.name_edit),
            "investor_name": FieldWithError(self.investor_edit),
            "land_area": FieldWithError(self.land_edit),
            "status_on": FieldWithError(self.status_date),
            "signing_mode": FieldWithError(self.signing_combo),
            "status": FieldWithError(self.status_combo),
        }
        for field, edit in self.amounts.items():
            self.fields[field] = FieldWithError(edit)

    @staticmethod
    def _unit_combo(units) -> QComboBox:
        combo = QComboBox()
        combo.addItem("（未选择）", None)
        for unit in units:
            combo.addItem(unit.name, unit.id)
        return combo

    def _build_form_page(self) -> QWidget:
        def group(title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for label, widget in rows:
                form.addRow(label, widget)
            return box

        status_row = QWidget()
        status_layout = QHBoxLayout(status_row)
        status_layout.setContentsMargins(0, 0, 0, 0)
        status_layout.addWidget(self.fields["status"], 1)
        status_layout.addWidget(QLabel("自"))
        status_layout.addWidget(self.fields["status_on"])
        basic = group("基本情况", [
            ("项目编号", self.code_label),
            ("项目名称 *", self.fields["name"]),
            ("投资方", self.fields["investor_name"]),
            ("所属产业", self.industry_combo),
            ("产业链环节", self.chain_edit),
            ("", self.key_check),
        ])
        money = group("投资与用地（可填万元或亿元）", [
            ("总投资 *", self.fields["total_investment"]),
            ("固定资产投资", self.fields["fixed_asset_investment"]),
            ("用地面积（亩）", self.fields["land_area"]),
            ("投资强度", self.intensity_label),
            ("签约额", self.fields["signed_amount"]),
            ("到位资金", self.fields["arrived_funds"]),
            ("年度计划投资", self.fields["annual_plan_investment"]),
            ("累计完成投资", self.fields["completed_investment"]),
        ])
        units = group("单位与领导", [
            ("所在乡镇", self.township_combo),
            ("责任单位", self.responsible_combo),
            ("首报单位", self.first_unit_combo),
            ("挂钩领导", self.leader_combo),
            ("签约方式", self.fields["signing_mode"]),
        ])
        progress = group("进展与状态", [
            ("状态", status_row),
            ("变更原因", self.status_reason),
            ("形象进度", self.progress_edit),
            ("联系人", self.contact_edit),
        ])
        other = group("其他", [("项目内容", self.content_edit), ("备注", self.remarks_edit)])

        inner = QWidget()
        grid = QGridLayout(inner)
        grid.addWidget(self.duplicate_label, 0, 0, 1, 2)
        grid.addWidget(basic, 1, 0)
        grid.addWidget(units, 2, 0)
        grid.addWidget(progress, 3, 0)
        grid.addWidget(money, 1, 1, 2, 1)
        grid.addWidget(other, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(4, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _attach_lifecycle(self) -> None:
        index = self.tabs.indexOf(self.lifecycle_tab)
        if self.project_id is None:
            self.tabs.setTabEnabled(index, False)
            self.tabs.setTabToolTip(index, "保存项目后才能记录生命周期步骤")
            self.tabs.setTabEnabled(self.tabs.indexOf(self.history_table), False)
            self.tabs.setTabEnabled(self.tabs.indexOf(self.funds_tab), False)
            self.tabs.setTabEnabled(self.tabs.indexOf(self.project_history), False)
            return
        self.tabs.setTabEnabled(index, True)
        self.tabs.setTabEnabled(self.tabs.indexOf(self.history_table), True)
        if self.lifecycle_panel is None:
            self.lifecycle_panel = LifecyclePanel(self.project_id)
            self.lifecycle_tab.layout().addWidget(self.lifecycle_panel)
            self.lifecycle_panel.changed.connect(lambda: self.saved.emit(self.project_id))
        self.tabs.setTabEnabled(self.tabs.indexOf(self.funds_tab), True)
        if self.funds_panel is None:
            from desktop.views.targets_page import FundEntriesPanel

            self.funds_panel = FundEntriesPanel(self.project_id)
            self.funds_tab.layout().addWidget(self.funds_panel)
            self.funds_panel.changed.connect(self._funds_changed)
        self._lock_fund_totals()
        self.tabs.setTabEnabled(self.tabs.indexOf(self.project_history), True)
        self.project_history.set_project(self.project_id)
        self._load_history()

    def _connect_validation(self) -> None:
        simple = {
            "name": self.name_edit.textChanged,
            "investor_name": self.investor_edit.textChanged,
            "land_area": self.land_edit.textChanged,
        }
        for field, signal in simple.items():
            signal.connect(lambda *_a, f=field: self._field_edited(f))
        for field, edit in self.amounts.items():
            edit.changed.connect(lambda f=field: self._field_edited(f))
        self.status_combo.currentTextChanged.connect(lambda *_: self._field_edited("status"))
        self.status_date.dateChanged.connect(lambda *_: self._field_edited("status_on"))
        self.name_edit.textChanged.connect(lambda *_: self._dup_timer.start())
        self.investor_edit.textChanged.connect(lambda *_: self._dup_timer.start())
        for edit in (self.chain_edit, self.progress_edit, self.contact_edit, self.status_reason):
            edit.textChanged.connect(lambda *_: self._update_dirty())
        for combo in (self.industry_combo, self.township_combo, self.responsible_combo, self.first_unit_combo,
                      self.leader_combo, self.signing_combo):
            combo.currentIndexChanged.connect(lambda *_: self._update_dirty())
        self.industry_combo.editTextChanged.connect(lambda *_: self._update_dirty())
        self.key_check.toggled.connect(lambda *_: self._update_dirty())
        self.content_edit.textChanged.connect(self._update_dirty)
        self.remarks_edit.textChanged.connect(self._update_dirty)
        self.status_combo.currentTextChanged.connect(self._status_changed)
        self._status_changed()

    # --- loading -----------------------------------------------------------------------------
    def _load(self, project_id: int) -> None:
        values = projects.project_values(project_id)
        self.code_label.setText(values["code"])
        self.name_edit.setText(values["name"])
        self.investor_edit.setText(values["investor_name"])
        self.industry_combo.setCurrentText(values["industry"])
        self.chain_edit.setText(values["chain_link"])
        for field, edit in self.amounts.items():
            edit.set_value(values[field])
        self.land_edit.setText("" if values["land_area"] is None else format_wan(values["land_area"]).replace(",", ""))
        self._select(self.township_combo, values["township_id"])
        self._select(self.responsible_combo, values["responsible_unit_id"])
        self._select(self.first_unit_combo, values["first_unit_id"])
        self._select(self.leader_combo, values["leader_id"])
        self._select(self.signing_combo, values["signing_mode"])
        self.key_check.setChecked(values["is_key"])
        self.status_combo.setCurrentText(values["status"])
        self._loaded_status = values["status"]
        self._limit_status_date(project_id)
        self.progress_edit.setText(values["progress_text"])
        self.content_edit.setPlainText(values["content"])
        self.contact_edit.setText(values["contact"])
        self.remarks_edit.setPlainText(values["remarks"])
        self._version = values.get("version")
        self._update_intensity()

    def _lock_fund_totals(self) -> None:
        """The two running totals are sums of the monthly entries: typed in the 资金（按月）tab, not here."""
        for field in ("arrived_funds", "completed_investment"):
            edit = self.amounts[field]
            edit.edit.setReadOnly(True)
            edit.unit.setEnabled(False)
            edit.setToolTip("按月登记：在“资金（按月）”页添加，这里显示各月之和")

    def _funds_changed(self) -> None:
        values = projects.project_values(self.project_id)
        dirty = self.is_dirty()
        for field in ("arrived_funds", "completed_investment"):
            self.amounts[field].set_value(values[field])
        self._version = values.get("version", self._version)
        if not dirty:
            self._snapshot = self._raw_state()
        self._update_dirty()
        self.saved.emit(self.project_id)

    def _limit_status_date(self, project_id: int) -> None:
        """A new status change cannot predate the last one: it would be overruled by it."""
        latest = projects.latest_status_change(project_id)
        if latest is not None:
            self.status_date.setMinimumDate(to_qdate(latest.changed_on))
            self.status_date.setToolTip(f"上次变更：{latest.changed_on.isoformat()} {latest.status}，新的变更不能早于这一天")

    @staticmethod
    def _select(combo: QComboBox, data) -> None:
        position = combo.findData(data)
        combo.setCurrentIndex(position if position >= 0 else 0)

    def _load_history(self) -> None:
        history = projects.status_history(self.project_id)
        self.history_table.setRowCount(len(history))
        for r, change in enumerate(history):
            for c, text in enumerate((format_date(change.changed_on), change.status, change.reason)):
                self.history_table.setItem(r, c, QTableWidgetItem(text))

    def _refresh_title(self) -> None:
        if self.project_id is None:
            self.setWindowTitle("新建项目")
        else:
            self.setWindowTitle(f"项目 {self.code_label.text()} {self.name_edit.text()}")

    # --- validation --------------------------------------------------------------------------
    def collect(self) -> tuple[dict, dict[str, str]]:
        """The form's values as the service takes them, and every problem found."""
        errors: dict[str, str] = {}
        values: dict = {
            "name": self.name_edit.text(),
            "investor_name": self.investor_edit.text(),
            "industry": self.industry_combo.currentText(),
            "chain_link": self.chain_edit.text(),
            "township_id": self.township_combo.currentData(),
            "responsible_unit_id": self.responsible_combo.currentData(),
            "first_unit_id": self.first_unit_combo.currentData(),
            "leader_id": self.leader_combo.currentData(),
            "signing_mode": self.signing_combo.currentData(),
            "is_key": self.key_check.isChecked(),
            "progress_text": self.progress_edit.text(),
            "content": self.content_edit.toPlainText(),
            "contact": self.contact_edit.text(),
            "remarks": self.remarks_edit.toPlainText(),
            "status": self.status_combo.currentText(),
        }
        if values["status"] != self._loaded_status:
            values["status_on"] = from_qdate(self.status_date.date())
            values["status_reason"] = self.status_reason.text()
        for field, edit in self.amounts.items():
            try:
                values[field] = edit.value()
            except AmountError as exc:
                errors[field] = str(exc)
                values[field] = None
        try:
            values["land_area"] = parse_area(self.land_edit.text())
        except AmountError as exc:
            values["land_area"] = None
            errors["land_area"] = str(exc)
        for field, message in projects.validate_project(values).items():
            # A field that could not be parsed keeps its own message.
            if not (field == "total_investment" and field in errors):
                errors.setdefault(field, message)
        return values, errors

    def _field_edited(self, field: str) -> None:
        self._touched.add(field)
        self.show_errors()
        self._update_intensity()
        self._update_dirty()

    def show_errors(self) -> dict[str, str]:
        _values, errors = self.collect()
        for field, holder in self.fields.items():
            visible = self._show_all_errors or field in self._touched
            holder.set_error(errors.get(field) if visible else None)
        return errors

    def _update_intensity(self) -> None:
        try:
            fixed = self.amounts["fixed_asset_investment"].value()
            land = parse_area(self.land_edit.text())
        except AmountError:
            fixed, land = None, None
        value = intensity(fixed, land)
        self.intensity_label.setText("—（需填固定资产投资和用地面积）" if value is None else f"{value:,.2f} 万元/亩")

    def _status_changed(self, *_args) -> None:
        changed = self.status_combo.currentText() != self._loaded_status
        self.status_date.setEnabled(changed)
        self.status_reason.setEnabled(changed)

    def check_duplicates(self) -> None:
        name = self.name_edit.text()
        similar = projects.find_similar(name, self.investor_edit.text(), exclude_id=self.project_id) if name.strip() else []
        if similar:
            lines = [s.describe() for s in similar[:3]]
            self.duplicate_label.setText("⚠ 请核对是否重复录入：\n" + "\n".join(lines) + "\n（仅提醒，仍可保存）")
        self.duplicate_label.setVisible(bool(similar))

    # --- dirty tracking ----------------------------------------------------------------------
    def _raw_state(self) -> dict:
        return {
            "name": self.name_edit.text(), "investor": self.investor_edit.text(),
            "industry": self.industry_combo.currentText(), "chain": self.chain_edit.text(),
            "amounts": tuple(edit.raw_text() for edit in self.amounts.values()), "land": self.land_edit.text(),
            "units": (self.township_combo.currentData(), self.responsible_combo.currentData(),
                      self.first_unit_combo.currentData(), self.leader_combo.currentData()),
            "signing": self.signing_combo.currentData(), "key": self.key_check.isChecked(),
            "status": self.status_combo.currentText(), "reason": self.status_reason.text(),
            "progress": self.progress_edit.text(), "content": self.content_edit.toPlainText(),
            "contact": self.contact_edit.text(), "remarks": self.remarks_edit.toPlainText(),
        }

    def is_dirty(self) -> bool:
        return self._raw_state() != self._snapshot

    def _update_dirty(self) -> None:
        dirty = self.is_dirty()
        title = self.windowTitle().removesuffix(" *")
        self.setWindowTitle(f"{title} *" if dirty else title)

    # --- saving and closing ------------------------------------------------------------------
    def save(self) -> bool:
        self._show_all_errors = True
        values, errors = self.collect()
        self.show_errors()
        if errors:
            self.tabs.setCurrentIndex(0)
            first = next(field for field in self.fields if field in errors) if any(f in errors for f in self.fields) else None
            if first:
                self.fields[first].setFocus()
            self.message.setStyleSheet("color: #c62828;")
            self.message.setText(f"有 {len(errors)} 处需要修改，未保存。")
            return False
        try:
            if self.project_id is None:
                self.project_id = projects.create_project(values)
                self.code_label.setText(projects.project_values(self.project_id)["code"])
            else:
                # The version loaded here: a save by someone else since then is a conflict, not overwritten.
                projects.update_project(self.project_id, values, expected_version=self._version)
            self._version = projects.project_values(self.project_id).get("version")
        except ValidationError as exc:
            for field, message in exc.errors.items():
                if field in self.fields:
                    self.fields[field].set_error(message)
            self.message.setText(str(exc))
            return False
        except UserError as exc:
            QMessageBox.warning(self, "无法保存", str(exc))
            return False
        self._loaded_status = values["status"]
        self._limit_status_date(self.project_id)
        self._status_changed()
        self.status_reason.clear()
        self._attach_lifecycle()
        self._snapshot = self._raw_state()
        self._refresh_title()
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(f"已保存（{dt.datetime.now():%H:%M:%S}）")
        self.saved.emit(self.project_id)
        return True

    def reject(self) -> None:
        if self.is_dirty():
            answer = QMessageBox.question(
                self, "未保存的修改", "有未保存的修改，是否保存？",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.is_dirty():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
