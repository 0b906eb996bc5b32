"""`build_demo`: the whole demo world, through the services of every app (invariant 1).

The top of the layers: the demo imports people, exchange and cases; none of them imports it. The
world date is chosen here (dating.py, issue 7 item 0), passed to every service as `today` or as the
moment of each act (invariant 4), and kept in DemoBuild for the home page's notice.
"""
import dataclasses
import datetime

from django.db import transaction

from liudong.accounts.audit import record
from liudong.errors import Invalid
from liudong.people.models import Person
from liudong.policy.calendar import working_calendar

from .cases import build_demo_cases
from .certificates import build_demo_certificates
from .claims import build_demo_claims
from .dating import LONGEST_DEADLINE, OFFICE_DAYS_BACK, OfficeDays, world_date
from .desk import build_demo_desk
from .technical import build_demo_services
from .messages import build_demo_messages
from .permits import build_demo_permits, build_demo_registrations
from .reports import build_demo_reports
from .reviews import build_demo_reviews
from .models import DemoBuild
from .world import DemoWorld

MIN_PEOPLE, MAX_PEOPLE = 100, 5_000_000


@dataclasses.dataclass
class Built:
    build: DemoBuild
    counts: dict
    logins: list  # (username, role, division code, division name)


def dating_note(build: DemoBuild) -> str:
    """What the command prints (and the home page shows, translated) about the world's date."""
    if not build.dated_earlier:
        return f"演示数据的日期为 {build.world_date} / the demo world is dated {build.world_date}"
    return (f"演示数据的日期为 {build.world_date}，而不是 {build.built_on}：工作日历只载入到 {build.calendar_end}，"
            f"演示数据中最长的期限（{LONGEST_DEADLINE} 个工作日）须在其内；载入下一年的工作日历（liudong calendar load）后重新生成即按当天的日期"
            f" / the demo world is dated {build.world_date}, not {build.built_on}: the working-day calendar is loaded up to "
            f"{build.calendar_end} and the demo's longest deadline ({LONGEST_DEADLINE} working days) must end inside it; "
            f"load the next year's calendar (liudong calendar load) and build again to date it the day it is built")


def latest_build() -> DemoBuild | None:
    return DemoBuild.objects.order_by("-id").first()


def build_demo(*, on: datetime.date, seed: int = 2026, people: int = 20000, log=print) -> Built:
    """Build the demo world for the day `on` (the command passes today): all or nothing."""
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise Invalid({"people": [f"人数应在 {MIN_PEOPLE} 到 {MAX_PEOPLE} 之间 / people must be {MIN_PEOPLE} to {MAX_PEOPLE}"]})
    if Person.objects.exists():
        raise Invalid({"database": ["数据库已有人员；请用空数据库 / the database has people already: use an empty database"]})
    cal = working_calendar()
    day = world_date(cal, on)
    office = OfficeDays(cal, day)
    with transaction.atomic():
        world = DemoWorld(seed=seed, people=people, today=day, log=log)
        counts = world.build()
        # X1-X5, B1-B6, F1-F4: cases and messages on top of the people, through the services
        counts.update(build_demo_cases(office, log=log))
        counts.update(build_demo_messages(office, seed=seed, log=log))
        counts.update(build_demo_certificates(log=log))  # C1-C6: certificates in every state
        # Issue 13: residence permits in every state, by 南头街道's police
        counts.update(build_demo_permits(day, log=log))
        counts.update(build_demo_registrations(world, day, log=log))  # and registrations where `residence-registration` is in force
        counts.update(build_demo_claims(office, log=log))
        # Q1-Q9: requests at the query desk of 南山区
        counts.update(build_demo_desk(office, log=log))
        counts.update(build_demo_services(day, log=log))  # S1-S6: checks with report slips, distributions, institutions
        counts.update(build_demo_reports(day, log=log))  # T1, T2: two closed months and one village's report approved
        counts.update(build_demo_reviews(day, log=log))  # R6: some collected forms signed through the chain, one returned
        build = DemoBuild.objects.create(
            built_on=on, world_date=day, calendar_end=cal.last_day, seed=seed, people=people,
            exchange_from=office.back(min(OFFICE_DAYS_BACK, len(office.days))),
        )
        record(None, "demo.build", obj=build, fields={"built_on": str(on), "world_date": str(day), "seed": seed, "people": people})
    return Built(build=build, counts=counts, logins=world.logins)
