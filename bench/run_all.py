"""Run every benchmark in bench/, each in its own child process, and print one table against the targets.

    .venv/bin/python bench/run_all.py [--quick] [--only NAME ...] [--timeout SECONDS] [--json FILE]

For each benchmark: its figures (read from what the script prints — JSON where the script offers
it, its printed lines otherwise), the target, the ratio or the verdict, and the peak memory of its
process (bench/memory.py: ru_maxrss as the parent sees it when the child ends — the biggest single
process of that benchmark, its own children included). A script that is absent or fails is listed
with a note, and the others still run.

--quick: smaller sizes (a few minutes), for checking that everything runs; the figures at full size
are the ones the targets are about (issue 9). The full run takes about 5–8 minutes on a quiet
2-core machine. Times on a shared machine are noisy: run twice before trusting one figure.

Targets (issues 2, 3, 4, 5, 9): start-up (a) window shown ≤ 2.5× a bare PySide6 window (demo and
100,000 projects), (b) table filled ≤ 6× at 100,000; search and sort at 100,000 ≤ 100 ms; the
scoring board at ~1,000,000 step records ≤ 4× a bare GROUP BY; import of 10,000 rows ≤ 5× calamine's
bare read; 100,000-row import peak < 500 MB with a moving progress bar; a 200-item briefing pack ≤ 3×
bare reportlab. Export (10,000 rows) and the PDF line breaking have no ratio target: shown for the record.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from memory import Measured, run_measured  # noqa: E402


@dataclass
class Row:
    benchmark: str
    measured: str
    target: str = "—"
    verdict: str = "—"
    peak_mb: float | None = None


@dataclass
class Benchmark:
    name: str
    script: str
    full: list[str]
    quick: list[str]
    read: object  # (Measured, quick: bool) -> list[Row]
    env: dict = field(default_factory=dict)


def _ok(passed: bool) -> str:
    return "met" if passed else "MISSED"


def _search(pattern: str, text: str, flags=re.MULTILINE):
    return re.search(pattern, text, flags)


# --- readers: one per script, robust to extra lines; None-matches become a note ---------------------
def read_startup(result: Measured, quick: bool) -> list[Row]:
    out = result.stdout
    rows = []
    for match in re.finditer(r"^\((a|b)\) (window shown|table filled), (.+?)\s+([\d.]+)s\s+([\d.]+)\s*(≤ [\d.]+×)?\s*(met|MISSED)?\s*$",
                             out, re.MULTILINE):
        kind, what, label, seconds, ratio, target, verdict = match.groups()
        rows.append(Row(f"start-up ({kind}) {what}, {label}", f"{float(seconds):.3f} s",
                        f"{target} bare window" if target else "(no target)",
                        f"{float(ratio):.2f}× {verdict}" if verdict else f"{float(ratio):.2f}×"))
    bare = _search(r"^bare PySide6 window shown\s+([\d.]+)s", out)
    if bare:
        rows.insert(0, Row("start-up: bare PySide6 window", f"{float(bare.group(1)):.3f} s", "(reference)", "1.00×"))
    for match in re.finditer(r"^(search '[^']*'|sort by name|clear search|sort by total), ([\d,]+) projects\s+([\d.]+)ms\s+(≤ 100 ms)\s+(met|MISSED)",
                             out, re.MULTILINE):
        what, count, ms, target, verdict = match.groups()
        rows.append(Row(f"{what} at {count} projects", f"{float(ms):.1f} ms", target, verdict))
    # Each kind of start-up's own peak (the child processes measured one by one), not the whole script's.
    peaks = {label: float(mb) for label, mb in re.findall(r"^peak memory, (.+?): ([\d.]+) MB", out, re.MULTILINE)}
    for row in rows:
        label = "bare window" if row.benchmark.startswith("start-up: bare") else next(
            (key for key in peaks if row.benchmark.endswith(key) or f" {key}" in row.benchmark), None)
        if label in peaks:
            row.peak_mb = peaks[label]
    return rows


def read_scoreboard(result: Measured, quick: bool) -> list[Row]:
    out = result.stdout
    ratio = _search(r"^ratio board / bare: ([\d.]+)×", out)
    bare = _search(r"^bare GROUP BY.*?([\d.]+) ms\s*$", out)
    board = _search(r"^scoring board.*?([\d.]+) ms\s*$", out)
    records = _search(r"^([\d,]+) step records", out)
    if not ratio:
        return []
    label = f"scoring board, {records.group(1) if records else '?'} step records"
    measured = f"{float(board.group(1)):.1f} ms vs {float(bare.group(1)):.1f} ms bare" if board and bare else ""
    value = float(ratio.group(1))
    return [Row(label, measured, "≤ 4× bare GROUP BY", f"{value:.2f}× {_ok(value <= 4)}")]


def _last_json(text: str) -> dict | None:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def read_import(result: Measured, quick: bool) -> list[Row]:
    data = _last_json(result.stdout)
    if not data or "ratio_wall" not in data:
        return []
    return [Row(f"import {data['rows']:,} rows (analyse + commit)",
                f"{data['import_wall']:.3f} s vs {data['bare_wall']:.3f} s bare read (cpu {data['ratio_cpu']:.1f}×; "
                f"cold first run {data['first_import_wall']:.2f} s; "
                f"{data.get('ratio_to_read_and_write_floor', 0):.1f}× bare read + SQLite's bare write"
                + (f"; {data['import_to_openpyxl_read']:.2f}× openpyxl's bare read" if data.get("import_to_openpyxl_read") else "")
                + ")",
                f"≤ {data['target_ratio']:g}× calamine read", f"{data['ratio_wall']:.1f}× {_ok(data['ratio_wall'] <= data['target_ratio'])}")]


def read_import_peak(result: Measured, quick: bool) -> list[Row]:
    data = _last_json(result.stdout)
    if not data or not data.get("peak"):
        return []
    peak = data["peak"]
    calls = ", ".join(f"{name} {p['calls']} calls/{p['distinct_percent']} %-steps" for name, p in peak["progress"].items())
    moved = all(p["monotonic"] and p["last"] == 100 and p["distinct_percent"] >= 3 for p in peak["progress"].values())
    return [Row(f"import {peak['sheet_rows']:,} rows: peak memory",
                f"{peak['peak_mb']:.0f} MB, {peak['total_s']:.1f} s; progress {calls}",
                f"< {data['target_peak_mb']:g} MB, bar moving",
                f"{_ok(peak['peak_mb'] < data['target_peak_mb'] and moved)}{'' if moved else ' (bar not moving)'}",
                peak_mb=peak["peak_mb"])]


def read_export(result: Measured, quick: bool) -> list[Row]:
    out = result.stdout
    ours = _search(r"^export_projects.*?:\s*([\d.]+) s", out)
    bare = _search(r"^openpyxl bare write-only:\s*([\d.]+) s", out)
    ratio = _search(r"^ratio:\s*([\d.]+)×", out)
    rows_line = _search(r"^rows: ([\d,]+)", out)
    if not (ours and bare and ratio):
        return []
    return [Row(f"export {rows_line.group(1) if rows_line else '?'} rows to .xlsx",
                f"{float(ours.group(1)):.3f} s vs {float(bare.group(1)):.3f} s bare openpyxl",
                "(no ratio target)", f"{float(ratio.group(1)):.2f}×")]


def read_pack(result: Measured, quick: bool) -> list[Row]:
    out = result.stdout
    ratio = _search(r"^ratio ([\d.]+)×", out)
    ours = _search(r"^build_pack: (\d+) pages.*?([\d.]+) s", out)
    bare = _search(r"^bare reportlab multiBuild: (\d+) pages.*?([\d.]+) s", out)
    items = _search(r"^database with (\d+) projects", out)
    if not ratio:
        return []
    value = float(ratio.group(1))
    measured = f"{float(ours.group(2)):.2f} s ({ours.group(1)} pages) vs {float(bare.group(2)):.2f} s bare" if ours and bare else ""
    return [Row(f"briefing pack, {items.group(1) if items else '?'} items", measured, "≤ 3× bare reportlab",
                f"{value:.2f}× {_ok(value <= 3)}")]


def read_pdf_wrap(result: Measured, quick: bool) -> list[Row]:
    out = result.stdout
    match = _search(r"reportlab Paragraph: ([\d.]+) s\s+ours.*?: ([\d.]+) s\s+ratio ([\d.]+)", out)
    pages = _search(r"^(\d+) paragraphs.*?(\d+) pages", out)
    if not match:
        return []
    return [Row(f"PDF line breaking, {pages.group(1) if pages else '?'} paragraphs",
                f"{float(match.group(2)):.2f} s vs {float(match.group(1)):.2f} s reportlab", "(no ratio target)",
                f"{float(match.group(3)):.2f}×")]


BENCHMARKS = [
    Benchmark("startup", "startup.py", ["--runs", "3", "--rows", "100000"], ["--runs", "1", "--rows", "20000"], read_startup,
              env={"QT_QPA_PLATFORM": "offscreen"}),
    Benchmark("scoreboard", "scoreboard.py", [], ["--projects", "10000", "--repeat", "5"], read_scoreboard),
    Benchmark("import", "import.py", ["--rows", "10000", "--repeat", "3", "--json"],
              ["--rows", "2000", "--repeat", "2", "--json"], read_import),
    Benchmark("import-peak", "import.py", ["--repeat", "0", "--peak-rows", "100000", "--json"],
              ["--repeat", "0", "--peak-rows", "10000", "--json"], read_import_peak),
    Benchmark("export", "export.py", ["--rows", "10000", "--runs", "3"], ["--rows", "2000", "--runs", "1"], read_export),
    Benchmark("pack", "pack.py", ["--items", "200", "--runs", "2"], ["--items", "40", "--runs", "1"], read_pack),
    Benchmark("pdf_wrap", "pdf_wrap.py", [], ["100"], read_pdf_wrap),
]


def run_one(bench: Benchmark, quick: bool, timeout: float) -> list[Row]:
    script = HERE / bench.script
    if not script.exists():
        return [Row(bench.name, f"bench/{bench.script} is absent — skipped")]
    argv = [sys.executable, str(script), *(bench.quick if quick else bench.full)]
    env = dict(os.environ, **bench.env)
    print(f"running {bench.name}: {' '.join(argv[1:])}", file=sys.stderr, flush=True)
    result = run_measured(argv, env=env, cwd=str(ROOT), timeout=timeout)
    print(f"  … {result.seconds:.0f} s, peak {result.peak_mb:.0f} MB, exit {result.returncode}", file=sys.stderr, flush=True)
    if result.timed_out:
        return [Row(bench.name, f"stopped after {timeout:.0f} s (--timeout)", verdict="NOT MEASURED", peak_mb=result.peak_mb)]
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1][:90]
        return [Row(bench.name, f"failed (exit {result.returncode}): {last}", verdict="NOT MEASURED", peak_mb=result.peak_mb)]
    rows = bench.read(result, quick)
    if not rows:
        last = (result.stdout.strip().splitlines() or ["(no output)"])[-1][:90]
        return [Row(bench.name, f"figures not found in its output (changed?): {last}", verdict="?", peak_mb=result.peak_mb)]
    for row in rows:
        if row.peak_mb is None:
            row.peak_mb = result.peak_mb
    return rows


def print_table(rows: list[Row]) -> None:
    headers = ("benchmark", "measured", "target", "ratio / verdict", "peak MB")
    cells = [(r.benchmark, r.measured, r.target, r.verdict, "" if r.peak_mb is None else f"{r.peak_mb:.0f}") for r in rows]

    def width(text: str) -> int:  # CJK and full-width characters take two columns
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(h), *(width(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def line(values) -> str:
        parts = []
        for i, value in enumerate(values):
            pad = widths[i] - width(value)
            parts.append(" " * pad + value if i == 4 else value + " " * pad)
        return " | ".join(parts)
    print(line(headers))
    print("-+-".join("-" * w for w in widths))
    for c in cells:
        print(line(c))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes: checks that everything runs")
    parser.add_argument("--only", nargs="+", choices=[b.name for b in BENCHMARKS], help="run only these")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per benchmark (default 600, quick 240)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file as JSON")
    args = parser.parse_args()
    timeout = args.timeout or (240 if args.quick else 600)
    started = time.perf_counter()
    load_before = os.getloadavg()
    rows: list[Row] = []
    for bench in BENCHMARKS:
        if args.only and bench.name not in args.only:
            continue
        rows.extend(run_one(bench, args.quick, timeout))
    load_after = os.getloadavg()
    print()
    print(f"InvestDesk benchmarks{' (--quick: smaller sizes)' if args.quick else ''}: {time.perf_counter() - started:.0f} s; "
          f"load average {load_before[0]:.1f} → {load_after[0]:.1f} on {os.cpu_count()} CPUs "
          f"(times on a shared machine are noisy)")
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
