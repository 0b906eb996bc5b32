"""The queue's tasks (Huey; `liudong worker` runs them): the worker's edge, as a command is the
command line's. The queue carries only (job id, ticket): the job row says what to make and records
how far it got (runner.py). The clock is read here and passed on (invariant 4)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from liudong import clock

from . import runner, services


@db_task()
def run_export(job_id: int, ticket: int):
    return runner.run(job_id, ticket, now=clock.now)


@db_periodic_task(crontab(minute="*"))
def recover_lost_jobs():
    """A worker on another machine that died leaves its job running: after STALE_SECONDS without
    progress it is run again (services.recover)."""
    services.recover(at_start=False, now=clock.now())


@db_periodic_task(crontab(minute="23", hour="*/6"))
def purge_expired_exports():
    """Files past their retention (policy value export_retention_days) are deleted every six
    hours, so none outlives its day by more than that; `liudong exports purge` does the same."""
    services.purge_exports(on=clock.today(), now=clock.now())
