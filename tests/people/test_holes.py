"""Holes 1-3 of issue 7 through the API: taking over a person from anywhere, errors that tell
what the caller may not see, and family links into other places' records."""
import json

import pytest
from django.test import Client

from liudong.accounts.models import AuditEvent
from liudong.people import services
from liudong.people.models import FamilyLink, Person, Residence
from tests.conftest import FUTIAN_V, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("liudong.people.api.today", lambda: TODAY)


@pytest.fixture
def as_(db):
    from liudong.accounts.tokens import issue_token

    def make(staff):
        token = issue_token(staff)
        client = Client()

        class Api:
            def get(self, path):
                return client.get("/api/v1" + path, HTTP_AUTHORIZATION=f"Bearer {token}")

            def patch(self, path, body):
                return client.patch("/api/v1" + path, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

            def post(self, path, body):
                return client.post("/api/v1" + path, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

        return Api()

    return make


# ---------------------------------------------------------------- hole 1


def test_hole1_a_move_from_another_county_takes_nobody_over(as_, world, migrant):
    r = as_(world["futian_clerk"]).post(f"/persons/{migrant.pk}/moves", {"division": FUTIAN_V, "arrived_on": "2026-06-01"})
    assert r.status_code == 404
    open_ = Residence.objects.get(person=migrant, left_on__isnull=True)
    assert open_.division_id == NANTOU_V1  # 南头's residence stays open, her record stays 南头's
    assert as_(world["futian_clerk"]).get(f"/persons/{migrant.pk}").status_code == 404


def test_hole1_an_arrival_from_anywhere_when_none_is_open_takes_nobody_over(as_, world, migrant):
    services.record_departure(actor=world["township_clerk"], residence_id=migrant.residences.get().pk, left_on="2026-05-01", today=TODAY)
    r = as_(world["futian_clerk"]).post(f"/persons/{migrant.pk}/residences", {"division": FUTIAN_V, "arrived_on": "2026-06-01"})
    assert r.status_code == 404 and Residence.objects.filter(person=migrant).count() == 1


def test_hole1_a_place_that_sees_her_record_claims_her_instead_of_closing_anothers_residence(as_, world, migrant):
    # The hukou side sees her (outflow) but her residence is 南头's: a move by it is refused with
    # the way to claim her, and names nothing.
    r = as_(world["tongjiang_clerk"]).post(f"/persons/{migrant.pk}/moves", {"division": TONGJIANG_V, "arrived_on": "2026-06-01"})
    assert r.status_code == 422 and "arrival-claims" in r.json()["errors"]["division"][0]
    assert "红花园" not in r.content.decode() and "2025-03-01" not in r.content.decode()
    assert Residence.objects.get(person=migrant).left_on is None


def test_hole1_a_duplicate_document_outside_the_scope_says_only_registered_elsewhere(as_, world, migrant):
    r = as_(world["futian_clerk"]).post("/persons", {"id_number": migrant.id_number, "name": "李娜", "hukou_division": TONGJIANG_V})
    assert r.status_code == 409
    body = r.json()
    assert "id" not in body and "registered_by" not in body
    assert body["claim"] == {"href": "/api/v1/arrival-claims", "document_type": "resident_id", "document_number": migrant.id_number}
    event = AuditEvent.objects.get(action="person.duplicate", actor=world["futian_clerk"])
    assert event.person_id == migrant.pk and event.fields["in_scope"] is False


def test_hole1_a_duplicate_document_in_scope_names_who_registered_her(as_, world, migrant):
    r = as_(world["township_clerk"]).post("/persons", {"id_number": migrant.id_number, "name": "李娜", "hukou_division": TONGJIANG_V})
    assert r.status_code == 409
    body = r.json()
    assert body["id"] == migrant.pk and body["registered_by"] == migrant.created_by_division and body["registered_by_name"] == "南头街道"
    assert AuditEvent.objects.filter(action="person.duplicate", person_id=migrant.pk, fields__in_scope=True).exists()



def test_hole1_her_hukou_place_does_not_close_anothers_residence_by_a_departure(as_, world, migrant):
    """The hukou place sees her (outflow) and her history, but the open residence is 南头's: a
    departure from it answers like an unknown residence id, nothing is closed, the probe is audited."""
    residence = migrant.residences.get()
    tongjiang = as_(world["tongjiang_clerk"])
    known, unknown = tongjiang.post(f"/residences/{residence.pk}/leave", {"left_on": "2026-10-01"}), tongjiang.post("/residences/99999999/leave", {"left_on": "2026-10-01"})
    assert known.status_code == unknown.status_code == 404 and known.json() == unknown.json()
    assert Residence.objects.get(pk=residence.pk).left_on is None
    migrant.refresh_from_db()
    assert migrant.residence_division_id == NANTOU_V1
    rows = list(AuditEvent.objects.filter(action="residence.not_found", actor=world["tongjiang_clerk"]).order_by("id").values_list("object_id", "person_id"))
    assert rows == [(str(residence.pk), migrant.pk), ("99999999", None)]
    # Her place closes it.
    assert as_(world["township_clerk"]).post(f"/residences/{residence.pk}/leave", {"left_on": "2026-10-01"}).status_code == 200


def test_hole1_her_hukou_place_does_not_close_anothers_residence_by_a_return(as_, world, migrant):
    r = as_(world["tongjiang_clerk"]).post(f"/persons/{migrant.pk}/returns", {"arrived_on": "2026-10-01"})
    assert r.status_code == 422 and "arrival-claims" in r.json()["errors"]["division"][0]
    assert "红花园" not in r.content.decode() and "2025-03-01" not in r.content.decode()
    assert Residence.objects.get(person=migrant).left_on is None
    assert AuditEvent.objects.filter(action="residence.not_yours", actor=world["tongjiang_clerk"], person_id=migrant.pk, fields__via="residence.return").exists()


def test_hole1_a_refused_move_by_a_place_that_sees_her_is_audited_as_a_probe(as_, world, migrant):
    as_(world["tongjiang_clerk"]).post(f"/persons/{migrant.pk}/moves", {"division": TONGJIANG_V, "arrived_on": "2026-06-01"})
    assert AuditEvent.objects.filter(action="residence.not_yours", person_id=migrant.pk, fields__via="residence.move").exists()


def test_hole1_her_hukou_places_page_offers_the_claim_not_a_departure_or_a_return(world, migrant):
    c = Client()
    c.force_login(world["tongjiang_clerk"])
    page = c.get(f"/people/{migrant.pk}/").content.decode()
    assert "departure_left_on" not in page and "return_arrived_on" not in page and "claim_document_number" in page
    residence = migrant.residences.get()
    r = c.post(f"/people/{migrant.pk}/residences/{residence.pk}/departure/", {"left_on": "2026-10-01"})
    assert r.status_code == 404
    r = c.post(f"/people/{migrant.pk}/return/", {"arrived_on": "2026-10-01"})
    assert r.status_code == 200 and Residence.objects.get(pk=residence.pk).left_on is None


# ---------------------------------------------------------------- hole 2


@pytest.mark.parametrize("path", ["/moves", "/residences", "/returns", "/family"])
def test_hole2_an_id_out_of_scope_is_404_whatever_the_body_and_as_an_unknown_id(as_, world, migrant, path):
    futian = as_(world["futian_clerk"])
    body = {"division": "nonsense", "arrived_on": "2020-01-01", "relative_id": 1, "relation": "cousin"}
    known, unknown = futian.post(f"/persons/{migrant.pk}{path}", body), futian.post(f"/persons/99999999{path}", body)
    assert known.status_code == unknown.status_code == 404
    assert known.json() == unknown.json()
    assert "红花园" not in known.content.decode() and "2025-03-01" not in known.content.decode()


def test_hole2_probes_are_logged_with_the_id_asked_for_whether_or_not_it_exists(as_, world, migrant):
    futian = world["futian_clerk"]
    assert as_(futian).get(f"/persons/{migrant.pk}").status_code == 404
    assert as_(futian).get("/persons/99999999").status_code == 404
    rows = list(AuditEvent.objects.filter(action="person.not_found", actor=futian).order_by("id").values("object_id", "person_id", "fields"))
    assert rows == [{"object_id": str(migrant.pk), "person_id": migrant.pk, "fields": {"via": "person.view"}},
                    {"object_id": "99999999", "person_id": 99999999, "fields": {"via": "person.view"}}]
    # Writes too: the refused move leaves its row (the change itself is not written).
    as_(futian).post(f"/persons/{migrant.pk}/moves", {"division": FUTIAN_V, "arrived_on": "2026-06-01"})
    assert AuditEvent.objects.filter(action="person.not_found", person_id=migrant.pk, fields__via="residence.move").exists()


# ---------------------------------------------------------------- hole 3


@pytest.fixture
def futian_resident(world):
    """王芳, registered and living in 福田 (another county): not 南头's."""
    person, _ = services.register_person(actor=world["futian_clerk"], data={"id_number": make_id("440304", "19970808", 44), "name": "王芳", "hukou_division": FUTIAN_V}, today=TODAY)
    return person


def test_hole3_a_relative_out_of_scope_is_answered_like_one_that_does_not_exist(as_, world, migrant, futian_resident):
    nantou = as_(world["township_clerk"])
    outside = nantou.post(f"/persons/{migrant.pk}/family", {"relative_id": futian_resident.pk, "relation": "spouse"})
    absent = nantou.post(f"/persons/{migrant.pk}/family", {"relative_id": 99999999, "relation": "spouse"})
    assert outside.status_code == absent.status_code == 422
    assert outside.json() == absent.json()
    assert "王芳" not in outside.content.decode()
    assert not FamilyLink.objects.exists()  # nothing written onto 福田's record


def test_hole3_the_audit_names_both_persons_of_a_link(as_, world, migrant):
    clerk = world["township_clerk"]
    child, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "20200101", 8), "name": "李小花", "hukou_division": TONGJIANG_V}, today=TODAY)
    assert as_(clerk).post(f"/persons/{migrant.pk}/family", {"relative_id": child.pk, "relation": "child"}).status_code == 201
    auditor = as_(world["auditor"])
    for pid in (migrant.pk, child.pk):
        actions = [e["action"] for e in auditor.get(f"/audit?person={pid}").json()["results"]]
        assert "family.link" in actions
    assert set(FamilyLink.objects.values_list("person_id", "relative_id", "relation")) == {(migrant.pk, child.pk, "child"), (child.pk, migrant.pk, "parent")}


def test_hole2_patch_of_a_person_out_of_scope_is_404_before_the_body_and_logged(as_, world, migrant):
    futian = as_(world["futian_clerk"])
    known, unknown = futian.patch(f"/persons/{migrant.pk}", {"phone": "not a phone"}), futian.patch("/persons/99999999", {"phone": "not a phone"})
    assert known.status_code == unknown.status_code == 404 and known.json() == unknown.json()
    assert Person.objects.get(pk=migrant.pk).phone == ""
    assert AuditEvent.objects.filter(action="person.not_found", person_id=migrant.pk, fields__via="person.update").exists()


def test_hole3_a_rental_homes_owner_by_id_is_in_scope_and_no_name_comes_back(as_, world, migrant, futian_resident):
    """The same hole through housing: an owner id from another area neither links nor names her."""
    nantou = as_(world["township_clerk"])
    outside = nantou.post("/housing", {"division": NANTOU_V1, "address": "红花园9栋", "owner_id": futian_resident.pk})
    absent = nantou.post("/housing", {"division": NANTOU_V1, "address": "红花园9栋", "owner_id": 99999999})
    assert outside.status_code == absent.status_code == 422 and outside.json() == absent.json()
    assert "王芳" not in outside.content.decode()
    assert nantou.post("/housing", {"division": NANTOU_V1, "address": "红花园9栋", "owner_id": migrant.pk}).status_code == 201
