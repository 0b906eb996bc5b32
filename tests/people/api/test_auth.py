"""Tokens, 401/403, staff accounts through the API, the OpenAPI document (issue 2, part 9)."""
import json

from liudong.accounts.models import Staff
from tests.people.api.conftest import ApiClient, assert_field_error
from tests.conftest import NANTOU, password


def test_token_for_good_credentials_opens_the_api(world):
    anon = ApiClient()
    r = anon.post("/auth/token", {"username": "township_clerk", "password": password()})
    assert r.status_code == 200
    token = r.json()["token"]
    me = ApiClient(token).get("/me")
    assert me.status_code == 200
    assert me.json()["username"] == "township_clerk" and me.json()["division"] == NANTOU
    assert "register_person" in me.json()["permissions"]


def test_wrong_password_is_401_with_a_message(world):
    r = ApiClient().post("/auth/token", {"username": "township_clerk", "password": "wrong-password-1"})
    assert r.status_code == 401
    assert " / " in r.json()["detail"]


def test_lock_out_after_repeated_failures_is_401_even_with_the_right_password(world, settings):
    settings.LOGIN_MAX_FAILURES = 3
    anon = ApiClient()
    for _ in range(3):
        assert anon.post("/auth/token", {"username": "township_clerk", "password": "nope-nope-nope"}).status_code == 401
    r = anon.post("/auth/token", {"username": "township_clerk", "password": password()})
    assert r.status_code == 401
    assert "too many failed log-ins" in r.json()["detail"]


def test_token_request_with_missing_fields_is_422(world, unchanged):
    with unchanged():
        r = ApiClient().post("/auth/token", {"username": "township_clerk"})
    assert_field_error(r, "password")


def test_requests_without_a_token_or_with_a_bad_one_are_401(world, migrant, unchanged):
    for client in (ApiClient(), ApiClient("not-a-real-token")):
        for path in ("/persons", f"/persons/{migrant.pk}", "/divisions/440305000000", "/audit", "/housing", "/employers", "/grids", "/me"):
            r = client.get(path)
            assert r.status_code == 401, path
            assert r.json() == {"detail": "需要有效的令牌 / a valid bearer token is required"}
        with unchanged():
            assert client.post("/persons", {"name": "王芳", "hukou_division": "511921100001"}).status_code == 401


def test_a_disabled_account_loses_its_token(world, api_as):
    staff = world["township_clerk"]
    client = api_as(staff)
    staff.is_active = False
    staff.save()
    assert client.get("/me").status_code == 401


def test_roles_without_permission_get_403(world, api_as, migrant, unchanged):
    desk, auditor, cadre, clerk = (api_as(world[r]) for r in ("query_desk", "auditor", "village_cadre", "township_clerk"))
    with unchanged():
        assert desk.get("/persons").status_code == 403  # Q1-Q9: the desk answers through its own procedure
        assert desk.get(f"/persons/{migrant.pk}").status_code == 403
        assert auditor.get("/persons").status_code == 403
        assert auditor.post("/persons", {"name": "王芳", "hukou_division": "511921100001"}).status_code == 403
        # a village cadre reads, but registers nothing
        assert cadre.post(f"/persons/{migrant.pk}/residences", {"division": "440305001001", "arrived_on": "2026-01-01"}).status_code == 403
        assert cadre.post("/grids", {"village": "440305001001", "name": "第一网格"}).status_code == 403
        assert clerk.get("/audit").status_code == 403
        r = clerk.post("/staff", {"username": "x_clerk", "role": "township_clerk", "division": NANTOU, "password": "Another-good-pw-2026"})
    assert r.status_code == 403
    assert " / " in r.json()["detail"]


def test_admin_adds_staff(world, api_as):
    admin = api_as(world["admin"])
    r = admin.post("/staff", {"username": "new_clerk", "role": "township_clerk", "division": NANTOU, "password": "Another-good-pw-2026"})
    assert r.status_code == 201, r.json()
    assert r.json()["role"] == "township_clerk" and "password" not in r.json()
    assert ApiClient().post("/auth/token", {"username": "new_clerk", "password": "Another-good-pw-2026"}).status_code == 200


def test_unknown_role_is_refused_on_role(world, api_as, unchanged):
    admin = api_as(world["admin"])
    with unchanged():
        r = admin.post("/staff", {"username": "new_clerk", "role": "overlord", "division": NANTOU, "password": "Another-good-pw-2026"})
    assert_field_error(r, "role")
    assert not Staff.objects.filter(username="new_clerk").exists()


def test_unknown_role_in_the_service_itself(world):
    import pytest

    from liudong.accounts.staff import add_staff
    from liudong.errors import Invalid

    with pytest.raises(Invalid) as e:
        add_staff(actor=world["admin"], username="new_clerk", role="overlord", division_code=NANTOU, password="Another-good-pw-2026")
    assert "role" in e.value.errors
    assert not Staff.objects.filter(username="new_clerk").exists()


def test_weak_password_and_foreign_division_are_field_errors(world, api_as, unchanged):
    admin = api_as(world["admin"])  # acts for 南山区
    with unchanged():
        weak = admin.post("/staff", {"username": "new_clerk", "role": "township_clerk", "division": NANTOU, "password": "123"})
        foreign = admin.post("/staff", {"username": "new_clerk", "role": "township_clerk", "division": "440304001000", "password": "Another-good-pw-2026"})
    assert_field_error(weak, "password")
    assert_field_error(foreign, "division")


def test_openapi_document_is_valid_json_listing_the_persons_api(db):
    r = ApiClient().get("/openapi.json")
    assert r.status_code == 200
    doc = json.loads(r.content)
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/persons/{person_id}/residences", "/api/v1/residences/{residence_id}/leave",
                 "/api/v1/auth/token", "/api/v1/divisions/{code}", "/api/v1/audit", "/api/v1/housing", "/api/v1/employers", "/api/v1/grids"):
        assert path in doc["paths"], path
    persons = doc["paths"]["/api/v1/persons"]
    # typed bodies and responses, with the error shapes
    assert persons["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/PersonIn")
    assert set(persons["post"]["responses"]) >= {"201", "409", "422", "401", "403"}
    person_out = doc["components"]["schemas"]["PersonOut"]["properties"]
    assert {"id", "id_number", "name", "sex", "birth_date", "hukou_division"} <= set(person_out)
    params = {p["name"] for p in persons["get"]["parameters"]}
    assert {"name", "match", "id_number", "sex", "age_min", "age_max", "on", "division", "limit", "offset"} <= params
    assert doc["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"


def test_swagger_page_uses_our_own_static_files(db):
    # the content security policy refuses scripts from CDNs
    html = ApiClient().get("/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html
