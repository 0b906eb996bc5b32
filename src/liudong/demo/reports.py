"""Demo monthly reports of 南山区 (T1, T2), so that the report pages show stored figures, a trend
and the approval chain in more than one state: the two months before the world date are closed
(figures stored as the scheduled job stores them), and in the later one 南头城社区 has submitted,
南头街道 returned it once with a reason, the village resubmitted and the township approved it (the
journey's step 6 up to the township); the other villages are still open.

Through the services only (invariant 1), dated on the first office days of the next month
(invariant 4). Call `build_demo_reports(day)` after DemoWorld.build() (services.build_demo does)."""
import datetime

from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.statistics import services

COUNTY = "440305000000"      # 南山区
VILLAGE = "440305001001"     # 南头城社区
COLLECTOR, CLERK = "nantou_collector", "nantou_clerk"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _month_before(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def build_demo_reports(day: datetime.date, *, log=print) -> dict:
    collector, clerk = Staff.objects.filter(username=COLLECTOR).first(), Staff.objects.filter(username=CLERK).first()
    last = _month_before(day)            # the last month that has ended
    earlier = _month_before(last)
    for month in (earlier, last):
        services.close_month(actor=None, period=f"{month:%Y-%m}", now=_at(day.replace(day=1) if month == last else last, 1), root=COUNTY)
    if collector is None or clerk is None:
        return {"reports closed": 2}
    period = f"{last:%Y-%m}"
    first = day.replace(day=1)           # the month after `last`: its first days
    services.submit(actor=collector, division_code=VILLAGE, period=period, now=_at(first, 9))
    services.return_report(actor=clerk, division_code=VILLAGE, period=period, now=_at(first, 11),
                           reason="出租房屋数与房屋登记簿不符，请核对后重报")
    services.submit(actor=collector, division_code=VILLAGE, period=period, now=_at(first, 15))
    services.approve(actor=clerk, division_code=VILLAGE, period=period, now=_at(first, 16))
    log(f"  monthly reports of 南山区 closed for {earlier:%Y-%m} and {period}; 南头城社区's {period} submitted, returned, resubmitted and approved")
    return {"reports closed": 2, "village reports approved": 1}
