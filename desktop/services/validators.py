"""Checks of single values people type: phone numbers and unified social credit codes.

Each returns the value in its normal form (half-width, no spaces) or raises ValidationError
naming the field, so a form can show the message beside it.
"""

from __future__ import annotations

import re
import unicodedata

from desktop.errors import ValidationError

_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
# Landline: area code 0xx/0xxx, number of 7–8 digits, optional extension (转/ext/-).
_LANDLINE = re.compile(r"^(0\d{2,3})(\d{7,8})(?:(?:转|ext|-)(\d{1,6}))?$")

# GB 32100-2015: 31 characters (no I, O, Z, S, V); weights 3^i mod 31; check = 31 - sum mod 31.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _plain(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def validate_phone(text, *, field: str = "phone", label: str = "电话") -> str:
    """A mainland mobile (13800000000, +86 138 0000 0000) or landline (0598-2321234, 05982321234转8001)
    number in normal form ("13800000000", "0598-2321234", "0598-2321234转8001"); "" when empty."""
    cleaned = _plain(text)
    if not cleaned:
        return ""
    compact = re.sub(r"[\s()（）]", "", cleaned)
    mobile = _MOBILE.match(compact.replace("-", ""))
    if mobile:
        return mobile.group(1)
    head, sep, extension = compact.partition("转")
    if not sep:
        head, sep, extension = compact.lower().partition("ext")
    digits = head.replace("-", "")
    landline = _LANDLINE.match(digits + (f"转{extension}" if sep else ""))
    if landline and (not sep or extension.isdigit()):
        area, number, ext = landline.groups()
        return f"{area}-{number}" + (f"转{ext}" if ext else "")
    raise ValidationError({field: f"{label}“{cleaned[:30]}”不是有效的手机号或固定电话（如 13800000000 或 0598-2321234）"})


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code from its first 17."""
    total = sum(CREDIT_CODE_CHARS.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(text, *, field: str = "credit_code", label: str = "统一社会信用代码") -> str:
    """An 18-character unified social credit code（统一社会信用代码）with a correct check character,
    upper-cased; "" when empty."""
    code = re.sub(r"\s", "", _plain(text)).upper()
    if not code:
        return ""
    if len(code) != 18:
        raise ValidationError({field: f"{label}应为 18 位（现在是 {len(code)} 位）"})
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARS})
    if bad:
        raise ValidationError({field: f"{label}含有不允许的字符：{'、'.join(bad)}（不用 I、O、Z、S、V）"})
    if code[17] != credit_code_check_char(code[:17]):
        raise ValidationError({field: f"{label}“{code}”的校验位不对，请核对是否抄错"})
    return code
