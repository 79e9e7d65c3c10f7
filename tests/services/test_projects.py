"""Projects: validation messages, create/edit, codes, the duplicate warning, status history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Company, Project, StatusChange
from desktop.services import projects
from desktop.services.database import init_database

TODAY = dt.date(2022, 8, 25)


def values(**overrides) -> dict:
    base = {"name": "富远新型铝材产业园", "investor_name": "福建富远铝业有限公司", "total_investment": Decimal(150000)}
    base.update(overrides)
    return base


# --- validation: one message per rule, next to its field -------------------------------------


def test_valid_values_have_no_errors():
    assert projects.validate_project(values(fixed_asset_investment=Decimal(120000), land_area=Decimal(300)), today=TODAY) == {}


@pytest.mark.parametrize("name", ["", "   ", None])
def test_name_is_required(name):
    errors = projects.validate_project(values(name=name), today=TODAY)
    assert errors == {"name": "请填写项目名称"}


def test_name_is_at_most_200_characters():
    assert "200" in projects.validate_project(values(name="项" * 201), today=TODAY)["name"]
    assert projects.validate_project(values(name="项" * 200), today=TODAY) == {}


def test_total_investment_is_required_and_positive():
    assert projects.validate_project(values(total_investment=None), today=TODAY) == {"total_investment": "请填写总投资"}
    assert projects.validate_project(values(total_investment=Decimal(0)), today=TODAY) == {"total_investment": "总投资必须大于 0"}
    assert projects.validate_project(values(total_investment=Decimal(-1)), today=TODAY) == {"total_investment": "总投资必须大于 0"}
    assert projects.validate_project(values(total_investment=Decimal("0.0001")), today=TODAY) == {}


def test_fixed_assets_may_not_exceed_total():
    errors = projects.validate_project(values(total_investment=Decimal(100), fixed_asset_investment=Decimal("100.0001")), today=TODAY)
    assert errors == {"fixed_asset_investment": "固定资产投资不能大于总投资"}
    assert projects.validate_project(values(total_investment=Decimal(100), fixed_asset_investment=Decimal(100)), today=TODAY) == {}


def test_land_area_may_be_zero_but_not_negative():
    assert projects.validate_project(values(land_area=Decimal(-1)), today=TODAY) == {"land_area": "用地面积不能为负数"}
    assert projects.validate_project(values(land_area=Decimal(0)), today=TODAY) == {}


def test_a_status_date_may_not_be_in_the_future():
    errors = projects.validate_project(values(status="暂缓", status_on=TODAY + dt.timedelta(days=1)), today=TODAY)
    assert errors == {"status_on": "状态变更日期不能晚于今天"}
    assert projects.validate_project(values(status="暂缓", status_on=TODAY), today=TODAY) == {}


def test_negative_and_absurd_amounts_are_refused():
    errors = projects.validate_project(values(signed_amount=Decimal(-5), arrived_funds=Decimal(20000000)), today=TODAY)
    assert errors["signed_amount"] == "签约额不能为负数"
    assert "1000 亿元" in errors["arrived_funds"]


def test_bad_status_and_signing_mode_are_refused():
    errors = projects.validate_project(values(status="完成", signing_mode="电话签约"), today=TODAY)
    assert set(errors) == {"status", "signing_mode"}


def test_every_problem_is_reported_at_once():
    errors = projects.validate_project({"name": "", "total_investment": None, "land_area": Decimal(-3)}, today=TODAY)
    assert set(errors) == {"name", "total_investment", "land_area"}


def test_nothing_is_saved_while_invalid(fresh_db):
    with pytest.raises(ValidationError) as info:
        projects.create_project(values(name="", total_investment=Decimal(0)), today=TODAY)
    assert info.value.errors == {"name": "请填写项目名称", "total_investment": "总投资必须大于 0"}
    assert "请填写项目名称" in str(info.value)
    assert Project.select().count() == 0
    assert Company.select().count() == 0


# --- create / update ---------------------------------------------------------------------------


def test_create_stores_the_values(fresh_db):
    from desktop.services.reference import list_units

    units = {u.name: u.id for u in list_units()}
    pid = projects.create_project(
        values(
            fixed_asset_investment=Decimal("120000.5"),
            land_area=Decimal("300.25"),
            industry="轻合金",
            township_id=units["水南镇"],
            responsible_unit_id=units["将乐经济开发区"],
            first_unit_id=units["县商务局"],
            signing_mode="云签约",
            is_key=True,
            progress_text="厂房主体完工",
        ),
        today=TODAY,
    )
    saved = projects.project_values(pid)
    assert saved["code"] == "JL-2022-0001"
    assert saved["name"] == "富远新型铝材产业园"
    assert saved["investor_name"] == "福建富远铝业有限公司"
    assert saved["total_investment"] == Decimal(150000)
    assert saved["fixed_asset_investment"] == Decimal("120000.5")
    assert saved["land_area"] == Decimal("300.25")
    assert saved["township_id"] == units["水南镇"]
    assert saved["signing_mode"] == "云签约"
    assert saved["is_key"] is True
    assert saved["status"] == "正常"
    assert saved["stage_no"] == 0
    assert saved["progress_text"] == "厂房主体完工"
    row = Project.get_by_id(pid)
    assert row.name_initials == "fyxxlccyy"


def test_update_changes_values_and_search_fields(fresh_db):
    pid = projects.create_project(values(), today=TODAY)
    code = Project.get_by_id(pid).code
    projects.update_project(pid, values(name="富远新型铝材产业园（二期）", total_investment=Decimal(180000)), today=TODAY)
    row = Project.get_by_id(pid)
    assert row.code == code  # the code never changes
    assert row.name == "富远新型铝材产业园（二期）"
    assert row.name_norm == "富远新型铝材产业园(二期)"
    assert row.total_investment == Decimal(180000)
    assert Project.select().count() == 1


def test_update_refuses_invalid_values_and_keeps_the_old_ones(fresh_db):
    pid = projects.create_project(values(), today=TODAY)
    with pytest.raises(ValidationError):
        projects.update_project(pid, values(total_investment=None), today=TODAY)
    assert Project.get_by_id(pid).total_investment == Decimal(150000)


def test_update_of_a_deleted_project_says_so(fresh_db):
    pid = projects.create_project(values(), today=TODAY)
    projects.delete_project(pid)
    with pytest.raises(NotFoundError, match="不存在"):
        projects.update_project(pid, values(), today=TODAY)
    with pytest.raises(NotFoundError):
        projects.delete_project(pid)


def test_an_unknown_unit_is_refused(fresh_db):
    with pytest.raises(NotFoundError, match="单位不存在"):
        projects.create_project(values(township_id=99999), today=TODAY)
    assert Project.select().count() == 0


def test_the_same_investor_typed_differently_is_one_company(fresh_db):
    first = projects.create_project(values(name="项目甲", investor_name="久策气体（将乐）有限公司"), today=TODAY)
    second = projects.create_project(values(name="项目乙", investor_name=" 久策气体(将乐) 有限公司"), today=TODAY)
    assert Project.get_by_id(first).investor_id == Project.get_by_id(second).investor_id
    assert Company.select().count() == 1


def test_no_investor_is_allowed(fresh_db):
    pid = projects.create_project(values(investor_name=""), today=TODAY)
    assert projects.project_values(pid)["investor_name"] == ""


# --- codes PREFIX-YEAR-NNNN ------------------------------------------------------------------------


def test_codes_count_up_per_year(fresh_db):
    codes = [Project.get_by_id(projects.create_project(values(name=f"项目{i}"), today=TODAY)).code for i in range(3)]
    assert codes == ["JL-2022-0001", "JL-2022-0002", "JL-2022-0003"]
    next_year = projects.create_project(values(name="明年的项目"), today=dt.date(2023, 1, 2))
    assert Project.get_by_id(next_year).code == "JL-2023-0001"
    assert projects.next_code(2022) == "JL-2022-0004"


def test_codes_continue_after_the_highest_even_with_gaps(fresh_db):
    projects.create_project(values(name="甲", code="JL-2022-0041"), today=TODAY)
    assert projects.next_code(2022) == "JL-2022-0042"


def test_codes_use_the_installation_prefix(tmp_path):
    from desktop import db

    init_database(tmp_path / "水南镇.db", name="水南镇", prefix="SN")
    try:
        pid = projects.create_project(values(), today=TODAY)
        assert Project.get_by_id(pid).code == "SN-2022-0001"
    finally:
        db.close()


# --- duplicate warning -----------------------------------------------------------------------------


def test_the_same_name_and_investor_is_reported_as_the_same(fresh_db):
    pid = projects.create_project(values(name="久策气体（将乐）", investor_name="久策气体（将乐）有限公司"), today=TODAY)
    found = projects.find_similar(" 久策气体 (将乐) ", "久策气体(将乐)有限公司")
    assert len(found) == 1
    assert found[0].project_id == pid
    assert found[0].same is True
    assert found[0].distance == 0
    assert "已有同名项目" in found[0].describe()
    assert "JL-2022-0001" in found[0].describe()


def test_full_width_digits_match_too(fresh_db):
    projects.create_project(values(name="年产５万吨可降解环保产品", investor_name=""), today=TODAY)
    found = projects.find_similar("年产5万吨可降解环保产品")
    assert [f.same for f in found] == [True]


def test_a_close_name_is_reported_with_how_close(fresh_db):
    projects.create_project(values(name="陶粒混凝土防火保温板", investor_name=""), today=TODAY)
    found = projects.find_similar("陶粒混凝土防火保温板项目")
    assert len(found) == 1
    assert found[0].same is False
    assert found[0].distance == 2
    assert "相差 2 个字" in found[0].describe()


def test_the_same_name_with_another_investor_is_close_not_same(fresh_db):
    projects.create_project(values(name="血灵芝加工", investor_name="甲公司"), today=TODAY)
    found = projects.find_similar("血灵芝加工", "乙公司")
    assert len(found) == 1
    assert (found[0].same, found[0].distance) == (False, 0)


def test_unrelated_names_and_the_project_itself_are_not_reported(fresh_db):
    pid = projects.create_project(values(name="鑫晖源机械制造", investor_name=""), today=TODAY)
    assert projects.find_similar("高频电子变压器") == []
    assert projects.find_similar("鑫晖源机械制造", exclude_id=pid) == []
    assert projects.find_similar("") == []


def test_same_comes_before_close(fresh_db):
    projects.create_project(values(name="高精密电子元器件项目", investor_name=""), today=TODAY)
    projects.create_project(values(name="高精密电子元器件", investor_name=""), today=TODAY)
    found = projects.find_similar("高精密电子元器件")
    assert [f.same for f in found] == [True, False]


# --- status history --------------------------------------------------------------------------------


def test_status_history_is_dated(fresh_db):
    pid = projects.create_project(values(status="暂缓", status_on=dt.date(2022, 3, 1), status_reason="资金未到位"), today=TODAY)
    assert Project.get_by_id(pid).status == "暂缓"
    projects.update_project(pid, values(status="正常", status_on=dt.date(2022, 5, 1)), today=TODAY)
    projects.change_status(pid, "终止", dt.date(2022, 7, 15), "企业放弃", today=TODAY)

    history = [(c.status, c.changed_on, c.reason) for c in projects.status_history(pid)]
    assert history == [
        ("暂缓", dt.date(2022, 3, 1), "资金未到位"),
        ("正常", dt.date(2022, 5, 1), ""),
        ("终止", dt.date(2022, 7, 15), "企业放弃"),
    ]
    assert projects.status_on(pid, dt.date(2022, 2, 28)) == "正常"  # before any change
    assert projects.status_on(pid, dt.date(2022, 3, 1)) == "暂缓"
    assert projects.status_on(pid, dt.date(2022, 4, 30)) == "暂缓"
    assert projects.status_on(pid, dt.date(2022, 6, 30)) == "正常"
    assert projects.status_on(pid, dt.date(2022, 7, 15)) == "终止"
    assert projects.current_status(pid) == "终止"
    assert Project.get_by_id(pid).status == "终止"
    assert projects.project_values(pid)["status"] == "终止"


def test_a_status_recorded_late_for_an_earlier_day_keeps_the_history_in_date_order(fresh_db):
    pid = projects.create_project(values(), today=TODAY)
    projects.change_status(pid, "暂缓", dt.date(2022, 6, 1), today=TODAY)
    projects.change_status(pid, "终止", dt.date(2022, 4, 1), today=TODAY)  # entered afterwards
    assert projects.status_on(pid, dt.date(2022, 5, 1)) == "终止"
    assert projects.current_status(pid) == "暂缓"
    assert Project.get_by_id(pid).status == "暂缓"


def test_an_unchanged_status_records_nothing(fresh_db):
    pid = projects.create_project(values(), today=TODAY)
    projects.update_project(pid, values(status="正常"), today=TODAY)
    assert StatusChange.select().count() == 0


def test_a_future_or_unknown_status_change_is_refused(fresh_db):
    pid = projects.create_project(values(), today=TODAY)
    with pytest.raises(UserError, match="不能晚于今天"):
        projects.change_status(pid, "暂缓", TODAY + dt.timedelta(days=1), today=TODAY)
    with pytest.raises(UserError, match="正常、暂缓 或 终止"):
        projects.change_status(pid, "完工", TODAY, today=TODAY)
    assert StatusChange.select().count() == 0
    assert Project.get_by_id(pid).status == "正常"


def test_not_finite_numbers_and_amounts_below_one_yuan_are_refused():
    from decimal import Decimal as D

    errors = projects.validate_project(values(total_investment=D("0.00001"), land_area=D("NaN")), today=TODAY)
    assert errors["total_investment"] == "总投资必须大于 0"
    assert errors["land_area"] == "用地面积不是有效的数字"
    errors = projects.validate_project(values(fixed_asset_investment=D("Infinity")), today=TODAY)
    assert errors["fixed_asset_investment"] == "固定资产投资不是有效的数字"
    # Stored in whole 元, rounded half up: half a 元 is the least that is not saved as 0.
    assert "total_investment" in projects.validate_project(values(total_investment=D("0.0000499")), today=TODAY)
    assert "total_investment" not in projects.validate_project(values(total_investment=D("0.00005")), today=TODAY)


def test_same_name_with_another_investor_is_described_as_such(fresh_db):
    projects.create_project(values(name="居然之家", investor_name="居然之家新零售集团"), today=TODAY)
    (similar,) = projects.find_similar("居然之家", "另一家公司")
    assert not similar.same
    assert similar.describe().endswith("投资方不同")


def test_absurdly_large_amounts_are_a_message_not_a_crash():
    from decimal import Decimal as D

    errors = projects.validate_project(values(total_investment=D("1e40"), fixed_asset_investment=D("1e40")), today=TODAY)
    assert "超过 1000 亿元" in errors["total_investment"]
