"""Registering and opening persons through the API (R1, R8; invariants 2 and 3)."""
from liudong.accounts.models import AuditEvent
from liudong.people.models import Person
from tests.people.api.conftest import assert_field_error
from tests.conftest import NANTOU_V1, TONGJIANG_V, make_id

LI_NA = make_id("511921", "19990315")


def body(**kw):
    return {"id_number": make_id("511921", "19920607", seq=456, female=False), "name": "王强", "hukou_division": TONGJIANG_V, **kw}


def test_register_a_person_gives_201_and_the_person(api):
    r = api.post("/persons", body(phone="13800138000", hukou_address="通江县诺江镇1号", ethnicity="01"))
    assert r.status_code == 201, r.json()
    p = r.json()
    person = Person.objects.get()
    assert p["id"] == person.pk
    assert p["sex"] == "M" and p["birth_date"] == "1992-06-07"  # derived from the ID number
    assert p["name"] == "王强" and p["name_pinyin"] == "wang qiang"
    assert p["hukou_division"] == TONGJIANG_V and p["phone"] == "13800138000"
    assert AuditEvent.objects.filter(action="person.create", person_id=person.pk).count() == 1


def test_sex_and_birth_date_may_be_given_when_they_agree_with_the_id(api):
    r = api.post("/persons", body(sex="M", birth_date="1992-06-07"))
    assert r.status_code == 201


def test_an_id_number_registered_already_is_409_with_the_existing_id(api, migrant):
    r = api.post("/persons", {"id_number": LI_NA, "name": "李娜", "hukou_division": TONGJIANG_V})
    assert r.status_code == 409
    assert r.json()["id"] == migrant.pk
    assert Person.objects.count() == 1  # R8: one record per person


def test_lower_case_x_in_the_id_is_the_same_person(api):
    # find an ID whose check character is X
    seq = next(s for s in range(0, 999, 2) if make_id("511921", "19900101", seq=s).endswith("X"))
    number = make_id("511921", "19900101", seq=seq)
    assert api.post("/persons", body(id_number=number.lower())).status_code == 201
    r = api.post("/persons", body(id_number=number))
    assert r.status_code == 409


def test_get_person_has_residences_and_is_logged(api, api_as, world, migrant):
    r = api.get(f"/persons/{migrant.pk}")
    assert r.status_code == 200
    p = r.json()
    assert p["id"] == migrant.pk and p["name"] == "李娜"
    assert p["residence_division"] == NANTOU_V1 and p["floating"] is True
    [res] = p["residences"]
    assert res["division"] == NANTOU_V1 and res["arrived_on"] == "2025-03-01" and res["left_on"] is None and res["kind"] == "arrival"
    # invariant 3: the opening is an audit event the auditor can read
    event = AuditEvent.objects.filter(action="person.view", person_id=migrant.pk).get()
    assert event.actor_name == "township_clerk"
    a = api_as(world["auditor"]).get("/audit", {"person": migrant.pk})
    assert a.status_code == 200
    rows = a.json()["results"]
    assert {"at", "actor", "action", "object"} <= set(rows[0])
    views = [e for e in rows if e["action"] == "person.view"]
    assert views and views[0]["actor"] == "township_clerk" and views[0]["object"] == f"person:{migrant.pk}"
    assert all(e["person"] == migrant.pk for e in rows)


def test_audit_filters_by_action_and_actor(api, api_as, world, migrant):
    api.get(f"/persons/{migrant.pk}")
    auditor = api_as(world["auditor"])
    r = auditor.get("/audit", {"action": "person.view", "actor": "township_clerk"})
    assert r.status_code == 200 and r.json()["count"] == 1
    assert_field_error(auditor.get("/audit", {"person": "abc"}), "person")


def test_auditor_sees_who_opened_her_people_from_elsewhere(api_as, world, migrant):
    # the hukou township (通江) opens the record of its outflow person; 南山's auditor sees it
    assert api_as(world["tongjiang_clerk"]).get(f"/persons/{migrant.pk}").status_code == 200
    rows = api_as(world["auditor"]).get("/audit", {"person": migrant.pk, "action": "person.view"}).json()["results"]
    assert [e["actor"] for e in rows] == ["tongjiang_clerk"]


def test_outside_the_scope_is_404(api_as, world, migrant):
    futian = api_as(world["futian_clerk"])
    r = futian.get(f"/persons/{migrant.pk}")
    assert r.status_code == 404
    assert r.json()["detail"] == api_as(world["futian_clerk"]).get("/persons/99999999").json()["detail"]  # absent and not yours look alike
    assert not AuditEvent.objects.filter(action="person.view").exists()
    assert futian.patch(f"/persons/{migrant.pk}", {"name": "李丽"}).status_code == 404


def test_hukou_side_sees_its_outflow_person(api_as, world, migrant):
    assert api_as(world["tongjiang_clerk"]).get(f"/persons/{migrant.pk}").status_code == 200


def test_police_see_no_phone_or_family(api, api_as, world):
    pid = api.post("/persons", body(phone="13800138000")).json()["id"]
    police = api_as(world["police_officer"])
    r = police.post("/persons", body(id_number=make_id("511921", "19800101", seq=2), name="赵敏", phone="13900139000"))
    assert r.status_code == 201 and "phone" not in r.json()
    api.post(f"/persons/{pid}/residences", {"division": NANTOU_V1, "arrived_on": "2026-01-01"})
    p = police.get(f"/persons/{pid}").json()
    assert "phone" not in p and "family" not in p
    listed = police.get("/persons").json()["results"]
    assert listed and all("phone" not in row for row in listed)
    clerk_view = api.get(f"/persons/{pid}").json()
    assert clerk_view["phone"] == "13800138000" and clerk_view["family"] == []


def test_patch_corrects_descriptive_fields(api, migrant):
    r = api.patch(f"/persons/{migrant.pk}", {"name": "李丽", "phone": "13800138000"})
    assert r.status_code == 200, r.json()
    assert r.json()["name"] == "李丽" and r.json()["name_pinyin"] == "li li"
    migrant.refresh_from_db()
    assert migrant.name == "李丽"


def test_patch_with_bad_values_changes_nothing(api, migrant, unchanged):
    with unchanged():
        r = api.patch(f"/persons/{migrant.pk}", {"name": "李" * 51, "phone": "12345"})
    assert_field_error(r, "name")
    assert_field_error(r, "phone")


def test_family_link(api, migrant):
    child = api.post("/persons", body(id_number=make_id("511921", "20200101", seq=8), name="李小花")).json()
    r = api.post(f"/persons/{migrant.pk}/family", {"relative_id": child["id"], "relation": "child"})
    assert r.status_code == 201
    family = api.get(f"/persons/{migrant.pk}").json()["family"]
    assert family == [{"relation": "child", "person_id": child["id"], "name": "李小花", "parent_unable_to_care": False}]
    r = api.post(f"/persons/{migrant.pk}/family", {"relative_id": child["id"], "relation": "cousin"})
    assert_field_error(r, "relation")


def test_auditor_sees_what_was_done_but_not_the_persons_data(api, api_as, world, migrant):
    """Invariant 2: the audit log tells an auditor who created, opened and changed which record and
    which fields, while names, ID numbers and old/new values stay withheld."""
    api.get(f"/persons/{migrant.pk}")
    api.patch(f"/persons/{migrant.pk}", {"phone": "13800138000"})
    body = api_as(world["auditor"]).get("/audit", {"person": migrant.pk}).content.decode()
    assert migrant.id_number not in body and "李娜" not in body and "13800138000" not in body
    rows = {e["action"]: e["fields"] for e in api_as(world["auditor"]).get("/audit", {"person": migrant.pk}).json()["results"]}
    assert "phone" in rows["person.update"] and rows["person.update"]["phone"] == "（已隐去 / withheld）"
    assert "id_number" in rows["person.view"]["shown"]
