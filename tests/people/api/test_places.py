"""Divisions, grids, rental housing and employers through the API (J1, R4)."""
from liudong.accounts.models import AuditEvent
from liudong.identifiers import credit_check_char
from liudong.people.models import Employer, RentalHousing
from tests.people.api.conftest import assert_field_error
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, SHEKOU, TODAY, TONGJIANG_V, make_id

CREDIT17 = "91440300MA5DC0XX0"
CREDIT = CREDIT17 + credit_check_char(CREDIT17)


def test_division_and_children(api):
    r = api.get(f"/divisions/{NANTOU}")
    assert r.status_code == 200
    assert r.json() == {"code": NANTOU, "name": "南头街道", "level": 4, "parent": NANSHAN}
    kids = api.get(f"/divisions/{NANSHAN}/children").json()
    assert {NANTOU, SHEKOU} <= {d["code"] for d in kids}
    assert all(d["parent"] == NANSHAN and d["level"] == 4 for d in kids)
    assert api.get("/divisions/440305999000").status_code == 404
    assert api.get("/divisions/440305999000/children").status_code == 404


def test_grids(api, api_as, world):
    r = api.post("/grids", {"village": NANTOU_V1, "name": "第一网格", "collector_id": world["village_collector"].pk})
    assert r.status_code == 201, r.json()
    assert r.json()["collector"] == "village_collector" and r.json()["village"] == NANTOU_V1
    assert api.get("/grids").json()["count"] == 1
    assert api_as(world["county_officer"]).get("/grids").json()["count"] == 1
    assert api_as(world["futian_clerk"]).get("/grids").json() == {"count": 0, "results": []}
    assert api_as(world["auditor"]).get("/grids").status_code == 403
    dup = api.post("/grids", {"village": NANTOU_V1, "name": "第一网格"})
    assert_field_error(dup, "name")
    township = api.post("/grids", {"village": NANTOU, "name": "第二网格"})
    assert_field_error(township, "village")


def test_housing_register_list_and_tenants(api, api_as, world, migrant):
    r = api.post("/housing", {"division": NANTOU_V1, "address": "红花园2栋", "owner_id": migrant.pk, "use": "residential", "rooms": 6})
    assert r.status_code == 201, r.json()
    h = r.json()
    assert h["owner_name"] == "李娜" and h["rooms"] == 6 and h["registered_on"] == TODAY.isoformat()
    newcomer = api.post("/persons", {"id_number": make_id("511921", "19920607", seq=457, female=False), "name": "王强", "hukou_division": TONGJIANG_V}).json()
    api.post(f"/persons/{newcomer['id']}/residences", {"division": NANTOU_V1, "arrived_on": "2026-03-01", "housing_id": h["id"]})
    detail = api.get(f"/housing/{h['id']}")
    assert detail.status_code == 200
    assert [t["name"] for t in detail.json()["tenants"]] == ["王强"]
    assert api.get(f"/housing/{h['id']}", {"on": "2026-02-01"}).json()["tenants"] == []
    assert AuditEvent.objects.filter(action="housing.view").count() == 2
    page = api.get("/housing")
    assert page.json()["count"] == 1 and page.json()["results"][0]["address"] == "红花园2栋"
    assert api.get("/housing", {"q": "红花园"}).json()["count"] == 1
    assert api.get("/housing", {"division": NANTOU_V2}).json()["count"] == 0
    assert_field_error(api.get("/housing", {"division": "440304001000"}), "division")
    futian = api_as(world["futian_clerk"])
    assert futian.get("/housing").json()["count"] == 0
    assert futian.get(f"/housing/{h['id']}").status_code == 404
    assert api_as(world["auditor"]).get("/housing").status_code == 403


def test_employers_register_list_and_employees(api, api_as, world, migrant):
    r = api.post("/employers", {"division": NANTOU_V1, "name": "南头电子厂", "credit_code": CREDIT.lower(), "contact_phone": "0755-26661234"})
    assert r.status_code == 201, r.json()
    e = r.json()
    assert e["credit_code"] == CREDIT
    dup = api.post("/employers", {"division": NANTOU_V1, "name": "另一家", "credit_code": CREDIT})
    assert_field_error(dup, "credit_code")
    assert Employer.objects.count() == 1
    assert api.get("/employers").json()["count"] == 1
    assert api.get(f"/employers/{e['id']}").json()["employees"] == []
    assert api_as(world["futian_clerk"]).get(f"/employers/{e['id']}").status_code == 404


def test_police_may_register_housing(api_as, world, migrant):
    r = api_as(world["police_officer"]).post("/housing", {"division": NANTOU_V1, "address": "大汪山5号", "owner_id": migrant.pk})
    assert r.status_code == 201
    assert RentalHousing.objects.count() == 1
    cadre = api_as(world["village_cadre"])
    assert cadre.post("/housing", {"division": NANTOU_V1, "address": "大汪山6号", "owner_id": migrant.pk}).status_code == 403
