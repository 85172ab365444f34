"""D7 (docs/faults.md): the disk fills up while a document is written: the job fails clearly,
no partial file."""

from __future__ import annotations

import os
import subprocess

import pytest

pytestmark = pytest.mark.slow


def _mount_small_tmpfs(folder) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


def test_d7_disk_full_while_writing_the_document(stack):
    documents = stack.root / "data" / "files" / "documents"
    if not _mount_small_tmpfs(documents):
        pytest.skip("needs root and mount to make a small full disk (tmpfs)")
    try:
        job_id = stack.submit()
        stack.start_worker()
        job = stack.wait_finished(job_id)
        assert job.status == "failed"
        assert job.errors[0]["code"] == "storage_error"
        assert "đĩa đầy" in job.errors[0]["message"]
        assert os.listdir(documents) == []  # the partial temp file was removed
    finally:
        subprocess.run(["umount", str(documents)], check=True)
    # With room again, the same request goes through.
    retry = stack.submit()
    assert stack.wait_finished(retry).status == "succeeded"
