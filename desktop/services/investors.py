"""Investors（客商/企业）: credit codes, contacts, duplicates and merging.

A 统一社会信用代码 (GB 32100-2015) is 18 characters: registration authority, organisation kind,
6-digit region, the 9-character organisation code and a check character computed over the first
17 with weights 3^i mod 31. A wrong code is refused with the reason; an empty one is allowed
(many leads arrive before the company is registered).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from peewee import JOIN, fn

from desktop.db import database
from desktop.errors import NotFoundError, ValidationError
from desktop.models import Company, Project
from desktop.models.base import now
from desktop.models.chains import ChainCompany
from desktop.models.leads import CompanyContact, CompanyMerge
from desktop.services import access
from desktop.services.text import normalise_name, pinyin_initials

CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
REGISTRATION_AUTHORITIES = set("123456789ABCDEFGNY")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CODE_CHARSET.index(char) * weight for char, weight in zip(first17, CODE_WEIGHTS))
    return CODE_CHARSET[(31 - total % 31) % 31]


def normalise_credit_code(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").upper()


def credit_code_problem(text: str) -> str | None:
    """Why `text` is not a valid 统一社会信用代码, or None when it is (or is empty)."""
    code = normalise_credit_code(text)
    if not code:
        return None
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，这里是 {len(code)} 位"
    bad = sorted({char for char in code if char not in CODE_CHARSET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）"
    if code[0] not in REGISTRATION_AUTHORITIES:
        return f"统一社会信用代码第 1 位（登记管理部门）不能是 {code[0]}"
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3–8 位应为行政区划代码（6 位数字）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位不对：最后一位应为 {expected}，这里是 {code[17]}（请核对是否抄错）"
    return None


def phone_problem(text: str) -> str | None:
    phone = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    if not phone:
        return None
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return None
    return f"电话号码“{text}”格式不对（手机 11 位，或 区号-号码）"


_BRACKETED_PLACE = re.compile(r"\(([\u4e00-\u9fff]{2,4})\)")
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "公司")


def investor_key(name: str) -> str:
    """A name for finding duplicates: brackets' width, （将乐）-style place marks and legal suffixes ignored."""
    folded = normalise_name(name)  # NFKC: full-width brackets → half-width, no spaces, lower case
    folded = _BRACKETED_PLACE.sub("", folded)
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            folded = folded[: -len(suffix)]
            break
    return folded


@dataclass
class ContactItem:
    name: str
    title: str = ""
    phone: str = ""
    id: int | None = None


@dataclass
class InvestorItem:
    id: int
    name: str
    credit_code: str
    region: str
    industry: str
    notes: str
    project_count: int = 0
    contacts: list[ContactItem] = field(default_factory=list)
    projects: list[tuple[int, str, str]] = field(default_factory=list)  # (id, code, name)


@dataclass(frozen=True)
class DuplicatePair:
    first_id: int
    first_name: str
    second_id: int
    second_name: str
    reason: str  # 信用代码相同 / 名称相同（忽略“有限公司”等）


def list_investors(search: str = "") -> list[InvestorItem]:
    counts = fn.COUNT(Project.id)
    query = (
        Company.select(Company, counts.alias("project_count"))
        .join(Project, JOIN.LEFT_OUTER, on=(Project.investor == Company.id))
        .group_by(Company.id)
        .order_by(Company.name)
    )
    text = (search or "").strip().lower()
    items = []
    for company in query:
        if text and text not in company.name.lower() and text not in (company.name_initials or "") and text not in (company.credit_code or "").lower():
            continue
        items.append(InvestorItem(company.id, company.name, company.credit_code or "", company.region, company.industry,
                                  company.notes, int(company.project_count)))
    return items


def get_investor(company_id: int) -> InvestorItem:
    company = Company.get_or_none(Company.id == company_id)
    if company is None:
        raise NotFoundError(f"找不到这个客商（编号 {company_id}），可能已被合并或删除。")
    item = InvestorItem(company.id, company.name, company.credit_code or "", company.region, company.industry, company.notes)
    item.contacts = [ContactItem(c.name, c.title, c.phone, c.id)
                     for c in CompanyContact.select().where(CompanyContact.company == company.id).order_by(CompanyContact.id)]
    item.projects = list(Project.select(Project.id, Project.code, Project.name)
                         .where(Project.investor == company.id).order_by(Project.code).tuples())
    item.project_count = len(item.projects)
    return item


def validate_investor(values: dict, company_id: int | None = None) -> dict:
    """Checked and cleaned values, or ValidationError with a message per field."""
    errors: dict[str, str] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = "请填写企业名称"
    code = normalise_credit_code(values.get("credit_code") or "")
    problem = credit_code_problem(code)
    if problem:
        errors["credit_code"] = problem
    elif code:
        other = Company.get_or_none((Company.credit_code == code) & (Company.id != (company_id or 0)))
        if other is not None:
            errors["credit_code"] = f"这个统一社会信用代码已属于“{other.name}”，请勿重复登记（可合并两条记录）"
    contacts = []
    for index, contact in enumerate(values.get("contacts") or [], 1):
        contact_name = (contact.name or "").strip()
        if not contact_name and not (contact.phone or "").strip():
            continue
        if not contact_name:
            errors[f"contacts.{index}"] = f"第 {index} 个联系人没有姓名"
        phone_error = phone_problem(contact.phone)
        if phone_error:
            errors[f"contacts.{index}"] = f"第 {index} 个联系人：{phone_error}"
        contacts.append(ContactItem(contact_name, (contact.title or "").strip(),
                                    unicodedata.normalize("NFKC", contact.phone or "").strip(), contact.id))
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "credit_code": code or None,
        "region": (values.get("region") or "").strip(),
        "industry": (values.get("industry") or "").strip(),
        "notes": (values.get("notes") or "").strip(),
        "contacts": contacts,
    }


def save_investor(values: dict, company_id: int | None = None) -> int:
    access.require_centre()
    clean = validate_investor(values, company_id)
    contacts = clean.pop("contacts")
    with database.atomic():
        if company_id is None:
            company = Company(**clean)
        else:
            company = Company.get_or_none(Company.id == company_id)
            if company is None:
                raise NotFoundError(f"找不到这个客商（编号 {company_id}）。")
            for key, value in clean.items():
                setattr(company, key, value)
        company.name_norm = normalise_name(company.name)
        company.name_initials = pinyin_initials(company.name)
        company.save()
        keep = {c.id for c in contacts if c.id}
        for old in CompanyContact.select().where(CompanyContact.company == company.id):
            if old.id not in keep:
                old.delete_instance()
        for contact in contacts:
            row = CompanyContact.get_or_none(CompanyContact.id == contact.id) if contact.id else None
            row = row or CompanyContact(company=company.id)
            row.name, row.title, row.phone = contact.name, contact.title, contact.phone
            row.save()
    return company.id


def find_duplicates() -> list[DuplicatePair]:
    """Pairs of investors that are probably one company: the same credit code or the same key name."""
    rows = list(Company.select(Company.id, Company.name, Company.credit_code).order_by(Company.id).tuples())
    pairs: list[DuplicatePair] = []
    seen: set[tuple[int, int]] = set()
    by_code: dict[str, tuple[int, str]] = {}
    by_key: dict[str, tuple[int, str]] = {}
    for company_id, name, code in rows:
        for table, key, reason in ((by_code, code, "统一社会信用代码相同"),
                                   (by_key, investor_key(name), "名称相同（忽略“有限公司”、括号和地名）")):
            if not key:
                continue
            if key in table:
                first_id, first_name = table[key]
                if (first_id, company_id) not in seen:
                    seen.add((first_id, company_id))
                    pairs.append(DuplicatePair(first_id, first_name, company_id, name, reason))
            else:
                table[key] = (company_id, name)
    return pairs


def merge_investors(keep_id: int, remove_id: int, *, merged_by: str = "") -> int:
    """Move `remove_id`'s projects, contacts and chain places to `keep_id`, then delete it (logged)."""
    access.require_centre()
    if keep_id == remove_id:
        raise ValidationError({"merge": "不能把一个客商与它自己合并"})
    keep = Company.get_or_none(Company.id == keep_id)
    remove = Company.get_or_none(Company.id == remove_id)
    if keep is None or remove is None:
        raise NotFoundError("要合并的客商已不存在，请刷新列表。")
    with database.atomic():
        # A new version of each project, so the change reaches exchange partners (who delete `remove` too).
        projects = Project.update(investor=keep.id, version=Project.version + 1, updated_at=now()).where(
            Project.investor == remove.id).execute()
        contacts = CompanyContact.update(company=keep.id, version=CompanyContact.version + 1, updated_at=now()).where(
            CompanyContact.company == remove.id).execute()
        kept_links = {link for (link,) in ChainCompany.select(ChainCompany.link).where(ChainCompany.company == keep.id).tuples()}
        for place in ChainCompany.select().where(ChainCompany.company == remove.id):
            if place.link_id in kept_links:
                place.delete_instance()
            else:
                place.company = keep.id
                place.save()
        removed_code = remove.credit_code or ""
        for attribute in ("region", "industry"):
            if not getattr(keep, attribute) and getattr(remove, attribute):
                setattr(keep, attribute, getattr(remove, attribute))
        if remove.notes:
            keep.notes = (keep.notes + "\n" if keep.notes else "") + f"（并入“{remove.name}”）{remove.notes}"
        remove.delete_instance()
        if not keep.credit_code and removed_code:
            keep.credit_code = removed_code
        keep.save()
        CompanyMerge.create(kept=keep.id, removed_name=remove.name, removed_credit_code=removed_code,
                            projects_moved=projects, contacts_moved=contacts, merged_by=merged_by)
    return projects


def merge_log(company_id: int | None = None) -> list[dict]:
    """Past merges, newest first: kept investor, the removed one's name and code, what moved, when, by whom."""
    query = (CompanyMerge.select(CompanyMerge, Company.name.alias("kept_name"))
             .join(Company, on=(CompanyMerge.kept == Company.id)).order_by(CompanyMerge.merged_at.desc()))
    if company_id is not None:
        query = query.where(CompanyMerge.kept == company_id)
    return [{"kept": row.kept_name, "removed": row.removed_name, "removed_credit_code": row.removed_credit_code,
             "projects_moved": row.projects_moved, "contacts_moved": row.contacts_moved,
             "merged_at": row.merged_at, "merged_by": row.merged_by} for row in query.objects()]
