"""What an exchange partner learns depends on record versions: every query update of an exchanged
table in the services gives the rows a new version, except the ones that rewrite a cache the partner
works out for itself on arrival (exchange._apply refreshes them)."""

from __future__ import annotations

import ast
from pathlib import Path

from desktop.models.exchange import EXCHANGED_TABLES
from desktop.services.exchange import TABLES

SERVICES = Path(__file__).resolve().parents[2] / "desktop" / "services"
EXCHANGED_MODELS = {spec.model.__name__ for spec in TABLES}

# (module, function): caches derived from exchanged records, recomputed by the receiving PC.
DERIVED_CACHE_WRITERS = {
    ("lifecycle", "refresh_project_cache"),  # stage and milestone dates ← step records
    ("projects", "change_status"),  # status ← status changes
    ("meetings", "_undo"),  # status ← status changes
    ("integrity", "fix_statuses"),  # status ← status changes
    ("exchange", "_refresh_status"),  # status ← status changes, on arrival
    ("fund_entries", "refresh_project_total"),  # 到位资金/完成投资 ← monthly entries
}


class _Updates(ast.NodeVisitor):
    """Query updates of exchanged models, each with the innermost function it is written in."""

    def __init__(self, module: str):
        self.module, self.functions, self.found = module, [], []

    def visit_FunctionDef(self, node):  # noqa: N802 - ast.NodeVisitor's naming
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):  # noqa: N802
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Name)
                and func.value.id in EXCHANGED_MODELS):
            keys = {k.arg for k in node.keywords}
            for arg in node.args:
                if isinstance(arg, ast.Dict):
                    keys |= {k.value if isinstance(k, ast.Constant) else getattr(k, "attr", None) for k in arg.keys}
            where = (self.module, self.functions[-1] if self.functions else "")
            if "version" not in keys and where not in DERIVED_CACHE_WRITERS:
                self.found.append((*where, node.lineno))
        self.generic_visit(node)


def _unversioned_updates() -> list[tuple[str, str, int]]:
    found = []
    for path in sorted(SERVICES.glob("*.py")):
        if path.stem.startswith("demo"):
            continue  # builds a new file: nothing has been exchanged yet
        visitor = _Updates(path.stem)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        found += visitor.found
    return found


def test_every_exchanged_table_is_in_the_exchange():
    assert {spec.model._meta.table_name for spec in TABLES} == EXCHANGED_TABLES


def test_query_updates_of_exchanged_tables_give_a_new_version():
    assert _unversioned_updates() == []
