"""The 一次性告知书 PDF: project, investor, every missing item, the deadline, contact, seal place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import NotFoundError, UserError
from desktop.services import projects, reviews
from desktop.services.review_notice import build_notice
from tests.pdf_reading import pdf_fonts, pdf_pages, pdf_text

D = dt.date
TODAY = D(2022, 9, 30)


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def waiting_review(fresh_db):
    settings = reviews.load_settings()
    settings.contact_person, settings.contact_phone = "杨思远", "0598-2321234"
    reviews.save_settings(settings)
    pid = projects.create_project(
        {"name": "陶粒混凝土防火保温板", "investor_name": "福建华建新型建材有限公司", "total_investment": Decimal(8000),
         "fixed_asset_investment": Decimal(5500), "land_area": Decimal("12.4"), "industry": "新材料"},
        today=D(2022, 1, 1),
    )
    review_id = reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    detail = reviews.review_detail(review_id, today=TODAY)
    missing = ("可行性研究报告", "环境影响初步分析", "能耗情况说明")
    reviews.save_form(
        review_id,
        opinions=[reviews.OpinionInput(o.unit_id, "同意", "", D(2022, 9, 2)) for o in detail.opinions],
        scores={name: 80 for name, _ in settings.weights},
        materials={m.name: m.name not in missing for m in detail.materials},
        today=TODAY,
    )
    assert reviews.confirm_review(review_id, D(2022, 9, 6), today=TODAY) == "补充材料"
    return review_id, missing


def test_notice_lists_every_missing_item_and_the_deadline(waiting_review, tmp_path):
    review_id, missing = waiting_review
    out = tmp_path / "告知书.pdf"
    assert build_notice(out, review_id) == 1
    text = _flat(pdf_text(out))
    assert "一次性告知书" in text
    assert "陶粒混凝土防火保温板" in text and "福建华建新型建材有限公司" in text
    for number, name in enumerate(missing, start=1):
        assert f"{number}.{name}" in text
    assert "营业执照" not in text  # handed in: not asked for again
    # Ten working days from 6 September 2022 (中秋 on the 12th): 21 September.
    assert "请于2022年9月21日前" in text and "10个工作日内" in text
    assert "杨思远" in text and "0598-2321234" in text
    assert "（盖章）" in text and "2022年9月6日" in text
    assert len(pdf_pages(out)) == 1
    assert pdf_fonts(out)


def test_notice_before_confirmation_is_dated_today(waiting_review, tmp_path, fresh_db):
    pid = projects.create_project({"name": "高频电子变压器", "total_investment": Decimal(5000)}, today=D(2022, 1, 1))
    review_id = reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    out = tmp_path / "n.pdf"
    build_notice(out, review_id, today=D(2022, 9, 29))
    text = _flat(pdf_text(out))
    assert "2022年9月29日" in text and "请于2022年10月18日前" in text  # across 国庆, 8 and 9 October worked
    assert "联系人" in text


def test_no_notice_without_missing_materials_or_review(waiting_review, tmp_path):
    review_id, missing = waiting_review
    reviews.set_materials(review_id, {name: True for name in missing})
    with pytest.raises(UserError, match="没有缺少的材料"):
        build_notice(tmp_path / "x.pdf", review_id)
    with pytest.raises(NotFoundError, match="没有编号为 99 的初审"):
        build_notice(tmp_path / "x.pdf", 99)
    assert not (tmp_path / "x.pdf").exists()
