"""Money: Decimal 万元 inside; 亿元 only when shown. Parsing what people type, formatting for display."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from desktop.errors import UserError

WAN_PER_YI = Decimal(10000)
CENT = Decimal("0.01")

_UNIT_WORDS = {
    "亿元": "亿",
    "亿": "亿",
    "千万元": "千万",
    "千万": "千万",
    "万元": "万",
    "万": "万",
    "元": "元",
}
_AMOUNT_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(亿元|亿|千万元|千万|万元|万|元)?$")


class AmountError(UserError, ValueError):
    """The text is not an amount; the message is Chinese (a user error, and a ValueError for old callers)."""


def parse_amount(text: str, default_unit: str = "万") -> Decimal | None:
    """Text as typed → Decimal 万元, or None for an empty field.

    Accepts "15000", "1.5亿", "1.5 亿元", "15000万元", "5千万", "1,500", full-width digits and
    "（万元）"-style units; a bare number is taken in `default_unit` ("万" or "亿").
    """
    if text is None:
        return None
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    match = _AMOUNT_RE.match(cleaned)
    if not match:
        raise AmountError(f"“{text}”不是金额，请输入数字，例如 1.5亿 或 15000万")
    number, unit_word = match.groups()
    try:
        value = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise AmountError(f"“{text}”不是金额") from exc
    unit = _UNIT_WORDS.get(unit_word or "", default_unit)
    if unit == "亿":
        value *= WAN_PER_YI
    elif unit == "千万":  # “5千万”, as people say 5,000 万元
        value *= 1000
    elif unit == "元":
        value /= Decimal(10000)
    try:
        return value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    except InvalidOperation:
        raise AmountError(f"“{text}”位数太多，请检查是否多输了数字") from None


def wan_to_yi(wan: Decimal | int | None) -> Decimal | None:
    """万元 → 亿元, rounded half-up to 2 decimals."""
    if wan is None:
        return None
    return (Decimal(wan) / WAN_PER_YI).quantize(CENT, rounding=ROUND_HALF_UP)


def format_yi(wan: Decimal | int | None, *, unit: bool = False) -> str:
    """万元 → "1.50" (or "1.50 亿元" with unit=True); empty for None."""
    yi = wan_to_yi(wan)
    if yi is None:
        return ""
    text = f"{yi:,.2f}"
    return f"{text} 亿元" if unit else text


def format_wan(wan: Decimal | int | None, *, unit: bool = False) -> str:
    """万元 → "15,000" / "1,234.5" (or with " 万元"); empty for None."""
    if wan is None:
        return ""
    value = Decimal(wan)
    if value == value.to_integral_value():
        text = f"{value:,.0f}"
    else:
        text = f"{value.normalize():,f}"
    return f"{text} 万元" if unit else text


def intensity(fixed_asset_wan: Decimal | None, land_mu: Decimal | None) -> Decimal | None:
    """投资强度: fixed-asset investment per 亩 (万元/亩), 2 decimals; None when not computable."""
    if fixed_asset_wan is None or not land_mu:
        return None
    return (Decimal(fixed_asset_wan) / Decimal(land_mu)).quantize(CENT, rounding=ROUND_HALF_UP)


_AREA_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def parse_area(text: str) -> Decimal | None:
    """Land area in 亩 as typed ("120", "35.5", full-width digits, "120亩"); None when empty."""
    cleaned = unicodedata.normalize("NFKC", str(text or "")).strip().replace(",", "").replace(" ", "")
    cleaned = cleaned.removesuffix("亩")
    if not cleaned:
        return None
    if not _AREA_RE.match(cleaned):
        raise AmountError(f"“{text}”不是数字，请填写亩数，如 120 或 35.5")
    return Decimal(cleaned)
