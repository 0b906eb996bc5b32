"""Demo requests at the query desk of 南山区 (Q1-Q9), so that `nanshan_desk`, `nantou_police` and
`nanshan_officer` find something to do: 广东 adopts the Beijing set `query-desk-2010` for the demo
(a choice of the demo: no Guangdong text is known), from 2010-09-09 like Beijing.

Through the services only (invariant 1), dated on office days before the world date (invariant 4):
a vetting request answered, a lawyer's answered with a printed sheet, a citizen looking for a
relative waiting for the consent of the person's police station, a statistics query waiting for the
county's approval, a newborn's name counted, and a newspaper sent to the publicity office.

Call `build_demo_desk(office_days)` after DemoWorld.build() (services.build_demo does)."""
import datetime

from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.desk import rules, services
from liudong.errors import Invalid
from liudong.people import scope
from liudong.policy.services import adopt_rule_set

from .dating import OfficeDays

GUANGDONG = "440000000000"
SET_FROM = "2010-09-09"
DESK = "nanshan_desk"
DOCS = {"vetting": ["introduction_letter", "work_card", "id_card"],
        "lawyer": ["firm_letter", "client_agreement", "client_agreement_copy", "lawyer_licence", "lawyer_licence_copy", "id_card"],
        "citizen_relative": ["id_card"], "statistics": ["confidentiality_agreement"], "newborn_name": ["birth_service_certificate", "id_card"]}


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _subject(person) -> dict:
    return {"name": person.name, "match": "exact", "id_number": person.id_number or "", "sex": person.sex}


def build_demo_desk(office: OfficeDays, *, log=print) -> dict:
    desk = Staff.objects.filter(username=DESK).first()
    if desk is None:
        return {"desk requests": 0}
    if not rules.in_force(desk.division_id, office.world_date):
        adopt_rule_set(actor=None, code="query-desk-2010", division_code=GUANGDONG, valid_from=SET_FROM)
    city = rules.city_of(desk.division_id)
    local = list(scope.desk_population(city, "permanent").exclude(id_number=None).order_by("id")[:2])
    away = list(scope.desk_population(city, "temporary").exclude(id_number=None).order_by("id")[:1])
    made = 0

    def request(category, day, subjects, reason, **extra):
        nonlocal made
        data = {"category": category, "requester": {"name": extra.pop("who", "王明"), "unit": extra.pop("unit", "")},
                "documents": DOCS.get(category, []), "reason": reason, "notice_acknowledged": True, "subjects": subjects, **extra}
        try:
            inquiry = services.create_inquiry(actor=desk, data=data, now=_at(day))
            if inquiry.state == "recorded":
                services.run(actor=desk, inquiry_id=inquiry.pk, now=_at(day, 11))
            made += 1
        except Invalid as e:
            log(f"  desk demo: {category} skipped: {e.errors}")

    if local:
        request("vetting", office.back(9), [_subject(local[0])], "入伍政治审查", who="李强", unit="深圳市南山区人民武装部")
        request("lawyer", office.back(7), [_subject(local[-1])], "代理合同纠纷案件，查询被告户籍信息", who="陈律师", unit="广东某某律师事务所")
    if away:
        request("citizen_relative", office.back(3), [_subject(away[0])], "寻找失去联系的同学", relationship="小学同学", who="赵红")
    request("statistics", office.back(5), [{"population": "temporary"}], "编制辖区流动人口服务规划", who="孙伟", unit="南山区卫生健康局")
    request("newborn_name", office.back(2), [{"name": "张子涵"}], "为新生儿取名查询重名情况", who="刘洋")
    request("media", office.back(1), [], "新闻报道需要", who="某报记者", unit="某报社")
    log(f"  query desk: {made} requests at {DESK}")
    return {"desk requests": made}
