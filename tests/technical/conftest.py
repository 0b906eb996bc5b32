"""The technical services' test world (S1-S6): 王芳, married, from 通江县诺江镇诺江村, living in
南头街道红花园社区 since 2025-03-01; 张军, a man living there too; the clerks of 南头街道 (her
residence township), 南山街道 (where she may move) and 诺江镇 (her hukou township); 广东省's
qualified institution. Acts are dated by `at(day)`, passed to the services as `now`."""
import base64
import datetime

import pytest
from django.utils import timezone

from tests.conftest import NANTOU_V1, TONGJIANG_V, make_id

NANSHAN = "440305000000"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def person(clerk, *, id_number, name, married=True, village=NANTOU_V1, arrived="2025-03-01", hukou=TONGJIANG_V):
    from liudong.people import services

    p, _ = services.register_person(actor=clerk, data={"id_number": id_number, "name": name, "hukou_division": hukou, "marital_status": "20" if married else "10"},
                                    today=d("2026-11-28"))
    services.record_arrival(actor=clerk, person=p, data={"division": village, "address": "南头街道红花园1栋101", "arrived_on": arrived, "reason": "work"}, today=d("2026-11-28"))
    p.refresh_from_db()
    return p


@pytest.fixture
def woman(clerk):
    return person(clerk, id_number=make_id("511921", "19950315", 42), name="王芳")


@pytest.fixture
def man(clerk):
    return person(clerk, id_number=make_id("511921", "19930101", 43, female=False), name="张军")


@pytest.fixture
def hukou_clerk(world):
    return world["tongjiang_clerk"]


@pytest.fixture
def institution(world):
    from liudong.technical import services

    return services.publish_institution(actor=world["province_officer"], data={"name": "南山区妇幼保健院", "address": "深圳市南山区南山大道1001号",
                                                                               "phone": "0755-26491000", "division": NANSHAN, "published_on": "2020-01-01"},
                                        now=at("2026-01-05"))


@pytest.fixture
def county_policy():
    """S4: 南山区 adopts the shipped county example (宁陕县 2011) from 2026-07-01."""
    from liudong.policy.services import adopt_rule_set

    return adopt_rule_set(actor=None, code="ningshan-2011", division_code=NANSHAN, valid_from="2026-07-01")


def token_for(user):
    from liudong.accounts.tokens import issue_token

    return issue_token(user)


@pytest.fixture
def api(world):
    """api(role_or_user).get/post(path, body): the API as that account, with its token."""
    import json

    from django.test import Client

    class As:
        def __init__(self, user):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"} if user is not None else {}
            self.client = Client()

        def get(self, path, **params):
            return self.client.get(path, params, **self.headers)

        def post(self, path, body):
            return self.client.post(path, json.dumps(body), content_type="application/json", **self.headers)

    def make(who):
        return As(world[who] if isinstance(who, str) else who)

    return make
