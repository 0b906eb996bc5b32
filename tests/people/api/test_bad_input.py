"""Invariant 7: bad input gets a clear, bilingual, field-level error, changes nothing and is never
a 500. One test per kind of bad input named in issue 2, part 9."""
import json

import pytest

from liudong.identifiers import credit_check_char
from liudong.people.models import Person, Residence
from liudong.people import services
from tests.people.api.conftest import assert_field_error
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id


def person(**kw):
    return {"id_number": make_id("511921", "19920607", seq=456, female=False), "name": "王强", "hukou_division": TONGJIANG_V, **kw}


@pytest.fixture
def newcomer(clerk):
    """王强, registered but not yet living anywhere."""
    p, _ = services.register_person(actor=clerk, data=person(), today=TODAY)
    return p


# ---------------------------------------------------------------- identity

def test_wrong_id_check_digit(api, unchanged):
    good = make_id("511921", "19920607")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with unchanged():
        r = api.post("/persons", person(id_number=bad))
    assert "check digit" in assert_field_error(r, "id_number")[0]


def test_impossible_birth_date_in_the_id(api, unchanged):
    body17 = "511921" + "19990230" + "012"
    from liudong.identifiers import id_check_char

    with unchanged():
        r = api.post("/persons", person(id_number=body17 + id_check_char(body17)))
    assert "19990230" in assert_field_error(r, "id_number")[0]


def test_birth_date_in_the_id_in_the_future(api, unchanged):
    with unchanged():
        r = api.post("/persons", person(id_number=make_id("511921", "20270101")))  # TODAY is 2026-11-28
    assert "future" in assert_field_error(r, "id_number")[0]


def test_unknown_hukou_division(api, unchanged):
    with unchanged():
        r = api.post("/persons", person(hukou_division="511921999999"))
    assert "511921999999" in assert_field_error(r, "hukou_division")[0]


def test_a_51_character_name(api, unchanged):
    with unchanged():
        r = api.post("/persons", person(name="张" * 51))
    assert "50" in assert_field_error(r, "name")[0]
    assert Person.objects.count() == 0


def test_every_bad_field_is_reported_at_once(api, unchanged):
    with unchanged():
        r = api.post("/persons", {"id_number": "123", "name": "张" * 51, "hukou_division": "0", "sex": "X", "phone": "abc"})
    for field in ("id_number", "name", "hukou_division", "sex", "phone"):
        assert_field_error(r, field)


# ---------------------------------------------------------------- wrong types

def test_sex_x(api, unchanged):
    with unchanged():
        r = api.post("/persons", person(sex="X"))
    assert_field_error(r, "sex")


def test_birth_date_not_a_date(api, unchanged):
    with unchanged():
        r = api.post("/persons", person(birth_date="not-a-date"))
    assert_field_error(r, "birth_date")


@pytest.mark.parametrize("field,value", [("name", 5), ("name", ["王强"]), ("hukou_division", {"code": TONGJIANG_V}), ("sex", True), ("phone", 13800138000)])
def test_a_json_value_of_the_wrong_type(api, unchanged, field, value):
    with unchanged():
        r = api.post("/persons", person(**{field: value}))
    assert_field_error(r, field)


def test_missing_required_fields(api, unchanged):
    with unchanged():
        r = api.post("/persons", {"id_number": make_id("511921", "19920607")})
    assert assert_field_error(r, "name") == ["必填 / required"]
    assert_field_error(r, "hukou_division")


@pytest.mark.parametrize("params,field", [
    ({"age_min": "abc"}, "age_min"), ({"age_max": "1.5"}, "age_max"), ({"age_min": "200"}, "age_min"),
    ({"age_min": "40", "age_max": "30"}, "age_max"), ({"on": "not-a-date"}, "on"), ({"on": "2026-02-30"}, "on"),
    ({"on": "2027-01-01"}, "on"), ({"on": "0001-01-01", "age_max": "5"}, "on"), ({"sex": "X"}, "sex"), ({"match": "fuzzy"}, "match"),
    ({"limit": "0"}, "limit"), ({"limit": "1000"}, "limit"), ({"offset": "-1"}, "offset"), ({"offset": "99999999999999999999"}, "offset"),
    ({"division": "999999999999"}, "division"), ({"division": "440304000000"}, "division"), ({"name": "张" * 51}, "name"),
    ({"name": "张伟\x00"}, "name"), ({"name": "<script>"}, "name"), ({"birth_date": "1999-13-01"}, "birth_date"),
])
def test_bad_query_parameters(api, migrant, unchanged, params, field):
    with unchanged():
        r = api.get("/persons", params)
    assert_field_error(r, field)


# ---------------------------------------------------------------- residence history (R2)

def test_arrival_before_birth(api, newcomer, unchanged):
    with unchanged():
        r = api.post(f"/persons/{newcomer.pk}/residences", {"division": NANTOU_V1, "arrived_on": "1990-01-01"})
    assert "birth" in assert_field_error(r, "arrived_on")[0]


def test_arrival_in_the_future(api, newcomer, unchanged):
    with unchanged():
        r = api.post(f"/persons/{newcomer.pk}/residences", {"division": NANTOU_V1, "arrived_on": "2026-11-29"})
    assert "future" in assert_field_error(r, "arrived_on")[0]


def test_arrival_not_a_date(api, newcomer, unchanged):
    with unchanged():
        r = api.post(f"/persons/{newcomer.pk}/residences", {"division": NANTOU_V1, "arrived_on": "2026-02-30"})
    assert_field_error(r, "arrived_on")


def test_arrival_in_an_unknown_division(api, newcomer, unchanged):
    with unchanged():
        r = api.post(f"/persons/{newcomer.pk}/residences", {"division": "440305009999", "arrived_on": "2026-01-01"})
    assert_field_error(r, "division")


def test_departure_before_arrival(api, migrant, unchanged):
    res = migrant.residences.get()
    with unchanged():
        r = api.post(f"/residences/{res.pk}/leave", {"left_on": "2025-02-28"})  # arrived 2025-03-01
    assert "before the arrival" in assert_field_error(r, "left_on")[0]


def test_departure_in_the_future_or_twice(api, migrant, unchanged):
    res = migrant.residences.get()
    with unchanged():
        r = api.post(f"/residences/{res.pk}/leave", {"left_on": "2026-12-01"})
    assert_field_error(r, "left_on")
    assert api.post(f"/residences/{res.pk}/leave", {"left_on": "2026-06-01"}).status_code == 200
    with unchanged():
        r = api.post(f"/residences/{res.pk}/leave", {"left_on": "2026-07-01"})
    assert "already ended" in assert_field_error(r, "left_on")[0]


def test_arrival_while_a_residence_is_open(api, migrant, unchanged):
    with unchanged():
        r = api.post(f"/persons/{migrant.pk}/residences", {"division": "440305002001", "arrived_on": "2026-01-01"})
    assert "move" in assert_field_error(r, "arrived_on")[0]


def test_arrival_inside_a_closed_past_period(api, migrant, unchanged):
    res = migrant.residences.get()
    assert api.post(f"/residences/{res.pk}/leave", {"left_on": "2026-01-31"}).status_code == 200  # lived there 2025-03-01 .. 2026-01-31
    with unchanged():
        r = api.post(f"/persons/{migrant.pk}/residences", {"division": "440305002001", "arrived_on": "2025-06-01"})
    assert "overlaps" in assert_field_error(r, "arrived_on")[0]
    assert Residence.objects.filter(person=migrant).count() == 1


def test_move_to_a_date_before_the_current_residence(api, migrant, unchanged):
    with unchanged():
        r = api.post(f"/persons/{migrant.pk}/moves", {"division": "440305002001", "arrived_on": "2025-01-01"})
    assert_field_error(r, "arrived_on")


# ---------------------------------------------------------------- malformed and oversized bodies

@pytest.mark.parametrize("raw", ['{"name": "王强",', "not json", '{"name": "\\ud800", "hukou_division": "x"}', "[1, 2]", "null", "\"text\"", "\xff\xfe"])
def test_malformed_json_body(api, unchanged, raw):
    # decided: every bad body is 422 {"errors": {"body" or the field: [...]}}, never ninja's 400 {"detail"}
    with unchanged():
        r = api.post("/persons", raw=raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert "body" in errors or "name" in errors, errors
    assert_field_error(r, next(iter(errors)))


def test_empty_body(api, unchanged):
    with unchanged():
        r = api.post("/persons", raw="")
    assert_field_error(r, "body")


def test_a_name_over_the_request_limit_is_413_not_500(api, unchanged, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # about 28 MiB: liudong.limits
    big = json.dumps(person(name="张" * (limit // 3 + 1)), ensure_ascii=False).encode()
    assert len(big) > limit
    with unchanged():
        r = api.post("/persons", raw=big)
    assert r.status_code == 413
    assert "too large" in assert_field_error(r, "body", status=413)[0]


def test_a_body_just_under_the_limit_is_a_field_error(api, unchanged):
    with unchanged():
        r = api.post("/persons", person(name="张" * 300_000))  # 1.8 MB as JSON escapes
    assert_field_error(r, "name")


# ---------------------------------------------------------------- housing, employers, grids

def test_invalid_credit_code_check_character(api, unchanged):
    first17 = "91440300MA5DC0XX0"
    wrong = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != credit_check_char(first17))
    with unchanged():
        r = api.post("/employers", {"division": NANTOU_V1, "name": "南头电子厂", "credit_code": first17 + wrong})
    assert "check character" in assert_field_error(r, "credit_code")[0]


def test_credit_code_with_non_ascii_digits(api, unchanged):
    with unchanged():
        r = api.post("/employers", {"division": NANTOU_V1, "name": "南头电子厂", "credit_code": "91٤٤٠٣00MA5DC0XX0H"})
    assert_field_error(r, "credit_code")


def test_housing_owner_that_does_not_exist(api, unchanged):
    with unchanged():
        r = api.post("/housing", {"division": NANTOU_V1, "address": "红花园2栋", "owner_id": 999999})
    assert_field_error(r, "owner_id")
    with unchanged():
        r = api.post("/housing", {"division": NANTOU_V1, "address": "红花园2栋", "owner_id": "abc"})
    assert_field_error(r, "owner_id")


def test_housing_outside_the_scope_and_bad_rooms(api_as, world, migrant, unchanged):
    futian = api_as(world["futian_clerk"])
    with unchanged():
        r = futian.post("/housing", {"division": NANTOU_V1, "address": "红花园2栋", "owner_id": migrant.pk, "rooms": 0})
    assert_field_error(r, "division")
    assert_field_error(r, "rooms")


def test_grid_in_a_village_outside_the_scope(api_as, world, unchanged):
    futian = api_as(world["futian_clerk"])
    with unchanged():
        r = futian.post("/grids", {"village": NANTOU_V1, "name": "第一网格"})
    assert_field_error(r, "village")


# ---------------------------------------------------------------- identifiers in paths

@pytest.mark.parametrize("path", ["/persons/abc", "/persons/99999999999999999999999", "/housing/1.5", "/employers/-1", "/divisions/%00", "/divisions/abc"])
def test_bad_ids_in_paths_are_404_or_422(api, path):
    r = api.get(path)
    assert r.status_code in (404, 422), (path, r.status_code)
    assert r.headers["Content-Type"].startswith("application/json")
