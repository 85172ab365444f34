"""The dependency rules written in the package docstrings, checked by parsing every import."""

from __future__ import annotations

import ast
import re
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


# Inside the pipeline the flow reads one way: request (what was asked) → intake (the upload
# read, validated, computed) → pipeline (rendered and checked). No step imports a later one.
STEPS = ["request", "intake", "pipeline"]


@pytest.mark.parametrize("step", STEPS[:-1])
def test_pipeline_steps_import_only_earlier_steps(step):
    later = {f"tasks.report.{s}" for s in STEPS[STEPS.index(step) + 1:]}
    imported = set(imports_of(REPO_ROOT / "tasks" / "report" / f"{step}.py"))
    assert imported & later == set()
    if step != "request":
        assert f"tasks.report.{STEPS[STEPS.index(step) - 1]}" in imported


def test_no_generic_module_names_a_shipped_kind():
    """Kinds are data: no module of the service holds a kind's slug as code (the default
    kind of the form is a setting, and click help texts are examples)."""
    slugs = [p.parent.name for p in (REPO_ROOT / "doc_templates").glob("*/kind.toml")]
    assert slugs
    found = []
    for folder in ("tasks", "service"):
        for path in modules(folder):
            text = path.read_text(encoding="utf-8")
            for slug in slugs:
                for line in text.splitlines():
                    if slug in line and "help=" not in line and "e.g." not in line \
                            and "default_kind" not in line:
                        found.append(f"{path.relative_to(REPO_ROOT)}: {line.strip()}")
    assert found == []


def test_the_rule_check_sees_imports():
    # Guard against a checker that passes because it reads nothing.
    assert "tasks.report.errors" in imports_of(REPO_ROOT / "tasks" / "report" / "pipeline.py")
    assert len(modules("tasks/report")) >= 10


def _defined_at_top(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


# A name that several modules need is defined in its one home; the others import it.
HOMES = {
    "VIETNAM": "tasks/report/clock.py",
    "now_in_vietnam": "tasks/report/clock.py",
    "today_in_vietnam": "tasks/report/clock.py",
    "runtime": "service/runtime.py",
    "celery_app": "service/runtime.py",
    "find_job": "service/job_lookup.py",
    "find_job_waiting": "service/job_lookup.py",
    "StoreError": "tasks/store/__init__.py",
    "FileStore": "tasks/store/files.py",
    "Problem": "tasks/report/errors.py",
    "Finding": "tasks/report/errors.py",
}


def test_shared_names_are_defined_in_their_one_home():
    found = {}
    for path in modules("service") + modules("tasks") + modules("bench"):
        for name in _defined_at_top(path) & HOMES.keys():
            found.setdefault(name, []).append(str(path.relative_to(REPO_ROOT)))
    assert found == {name: [home] for name, home in HOMES.items()}


def test_the_apps_objects_are_read_through_service_runtime():
    # ``current_app.extensions[...]`` is read in one place, so what it holds can change there.
    readers = [str(p.relative_to(REPO_ROOT)) for p in modules("service")
               if re.search(r"current_app\.extensions\[", p.read_text(encoding="utf-8"))]
    assert readers == ["service/runtime.py"]


def test_celery_task_names_are_written_once():
    literals = {}
    for path in modules("service") + modules("tasks"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and re.fullmatch(r"reportgen\.[a-z_]+", node.value)):
                literals.setdefault(node.value, []).append(str(path.relative_to(REPO_ROOT)))
    assert len(literals) >= 6
    assert {name: places for name, places in literals.items() if len(places) > 1} == {}
