"""House rules that keep the layers apart: views → services → models → db, never back."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "desktop"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", ["models", "services", "migrations"])
def test_no_qt_below_the_views(folder):
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path) if m.startswith(("PySide6", "desktop.views")))
        for path in files(folder)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_views_do_not_touch_peewee_or_models():
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] == "peewee" or m.startswith(("desktop.models", "desktop.db"))
        )
        for path in files("views")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_models_do_not_import_services():
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(m for m in imported_modules(path) if m.startswith("desktop.services"))
        for path in files("models")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
