"""The worker: progress rises while a job runs, a job can be cancelled queued or running, jobs
survive a restart (queued ones run, interrupted ones run again or fail clearly), Redis works as
the queue's storage, and `liudong worker` is a real process that runs them."""
import datetime
import os
import signal
import socket
import subprocess
import sys

import pytest
from django.db import connection
from django.utils import timezone

from liudong.accounts.models import AuditEvent
from liudong.errors import Invalid, NotFound
from liudong.jobs import services
from liudong.jobs.models import ExportJob
from tests.conftest import NANTOU, TODAY
from tests.jobs.conftest import PERIOD, WAIT_SECONDS, add_migrants, thread_consumer, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def slow_job(actor):
    return services.request_export(actor=actor, now=timezone.now(), kind="test_slow", format="pdf", params={}, today=TODAY)


def register_job(actor, fmt="xlsx"):
    return services.request_export(actor=actor, now=timezone.now(), kind="inflow_register", format=fmt, params={"division": NANTOU, **PERIOD}, today=TODAY)


def test_progress_rises_while_the_job_runs(worker, slow_kind, clerk):
    job = slow_job(clerk)
    seen = []
    for step in (3, 6):
        assert slow_kind[step].reached.wait(WAIT_SECONDS)
        row = ExportJob.objects.get(pk=job.pk)
        assert row.state == "running" and row.started_at and row.heartbeat_at and row.attempts == 1
        seen.append((row.progress, row.rows_done, row.heartbeat_at))
        slow_kind[step].go.set()
    job = wait_for(job.pk)
    assert job.state == "done" and job.progress == 100
    (p3, done3, beat3), (p6, done6, beat6) = seen
    assert 0 < p3 < p6 < 100 and (done3, done6) == (3, 6) and beat3 < beat6


def test_R3_a_register_job_ends_at_100_with_every_row_counted(worker, clerk):
    add_migrants(50)
    job = wait_for(register_job(clerk).pk)
    assert (job.state, job.progress, job.rows_done, job.rows_total) == ("done", 100, 50, 50)


def test_a_running_job_can_be_cancelled_and_leaves_no_file(worker, slow_kind, clerk):
    job = slow_job(clerk)
    assert slow_kind[3].reached.wait(WAIT_SECONDS)
    services.cancel_export(actor=clerk, job_id=job.pk, now=timezone.now())
    slow_kind[3].go.set()  # the build goes on to its next progress write, which finds the job cancelled
    job = wait_for(job.pk)
    assert job.state == "cancelled" and job.message.startswith("已由申请人取消")
    assert not slow_kind[6].reached.is_set()  # it stopped at the next step
    assert not job.file_path and not list(services.settings.EXPORTS_DIR.glob("*"))
    event = AuditEvent.objects.get(action="export.cancel")
    assert event.actor == clerk and event.fields["state"] == ["running", "cancelled"]


def test_a_queued_job_can_be_cancelled_and_never_runs(stopped_worker, clerk):
    add_migrants(3)
    job = register_job(clerk)
    services.cancel_export(actor=clerk, job_id=job.pk, now=timezone.now())
    stopped_worker.start()
    add_migrants(1, first=3)  # anything the worker did would be done by now: a job queued after it ran
    later = wait_for(register_job(clerk).pk)
    assert later.state == "done"
    job.refresh_from_db()
    assert job.state == "cancelled" and job.started_at is None and not job.file_path


def test_only_the_requester_may_cancel_and_only_while_it_runs(worker, world, clerk):
    add_migrants(2)
    job = register_job(clerk)
    with pytest.raises(NotFound):
        services.cancel_export(actor=world["county_officer"], job_id=job.pk, now=timezone.now())  # may read it, may not cancel it
    job = wait_for(job.pk)
    with pytest.raises(Invalid) as e:
        services.cancel_export(actor=clerk, job_id=job.pk, now=timezone.now())
    assert "不能取消" in e.value.errors["state"][0]


def test_jobs_queued_while_no_worker_ran_run_when_it_starts(stopped_worker, clerk):
    add_migrants(4)
    first, second = register_job(clerk, "xlsx"), register_job(clerk, "pdf")
    assert ExportJob.objects.filter(state="queued").count() == 2
    stopped_worker.start()
    assert wait_for(first.pk).state == "done" and wait_for(second.pk).state == "done"
    # Recovery put both on the queue again with new tickets; each still ran once.
    assert list(ExportJob.objects.order_by("pk").values_list("attempts", "ticket")) == [(1, 2), (1, 2)]
    assert AuditEvent.objects.filter(action="register.export_xlsx").count() == 1
    assert AuditEvent.objects.filter(action="register.print_pdf").count() == 1


def _interrupted(job, attempts=1):
    """The row as a worker killed mid-job leaves it: running, with the id of a process that is
    gone (no process has pid 2**22 + 1 on Linux: pid_max is at most 2**22)."""
    ExportJob.objects.filter(pk=job.pk).update(state="running", attempts=attempts, worker=f"{socket.gethostname()}:{2**22 + 1}",
                                               started_at=job.requested_at, heartbeat_at=job.requested_at, progress=40)


def test_a_job_interrupted_by_a_stopped_worker_runs_again_when_it_restarts(stopped_worker, queue, clerk):
    add_migrants(6)
    job = register_job(clerk)
    queue.flush()  # its message was taken by the worker that died
    _interrupted(job)
    stopped_worker.start()
    job = wait_for(job.pk)
    assert job.state == "done" and job.row_count == 6 and job.attempts == 2


def test_a_job_interrupted_too_often_is_failed_with_the_reason(stopped_worker, queue, clerk):
    job = register_job(clerk)
    queue.flush()
    _interrupted(job, attempts=services.MAX_ATTEMPTS)
    stopped_worker.start()
    job = wait_for(job.pk)
    assert job.state == "failed" and "中断了 3 次" in job.message and "please ask again" in job.message


def test_a_running_job_with_a_live_worker_is_left_alone(clerk):
    job = register_job(clerk)
    ExportJob.objects.filter(pk=job.pk).update(state="running", attempts=1, worker=services.worker_id(), heartbeat_at=timezone.now())
    assert services.recover(at_start=False, now=timezone.now()) == {"requeued": 0, "failed": 0, "queued": 0}
    assert ExportJob.objects.get(pk=job.pk).state == "running"


def test_a_job_of_a_worker_on_another_machine_runs_again_once_it_is_silent(clerk):
    """With Redis, workers on several machines share the queue: one that died is known by its
    silence (no progress written for STALE_SECONDS); the sweep runs every minute in each worker."""
    job = register_job(clerk)
    recent = timezone.now() - datetime.timedelta(seconds=services.STALE_SECONDS - 30)
    ExportJob.objects.filter(pk=job.pk).update(state="running", attempts=1, worker="another-host:4242", heartbeat_at=recent)
    assert services.recover(at_start=False, now=timezone.now())["requeued"] == 0
    silent = timezone.now() - datetime.timedelta(seconds=services.STALE_SECONDS + 30)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=silent)
    assert services.recover(at_start=False, now=timezone.now()) == {"requeued": 1, "failed": 0, "queued": 0}
    job.refresh_from_db()
    assert job.state == "queued" and job.ticket == 2 and "重新排队" in job.message


def test_a_message_delivered_twice_runs_the_job_once(worker, clerk):
    from liudong.jobs.tasks import run_export

    add_migrants(2)
    job = wait_for(register_job(clerk).pk)
    run_export(job.pk, job.ticket)  # the same message again
    later = wait_for(register_job(clerk).pk)  # queued after the duplicate: it ran by now
    assert later.state == "done"
    assert ExportJob.objects.get(pk=job.pk).attempts == 1
    assert AuditEvent.objects.filter(action="register.export_xlsx").count() == 2  # one per job


def test_redis_as_the_queue_storage(clerk, monkeypatch, settings):
    """LIUDONG_TASK_QUEUE=redis: the same tasks through the Redis server on 127.0.0.1:6379."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import RedisStorage
    from redis.exceptions import ConnectionError as RedisDown

    storage = RedisStorage(f"liudong-test-{os.getpid()}", url=settings.REDIS_URL)
    try:
        storage.flush_queue()
    except RedisDown:
        pytest.fail(f"Redis is not answering at {settings.REDIS_URL}: start redis-server (the production queue's storage)")
    monkeypatch.setattr(HUEY, "storage", storage)
    consumer = None
    try:
        add_migrants(5)
        job = register_job(clerk, "pdf")
        assert storage.queue_size() == 1  # on Redis, not in the SQLite file
        consumer = thread_consumer(HUEY)
        consumer.start()
        job = wait_for(job.pk)
        assert job.state == "done" and job.row_count == 5
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        storage.flush_all()


def test_the_redis_setting_builds_a_redis_queue(tmp_path):
    env = {**os.environ, "LIUDONG_TASK_QUEUE": "redis", "LIUDONG_REDIS_URL": "redis://127.0.0.1:6379/3", "LIUDONG_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "liudong.cli", "shell", "-v", "0", "-c",
                          "from huey.contrib.djhuey import HUEY; print(type(HUEY).__name__, HUEY.storage.conn.connection_pool.connection_kwargs['db'])"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["RedisHuey", "3"], out.stderr
    env["LIUDONG_TASK_QUEUE"] = "rabbit"
    out = subprocess.run([sys.executable, "-m", "liudong.cli", "check"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "LIUDONG_TASK_QUEUE must be sqlite or redis" in out.stderr


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_liudong_worker_is_a_process_that_runs_jobs_and_stops_on_ctrl_c(queue, clerk, settings, tmp_path):
    """The worker `make run` and the systemd unit start: a separate process on the same database,
    queue and export folder."""
    add_migrants(7)
    job = register_job(clerk, "pdf")
    env = {**os.environ, "DATABASE_URL": _database_url(), "LIUDONG_TASK_SQLITE": str(settings.TASK_SQLITE),
           "LIUDONG_EXPORTS_DIR": str(settings.EXPORTS_DIR), "LIUDONG_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "liudong.cli", "worker", "--workers", "1"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        job = wait_for(job.pk)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=WAIT_SECONDS)
    assert job.state == "done" and job.row_count == 7, (job.message, err)
    assert "Liudong 流动 worker: 1 thread worker(s), queue sqlite" in out and "1 queued" in out
    assert proc.returncode == 0, err
    assert job.worker.split(":")[1] == str(proc.pid)
