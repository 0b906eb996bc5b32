"""Issue 7, item 4: under /api/v1/ a path the API does not have and a method an operation does not
take answer the API's JSON error shape {"detail"} (405 with its Allow header); pages elsewhere keep
their HTML. (The contract check of tests/conftest.py also holds every such answer to this shape.)"""
import pytest
from django.test import Client

from tests.people.api.conftest import ApiClient


@pytest.fixture
def clerk_api(world):
    from liudong.accounts.tokens import issue_token

    return ApiClient(issue_token(world["township_clerk"]))


@pytest.mark.parametrize("path", ["/nope", "/persons/1/nope", "/persons/", "/messages/1/attachments", "/registers/inflow/x"])
@pytest.mark.parametrize("who", ["clerk", "anonymous"])
def test_an_unknown_api_path_is_a_json_404(world, clerk_api, path, who):
    client = clerk_api if who == "clerk" else ApiClient()
    r = client.get(path)
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
    assert r.json() == {"detail": "不存在 / not found"}


@pytest.mark.parametrize("method,path,allowed", [
    ("delete", "/api/v1/persons", "GET, POST"),
    ("put", "/api/v1/persons/1", "GET, PATCH"),
    ("get", "/api/v1/auth/token", "POST"),
    ("post", "/api/v1/me", "GET"),
])
def test_a_method_the_operation_does_not_take_is_a_json_405_with_allow(world, clerk_api, method, path, allowed):
    r = getattr(clerk_api.client, method)(path, HTTP_AUTHORIZATION=f"Bearer {clerk_api.token}")
    assert r.status_code == 405 and r["Content-Type"].startswith("application/json")
    assert r["Allow"] == allowed
    detail = r.json()["detail"]
    assert set(r.json()) == {"detail"} and method.upper() in detail and allowed in detail and " / " in detail


def test_the_apis_own_404_keeps_its_message(clerk_api):
    r = clerk_api.get("/persons/999999")
    assert r.status_code == 404 and "person" in r.json()["detail"]


def test_pages_outside_the_api_keep_their_html_404(world):
    client = Client()
    client.force_login(world["township_clerk"])
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")
    assert "<html" in r.content.decode()
