"""R4 and J1 through the API: PATCH and close rental homes and employers, PATCH grids. The error
shapes are the API's own: 422 {"errors": {field: [...]}}, 403, 404; a refusal writes nothing."""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.divisions.models import Grid
from liudong.identifiers import credit_check_char
from liudong.people.models import Employer, RentalHousing
from tests.people.api.conftest import assert_field_error
from tests.conftest import NANTOU_V1, TONGJIANG_V, make_id

CREDIT = "91440300MA5DC0XX0" + credit_check_char("91440300MA5DC0XX0")
CREDIT2 = "91440300MA5FGHJK2" + credit_check_char("91440300MA5FGHJK2")


@pytest.fixture
def housing(api, migrant):
    r = api.post("/housing", {"division": NANTOU_V1, "address": "红花园2栋", "owner_id": migrant.pk, "registered_on": "2025-01-01"})
    assert r.status_code == 201, r.json()
    return r.json()


@pytest.fixture
def employer(api):
    r = api.post("/employers", {"division": NANTOU_V1, "name": "南头电子厂", "credit_code": CREDIT, "registered_on": "2025-01-01"})
    assert r.status_code == 201, r.json()
    return r.json()


def newcomer(api, seq=457):
    r = api.post("/persons", {"id_number": make_id("511921", "19920607", seq=seq, female=False), "name": "王强", "hukou_division": TONGJIANG_V})
    return r.json()


def rows(model):
    return list(model.objects.order_by("id").values())


# ---------------------------------------------------------------- housing

def test_patch_housing(api, housing):
    owner = newcomer(api)
    r = api.patch(f"/housing/{housing['id']}", {"address": "红花园2栋B", "owner_id": owner["id"], "use": "shop", "business_category": "餐饮", "rooms": 4})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["address"], body["owner_id"], body["owner_name"], body["use"], body["business_category"], body["rooms"]) == ("红花园2栋B", owner["id"], "王强", "shop", "餐饮", 4)
    event = AuditEvent.objects.get(action="housing.update")
    assert event.fields["owner_id"] == [housing["owner_id"], owner["id"]] and event.fields["rooms"] == [1, 4]
    # Only the fields sent change.
    r = api.patch(f"/housing/{housing['id']}", {"rooms": 2})
    assert r.json()["rooms"] == 2 and r.json()["address"] == "红花园2栋B"


@pytest.mark.parametrize("body, field", [
    ({"owner_id": 999999}, "owner_id"),
    ({"owner_id": None}, "owner_id"),
    ({"rooms": 0}, "rooms"),
    ({"rooms": None}, "rooms"),
    ({"use": "castle"}, "use"),
    ({"address": ""}, "address"),
    ({"rooms": "many"}, "rooms"),
])
def test_patch_housing_bad_input(api, housing, unchanged, body, field):
    with unchanged():
        before = rows(RentalHousing)
        assert_field_error(api.patch(f"/housing/{housing['id']}", body), field)
        assert rows(RentalHousing) == before


def test_close_housing_and_the_list_filter(api, housing, unchanged):
    with unchanged():
        assert_field_error(api.post(f"/housing/{housing['id']}/close", {"closed_on": "2024-12-31"}), "closed_on")  # before registered
        assert_field_error(api.post(f"/housing/{housing['id']}/close", {"closed_on": "2026-11-29"}), "closed_on")  # the future
        assert_field_error(api.post(f"/housing/{housing['id']}/close", {"closed_on": "2026-02-30"}), "closed_on")
        assert_field_error(api.post(f"/housing/{housing['id']}/close", {}), "closed_on")
    r = api.post(f"/housing/{housing['id']}/close", {"closed_on": "2026-11-01"})
    assert r.status_code == 200 and r.json()["closed_on"] == "2026-11-01"
    assert AuditEvent.objects.get(action="housing.close").fields == {"closed_on": [None, "2026-11-01"]}
    with unchanged():
        errors = assert_field_error(api.post(f"/housing/{housing['id']}/close", {"closed_on": "2026-11-20"}), "closed_on")
        assert any("already" in m for m in errors)
    assert api.get("/housing").json()["count"] == 0
    assert api.get("/housing", {"include_closed": "true"}).json()["count"] == 1


def test_no_arrival_into_a_closed_home(api, housing, unchanged):
    api.post(f"/housing/{housing['id']}/close", {"closed_on": "2026-11-01"})
    person = newcomer(api)
    with unchanged():
        r = api.post(f"/persons/{person['id']}/residences", {"division": NANTOU_V1, "arrived_on": "2026-11-20", "housing_id": housing["id"]})
        assert_field_error(r, "housing_id")


def test_a_home_with_a_tenant_is_not_closed(api, housing, unchanged):
    person = newcomer(api)
    assert api.post(f"/persons/{person['id']}/residences", {"division": NANTOU_V1, "arrived_on": "2026-03-01", "housing_id": housing["id"]}).status_code == 201
    with unchanged():
        assert_field_error(api.post(f"/housing/{housing['id']}/close", {"closed_on": "2026-11-01"}), "closed_on")


def test_housing_scope_and_role(api_as, world, housing, unchanged):
    hid = housing["id"]
    futian, head, clerk, anonymous = api_as(world["futian_clerk"]), api_as(world["township_head"]), api_as(world["township_clerk"]), api_as(None)
    with unchanged():  # tokens are issued (and audited) before
        assert futian.patch(f"/housing/{hid}", {"rooms": 3}).status_code == 404
        assert futian.post(f"/housing/{hid}/close", {"closed_on": "2026-11-01"}).status_code == 404
        r = head.patch(f"/housing/{hid}", {"rooms": 3})
        assert r.status_code == 403 and set(r.json()) == {"detail"}
        assert head.post(f"/housing/{hid}/close", {"closed_on": "2026-11-01"}).status_code == 403
        assert clerk.patch(f"/housing/{hid + 1000}", {"rooms": 3}).status_code == 404
        assert clerk.patch("/housing/99999999999999999999999", {"rooms": 3}).status_code in (404, 422)
        assert anonymous.patch(f"/housing/{hid}", {"rooms": 3}).status_code == 401


# ---------------------------------------------------------------- employers

def test_patch_and_close_employer(api, employer, unchanged):
    eid = employer["id"]
    r = api.patch(f"/employers/{eid}", {"name": "南头电子有限公司", "credit_code": CREDIT2.lower(), "contact_name": "刘经理"})
    assert r.status_code == 200, r.json()
    assert (r.json()["name"], r.json()["credit_code"], r.json()["contact_name"]) == ("南头电子有限公司", CREDIT2, "刘经理")
    assert AuditEvent.objects.get(action="employer.update").fields["credit_code"] == [CREDIT, CREDIT2]
    other = api.post("/employers", {"division": NANTOU_V1, "name": "南头五金厂", "credit_code": CREDIT}).json()
    with unchanged():
        before = rows(Employer)
        errors = assert_field_error(api.patch(f"/employers/{other['id']}", {"credit_code": CREDIT2}), "credit_code")
        assert any("registered already" in m for m in errors)
        assert_field_error(api.patch(f"/employers/{eid}", {"credit_code": CREDIT2[:17] + ("0" if CREDIT2[17] != "0" else "1")}), "credit_code")
        assert_field_error(api.patch(f"/employers/{eid}", {"name": None}), "name")
        assert_field_error(api.post(f"/employers/{eid}/close", {"closed_on": "2024-12-31"}), "closed_on")
        assert_field_error(api.post(f"/employers/{eid}/close", {"closed_on": "2030-01-01"}), "closed_on")
        assert rows(Employer) == before
    assert api.patch(f"/employers/{other['id']}", {"credit_code": None}).json()["credit_code"] is None
    r = api.post(f"/employers/{eid}/close", {"closed_on": "2026-11-28"})
    assert r.status_code == 200 and r.json()["closed_on"] == "2026-11-28"
    assert AuditEvent.objects.filter(action="employer.close").count() == 1
    assert_field_error(api.post(f"/employers/{eid}/close", {"closed_on": "2026-11-28"}), "closed_on")
    person = newcomer(api)
    with unchanged():
        assert_field_error(api.post(f"/persons/{person['id']}/residences", {"division": NANTOU_V1, "arrived_on": "2026-11-28", "employer_id": eid}), "employer_id")


def test_employer_scope_and_role(api_as, world, employer, unchanged):
    eid = employer["id"]
    futian, head = api_as(world["futian_clerk"]), api_as(world["township_head"])
    with unchanged():
        assert futian.patch(f"/employers/{eid}", {"name": "外"}).status_code == 404
        assert futian.post(f"/employers/{eid}/close", {"closed_on": "2026-11-01"}).status_code == 404
        assert head.patch(f"/employers/{eid}", {"name": "外"}).status_code == 403
        assert head.post(f"/employers/{eid}/close", {"closed_on": "2026-11-01"}).status_code == 403


# ---------------------------------------------------------------- grids

def test_patch_grid(api, api_as, world, unchanged):
    grid = api.post("/grids", {"village": NANTOU_V1, "name": "第一网格"}).json()
    api.post("/grids", {"village": NANTOU_V1, "name": "第二网格"})
    collector = world["village_collector"]
    futian, as_collector = api_as(world["futian_clerk"]), api_as(collector)
    r = api.patch(f"/grids/{grid['id']}", {"name": "红花园一格", "collector_id": collector.pk})
    assert r.status_code == 200, r.json()
    assert r.json()["name"] == "红花园一格" and r.json()["collector"] == "village_collector"
    assert AuditEvent.objects.get(action="grid.update").fields == {"name": ["第一网格", "红花园一格"], "collector_id": [None, collector.pk]}
    with unchanged():
        before = list(Grid.objects.order_by("id").values())
        assert_field_error(api.patch(f"/grids/{grid['id']}", {"name": "第二网格"}), "name")
        assert_field_error(api.patch(f"/grids/{grid['id']}", {"name": None}), "name")
        assert_field_error(api.patch(f"/grids/{grid['id']}", {"collector_id": world["shekou_clerk"].pk}), "collector_id")
        assert futian.patch(f"/grids/{grid['id']}", {"name": "外"}).status_code == 404
        assert as_collector.patch(f"/grids/{grid['id']}", {"name": "外"}).status_code == 403
        assert api.patch(f"/grids/{grid['id'] + 1000}", {"name": "外"}).status_code == 404
        assert list(Grid.objects.order_by("id").values()) == before
    r = api.patch(f"/grids/{grid['id']}", {"collector_id": None})
    assert r.status_code == 200 and r.json()["collector_id"] is None and r.json()["name"] == "红花园一格"


def test_the_openapi_document_lists_the_new_operations(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert "patch" in paths["/api/v1/housing/{housing_id}"] and "post" in paths["/api/v1/housing/{housing_id}/close"]
    assert "patch" in paths["/api/v1/employers/{employer_id}"] and "post" in paths["/api/v1/employers/{employer_id}/close"]
    assert "patch" in paths["/api/v1/grids/{grid_id}"]


def test_random_patch_and_close_bodies_never_give_a_500(api, housing, employer):
    from hypothesis import given
    from hypothesis import strategies as st

    from tests.people.api.test_fuzz import FUZZ, _check, json_values

    grid = api.post("/grids", {"village": NANTOU_V1, "name": "第一网格"}).json()
    numbers = st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False, allow_infinity=False)
    fields = {
        "address": st.text(max_size=210), "owner_id": numbers, "use": st.sampled_from(["shop", "castle", ""]), "rooms": numbers,
        "business_category": st.text(max_size=110), "name": st.text(max_size=210), "credit_code": st.sampled_from([CREDIT, CREDIT2, "", "X" * 18]) | st.text(max_size=20),
        "contact_phone": st.text(max_size=25), "collector_id": numbers, "closed_on": st.sampled_from(["2026-11-01", "2024-01-01", "2099-01-01", "2026-02-30", ""]) | st.text(max_size=12),
    }
    paths = [("patch", f"/housing/{housing['id']}"), ("post", f"/housing/{housing['id']}/close"), ("patch", f"/employers/{employer['id']}"),
             ("post", f"/employers/{employer['id']}/close"), ("patch", f"/grids/{grid['id']}")]

    @FUZZ
    @given(body=st.fixed_dictionaries({}, optional={k: v | json_values for k, v in fields.items()}), target=st.sampled_from(paths))
    def run(body, target):
        method, path = target
        _check(getattr(api, method)(path, body))

    run()
