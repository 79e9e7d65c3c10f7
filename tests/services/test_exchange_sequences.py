"""Exchange over several rounds, with both PCs at work in between: the two copies must end up the same,
nothing a user entered may be lost, and nothing the user cannot judge may be asked as a conflict."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from desktop.models import Company, Project
from desktop.models.targets import FUND_ARRIVED, FundEntry
from desktop.services import fund_entries, investors, leads, projects, workdays
from tests.services.test_exchange import CENTRE_NAME, TODAY, _new_town_project, _project_in, _receive, _send, offices  # noqa: F401


def _sync(centre, town, tmp_path, tag):
    """The township's file to the centre, then the centre's answer back."""
    there = _receive(centre, _send(town, CENTRE_NAME, tmp_path / f"{tag}-乡镇.zip").path)
    back = _receive(town, _send(centre, "水南镇", tmp_path / f"{tag}-中心.zip").path)
    return there, back


def _funds(office, code):
    with office:
        project = Project.get(Project.code == code)
        entries = sorted((e.month, e.amount) for e in FundEntry.select().where(FundEntry.project == project.id))
        return entries, project.arrived_funds


def _conflicts(*results):
    return [(c.label, c.fields) for r in results for c in r.of_kind("conflict")]


def test_a_months_entry_deleted_and_entered_again_is_the_same_entry_on_both_pcs(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    with town:
        pid = Project.get(Project.code == code).id
        march = fund_entries.add_entry(pid, FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(3000))
    _sync(centre, town, tmp_path, "1")
    _sync(centre, town, tmp_path, "2")
    with town:  # wrong amount: the clerk deletes March and enters it again
        fund_entries.delete_entry(march)
        fund_entries.add_entry(pid, FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(2500))
    there, back = _sync(centre, town, tmp_path, "3")
    assert _conflicts(there, back) == []
    _sync(centre, town, tmp_path, "4")
    assert _funds(centre, code) == _funds(town, code) == ([(dt.date(2022, 3, 1), Decimal(2500))], Decimal(2500))


def test_the_centre_saving_a_calendar_year_again_keeps_the_townships_holidays(offices, tmp_path):
    centre, town = offices
    _sync(centre, town, tmp_path, "1")
    _sync(centre, town, tmp_path, "2")
    with centre:
        workdays.save_year(2022, workdays.year_entries(2022) + [workdays.CalendarEntry(dt.date(2022, 9, 13), False, "县庆")])
        wanted = [(e.day, e.is_workday, e.name) for e in workdays.year_entries(2022)]
    _receive(town, _send(centre, "水南镇", tmp_path / "3-中心.zip").path)
    with town:
        assert [(e.day, e.is_workday, e.name) for e in workdays.year_entries(2022)] == wanted
        assert len(wanted) > 30  # every holiday and 调休 day, not only the new one


def test_funds_entered_on_both_pcs_while_both_edit_the_project_ask_nothing_and_add_up(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    _sync(centre, town, tmp_path, "1")
    _sync(centre, town, tmp_path, "2")
    with town:
        pid = Project.get(Project.code == code).id
        fund_entries.add_entry(pid, FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(3000))
        values = projects.project_values(pid)
        projects.update_project(pid, {**values, "progress_text": "厂房主体完工"}, today=TODAY)
    with centre:
        pid = Project.get(Project.code == code).id
        fund_entries.add_entry(pid, FUND_ARRIVED, dt.date(2022, 4, 1), Decimal(200))
        values = projects.project_values(pid)
        projects.update_project(pid, {**values, "remarks": "县领导调度"}, today=TODAY)
    there, back = _sync(centre, town, tmp_path, "3")
    later = _sync(centre, town, tmp_path, "4")
    # 到位资金 is the sum of the entries each PC holds: not a question for the user.
    assert _conflicts(there, back, *later) == []
    expected = ([(dt.date(2022, 3, 1), Decimal(3000)), (dt.date(2022, 4, 1), Decimal(200))], Decimal(3200))
    assert _funds(centre, code) == _funds(town, code) == expected
    for office in (centre, town):
        with office:
            project = Project.get(Project.code == code)
            assert (project.progress_text, project.remarks) == ("厂房主体完工", "县领导调度")


def test_the_same_month_entered_on_both_pcs_then_deleted_at_the_township_is_gone_on_both(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    _sync(centre, town, tmp_path, "1")
    _sync(centre, town, tmp_path, "2")
    for office in (town, centre):
        with office:
            fund_entries.add_entry(Project.get(Project.code == code).id, FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(3000))
    for n in range(2):
        _sync(centre, town, tmp_path, f"3{n}")
    with town:
        fund_entries.delete_entry(FundEntry.get(FundEntry.project == Project.get(Project.code == code).id).id)
    for n in range(2):
        _sync(centre, town, tmp_path, f"4{n}")
    assert _funds(centre, code) == _funds(town, code) == ([], None)


def test_a_township_cannot_add_funds_to_a_project_the_centre_moved_to_another_township(offices, tmp_path):
    centre, town = offices
    with centre:
        pid = _project_in(centre, "水南镇", "中心录入的项目", "5000")
        code = Project.get_by_id(pid).code
    _sync(centre, town, tmp_path, "1")
    with centre:
        project = Project.get(Project.code == code)
        project.township = project.responsible_unit = centre.unit("万安镇")
        project.save()
    with town:
        fund_entries.add_entry(Project.get(Project.code == code).id, FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(777))
    there, _back = _sync(centre, town, tmp_path, "2")
    assert [c.reason for c in there.of_kind("refused")] == ["属于其他乡镇的项目"]
    assert _funds(centre, code) == ([], None)


def test_entries_for_a_project_the_centre_deleted_are_refused_not_a_crash(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    _sync(centre, town, tmp_path, "1")
    _sync(centre, town, tmp_path, "2")
    with centre:
        projects.delete_project(Project.get(Project.code == code).id)
    with town:
        fund_entries.add_entry(Project.get(Project.code == code).id, FUND_ARRIVED, dt.date(2022, 3, 1), Decimal(3000))
    there = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "3-乡镇.zip").path)
    refused = there.of_kind("refused")
    assert refused and all("本机已删除" in c.reason for c in refused)
    with centre:
        assert FundEntry.select().count() == 0


def test_a_merge_at_the_centre_does_not_take_the_townships_new_contact_and_project_with_it(offices, tmp_path):
    from desktop.models.leads import CompanyContact

    centre, town = offices
    with town:
        pid = _project_in(town, "水南镇", "年产3万吨竹纤维", "8000", investor_name="福建竹源公司")
        code = Project.get_by_id(pid).code
    _sync(centre, town, tmp_path, "1")
    _sync(centre, town, tmp_path, "2")
    with town:  # meanwhile the township adds a contact and a second project for that investor
        company = Project.get(Project.code == code).investor
        investors.save_investor({"name": company.name, "contacts": [investors.ContactItem("陈总", "总经理", "13905981234")]},
                                company.id)
        second = _project_in(town, "水南镇", "竹纤维二期", "3000", investor_name="福建竹源公司")
        second_code = Project.get_by_id(second).code
    with centre:
        keep = Company.create(name="福建竹源实业有限公司", name_norm="福建竹源实业有限公司")
        investors.merge_investors(keep.id, Project.get(Project.code == code).investor_id)
    back = _receive(town, _send(centre, "水南镇", tmp_path / "3-中心.zip").path)
    assert any("还有对方没有的" in c.reason for c in back.of_kind("conflict"))
    with town:
        assert [c.name for c in CompanyContact.select()] == ["陈总"]
        assert Project.get(Project.code == second_code).investor is not None
        assert Project.get(Project.code == code).investor.name == "福建竹源实业有限公司"


def test_an_attendee_both_pcs_added_and_the_township_removed_is_gone_on_both(offices, tmp_path):
    from desktop.models.leads import Forum, ForumAttendee, Xiangxian

    centre, town = offices
    with town:
        shuinan = town.unit("水南镇")
        liao = leads.save_xiangxian(leads.XiangxianItem(None, "廖乡贤", home_township_id=shuinan, city="厦门"))
        huang = leads.save_xiangxian(leads.XiangxianItem(None, "黄乡贤", home_township_id=shuinan, city="福州"))
        forum = leads.save_forum(leads.ForumItem(None, "水南镇乡贤座谈会", dt.date(2022, 5, 1), organiser_id=shuinan,
                                                 attendee_ids=[liao]))
    _sync(centre, town, tmp_path, "1")
    _sync(centre, town, tmp_path, "2")
    with centre:  # the centre's clerk adds 黄乡贤 from the sign-in sheet …
        row = Forum.get(Forum.title == "水南镇乡贤座谈会")
        ids = [a.xiangxian_id for a in ForumAttendee.select().where(ForumAttendee.forum == row.id)]
        ids.append(Xiangxian.get(Xiangxian.name == "黄乡贤").id)
        leads.save_forum(leads.ForumItem(row.id, row.title, row.held_on, organiser_id=row.organiser_id, attendee_ids=ids))
    with town:  # … and so does the township's
        leads.save_forum(leads.ForumItem(forum, "水南镇乡贤座谈会", dt.date(2022, 5, 1), organiser_id=shuinan,
                                         attendee_ids=[liao, huang]))
    there, back = _sync(centre, town, tmp_path, "3")
    assert there.of_kind("refused") == [] and back.of_kind("refused") == []
    with town:  # 黄乡贤 did not come after all
        leads.save_forum(leads.ForumItem(forum, "水南镇乡贤座谈会", dt.date(2022, 5, 1), organiser_id=shuinan,
                                         attendee_ids=[liao]))
    _sync(centre, town, tmp_path, "4")
    _sync(centre, town, tmp_path, "5")
    for office in (centre, town):
        with office:
            row = Forum.get(Forum.title == "水南镇乡贤座谈会")
            assert [a.xiangxian.name for a in ForumAttendee.select().where(ForumAttendee.forum == row.id)] == ["廖乡贤"]


def test_a_total_typed_on_one_pc_and_monthly_entries_on_the_other_are_pointed_out_in_the_preview(offices, tmp_path):
    centre, town = offices
    code = _new_town_project(town)
    _sync(centre, town, tmp_path, "1")
    _sync(centre, town, tmp_path, "2")
    with town:  # the township types the project's 到位资金 in the form
        pid = Project.get(Project.code == code).id
        projects.update_project(pid, {**projects.project_values(pid), "arrived_funds": Decimal(5000)}, today=TODAY)
    with centre:  # the centre keeps it month by month
        fund_entries.add_entry(Project.get(Project.code == code).id, FUND_ARRIVED, dt.date(2022, 4, 1), Decimal(200))
    there = _receive(centre, _send(town, CENTRE_NAME, tmp_path / "3-乡镇.zip").path)
    assert any("对方填写的到位资金 5000 万元未采用" in c.reason and "合计为 200 万元" in c.reason for c in there.changes)
    # The other way round: the township is told that its typed figure gives way to the entries.
    with town:
        pid = Project.get(Project.code == code).id
        projects.update_project(pid, {**projects.project_values(pid), "arrived_funds": Decimal(6000)}, today=TODAY)
    back = _receive(town, _send(centre, "水南镇", tmp_path / "3-中心.zip").path)
    assert any("直接填写的 6000 万元" in c.reason for c in back.changes)
    assert _funds(centre, code) == _funds(town, code) == ([(dt.date(2022, 4, 1), Decimal(200))], Decimal(200))
