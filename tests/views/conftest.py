"""GUI test helpers: the bundled font and Chinese translation on the test QApplication, Chinese typing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session", autouse=True)
def configured_qapp(qapp):
    from desktop.app import install_translation, register_font
    from desktop.workers import Task

    assert register_font(), "the bundled CJK font must load"
    install_translation(qapp)
    Task.synchronous = True
    return qapp


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch):
    """A real QMessageBox would block the test run: answer 'discard'/'no' and keep what was asked."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[tuple[str, str]] = []

    def question(_parent, title, text, buttons=None, default=None):
        asked.append((title, text))
        if buttons is not None and buttons & QMessageBox.StandardButton.Discard:
            return QMessageBox.StandardButton.Discard
        return QMessageBox.StandardButton.No

    def inform(_parent, title, text, *args, **kwargs):
        asked.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", question)
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, inform)
    return asked


def type_chinese(widget, text: str) -> None:
    """Type text the way an input method delivers it (qtbot.keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def sample_projects(fresh_db):
    """Three projects with units, a leader and some steps, in a fresh database."""
    from desktop.services import lifecycle, projects, reference

    units = {u.name: u.id for u in reference.list_units()}
    leader = reference.save_person({"name": "张三", "title": "副县长", "is_leader": True})
    specs = [
        ("富远新型铝材产业园", "福建富远铝业有限公司", Decimal(150000), "轻合金", "水南镇", True, 19),
        ("久策气体（将乐）", "久策气体（将乐）有限公司", Decimal(50000), "精细化工", "古镛镇", False, 10),
        ("血灵芝加工", "将乐县灵芝生物科技有限公司", Decimal(3000), "特色农林", "万安镇", False, 3),
    ]
    ids = {}
    for name, investor, total, industry, township, key, last_step in specs:
        pid = projects.create_project(
            {
                "name": name, "investor_name": investor, "total_investment": total, "industry": industry,
                "township_id": units[township], "responsible_unit_id": units["将乐经济开发区"],
                "first_unit_id": units["县商务局"], "leader_id": leader, "is_key": key,
            }
        )
        for step in range(1, last_step + 1):
            lifecycle.record_step(pid, step, dt.date(2022, 1, 1) + dt.timedelta(days=step))
        ids[name] = pid
    return ids
