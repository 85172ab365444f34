"""The Celery settings' invariants (at-least-once delivery without duplicate runs)."""

from __future__ import annotations

import pytest

from tasks.celery_app import create_celery
from tasks.jobs import compile_report_task, reconcile_task, retention_task, try_kind_task
from tasks.settings import DEFAULTS, SettingsError, load_settings


@pytest.fixture()
def app(tmp_path):
    return create_celery(load_settings({"REPORTGEN_DATA_DIR": str(tmp_path),
                                        "REDIS_URL": "redis://127.0.0.1:1/0"}))


def test_late_ack_requeue_on_worker_loss_and_one_message_per_process(app):
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_ignore_result is True


def test_time_limits_stay_below_the_visibility_timeout(app):
    conf = app.conf
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert visibility == conf.visibility_timeout
    assert conf.task_soft_time_limit < conf.task_time_limit < visibility


def test_cold_shutdown_requeues_instead_of_waiting_for_the_visibility_timeout(app):
    assert 0 < app.conf.worker_soft_shutdown_timeout <= app.conf.task_soft_time_limit
    assert app.conf.worker_enable_soft_shutdown_on_idle is True


def test_broken_connections_are_noticed(app):
    options = app.conf.broker_transport_options
    assert options["socket_timeout"] and options["socket_connect_timeout"]
    assert options["socket_keepalive"] is True
    assert options["max_retries"] <= 5  # a publish to a dead broker gives up quickly


def test_retries_while_held_wait_less_than_the_visibility_timeout(tmp_path):
    settings = load_settings({"REPORTGEN_DATA_DIR": str(tmp_path)})
    # A held job retries after at most one lease; an ETA beyond the visibility timeout would
    # be redelivered again and again by Redis.
    assert settings.lease_seconds + 1 < settings.visibility_timeout
    assert settings.heartbeat_seconds < settings.lease_seconds


@pytest.mark.parametrize("soft, hard, visibility", [("300", "300", "3600"),
                                                    ("100", "4000", "3600")])
def test_settings_refuse_limits_in_the_wrong_order(tmp_path, soft, hard, visibility):
    with pytest.raises(SettingsError):
        load_settings({"REPORTGEN_DATA_DIR": str(tmp_path),
                       "REPORTGEN_TASK_SOFT_TIME_LIMIT": soft,
                       "REPORTGEN_TASK_TIME_LIMIT": hard,
                       "REPORTGEN_VISIBILITY_TIMEOUT": visibility})


def test_the_reconciler_is_scheduled(app):
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert tasks == {"reportgen.reconcile", "reportgen.retention"}


def test_messages_already_queued_keep_finding_their_tasks():
    # The names travel in messages: renaming one strands what a previous release queued.
    assert [t.name for t in (compile_report_task, try_kind_task, reconcile_task,
                             retention_task)] == ["reportgen.compile_report", "reportgen.try_kind",
                                                  "reportgen.reconcile", "reportgen.retention"]


def test_an_empty_environment_gives_the_dataclass_defaults(tmp_path):
    settings = load_settings({"REPORTGEN_DATA_DIR": str(tmp_path)})
    assert DEFAULTS["port"] == 8000 and DEFAULTS["max_upload_bytes"] == 20 * 1024 * 1024
    assert {name: getattr(settings, name) for name in DEFAULTS} == DEFAULTS


def test_every_worker_runs_the_passes_and_holds_no_connection_without_a_timeout(app):
    assert "tasks.worker_steps:Housekeeping" in app.steps["worker"]
    assert "tasks.worker_steps:LoopTick" in app.steps["consumer"]
    # Remote control reads a pub/sub connection with no timeout: off.
    assert app.conf.worker_enable_remote_control is False
    assert app.conf.broker_transport_options["health_check_interval"] > 0
