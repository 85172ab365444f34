"""The dependency rules written in the package docstrings, checked by parsing every import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tasks.settings import REPO_ROOT


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((REPO_ROOT / folder).rglob("*.py"))


RULES = [
    ("tasks", ("service",)),
    ("tasks/report", ("celery", "flask", "redis", "sqlalchemy", "kombu", "tasks.store",
                      "tasks.jobs", "tasks.celery_app", "tasks.runtime")),
    ("tasks/store", ("flask", "celery", "tasks.report")),
    ("tasks/pdf", ("flask", "celery", "redis", "sqlalchemy", "kombu", "tasks.store",
                   "tasks.runtime", "tasks.report")),
    ("service/api", ("service.web",)),
    ("service/web", ("service.api",)),
]


@pytest.mark.parametrize("folder, forbidden", RULES)
def test_layers_do_not_import_what_they_must_not(folder, forbidden):
    broken = []
    for path in modules(folder):
        for name in imports_of(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                broken.append(f"{path.relative_to(REPO_ROOT)} imports {name}")
    assert broken == []


def test_the_rule_check_sees_imports():
    # Guard against a checker that passes because it reads nothing.
    assert "tasks.report.errors" in imports_of(REPO_ROOT / "tasks" / "report" / "pipeline.py")
    assert len(modules("tasks/report")) >= 10
