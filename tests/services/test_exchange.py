"""Offline exchange between a township (水南镇, SN) and the centre (JL): two databases, files both ways."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from decimal import Decimal

import pytest

from desktop import db
from desktop.errors import UserError
from desktop.models import Project, StepRecord, Unit
from desktop.services import exchange, identity, lifecycle, projects
from desktop.services.database import init_database

TODAY = dt.date(2022, 8, 25)
CENTRE_NAME = "将乐县招商服务中心"


class Office:
    """One installation's database; `with office:` makes it the open one."""

    def __init__(self, path, name, prefix):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        init_database(path, name=name, prefix=prefix)
        identity.ensure_identity()
        db.close()

    def __enter__(self):
        db.connect(self.path)
        return self

    def __exit__(self, *exc):
        db.close()

    def unit(self, name):
        return Unit.get(Unit.name == name).id


@pytest.fixture
def offices(tmp_path):
    centre = Office(tmp_path / "中心" / "investdesk.db", CENTRE_NAME, "JL")
    town = Office(tmp_path / "水南" / "investdesk.db", "水南镇", "SN")
    cards = tmp_path / "cards"
    cards.mkdir()
    with centre:
        exchange.write_identity_card(cards / "centre.json")
    with town:
        exchange.write_identity_card(cards / "town.json")
        exchange.register_partner(exchange.read_identity_card(cards / "centre.json"), role="centre")
    with centre:
        exchange.register_partner(exchange.read_identity_card(cards / "town.json"), role="township", unit_name="水南镇")
    return centre, town


def _send(source, target_name, out):
    with source:
        return exchange.export_file(out, target_name)


def _receive(target, path, **kw):
    with target:
        return exchange.import_file(path, **kw)


def _project_in(office, township: str, name: str, total="5000", **values) -> int:
    """A project of `township` (its 所在乡镇 and 责任单位), made on the open `office`; its id."""
    return projects.create_project({"name": name, "total_investment": Decimal(total), "township_id": office.unit(township),
                                    "responsible_unit_id": office.unit(township), **values}, today=TODAY)


def _new_town_project(town, name="年产5万吨可降解环保产品", total="12000"):
    with town:
        pid = _project_in(town, "水南镇", name, total, first_unit_id=town.unit("水南镇"))
        lifecycle.record_step(pid, 1, dt.date(2022, 3, 4), today=TODAY)
        return Project.get_by_id(pid).code


def test_round_trip_township_to_centre_and_back(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    assert code.startswith("SN-")
    first = _send(town, CENTRE_NAME, tmp_path / "水南镇-1.zip")
    assert first.seq == 1 and first.records >= 2
    with zipfile.ZipFile(first.path) as archive:
        assert {"manifest.json", "records.json", "summary.xlsx", "signature.json"} <= set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["origin"]["name"] == "水南镇" and manifest["partner"]["name"] == CENTRE_NAME and manifest["seq"] == 1

    preview = _receive(centre, first.path, dry_run=True)
    assert preview.counts()["new"] >= 2 and not preview.applied
    with centre:
        assert not Project.select().where(Project.code == code).exists()  # a dry run writes nothing
    result = _receive(centre, first.path)
    assert result.applied
    with centre:
        project = Project.get(Project.code == code)
        assert project.township_id == centre.unit("水南镇")  # matched by name, not by the township's id
        assert project.total_investment == Decimal(12000)
        assert StepRecord.select().where(StepRecord.project == project.id).count() == 1
        assert project.stage_no == 1

    # The centre changes the project and answers; the township applies it.
    with centre:
        project = Project.get(Project.code == code)
        project.remarks = "中心：请补充用地需求"
        project.save()
    answer = _send(centre, "水南镇", tmp_path / "中心-1.zip")
    back = _receive(town, answer.path)
    assert back.counts()["conflicts"] == 0 and back.counts()["refused"] == 0
    with town:
        assert Project.get(Project.code == code).remarks == "中心：请补充用地需求"

    # Nothing changed since: the next files carry nothing new.
    again = _send(town, CENTRE_NAME, tmp_path / "水南镇-2.zip")
    counts = _receive(centre, again.path).counts()
    assert counts["new"] == counts["changed"] == counts["conflicts"] == 0


def test_same_file_twice_and_an_older_file_change_nothing(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    first = _send(town, CENTRE_NAME, tmp_path / "1.zip")
    with town:
        project = Project.get(Project.code == code)
        project.remarks = "第二次"
        project.save()
    second = _send(town, CENTRE_NAME, tmp_path / "2.zip")
    _receive(centre, first.path)
    repeat = _receive(centre, first.path)
    assert "已经导入过" in repeat.message and not repeat.applied
    _receive(centre, second.path)
    older = _receive(centre, first.path)
    assert not older.applied and ("已经导入过" in older.message or "旧" in older.message)
    with centre:
        assert Project.get(Project.code == code).remarks == "第二次"


def test_edits_of_different_fields_merge_and_the_same_field_conflicts(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)  # acknowledges the township's file

    # Different fields: the township the progress text, the centre the remarks.
    with town:
        p = Project.get(Project.code == code)
        p.progress_text = "已完成实地考察"
        p.save()
    with centre:
        p = Project.get(Project.code == code)
        p.remarks = "列入重点跟踪"
        p.save()
    merged = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "2.zip").path)
    assert merged.counts()["conflicts"] == 0 and merged.counts()["changed"] >= 1
    with centre:
        p = Project.get(Project.code == code)
        assert (p.progress_text, p.remarks) == ("已完成实地考察", "列入重点跟踪")
    _receive(town, _send(centre, "水南镇", tmp_path / "c2.zip").path)
    with town:
        p = Project.get(Project.code == code)
        assert (p.progress_text, p.remarks) == ("已完成实地考察", "列入重点跟踪")

    # The same field on both sides: a conflict, mine kept unless told otherwise.
    with town:
        p = Project.get(Project.code == code)
        p.total_investment = Decimal(15000)
        p.save()
    with centre:
        p = Project.get(Project.code == code)
        p.total_investment = Decimal(13000)
        p.save()
    file = _send(town, CENTRE_NAME, tmp_path / "3.zip").path
    shutil.copy(file, tmp_path / "3-copy.zip")
    kept = _receive(centre, file, dry_run=True)
    conflict = kept.of_kind("conflict")[0]
    assert conflict.label.startswith(code)
    assert [(m, t) for _f, m, t in conflict.fields] == [("1.3", "1.5")] or any("13000" in m and "15000" in t for _f, m, t in conflict.fields)
    taken = _receive(centre, file, keep="theirs")
    assert taken.applied
    with centre:
        assert Project.get(Project.code == code).total_investment == Decimal(15000)


def test_conflict_without_keep_leaves_mine(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    for office, text in ((town, "乡镇的说法"), (centre, "中心的说法")):
        with office:
            p = Project.get(Project.code == code)
            p.remarks = text
            p.save()
    result = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "2.zip").path)
    assert result.counts()["conflicts"] == 1 and result.applied
    with centre:
        assert Project.get(Project.code == code).remarks == "中心的说法"


def test_a_tampered_file_is_refused(offices, tmp_path):
    centre, town = offices
    _new_town_project(town)
    file = _send(town, CENTRE_NAME, tmp_path / "1.zip").path
    tampered = tmp_path / "改过.zip"
    with zipfile.ZipFile(file) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "records.json":
                data = data.replace("12000".encode(), "99000".encode())
            target.writestr(name, data)
    with pytest.raises(UserError, match="改动"):
        _receive(centre, tampered)


def test_a_file_signed_by_another_key_is_refused(offices, tmp_path):
    centre, town = offices
    _new_town_project(town)
    with town:
        identity.new_identity()  # the township's key changes: its files no longer match the registration
    file = _send(town, CENTRE_NAME, tmp_path / "1.zip").path
    with pytest.raises(UserError, match="还没有登记"):
        _receive(centre, file)  # a new identity is a new installation, not yet registered


def test_an_unregistered_sender_needs_trust(offices, tmp_path):
    centre, _town = offices
    stranger = Office(tmp_path / "陌生" / "x.db", "水南镇", "SN")
    with stranger:
        exchange.register_partner(exchange.read_identity_card(tmp_path / "cards" / "centre.json"), role="centre")
        pid = projects.create_project({"name": "陌生项目", "total_investment": Decimal(100)}, today=TODAY)
        assert pid
    file = _send(stranger, CENTRE_NAME, tmp_path / "s.zip").path
    with pytest.raises(UserError, match="还没有登记"):
        _receive(centre, file)
    trusted = _receive(centre, file, trust=True)
    assert trusted.applied


def test_township_file_touching_another_townships_project_is_refused(offices, tmp_path):
    centre, town = offices
    with centre:
        other = _project_in(centre, "高唐镇", "高唐镇的项目", "5000")
        other_code = Project.get_by_id(other).code
    # Forge: the township somehow holds that project (e.g. typed in with the same code) and changes it.
    with centre:
        row = Project.select().where(Project.id == other).dicts().first()
    with town:
        Project.insert(**{k: v for k, v in row.items() if k not in ("id", "township", "responsible_unit", "first_unit",
                                                                  "investor", "leader")}).execute()
        p = Project.get(Project.code == other_code)
        p.remarks = "乡镇越权修改"
        p.save()
    result = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    refused = result.of_kind("refused")
    assert any(c.label.startswith(other_code) and "不是本乡镇的项目" in c.reason for c in refused)
    assert result.to_json()["refused"] == len(refused)
    with centre:
        assert Project.get(Project.code == other_code).remarks == ""


def test_deletions_travel(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    with town:
        project_id = Project.get(Project.code == code).id
        lifecycle.undo_step(project_id, 1)
    result = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "2.zip").path)
    assert result.counts()["deleted"] == 1
    with centre:
        project = Project.get(Project.code == code)
        assert StepRecord.select().where(StepRecord.project == project.id).count() == 0
        assert project.stage_no == 0


def test_a_copied_database_must_get_a_new_identity(offices, tmp_path):
    _centre, town = offices
    copy = tmp_path / "拷贝" / "investdesk.db"
    copy.parent.mkdir()
    shutil.copy(town.path, copy)
    db.connect(copy)
    try:
        with pytest.raises(identity.CopiedDatabaseError, match="复制"):
            exchange.export_file(tmp_path / "x.zip", CENTRE_NAME)
        before = identity.ensure_identity().installation_id
        renewed = identity.new_identity(name="白莲镇", prefix="BL")
        assert renewed.installation_id != before and renewed.prefix == "BL"
        exchange.export_file(tmp_path / "x.zip", CENTRE_NAME)  # now it may exchange
    finally:
        db.close()


def test_a_file_from_a_newer_schema_says_upgrade_first(offices, tmp_path):
    centre, town = offices
    _new_town_project(town)
    file = _send(town, CENTRE_NAME, tmp_path / "1.zip").path
    with town:
        from desktop.db import database

        database.execute_sql("INSERT INTO schema_info (version, applied_at) VALUES (999, 'x')")
        newer = exchange.export_file(tmp_path / "2.zip", CENTRE_NAME).path
    assert file.exists()
    with pytest.raises(UserError, match="请先升级"):
        _receive(centre, newer)


def test_centre_sends_master_data_and_published_bulletins(offices, tmp_path):
    from desktop.services import scoring

    centre, town = offices
    with centre:
        unit = Unit.get(Unit.name == "水南镇")
        unit.sort_order = 99
        unit.save()
        bulletin = scoring.publish_bulletin(scoring.period_of("half", 2022, 1), title="2022年上半年比学赶超通报",
                                            number="第1期", published_on=dt.date(2022, 7, 5))
        assert bulletin
    result = _receive(town, _send(centre, "水南镇", tmp_path / "c.zip").path)
    assert result.applied
    with town:
        assert [b.title for b in scoring.list_bulletins()] == ["2022年上半年比学赶超通报"]
        assert Unit.get(Unit.name == "水南镇").sort_order == 99  # master data follows the centre
    # A township cannot send master data or bulletins back.
    with town:
        unit = Unit.get(Unit.name == "水南镇")
        unit.sort_order = 1
        unit.save()
    back = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "t.zip").path)
    assert not any(c.table in ("单位", "积分通报") for c in back.changes)
    with centre:
        assert Unit.get(Unit.name == "水南镇").sort_order == 99


def test_a_known_sender_signing_with_another_key_is_refused(offices, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    from desktop.services.database import set_setting

    centre, town = offices
    _new_town_project(town)
    with town:
        # Same installation id, another key (a forged or re-keyed file).
        other = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()
        set_setting(identity.SETTING_KEY, other)
    file = _send(town, CENTRE_NAME, tmp_path / "1.zip").path
    with pytest.raises(UserError, match="签名密钥与登记的“水南镇”不符"):
        _receive(centre, file)
    with centre:
        assert not Project.select().where(Project.code.startswith("SN-")).exists()


def _fund_entries(code):
    from desktop.models.targets import FundEntry

    project = Project.get(Project.code == code)
    return project, {(e.kind, e.month, e.amount) for e in FundEntry.select().where(FundEntry.project == project.id)}


def test_monthly_funds_entered_at_the_township_reach_the_centre_with_the_totals(offices, tmp_path):
    from desktop.models.targets import FUND_ARRIVED, FUND_COMPLETED
    from desktop.services import fund_entries

    centre, town = offices
    code = _new_town_project(town)
    _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    with town:
        project_id = Project.get(Project.code == code).id
        march = fund_entries.add_entry(project_id, FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(3000))
        fund_entries.add_entry(project_id, FUND_ARRIVED, dt.date(2022, 4, 1), Decimal("1500.5"))
        fund_entries.add_entry(project_id, FUND_COMPLETED, dt.date(2022, 4, 1), Decimal(800))
    result = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "2.zip").path)
    assert result.counts()["new"] == 3 and result.counts()["refused"] == 0
    with centre:
        project, entries = _fund_entries(code)
        assert entries == {(FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(3000)), (FUND_ARRIVED, dt.date(2022, 4, 1), Decimal("1500.5")),
                           (FUND_COMPLETED, dt.date(2022, 4, 1), Decimal(800))}
        assert project.arrived_funds == Decimal("4500.5") and project.completed_investment == Decimal(800)
        # The centre adds May; the township corrects March and deletes its only 完成投资 entry.
        fund_entries.add_entry(project.id, FUND_ARRIVED, dt.date(2022, 5, 1), Decimal(200))
    with town:
        fund_entries.update_entry(march, month=dt.date(2022, 3, 1), amount_wan=Decimal(2500))
        fund_entries.delete_entry(fund_entries.project_entries(project_id, FUND_COMPLETED)[0].id)
    _receive(town, _send(centre, "水南镇", tmp_path / "c2.zip").path)
    result = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "3.zip").path)
    assert result.counts()["conflicts"] == 0 and result.counts()["deleted"] == 1
    for office in (centre, town):
        with office:
            project, entries = _fund_entries(code)
            assert entries == {(FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(2500)),
                               (FUND_ARRIVED, dt.date(2022, 4, 1), Decimal("1500.5")),
                               (FUND_ARRIVED, dt.date(2022, 5, 1), Decimal(200))}
            assert project.arrived_funds == Decimal("4200.5")
            assert project.completed_investment is None  # its last entry deleted, on both PCs


def test_a_township_cannot_enter_funds_for_another_townships_project(offices, tmp_path):
    from desktop.models.targets import FUND_ARRIVED, FundEntry
    from desktop.services import fund_entries

    centre, town = offices
    with centre:
        other = _project_in(centre, "万安镇", "万安镇的项目", "5000")
        fund_entries.add_entry(other, FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(100))
        code = Project.get_by_id(other).code
    # The centre sends the township only its own projects' entries.
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    with town:
        assert not Project.select().where(Project.code == code).exists()
        assert FundEntry.select().count() == 0


def test_a_status_change_at_the_centre_changes_the_projects_status_at_the_township(offices, tmp_path):
    from desktop.models import StatusChange

    centre, town = offices
    code = _new_town_project(town)
    _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    with centre:
        projects.change_status(Project.get(Project.code == code).id, "暂缓", dt.date(2022, 6, 1), "用地未落实", today=TODAY)
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    with town:
        project = Project.get(Project.code == code)
        assert project.status == "暂缓"  # it stayed 正常, with the 暂缓 only in the history
        assert [c.reason for c in StatusChange.select().where(StatusChange.project == project.id)] == ["用地未落实"]
        projects.change_status(project.id, "正常", dt.date(2022, 8, 1), "用地已落实", today=TODAY)
    _receive(centre, _send(town, CENTRE_NAME, tmp_path / "2.zip").path)
    with centre:
        assert Project.get(Project.code == code).status == "正常"


def test_a_merge_of_investors_and_a_credit_correction_at_the_centre_reach_the_township(offices, tmp_path):
    from desktop.models import Company
    from desktop.services import investors, scoring

    centre, town = offices
    with town:
        pid = _project_in(town, "水南镇", "年产3万吨竹纤维", "8000", investor_name="福建竹源公司")
        lifecycle.record_step(pid, 1, dt.date(2022, 3, 4), today=TODAY)
        code = Project.get_by_id(pid).code
    _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    with centre:
        project = Project.get(Project.code == code)
        keep = Company.create(name="福建竹源实业有限公司", name_norm="福建竹源实业有限公司")
        investors.merge_investors(keep.id, project.investor_id)
        record = StepRecord.get(StepRecord.project == project.id)
        scoring.correct_credit(record.id, centre.unit("县商务局"), reason="实际由县商务局引进")
    result = _receive(town, _send(centre, "水南镇", tmp_path / "c2.zip").path)
    assert result.counts()["refused"] == 0 and result.counts()["conflicts"] == 0
    with town:
        project = Project.get(Project.code == code)
        assert project.investor is not None and project.investor.name == "福建竹源实业有限公司"
        assert not Company.select().where(Company.name == "福建竹源公司").exists()
        assert StepRecord.get(StepRecord.project == project.id).unit_id == town.unit("县商务局")


def test_new_step_points_set_at_the_centre_reach_the_township(offices, tmp_path):
    from desktop.models import LifecycleStep
    from desktop.services import scoring

    centre, town = offices
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    with centre:
        before = {s.number: s.version for s in LifecycleStep.select()}
        scoring.set_step_points({1: 7})
        # Only the step whose points changed has a new version.
        assert {s.number for s in LifecycleStep.select() if s.version != before[s.number]} == {1}
    _receive(town, _send(centre, "水南镇", tmp_path / "c2.zip").path)
    with town:
        assert LifecycleStep.get(LifecycleStep.number == 1).points == 7


def test_follow_ups_contacts_and_forum_attendees_from_the_township_and_the_centres_calendar_travel(offices, tmp_path):
    from desktop.models import Company
    from desktop.models.leads import CompanyContact, Forum, ForumAttendee, Lead, LeadFollowUp
    from desktop.services import investors, leads, workdays

    centre, town = offices
    with town:
        shuinan = town.unit("水南镇")
        elder = leads.save_xiangxian(leads.XiangxianItem(None, "廖乡贤", home_township_id=shuinan, city="厦门"))
        forum = leads.save_forum(leads.ForumItem(None, "水南镇乡贤座谈会", dt.date(2022, 5, 1), organiser_id=shuinan,
                                                 attendee_ids=[elder]))
        lead = leads.save_lead(leads.LeadItem(None, "竹木精深加工项目", "乡贤座谈会", shuinan, dt.date(2022, 5, 2),
                                              forum_id=forum, xiangxian_id=elder), today=TODAY)
        leads.add_follow_up(lead, leads.FollowUpItem(dt.date(2022, 5, 6), "王干事", "电话对接，客商下周来考察",
                                                     next_step="陪同考察", next_on=dt.date(2022, 5, 13)))
        company = investors.save_investor({"name": "厦门竹木有限公司", "contacts": [investors.ContactItem("陈总", "总经理", "13905981234")]})
    result = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    assert result.counts()["refused"] == 0
    with centre:
        lead_row = Lead.get(Lead.title == "竹木精深加工项目")
        assert [(f.who, f.next_on) for f in LeadFollowUp.select().where(LeadFollowUp.lead == lead_row.id)] == [
            ("王干事", dt.date(2022, 5, 13))]
        forum_row = Forum.get(Forum.title == "水南镇乡贤座谈会")
        assert [a.xiangxian.name for a in ForumAttendee.select().where(ForumAttendee.forum == forum_row.id)] == ["廖乡贤"]
        company_row = Company.get(Company.name == "厦门竹木有限公司")
        assert [(c.name, c.phone) for c in CompanyContact.select().where(CompanyContact.company == company_row.id)] == [
            ("陈总", "13905981234")]
        # The centre declares a county holiday: the township's deadlines must count it too.
        year = [e for e in workdays.year_entries(2022)] + [workdays.CalendarEntry(dt.date(2022, 9, 13), False, "县庆")]
        workdays.save_year(2022, year)
    assert company  # made at the township
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    with town:
        assert not workdays.load_calendar().is_workday(dt.date(2022, 9, 13))
        assert [e.name for e in workdays.year_entries(2022) if e.day == dt.date(2022, 9, 13)] == ["县庆"]
