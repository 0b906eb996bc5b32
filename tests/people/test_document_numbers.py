"""R8: one document is one person, however its number was typed. Passport and permit numbers are
stored and compared normalised (identifiers.normalise_document_number: full-width forms folded,
spaces removed, upper case) on every write and every look-up: registration, search (page and API),
the bulk import's matching; a data migration normalises the rows stored before."""
import datetime
import importlib

import pytest
from django.apps import apps

from liudong.accounts.models import AuditEvent
from liudong.accounts.tokens import issue_token
from liudong.people import services
from liudong.people.imports import import_people
from liudong.people.models import Person
from liudong.people.queries import search_persons
from tests.people.api.conftest import ApiClient
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

PASSPORT = {"document_type": "passport", "name": "Anna Smith", "sex": "F", "birth_date": "1990-05-01", "hukou_division": TONGJIANG_V}


def register(clerk, number, **extra):
    return services.register_person(actor=clerk, data={**PASSPORT, "document_number": number, **extra}, today=TODAY)


def test_R8_passport_numbers_compare_case_insensitively(clerk):
    first, created = register(clerk, "E99887766")
    again, created_again = register(clerk, "e99887766")
    assert created and not created_again and again.pk == first.pk
    assert Person.objects.filter(document_type="passport").count() == 1


@pytest.mark.parametrize("typed", ["e99887766", " E 9988 7766 ", "ｅ９９８８７７６６", "E\u300099887766"])
def test_R8_a_passport_number_is_stored_normalised(clerk, typed):
    person, _ = register(clerk, typed)
    assert person.document_number == "E99887766"


def test_R8_a_resident_id_typed_with_spaces_or_full_width_is_one_person(clerk):
    number = make_id("511921", "19990315")
    first, _ = services.register_person(actor=clerk, data={"id_number": number, "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}".replace(number[0], chr(ord(number[0]) + 0xFEE0), 1)
    again, created = services.register_person(actor=clerk, data={"id_number": spaced, "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    assert not created and again.pk == first.pk


def test_R8_search_finds_a_passport_however_typed(clerk):
    person, _ = register(clerk, "E99887766")
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "arrived_on": "2025-03-01"}, today=TODAY)
    for typed in ("e99887766", "E 9988 7766", "ｅ99887766"):
        count, rows = search_persons(actor=clerk, id_number=typed, today=TODAY)
        assert count == 1 and rows[0].pk == person.pk, typed


def test_R8_the_api_filter_finds_a_passport_however_typed(clerk, monkeypatch):
    monkeypatch.setattr("liudong.people.api.today", lambda: TODAY)
    person, _ = register(clerk, "E99887766")
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "arrived_on": "2025-03-01"}, today=TODAY)
    response = ApiClient(issue_token(clerk)).get("/persons", {"id_number": "e 99887766"})
    assert response.status_code == 200, response.content
    assert [p["id"] for p in response.json()["results"]] == [person.pk]


def test_R8_the_import_matches_a_passport_however_typed(clerk):
    person, _ = register(clerk, "E99887766")
    row = {**PASSPORT, "document_number": "e9988 7766", "id_number": "", "ethnicity": "01"}
    result = import_people(actor=clerk, rows=[row], today=TODAY)
    assert result["created"] == 0 and result["matched"] == 1
    assert Person.objects.filter(document_type="passport").count() == 1 and Person.objects.get(document_type="passport").pk == person.pk


# ---------------------------------------------------------------- the data migration

@pytest.fixture
def migration():
    return importlib.import_module("liudong.people.migrations.0006_normalise_document_numbers")


def stored(number, *, name="Anna Smith", document_type="passport"):
    """A row as an older version stored it, written around the services on purpose."""
    return Person.objects.create(document_type=document_type, document_number=number, name=name, sex="F", birth_date=datetime.date(1990, 5, 1),
                                 hukou_division_id=TONGJIANG_V, created_on=TODAY)


def test_R8_the_migration_normalises_stored_numbers_and_keeps_both_rows_of_a_collision(world, capsys, migration):
    lower = stored("e99887766")                # registered first: takes the normalised number
    upper = stored("E99887766 ")               # would become the same: kept as stored, listed
    wide = stored("ｅ９９８８７７６６")            # the same again
    alone = stored("p 123 456", name="Bob")    # no collision: normalised
    permit = stored("e99887766", document_type="hk_macao")  # another document type: its own number
    clean = stored("G1234567", name="Chen")    # already clean: untouched, not audited

    migration.normalise(apps, None)

    numbers = {p.pk: p.document_number for p in Person.objects.all()}
    assert numbers[lower.pk] == "E99887766"
    assert numbers[upper.pk] == "E99887766 " and numbers[wide.pk] == "ｅ９９８８７７６６"
    assert numbers[alone.pk] == "P123456" and numbers[permit.pk] == "E99887766" and numbers[clean.pk] == "G1234567"
    assert Person.objects.count() == 6  # nobody merged, nobody deleted

    collisions = AuditEvent.objects.filter(action="person.document_collision")
    assert sorted(int(e.object_id) for e in collisions) == sorted([upper.pk, wide.pk])
    assert all(e.fields["normalised"] == "E99887766" and e.actor_id is None for e in collisions)
    changed = {int(e.object_id): e.fields["document_number"] for e in AuditEvent.objects.filter(action="person.document_normalise")}
    assert changed == {lower.pk: ["e99887766", "E99887766"], alone.pk: ["p 123 456", "P123456"], permit.pk: ["e99887766", "E99887766"]}
    out = capsys.readouterr().out
    assert f"passport E99887766: #{lower.pk} holds it" in out and f"#{upper.pk}" in out and f"#{wide.pk}" in out


def test_R8_the_migration_leaves_a_row_that_already_holds_the_number(world, capsys, migration):
    holder = stored("E99887766")
    later = stored("e99887766")
    migration.normalise(apps, None)
    assert Person.objects.get(pk=holder.pk).document_number == "E99887766"
    assert Person.objects.get(pk=later.pk).document_number == "e99887766"
    assert f"#{holder.pk} holds it; kept as stored: #{later.pk}" in capsys.readouterr().out
