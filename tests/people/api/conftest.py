"""API test helpers: a client per staff member with a real bearer token, and a fixed date."""
import json

import pytest
from django.test import Client

from tests.conftest import TODAY

PREFIX = "/api/v1"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Invariant 4: acts through the API are dated by liudong.people.api.today(); tests fix it."""
    monkeypatch.setattr("liudong.people.api.today", lambda: TODAY)


class ApiClient:
    def __init__(self, token=None):
        self.client = Client()
        self.token = token

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, params=None):
        return self.client.get(PREFIX + path, params or {}, **self._headers())

    def post(self, path, body=None, *, raw=None, content_type="application/json"):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(PREFIX + path, data=data, content_type=content_type, **self._headers())

    def patch(self, path, body):
        return self.client.patch(PREFIX + path, data=json.dumps(body), content_type="application/json", **self._headers())


@pytest.fixture
def api_as(db):
    """api_as(staff) -> a client sending that staff member's bearer token."""
    from liudong.accounts.tokens import issue_token

    def make(staff):
        return ApiClient(issue_token(staff) if staff is not None else None)

    return make


@pytest.fixture
def api(api_as, clerk):
    """The 南头街道 township clerk."""
    return api_as(clerk)


def _counts():
    from liudong.accounts.models import AuditEvent, Staff
    from liudong.divisions.models import Grid
    from liudong.people.models import Employer, FamilyLink, Person, PersonNameKey, RentalHousing, Residence

    models = (Person, PersonNameKey, Residence, RentalHousing, Employer, FamilyLink, Grid, Staff, AuditEvent)
    return {m.__name__: m.objects.count() for m in models}, list(Residence.objects.order_by("id").values_list("id", "left_on", "end_kind"))


@pytest.fixture
def unchanged(db):
    """`with unchanged(): ...` asserts that no row was written, changed or deleted (invariant 7),
    audit events included."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = _counts()
        yield
        assert _counts() == before

    return check


def assert_field_error(response, field, status=422):
    """A field-level error in the API's one error shape, bilingual: "中文 / English"."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"errors"}, body
    assert field in body["errors"], body
    for message in body["errors"][field]:
        assert " / " in message, message
        assert any("\u4e00" <= c <= "\u9fff" for c in message), message
    return body["errors"][field]
