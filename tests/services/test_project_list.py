"""The project library as the table shows it: rows, every filter, sorting, the status-bar summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.services import lifecycle, project_list, projects, reference
from desktop.services.project_list import (
    COLUMNS,
    ProjectFilter,
    filter_indices,
    load_rows,
    phase_steps,
    sort_indices,
    summarise,
)

TODAY = dt.date(2022, 8, 25)

# name, investor, 总投资 万元, industry, township, key, last step, status
SPECS = [
    ("富远新型铝材产业园", "福建富远铝业有限公司", Decimal(150000), "轻合金", "水南镇", True, 19, "正常"),
    ("久策气体（将乐）", "久策气体（将乐）有限公司", Decimal(50000), "精细化工", "古镛镇", True, 10, "正常"),
    ("血灵芝加工", "将乐县灵芝生物科技有限公司", Decimal(3000), "特色农林", "万安镇", False, 3, "正常"),
    ("年产5万吨可降解环保产品", "", Decimal("9999.9999"), "新材料", "", False, 0, "暂缓"),
    ("居然之家", "居然之家新零售集团", Decimal(10000), "商贸物流", "古镛镇", False, 9, "终止"),
    ("高频电子变压器", "福建高频电子有限公司", Decimal("100000.0001"), "电子信息", "水南镇", False, 6, "正常"),
]


@pytest.fixture
def library(fresh_db):
    units = {u.name: u.id for u in reference.list_units()}
    leader = reference.save_person({"name": "张三", "title": "副县长", "is_leader": True})
    ids = {}
    for name, investor, total, industry, township, key, last_step, status in SPECS:
        pid = projects.create_project(
            {
                "name": name,
                "investor_name": investor,
                "total_investment": total,
                "industry": industry,
                "township_id": units[township] if township else None,
                "responsible_unit_id": units["将乐经济开发区"] if key else units["县商务局"],
                "first_unit_id": units["县商务局"],
                "leader_id": leader if key else None,
                "is_key": key,
            },
            today=TODAY,
        )
        for step in range(1, last_step + 1):
            if 13 <= step <= 18:
                lifecycle.record_step(pid, step, dt.date(2022, 1, 1), not_applicable=True, today=TODAY)
            else:
                lifecycle.record_step(pid, step, dt.date(2022, 1, 1) + dt.timedelta(days=step), today=TODAY)
        if status != "正常":
            projects.change_status(pid, status, dt.date(2022, 7, 1), today=TODAY)
        ids[name] = pid
    return ids


def names(rows, indices):
    return [rows[i].name for i in indices]


def shown(**criteria):
    rows = load_rows()
    criteria.setdefault("phase_steps", phase_steps())
    return rows, set(names(rows, filter_indices(rows, ProjectFilter(**criteria))))


def test_rows_carry_what_the_table_shows(library):
    rows = load_rows()
    assert len(rows) == len(SPECS)
    assert [r.code for r in rows] == sorted(r.code for r in rows)
    fuyuan = next(r for r in rows if r.name == "富远新型铝材产业园")
    assert rows.investor_name(fuyuan) == "福建富远铝业有限公司"
    assert fuyuan.industry == "轻合金"
    assert fuyuan.total_yuan == 1_500_000_000
    assert fuyuan.stage_no == 19
    assert fuyuan.status == "正常"
    assert rows.unit_name(fuyuan.responsible_unit_id) == "将乐经济开发区"
    assert rows.person_name(fuyuan.leader_id) == "张三"
    assert rows.unit_name(fuyuan.township_id) == "水南镇"
    # What each visible column shows, names resolved from the ids.
    assert [rows.value(fuyuan, c) for c in (2, 7, 8, 9)] == ["福建富远铝业有限公司", "将乐经济开发区", "张三", "水南镇"]
    assert fuyuan.library_on == "2022-01-11"
    assert fuyuan.is_key  # 1 from SQLite, True from PostgreSQL
    plain = next(r for r in rows if r.name == "年产5万吨可降解环保产品")
    assert (rows.investor_name(plain), rows.unit_name(plain.township_id), rows.person_name(plain.leader_id)) == ("", "", "")
    assert (plain.library_on, plain.stage_no) == ("", 0)
    assert len(COLUMNS) == 11


def test_load_one_row(library):
    (row,) = load_rows(library["居然之家"])
    assert row.name == "居然之家"
    assert row.status == "终止"


def test_no_filter_shows_everything(library):
    _, found = shown()
    assert len(found) == len(SPECS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fyly", {"富远新型铝材产业园"}),  # pinyin initials inside the investor's name
        ("FYLY", {"富远新型铝材产业园"}),
        ("xlzjg", {"血灵芝加工"}),  # initials of the project name
        ("灵芝", {"血灵芝加工"}),
        ("久策气体(将乐)", {"久策气体（将乐）"}),  # half-width brackets find full-width ones
        ("久策 气体", {"久策气体（将乐）"}),
        ("年产５万吨", {"年产5万吨可降解环保产品"}),
        ("新零售", {"居然之家"}),  # by investor
        ("jl-2022-0002", {"久策气体（将乐）"}),  # by code
        ("福建", {"富远新型铝材产业园", "高频电子变压器"}),
        ("没有这个项目", set()),
    ],
)
def test_search_by_name_investor_initials_or_code(library, text, expected):
    _, found = shown(text=text)
    assert found == expected


def test_filter_by_stage(library):
    assert shown(stage_phase="在建")[1] == {"富远新型铝材产业园"}  # step 19 开工
    assert shown(stage_phase="入库")[1] == {"久策气体（将乐）"}
    assert shown(stage_phase="签约")[1] == {"居然之家"}
    assert shown(stage_phase="未开始")[1] == {"年产5万吨可降解环保产品"}
    assert shown(stage_phase="投产")[1] == set()


def test_filter_by_industry_unit_township_status(library):
    assert shown(industry="精细化工")[1] == {"久策气体（将乐）"}
    assert shown(responsible_unit="将乐经济开发区")[1] == {"富远新型铝材产业园", "久策气体（将乐）"}
    assert shown(township="古镛镇")[1] == {"久策气体（将乐）", "居然之家"}
    assert shown(status="暂缓")[1] == {"年产5万吨可降解环保产品"}
    assert shown(status="终止")[1] == {"居然之家"}
    assert len(shown(status="正常")[1]) == 4


def test_filter_by_key_flag(library):
    assert shown(key_only=True)[1] == {"富远新型铝材产业园", "久策气体（将乐）"}
    assert len(shown(key_only=False)[1]) == 4


def test_amount_bands(library):
    # 亿元以上 is ≥ 1 亿元 (10,000 万元): 9,999.9999 万元 is not, 10,000 万元 is.
    assert shown(amount_band="亿元以上")[1] == {"富远新型铝材产业园", "久策气体（将乐）", "居然之家", "高频电子变压器"}
    assert shown(amount_band="10亿元以上")[1] == {"富远新型铝材产业园", "高频电子变压器"}
    assert len(shown(amount_band="")[1]) == len(SPECS)


def test_filters_combine(library):
    assert shown(township="水南镇", amount_band="10亿元以上", key_only=False)[1] == {"高频电子变压器"}
    assert shown(text="fyly", status="终止")[1] == set()


def _value(rows, row, column):
    return rows.value(row, column)


@pytest.mark.parametrize("column", range(len(COLUMNS)))
@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts_with_empty_values_last(library, column, descending):
    rows = load_rows()
    order = sort_indices(rows, list(range(len(rows))), column, descending)
    assert sorted(order) == list(range(len(rows)))
    values = [_value(rows, rows[i], column) for i in order]
    filled = [v for v in values if v not in ("", None)]
    assert values[: len(filled)] == filled  # empties at the end, in both directions
    assert filled == sorted(filled, reverse=descending)


def test_amounts_and_stages_sort_as_numbers(library):
    rows = load_rows()
    by_total = names(rows, sort_indices(rows, list(range(len(rows))), COLUMNS.index("总投资（亿元）")))
    assert by_total == ["血灵芝加工", "年产5万吨可降解环保产品", "居然之家", "久策气体（将乐）", "高频电子变压器", "富远新型铝材产业园"]
    by_stage = names(rows, sort_indices(rows, list(range(len(rows))), COLUMNS.index("当前阶段"), descending=True))
    assert by_stage[:2] == ["富远新型铝材产业园", "久策气体（将乐）"]
    assert by_stage[-1] == "年产5万吨可降解环保产品"


def test_sorting_keeps_a_filter(library):
    rows = load_rows()
    chosen = filter_indices(rows, ProjectFilter(township="水南镇"))
    order = sort_indices(rows, chosen, COLUMNS.index("总投资（亿元）"), descending=True)
    assert names(rows, order) == ["富远新型铝材产业园", "高频电子变压器"]


def test_summary_counts_and_totals_what_is_shown(library):
    rows = load_rows()
    everything = summarise(rows, list(range(len(rows))))
    assert everything.count == 6
    assert everything.total_wan == sum(spec[2] for spec in SPECS) == Decimal(323000)
    above = filter_indices(rows, ProjectFilter(amount_band="10亿元以上"))
    summary = summarise(rows, above)
    assert (summary.count, summary.total_wan) == (2, Decimal("250000.0001"))
    assert summarise(rows, []) == type(summary)(0, Decimal(0))


def test_phase_steps_cover_every_step(fresh_db):
    mapping = phase_steps()
    assert mapping["未开始"] == {0}
    assert mapping["签约"] == {8, 9}
    assert mapping["落地审批"] == set(range(11, 19))
    assert mapping["在建"] == {19, 20}
    assert list(mapping)[:3] == ["未开始", "线索", "洽谈"]  # in lifecycle order
    assert set().union(*mapping.values()) == set(range(0, 24))


def _search(rows, text):
    return names(rows, filter_indices(rows, ProjectFilter(text=text)))


def _put_back(rows, project_id):
    reread = load_rows(project_id)
    for row in reread:
        rows.replace(row, reread)


@pytest.mark.parametrize("searched_first", [False, True])
def test_projects_saved_after_the_rows_were_read_are_searched_as_saved(library, searched_first):
    rows = load_rows()
    if searched_first:
        assert _search(rows, "居然") == ["居然之家"]
    renamed = library["居然之家"]
    values = projects.project_values(renamed)
    projects.update_project(renamed, {**values, "name": "红星美凯龙家居广场", "investor_name": "红星美凯龙控股集团"},
                            today=TODAY)
    _put_back(rows, renamed)
    added = projects.create_project({"name": "竹木精深加工", "investor_name": "福建竹韵竹业有限公司",
                                     "total_investment": Decimal(2000)}, today=TODAY)
    _put_back(rows, added)
    projects.delete_project(library["血灵芝加工"])
    rows.remove(library["血灵芝加工"])

    assert _search(rows, "hxmkl") == ["红星美凯龙家居广场"]  # the new name's initials
    assert _search(rows, "控股集团") == ["红星美凯龙家居广场"]  # the new investor
    assert _search(rows, "居然") == _search(rows, "新零售") == []
    assert _search(rows, "zyzy") == ["竹木精深加工"]  # the added project, by its investor's initials
    assert _search(rows, "灵芝") == []
    assert len(rows) == len(SPECS)


def test_industry_filter_offers_the_industries_in_use(library):
    assert project_list.industries_in_use() == sorted({spec[3] for spec in SPECS})
