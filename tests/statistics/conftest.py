"""The statistics test world (issue 14): the shared world (南山区 > 南头街道 > 红花园社区, 大汪山社区;
南山街道 > 南山社区; 福田区 > 园岭街道 > 园东社区), with people whose residence periods, births
and marital changes cross month and statistical-year boundaries, registered through people's
services on the day they happened."""
import datetime
import zoneinfo

import pytest

from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(d(day), datetime.time(hour), tzinfo=BEIJING)


def register(clerk, *, area="511921", birth="19950315", seq=120, female=True, hukou=TONGJIANG_V, name="王芳", marital="", on=TODAY):
    from liudong.people import services

    data = {"id_number": make_id(area, birth, seq, female), "name": name, "hukou_division": hukou}
    if marital:
        data["marital_status"] = marital
    person, created = services.register_person(actor=clerk, data=data, today=on)
    assert created
    return person


def arrive(clerk, person, arrived_on, division=NANTOU_V1, on=TODAY):
    from liudong.people import services

    return services.record_arrival(actor=clerk, person=person, data={"division": division, "address": "南头街道1号", "arrived_on": arrived_on, "reason": "work"}, today=on)


def depart(clerk, residence, left_on, on=TODAY):
    from liudong.people import services

    return services.record_departure(actor=clerk, residence_id=residence.pk, left_on=left_on, today=on)


@pytest.fixture
def collector(world):
    return world["village_collector"]


@pytest.fixture
def head(world):
    return world["township_head"]


@pytest.fixture
def county(world):
    return world["county_officer"]
