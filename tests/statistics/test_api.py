"""Issue 14 API: GET /reports/{division}/{period}, POST submit / approve / return, as the issue
writes the contract: 422 with the reason for a wrong state or bad input, 403 for a role or level
that may not act, 404 outside the actor's scope; nothing written on an error."""
import pytest

from liudong.statistics.models import Report, ReportStep
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2
from tests.people.api.conftest import ApiClient, assert_field_error

from .conftest import arrive, register

OCT = "2026-10"
KEYS = {"division", "period", "state", "figures", "live", "live_at", "difference", "children", "rates", "due_on", "submitted_at", "approved_at", "return_reason", "reviewed",
        "retired", "edition"}  # issue 14: a retired division is marked (its last edition)


@pytest.fixture
def api_as(db):
    from liudong.accounts.tokens import issue_token

    return lambda staff: ApiClient(issue_token(staff))


def test_t1_api_report_submit_return_approve(world, clerk, collector, head, api_as):
    arrive(clerk, register(clerk, seq=120), "2026-10-05")
    village, township = api_as(collector), api_as(head)
    r = village.get(f"/reports/{NANTOU_V1}/{OCT}")
    assert r.status_code == 200 and set(r.json()) == KEYS
    body = r.json()
    assert body["state"] == "open" and body["figures"] == {} and body["live"]["inflow"] == 1 and body["due_on"] == "2026-11-03"
    r = village.post(f"/reports/{NANTOU_V1}/{OCT}/submit")
    assert r.status_code == 200 and r.json()["state"] == "submitted" and r.json()["figures"]["inflow"] == 1
    assert_field_error(village.post(f"/reports/{NANTOU_V1}/{OCT}/submit"), "state")                    # twice
    assert_field_error(township.post(f"/reports/{NANTOU_V1}/{OCT}/return", {}), "reason")              # no reason
    assert_field_error(township.post(f"/reports/{NANTOU_V1}/{OCT}/return", {"reason": ""}), "reason")
    r = township.post(f"/reports/{NANTOU_V1}/{OCT}/return", {"reason": "请核对流入人数"})
    assert r.status_code == 200 and r.json()["state"] == "returned" and r.json()["return_reason"] == "请核对流入人数"
    assert village.get(f"/reports/{NANTOU_V1}/{OCT}").json()["return_reason"] == "请核对流入人数"
    assert village.post(f"/reports/{NANTOU_V1}/{OCT}/submit").json()["state"] == "submitted"
    assert township.post(f"/reports/{NANTOU_V1}/{OCT}/approve").json()["state"] == "approved"
    assert_field_error(township.post(f"/reports/{NANTOU_V1}/{OCT}/approve"), "state")                   # already approved
    # The township's own: a child not approved is a 422 naming it.
    r = township.post(f"/reports/{NANTOU}/{OCT}/submit")
    assert_field_error(r, "children")
    children = township.get(f"/reports/{NANTOU}/{OCT}").json()["children"]
    assert [(c["division"], c["state"]) for c in children] == [(NANTOU_V1, "approved"), (NANTOU_V2, "open")]


def test_t1_api_403_404_422(world, collector, head, api_as):
    village = api_as(collector)
    steps = ReportStep.objects.count()
    assert village.post(f"/reports/{NANTOU_V1}/{OCT}/approve").status_code == 403            # a role that may not approve
    assert api_as(world["village_cadre"]).post(f"/reports/{NANTOU_V1}/{OCT}/submit").status_code == 403   # views only
    assert api_as(world["county_officer"]).post(f"/reports/{NANTOU_V1}/{OCT}/approve").status_code == 403  # not the level above
    assert api_as(world["police_officer"]).get(f"/reports/{NANTOU}/{OCT}").status_code == 403
    assert api_as(world["futian_clerk"]).get(f"/reports/{NANTOU_V1}/{OCT}").status_code == 404           # another county's
    assert api_as(world["futian_clerk"]).post(f"/reports/{NANTOU_V1}/{OCT}/approve").status_code == 404
    assert village.get(f"/reports/{NANSHAN}/{OCT}").status_code == 404                                  # above her
    assert village.get(f"/reports/12345/{OCT}").status_code == 404
    assert_field_error(village.get(f"/reports/{NANTOU_V1}/2026-12"), "period")                          # in the future
    assert_field_error(village.get(f"/reports/{NANTOU_V1}/2026-1"), "period")
    assert_field_error(village.post(f"/reports/{NANTOU_V1}/2026-11/submit"), "period")                  # not ended
    assert village.get(f"/reports/{NANTOU_V1}/2026-11").status_code == 200  # the month so far
    assert ApiClient().get(f"/reports/{NANTOU_V1}/{OCT}").status_code == 401
    assert ReportStep.objects.count() == steps and not Report.objects.exists()
