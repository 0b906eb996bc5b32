"""Residence history through the API (R2: arrivals, departures, moves, returns are events)."""
from liudong.people.models import Residence
from tests.people.api.conftest import assert_field_error
from tests.conftest import NANTOU_V1, NANTOU_V2, SHEKOU_V1, TONGJIANG_V, make_id


def test_leave_closes_the_residence(api, migrant):
    res = migrant.residences.get()
    r = api.post(f"/residences/{res.pk}/leave", {"left_on": "2026-10-01"})
    assert r.status_code == 200
    assert r.json()["left_on"] == "2026-10-01" and r.json()["end_kind"] == "departure"
    migrant.refresh_from_db()
    assert migrant.residence_division_id is None
    assert Residence.objects.filter(person=migrant).count() == 1  # closed, never deleted


def test_arrival_after_leaving(api, api_as, world, migrant):
    res = migrant.residences.get()
    api.post(f"/residences/{res.pk}/leave", {"left_on": "2026-01-31"})
    # A place she lived in records her arrival (J2); another place claims her (tests/exchange/test_claims.py).
    r = api.post(f"/persons/{migrant.pk}/residences", {"division": NANTOU_V2, "address": "大汪山3号", "arrived_on": "2026-01-31", "reason": "work"})
    assert r.status_code == 201, r.json()
    assert r.json()["division"] == NANTOU_V2 and r.json()["kind"] == "arrival" and r.json()["floating"] is True
    history = api.get(f"/persons/{migrant.pk}").json()["residences"]
    assert [(h["division"], h["arrived_on"], h["left_on"]) for h in history] == [(NANTOU_V1, "2025-03-01", "2026-01-31"), (NANTOU_V2, "2026-01-31", None)]


def test_move_closes_the_open_residence_the_same_day(api_as, world, migrant):
    r = api_as(world["township_clerk"]).post(f"/persons/{migrant.pk}/moves", {"division": NANTOU_V2, "arrived_on": "2026-06-01"})
    assert r.status_code == 201, r.json()
    assert r.json()["kind"] == "move"
    old = migrant.residences.get(division_id=NANTOU_V1)
    assert old.left_on.isoformat() == "2026-06-01" and old.end_kind == "move"
    migrant.refresh_from_db()
    assert migrant.residence_division_id == NANTOU_V2


def test_return_to_the_hukou_place(api_as, world, migrant):
    # She left 南头 (recorded there); the hukou side records her return (J2).
    api_as(world["township_clerk"]).post(f"/residences/{migrant.residences.get().pk}/leave", {"left_on": "2026-08-31"})
    hukou_side = api_as(world["tongjiang_clerk"])
    r = hukou_side.post(f"/persons/{migrant.pk}/returns", {"arrived_on": "2026-09-01"})
    assert r.status_code == 201, r.json()
    assert r.json()["division"] == TONGJIANG_V and r.json()["kind"] == "return" and r.json()["floating"] is False
    migrant.refresh_from_db()
    assert migrant.floating is False


def test_arrival_with_rental_home_and_employer(api, migrant):
    housing = api.post("/housing", {"division": NANTOU_V1, "address": "红花园2栋", "owner_id": migrant.pk}).json()
    employer = api.post("/employers", {"division": NANTOU_V1, "name": "南头电子厂"}).json()
    newcomer = api.post("/persons", {"id_number": make_id("511921", "19920607", seq=457, female=False), "name": "王强", "hukou_division": TONGJIANG_V})
    pid = newcomer.json()["id"]
    r = api.post(f"/persons/{pid}/residences", {"division": NANTOU_V1, "arrived_on": "2026-03-01", "housing_id": housing["id"], "employer_id": employer["id"]})
    assert r.status_code == 201, r.json()
    assert r.json()["housing_id"] == housing["id"] and r.json()["employer_id"] == employer["id"]


def test_rental_home_that_does_not_exist(api, migrant, unchanged):
    res = migrant.residences.get()
    api.post(f"/residences/{res.pk}/leave", {"left_on": "2026-01-31"})
    with unchanged():
        r = api.post(f"/persons/{migrant.pk}/residences", {"division": NANTOU_V1, "arrived_on": "2026-02-01", "housing_id": 99999, "employer_id": 99999})
    assert_field_error(r, "housing_id")
    assert_field_error(r, "employer_id")


def test_residence_outside_both_scopes_is_refused(api_as, world, migrant):
    futian = api_as(world["futian_clerk"])
    res = migrant.residences.get()
    r = futian.post(f"/residences/{res.pk}/leave", {"left_on": "2026-01-31"})
    assert r.status_code == 404 and Residence.objects.get(pk=res.pk).left_on is None  # only the probe is logged (hole 1)
    r = futian.post(f"/persons/{migrant.pk}/moves", {"division": SHEKOU_V1, "arrived_on": "2026-06-01"})
    assert r.status_code == 404  # hole 2: scope before the body (the probe is logged)


def test_unknown_person_or_residence_is_404(api):
    assert api.post("/persons/999999/residences", {"division": NANTOU_V1, "arrived_on": "2026-01-01"}).status_code == 404
    assert api.post("/residences/999999/leave", {"left_on": "2026-01-01"}).status_code == 404
