"""The quality test world: 王芳 entered twice in 南头街道 (R8) - once with her resident ID number
(红花园社区 since 2018), once as 王芳 under a passport (大汪山社区 since 2020), each record with its
own history: her child, a clean-up visit, a rental home she lets; the certificate her hukou
township issued goes to the first record. A look-alike (same name and birth date, another ID
number and county) lives in 南头街道 too."""
import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def api_client(staff) -> Client:
    from liudong.accounts.tokens import issue_token

    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(staff)}")


def post(client, path, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def register(actor, **data):
    from liudong.people import services

    person, _ = services.register_person(actor=actor, data={"hukou_division": TONGJIANG_V, **data}, today=TODAY)
    return person


def arrive(actor, person, division, day, address="1栋101"):
    from liudong.people import services

    services.record_arrival(actor=actor, person=person, data={"division": division, "address": address, "arrived_on": day, "reason": "work"}, today=TODAY)
    person.refresh_from_db()
    return person


@pytest.fixture
def twins(world, clerk):
    """(first record, second record, child, look-alike)."""
    from liudong.people import services, services_places, services_visits

    first = arrive(clerk, register(clerk, id_number=make_id("511921", "19900510", 84), name="王芳", marital_status="20"), NANTOU_V1, "2018-03-01")
    second = arrive(clerk, register(clerk, document_type="passport", document_number="E12345678", name="王芳", sex="F", birth_date="1990-05-10",
                                    phone="13800138000", education="40"), NANTOU_V2, "2020-01-01", "大汪山2栋")
    child = arrive(clerk, register(clerk, id_number=make_id("511921", "20150601", 12), name="李小明"), NANTOU_V2, "2020-01-01", "大汪山2栋")
    services.link_family(actor=clerk, person=second, relative_id=child.pk, relation="child")
    services_visits.record_visit(actor=clerk, person=second, data={"visited_on": "2026-06-01"}, today=TODAY)
    services_places.register_housing(actor=clerk, data={"division": NANTOU_V2, "address": "大汪山5栋", "owner_id": second.pk, "registered_on": "2021-01-01"}, today=TODAY)
    lookalike = arrive(clerk, register(clerk, id_number=make_id("440305", "19900510", 62), name="王芳", hukou_division="440305001001"), NANTOU_V1, "2019-01-01")
    from liudong.certificates import services as certificates

    certificates.issue_certificate(actor=world["tongjiang_clerk"], data={"person_id": first.pk, "issued_on": "2019-04-02", "applicant": "self"},
                                   now=timezone.make_aware(datetime.datetime(2019, 4, 2, 10)))
    for p in (first, second, child):
        p.refresh_from_db()
    return first, second, child, lookalike


def history(person_id) -> dict:
    """Everything that hangs on one record, for before/after comparisons."""
    from liudong.certificates.models import Certificate
    from liudong.people.models import FamilyLink, Person, RentalHousing, Residence, Visit

    p = Person.objects.get(pk=person_id)
    return {
        "person": {f: getattr(p, f) for f in ("name", "phone", "education", "marital_status", "residence_division_id", "floating", "merged_into_id")},
        "residences": sorted(Residence.objects.filter(person_id=person_id).values_list("id", "division_id", "arrived_on", "left_on", "end_kind")),
        "family": sorted(FamilyLink.objects.filter(person_id=person_id).values_list("relative_id", "relation")),
        "family_in": sorted(FamilyLink.objects.filter(relative_id=person_id).values_list("person_id", "relation")),
        "visits": sorted(Visit.objects.filter(person_id=person_id).values_list("id", "visited_on")),
        "housing": sorted(RentalHousing.objects.filter(owner_id=person_id).values_list("id", flat=True)),
        "certificates": sorted(Certificate.objects.filter(person_id=person_id).values_list("id", flat=True)),
    }


@pytest.fixture
def candidate(twins):
    from liudong.quality.models import Candidate

    first, second, _, _ = twins
    a, b = sorted((first.pk, second.pk))
    return Candidate.objects.create(a_id=a, b_id=b, score=1.0, division="440305001000", found_on=TODAY)
