"""The worker's side of an export job: claim it, build its file with progress, finish or fail it.

Called by the queue's task (tasks.run_export) in the worker process, with the worker's clock
(`now`, a function: the moments of its progress writes; invariant 4). Every write is a single
conditional UPDATE on the job row ("still running with my ticket"), so a job cancelled or taken
over meanwhile is noticed at the next write and the work stops; the finished file is recorded
with its audit event in one transaction.
"""
import datetime
import logging
import secrets
import time

from django.conf import settings
from django.db import transaction

from liudong.accounts.audit import record
from liudong.errors import Denied, Invalid, NotFound

from . import kinds
from .models import ExportJob, JobState
from .services import worker_id

logger = logging.getLogger("liudong.jobs")

# Progress is written at most this often (and at least this often while a build reports rows):
# the page polls every second and the issue asks for a bar that moves at least every 2 s.
WRITE_EVERY = 0.5
# The share of the bar for reading the rows; writing the file takes the rest.
READ_SHARE = 10


class JobCancelled(Exception):
    """The job row is no longer running with this ticket: cancelled by its owner, or recovered."""


class JobProgress(kinds.Progress):
    def __init__(self, job: ExportJob, now):
        self.now = now
        self.job_id = job.pk
        self.ticket = job.ticket
        self.last = 0.0
        self.percent = 0

    def __call__(self, done: int, total: int, *, stage: str = "write", force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < WRITE_EVERY:
            return
        self.last = now
        share = (done / total) if total else 1.0
        if stage == "read":
            percent = int(READ_SHARE * share)
        else:
            percent = READ_SHARE + int((99 - READ_SHARE) * share)
        self.percent = max(self.percent, min(percent, 99))
        fields = {"progress": self.percent, "heartbeat_at": self.now()}
        if stage != "read":
            fields.update(rows_done=done, rows_total=total)
        else:
            fields["rows_total"] = total
        if not ExportJob.objects.filter(pk=self.job_id, state=JobState.RUNNING, ticket=self.ticket).update(**fields):
            raise JobCancelled()


def claim(job_id: int, ticket: int, now: datetime.datetime) -> ExportJob | None:
    """Take a queued job with this ticket; None when it was cancelled, re-queued with a newer
    ticket, or taken already (a message delivered twice runs once)."""
    job = ExportJob.objects.filter(pk=job_id, state=JobState.QUEUED, ticket=ticket).first()
    if job is None:
        return None
    taken = ExportJob.objects.filter(pk=job_id, state=JobState.QUEUED, ticket=ticket).update(
        state=JobState.RUNNING, attempts=job.attempts + 1, worker=worker_id()[:120], started_at=now, heartbeat_at=now,
        progress=0, rows_done=0, message="",
    )
    if not taken:
        return None
    job.refresh_from_db()
    return job


def _fail(job: ExportJob, message: str, now: datetime.datetime):
    ExportJob.objects.filter(pk=job.pk, state=JobState.RUNNING, ticket=job.ticket).update(
        state=JobState.FAILED, finished_at=now, message=message[:300],
    )


def _error_text(exc) -> str:
    if isinstance(exc, Invalid):
        return "；".join(m for ms in exc.errors.values() for m in ms)
    return str(exc)


def run(job_id: int, ticket: int, *, now) -> str:
    """Run one job to its end; `now()` gives the moment of each write. Returns the state it ended
    in (for logs and tests)."""
    job = claim(job_id, ticket, now())
    if job is None:
        return "skipped"
    kind = kinds.get(job.kind)
    folder = settings.EXPORTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    part = folder / f"{job.pk}-{token}.part"
    final = folder / f"{job.pk}-{token}.{job.format}"
    progress = JobProgress(job, now)
    try:
        if kind is None:
            raise Invalid({"kind": [f"未知的导出类型 {job.kind} / unknown export kind {job.kind}"]})
        owner = job.owner
        # The right to make it is checked again as the worker starts: a role or scope withdrawn
        # since the request stops the job.
        prepared = kind.prepare(owner, job.params)
        built = kind.build(owner, prepared.params, job.format, part, progress, job.requested_on)
        part.chmod(0o600)
        part.replace(final)
        size = final.stat().st_size
        ascii_name, name = kind.file_name(prepared.params, job.format)
        with transaction.atomic():
            finished = now()
            done = ExportJob.objects.filter(pk=job.pk, state=JobState.RUNNING, ticket=job.ticket).update(
                state=JobState.DONE, progress=100, rows_done=built.rows, rows_total=built.rows, finished_at=finished,
                heartbeat_at=finished, file_path=final.name, file_name=name[:200], file_size=size,
                content_type=kinds.FORMATS[job.format], row_count=built.rows, person_ids=built.person_ids,
            )
            if not done:
                raise JobCancelled()
            object_type, object_id = built.audit_object
            record(owner, built.audit_action, object_type=object_type, object_id=object_id, fields={
                **built.audit_fields, "job": job.pk, "format": job.format, "bytes": size, "count": built.rows, "person_ids": built.person_ids,
            })
        return JobState.DONE
    except JobCancelled:
        final.unlink(missing_ok=True)
        return JobState.CANCELLED
    except (Denied, Invalid, NotFound) as e:
        _fail(job, _error_text(e) or "无权生成此文件 / not allowed to make this file", now())
        return JobState.FAILED
    except Exception:
        logger.exception("export job %s failed", job.pk)
        _fail(job, "生成文件时出错，请重试；仍不成功请联系管理员 / the file could not be made: try again, or tell the administrator", now())
        return JobState.FAILED
    finally:
        part.unlink(missing_ok=True)
