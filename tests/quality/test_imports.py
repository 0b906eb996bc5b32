"""Issue 15 part 4: imports from other systems - saved column mappings (a mapping naming a missing
column is a field error, nothing written), matching of each row (R8: the document first, then
same-sound name + birth date + sex + hukou county: uncertain rows held for a clerk, never a twin),
the same checks as the one-record services (R4: a closed rental home takes no tenant), and the
import batch rolled back whole within the policy window (the registry as it was before), refused
past the window or when a later act depends on it."""
import base64
import datetime
import io

import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Invalid, NotFound
from liudong.people import services, services_places
from liudong.people.models import Person, PersonNameKey, Residence
from liudong.quality import services_imports as imports
from liudong.quality.models import ImportBatch, ImportHold, ImportLink, ImportMapping
from tests.conftest import NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id

from .conftest import api_client, post

HEADER = "公民身份号码,人员姓名,性别,出生日期,户籍地行政区划,现住地行政区划,现住地址,来本地日期,来本地原因,出租屋编号,备注"
MAPPING = {"id_number": "公民身份号码", "name": "人员姓名", "sex": "性别", "birth_date": "出生日期", "hukou_division": "户籍地行政区划",
           "division": "现住地行政区划", "address": "现住地址", "arrived_on": "来本地日期", "reason": "来本地原因", "housing_id": "出租屋编号"}


def csv_file(*lines, header=HEADER) -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *lines]) + "\n").encode("utf-8"))


def line(id_number="", name="李娜", sex="女", birth="1999-03-15", hukou=TONGJIANG_V, division=NANTOU_V1, address="红花园1栋101", arrived="2025-03-01",
         reason="务工", housing=""):
    return ",".join([id_number, name, sex, birth, hukou, division, address, arrived, reason, str(housing), "外系统导出"])


@pytest.fixture
def mapping(clerk):
    return imports.save_mapping(actor=clerk, data={"source": "公安人口系统", "mapping": MAPPING}, today=TODAY)


def registry() -> dict:
    """The registry's rows, for before/after comparisons."""
    from liudong.permits.models import ResidenceRegistration

    return {
        "persons": sorted(Person.objects.values_list("id", "name", "id_number", "phone", "residence_division_id", "floating", "merged_into_id")),
        "residences": sorted(Residence.objects.values_list("id", "person_id", "division_id", "arrived_on", "left_on", "end_kind", "start_kind")),
        "keys": sorted(PersonNameKey.objects.values_list("person_id", "key")),
        "registrations": sorted(ResidenceRegistration.objects.values_list("id", "residence_id")),
    }


@pytest.fixture
def known(clerk):
    """王芳 registered under a passport, who lived in 大汪山社区 in 2020-2024 (no resident ID
    number); 李娜 with her ID number, no residence yet."""
    wang, _ = services.register_person(actor=clerk, data={"document_type": "passport", "document_number": "E12345678", "name": "王芳", "sex": "F",
                                                          "birth_date": "1990-05-10", "hukou_division": TONGJIANG_V, "phone": "13800138000"}, today=TODAY)
    stay = services.record_arrival(actor=clerk, person=wang, data={"division": NANTOU_V2, "address": "大汪山2栋", "arrived_on": "2020-01-01", "reason": "work"}, today=TODAY)
    services.record_departure(actor=clerk, residence_id=stay.pk, left_on="2024-12-31", today=TODAY)
    li, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V,
                                                        "phone": "13900139000"}, today=TODAY)
    wang.refresh_from_db()
    return wang, li


def test_R8_a_mapping_naming_a_missing_column_is_a_field_error_and_nothing_is_written(clerk, known):
    saved = imports.save_mapping(actor=clerk, data={"source": "卫健系统", "mapping": {**MAPPING, "name": "姓名（户主）"}}, today=TODAY)
    before = registry()
    with pytest.raises(Invalid) as e:
        imports.import_file(actor=clerk, fileobj=csv_file(line(make_id("511921", "19990315"))), name="a.csv", today=TODAY, mapping_id=saved.pk)
    assert list(e.value.errors) == ["mapping.name"]
    zh, en = e.value.errors["mapping.name"][0].split(" / ")
    assert "姓名（户主）" in zh and "姓名（户主）" in en and "no column" in en
    assert registry() == before and not ImportBatch.objects.exists()


def test_R8_a_mapping_with_an_unknown_field_or_a_column_twice_is_refused_and_not_saved(clerk):
    with pytest.raises(Invalid) as e:
        imports.save_mapping(actor=clerk, data={"source": "x", "mapping": {"nickname": "昵称", "name": "姓名", "phone": "姓名"}}, today=TODAY)
    assert set(e.value.errors) == {"mapping.nickname", "mapping.phone"}
    with pytest.raises(Invalid) as e:
        imports.save_mapping(actor=clerk, data={"source": "", "mapping": {}}, today=TODAY)
    assert set(e.value.errors) == {"source", "mapping"}
    assert not ImportMapping.objects.exists()


def test_R8_a_saved_mapping_reads_another_systems_columns_and_is_edited(clerk, mapping):
    result = imports.import_file(actor=clerk, fileobj=csv_file(line(make_id("511921", "19990315"))), name="公安.csv", today=TODAY, mapping_id=mapping.pk)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.source, batch.created, batch.matched, batch.held, batch.refused) == ("公安人口系统", 1, 0, 0, 0)
    assert Person.objects.get().name == "李娜"
    edited = imports.save_mapping(actor=clerk, data={"source": "公安人口系统", "mapping": {**MAPPING, "phone": "联系电话"}}, today=TODAY, mapping_id=mapping.pk)
    assert edited.pk == mapping.pk and edited.mapping["phone"] == "联系电话"
    with pytest.raises(NotFound):
        imports.save_mapping(actor=clerk, data={"source": "y", "mapping": MAPPING}, today=TODAY, mapping_id=mapping.pk + 99)


def test_R8_a_row_with_a_registered_id_number_adds_her_period_and_overwrites_nothing(clerk, known, mapping):
    _, li = known
    result = imports.import_file(actor=clerk, fileobj=csv_file(line(make_id("511921", "19990315"), name="李娜")), today=TODAY, mapping_id=mapping.pk)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.created, batch.matched, batch.held) == (0, 1, 0)
    li.refresh_from_db()
    assert li.phone == "13900139000" and li.residence_division_id == NANTOU_V1
    assert list(Residence.objects.filter(person=li).values_list("arrived_on", flat=True)) == [datetime.date(2025, 3, 1)]
    assert ImportLink.objects.filter(batch=batch, model="people.Person", object_id=li.pk, change="changed").get().was == [None, False]


def test_R8_a_same_sound_row_without_a_telling_id_is_held_not_registered_twice(clerk, known, mapping):
    wang, _ = known
    # 汪芳 sounds as 王芳: same birth date, sex and hukou county; she has no ID number to tell them apart.
    rows = [line(make_id("511921", "19900510", 31), name="汪芳", birth="1990-05-10", division=NANTOU_V1), line(make_id("511921", "19880101", 11, False), name="张伟", sex="男", birth="1988-01-01")]
    people = Person.objects.count()
    result = imports.import_file(actor=clerk, fileobj=csv_file(*rows), today=TODAY, mapping_id=mapping.pk)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.created, batch.matched, batch.held, result.held) == (1, 0, 1, 1)
    assert Person.objects.count() == people + 1 and not Person.objects.filter(name="汪芳").exists()
    hold = ImportHold.objects.get(batch=batch)
    assert hold.row_number == 2 and hold.candidates == [wang.pk] and hold.data["name"] == "汪芳" and hold.data["arrived_on"] == "2025-03-01"


def test_R8_a_look_alike_with_another_valid_id_number_is_a_new_person(clerk, mapping):
    services.register_person(actor=clerk, data={"id_number": make_id("511921", "19900510", 84), "name": "王芳", "hukou_division": TONGJIANG_V}, today=TODAY)
    result = imports.import_file(actor=clerk, fileobj=csv_file(line(make_id("511921", "19900510", 62), name="王芳", birth="1990-05-10")), today=TODAY, mapping_id=mapping.pk)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.created, batch.held) == (1, 0)


def test_R8_a_clerk_takes_a_held_row_as_the_registered_person_or_as_a_new_one(clerk, known, mapping):
    wang, _ = known
    row = line(make_id("511921", "19900510", 31), name="汪芳", birth="1990-05-10", division=NANTOU_V1, address="红花园2栋")
    result = imports.import_file(actor=clerk, fileobj=csv_file(row), today=TODAY, mapping_id=mapping.pk)
    hold = ImportHold.objects.get(batch_id=result.batch_id)
    with pytest.raises(Invalid) as e:
        imports.decide_hold(actor=clerk, hold_id=hold.pk, decision="existing", person_id=wang.pk + 999, today=TODAY)
    assert "person_id" in e.value.errors
    imports.decide_hold(actor=clerk, hold_id=hold.pk, decision="existing", person_id=wang.pk, today=TODAY)
    hold.refresh_from_db()
    assert hold.state == "existing" and hold.person_id == wang.pk
    # The row's period went to her record, after the one she had; her document stays the passport.
    assert list(Residence.objects.filter(person=wang).order_by("arrived_on").values_list("arrived_on", "left_on")) == [
        (datetime.date(2020, 1, 1), datetime.date(2024, 12, 31)), (datetime.date(2025, 3, 1), None)]
    wang.refresh_from_db()
    assert wang.document_type == "passport" and not Person.objects.filter(name="汪芳").exists()
    with pytest.raises(Invalid):
        imports.decide_hold(actor=clerk, hold_id=hold.pk, decision="new", today=TODAY)
    second = imports.import_file(actor=clerk, fileobj=csv_file(line(make_id("511921", "19900510", 47), name="汪芳", birth="1990-05-10", arrived="2026-01-01",
                                                                       division=NANTOU_V1)), today=TODAY, mapping_id=mapping.pk)
    other = ImportHold.objects.get(batch_id=second.batch_id)
    imports.decide_hold(actor=clerk, hold_id=other.pk, decision="new", today=TODAY)
    other.refresh_from_db()
    assert other.state == "new" and Person.objects.get(pk=other.person_id).name == "汪芳"


def test_R4_a_closed_rental_home_takes_no_tenant_on_import_the_row_is_refused_with_its_reason(clerk, known, mapping):
    _, li = known
    home = services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园3栋", "owner_id": li.pk, "registered_on": "2024-01-01"}, today=TODAY)
    services_places.close_housing(actor=clerk, housing_id=home.pk, closed_on="2026-06-30", today=TODAY)
    rows = [line(make_id("511921", "19880101", 11, False), name="张伟", sex="男", birth="1988-01-01"),
            line(make_id("511921", "19870101", 13, False), name="赵强", sex="男", birth="1987-01-01", arrived="2026-08-01", housing=home.pk)]
    stopped = imports.import_file(actor=clerk, fileobj=csv_file(*rows), today=TODAY, mapping_id=mapping.pk)
    assert stopped.batch_id is None and stopped.bad_rows == [3] and not ImportBatch.objects.exists()
    result = imports.import_file(actor=clerk, fileobj=csv_file(*rows), today=TODAY, mapping_id=mapping.pk, good_rows_only=True)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.created, batch.refused) == (1, 1)
    [[row, messages]] = batch.refused_rows
    assert row == 3 and any("出租房屋" in m for m in messages)
    assert not Person.objects.filter(name="赵强").exists()


def _mixed_import(clerk, mapping, wang):
    rows = [line(make_id("511921", "19990315"), name="李娜"),  # matched by ID: a period added
            line(make_id("511921", "19880101", 11, False), name="张伟", sex="男", birth="1988-01-01"),  # new
            line(make_id("511921", "19900510", 31), name="汪芳", birth="1990-05-10", arrived="2026-01-01"),  # held
            line(make_id("511921", "19870101", 13, False), name="赵强", sex="男", birth="1987-01-01", division=NANTOU_V2)]  # new
    result = imports.import_file(actor=clerk, fileobj=csv_file(*rows), today=TODAY, mapping_id=mapping.pk)
    hold = ImportHold.objects.get(batch_id=result.batch_id)
    imports.decide_hold(actor=clerk, hold_id=hold.pk, decision="new", today=TODAY)
    return ImportBatch.objects.get(pk=result.batch_id)


def test_R8_a_rollback_leaves_the_registry_as_it_was_before_the_import(clerk, known, mapping):
    wang, _ = known
    before = registry()
    batch = _mixed_import(clerk, mapping, wang)
    assert registry() != before
    assert (batch.created, batch.matched, batch.held) == (2, 1, 1)
    imports.rollback(actor=clerk, batch_id=batch.pk, today=TODAY + datetime.timedelta(days=7))
    assert registry() == before
    batch.refresh_from_db()
    assert batch.state == "rolled_back" and batch.rollback_report["persons_removed"] == 3 and batch.rollback_report["persons_restored"] == 1
    assert ImportHold.objects.get(batch=batch).state == "withdrawn"
    assert AuditEvent.objects.filter(action="import.rollback", object_id=str(batch.pk)).count() == 1
    with pytest.raises(Invalid) as e:
        imports.rollback(actor=clerk, batch_id=batch.pk, today=TODAY)
    assert "state" in e.value.errors


def test_R8_a_rollback_past_the_policy_window_is_refused_and_changes_nothing(clerk, known, mapping):
    batch = _mixed_import(clerk, mapping, known[0])
    after = registry()
    with pytest.raises(Invalid) as e:
        imports.rollback(actor=clerk, batch_id=batch.pk, today=TODAY + datetime.timedelta(days=8))
    assert "7" in e.value.errors["state"][0] and "window" in e.value.errors["state"][0]
    assert registry() == after


def test_R8_a_rollback_is_refused_when_a_later_act_depends_on_the_batch_naming_it(clerk, known, mapping):
    batch = _mixed_import(clerk, mapping, known[0])
    zhang = Person.objects.get(name="张伟")
    zhao = Person.objects.get(name="赵强")
    link = services.link_family(actor=clerk, person=zhang, relative_id=known[1].pk, relation="spouse")
    stay = Residence.objects.get(person=zhao)
    services.record_departure(actor=clerk, residence_id=stay.pk, left_on="2026-10-01", today=TODAY)
    after = registry()
    with pytest.raises(Invalid) as e:
        imports.rollback(actor=clerk, batch_id=batch.pk, today=TODAY)
    messages = " ".join(e.value.errors["rollback"])
    assert f"{link.pk}" in messages and f"person {zhang.pk}" in messages and "added after the import" in messages
    assert f"{stay.pk} was changed after the import" in messages
    assert registry() == after and ImportBatch.objects.get(pk=batch.pk).state == "done"


def test_R8_a_batch_of_another_area_is_not_found(world, clerk, mapping):
    result = imports.import_file(actor=clerk, fileobj=csv_file(line(make_id("511921", "19990315"))), today=TODAY, mapping_id=mapping.pk)
    with pytest.raises(NotFound):
        imports.rollback(actor=world["futian_clerk"], batch_id=result.batch_id, today=TODAY)
    with pytest.raises(NotFound):
        imports.import_file(actor=world["futian_clerk"], fileobj=csv_file(line(make_id("511921", "19990315"))), today=TODAY, mapping_id=mapping.pk)


def test_R8_the_import_api_mappings_batch_hold_and_rollback(clerk, known):
    client = api_client(clerk)
    r = post(client, "/api/v1/import-mappings", {"source": "公安人口系统", "mapping": MAPPING})
    assert r.status_code == 201, r.content
    mapping_id = r.json()["id"]
    r = client.put(f"/api/v1/import-mappings/{mapping_id}", data={"source": "公安", "mapping": {**MAPPING, "name": "客户姓名"}}, content_type="application/json")
    assert r.status_code == 200 and r.json()["mapping"]["name"] == "客户姓名"
    assert client.get("/api/v1/import-mappings").json()["count"] == 1
    data = base64.b64encode(csv_file(line(make_id("511921", "19900510", 31), name="汪芳", birth="1990-05-10")).getvalue()).decode()
    r = post(client, "/api/v1/imports", {"file_name": "a.csv", "data": data, "mapping_id": mapping_id})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["mapping.name"]
    r = post(client, "/api/v1/imports", {"file_name": "a.csv", "data": data, "mapping": MAPPING})
    assert r.status_code == 201, r.content
    batch = r.json()
    assert (batch["held"], batch["created"], batch["state"]) == (1, 0, "done")
    assert batch["rollback_due_on"] == str(TODAY + datetime.timedelta(days=7))
    [hold] = batch["holds"]
    assert hold["person_ids"] == [known[0].pk]
    r = post(client, f"/api/v1/import-holds/{hold['id']}/decide", {"decision": "new"})
    assert r.status_code == 200 and r.json()["state"] == "new"
    assert client.get(f"/api/v1/imports/{batch['id']}").json()["holds"][0]["person_id"] == r.json()["person_id"]
    assert client.get("/api/v1/imports").json()["count"] == 1
    r = post(client, f"/api/v1/imports/{batch['id']}/rollback")
    assert r.status_code == 200 and r.json()["state"] == "rolled_back"
    assert post(client, f"/api/v1/imports/{batch['id']}/rollback").status_code == 422
    assert post(client, "/api/v1/imports/999999/rollback").status_code == 404
    bad = base64.b64encode(csv_file(line("12345", name="李娜")).getvalue()).decode()
    r = post(client, "/api/v1/imports", {"data": bad, "mapping": MAPPING})
    assert r.status_code == 422 and any("第2行" in m for m in r.json()["errors"]["rows"])
