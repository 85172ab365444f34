"""Hostile templates against real processes (issue 13 item 8): a template that bypassed the
upload checks fails its job cleanly in a real worker, whose pool process has a memory cap,
and the worker goes on serving."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.kind_registry import template_sha256
from tasks.report.bundles import digest, folder_files, pack
from tasks.settings import REPO_ROOT
from tests.conftest import docx_text
from tests.reliability.test_template_versions import edited_template

pytestmark = pytest.mark.slow
SLUG = "gender-equality-month"
FOLDER = REPO_ROOT / "doc_templates" / SLUG
ANCHOR = "{{ report.closing }}"
# Passes every budget (45 million characters of output, under the 50 million cap). Before the
# render streamed its output as UTF-8 pieces, it needed several whole copies of that text at
# 4 bytes a character (one character outside Unicode's first plane makes Python store the
# whole text that way), about 570 MB, and only the process's memory cap stopped it. Now the
# render may get through under the cap, and its document is refused when read back: one text
# node of several MB, more than the XML parser takes. Either way the job fails, saying why.
HUNGRY = "{% for i in range(45000) %}" + "Bình đẳng giới 𝔹 " * 55 + "{% endfor %}"
CAP_MB = 420
DOUBLING = ("{% set ns = namespace(s='x') %}{% for i in range(28) %}{% set ns.s = ns.s ~ ns.s %}"
            "{% endfor %}{{ ns.s|length }}")
MACROS = ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
          "{{ f(60) }}")


def vm_peak_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmPeak:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmPeak")


def run_with(stack, template: bytes) -> str:
    """Submit a job pinned to a kind version holding ``template``, recorded as accepted
    without the upload's trial (as if the checks had been bypassed)."""
    versions, kinds = stack.runtime.kind_versions, stack.runtime.kinds
    shipped = kinds.current()[SLUG].sha256
    files = {**folder_files(FOLDER), "template.docx": template}
    version, _new = versions.add(SLUG, digest(files), template_sha256(files), pack(files),
                                 "uploaded", "bypass", state="accepted")
    versions.activate(SLUG, version.sha256)
    kinds.forget()
    job = stack.submit()
    versions.activate(SLUG, shipped)  # later jobs: the shipped one
    kinds.forget()
    assert stack.job(job).kind_sha256 == version.sha256
    return job


def test_bombs_that_bypassed_the_checks_fail_their_jobs_and_the_worker_goes_on(make_stack):
    stack = make_stack(REPORTGEN_WORKER_MEMORY_MB=str(CAP_MB))
    worker = stack.start_worker()
    jobs = {name: run_with(stack, edited_template(ANCHOR, payload))
            for name, payload in (("doubling", DOUBLING), ("macros", MACROS),
                                  ("hungry", HUNGRY))}
    after = stack.submit()
    for name, job in jobs.items():
        done = stack.wait_finished(job, timeout=120)
        assert done.status == "failed", name
        codes = [e["code"] for e in done.errors]
        if name == "hungry" and codes == ["template_output"]:  # rendered under the cap
            assert "không đọc lại được" in done.errors[0]["message"], done.errors
            continue
        assert codes == ["template_too_large"], (name, done.errors)
        assert done.errors[0]["message"].startswith("Mẫu báo cáo"), done.errors
        if name == "hungry":
            assert "bộ nhớ" in done.errors[0]["message"], done.errors
    finished = stack.wait_finished(after, timeout=120)
    assert finished.status == "succeeded", finished.errors
    document = stack.client.get(f"/api/v1/jobs/{after}/document").data
    assert "Trên đây là báo cáo" in docx_text(document)
    assert worker.poll() is None
    children = stack.pool_children(worker)
    assert children and all(vm_peak_mb(pid) <= CAP_MB for pid in children)
