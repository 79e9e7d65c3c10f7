"""Dates are date objects inside; shown as 2022-08-25 in lists and 2022年8月25日 in prose."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def format_date_long(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> dt.date | None:
    """"2022-08-25", "2022/8/25", "2022.8.25", "2022年8月25日" → date; empty → None."""
    cleaned = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not cleaned:
        return None
    match = _DATE_RE.match(cleaned)
    if not match:
        raise ValueError(f"“{text}”不是日期，请按 2022-08-25 的格式输入")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"“{text}”不是有效日期") from exc
