"""Export jobs (liudong.jobs): request one, read it, cancel it, download its file, purge files past
their retention, and recover the jobs a stopped worker left behind.

A job is a row (`ExportJob`); the task queue (Huey, `tasks.py`) only carries the job's id and
ticket. The worker's side of a job (claim, progress, finish) is in `runner.py`.

Rights: a job is made as the one who asked. Its file may be fetched by whoever may make the same
export in the same scope today (the kind's `prepare` passes for them: the one who asked and, say,
her township's other clerks or her county); to everyone else it does not exist (404, invariant
2). Only the one who asked may cancel it. Every request, cancel and download is in the audit log;
a download lists the persons in the file (invariant 3).

Invariant 4: the caller gives the date of the request (`today`, the document's "制表日期"), the day
of a purge (`on`) and the moment (`now`, for the bookkeeping timestamps); the worker passes its
clock to runner.run. Services take the acting staff member keyword-only (`actor=`).
"""
import datetime
import logging
import os
import socket
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from liudong.accounts.audit import record
from liudong.errors import Denied, Invalid, NotFound
from liudong.policy.services import value as policy_value

from . import kinds
from .models import ACTIVE, ExportJob, JobState

logger = logging.getLogger("liudong.jobs")

RETENTION_POLICY = "export_retention_days"
MAX_ATTEMPTS = 3          # a job interrupted this often is failed, not run a fourth time
STALE_SECONDS = 120       # a running job whose worker has not written for this long has lost it
NOT_FOUND = "导出任务不存在或不属于您 / no such export job of yours"


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _enqueue(job_id: int, ticket: int):
    """Put (job, ticket) on the queue. If the queue cannot be reached the job stays queued and the
    worker puts it on the queue again when it starts (recover), so the request still succeeds."""
    from .tasks import run_export

    try:
        run_export(job_id, ticket)
    except Exception:  # the queue's storage is down (a Redis restart): recover() re-enqueues
        logger.exception("could not enqueue export job %s; the worker will pick it up when it starts", job_id)


def _zh(state: str) -> str:
    return JobState(state).label.split(" ")[0]


def _audit_params(job: ExportJob) -> dict:
    return {"kind": job.kind, "format": job.format, "job": job.pk, **job.params}


# ------------------------------------------------------------------ request, read, cancel

@transaction.atomic
def request_export(*, actor, kind, format, params, today: datetime.date, now: datetime.datetime) -> ExportJob:
    """Queue an export of `kind` as `format` with `params` (a dict; e.g. for a register
    {"division", "start", "end"}). The kind checks the role (Denied), the input (Invalid, every
    field at once) and the scope (NotFound) as `actor`. `today` is the document's date."""
    if actor is None or not actor.is_authenticated:
        raise Denied("需要登录 / log in first")
    export_kind = kinds.require_kind(kind, format)
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise Invalid({"parameters": ["应为JSON对象 / must be a JSON object"]})
    prepared = export_kind.prepare(actor, params)
    job = ExportJob.objects.create(
        kind=export_kind.code, format=str(format).strip(), params=prepared.params, title=prepared.title[:200], owner=actor,
        state=JobState.QUEUED, requested_on=today, requested_at=now,
    )
    record(actor, "export.request", obj=job, fields=_audit_params(job))
    transaction.on_commit(lambda: _enqueue(job.pk, job.ticket))
    return job


def may_read(*, actor, job: ExportJob) -> bool:
    """Whoever may make this export today, in this scope (see the module's docstring)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    kind = kinds.get(job.kind)
    if kind is None:
        return False
    try:
        kind.prepare(actor, job.params)
    except (Denied, Invalid, NotFound):
        return False
    return True


def job_for(*, actor, job_id) -> ExportJob:
    """One job as `actor` may see it; NotFound when it is absent or not hers to read."""
    job = ExportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or not may_read(actor=actor, job=job):
        raise NotFound(NOT_FOUND)
    return job


def jobs_of(*, actor):
    """The actor's own jobs, newest first."""
    if actor is None or not actor.is_authenticated:
        raise Denied("需要登录 / log in first")
    return ExportJob.objects.filter(owner=actor).order_by("-requested_at", "-id")


@transaction.atomic
def cancel_export(*, actor, job_id, now: datetime.datetime) -> ExportJob:
    """The one who asked stops her job while it is queued or running. The worker notices at its
    next progress write (within a second) and stops; nothing is kept."""
    job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or actor is None or not actor.is_authenticated or job.owner_id != actor.pk:
        raise NotFound(NOT_FOUND)
    if job.state not in ACTIVE:
        raise Invalid({"state": [f"任务{_zh(job.state)}，不能取消 / the job is {job.state}: only a queued or running job can be cancelled"]})
    was = job.state
    job.state = JobState.CANCELLED
    job.finished_at = now
    job.message = "已由申请人取消 / cancelled by the requester"
    job.save(update_fields=["state", "finished_at", "message"])
    record(actor, "export.cancel", obj=job, fields={**_audit_params(job), "state": [was, job.state]})
    return job


def file_path(job: ExportJob) -> Path | None:
    if not job.file_path:
        return None
    path = (settings.EXPORTS_DIR / job.file_path).resolve()
    return path if path.parent == settings.EXPORTS_DIR.resolve() else None


@transaction.atomic
def open_file(*, actor, job_id) -> tuple[ExportJob, Path]:
    """The finished file of a job the actor may read, logged as "export.download" with every
    person in it (invariant 3). A job not finished, or whose file is gone, is a state conflict."""
    job = job_for(actor=actor, job_id=job_id)
    if job.state != JobState.DONE:
        raise Invalid({"state": [f"文件不可下载：任务{_zh(job.state)} / the file cannot be downloaded: the job is {job.state}"]})
    path = file_path(job)
    if path is None or not path.is_file():
        raise Invalid({"state": ["文件已不存在 / the file no longer exists"]})
    record(actor, "export.download", obj=job, fields={**_audit_params(job), "count": job.row_count, "person_ids": job.person_ids, "bytes": job.file_size})
    return job, path


# ------------------------------------------------------------------ retention

def retention_days(division_code: str, on: datetime.date) -> int:
    days = policy_value(RETENTION_POLICY, division_code, on=on)
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise Invalid({RETENTION_POLICY: [f"保存期限应为非负整数天，现为 {days!r} / the retention must be a whole number of days, got {days!r}"]})
    return days


def delete_due_on(job: ExportJob) -> datetime.date | None:
    """The day the daily purge deletes a finished file: kept `export_retention_days` whole days
    after the day it was made (P1 value of the owner's division on that day)."""
    if job.state != JobState.DONE or job.finished_at is None:
        return None
    made = timezone.localtime(job.finished_at).date()
    return made + datetime.timedelta(days=retention_days(job.owner.division_id, made) + 1)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


@transaction.atomic
def purge_exports(*, on: datetime.date, now: datetime.datetime, actor=None) -> dict:
    """Delete the files made before their retention ran out on `on` (policy value
    export_retention_days, of each owner's division), mark those jobs expired, and remove
    leftovers of interrupted runs; logged as "export.purge". Run daily by the worker (tasks.py)
    and by `liudong exports purge`."""
    deleted = 0
    cutoffs: dict[str, datetime.datetime] = {}
    jobs = ExportJob.objects.select_for_update().select_related("owner").exclude(file_path="").exclude(state__in=ACTIVE)
    for job in jobs:
        code = job.owner.division_id
        if code not in cutoffs:
            cutoffs[code] = _start_of(on - datetime.timedelta(days=retention_days(code, on)))
        if job.finished_at is None or job.finished_at >= cutoffs[code]:
            continue
        path = file_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
        job.file_path = ""
        job.purged_at = now
        if job.state == JobState.DONE:
            job.state = JobState.EXPIRED
        job.save(update_fields=["file_path", "purged_at", "state"])
        deleted += 1
    orphans = _remove_orphans(now)
    if deleted or orphans:
        record(actor, "export.purge", object_type="exportjob", fields={"deleted": deleted, "orphans": orphans, "on": on.isoformat()})
    return {"deleted": deleted, "orphans": orphans, "on": on.isoformat()}


def _remove_orphans(now: datetime.datetime) -> int:
    """Partial files (*.part) that no running job writes any more, older than a day."""
    folder = settings.EXPORTS_DIR
    if not folder.is_dir():
        return 0
    removed = 0
    limit = now.timestamp() - 86400
    for path in folder.glob("*.part"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


# ------------------------------------------------------------------ recovery

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lost(job: ExportJob, host: str, stale_before: datetime.datetime) -> bool:
    """A running job has lost its worker when that worker's process is gone from this host, or,
    for a worker on another host, when it has not written progress for STALE_SECONDS (a long
    final save of a huge file writes nothing for a while: a live process here is trusted)."""
    w_host, _, w_pid = job.worker.rpartition(":")
    if w_host == host and w_pid.isdigit():
        return not _pid_alive(int(w_pid))
    return job.heartbeat_at is None or job.heartbeat_at < stale_before


def recover(*, at_start: bool, now: datetime.datetime) -> dict:
    """Jobs survive a restart. Called when a worker starts (at_start) and every minute by the
    worker itself:

    - a running job whose worker is gone runs again (a new ticket on the queue), or after
      MAX_ATTEMPTS interruptions is marked failed with the reason;
    - at start, every queued job is put on the queue again with a new ticket, in case the queue's
      storage lost it (a Redis restart); a stale message with an old ticket is ignored.
    """
    host = socket.gethostname()
    stale_before = now - datetime.timedelta(seconds=STALE_SECONDS)
    requeued, failed, queued = [], 0, 0
    with transaction.atomic():
        for job in ExportJob.objects.select_for_update().filter(state=JobState.RUNNING):
            if not _lost(job, host, stale_before):
                continue
            if job.attempts >= MAX_ATTEMPTS:
                job.state = JobState.FAILED
                job.finished_at = now
                job.message = f"工作进程中断了 {job.attempts} 次，任务已停止，请重新申请 / the worker was interrupted {job.attempts} times: the job stopped, please ask again"
                job.save(update_fields=["state", "finished_at", "message"])
                failed += 1
                continue
            job.state = JobState.QUEUED
            job.ticket += 1
            job.progress = 0
            job.message = "工作进程中断，任务已重新排队 / the worker stopped: the job is queued again"
            job.save(update_fields=["state", "ticket", "progress", "message"])
            requeued.append((job.pk, job.ticket))
        if at_start:
            for job in ExportJob.objects.select_for_update().filter(state=JobState.QUEUED):
                if any(pk == job.pk for pk, _ in requeued):
                    continue
                job.ticket += 1
                job.save(update_fields=["ticket"])
                requeued.append((job.pk, job.ticket))
                queued += 1
        for pk, ticket in requeued:
            transaction.on_commit(lambda pk=pk, ticket=ticket: _enqueue(pk, ticket))
    return {"requeued": len(requeued) - queued, "failed": failed, "queued": queued}
