"""Export benchmark: 10,000 projects to .xlsx with every format, against openpyxl's bare write.

The export (title, header, widths, frozen panes, 亿元 and date formats, bold key projects, totals,
autofilter, temporary file + rename) is timed next to openpyxl writing the same cell values with no
formatting at all (write-only mode, the fastest openpyxl can go), in the same run; prints both and
the ratio. No database is needed: the rows are generated in memory.

    python bench/export.py [--rows 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop.services import defaults  # noqa: E402
from desktop.services.excel_export import export_projects  # noqa: E402
from desktop.services.project_list import COLUMNS, ProjectRow, ProjectRows  # noqa: E402


def make_rows(count: int) -> ProjectRows:
    units = {i + 1: name for i, name in enumerate([*defaults.DEPARTMENTS, *defaults.PARKS, *defaults.TOWNSHIPS])}
    townships = [i for i, name in units.items() if name in defaults.TOWNSHIPS]
    people = {i: f"干部{i}" for i in range(1, 41)}
    investors = {i: (f"福建第{i}号实业有限公司", f"福建第{i}号实业有限公司") for i in range(1, count // 2 + 1)}
    rows = []
    start = dt.date(2021, 1, 1)
    for i in range(1, count + 1):
        stage = (i * 7) % 24
        rows.append(
            ProjectRow(
                id=i, code=f"JL-{2021 + i % 3}-{i:05d}", name=f"年产{i % 50 + 1}万吨新型材料项目{i}",
                investor_id=(i % (count // 2)) + 1 if i % 5 else None,
                industry=defaults.INDUSTRIES[i % len(defaults.INDUSTRIES)],
                total_yuan=(i % 997 + 1) * 1_234_567, stage_no=stage, status=("正常", "暂缓", "终止")[i % 17 % 3],
                responsible_unit_id=(i % len(units)) + 1, leader_id=(i % 40) + 1 if i % 3 else None,
                township_id=townships[i % len(townships)],
                library_on=(start + dt.timedelta(days=i % 700)).isoformat() if stage >= 10 else "",
                is_key=i % 11 == 0, search_text="",
            )
        )
    return ProjectRows(rows, units, people, investors)


def bare_write(path: Path, rows: ProjectRows, indices: list[int], labels: dict[int, str]) -> None:
    """The same cell values (亿元 numbers, dates as dates), no styles, widths or title: openpyxl's floor."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目库")
    ws.append(list(COLUMNS))
    every = rows.rows
    for i in indices:
        r = every[i]
        ws.append([
            r.code, r.name, rows.investor_name(r) or None, r.industry or None,
            float(Decimal(r.total_yuan) / 100_000_000), labels.get(r.stage_no, ""), r.status,
            rows.unit_name(r.responsible_unit_id) or None, rows.person_name(r.leader_id) or None,
            rows.unit_name(r.township_id) or None,
            dt.date.fromisoformat(r.library_on) if r.library_on else None,
        ])
    wb.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from desktop.services.lifecycle import stage_label

    labels = {0: "未开始", **{n: stage_label(phase) for n, phase, *_ in defaults.DEFAULT_STEPS}}
    rows = make_rows(args.rows)
    indices = list(range(len(rows)))
    export_times, bare_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for run in range(args.runs):
            started = time.perf_counter()
            bare_write(folder / f"bare{run}.xlsx", rows, indices, labels)
            bare_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            export_projects(folder / f"export{run}.xlsx", rows, indices, title="项目库", stage_labels=labels,
                            installation=defaults.DEFAULT_INSTALLATION_NAME)
            export_times.append(time.perf_counter() - started)
        size = (folder / "export0.xlsx").stat().st_size
    export_s, bare_s = statistics.median(export_times), statistics.median(bare_times)
    print(f"rows: {args.rows:,} × {len(COLUMNS)} columns, median of {args.runs} runs; file {size / 1024:.0f} KiB")
    print(f"export_projects (all formats): {export_s:.3f} s")
    print(f"openpyxl bare write-only:      {bare_s:.3f} s")
    print(f"ratio: {export_s / bare_s:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
