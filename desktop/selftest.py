"""`--selftest`: prove that a build finds everything it needs, end to end, in under a minute.

Run by `python build_scripts/build.py --smoke` on the frozen program and by hand on a PC after
installing. It works in a temporary data folder, so the user's data is never touched: builds the
demo database, shows and closes the main window, builds a briefing pack, writes the township
template and an export, and reads both back through the import. Each step prints one line; the
first failure stops with exit code 1 and says which step failed.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import traceback
from pathlib import Path


def run_selftest(say=print) -> int:
    started = time.perf_counter()
    saved = os.environ.get("INVESTDESK_DATA_DIR")
    try:
        with tempfile.TemporaryDirectory(prefix="investdesk-自检-") as folder:
            return _run(Path(folder), say, started)
    finally:
        if saved is None:
            os.environ.pop("INVESTDESK_DATA_DIR", None)
        else:
            os.environ["INVESTDESK_DATA_DIR"] = saved


def _run(root: Path, say, started: float) -> int:
    from desktop import db

    os.environ["INVESTDESK_DATA_DIR"] = str(root / "数据")
    steps = [
        ("生成演示数据库", lambda: _demo(root)),
        ("打开并关闭主窗口", _window),
        ("生成会议材料 PDF", lambda: _pack(root)),
        ("生成填报模板并导入", lambda: _template_import(root)),
        ("导出项目库并读回", lambda: _export_import(root)),
    ]
    try:
        for number, (title, step) in enumerate(steps, 1):
            try:
                detail = step()
            except Exception as exc:  # noqa: BLE001 - the self-test reports every failure the same way
                say(f"[{number}/{len(steps)}] {title}：失败 —— {type(exc).__name__}: {exc}")
                say(traceback.format_exc())
                return 1
            say(f"[{number}/{len(steps)}] {title}：通过{('（' + detail + '）') if detail else ''}")
    finally:
        db.close()  # the temporary folder can only be removed once the file is closed (Windows)
    say(f"自检通过，用时 {time.perf_counter() - started:.1f} 秒。")
    return 0


def _demo(root: Path) -> str:
    from desktop.services.demo import build_demo

    summary = build_demo(root / "demo.db")
    return f"{summary.projects} 个项目"


def _window() -> str:
    import sys
    import time

    from desktop.app import create_application
    from desktop.views.main_window import MainWindow

    # An error inside a Qt slot does not propagate: catch every one while the pages are shown.
    errors: list[str] = []
    previous = sys.excepthook
    sys.excepthook = lambda kind, exc, tb: errors.append("".join(traceback.format_exception(kind, exc, tb)))
    try:
        app = create_application([])
        window = MainWindow()
        window.show()
        window.load_data()
        app.processEvents()
        count = window.library_page.model.rowCount()
        for index in range(window.nav.count()):
            window.nav.setCurrentRow(index)
            # Let work started by the page (charts drawn when their figures arrive) finish.
            deadline = time.perf_counter() + 1.0
            while time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.01)
        window.close()
        app.processEvents()
    finally:
        sys.excepthook = previous
    if errors:
        raise RuntimeError("页面出错：\n" + "\n".join(errors))
    if count == 0:
        raise RuntimeError("项目库是空的")
    return f"项目库 {count} 行，{window.nav.count()} 个页面"


def _pack(root: Path) -> str:
    try:
        from desktop.services import briefing_pack, meetings
    except ImportError:
        from desktop.services import pdf

        out = root / "样张.pdf"
        pages = pdf.build_pdf(out, [pdf.paragraph("招商工作台自检：中文排版，标点不在行首。")], title="自检")
        return f"{pages} 页（尚无会议材料功能，只验证 PDF 字体）"
    meeting_id = meetings.latest_meeting_id()
    out = root / "会议材料.pdf"
    pages = briefing_pack.build_pack(out, meeting_id)
    return f"{pages} 页，{out.stat().st_size // 1024} KB"


def _template_import(root: Path) -> str:
    from desktop.services import excel_import
    from desktop.services.excel_template import write_template

    path = write_template(root / "填报模板.xlsx", lists=True)
    analysis = excel_import.analyse(path)
    return f"表头识别 {len(analysis.mapping)} 列"


def _export_import(root: Path) -> str:
    from desktop.services import excel_import
    from desktop.services.excel_export import export_filtered
    from desktop.services.project_list import ProjectFilter

    path = root / "项目库.xlsx"
    count = export_filtered(path, ProjectFilter())
    analysis = excel_import.analyse(path)
    duplicates = len(analysis.duplicates)
    if duplicates != count:
        raise RuntimeError(f"导出 {count} 个项目，读回时认出 {duplicates} 个已有项目")
    return f"{count} 个项目，{dt.date.today():%Y-%m-%d}"
