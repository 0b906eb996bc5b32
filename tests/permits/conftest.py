"""The permits test world (issue 13).

- 深圳市南山区南头街道 (the shared world): 李娜 (hukou 通江县) lives in 红花园社区 since 2025-03-01; the
  police officer of 南头街道 (the station) applies, decides and endorses; `residence-permit-2016`
  is in force nation-wide.
- 杭州市西湖区北山街道 (Zhejiang, where `residence-registration` ships): its police station and a
  village; arrivals there open residence registrations due within 3 working days.
"""
import datetime

import pytest

from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id, password

XIHU = "330106000000"
BEISHAN = "330106001000"
BEISHAN_V = "330106001001"
XIXI = "330106002000"
XIXI_V = "330106002001"
NINGBO_T = "330203001000"
NINGBO_V = "330203001001"


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def staff(username, role, code):
    from liudong.accounts.models import Staff

    s = Staff(username=username, role=role, division_id=code)
    s.set_password(password())
    s.save()
    return s


@pytest.fixture
def police(world):
    return world["police_officer"]


@pytest.fixture
def nanshan_police(world):
    """A police account of 南山区 (county level): lists for the county, records moves between its streets."""
    from liudong.accounts.choices import Role

    return staff("nanshan_police", Role.POLICE_OFFICER, "440305000000")


def move_by_claim(person, division, arrived_on):
    """She moved where neither side's staff reaches both places: the new place's arrival claim,
    accepted (the system path people.services.apply_arrival_claim)."""
    from liudong.divisions.models import Division
    from liudong.people import services

    services.apply_arrival_claim(actor=None, person_id=person.pk, division=Division.objects.get(code=division), arrived_on=d(arrived_on),
                                 recorded_by=division, claim_id=None, today=TODAY)


@pytest.fixture
def zhejiang(world):
    """Stations and villages of 杭州市西湖区 and one of 宁波市海曙区, with their police and clerks."""
    from liudong.accounts.choices import Role
    from liudong.divisions.models import Division

    for code, name, level, parent in [(BEISHAN, "北山街道", 4, XIHU), (BEISHAN_V, "北山社区", 5, BEISHAN), (XIXI, "西溪街道", 4, XIHU),
                                      (XIXI_V, "西溪社区", 5, XIXI), (NINGBO_T, "月湖街道", 4, "330203000000"), (NINGBO_V, "月湖社区", 5, NINGBO_T)]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    return {
        "station": staff("beishan_police", Role.POLICE_OFFICER, BEISHAN),
        "other_station": staff("xixi_police", Role.POLICE_OFFICER, XIXI),
        "county_police": staff("xihu_police", Role.POLICE_OFFICER, XIHU),
        "clerk": staff("beishan_clerk", Role.TOWNSHIP_CLERK, BEISHAN),
    }


def arrive(actor, *, name, seq, division, arrived_on, reason="work", intended_stay="", hukou=TONGJIANG_V, birth="19950101"):
    from liudong.people import services

    person, _ = services.register_person(actor=actor, data={"id_number": make_id(hukou[:6], birth, seq), "name": name, "hukou_division": hukou}, today=TODAY)
    services.record_arrival(actor=actor, person=person, data={"division": division, "address": "1栋101", "arrived_on": arrived_on, "reason": reason,
                                                              "intended_stay": intended_stay}, today=TODAY)
    person.refresh_from_db()
    return person


@pytest.fixture
def newcomer(police):
    """王芳 (hukou 通江县) arrived in 红花园社区 on 2026-05-28: half a year on 2026-11-28."""
    return arrive(police, name="王芳", seq=40, division=NANTOU_V1, arrived_on="2026-05-28")


def grant(police, person, *, applied_on="2025-10-01", decided_on="2025-10-10", basis="employment"):
    from liudong.permits import services

    permit = services.apply_permit(actor=police, data={"person_id": person.pk, "applied_on": applied_on, "basis": basis, "proof": "劳动合同（2025-03 至 2028-03）"},
                                   today=TODAY, now=_now())
    return services.decide_permit(actor=police, permit_id=permit.pk, data={"decided_on": decided_on, "granted": True}, today=TODAY)


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def settled(police):
    """刘洋 (hukou 通江县) has lived in 红花园社区 since 2020-01-01."""
    return arrive(police, name="刘洋", seq=46, division=NANTOU_V1, arrived_on="2020-01-01")
