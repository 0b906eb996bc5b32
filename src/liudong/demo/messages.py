"""A year of exchange between 南山区's streets and 诺江镇 for the demo (X1-X5, T3), so that the
inboxes, the watch list and the timeliness page show something a county officer would recognise:
verification requests about the migrants from 诺江镇 living in each street, most answered (some
late), some still open or overdue, and contraception status reports coming back.

Everything goes through exchange.services with explicit moments (invariants 1 and 4), sent by each
street's township clerk (world.py adds one where the demo has none). Acts fall on office days
counted back from the world date (dating.OfficeDays), so a world built on another date has the same
exchange, shifted; the world date leaves room for every deadline opened here.
"""
import datetime
import random

from django.utils import timezone

from liudong.accounts.choices import Role
from liudong.accounts.models import Staff
from liudong.errors import Invalid
from liudong.exchange import services
from liudong.exchange.models import Kind, Topic
from liudong.people.models import Person
from liudong.people.scope import lives_in, registered_in

from .data import NANSHAN, NUOJIANG, street_clerk
from .dating import OFFICE_DAYS_BACK, OfficeDays

REQUESTS_PER_PERSON = 2
ANSWER_LAGS = [1, 2, 3, 5, 8, 10, 12, 14, 15, 15, 18, 22]  # working days; the answer period is 15


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build_demo_messages(office: OfficeDays, *, seed: int = 2026, log=print) -> dict:
    hukou_clerk = Staff.objects.filter(division_id=NUOJIANG, role=Role.TOWNSHIP_CLERK).order_by("id").first()
    if hukou_clerk is None:
        return {}
    rng = random.Random(seed)
    clerks = {s.username: s for s in Staff.objects.filter(username__startswith="clerk_") | Staff.objects.filter(username="nantou_clerk")}
    counts = {"exchange requests": 0, "exchange answers": 0, "exchange reports": 0, "exchange skipped": 0, "exchange overdue": 0}
    people = list(
        Person.objects.filter(registered_in(NUOJIANG), lives_in(NANSHAN))
        .order_by("id").values_list("id", "residence_division_id")
    )
    furthest = min(OFFICE_DAYS_BACK, len(office.days))
    for person_id, residence in people:
        clerk = clerks.get(street_clerk(residence[:9]))
        if clerk is None:
            continue
        for _ in range(REQUESTS_PER_PERSON):
            k = rng.randrange(3, furthest + 1)  # sent on the k-th office day before the world date
            kind = rng.choice([Kind.VERIFICATION, Kind.VERIFICATION, Kind.CORRESPONDENCE])
            try:
                # X1: a topic of part 3 (婚姻 or 生育), chosen without drawing from rng so the demo stays as it was
                request = services.send_message(actor=clerk, data={"kind": kind, "topic": Topic.MARRIAGE if person_id % 2 else Topic.BIRTHS, "receiver": NUOJIANG, "person": person_id,
                                                                   "subject": "核实婚育情况", "body": "请核实当事人的婚姻和生育情况并反馈。"}, now=_at(office.back(k), 9))
            except Invalid as e:
                counts["exchange skipped"] += 1
                log(f"  ! exchange request skipped: {e.errors}")
                continue
            counts["exchange requests"] += 1
            # 诺江镇 answers four in five, usually within the 15 working days, sometimes late;
            # an answer due after the world date has not come yet.
            if rng.random() < 0.8:
                lag = rng.choice(ANSWER_LAGS)
                if lag < k:
                    services.reply(actor=hukou_clerk, message_id=request, data={"body": "经核实，当事人已婚，情况属实。"}, now=_at(office.back(k - lag), 15))
                    counts["exchange answers"] += 1
        # S2, X1: the hukou side reports contraception status back now and then.
        if rng.random() < 0.4:
            day = office.back(rng.randrange(1, furthest + 1))
            try:
                report = services.send_message(actor=hukou_clerk, data={"kind": Kind.CONTRACEPTION_REPORT, "receiver": residence[:9] + "000", "person": person_id,
                                                                        "subject": "避孕节育情况报告", "body": "当事人已落实避孕节育措施。"}, now=_at(day, 11))
                counts["exchange reports"] += 1
                if rng.random() < 0.7:
                    services.acknowledge(actor=clerk, message_id=report, now=_at(day, 16))
            except Invalid as e:
                counts["exchange skipped"] += 1
                log(f"  ! exchange report skipped: {e.errors}")
    counts["exchange overdue"] = services.tick(office.world_date)
    return counts
