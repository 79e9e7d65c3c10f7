"""Names: normalising for the duplicate check, pinyin initials for search, edit distance."""

from __future__ import annotations

import pytest

from desktop.services.text import edit_distance, normalise_name, pinyin_initials


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("久策气体（将乐）", "久策气体(将乐)"),  # full- vs half-width brackets
        ("久策气体（将乐）", " 久策气体 ( 将乐 ) "),  # spaces anywhere, trimmed
        ("年产５万吨可降解环保产品", "年产5万吨可降解环保产品"),  # full-width digits
        ("年产5万吨　可降解", "年产5万吨可降解"),  # an ideographic (full-width) space
        ("ABC科技", "abc科技"),  # letters fold to lower case
        ("ＡＢＣ科技", "abc科技"),  # full-width letters
        ("民天（将乐）保供基地\n", "民天(将乐)保供基地"),
    ],
)
def test_the_same_name_typed_differently_normalises_the_same(a, b):
    assert normalise_name(a) == normalise_name(b)


def test_different_names_stay_different():
    assert normalise_name("富远新型铝材产业园") != normalise_name("富远新型铝业产业园")
    assert normalise_name("一期") != normalise_name("二期")


def test_normalise_empty():
    assert normalise_name("") == ""
    assert normalise_name(None) == ""
    assert normalise_name("  ") == ""


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("福建富远铝业有限公司", "fjfylyyxgs"),
        ("将乐", "jl"),
        ("久策气体（将乐）", "jcqtjl"),  # brackets dropped
        ("年产5万吨", "nc5wd"),  # digits kept
        ("ABC科技", "abckj"),  # letters kept, lower case
        ("血灵芝加工", "xlzjg"),
        ("", ""),
    ],
)
def test_pinyin_initials(name, initials):
    assert pinyin_initials(name) == initials


def test_initials_find_the_investor_by_a_fragment():
    assert "fyly" in pinyin_initials("福建富远铝业有限公司")


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("同名", "同名", 0),
        ("富远铝业", "富远铝材", 1),
        ("陶粒混凝土防火保温板", "陶粒混凝土防火保温板项目", 2),
        ("血灵芝加工", "灵芝加工", 1),
    ],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_stops_early_past_the_limit():
    assert edit_distance("abcdef", "uvwxyz", limit=2) == 3
    assert edit_distance("a", "abcdefgh", limit=2) == 3
    assert edit_distance("富远铝业", "富远铝材", limit=2) == 1
