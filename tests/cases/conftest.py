"""The cases test world: 李娜 (hukou 通江县诺江镇诺江村, living in 南头街道红花园社区) and her husband
王军 (hukou 郑州市中原区, known only at county level, living with her); the clerks of 南头街道
(residence township), 诺江镇 (hukou township), 南山区 and 通江县 (counties) act on them.

Acts are dated by `at(day)`, the moment passed to the services as `now` (invariant 4)."""
import datetime

import pytest
from django.utils import timezone

from tests.conftest import NANTOU_V1, TONGJIANG, TONGJIANG_V, make_id

ZHONGYUAN = "410102000000"  # 郑州市中原区: a hukou place known only at county level


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


@pytest.fixture
def husband(clerk):
    from liudong.people import services

    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("410102", "19970610", 35, female=False), "name": "王军", "hukou_division": ZHONGYUAN}, today=d("2026-11-28"))
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "address": "南头街道红花园1栋101", "arrived_on": "2025-03-01", "reason": "work"}, today=d("2026-11-28"))
    person.refresh_from_db()
    return person


@pytest.fixture
def couple(migrant, husband):
    return migrant, husband


@pytest.fixture
def tongjiang_officer(world):
    """A county officer of 通江县, the hukou county that answers fee consultations (F2)."""
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from tests.conftest import password

    s = Staff(username="tongjiang_officer", role=Role.COUNTY_OFFICER, division_id=TONGJIANG)
    s.set_password(password())
    s.save()
    return s


@pytest.fixture
def woman_2014(clerk):
    """张丽 (hukou 诺江村), living in 红花园社区 since 2014: for cases received in 2015-2022 (P1)."""
    from liudong.people import services

    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19880402", 62), "name": "张丽", "hukou_division": TONGJIANG_V}, today=d("2026-11-28"))
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "address": "红花园5栋501", "arrived_on": "2014-01-01", "reason": "work"}, today=d("2026-11-28"))
    person.refresh_from_db()
    return person


def counts():
    """Rows of every table a case writes, audit events included (invariant 7: nothing written)."""
    from liudong.accounts.models import AuditEvent
    from liudong.cases.models import BirthDecision, BirthRegistration, FeeConsultation, SecondBirthResult
    from liudong.exchange.models import Attachment, Message

    return {m.__name__: m.objects.count() for m in (BirthRegistration, BirthDecision, SecondBirthResult, FeeConsultation, Message, Attachment, AuditEvent)}


@pytest.fixture
def unchanged(db):
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = counts()
        yield
        assert counts() == before

    return check


DOCUMENTS = ["woman_id", "husband_id", "marriage", "proof"]          # B1 under national-2009
COMMITMENT = ["woman_id", "husband_id", "marriage", "commitment"]    # national-2016 and later


def open_birth(actor, woman, received: str, *, husband=None, child=1, documents=None, now=None, **extra):
    """B1: record an application through the service, dated `received` unless `now` says otherwise."""
    from liudong.cases import services

    # 中原区 is known only at county level: B2 forwards through the county unless a township is given.
    data = {"woman": woman.pk, "received_on": received, "child_order": child, "via_county": True,
            "documents": COMMITMENT if documents is None else documents, **extra}
    if husband is not None:
        data["husband"] = husband.pk
    elif "husband_hukou" not in data:
        data["husband_hukou"] = ZHONGYUAN
    return services.create_birth_registration(actor=actor, data=data, now=now or at(received))


def decide(actor, case, decision: str, on: str, *, now=None, **extra):
    from liudong.cases import services

    return services.decide_birth_registration(actor=actor, case_id=case.pk, data={"decision": decision, "decided_on": on, **extra}, now=now or at(on, 16))


CASE_TYPE = {"birthregistration": "birth_registration", "secondbirthresult": "second_birth", "feeconsultation": "fee_consultation"}


def case_messages(case, kind=None):
    """The messages a case opened (exchange rows with its case_type and case_id), by receiver."""
    from liudong.exchange.models import Message

    qs = Message.objects.filter(case_type=CASE_TYPE[case._meta.model_name], case_id=case.pk).order_by("receiver_id", "id")
    return list(qs.filter(kind=kind) if kind else qs)


@pytest.fixture
def sichuan_keeps_approvals(db):
    """B6 is decided "under the hukou place's own rules": Sichuan keeps second-birth approvals open
    in 2026 (a P1 override through the policy service), so results can be dated across 2026's holidays."""
    from liudong.policy.services import set_value

    return set_value(actor=None, name="case_open.second_birth_approval", raw_value="true", division_code="510000000000", valid_from="2026-01-01", source="测试：四川省继续受理 / test override")


@pytest.fixture
def guangdong_keeps_fee_consultations(db):
    """A province that keeps fee consultations open in 2026 (a P1 override), so F1-F4 can be dated
    across 2026's holidays; the national set closed them on 2021-08-20."""
    from liudong.policy.services import set_value

    return set_value(actor=None, name="case_open.fee_consultation", raw_value="true", division_code="440000000000", valid_from="2026-01-01", source="测试：广东省继续受理 / test override")
