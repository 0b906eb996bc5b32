"""T2: the month closes by itself: on the 1st of each month at 01:10 the previous month's reports
are computed and stored (services.close_month), and every night the live figures of the open
months' reports are refreshed (the pages above the township read them). Huey runs these
(`liudong worker`); `liudong statistics close --period YYYY-MM` does the same by hand. The clock is
read here and passed on (invariant 4)."""
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from liudong import clock

from . import periods, services


@db_periodic_task(crontab(day="1", hour="1", minute="10"))
def close_previous_month():
    now = clock.now()
    services.close_month(actor=None, period=periods.label(periods.previous_month(clock.today())), now=now)


@db_periodic_task(crontab(hour="2", minute="40"))
def refresh_live_figures():
    services.refresh_live(now=clock.now())


@db_periodic_task(crontab(day="16", hour="3", minute="20"))
def monthly_bulletins():
    """T4: the previous month's bulletins of every province and of the nation, after the nation's
    reports are due (policy statistics.due_day.nation, 15 by default)."""
    from liudong.divisions.models import Division

    from . import bulletins

    period = periods.label(periods.previous_month(clock.today()))
    for code in Division.objects.filter(level__lte=1).values_list("code", flat=True):
        bulletins.make_bulletin(actor=None, division_code=code, period=period, now=clock.now())
