"""R3 test world: a few migrants in 南头街道 with arrivals, a departure and a move, and API
clients that log in through POST /api/v1/auth/token like any other system would."""
import datetime

import pytest
from django.test import Client

from tests.conftest import NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id, password

PERIOD = {"start": "2026-01-01", "end": "2026-11-28"}
HENAN_ZHONGYUAN = "410102000000"  # 郑州市中原区, a county-level hukou place


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Invariant 4: the web and API edges date their acts; tests fix the date."""
    monkeypatch.setattr("liudong.registers.api.today", lambda: TODAY)
    monkeypatch.setattr("liudong.registers.views.today", lambda: TODAY)


def _person(clerk, name, id_number, hukou, **extra):
    from liudong.people import services

    person, _ = services.register_person(actor=clerk, data={"id_number": id_number, "name": name, "hukou_division": hukou, **extra}, today=TODAY)
    return person


def _arrive(clerk, person, division, arrived_on, **extra):
    from liudong.people import services

    return services.record_arrival(actor=clerk, person=person, data={"division": division, "arrived_on": arrived_on, "reason": "work", **extra}, today=TODAY)


@pytest.fixture
def people(clerk, migrant):
    """
    - 李娜 (hukou 通江县): arrived 红花园社区 2025-03-01, moved to 大汪山社区 2026-07-01 (same county);
    - 王强 (hukou 郑州中原区): in 大汪山社区 2024-05-01 .. 2025-12-31, gone before 2026;
    - 张敏 (hukou 通江县): arrived 红花园社区 2026-06-10, during 2026;
    - 赵丽 (hukou 通江县): in 红花园社区 2025-02-01 .. 2026-01-01, left on the first day of 2026;
    - 陈刚 (hukou 南头街道 itself): lives at home, never floating.
    """
    from liudong.people import services

    services.record_move(actor=clerk, person=migrant, data={"division": NANTOU_V2, "address": "大汪山路8号", "arrived_on": "2026-07-01", "reason": "work"}, today=TODAY)
    wang = _person(clerk, "王强", make_id("410102", "19880101", 31, female=False), HENAN_ZHONGYUAN)
    r = _arrive(clerk, wang, NANTOU_V2, "2024-05-01", address="大汪山路1号")
    services.record_departure(actor=clerk, residence_id=r.pk, left_on="2025-12-31", today=TODAY)
    zhang = _person(clerk, "张敏", make_id("511921", "20000202", 44), TONGJIANG_V, hukou_address="通江县诺江镇诺江村3组")
    _arrive(clerk, zhang, NANTOU_V1, "2026-06-10", address="红花园2栋202")
    zhao = _person(clerk, "赵丽", make_id("511921", "19950505", 56), TONGJIANG_V)
    r = _arrive(clerk, zhao, NANTOU_V1, "2025-02-01", address="红花园3栋303")
    services.record_departure(actor=clerk, residence_id=r.pk, left_on="2026-01-01", today=TODAY)
    chen = _person(clerk, "陈刚", make_id("440305", "19800808", 71, female=False), NANTOU_V1)
    _arrive(clerk, chen, NANTOU_V1, "2020-01-01", address="红花园本地")
    return {"li": migrant, "wang": wang, "zhang": zhang, "zhao": zhao, "chen": chen}


class Api:
    """A client with a bearer token from POST /api/v1/auth/token."""

    def __init__(self, username):
        self.client = Client()
        r = self.client.post("/api/v1/auth/token", {"username": username, "password": password()}, content_type="application/json")
        assert r.status_code == 200, r.content
        self.token = r.json()["token"]

    def get(self, path, params=None):
        return self.client.get("/api/v1" + path, params or {}, HTTP_AUTHORIZATION=f"Bearer {self.token}")


@pytest.fixture
def api(world):
    return lambda username: Api(username)


def day(text):
    return datetime.date.fromisoformat(text)
