"""Benchmark: end-to-end Excel import of a generated 10,000-row × 20-column workbook
(read, validate, dedupe, write) against python-calamine's bare read of the same file; and the peak
memory of a 100,000-row import, with its progress callback counted.

    .venv/bin/python bench/import.py [--rows 10000] [--repeat 3] [--peak-rows 100000] [--breakdown] [--no-openpyxl] [--json]

Target: import ≤ 5 × the bare read; 100,000 rows with a peak under 500 MB and a moving progress bar.
The bare read and the imports take turns (each import into a fresh database); the best of --repeat
is reported, as wall time and as CPU time of this process (the CPU ratio is steadier on a busy
machine). The first import in a process also loads pypinyin's dictionaries (~0.3 s, see below); it
is printed on its own line and is not the best-of figure.

Where the time goes (10,000 rows; CPU seconds of the best of 4 runs, `--breakdown`, on the shared
2-core machine, 2026-11-27 08:17, when calamine's bare read took 0.18–0.19 s):
    read (calamine + sheet metadata)                0.22   the bare read itself, plus merged cells
    row checks (_check_rows: cells, dates, units,
      contact, stage words, validate_project)       0.32   ≈ 32 µs a row of 20 cells, in Python
    inserts (_bulk_insert = services/bulk_write)    0.41–0.47  value conversion here; SQLite's own work
                                                           (≈ 0.5 s) runs on the writer thread
    everything else in commit (codes, stages,
      pinyin initials, trail, backup, progress,
      the writer thread's GIL hand-overs)           0.65–0.84
    pypinyin's dictionaries: first import only      0.3    (phrases_dict.json alone: 0.31 s to parse)

How the commit writes (services/bulk_write.InsertWriter): the projects' ids are reserved first, so no
batch reads anything back; rows go in as INSERT … VALUES statements of up to 1,000 rows (≈ 15 % less
SQLite time than executemany); and a second thread runs those statements while the import builds the
next batch. That overlap only works with many-row statements: SQLite releases Python's GIL for the
whole statement, whereas executemany needs the GIL back after every row (a writer thread with
executemany gained nothing). With the GIL switch interval at 0.5 ms while the thread runs, the commit
of 10,000 projects takes 0.93–1.08 s instead of 0.99–1.46 s on the same thread (same run, 5 each;
the CPU time goes up by ≈ 0.3 s: the hand-overs).

The floor under the target. `SQLite's bare write` inserts the very rows an import stored (companies,
projects, trail entries, step records, already as stored values) into a new file with the same schema
by the same many-row INSERTs in one transaction: 0.49–0.51 s, 2.7 × the bare read on its own. Bare
read + bare write = 3.7 × the bare read, which leaves ≈ 0.25 s for reading 200,000 cells into checked
values, deduping and converting 10,000 projects in Python if the import were to stay within 5 ×, even
with SQLite's work fully overlapped by the second thread, the analysis (read + checks ≈ 0.58 s, 3 × the
read) must finish before anything may be written: the two phases the issue asks for (analyse, then
the user decides, then commit). The import runs at 2.1 × that read + write floor.

The issue's own yardstick for the 5 × (“still about twice as fast as openpyxl can merely read it”)
assumed openpyxl reads ≈ 10 × slower than calamine. Measured in the same run (2026-11-27, read-only
mode, values only): openpyxl takes 2.9–3.5 s, 15–18 × calamine's 0.18–0.19 s, and the whole import
takes 0.40–0.50 × openpyxl's mere read, i.e. it is twice as fast as that read, as the issue meant; the
5 × against calamine itself is still missed (6.5–8 ×), see above.

History (wall, same-run ratio to the bare read): original code 18.7 ×; session 2 ≈ 8 × (trigger
suspended for the import's own records, redundant step_record indexes dropped); session 3
7.2–7.8 × (columns converted in C-level passes in services/bulk_write, the trail written from the rows
in hand instead of a query back, migration 12 drops the updated_at/is_key/status/stage_no indexes that
no query used: −19 % commit CPU, the hidden-row scan only when a row is hidden, cheaper per-row checks);
session 4: reserved ids, many-row INSERTs on a writer thread (commit −18 % wall when a core is free),
7.2–7.8 × on a machine another process kept busy. Not done, measured: time-ordered UUIDs (no gain),
foreign keys off (−7 %, not worth the risk), dropping the uuid/foreign-key indexes (−20 % of SQLite's
part; exchange and deletes need them).

Peak memory of a 100,000-row import (child process, ru_maxrss): 806 MB before, 461 MB after (rows let
go of once checked, projects and step records written 1,000 at a time, no copy of each row's values
in commit, slots on the per-row dataclasses); 474–478 MB since the many-row statements (SQLite keeps
a few prepared 1,000-row statements, ≈ 14 MB); the progress callback is called 201 times while
analysing and 301 times while writing, through 101 distinct percentages each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["序号", "项目编号", "项目名称", "投资方", "总投资（万元）", "其中：固定资产投资（万元）", "用地面积（亩）",
          "项目进展", "形象进度", "签约时间", "入库时间", "开工时间", "年度计划投资", "累计完成投资", "到位资金",
          "责任单位", "挂钩领导", "所在乡镇", "产业类别", "联系人及电话"]
SHEET = "项目清单"
TARGET_RATIO = 5.0
TARGET_PEAK_MB = 500.0


def build(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from desktop.services import defaults

    rnd = random.Random(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(["将乐县2022年招商引资项目清单"])
    ws.append(HEADER)
    stages = ["洽谈中", "签约", "已开工", "土建完成80%", "投产", "初审"]
    for i in range(rows):
        total = rnd.randint(500, 200000)
        ws.append([
            i + 1, "", f"年产{i}万吨新型材料及制品项目{rnd.choice('甲乙丙丁')}", f"福建{i % 3000}号实业有限公司",
            total, total // 2, round(rnd.uniform(5, 300), 1), rnd.choice(stages), "",
            dt.datetime(2021, 1, 1) + dt.timedelta(days=rnd.randint(0, 500)), "2022.3.15",
            dt.datetime(2021, 6, 1) + dt.timedelta(days=rnd.randint(0, 400)), total // 10, total // 20, total // 30,
            rnd.choice(defaults.DEPARTMENTS), "", rnd.choice(defaults.TOWNSHIPS), rnd.choice(defaults.INDUSTRIES),
            f"联系人{i % 97} 138{i:08d}",
        ])
    wb.save(path)


def bare_read(book: Path) -> int:
    from python_calamine import CalamineWorkbook

    return len(CalamineWorkbook.from_path(str(book)).get_sheet_by_name(SHEET).to_python(skip_empty_area=False))


def openpyxl_read(book: Path) -> int:
    """openpyxl's fastest mere read of the same sheet (read-only mode, values only): the yardstick the
    issue gives its 5 × target by (“still about twice as fast as openpyxl can merely read it”)."""
    from openpyxl import load_workbook

    workbook = load_workbook(book, read_only=True, data_only=True)
    try:
        return sum(1 for _ in workbook[SHEET].iter_rows(values_only=True))
    finally:
        workbook.close()


FLOOR_TABLES = ("company", "project", "audit_entry", "step_record")


def bare_write(source: Path, target: Path) -> tuple[float, float]:
    """SQLite's own floor for the commit: the rows an import wrote (companies, projects, trail entries,
    step records, as stored), inserted again into a new file with the same schema and indexes (and
    without the scoring trigger, which the import suspends too), in one transaction, by the fastest
    plain way we know: INSERT statements of as many rows as SQLite takes values (faster than
    executemany). Returns (wall, cpu) seconds."""
    import itertools
    import sqlite3

    from desktop import db
    from desktop.services.database import init_database

    with sqlite3.connect(source) as raw:
        tables = {t: raw.execute(f'SELECT * FROM "{t}"').fetchall() for t in FLOOR_TABLES}
    init_database(target)
    connection = db.database.connection()
    connection.execute("DROP TRIGGER IF EXISTS step_record_project_total_insert")
    for table in FLOOR_TABLES:  # what a new file already holds (its own trail, defaults) goes first
        connection.execute(f'DELETE FROM "{table}"')
    connection.commit()
    variables = connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    wall, cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN IMMEDIATE")
    for table, rows in tables.items():
        if not rows:
            continue
        width = len(rows[0])
        one = "(" + ", ".join("?" * width) + ")"
        per = max(1, min(1000, variables // width))
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            connection.execute(f'INSERT INTO "{table}" VALUES ' + ", ".join([one] * len(chunk)),
                               list(itertools.chain.from_iterable(chunk)))
    connection.commit()
    figures = time.perf_counter() - wall, time.process_time() - cpu
    db.close()
    return figures


class Breakdown:
    """CPU seconds of the import's phases, by wrapping the service's internal steps (--breakdown)."""

    PHASES = {"read_table": "read (calamine + metadata)", "_check_rows": "row checks",
              "_bulk_insert": "inserts (SQL + value conversion)", "_InitialsCache": "pypinyin set-up"}

    def __init__(self, module):
        self.seconds: dict[str, float] = {}
        for name in self.PHASES:
            if hasattr(module, name):
                setattr(module, name, self._timed(name, getattr(module, name)))

    def _timed(self, name, fn):
        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.process_time() - started
        return timed


def child_import(book: Path) -> dict:
    """One import into a fresh database with a progress callback: what a user's 100,000-row import does."""
    from desktop import db
    from desktop.services import excel_import
    from desktop.services.database import init_database

    phases: dict[str, list[int]] = {"analyse": [], "commit": []}
    current = phases["analyse"]

    def progress(done: int, total: int) -> bool:
        current.append(int(100 * done / total) if total else 100)
        return True
    with tempfile.TemporaryDirectory() as folder:
        init_database(Path(folder) / "peak.db")
        started = time.perf_counter()
        analysis = excel_import.analyse(book, progress=progress)
        analysed = time.perf_counter() - started
        current = phases["commit"]
        outcome = excel_import.commit(analysis, progress=progress)
        total = time.perf_counter() - started
        db.close()
    return {
        "rows": analysis.rows_read, "imported": outcome.imported, "analyse_s": analysed, "total_s": total,
        "progress": {name: {"calls": len(values), "distinct_percent": len(set(values)),
                            "monotonic": values == sorted(values), "last": values[-1] if values else None}
                     for name, values in phases.items()},
    }


def measure_peak(rows: int, folder: Path) -> dict:
    """Build a `rows`-row workbook, import it in a child process; its peak RSS and progress calls."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from memory import run_measured

    book = folder / f"peak-{rows}.xlsx"
    started = time.perf_counter()
    build(book, rows)
    built = time.perf_counter() - started
    result = run_measured([sys.executable, __file__, "--child-import", str(book)], cwd=str(ROOT))
    if result.returncode != 0:
        raise SystemExit(f"the {rows}-row import failed:\n{result.stderr[-3000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures.update(peak_mb=result.peak_mb, build_s=built, child_s=result.seconds, sheet_rows=rows)
    return figures


def progress_moved(peak: dict) -> bool:
    """Each phase called back in order, through several percentages, up to 100 %."""
    return all(p["monotonic"] and p["last"] == 100 and p["distinct_percent"] >= 3 for p in peak["progress"].values())


def report_peak(peak: dict) -> None:
    print(f"{peak['sheet_rows']:,} rows in a child process: import {peak['total_s']:.1f} s "
          f"(analyse {peak['analyse_s']:.1f} s), imported {peak['imported']:,}; peak RSS {peak['peak_mb']:.0f} MB "
          f"(target < {TARGET_PEAK_MB:g} MB) {'met' if peak['peak_mb'] < TARGET_PEAK_MB else 'MISSED'}")
    print("  progress callback: " + "; ".join(
        f"{name} {p['calls']} calls, {p['distinct_percent']} distinct percentages, ends at {p['last']} %"
        for name, p in peak["progress"].items()) + f" — {'moving' if progress_moved(peak) else 'NOT MOVING'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="best of N runs (each import into a fresh database); 0: only the --peak-rows import")
    parser.add_argument("--peak-rows", type=int, default=0,
                        help="also import a workbook of this many rows in a child process and report its peak memory")
    parser.add_argument("--breakdown", action="store_true", help="print the CPU time of each phase (best run)")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON holding every figure")
    parser.add_argument("--no-openpyxl", action="store_true", help="skip openpyxl's read of the same sheet (≈ 3 s a run)")
    parser.add_argument("--child-import", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        print(json.dumps(child_import(args.child_import)))
        return 0

    from desktop import db
    from desktop.services import excel_import
    from desktop.services.database import init_database

    breakdown = Breakdown(excel_import) if args.breakdown else None
    best: dict[str, float] = {}
    phase_best: dict[str, float] = {}
    first_import = None

    def keep(key: str, value: float) -> None:
        best[key] = min(best.get(key, float("inf")), value)

    if args.repeat < 1:
        if not args.peak_rows:
            parser.error("--repeat 0 needs --peak-rows")
        with tempfile.TemporaryDirectory() as folder:
            peak = measure_peak(args.peak_rows, Path(folder))
        report_peak(peak)
        if args.json:
            print(json.dumps({"peak": peak, "target_peak_mb": TARGET_PEAK_MB}))
        return 0

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        book = folder / "bench.xlsx"
        build(book, args.rows)
        for run in range(args.repeat):
            # The bare read and the import take turns, so both see the same machine load.
            wall, cpu = time.perf_counter(), time.process_time()
            sheet_rows = bare_read(book)
            keep("bare_wall", time.perf_counter() - wall)
            keep("bare_cpu", time.process_time() - cpu)
            if not args.no_openpyxl:
                wall = time.perf_counter()
                openpyxl_read(book)
                keep("openpyxl_wall", time.perf_counter() - wall)
            init_database(folder / f"bench{run}.db")
            if breakdown:
                breakdown.seconds.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            analysis = excel_import.analyse(book)
            keep("analyse_wall", time.perf_counter() - wall)
            outcome = excel_import.commit(analysis)
            total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
            db.close()
            if first_import is None:
                first_import = total_wall
            elif total_cpu < best.get("import_cpu", float("inf")) and breakdown:
                phase_best = dict(breakdown.seconds)
            keep("import_wall", total_wall)
            keep("import_cpu", total_cpu)
            floor_wall, floor_cpu = bare_write(folder / f"bench{run}.db", folder / f"floor{run}.db")
            keep("write_floor_wall", floor_wall)
            keep("write_floor_cpu", floor_cpu)
        peak = measure_peak(args.peak_rows, folder) if args.peak_rows else None

    ratio_wall = best["import_wall"] / best["bare_wall"]
    ratio_cpu = best["import_cpu"] / best["bare_cpu"]
    print(f"rows in sheet:        {sheet_rows}  (best of {args.repeat}; wall time, CPU time of this process)")
    print(f"calamine bare read:   {best['bare_wall']:.3f} s   cpu {best['bare_cpu']:.3f} s")
    print(f"analyse:              {best['analyse_wall']:.3f} s  (valid {analysis.valid}, errors {len(analysis.errors)}, "
          f"warnings {len(analysis.warnings)}, duplicates {len(analysis.duplicates)})")
    print(f"analyse + commit:     {best['import_wall']:.3f} s   cpu {best['import_cpu']:.3f} s  (imported {outcome.imported})")
    print(f"first import (cold):  {first_import:.3f} s  (loads pypinyin's dictionaries; not in the best-of)")
    verdict = "met" if ratio_wall <= TARGET_RATIO else "MISSED"
    print(f"ratio:                {ratio_wall:.1f} × wall, {ratio_cpu:.1f} × cpu (target ≤ {TARGET_RATIO:g} ×) {verdict}")
    if "openpyxl_wall" in best:
        print(f"openpyxl bare read:   {best['openpyxl_wall']:.3f} s  (read-only, values only: {best['openpyxl_wall'] / best['bare_wall']:.1f} × "
              f"calamine's; the import takes {best['import_wall'] / best['openpyxl_wall']:.2f} × openpyxl's mere read)")
    floor = best["bare_wall"] + best["write_floor_wall"]
    print(f"SQLite's bare write:  {best['write_floor_wall']:.3f} s   cpu {best['write_floor_cpu']:.3f} s  (the same rows "
          f"by many-row INSERTs; bare read + bare write = {floor:.3f} s; the import is {best['import_wall'] / floor:.1f} × that)")
    if breakdown and phase_best:
        print("CPU by phase (best run after the first):")
        for name, label in Breakdown.PHASES.items():
            if name in phase_best:
                print(f"  {label:36} {phase_best[name]:.3f} s")
        rest = best["import_cpu"] - sum(phase_best.values())
        print(f"  {'everything else':36} {rest:.3f} s  (approximate: best runs differ)")
    if peak:
        report_peak(peak)
    if args.json:
        figures = {"rows": args.rows, "repeat": args.repeat, **best, "first_import_wall": first_import,
                   "ratio_wall": ratio_wall, "ratio_cpu": ratio_cpu, "target_ratio": TARGET_RATIO,
                   "ratio_to_read_and_write_floor": best["import_wall"] / (best["bare_wall"] + best["write_floor_wall"]),
                   "import_to_openpyxl_read": (best["import_wall"] / best["openpyxl_wall"]) if "openpyxl_wall" in best else None,
                   "imported": outcome.imported, "phases_cpu": phase_best, "peak": peak,
                   "target_peak_mb": TARGET_PEAK_MB}
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
