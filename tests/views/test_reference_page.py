from PySide6.QtWidgets import QInputDialog

from desktop.services import reference
from desktop.views.reference_page import PersonDialog, ReferencePage

from tests.views.conftest import type_chinese


def test_units_and_people_are_listed_and_added(qtbot, fresh_db, monkeypatch):
    page = ReferencePage()
    qtbot.addWidget(page)
    page.load()
    names = [page.units.item(r, 0).text() for r in range(page.units.rowCount())]
    assert "水南镇" in names and "县招商服务中心" in names
    answers = iter([("余坊乡政府招商办", True), ("部门", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: next(answers))
    page.add_unit()
    assert "余坊乡政府招商办" in [u.name for u in reference.list_units()]
    assert page.units.item(page.units.rowCount() - 1, 0).text() == "余坊乡政府招商办"


def test_person_dialog_validates_and_saves(qtbot, fresh_db):
    dialog = PersonDialog()
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.error.text() == "请填写姓名"
    type_chinese(dialog.name_edit, "李四")
    type_chinese(dialog.title_edit, "副县长")
    dialog.leader_check.setChecked(True)
    dialog.accept()
    (person,) = reference.list_people()
    assert (person.name, person.title, person.is_leader) == ("李四", "副县长", True)


def test_units_list_exports_as_shown(qtbot, fresh_db, tmp_path):
    from openpyxl import load_workbook

    page = ReferencePage()
    qtbot.addWidget(page)
    page.load()
    out = tmp_path / "单位.xlsx"
    page.export_list(page.units, "单位清单", str(out))
    sheet = load_workbook(out).active
    assert sheet["A2"].value == "单位名称" and sheet["B2"].value == "类别"
    names = [sheet.cell(r, 1).value for r in range(3, sheet.max_row)]
    assert names == [page.units.item(r, 0).text() for r in range(page.units.rowCount())]
    assert (sheet.cell(sheet.max_row, 1).value, sheet.cell(sheet.max_row, 2).value) == ("合计", f"共 {len(names)} 条")
    assert sheet.freeze_panes == "A3"
