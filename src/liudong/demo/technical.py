"""The demo's technical services (S1-S6), through the services like the rest of the world:

- S4: 南山区 adopts the shipped county example (宁陕县 2011: key subjects four checks a year,
  ordinary subjects two, screening two) from 1 January of the world's year;
- S6: 广东省 publishes three qualified institutions; S1: a distribution point and a vending machine
  in 南头街道;
- S2: 南头街道's clerk records checks of 60 inflow married women living there over the last quarter,
  each with its report slip sent to her hukou place (诺江镇's inbox has some to sign for);
- S5: 40 distributions by the communities' collectors, confirmed by a drawn signature;
- S3: 诺江镇's clerk (the hukou side) has recorded the advice given to 15 of its outflow married
  women before they left and 5 check reports mailed back; its returnees await their visits.
"""
import datetime

from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.errors import Invalid
from liudong.people.models import Person
from liudong.people.models import Residence
from liudong.people.scope import lives_in, registered_in
from liudong.policy.services import adopt_rule_set
from liudong.technical import services

NANSHAN = "440305000000"
NANTOU = "440305001000"
CHECKS, DISTRIBUTIONS, ADVICE, MAILED = 60, 40, 15, 5
MARRIED = ("20", "21", "22", "23")
# A drawn signature as the tablet sends it: a small PNG (1x1 pixel, enough for the demo).
SIGNATURE_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                              "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f2a5e30000000049454e44ae426082")
INSTITUTIONS = [
    ("深圳市南山区妇幼保健院", "深圳市南山区南山大道1001号", "0755-26491000", NANSHAN),
    ("深圳市南山区计划生育服务站", "深圳市南山区南头街道南新路2号", "0755-26602222", NANSHAN),
    ("广州市妇女儿童医疗中心", "广州市天河区金穗路9号", "020-38076888", "440106000000"),
]


class _File:
    def __init__(self, data: bytes):
        self.name, self.content_type, self._data = "签名.png", "image/png", data

    def read(self):
        return self._data


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build_demo_services(day: datetime.date, *, log=print) -> dict:
    clerk = Staff.objects.filter(username="nantou_clerk").first()
    if clerk is None:
        return {}
    counts = {"service checks": 0, "service distributions": 0, "service skipped": 0}
    adopt_rule_set(actor=None, code="ningshan-2011", division_code=NANSHAN, valid_from=str(datetime.date(day.year, 1, 1)))
    for name, address, phone, division in INSTITUTIONS:
        services.publish_institution(actor=None, data={"name": name, "address": address, "phone": phone, "division": division, "published_on": "2020-01-01"}, now=_at(day))
    first = services.Institution.objects.filter(division_id=NANSHAN).order_by("id").first()
    services.add_distribution_point(actor=clerk, data={"kind": "point", "name": "南头街道计生服务室", "address": "南头街道南新路2号", "opened_on": "2020-03-01"}, now=_at(day))
    point = services.add_distribution_point(actor=clerk, data={"kind": "machine", "name": "南头古城避孕套自动售货机", "address": "南头古城南门",
                                                              "village": "440305001001", "opened_on": "2021-05-01"}, now=_at(day))
    women = list(Person.objects.filter(lives_in(NANTOU), floating=True, sex="F", marital_status__in=MARRIED).order_by("id")[:CHECKS + DISTRIBUTIONS])
    for n, woman in enumerate(women[:CHECKS]):
        checked_on = day - datetime.timedelta(days=3 + (n * 89) // CHECKS)
        try:
            services.record_check(actor=clerk, data={"person_id": woman.pk, "checked_on": str(checked_on), "items": ["pregnancy", "iud"] if n % 3 else ["iud"],
                                                     "result": "abnormal" if n % 17 == 0 else "normal", "method": "iud" if n % 2 else "condom",
                                                     "institution_id": first.pk if n % 4 else None}, now=_at(checked_on, 15))
            counts["service checks"] += 1
        except Invalid:
            counts["service skipped"] += 1  # e.g. she arrived after that day
    collectors = {s.division_id: s for s in Staff.objects.filter(username__startswith="collector_")} | {
        s.division_id: s for s in Staff.objects.filter(username="nantou_collector")}
    for n, woman in enumerate(women[CHECKS:]):
        collector = collectors.get(woman.residence_division_id)
        handed = day - datetime.timedelta(days=1 + n * 2)
        if collector is None:
            continue
        try:
            services.record_distribution(actor=collector, data={"person_id": woman.pk, "distributed_on": str(handed), "product": "condom" if n % 3 else "pill",
                                                                "quantity": 10 if n % 3 else 1, "confirmation_kind": "signature",
                                                                "point_id": point.pk if woman.residence_division_id == "440305001001" else None},
                                         now=_at(handed), confirmation_file=_File(SIGNATURE_PNG))
            counts["service distributions"] += 1
        except Invalid:
            counts["service skipped"] += 1
    counts.update(_hukou_side(day))
    log(f"  technical services: {counts['service checks']} checks with report slips, {counts['service distributions']} distributions, "
        f"{counts['service advice']} pieces of advice before leaving, {counts['service mailed reports']} reports mailed back")
    return counts


def _hukou_side(day: datetime.date) -> dict:
    """S3: 诺江镇 advised its outflow women before they left, and some mailed their reports back."""
    counts = {"service advice": 0, "service mailed reports": 0}
    hukou = Staff.objects.select_related("division").filter(username="nuojiang_clerk").first()
    if hukou is None:
        return counts
    women = list(Person.objects.filter(registered_in(hukou.division_id), floating=True, sex="F", marital_status__in=MARRIED).order_by("id")[:ADVICE])
    first_away = {r.person_id: r.arrived_on for r in Residence.objects.filter(person__in=women).order_by("-arrived_on")}
    for n, woman in enumerate(women):
        left = first_away.get(woman.pk, day - datetime.timedelta(days=400))
        advised_on = left - datetime.timedelta(days=7)
        try:
            services.record_departure_advice(actor=hukou, data={"person_id": woman.pk, "advised_on": str(advised_on), "method": "iud" if n % 2 else "condom",
                                                                "told_to_attend_checks": True}, now=_at(advised_on))
            counts["service advice"] += 1
        except Invalid:
            pass
        if n < MAILED:
            checked = day - datetime.timedelta(days=40 + 9 * n)
            try:
                services.record_mailed_report(actor=hukou, data={"person_id": woman.pk, "checked_on": str(checked), "received_on": str(checked + datetime.timedelta(days=8)),
                                                                 "items": ["iud"], "result": "normal", "method": "iud" if n % 2 else "condom",
                                                                 "institution_text": "现居住地乡镇计划生育服务站"}, now=_at(checked + datetime.timedelta(days=8)))
                counts["service mailed reports"] += 1
            except Invalid:
                pass
    return counts
