"""Investors: credit codes (GB 32100-2015), phones, duplicates by code and by normalised name, merging."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import ValidationError
from desktop.models import Company, Project
from desktop.models.leads import CompanyContact, CompanyMerge
from desktop.services import investors, projects
from desktop.services.investors import ContactItem, credit_code_problem, investor_key

# Real, published codes: each check character is right.
VALID_CODES = ["91350100M000100Y43", "9144030071526726XG", "914403001922038216", "91330100716105852F"]
TODAY = dt.date(2022, 8, 25)


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code):
    assert credit_code_problem(code) is None
    assert credit_code_problem(code.lower()) is None  # typed in lower case
    assert credit_code_problem(" " + code.replace("9", "９", 1)) is None  # full-width digit from an IME


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("9135010M000100Y43", "应为 18 位，这里是 17 位"),
        ("91350100M000100Y434", "应为 18 位，这里是 19 位"),
        ("91350100M00O100Y43", "不允许的字符：O"),
        ("91350100I000100Y43", "不允许的字符：I"),
        ("Z1350100M000100Y43", "不允许的字符：Z"),
        ("X1350100M000100Y43", "第 1 位（登记管理部门）不能是 X"),
        ("H1350100M000100Y4C", "第 1 位（登记管理部门）不能是 H"),
        ("9135A100M000100Y43", "第 3–8 位应为行政区划代码"),
        ("91350100M000100Y44", "校验位不对：最后一位应为 3，这里是 4"),
        ("9144030071526726X9", "校验位不对：最后一位应为 G"),
    ],
)
def test_each_kind_of_wrong_code_says_what_is_wrong(code, words):
    problem = credit_code_problem(code)
    assert problem is not None and words in problem


def test_empty_code_is_allowed():
    assert credit_code_problem("") is None


@pytest.mark.parametrize(("a", "b"), [
    ("福建富远铝业有限公司", "福建富远铝业股份有限公司"),
    ("久策气体（将乐）有限公司", "久策气体(将乐)有限公司"),
    ("久策气体（将乐）有限公司", "久策气体有限公司"),
    ("福建 富远铝业 有限公司", "福建富远铝业"),
])
def test_investor_key_ignores_legal_form_place_marks_and_bracket_width(a, b):
    assert investor_key(a) == investor_key(b)


def test_investor_key_keeps_different_companies_apart():
    assert investor_key("福建富远铝业有限公司") != investor_key("福建富远铝材有限公司")


def test_save_refuses_a_wrong_code_and_a_code_already_used(fresh_db):
    with pytest.raises(ValidationError) as wrong:
        investors.save_investor({"name": "甲公司", "credit_code": "91350100M000100Y44"})
    assert "校验位" in wrong.value.errors["credit_code"]
    assert Company.select().count() == 0
    first = investors.save_investor({"name": "甲公司", "credit_code": VALID_CODES[0]})
    with pytest.raises(ValidationError) as taken:
        investors.save_investor({"name": "乙公司", "credit_code": VALID_CODES[0].lower()})
    assert "已属于“甲公司”" in taken.value.errors["credit_code"]
    investors.save_investor({"name": "甲公司（更名）", "credit_code": VALID_CODES[0]}, first)  # its own code is fine
    assert Company.get_by_id(first).name == "甲公司（更名）"


def test_contacts_are_saved_and_bad_phones_refused(fresh_db):
    with pytest.raises(ValidationError) as bad:
        investors.save_investor({"name": "甲公司", "contacts": [ContactItem("陈经理", "总经理", "138000012345")]})
    assert "第 1 个联系人" in bad.value.errors["contacts.1"]
    company_id = investors.save_investor({"name": "甲公司", "region": "福州", "contacts": [
        ContactItem("陈经理", "总经理", "13800001234"), ContactItem("林总", "", "0598-2321234")]})
    item = investors.get_investor(company_id)
    assert [(c.name, c.phone) for c in item.contacts] == [("陈经理", "13800001234"), ("林总", "0598-2321234")]
    investors.save_investor({"name": "甲公司", "contacts": [item.contacts[1]]}, company_id)
    assert [c.name for c in investors.get_investor(company_id).contacts] == ["林总"]


def test_duplicates_found_by_code_and_by_name(fresh_db):
    a = investors.save_investor({"name": "福建富远铝业有限公司", "credit_code": VALID_CODES[0]})
    b = investors.save_investor({"name": "福建富远铝业股份有限公司"})
    c = investors.save_investor({"name": "久策气体（将乐）有限公司"})
    d = investors.save_investor({"name": "久策气体(将乐)有限公司"})
    investors.save_investor({"name": "血灵芝生物科技有限公司"})
    pairs = {(p.first_id, p.second_id): p.reason for p in investors.find_duplicates()}
    assert set(pairs) == {(a, b), (c, d)}
    assert "名称相同" in pairs[(a, b)]


def test_merge_moves_projects_and_contacts_and_is_logged(fresh_db):
    keep = investors.save_investor({"name": "福建富远铝业有限公司", "contacts": [ContactItem("陈经理", "", "13800001234")]})
    gone = investors.save_investor({"name": "福建富远铝业股份有限公司", "credit_code": VALID_CODES[1], "region": "福州",
                                    "contacts": [ContactItem("林总", "", "13900001234")]})
    project_id = projects.create_project({"name": "富远新型铝材产业园", "investor_name": "福建富远铝业股份有限公司",
                                          "total_investment": Decimal(150000)}, today=TODAY)
    assert Project.get_by_id(project_id).investor_id == gone
    moved = investors.merge_investors(keep, gone, merged_by="测试")
    assert moved == 1
    assert Project.get_by_id(project_id).investor_id == keep
    assert Company.get_or_none(Company.id == gone) is None
    kept = investors.get_investor(keep)
    assert sorted(c.name for c in kept.contacts) == ["林总", "陈经理"]
    assert kept.credit_code == VALID_CODES[1] and kept.region == "福州"
    log = investors.merge_log(keep)
    assert log[0]["removed"] == "福建富远铝业股份有限公司" and log[0]["projects_moved"] == 1 and log[0]["contacts_moved"] == 1
    assert CompanyMerge.select().count() == 1 and CompanyContact.select().count() == 2


def test_merge_with_itself_is_refused(fresh_db):
    keep = investors.save_investor({"name": "甲公司"})
    with pytest.raises(ValidationError):
        investors.merge_investors(keep, keep)
