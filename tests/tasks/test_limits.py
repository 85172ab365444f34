"""The memory cap of a worker's pool process, as a plain function in a process of its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tasks.limits import limit_memory
from tasks.settings import REPO_ROOT, SettingsError, load_settings

ALLOCATE = ("import sys; from tasks.limits import limit_memory; limit_memory(int(sys.argv[1]));"
            "\ntry:\n    block = bytearray(int(sys.argv[2]) * 2**20)\nexcept MemoryError:\n"
            "    print('MemoryError')\nelse:\n    print('allocated')\n"
            "print(len(bytearray(16 * 2**20)))")  # and the process goes on afterwards


def run(cap_mb: int, allocate_mb: int) -> list[str]:
    done = subprocess.run([sys.executable, "-c", ALLOCATE, str(cap_mb), str(allocate_mb)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.split()


def test_an_allocation_past_the_cap_is_a_memory_error_and_the_process_goes_on():
    assert run(512, 1024) == ["MemoryError", str(16 * 2**20)]


def test_an_allocation_under_the_cap_succeeds():
    assert run(512, 64) == ["allocated", str(16 * 2**20)]


RENDER = ("import sys; from tasks.limits import limit_memory; limit_memory(512)\n"
          "from tasks.report.errors import TemplateError\n"
          "from tasks.report.template_runtime import translated\n"
          "try:\n    with translated('word/document.xml'):\n"
          "        block = bytearray(1024 * 2**20)\n"
          "except TemplateError as e:\n    print(e.code); print(e.message)\n")


def test_a_render_past_the_cap_is_refused_as_too_large_naming_the_memory():
    """What a pool process's render meets at the cap: the template is too large, for memory
    (a template that bypassed every budget: ``reliability/test_template_bombs.py``)."""
    done = subprocess.run([sys.executable, "-c", RENDER], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    code, message = done.stdout.splitlines()
    assert code == "template_too_large"
    assert message == ("Mẫu báo cáo (word/document.xml) cần quá nhiều bộ nhớ (vượt giới hạn "
                       "của tiến trình lập báo cáo).")


def test_zero_means_no_cap():
    assert run(0, 1024) == ["allocated", str(16 * 2**20)]


def test_a_negative_cap_is_refused():
    with pytest.raises(ValueError):
        limit_memory(-1)


def test_the_setting(tmp_path):
    base = {"REPORTGEN_DATA_DIR": str(tmp_path)}
    assert load_settings(base).worker_memory_mb == 2048
    assert load_settings({**base, "REPORTGEN_WORKER_MEMORY_MB": "0"}).worker_memory_mb == 0
    with pytest.raises(SettingsError):
        load_settings({**base, "REPORTGEN_WORKER_MEMORY_MB": "-5"})
