"""Property: whatever the cells hold, import raises nothing but the user-error family."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.errors import UserError
from desktop.services import excel_import as ei
from tests.fixtures_excel import write_csv, write_xlsx

HEADER = ["项目编号", "项目名称", "投资方", "总投资（亿元）", "固定资产投资", "用地面积（亩）", "项目进展", "签约时间",
          "开工时间", "责任单位", "所在乡镇", "产业类别", "联系人及电话", "到位资金"]

# Text openpyxl can store (no control characters); words the parser looks for mixed in.
texts = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.sampled_from(["合计", "一、轻合金", "注：", "待定", "—", "2022年4月", "2022.3.15", "1.2亿", "５亿元", "在建",
                     "土建", "签约", "-5", "0", "1e400", "NaN", "inf", "袁安邦 13805981234", "水南", "县工信局"]),
)
cells = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=len(HEADER)), min_size=0, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=rows, header_at=st.integers(min_value=0, max_value=3), as_csv=st.booleans())
def test_random_cells_raise_only_user_errors(fresh_db, tmp_path_factory, body, header_at, as_csv):
    folder = tmp_path_factory.mktemp("prop")
    sheet = [[None]] * header_at + [HEADER] + body
    path = write_csv(folder / "p.csv", sheet) if as_csv else write_xlsx(folder / "p.xlsx", sheet)
    try:
        analysis = ei.analyse(path, today=dt.date(2022, 8, 25))
        ei.write_error_report(analysis, folder / "r.xlsx")
        ei.commit(analysis, on_duplicate="update", create_missing=True, today=dt.date(2022, 8, 25))
        assert analysis.to_json()["rows_read"] >= analysis.valid
    except UserError:
        pass
