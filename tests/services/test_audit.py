"""The audit trail（痕迹）: who, when, which field, old → new; per project, filtered, exported."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from desktop.models import Project, Unit
from desktop.models.audit import AuditEntry
from desktop.models.user import ROLE_CENTRE
from desktop.services import access, audit, auth, lifecycle, projects

TODAY = dt.date(2022, 8, 25)


@pytest.fixture
def centre_user(fresh_db):
    auth.create_first_admin("admin", "correct horse")
    uid = auth.create_user({"name": "li", "display_name": "李四", "role": ROLE_CENTRE, "password": "good password"})
    access.logout()
    yield access.user_info(__import__("desktop.models.user", fromlist=["User"]).User.get_by_id(uid))
    access.logout()


def _project(**extra) -> int:
    return projects.create_project({"name": "富远新型铝材产业园", "investor_name": "福建富远铝业有限公司",
                                    "total_investment": Decimal(150000), **extra}, today=TODAY)


def test_create_update_delete_of_a_project_are_in_its_history(centre_user):
    with access.acting_as(centre_user):
        pid = _project()
        values = projects.project_values(pid)
        projects.update_project(pid, {**values, "total_investment": Decimal(160000), "progress_text": "土建完成80%"}, today=TODAY)
        lifecycle.record_step(pid, 9, dt.date(2022, 3, 1), today=TODAY)
        lifecycle.record_step(pid, 9, dt.date(2022, 3, 2), today=TODAY)
        lifecycle.undo_step(pid, 9)
        projects.change_status(pid, "暂缓", TODAY, "资金未到位", today=TODAY)
    history = projects_history = audit.project_history(pid)
    assert all(row.user_name == "李四" for row in history)
    changes = {(r.action, r.table, r.field, r.old_value, r.new_value) for r in history}
    assert ("修改", "项目", "总投资（万元）", "150000", "160000") in changes
    assert ("修改", "项目", "形象进度", "", "土建完成80%") in changes
    assert ("修改", "项目步骤", "完成日期", "2022-03-01", "2022-03-02") in changes
    assert ("修改", "项目", "状态", "正常", "暂缓") in changes
    actions = [(r.action, r.table) for r in reversed(projects_history)]
    assert actions[0] == ("新建", "项目")
    assert ("新建", "项目步骤") in actions and ("删除", "项目步骤") in actions and ("新建", "状态变更") in actions
    created = next(r for r in history if r.action == "新建" and r.table == "项目")
    assert json.loads(created.new_value)["投资方"] == "福建富远铝业有限公司"
    deleted_step = next(r for r in history if r.action == "删除")
    assert "签订正式协议" in deleted_step.row_label or "签订正式协议" in deleted_step.change
    # Derived columns (stage, milestone dates, normalised name) are no news.
    assert not any(r.field in ("阶段", "name_norm", "signed_on") for r in history)

    projects.delete_project(pid)  # nobody logged in: the local administrator
    gone = audit.query_audit(action="删除", table="项目")
    assert len(gone) == 1 and gone[0].user_name == access.LOCAL_ADMIN_NAME
    assert "富远新型铝材产业园" in gone[0].row_label and "150000" not in gone[0].row_label
    assert json.loads(gone[0].old_value)["总投资（万元）"] == "160000"


def test_a_save_without_changes_leaves_no_trace(fresh_db):
    pid = _project()
    before = AuditEntry.select().count()
    projects.update_project(pid, projects.project_values(pid), today=TODAY)
    assert AuditEntry.select().count() == before


def test_units_are_shown_by_name_in_the_trail(fresh_db):
    unit_id = Unit.get(Unit.name == "水南镇").id
    pid = _project()
    projects.update_project(pid, {**projects.project_values(pid), "township_id": unit_id}, today=TODAY)
    row = next(r for r in audit.project_history(pid) if r.field == "所在乡镇")
    assert (row.old_value, row.new_value) == ("", "水南镇")


def test_users_are_audited_but_not_their_password_hash(fresh_db):
    auth.create_first_admin("admin", "correct horse")
    uid = auth.create_user({"name": "li", "role": ROLE_CENTRE, "password": "good password"})
    auth.set_password(uid, "other password")
    auth.update_user(uid, {"display_name": "李四"})
    rows = audit.query_audit(table="用户")
    assert {r.action for r in rows} == {"新建", "修改"}
    assert any(r.field == "密码" and r.new_value == "已重设密码" for r in rows)
    assert any(r.field == "姓名" and r.new_value == "李四" for r in rows)
    assert not any("scrypt" in (r.old_value + r.new_value) for r in rows)
    assert {r.user_name for r in rows if r.row_id == uid} == {"admin"}  # the administrator logged in


def test_filters_by_user_table_action_dates_and_text(centre_user):
    pid = _project()
    with access.acting_as(centre_user):
        projects.update_project(pid, {**projects.project_values(pid), "remarks": "独一无二的备注"}, today=TODAY)
    assert {r.user_name for r in audit.query_audit(user_name="李四")} == {"李四"}
    assert [r.new_value for r in audit.query_audit(text="独一无二")] == ["独一无二的备注"]
    assert audit.query_audit(table="项目", action="修改")[0].field == "备注"
    today = dt.date.today()
    assert audit.query_audit(date_from=today, date_to=today)
    assert audit.query_audit(date_to=today - dt.timedelta(days=1)) == []
    options = audit.filter_options()
    assert "李四" in options.users and "项目" in options.tables and options.actions == ["新建", "修改", "删除"]


def test_the_trail_exports_to_xlsx(centre_user, tmp_path):
    from openpyxl import load_workbook

    with access.acting_as(centre_user):
        pid = _project()
        projects.update_project(pid, {**projects.project_values(pid), "contact": "张经理"}, today=TODAY)
    out = tmp_path / "痕迹.xlsx"
    count = audit.export_audit(out, user_name="李四")
    rows = list(load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert rows[0] == tuple(audit.HEADERS)
    assert len(rows) - 2 == count >= 2
    assert rows[-1][:2] == ("合计", f"共 {count} 条")
    assert any(r[1] == "李四" and r[2] == "修改" and r[5] == "联系人" and r[7] == "张经理" for r in rows[1:-1])


def test_bulk_inserts_are_recorded_on_request_and_can_be_suspended(fresh_db):
    from desktop.models import Company

    ids = []
    with audit.suspended():
        for name in ("甲公司", "乙公司"):
            ids.append(Company.create(name=name).id)
    assert not AuditEntry.select().where(AuditEntry.table_name == "company").exists()
    Company.insert_many([{"name": "丙公司"}]).execute()
    ids.append(Company.get(Company.name == "丙公司").id)
    assert audit.record_bulk_create(Company, ids) == 3
    assert sorted(r.row_label for r in audit.query_audit(table="投资方")) == ["丙公司", "乙公司", "甲公司"]


def test_the_import_and_the_demo_stay_cheap(demo_db):
    # The demo's build is nobody's edit: its trail holds only the few edits demo_trail stages, and an
    # edit adds exactly its own entry.
    from desktop.services import demo_trail

    assert AuditEntry.select().count() == len(demo_trail.EDITS)
    pid = Project.select(Project.id).order_by(Project.id).scalar()
    before = len(audit.project_history(pid))
    projects.update_project(pid, {**projects.project_values(pid), "remarks": "演示修改"}, today=dt.date(2022, 8, 31))
    history = audit.project_history(pid)
    assert len(history) == before + 1 and "演示修改" in [r.new_value for r in history]
    assert AuditEntry.select().count() == len(demo_trail.EDITS) + 1


def test_suspending_the_trail_in_a_worker_leaves_the_gui_threads_edits_in_it(fresh_db):
    import threading

    from desktop.models import Company

    started, finish = threading.Event(), threading.Event()

    def worker():
        with audit.suspended():
            started.set()
            finish.wait(10)

    thread = threading.Thread(target=worker)
    thread.start()
    started.wait(10)
    try:
        Company.create(name="界面线程里新建的公司")
    finally:
        finish.set()
        thread.join()
    assert [r.row_label for r in audit.query_audit(table="投资方")] == ["界面线程里新建的公司"]


def test_an_excel_import_leaves_each_new_project_in_the_trail(fresh_db, tmp_path):
    from openpyxl import Workbook

    from desktop.services import excel_import

    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "投资方", "总投资（万元）"])
    ws.append(["痕迹测试项目甲", "甲公司", 1000])
    ws.append(["痕迹测试项目乙", "乙公司", 2000])
    path = tmp_path / "水南镇.xlsx"
    wb.save(path)
    outcome = excel_import.commit(excel_import.analyse(path))
    assert outcome.imported == 2
    from desktop.models.audit import AuditEntry

    entries = list(AuditEntry.select().where((AuditEntry.table_name == "project") & (AuditEntry.action == "create")))
    labels = " ".join(e.row_label for e in entries)
    assert "痕迹测试项目甲" in labels and "痕迹测试项目乙" in labels
    assert all("Excel 导入：水南镇.xlsx" in e.new_value for e in entries)


def test_each_imported_project_is_in_its_own_history_with_code_and_name(fresh_db, tmp_path):
    from openpyxl import Workbook

    from desktop.models import Project
    from desktop.models.audit import AuditEntry
    from desktop.services import excel_import

    wb = Workbook()
    ws = wb.active
    ws.append(["项目编号", "项目名称", "投资方", "总投资（万元）"])
    ws.append(["SN-2022-0101", "历史测试项目甲", "甲公司", 1000])
    ws.append(["", "历史测试项目乙", "乙公司", 2000])
    path = tmp_path / "历史.xlsx"
    wb.save(path)
    excel_import.commit(excel_import.analyse(path))
    for project in Project.select():
        (entry,) = AuditEntry.select().where((AuditEntry.table_name == "project") & (AuditEntry.row_id == project.id))
        assert entry.project_id == project.id
        assert entry.row_label == f"{project.code} {project.name}"
        assert entry.action == "create" and entry.user_name
    assert Project.get(Project.name == "历史测试项目甲").code == "SN-2022-0101"
