"""The daily jobs: `liudong exchange tick` (run from cron shortly after midnight) runs its own work
and then every job registered here, so one cron line keeps every app's dates. Apps above register
in their AppConfig.ready (jobs never imports them). A job is fn(on: date) -> str, a line for the
log; it must be idempotent (a second run on the same day changes nothing more)."""
DAILY_JOBS: dict = {}


def add_daily_job(name: str, fn) -> None:
    DAILY_JOBS[name] = fn


def run_daily_jobs(on) -> list[str]:
    return [fn(on) for fn in DAILY_JOBS.values()]
