"""The certificates test world: 王芳 (born 1990-05-10, hukou 通江县诺江镇诺江村) living in 南头街道
红花园社区 since 2018-03-01; the clerk of 诺江镇 (her hukou township) issues, the clerk of 南头街道
(her residence) verifies. Acts are dated by `at(day)` (invariant 4); certificates are issued
before the 2021 repeal (national-2021 from 2021-08-20)."""
import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import NANTOU_V1, TONGJIANG_V, make_id


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


@pytest.fixture
def hukou_clerk(world):
    return world["tongjiang_clerk"]


@pytest.fixture
def woman(clerk):
    from liudong.people import services

    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19900510", 84), "name": "王芳", "hukou_division": TONGJIANG_V,
                                                          "marital_status": "20"}, today=d("2026-11-28"))
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "address": "红花园3栋301", "arrived_on": "2018-03-01", "reason": "work"},
                            today=d("2026-11-28"))
    person.refresh_from_db()
    return person


def issue(actor, person, day: str, **extra):
    from liudong.certificates import services

    return services.issue_certificate(actor=actor, data={"person_id": person.pk, "issued_on": day, **extra}, now=at(day))


def counts():
    from liudong.accounts.models import AuditEvent
    from liudong.certificates.models import Certificate, CertificateEntry, Verification

    return {m.__name__: m.objects.count() for m in (Certificate, CertificateEntry, Verification, AuditEvent)}


def counts_without_audit():
    c = counts()
    c.pop("AuditEvent")
    return c


def api_client(staff) -> Client:
    from liudong.accounts.tokens import issue_token

    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(staff)}")


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")
