"""The query desk's test world: 广东 adopts `query-desk-2010` from 2020-01-01 (P1), so the desk of
南山区 answers under it. People: 李娜 (hukou 通江县, living in 红花园社区: temporary population of
深圳), 张伟 and 张维 (hukou 大汪山社区 of 南山: permanent population, same sound), 陈静 (hukou 深圳,
living at home) and 赵敏 (hukou and residence in 四川: outside the city, never found)."""
import datetime

import pytest
from django.utils import timezone

from tests.conftest import NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id

GUANGDONG = "440000000000"
NOW = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(10)))

DOCS = {
    "vetting": ["introduction_letter", "work_card", "id_card"],
    "official": ["introduction_letter", "work_card", "id_card"],
    "judicial": ["unit_proof"],
    "statistics": ["confidentiality_agreement"],
    "lawyer": ["firm_letter", "client_agreement", "client_agreement_copy", "lawyer_licence", "lawyer_licence_copy", "id_card"],
    "citizen_relative": ["id_card"],
    "foreigner_private": ["passport"],
    "newborn_name": ["birth_service_certificate", "id_card"],
}


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


@pytest.fixture
def adopted(world):
    from liudong.policy.services import adopt_rule_set

    return adopt_rule_set(actor=None, code="query-desk-2010", division_code=GUANGDONG, valid_from="2020-01-01")


def person(clerk, name, id_number, hukou, *, lives=None, phone="", address="红花园2栋"):
    from liudong.people import services

    p, _ = services.register_person(actor=clerk, data={"id_number": id_number, "name": name, "hukou_division": hukou, "phone": phone,
                                                       "hukou_address": "大汪山路1号", "ethnicity": "01", "education": "20"}, today=TODAY)
    if lives:
        services.record_arrival(actor=clerk, person=p, data={"division": lives, "address": address, "arrived_on": "2025-03-01", "reason": "work"}, today=TODAY)
    p.refresh_from_db()
    return p


@pytest.fixture
def people(adopted, clerk, migrant):
    from liudong.people import services

    zhang = person(clerk, "张伟", make_id("440305", "19900101", 11, female=False), NANTOU_V2, phone="13800138000")
    zhang2 = person(clerk, "张维", make_id("440305", "19920202", 13, female=False), NANTOU_V2)
    chen = person(clerk, "陈静", make_id("440305", "19850505", 20), NANTOU_V2, phone="13900139000")
    services.link_family(actor=clerk, person=zhang, relative_id=chen.pk, relation="spouse")
    migrant.phone = "13700137000"
    migrant.save(update_fields=["phone"])
    return {"li": migrant, "zhang": zhang, "zhang2": zhang2, "chen": chen}


@pytest.fixture
def desk(world):
    return world["query_desk"]


@pytest.fixture
def police(world):
    return world["police_officer"]


def body(category, *, subjects=None, documents=None, reason="因转递档案查找原单位职工", ack=True, **extra):
    data = {"category": category, "requester": {"name": "王明", "unit": "深圳市某某公司", "id_number": make_id("440305", "19800101", 31, female=False)},
            "documents": DOCS.get(category, []) if documents is None else documents, "reason": reason, "notice_acknowledged": ack,
            "subjects": [{"name": "张伟", "match": "exact"}] if subjects is None else subjects}
    if category in ("citizen_relative", "foreigner_private"):
        data.setdefault("relationship", "同学")
    data.update(extra)
    return data


@pytest.fixture
def desk_api(api_as, desk):
    return api_as(desk)


from tests.people.api.conftest import api_as  # noqa: E402,F401 - the API client fixture
