"""The demo database: the article's figures, the named projects, consistency, safe (re)building."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from desktop import db
from desktop.errors import DatabaseError, UserError
from desktop.models import Company, LifecycleStep, Person, Project, StatusChange, StepRecord, Unit
from desktop.services import defaults
from desktop.services.database import SETTING_IS_DEMO, get_setting, is_demo, set_setting
from desktop.services.demo import DEMO_AS_OF, REFERENCE_FIGURES, REFERENCE_PERIOD, build_demo
from desktop.services.lifecycle import derive_stage, project_records
from desktop.services.money import wan_to_yi
from desktop.services.projects import current_status, status_on
from desktop.services.stats import compute_stats
from desktop.services.text import normalise_name, pinyin_initials

H1 = (dt.date(2022, 1, 1), dt.date(2022, 6, 30))


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = build_demo(path)
    db.close()
    return path, summary


@pytest.fixture
def demo(demo_file):
    """The module's demo database, opened for one test (read only by convention)."""
    path, summary = demo_file
    db.connect(path)
    yield summary
    db.close()


def by_name(name: str) -> Project:
    return Project.get(Project.name == name)


def reference_sets(date_from: dt.date, date_to: dt.date) -> dict[str, set[int]]:
    """The five definitions again, project by project in Python (an independent check of the SQL)."""
    sets = {key: set() for key in ("library", "above_yi", "above_yi_started", "cloud_signed", "negotiating")}
    for project in Project.select():
        records = project_records(project.id)
        done = {number: day for number, day, not_applicable in records if not not_applicable}
        entered, signed, started = done.get(10), done.get(9), done.get(19)
        if entered and date_from <= entered <= date_to:
            sets["library"].add(project.id)
            if project.total_investment >= 10000:
                sets["above_yi"].add(project.id)
                if started and started <= date_to:
                    sets["above_yi_started"].add(project.id)
        if project.signing_mode == "云签约" and signed and date_from <= signed <= date_to:
            sets["cloud_signed"].add(project.id)
        if (
            any(day <= date_to for _, day, _ in records)
            and not (signed and signed <= date_to)
            and status_on(project.id, date_to) == "正常"
        ):
            sets["negotiating"].add(project.id)
    return sets


def amount_yi(ids: set[int]) -> Decimal:
    total = sum((p.total_investment for p in Project.select().where(Project.id.in_(list(ids)))), Decimal(0))
    return wan_to_yi(total)


# --- the figures ------------------------------------------------------------------------------


def test_the_reference_figures_come_out_exactly(demo):
    result = compute_stats(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    figures = {
        key: (float(value) if isinstance(value, Decimal) else value) for key, value in result.items()
    }
    assert figures == {
        "library_projects": 60,
        "library_investment_yi": 104.64,
        "above_yi_projects": 47,
        "above_yi_investment_yi": 97.79,
        "above_yi_started_projects": 14,
        "above_yi_started_investment_yi": 27.04,
        "cloud_signed_projects": 12,
        "cloud_signed_investment_yi": 25.70,
        "negotiating_projects": 72,
        "negotiating_investment_yi": 109.00,
    }
    assert result == REFERENCE_FIGURES
    assert REFERENCE_PERIOD == H1


@pytest.mark.parametrize(
    "period",
    [H1, (dt.date(2022, 1, 1), DEMO_AS_OF), (dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
     (dt.date(2022, 7, 1), dt.date(2022, 7, 1))],
)
def test_sql_statistics_agree_with_a_project_by_project_count(demo, period):
    result = compute_stats(*period)
    for key, ids in reference_sets(*period).items():
        assert result[f"{key}_projects"] == len(ids), key
        assert result[f"{key}_investment_yi"] == amount_yi(ids), key


def test_the_60_entered_and_the_72_negotiating_are_different_projects(demo):
    sets = reference_sets(*H1)
    assert not sets["library"] & sets["negotiating"]
    assert not sets["cloud_signed"] & (sets["library"] | sets["negotiating"])
    assert Project.select().count() >= 132 + 12


# --- the named projects -----------------------------------------------------------------------


def test_fuyuan_and_jiuce_were_entered_and_started_in_2021(demo):
    fuyuan = by_name("富远新型铝材产业园")
    assert fuyuan.investor.name == "福建富远铝业有限公司"
    assert fuyuan.total_investment == Decimal(150000)
    assert fuyuan.industry == "轻合金" and fuyuan.is_key
    assert fuyuan.library_on.year == 2021 and fuyuan.started_on.year == 2021
    assert fuyuan.operating_on is None and "在建" in fuyuan.progress_text
    jiuce = by_name("久策气体（将乐）")
    assert jiuce.total_investment == Decimal(50000)
    assert jiuce.library_on.year == 2021
    assert (jiuce.started_on.year, jiuce.started_on.month) == (2021, 10)
    assert "1.3亿元" in jiuce.content and "两期" in jiuce.content
    assert "80%" in jiuce.progress_text
    started = reference_sets(*H1)["above_yi_started"]
    assert fuyuan.id not in started and jiuce.id not in started


def test_named_projects_under_way(demo):
    assert "设备调试" in by_name("富硒香菇三产融合").progress_text
    assert "生产线安装" in by_name("水木海清生物科技").progress_text
    for name in ("富硒香菇三产融合", "水木海清生物科技"):
        assert by_name(name).started_on is not None


def test_cloud_signed_named_projects(demo):
    cloud = reference_sets(*H1)["cloud_signed"]
    for name in ("民天（将乐）保供基地", "闽台良种繁育中心"):
        project = by_name(name)
        assert project.signing_mode == "云签约"
        assert project.id in cloud


@pytest.mark.parametrize(
    ("name", "stage"),
    [
        ("年产5万吨可降解环保产品", {3, 4}),
        ("血灵芝加工", {3, 4}),  # 对接中
        ("10万吨新型铝合金材料及制品", {5}),
        ("陶粒混凝土防火保温板", {5}),  # 初审
        ("居然之家", {6}),
        ("年产6000吨食品添加剂酒石酸", {6}),
        ("年产2万吨有机硅生产线", {6}),
        ("年产3万吨钛白粉精细化加工", {6}),  # 待领导小组会研究
    ],
)
def test_projects_in_talks_under_review_or_before_the_group_are_among_the_72(demo, name, stage):
    project = by_name(name)
    assert project.stage_no in stage
    assert project.signed_on is None and project.status == "正常"
    assert project.id in reference_sets(*H1)["negotiating"]


@pytest.mark.parametrize("name", ["鑫晖源机械制造", "高频电子变压器", "高精密电子元器件"])
def test_introduced_projects_are_signed_and_entered(demo, name):
    project = by_name(name)
    assert project.signed_on is not None and project.library_on is not None
    assert "已引进" in project.progress_text


def test_industries_units_and_people(demo):
    industries = {industry for (industry,) in Project.select(Project.industry).distinct().tuples()}
    assert {"精细化工", "轻合金", "特色农林", "森林康养"} <= industries
    townships = {u.name for u in Unit.select().where(Unit.kind == "乡镇")}
    assert townships == set(defaults.TOWNSHIPS)
    assert Unit.select().count() == demo.units == 29
    assert Person.select().count() == demo.people == 40
    leaders = [p.title for p in Person.select().where(Person.is_leader == True)]  # noqa: E712
    assert "县委书记" in leaders
    assert any("县长" in t and "副" not in t.split("、")[-1] for t in leaders)
    assert any("常务副县长" in t for t in leaders)
    assert any(t == "副县长" for t in leaders)
    assert sum("县委常委" in t for t in leaders) >= 3
    assert Person.select().where(Person.is_leader == False, Person.unit.is_null(False)).count() == 30  # noqa: E712
    # Every project past the first talks has a leader in charge, and that is a 县领导.
    leaders_of_projects = Person.select().join(Project, on=(Project.leader == Person.id)).distinct()
    assert all(p.is_leader for p in leaders_of_projects)
    assert not Project.select().where((Project.stage_no >= 3) & Project.leader.is_null()).exists()
    assert is_demo() and get_setting(SETTING_IS_DEMO) == "1"
    # Everyone has an office telephone, in the form the 人员 form would save it, and no two share one.
    from desktop.services.validators import validate_phone

    phones = [p.phone for p in Person.select()]
    assert all(phone and validate_phone(phone) == phone for phone in phones)
    assert len(set(phones)) == len(phones)


# --- consistency ------------------------------------------------------------------------------


def test_cached_columns_equal_the_derivation_for_every_project(demo):
    projects = list(Project.select())
    assert len(projects) == demo.projects == 168
    for project in projects:
        derived = derive_stage(project_records(project.id))
        cached = (project.stage_no, project.signed_on, project.library_on, project.started_on, project.operating_on)
        assert cached == (derived.stage_no, derived.signed_on, derived.library_on, derived.started_on,
                          derived.operating_on), project.name
        assert project.status == current_status(project.id), project.name


def test_steps_are_recorded_in_lifecycle_order_with_plausible_dates(demo):
    optional = {s.number for s in LifecycleStep.select().where(LifecycleStep.optional == True)}  # noqa: E712
    first_unit = set(defaults.STEPS_CREDITED_TO_FIRST_UNIT)
    for project in Project.select():
        rows = (
            StepRecord.select(LifecycleStep.number, StepRecord.done_on, StepRecord.not_applicable, StepRecord.unit)
            .join(LifecycleStep)
            .where(StepRecord.project == project.id)
            .order_by(LifecycleStep.number)
            .tuples()
        )
        numbers = [number for number, _, _, _ in rows]
        assert numbers == list(range(1, project.stage_no + 1)), project.name
        dates = [day for _, day, _, _ in rows]
        assert dates == sorted(dates), project.name
        assert dt.date(2021, 1, 1) <= dates[0] and dates[-1] <= DEMO_AS_OF, project.name
        for number, _, not_applicable, unit_id in rows:
            assert not not_applicable or number in optional
            expected = project.first_unit_id if number in first_unit else project.responsible_unit_id
            if not_applicable:
                expected = None  # 不涉及 earns no points: no unit is credited
            assert unit_id == expected, (project.name, number)
    assert StepRecord.select().where(StepRecord.not_applicable == True).exists()  # noqa: E712
    assert StatusChange.select().where(StatusChange.changed_on > DEMO_AS_OF).count() == 0


def test_names_codes_and_amounts_are_as_the_services_make_them(demo):
    codes = re.compile(r"^JL-(\d{4})-(\d{4})$")
    for project in Project.select():
        assert project.name_norm == normalise_name(project.name)
        assert project.name_initials == pinyin_initials(project.name)
        match = codes.match(project.code)
        assert match, project.code
        lead = min(day for _, day, _ in project_records(project.id))
        assert int(match.group(1)) == lead.year, project.name
        assert project.total_investment > 0
        assert project.fixed_asset_investment is not None and project.fixed_asset_investment <= project.total_investment
        assert project.land_area is not None and project.land_area >= 0
        assert (project.signed_amount is not None) == (project.signed_on is not None)
        if project.signing_mode:
            assert project.signed_on is not None
        assert project.progress_text
        assert project.township.kind == "乡镇"
    for company in Company.select():
        assert company.name_norm == normalise_name(company.name)
        assert company.name_initials == pinyin_initials(company.name)
    assert "fjfylyyxgs" in Company.get(Company.name == "福建富远铝业有限公司").name_initials


def test_describe_says_what_was_made(demo):
    text = demo.describe()
    assert text.startswith("已生成演示数据库 ")
    assert text.endswith("：项目 168 个，单位 29 个，干部 40 人")


# --- building safely --------------------------------------------------------------------------


def file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refuses_an_existing_file_without_force(demo_file, tmp_path):
    target = tmp_path / "demo.db"
    shutil.copy(demo_file[0], target)
    before = file_digest(target)
    with pytest.raises(DatabaseError, match="--force"):
        build_demo(target)
    assert file_digest(target) == before


def test_refuses_a_missing_folder(tmp_path):
    with pytest.raises(DatabaseError, match="文件夹不存在"):
        build_demo(tmp_path / "没有这个文件夹" / "demo.db")


def snapshot() -> list[tuple]:
    return list(
        Project.select(Project.code, Project.name, Project.total_investment, Project.stage_no, Project.status,
                       Project.signed_on, Project.library_on, Project.started_on)
        .order_by(Project.code)
        .tuples()
    )


def test_force_rebuilds_the_same_demo(demo_file, tmp_path):
    target = tmp_path / "demo.db"
    shutil.copy(demo_file[0], target)
    db.connect(target)
    expected = snapshot()
    set_setting("marker", "旧文件")
    Project.delete().where(Project.name == "居然之家").execute()
    db.close()
    calls = []
    summary = build_demo(target, force=True, progress=lambda done, total: calls.append((done, total)))
    try:
        assert summary.projects == 168
        assert get_setting("marker") == ""  # a new file, not the old one patched
        assert snapshot() == expected  # deterministic
        assert compute_stats(*H1) == REFERENCE_FIGURES
    finally:
        db.close()
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and calls[-1][0] == calls[-1][1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


def test_cancel_leaves_no_file(tmp_path):
    target = tmp_path / "demo.db"
    seen = []

    def progress(done, total):
        seen.append(done)
        return done < 50  # cancel half-way through writing the projects

    with pytest.raises(UserError, match="已取消"):
        build_demo(target, progress=progress)
    assert max(seen) == 50
    assert list(tmp_path.iterdir()) == []


def test_cancel_of_a_forced_rebuild_keeps_the_old_file(demo_file, tmp_path):
    target = tmp_path / "demo.db"
    shutil.copy(demo_file[0], target)
    before = file_digest(target)
    with pytest.raises(UserError, match="已取消"):
        build_demo(target, force=True, progress=lambda done, total: done < 100)
    assert file_digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


def test_a_forced_rebuild_of_a_demo_open_in_another_window_says_so_and_keeps_it(demo_file, tmp_path, monkeypatch):
    """Windows will not delete a database file another window has open: a Chinese sentence, the old file
    kept as it was, no half-built file left beside it."""
    target = tmp_path / "演示数据.db"
    shutil.copy(demo_file[0], target)
    before = file_digest(target)
    real_unlink = Path.unlink

    def unlink(path, *args, **kwargs):
        if path == target:
            raise PermissionError(32, "另一个程序正在使用此文件，进程无法访问。", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(DatabaseError, match="演示数据库正在使用中.*请先关闭"):
        build_demo(target, force=True)
    monkeypatch.undo()
    assert file_digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["演示数据.db"]


def test_a_failure_half_way_leaves_no_file(tmp_path):
    target = tmp_path / "demo.db"

    def progress(done, total):
        if done == 20:
            raise RuntimeError("磁盘已满（模拟）")

    with pytest.raises(RuntimeError):
        build_demo(target, progress=progress)
    assert list(tmp_path.iterdir()) == []


def test_the_centre_has_issued_two_quarterly_bulletins(demo):
    from desktop.services import scoring

    bulletins = scoring.list_bulletins()
    assert len(bulletins) == 2
    first, second = sorted((scoring.open_bulletin(b.id) for b in bulletins), key=lambda b: b.published_on)
    assert (first.number, first.published_on) == ("将招商〔2022〕12号", dt.date(2022, 4, 8))
    assert second.board.period.label == scoring.quarter_period(2022, 2).label
    # Frozen as the live board of that quarter shows it.
    live = scoring.compute_board(scoring.quarter_period(2022, 2))
    assert [(r.unit, r.points) for r in second.board.rows] == [(r.unit, r.points) for r in live.rows]
    assert any(r.points > 0 for r in second.board.rows)


def test_the_trail_shows_a_few_edits_of_august_2022_by_the_demo_accounts(demo):
    from desktop.models.audit import AuditEntry

    entries = list(AuditEntry.select().order_by(AuditEntry.at))
    assert len(entries) == 5
    assert {e.user_name for e in entries} == {"演示账号", "水南镇招商员"}
    assert all(dt.datetime(2022, 8, 1) <= e.at <= dt.datetime(2022, 8, 31) for e in entries)
    first = entries[0]
    assert (first.field, first.new_value) == ("progress_text", "已开工，果园基地平整完成，加工厂房基础施工中")
    assert first.user_name == "水南镇招商员" and first.row_label.startswith("JL-2021-0018")
    # The projects say what the trail says they were changed to.
    assert Project.get(Project.code == "JL-2021-0016").contact == "黄经理 138****1234"
