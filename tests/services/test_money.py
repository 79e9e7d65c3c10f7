"""Amounts as people type them (万元/亿元/元, full-width, commas) and as the screens show them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.services.money import AmountError, format_wan, format_yi, intensity, parse_amount, wan_to_yi


@pytest.mark.parametrize(
    ("text", "wan"),
    [
        ("15000", Decimal(15000)),
        ("15000万", Decimal(15000)),
        ("15000万元", Decimal(15000)),
        ("15000 万元", Decimal(15000)),
        ("1.5亿", Decimal(15000)),
        ("1.5亿元", Decimal(15000)),
        ("1.5 亿元", Decimal(15000)),
        ("  2亿  ", Decimal(20000)),
        ("150000000元", Decimal(15000)),
        ("5000元", Decimal("0.5")),
        ("1元", Decimal("0.0001")),
        ("1,500", Decimal(1500)),
        ("1,234.5万元", Decimal("1234.5")),
        ("１５０００", Decimal(15000)),  # full-width digits
        ("１．５亿", Decimal(15000)),  # full-width digits and point
        ("１２，３４５万元", Decimal(12345)),  # full-width comma
        ("０.０００１", Decimal("0.0001")),
        ("12345.6789", Decimal("12345.6789")),
        ("0", Decimal(0)),
        ("+3", Decimal(3)),
        ("-5", Decimal(-5)),  # parsed; the project form refuses negative amounts
    ],
)
def test_parse_amount_accepts_what_people_type(text, wan):
    assert parse_amount(text) == wan


def test_a_bare_number_takes_the_default_unit():
    assert parse_amount("1.5", default_unit="亿") == Decimal(15000)
    assert parse_amount("1.5万", default_unit="亿") == Decimal("1.5")
    assert parse_amount("1.5") == Decimal("1.5")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_field_is_no_amount(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["abc", "一亿", "1.5亿万", "1.2.3", "1e5", "亿", "12美元", "1,5x", "--1"])
def test_bad_text_is_refused_in_chinese(text):
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    message = str(info.value)
    assert "不是金额" in message
    assert text in message


def test_parsed_amounts_are_exact_decimals():
    total = sum(parse_amount("0.1") for _ in range(10))
    assert total == Decimal(1)
    assert isinstance(parse_amount("15000"), Decimal)


@pytest.mark.parametrize(
    ("wan", "shown"),
    [
        (Decimal(15000), "1.50"),
        (Decimal(12345), "1.23"),
        (Decimal(12250), "1.23"),  # 1.225 亿 rounds half-up (banker's rounding would give 1.22)
        (Decimal(12350), "1.24"),
        (Decimal("12349.9999"), "1.23"),
        (Decimal(1046400), "104.64"),
        (Decimal(123456789), "12,345.68"),
        (Decimal(0), "0.00"),
        (Decimal(1), "0.00"),
        (Decimal(50), "0.01"),
    ],
)
def test_format_yi_rounds_half_up_to_two_decimals(wan, shown):
    assert format_yi(wan) == shown


def test_format_yi_with_unit_and_empty():
    assert format_yi(Decimal(257000), unit=True) == "25.70 亿元"
    assert format_yi(None) == ""
    assert format_yi(15000) == "1.50"


def test_wan_to_yi():
    assert wan_to_yi(Decimal(1090000)) == Decimal("109.00")
    assert wan_to_yi(Decimal(5)) == Decimal("0.00")
    assert wan_to_yi(None) is None


@pytest.mark.parametrize(
    ("wan", "shown"),
    [(Decimal(15000), "15,000"), (Decimal("1234.5"), "1,234.5"), (Decimal("0.0001"), "0.0001"), (Decimal(0), "0")],
)
def test_format_wan(wan, shown):
    assert format_wan(wan) == shown


def test_format_wan_with_unit_and_empty():
    assert format_wan(Decimal(300), unit=True) == "300 万元"
    assert format_wan(None) == ""


def test_intensity_is_fixed_assets_per_mu():
    assert intensity(Decimal(30000), Decimal(100)) == Decimal("300.00")
    assert intensity(Decimal(1000), Decimal(3)) == Decimal("333.33")
    assert intensity(Decimal(2), Decimal(3)) == Decimal("0.67")  # half-up
    assert intensity(Decimal(1000), Decimal("0.5")) == Decimal("2000.00")


def test_intensity_is_not_computable_without_land_or_fixed_assets():
    assert intensity(None, Decimal(100)) is None
    assert intensity(Decimal(1000), None) is None
    assert intensity(Decimal(1000), Decimal(0)) is None
