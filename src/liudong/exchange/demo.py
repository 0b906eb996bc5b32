"""A year of exchange between 南山区's streets and 诺江镇 for the demo (X1-X5, T3), so that the
inboxes, the watch list and the timeliness page show something a county officer would recognise:
verification requests about the migrants from 诺江镇 living in each street, most answered (some
late), some still open or overdue, and contraception status reports coming back.

Everything goes through exchange.services with explicit moments (invariants 1 and 4); one township
clerk per street is added where the demo has none (`clerk_<street code>`). A message whose deadline
the calendar cannot compute (late in the last loaded year) is skipped, never guessed.
"""
import datetime
import random

from django.utils import timezone

from liudong.accounts.choices import Role
from liudong.accounts.models import Staff
from liudong.accounts.services import add_staff
from liudong.divisions.models import Division, Level
from liudong.errors import Invalid
from liudong.people.models import Person
from liudong.policy.calendar import working_calendar

from . import services
from .models import Kind

NANSHAN = "440305000000"
NUOJIANG = "511921100000"
REQUESTS_PER_PERSON = 2


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _street_clerks(password: str, log) -> dict[str, Staff]:
    clerks = {}
    for street in Division.objects.filter(parent_id=NANSHAN, level=Level.TOWNSHIP).order_by("code"):
        clerk = Staff.objects.filter(division=street, role=Role.TOWNSHIP_CLERK, is_active=True).order_by("id").first()
        if clerk is None:
            clerk = add_staff(actor=None, username=f"clerk_{street.code}", role=Role.TOWNSHIP_CLERK, division_code=street.code, password=password)
        clerks[street.code] = clerk
    log(f"  township clerks of 南山区's streets: {len(clerks)}")
    return clerks


def build_demo_messages(today: datetime.date, *, password: str, seed: int = 2026, log=print) -> dict:
    hukou_clerk = Staff.objects.filter(division_id=NUOJIANG, role=Role.TOWNSHIP_CLERK).order_by("id").first()
    if hukou_clerk is None:
        return {}
    rng = random.Random(seed)
    cal = working_calendar()
    clerks = _street_clerks(password, log)
    counts = {"exchange requests": 0, "exchange answers": 0, "exchange reports": 0, "exchange skipped": 0, "exchange overdue": 0}
    people = list(
        Person.objects.filter(hukou_division__code__startswith=NUOJIANG[:9], residence_division__code__startswith=NANSHAN[:6])
        .order_by("id").values_list("id", "residence_division_id")
    )
    start = datetime.date(today.year, 1, 5)
    span = max((today - start).days - 3, 1)
    for person_id, residence in people:
        clerk = clerks.get(residence[:9] + "000")
        if clerk is None:
            continue
        for _ in range(REQUESTS_PER_PERSON):
            day = start + datetime.timedelta(days=rng.randrange(span))
            if not cal.covers(day) or not cal.is_working_day(day):
                continue
            try:
                request = services.send_message(actor=clerk, data={
                    "kind": rng.choice([Kind.VERIFICATION, Kind.VERIFICATION, Kind.CORRESPONDENCE]), "receiver": NUOJIANG, "person": person_id,
                    "subject": "核实婚育情况", "body": "请核实当事人的婚姻和生育情况并反馈。"}, now=_at(day, 9))
            except Invalid:
                counts["exchange skipped"] += 1
                continue
            counts["exchange requests"] += 1
            # 诺江镇 answers four in five, usually within the 15 working days, sometimes late.
            if rng.random() < 0.8:
                lag = rng.choice([1, 2, 3, 5, 8, 10, 12, 14, 15, 15, 18, 22])
                try:
                    answered = cal.add_working_days(day, lag)
                except Invalid:
                    continue
                if answered < today:
                    services.reply(actor=hukou_clerk, message_id=request, data={"body": "经核实，当事人已婚，情况属实。"}, now=_at(answered, 15))
                    counts["exchange answers"] += 1
        # S2, X1: the hukou side reports contraception status back now and then.
        if rng.random() < 0.4:
            day = start + datetime.timedelta(days=rng.randrange(span))
            if cal.covers(day) and cal.is_working_day(day):
                try:
                    report = services.send_message(actor=hukou_clerk, data={"kind": Kind.CONTRACEPTION_REPORT, "receiver": residence[:9] + "000", "person": person_id,
                                                                 "subject": "避孕节育情况报告", "body": "当事人已落实避孕节育措施。"}, now=_at(day, 11))
                    counts["exchange reports"] += 1
                    if rng.random() < 0.7:
                        services.acknowledge(actor=clerk, message_id=report, now=_at(day, 16))
                except Invalid:
                    counts["exchange skipped"] += 1
    counts["exchange overdue"] = services.tick(today)
    return counts
