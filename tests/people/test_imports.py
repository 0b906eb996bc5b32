"""people.imports.rows.import_people: invariant 7 (all or nothing, rows named), R8 (match, no twin),
same-sound keys (Q6), J2 (floating flag) and R2 (periods, kinds, no overlap)."""
import datetime

import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Invalid
from liudong.people import services, services_places
from liudong.people.imports.rows import import_people
from liudong.people.models import Person, PersonNameKey, Residence
from tests.conftest import FUTIAN_V, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id


def row(name="李娜", birth="19990315", seq=123, female=True, hukou=TONGJIANG_V, area="511921", **extra):
    data = {"id_number": make_id(area, birth, seq, female), "name": name, "hukou_division": hukou, "ethnicity": "01",
            "education": "70", "marital_status": "10", "phone": "13800138000", "hukou_address": "四川省通江县诺江镇"}
    data.update(extra)
    return data


def arrival(**extra):
    return {"division": NANTOU_V1, "address": "南头街道红花园1栋101", "arrived_on": "2025-03-01", "reason": "work", **extra}


def imports():
    return AuditEvent.objects.filter(action="person.import").count()


def test_a_bad_row_is_named_and_nothing_is_written(clerk):
    good = row(seq=101, **arrival())
    bad = row(seq=103, **arrival())
    bad["id_number"] = bad["id_number"][:17] + ("0" if bad["id_number"][17] != "0" else "1")
    late = row(seq=105, **arrival(arrived_on="2027-01-01"))
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=[good, bad, late], today=TODAY)
    messages = e.value.errors["rows"]
    assert any(m.startswith("第2行") and "row 2 id_number" in m for m in messages)
    assert any(m.startswith("第3行") and "arrived_on" in m for m in messages)
    assert not any("第1行" in m for m in messages)
    assert Person.objects.count() == 0 and Residence.objects.count() == 0 and PersonNameKey.objects.count() == 0
    assert imports() == 0


def test_row_numbers_follow_first_row(clerk):
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=[row(seq=101), row(name="", seq=103)], today=TODAY, first_row=2)
    assert any(m.startswith("第3行 姓名") for m in e.value.errors["rows"])


def test_good_rows_only_imports_the_good_rows(clerk):
    rows = [row(seq=101, **arrival()), row(seq=103, **arrival(division="123456789012")), row(name="王芳", seq=105, **arrival())]
    result = import_people(actor=clerk, rows=rows, today=TODAY, good_rows_only=True)
    assert result["created"] == 2 and result["skipped"] == 1 and result["bad_rows"] == [2]
    assert any(m.startswith("第2行 居住地") for m in result["errors"])
    assert Person.objects.count() == 2 and Residence.objects.count() == 2
    event = AuditEvent.objects.get(action="person.import")
    assert event.fields["rows"] == 3 and event.fields["created"] == 2 and event.fields["matched"] == 0
    assert event.fields["first_id"] == Person.objects.order_by("id").first().pk
    assert event.fields["last_id"] == Person.objects.order_by("id").last().pk


def test_an_existing_id_number_is_matched_not_twinned(clerk):
    existing, _ = services.register_person(actor=clerk, data=row(), today=TODAY)
    result = import_people(actor=clerk, rows=[row(**arrival())], today=TODAY)
    assert result["created"] == 0 and result["matched"] == 1 and result["residences"] == 1
    assert Person.objects.count() == 1
    existing.refresh_from_db()
    assert existing.residence_division_id == NANTOU_V1 and existing.floating is True


def test_a_residence_overlapping_an_existing_one_is_reported(clerk, migrant):
    # migrant lives in NANTOU_V1 since 2025-03-01 (open period).
    data = row(name=migrant.name, birth="19990315", **arrival(division=NANTOU_V2, arrived_on="2025-06-01"))
    data["id_number"] = migrant.id_number
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=[data], today=TODAY)
    assert any("第1行" in m and "overlaps" in m for m in e.value.errors["rows"])
    earlier = {**data, **arrival(division=NANTOU_V2, arrived_on="2024-01-01", left_on="2025-03-01")}
    result = import_people(actor=clerk, rows=[earlier], today=TODAY)
    assert result["matched"] == 1 and result["residences"] == 1
    migrant.refresh_from_db()
    assert migrant.residence_division_id == NANTOU_V1 and Residence.objects.filter(person=migrant).count() == 2


def test_name_keys_cover_every_reading(clerk):
    import_people(actor=clerk, rows=[row(name="单丽", **arrival())], today=TODAY)
    person = Person.objects.get()
    assert person.name_key == "shan li"
    keys = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
    assert {"shan li", "dan li", "chan li"} <= keys


def test_floating_follows_the_hukou_county(clerk):
    rows = [
        row(seq=101, **arrival()),  # hukou 通江县, lives in 南山区: floating
        row(seq=103, hukou=NANTOU_V2, area="440305", **arrival()),  # hukou and home both in 南山区
        row(seq=105, **arrival(arrived_on="2024-01-01", left_on="2025-01-01")),  # left, nowhere known now
    ]
    import_people(actor=clerk, rows=rows, today=TODAY)
    by_id = {p.id_number: p for p in Person.objects.all()}
    inflow, local, gone = (by_id[r["id_number"]] for r in rows)
    assert (inflow.residence_division_id, inflow.floating) == (NANTOU_V1, True)
    assert (local.residence_division_id, local.floating) == (NANTOU_V1, False)
    assert (gone.residence_division_id, gone.floating) == (None, True)
    assert Residence.objects.get(person=local).floating is False
    assert Residence.objects.get(person=gone).end_kind == "departure"


def test_a_move_inside_one_import_gives_two_periods(clerk):
    first = row(**arrival(arrived_on="2023-01-01", left_on="2024-05-01"))
    second = row(**arrival(division=NANTOU_V2, arrived_on="2024-05-01"))
    result = import_people(actor=clerk, rows=[first, second], today=TODAY)
    assert result["created"] == 1 and result["matched"] == 1 and result["residences"] == 2
    person = Person.objects.get()
    assert person.residence_division_id == NANTOU_V2 and person.floating
    periods = list(Residence.objects.filter(person=person).order_by("arrived_on").values_list("start_kind", "end_kind"))
    assert periods == [("arrival", "move"), ("move", "")]


def test_overlap_inside_one_import_is_reported(clerk):
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=[row(**arrival()), row(**arrival(division=NANTOU_V2, arrived_on="2025-04-01"))], today=TODAY)
    assert any(m.startswith("第2行") for m in e.value.errors["rows"])


def test_residence_dates_and_scope_are_checked(clerk):
    rows = [
        row(seq=101, **arrival(arrived_on="1990-01-01")),  # before birth
        row(seq=103, **arrival(arrived_on="2025-03-01", left_on="2025-02-01")),  # left before arrival
        row(seq=105, **arrival(division=FUTIAN_V)),  # neither residence nor hukou in 南头街道
        row(seq=107),  # no residence, hukou elsewhere
    ]
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=rows, today=TODAY)
    text = "\n".join(e.value.errors["rows"])
    assert "第1行 到达日期" in text and "第2行 离开日期" in text and "第3行 居住地" in text and "第4行 户籍地" in text


def test_staff_without_registration_rights_cannot_import(world):
    from liudong.errors import Denied

    with pytest.raises(Denied):
        import_people(actor=world["county_officer"], rows=[row(**arrival())], today=TODAY)


def test_spreadsheet_numbers_are_read_as_codes(clerk):
    data = row(**arrival(arrived_on=datetime.date(2025, 3, 1)))
    data["hukou_division"] = int(data["hukou_division"])
    data["division"] = int(data["division"])
    import_people(actor=clerk, rows=[data], today=TODAY)
    assert Person.objects.get().hukou_division_id == TONGJIANG_V


def test_rows_that_are_not_records_or_hold_lists_are_reported(clerk):
    bad = row(**arrival())
    bad["division"] = [NANTOU_V1]
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=[row(seq=101), "not a row", bad], today=TODAY, good_rows_only=False)
    text = "\n".join(e.value.errors["rows"])
    assert "第2行 整行" in text and "第3行 居住地" in text


def test_ids_reserved_by_an_import_do_not_clash_with_later_registrations(clerk):
    result = import_people(actor=clerk, rows=[row(seq=101, **arrival()), row(seq=103, **arrival())], today=TODAY)
    later, created = services.register_person(actor=clerk, data=row(seq=105, hukou=NANTOU_V2, area="440305"), today=TODAY)
    assert created and later.pk > result["last_id"]
    again = import_people(actor=clerk, rows=[row(seq=107, **arrival())], today=TODAY)
    assert again["first_id"] > later.pk


# Issue 7 item 9: the import applies record_arrival's residence rules, the same code
# (people/residence_rules.py). A closed rental home refused an arrival but took one by import.

def _closed_home_and_employer(clerk):
    owner, _ = services.register_person(actor=clerk, data=row(name="陈伟", seq=11, female=False, birth="19700101", hukou="440305001001", area="440305"), today=TODAY)
    home = services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园3栋", "owner_id": owner.pk, "registered_on": "2024-01-01"}, today=TODAY)
    employer = services_places.register_employer(actor=clerk, data={"division": NANTOU_V1, "name": "南头电子厂", "registered_on": "2024-01-01"}, today=TODAY)
    services_places.close_housing(actor=clerk, housing_id=home.pk, closed_on="2026-06-30", today=TODAY)
    services_places.close_employer(actor=clerk, employer_id=employer.pk, closed_on="2026-06-30", today=TODAY)
    return home, employer


def test_R4_a_closed_rental_home_is_refused_by_an_import_with_the_row_number(clerk):
    home, employer = _closed_home_and_employer(clerk)
    rows = [row(seq=101, **arrival()), row(seq=103, **arrival(housing_id=home.pk)), row(seq=105, **arrival(employer_id=employer.pk))]
    before = Person.objects.count()
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=rows, today=TODAY, first_row=2)
    messages = e.value.errors["rows"]
    assert any(m.startswith("第3行 出租房屋") and "2026-06-30 停租" in m and "takes no new tenants" in m for m in messages), messages
    assert any(m.startswith("第4行 用工单位") and "2026-06-30 注销" in m for m in messages), messages
    assert not any(m.startswith("第2行") for m in messages)
    assert Person.objects.count() == before
    # record_arrival says the same, word for word (one rule, two doors; the import splits it
    # around its row number)
    person, _ = services.register_person(actor=clerk, data=row(seq=107), today=TODAY)
    with pytest.raises(Invalid) as one:
        services.record_arrival(actor=clerk, person=person, data=arrival(housing_id=home.pk), today=TODAY)
    zh, en = one.value.errors["housing_id"][0].split(" / ")
    assert any(zh in m and en in m for m in messages)


def test_R4_a_tenancy_that_ended_before_the_home_closed_is_history_and_imported(clerk):
    home, employer = _closed_home_and_employer(clerk)
    past = row(seq=109, **arrival(housing_id=home.pk, employer_id=employer.pk, left_on="2026-06-30"))
    result = import_people(actor=clerk, rows=[past], today=TODAY)
    assert result["residences"] == 1 and Residence.objects.get(housing=home).left_on == datetime.date(2026, 6, 30)
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=[row(seq=111, **arrival(housing_id=home.pk, left_on="2026-07-01"))], today=TODAY)
    assert "停租" in e.value.errors["rows"][0]


def test_R2_import_and_arrival_refuse_an_overlap_alike(clerk, migrant):
    # migrant lives in NANTOU_V1 since 2025-03-01 (open period)
    with pytest.raises(Invalid) as one:
        services.record_arrival(actor=clerk, person=migrant, data=arrival(division=NANTOU_V2, arrived_on="2025-06-01"), today=TODAY)
    data = row(name=migrant.name, **arrival(division=NANTOU_V2, arrived_on="2025-06-01"))
    data["id_number"] = migrant.id_number
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=[data], today=TODAY)
    zh, en = one.value.errors["arrived_on"][0].split(" / ")
    assert zh in e.value.errors["rows"][0] and en in e.value.errors["rows"][0]


def test_R1_import_refuses_a_residence_outside_the_scope_before_birth_or_in_the_future(clerk):
    rows = [row(seq=113, **arrival(division=FUTIAN_V)), row(seq=115, **arrival(arrived_on="1990-01-01")), row(seq=117, **arrival(arrived_on="2026-12-01"))]
    with pytest.raises(Invalid) as e:
        import_people(actor=clerk, rows=rows, today=TODAY)
    messages = e.value.errors["rows"]
    assert any(m.startswith("第1行 居住地") and "neither the residence nor the hukou place is in your scope" in m for m in messages)
    assert any(m.startswith("第2行 到达日期") and "before the person's birth" in m for m in messages)
    assert any(m.startswith("第3行 到达日期") and "in the future" in m for m in messages)


def test_hole1_an_import_row_takes_over_nobody_another_place_records(world, migrant):
    """Hole 1 through a file: with no residence open (she left 南头), a row of 福田 with her ID and
    a residence in 福田 would have made her 福田's; it is refused with the claim to submit, and
    nothing of her record is compared (hole 2: no date of hers in the answer)."""
    services.record_departure(actor=world["township_clerk"], residence_id=migrant.residences.get().pk, left_on="2026-05-01", today=TODAY)
    data = row(name=migrant.name, division=FUTIAN_V, address="园岭新村5栋", arrived_on="2026-06-01", reason="work")
    data["id_number"] = migrant.id_number
    with pytest.raises(Invalid) as e:
        import_people(actor=world["futian_clerk"], rows=[data], today=TODAY)
    text = " ".join(e.value.errors["rows"])
    assert "到达申报" in text and "2025-03-01" not in text and "2026-05-01" not in text and "红花园" not in text
    assert Residence.objects.filter(person=migrant).count() == 1
    # Her own place still imports her next residence.
    data["division"] = NANTOU_V2
    assert import_people(actor=world["township_clerk"], rows=[data], today=TODAY)["residences"] == 1
