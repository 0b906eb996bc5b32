"""Issue 13 API: the operations as the issue lists them, every bad input of the issue a clear
422 (or 403 for a role that may not decide) with nothing written, reads logged."""
import base64

import pytest

from liudong.accounts.models import AuditEvent
from liudong.permits.models import Endorsement, ResidencePermit
from tests.people.api.conftest import ApiClient, assert_field_error

from .conftest import BEISHAN_V, arrive, grant

PDF = base64.b64encode(b"%PDF-1.4 labour contract").decode()


@pytest.fixture
def api_as(db):
    from liudong.accounts.tokens import issue_token

    return lambda staff: ApiClient(issue_token(staff))


def test_rp1_rp2_rp3_apply_decide_endorse_read(world, police, newcomer, api_as):
    api = api_as(police)
    r = api.post("/residence-permits", {"person_id": newcomer.pk, "applied_on": "2026-11-28", "basis": "employment", "proof": "劳动合同",
                                        "attachments": [{"name": "合同.pdf", "content_type": "application/pdf", "data": PDF}]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["state"], body["decision_due_on"], body["fee"], body["residence_years"]) == ("pending", "2026-12-13", 0, 0)
    assert [a["name"] for a in body["attachments"]] == ["合同.pdf"]
    pid = body["id"]
    r = api.post(f"/residence-permits/{pid}/decision", {"decided_on": "2026-11-28", "granted": True})
    assert r.status_code == 200, r.content
    assert (r.json()["state"], r.json()["issued_on"], r.json()["next_endorsement_due_on"], r.json()["next_endorsement_window_opens_on"]) == (
        "granted", "2026-11-28", "2027-11-27", "2027-10-28")
    r = api.post(f"/residence-permits/{pid}/endorsements", {"endorsed_on": "2026-11-28"})
    errors = assert_field_error(r, "endorsed_on")
    assert "2027-10-28" in errors[0]
    assert not Endorsement.objects.exists()
    r = api.get(f"/residence-permits/{pid}")
    assert r.status_code == 200 and r.json()["items"]["name"] == "王芳"
    assert AuditEvent.objects.filter(action="residence_permit.view", object_id=str(pid)).count() == 1


def test_rp4_late_endorsement_through_the_api_restarts_the_years(world, police, settled, api_as):
    permit = grant(police, settled, applied_on="2024-10-08", decided_on="2024-10-15")
    api = api_as(police)
    r = api.post(f"/residence-permits/{permit.pk}/endorsements", {"endorsed_on": "2025-10-01"})
    # Issued 2024-10-15, endorsed for its first anniversary; on 2026-11-28 the second (2026-10-15)
    # has passed without one: suspended even before the daily job runs, the count stopped there (2).
    assert r.status_code == 201 and (r.json()["state"], r.json()["residence_years"]) == ("suspended", 2)
    r = api.post(f"/residence-permits/{permit.pk}/endorsements", {"endorsed_on": "2026-11-20"})
    body = r.json()
    assert r.status_code == 201 and (body["state"], body["years_counted_from"], body["residence_years"], body["next_endorsement_due_on"]) == (
        "granted", "2026-11-20", 0, "2027-11-19")
    assert [e["late"] for e in body["endorsements"]] == [False, True]


@pytest.mark.parametrize("change, field", [
    ({"applied_on": "2026-11-27"}, "applied_on"),   # under half a year
    ({"proof": ""}, "proof"),                       # without proof
    ({"proof": "   "}, "proof"),
    ({"basis": "marriage"}, "basis"),
    ({"applied_on": "28/11/2026"}, "applied_on"),
    ({"attachments": [{"name": "a.pdf", "content_type": "application/pdf", "data": "@@@"}]}, "attachments.0.data"),
])
def test_rp1_bad_applications_are_422_and_write_nothing(world, police, newcomer, api_as, change, field):
    body = {"person_id": newcomer.pk, "applied_on": "2026-11-28", "basis": "employment", "proof": "劳动合同", **change}
    assert_field_error(api_as(police).post("/residence-permits", body), field)
    assert not ResidencePermit.objects.exists()


def test_rp1_she_does_not_live_in_the_city(world, police, migrant, api_as):
    residence = migrant.residences.get(left_on__isnull=True)
    r = api_as(world["township_clerk"]).post(f"/residences/{residence.pk}/leave", {"left_on": "2026-11-01"})
    assert r.status_code == 200, r.content
    assert_field_error(api_as(police).post("/residence-permits", {"person_id": migrant.pk, "applied_on": "2026-11-28", "basis": "housing", "proof": "租赁合同"}), "person_id")
    assert not ResidencePermit.objects.exists()


def test_a_decision_by_a_role_that_may_not_decide_is_403_and_writes_nothing(world, police, newcomer, api_as):
    permit = ResidencePermit.objects.get(pk=api_as(police).post("/residence-permits", {"person_id": newcomer.pk, "applied_on": "2026-11-28", "basis": "study",
                                                                                      "proof": "学籍证明"}).json()["id"])
    for role in ("township_clerk", "county_officer", "village_collector", "auditor"):
        r = api_as(world[role]).post(f"/residence-permits/{permit.pk}/decision", {"decided_on": "2026-11-28", "granted": True})
        assert r.status_code == 403, (role, r.content)
    permit.refresh_from_db()
    assert permit.state == "pending" and permit.decided_on is None


def test_family_planning_roles_see_only_whether_a_permit_exists(world, police, migrant, api_as):
    permit = grant(police, migrant, applied_on="2026-11-20", decided_on="2026-11-27")
    clerk = api_as(world["township_clerk"])
    assert clerk.get(f"/residence-permits/{permit.pk}").status_code == 403
    r = clerk.get(f"/persons/{migrant.pk}/residence-permit")
    assert r.status_code == 200 and r.json() == {"person_id": migrant.pk, "exists": True}
    assert api_as(world["futian_clerk"]).get(f"/persons/{migrant.pk}/residence-permit").status_code == 404
    assert AuditEvent.objects.filter(action="residence_permit.exists", person_id=migrant.pk).count() == 1


def test_rr_registrations_list_and_complete(world, zhejiang, api_as):
    p = arrive(zhejiang["station"], name="陈静", seq=10, division=BEISHAN_V, arrived_on="2026-09-30")
    county = api_as(zhejiang["county_police"])
    r = county.get("/residence-registrations", {"division": "330106000000", "state": "overdue"})
    assert r.status_code == 200, r.content
    assert [(x["person_id"], x["due_on"], x["overdue"]) for x in r.json()["results"]] == [(p.pk, "2026-10-10", True)]
    rid = r.json()["results"][0]["id"]
    assert county.post(f"/residence-registrations/{rid}/complete", {"completed_on": "2026-11-28"}).status_code == 403
    station = api_as(zhejiang["station"])
    assert_field_error(station.post(f"/residence-registrations/{rid}/complete", {"completed_on": "2026-09-29"}), "completed_on")
    r = station.post(f"/residence-registrations/{rid}/complete", {"completed_on": "2026-11-28"})
    assert r.status_code == 200 and r.json()["state"] == "completed" and r.json()["overdue"] is False
    assert county.get("/residence-registrations", {"state": "overdue"}).json()["count"] == 0
    assert_field_error(county.get("/residence-registrations", {"state": "late"}), "state")
    assert county.get("/residence-registrations", {"division": "440305000000"}).status_code == 422
    assert api_as(world["township_clerk"]).get("/residence-registrations").status_code == 403
