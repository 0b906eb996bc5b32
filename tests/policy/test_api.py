"""The calendar and policy API (X4, P1): answers, 422 with the reason, roles."""
import datetime
import json

import pytest
from django.test import Client

from liudong.accounts.models import AuditEvent
from liudong.policy.models import PolicyValue
from liudong.policy.services import value
from tests.conftest import NANTOU, TONGJIANG_T

from .conftest import GUANGDONG, make_admin


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("liudong.policy.api.today", lambda: datetime.date(2026, 11, 29))


class Api:
    def __init__(self, staff=None):
        from liudong.accounts.tokens import issue_token

        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(staff)}"} if staff else {}

    def get(self, path, params=None):
        return self.client.get("/api/v1" + path, params or {}, **self.headers)

    def post(self, path, body):
        return self.client.post("/api/v1" + path, data=json.dumps(body), content_type="application/json", **self.headers)


def field_error(response, field):
    assert response.status_code == 422, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"errors"} and field in body["errors"], body
    for m in body["errors"][field]:
        assert " / " in m and any("\u4e00" <= c <= "\u9fff" for c in m), m
    return " ".join(body["errors"][field])


@pytest.mark.django_db
def test_add_working_days_across_the_holidays(world):
    api = Api(world["township_clerk"])
    # Spring Festival 2026: Thu 02-12 + 7 ends on the make-up Saturday 02-28 (see test_calendar).
    assert api.get("/calendar/add-working-days", {"start": "2026-02-12", "days": 7}).json() == {"date": "2026-02-28"}
    # National Day 2026: Wed 09-30 + 7 = Thu 10-15.
    assert api.get("/calendar/add-working-days", {"start": "2026-09-30", "days": 7}).json() == {"date": "2026-10-15"}
    assert api.get("/calendar/add-working-days", {"start": "2026-02-16", "days": 0}).json() == {"date": "2026-02-16"}
    assert api.get("/calendar/working-days", {"start": "2026-02-12", "end": "2026-02-28"}).json() == {"count": 7}
    assert api.get("/calendar/working-days", {"start": "2026-10-01", "end": "2026-10-07"}).json() == {"count": 0}


@pytest.mark.django_db
def test_calendar_errors_are_422_with_the_reason(world, load_2027):
    api = Api(world["auditor"])          # any authenticated staff may ask
    assert "2027" in field_error(api.get("/calendar/add-working-days", {"start": "2026-12-24", "days": 7}), "days")
    assert "2027" in field_error(api.get("/calendar/add-working-days", {"start": "2027-01-04", "days": 1}), "start")
    assert "2027" in field_error(api.get("/calendar/working-days", {"start": "2026-12-24", "end": "2027-01-05"}), "end")
    assert "3650" in field_error(api.get("/calendar/add-working-days", {"start": "2026-02-12", "days": -1}), "days")
    assert "3650" in field_error(api.get("/calendar/add-working-days", {"start": "2026-02-12", "days": 3651}), "days")
    field_error(api.get("/calendar/add-working-days", {"start": "2026-02-30", "days": 1}), "start")
    field_error(api.get("/calendar/add-working-days", {"start": "2026-02-12", "days": "x"}), "days")
    field_error(api.get("/calendar/add-working-days", {"days": 1}), "start")
    field_error(api.get("/calendar/working-days", {"start": "2026-02-12"}), "end")
    assert "before" in field_error(api.get("/calendar/working-days", {"start": "2026-02-12", "end": "2026-02-11"}), "end")
    load_2027()
    assert api.get("/calendar/add-working-days", {"start": "2026-12-24", "days": 7}).json() == {"date": "2027-01-05"}
    assert api.get("/calendar/working-days", {"start": "2026-12-24", "end": "2027-01-05"}).json() == {"count": 7}


@pytest.mark.django_db
def test_calendar_needs_a_token(world):
    assert Api().get("/calendar/add-working-days", {"start": "2026-02-12", "days": 7}).status_code == 401


@pytest.mark.django_db
def test_policy_values_by_division_and_date_and_who_may_read_them(world):
    clerk = Api(world["township_clerk"])
    body = clerk.get("/policy/values", {"division": TONGJIANG_T, "on": "2012-05-01"}).json()
    values = {v["name"]: v for v in body["values"]}
    assert body["division"] == TONGJIANG_T and body["on"] == "2012-05-01"
    assert values["birth.verify_request_days"]["value"] == 7 and values["birth.verify_request_days"]["rule_set"] == "national-2009"
    assert values["birth.max_child_order_registered"]["division"] == "000000000000"
    body = clerk.get("/policy/values").json()               # default: the clerk's own division, today
    assert body["division"] == NANTOU and body["on"] == "2026-11-29"
    assert {v["name"]: v["value"] for v in body["values"]}["case_open.fee_consultation"] is False
    assert Api(world["admin"]).get("/policy/values").status_code == 200
    assert Api(world["province_officer"]).get("/policy/values").status_code == 200   # VIEW_EXCHANGE
    assert Api(world["auditor"]).get("/policy/values").status_code == 403
    assert Api(world["police_officer"]).get("/policy/values").status_code == 403
    field_error(clerk.get("/policy/values", {"division": "999999999999"}), "division")
    field_error(clerk.get("/policy/values", {"on": "2026-13-01"}), "on")


@pytest.mark.django_db
def test_adopt_and_set_values_through_the_api(world):
    gd = Api(make_admin("gd_admin", GUANGDONG))
    response = gd.post("/policy/adopt", {"rule_set": "national-2016", "division": GUANGDONG, "valid_from": "2020-01-01"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["added"]) == 5 and len(body["carried"]) == 5 and body["carried"][0]["valid_to"] == "2020-01-01"
    assert "already" in field_error(gd.post("/policy/adopt", {"rule_set": "national-2016", "division": GUANGDONG, "valid_from": "2020-01-01"}), "valid_from")
    field_error(gd.post("/policy/adopt", {"rule_set": "national-2016", "division": GUANGDONG}), "valid_from")

    response = gd.post("/policy/values", {"name": "birth.registration_basis", "value": "documents", "division": GUANGDONG, "valid_from": "2027-01-01"})
    assert response.status_code == 201 and response.json()["value"] == "documents" and response.json()["rule_set"] == "override"
    assert value("birth.registration_basis", NANTOU, datetime.date(2027, 1, 1)) == "documents"
    response = gd.post("/policy/values", {"name": "birth.max_child_order_registered", "value": None, "division": GUANGDONG, "valid_from": "2027-01-01"})
    assert response.status_code == 201 and response.json()["value"] is None
    count, events = PolicyValue.objects.count(), AuditEvent.objects.count()
    assert "whole number" in field_error(gd.post("/policy/values", {"name": "birth.notify_days", "value": True, "division": GUANGDONG, "valid_from": "2027-01-01"}), "value")
    assert "cannot be null" in field_error(gd.post("/policy/values", {"name": "birth.notify_days", "value": None, "division": GUANGDONG, "valid_from": "2027-01-01"}), "value")
    field_error(gd.post("/policy/values", {"name": "birth.notify_days", "division": GUANGDONG, "valid_from": "2027-01-01"}), "value")
    assert (PolicyValue.objects.count(), AuditEvent.objects.count()) == (count, events)
    for role in ("township_clerk", "province_officer", "auditor"):
        api = Api(world[role])
        assert api.post("/policy/adopt", {"rule_set": "national-2021", "division": GUANGDONG, "valid_from": "2022-01-01"}).status_code == 403
        assert api.post("/policy/values", {"name": "birth.notify_days", "value": 9, "division": GUANGDONG, "valid_from": "2022-01-01"}).status_code == 403
    assert PolicyValue.objects.count() == count
