"""The compose file that scales reportgen out: what must hold without a Docker engine here."""

from __future__ import annotations

import re

import yaml

from tasks.settings import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_every_part_of_the_service_is_there():
    assert {"redis", "postgres", "minio", "web", "worker"} <= set(SERVICES)
    assert SERVICES["web"]["command"][:2] == ["reportgen", "web"]
    assert SERVICES["worker"]["command"][:2] == ["reportgen", "worker"]
    # Workers reconcile by themselves: a scheduler is not a condition of recovery.
    assert "beat" not in SERVICES


def test_redis_keeps_its_queue_across_restarts_and_never_evicts():
    command = " ".join(SERVICES["redis"]["command"])
    assert "--appendonly yes" in command and "--maxmemory-policy noeviction" in command
    assert any(v.endswith(":/data") for v in SERVICES["redis"]["volumes"])


def test_web_and_workers_share_database_broker_and_storage():
    web, worker = SERVICES["web"]["environment"], SERVICES["worker"]["environment"]
    for name in ("REDIS_URL", "DATABASE_URL", "REPORTGEN_STORAGE_URL", "REPORTGEN_SECRET_KEY"):
        assert web[name] == worker[name]
    assert web["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert web["REPORTGEN_STORAGE_URL"].startswith("s3://")


def test_no_secret_is_written_in_the_file():
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    for line in text.splitlines():
        if re.search(r"^\s*[A-Z_]*(PASSWORD|SECRET)[A-Z_]*:\s*\S", line):
            assert "${" in line, line
    assert "${REPORTGEN_SECRET_KEY:?" in text and "${POSTGRES_PASSWORD:?" in text


def test_every_long_running_service_has_a_health_check():
    for name in ("redis", "postgres", "minio", "web", "worker"):
        assert "healthcheck" in SERVICES[name], name
    # Remote control is off in workers: their health is their heartbeat file.
    assert SERVICES["worker"]["healthcheck"]["test"] == ["CMD", "reportgen", "worker", "--check"]


def test_the_image_makes_pdfs_with_times_metric_fonts():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    for package in ("libreoffice-writer-nogui", "python3-uno", "fonts-liberation"):
        assert package in dockerfile
