"""Issue 9 item 2: a registration left half-way (person saved, arrival not yet recorded). The one
who registered her (and her division, and the divisions above) see her at once through
people.scope, and the pages offer to finish the arrival; entering her ID again names who
registered her only where that division is in the user's scope, and otherwise offers the claim."""
import json

import pytest
from django.test import Client
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.accounts.tokens import issue_token
from liudong.people import queries, scope
from liudong.people.models import Person, Residence
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .helpers import register

ID = make_id("511921", "19950505", 62)


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    for module in ("liudong.people.views", "liudong.people.views_person", "liudong.exchange.views_claims", "liudong.people.api"):
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)


@pytest.fixture
def half_way(world):
    """王芳 from 通江, registered by 红花园社区's collector, who left before recording her arrival."""
    return register(world["village_collector"], "王芳", area="511921", birth="19950505", seq=62, hukou=TONGJIANG_V)


def page(staff):
    c = Client()
    c.force_login(staff)
    return c


def api(staff):
    token = issue_token(staff)

    class Api:
        def get(self, path, **params):
            return Client().get("/api/v1" + path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

        def post(self, path, body):
            return Client().post("/api/v1" + path, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    return Api()


def test_issue9_item2_the_registering_collector_and_the_divisions_above_see_her_at_once(world, half_way):
    assert not Residence.objects.filter(person=half_way).exists()
    for role in ("village_collector", "township_clerk", "county_officer"):
        assert scope.reaches(world[role], half_way.pk), role
        found = api(world[role]).get("/persons", name="王芳")
        assert [p["id"] for p in found.json()["results"]] == [half_way.pk], role
        assert api(world[role]).get(f"/persons/{half_way.pk}").status_code == 200
    # Another township of the county, and another county, do not.
    for role in ("shekou_clerk", "futian_clerk"):
        assert api(world[role]).get("/persons", name="王芳").json()["count"] == 0
        assert api(world[role]).get(f"/persons/{half_way.pk}").status_code == 404


def test_issue9_item2_the_search_page_finds_her_and_marks_the_arrival_missing(world, half_way):
    html = page(world["village_collector"]).get(reverse("person_search"), {"name": "王芳", "match": "exact"}).content.decode()
    assert reverse("person_detail", args=[half_way.pk]) in html and "未登记到达" in html


def test_issue9_item2_her_page_offers_to_finish_the_arrival(world, half_way):
    # The county officer reads the notice too (without the form: it records no residences).
    html = page(world["county_officer"]).get(reverse("person_detail", args=[half_way.pk])).content.decode()
    assert "登记未完成" in html and reverse("person_arrival", args=[half_way.pk]) not in html
    collector = page(world["village_collector"])
    html = collector.get(reverse("person_detail", args=[half_way.pk])).content.decode()
    assert "登记未完成" in html and "尚未登记其到达" in html
    assert f'action="{reverse("person_arrival", args=[half_way.pk])}"' in html
    r = collector.post(reverse("person_arrival", args=[half_way.pk]), {"division": NANTOU_V1, "address": "红花园2栋", "arrived_on": "2026-11-20", "reason": "work"})
    assert r.status_code == 302
    assert Residence.objects.get(person=half_way).division_id == NANTOU_V1
    assert "登记未完成" not in collector.get(reverse("person_detail", args=[half_way.pk])).content.decode()
    half_way.refresh_from_db()
    assert half_way.residence_division_id == NANTOU_V1 and half_way.floating


def test_issue9_item2_entering_her_id_again_offers_to_finish_not_registered_elsewhere(world, half_way):
    collector = page(world["village_collector"])
    form = {"id_number": ID, "name": "王芳", "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"}
    r = collector.post(reverse("person_register"), form)
    html = r.content.decode()
    assert r.status_code == 200
    assert "已在他处登记" not in html and "其他地方" not in html
    assert "红花园社区" in html and "尚未登记其到达" in html and "登记流入" in html
    assert Person.objects.filter(id_number=ID).count() == 1
    # The form records the arrival at once (her record is this area's).
    r = collector.post(reverse("arrival_claim_new"), {"document_type": "resident_id", "document_number": ID, "division": NANTOU_V1, "arrived_on": "2026-11-27"})
    assert r.status_code == 302 and r["Location"] == reverse("person_detail", args=[half_way.pk])
    assert Residence.objects.get(person=half_way).division_id == NANTOU_V1


def test_issue9_item2_outside_the_registering_division_the_duplicate_names_nobody_and_offers_the_claim(world, half_way):
    shekou = page(world["shekou_clerk"])
    form = {"id_number": ID, "name": "王芳", "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"}
    html = shekou.post(reverse("person_register"), form).content.decode()
    assert "已在他处登记" in html and "提交到达申报" in html and "红花园" not in html
    assert AuditEvent.objects.filter(action="person.duplicate", actor=world["shekou_clerk"], fields__in_scope=False).exists()


def test_issue9_item2_the_api_names_the_registrar_only_where_it_is_in_scope(world, half_way):
    body = {"id_number": ID, "name": "王芳", "hukou_division": TONGJIANG_V}
    mine = api(world["township_clerk"]).post("/persons", body)
    assert mine.status_code == 409
    assert (mine.json()["id"], mine.json()["registered_by"], mine.json()["registered_by_name"]) == (half_way.pk, NANTOU_V1, "红花园社区")
    assert "尚未登记到达" in mine.json()["detail"]
    # Her hukou township sees her record (outflow side) but 红花园社区 is not in its scope: not named.
    hukou = api(world["tongjiang_clerk"]).post("/persons", body).json()
    assert hukou["id"] == half_way.pk and "registered_by" not in hukou and "红花园" not in json.dumps(hukou, ensure_ascii=False)
    # Outside both: only that she is registered elsewhere, and the claim.
    other = api(world["shekou_clerk"]).post("/persons", body).json()
    assert set(other) == {"detail", "claim"}


def test_issue9_item2_the_page_names_the_registrar_only_where_it_is_in_scope(world, migrant):
    """李娜 was registered by 南头街道; her hukou township sees her record but not who registered her."""
    hukou = page(world["tongjiang_clerk"])
    form = {"id_number": migrant.id_number, "name": "李娜", "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"}
    r = hukou.post(reverse("person_register"), form, follow=True)
    html = r.content.decode()
    assert r.redirect_chain[-1][0] == reverse("person_detail", args=[migrant.pk])
    assert "已登记：此人已在系统中" in html and "登记单位" not in html
    assert queries.registered_by_name(actor=world["tongjiang_clerk"], person=migrant) is None
    assert queries.registered_by_name(actor=world["county_officer"], person=migrant) == "南头街道"
