"""Names: normalising for duplicate checks, pinyin initials for search, closeness."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Trim, fold full-width brackets/digits/letters to half-width (NFKC), drop spaces, lower-case."""
    folded = unicodedata.normalize("NFKC", name or "")
    return _SPACES.sub("", folded).lower()


def pinyin_initials(name: str) -> str:
    """First letters of the pinyin of each Chinese character; other letters and digits kept.

    "福建富远铝业有限公司" → "fjfylyyxgs". pypinyin is imported only when a name is saved.
    """
    from pypinyin import Style, lazy_pinyin

    folded = normalise_name(name)
    letters = lazy_pinyin(folded, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    return "".join(part.lower() for part in letters if part.isalnum())


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance; stops early (returning limit + 1) once it exceeds `limit`."""
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if limit is not None and len(a) - len(b) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if limit is not None and min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
