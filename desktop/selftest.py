"""`--selftest`: prove that a build finds everything it needs, end to end, in under a minute.

Run by `python build_scripts/build.py --smoke` on the frozen program and by hand on a PC after
installing. It works in a temporary data folder, so the user's data is never touched: builds the
demo database, shows and closes the main window (in Chinese: Qt's own zh_CN translation must load),
builds a briefing pack, then — logged in as the demo account — imports the township template (its
example row must not become a project) and an export of the whole project library with “update
duplicates” (nothing may change). Each step prints one line; the first failure stops with exit
code 1 and says which step failed; success ends with a line starting with PASSED.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

PASSED = "自检通过"  # build_scripts/build.py --smoke looks for a line starting with it


def run_selftest(say=print) -> int:
    started = time.perf_counter()
    saved = os.environ.get("INVESTDESK_DATA_DIR")
    try:
        # ignore_cleanup_errors: on Windows a file still held open (an antivirus scan, a Qt cache)
        # must not turn a passed self-test into a crash while the folder is removed.
        with tempfile.TemporaryDirectory(prefix="investdesk-自检-", ignore_cleanup_errors=True) as folder:
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
        ("导出项目库并重新导入", lambda: _export_import(root)),
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
    say(f"{PASSED}，用时 {time.perf_counter() - started:.1f} 秒。")
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
        _check_chinese_dialogs()
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


def _check_chinese_dialogs() -> None:
    """Qt's own texts (dialog buttons, context menus) come from its zh_CN translation, which the app
    loads from Qt's translations folder: if the build left it out, they would be English."""
    from PySide6.QtCore import QCoreApplication

    if QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel":
        raise RuntimeError("Qt 的中文翻译（qtbase_zh_CN）没有加载：对话框按钮会显示英文")


def _snapshot() -> list[tuple]:
    """Every project as the library and the forms show it (but its version, which an update raises)."""
    from desktop.services import projects
    from desktop.services.project_list import load_rows

    rows = load_rows()
    shown = [tuple(row)[:-1] for row in rows]  # without the search text, read lazily
    values = [{k: v for k, v in projects.project_values(row.id).items() if k != "version"} for row in rows]
    return list(zip(shown, values))


def _totals(snapshot: list[tuple]) -> str:
    yuan = sum(shown[5] for shown, _values in snapshot)
    return f"{len(snapshot)} 个项目，总投资 {yuan / 100_000_000:.2f} 亿元"


def _compare(before: list[tuple], after: list[tuple], what: str) -> None:
    if after == before:
        return
    if len(after) != len(before):
        raise RuntimeError(f"{what}后项目数从 {len(before)} 变为 {len(after)}")
    for (old_shown, old), (new_shown, new) in zip(before, after):
        if (old_shown, old) != (new_shown, new):
            changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            raise RuntimeError(f"{what}改动了项目“{old.get('name')}”：{('、'.join(changed)) or '列表中的值'}；"
                               f"之前 {_totals(before)}，之后 {_totals(after)}")


@contextmanager
def _as_demo_user():
    """Import as the person at the keyboard would: logged in with the demo account (the real
    password check, scrypt included). Without that account, as the local file's administrator."""
    from desktop.services import access, auth

    account = auth.demo_account()
    user = auth.authenticate(*account) if account else None
    with access.acting_as(user):
        yield user


def _import_changing_nothing(path: Path, what: str):
    from desktop.services import excel_import

    before = _snapshot()
    analysis = excel_import.analyse(path)
    if analysis.errors:
        first = analysis.errors[0]
        raise RuntimeError(f"{what}：{len(analysis.errors)} 处错误，如第 {first.row} 行 {first.column}：{first.message}")
    with _as_demo_user():
        outcome = excel_import.commit(analysis, on_duplicate="update")
    if outcome.imported != 0:
        raise RuntimeError(f"{what}：新增了 {outcome.imported} 个项目（应为 0）")
    _compare(before, _snapshot(), what)
    return analysis, outcome, before


def _template_import(root: Path) -> str:
    from desktop.services.excel_template import write_template

    path = write_template(root / "填报模板.xlsx", lists=True)
    analysis, _outcome, _before = _import_changing_nothing(path, "导入空白模板")
    return f"表头识别 {len(analysis.mapping)} 列，示例行未成为项目"


def _export_import(root: Path) -> str:
    from desktop.services.excel_export import export_filtered
    from desktop.services.project_list import ProjectFilter

    path = root / "项目库.xlsx"
    count = export_filtered(path, ProjectFilter())
    analysis, outcome, before = _import_changing_nothing(path, "重新导入导出的项目库")
    duplicates = len(analysis.duplicates)
    if duplicates != count:
        raise RuntimeError(f"导出 {count} 个项目，读回时认出 {duplicates} 个已有项目")
    return f"{count} 个项目按重复更新 {outcome.updated} 个，无变化（{_totals(before)}），{dt.date.today():%Y-%m-%d}"
