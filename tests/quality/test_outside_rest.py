"""Issue 15 (R8 with the structure issue's arrival claim, part 4): the held import rows in the
duplicates list itself (page and API, `"source": "import"`), taken as that person or as a new one
from there; a held row whose candidate lives outside the clerk's area claims her arrival from her
place instead of being refused; a county officer's scan leaves its outside twin as a to-do a
township clerk claims; the outside search finds a twin with swapped birth-date digits."""
import io

import pytest
from django.test import Client
from django.utils import timezone

from liudong.errors import Invalid
from liudong.exchange import claims
from liudong.exchange.models import ArrivalClaim
from liudong.jobs import runner
from liudong.jobs.models import ExportJob
from liudong.people.models import Person, Residence
from liudong.quality import services_imports as imports
from liudong.quality import services_outside
from liudong.quality.models import ImportHold, OutsideTwin
from tests.conftest import FUTIAN_V, NANTOU, NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .conftest import api_client, arrive, post, register
from .test_imports import MAPPING, csv_file, line


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    settings.EXPORTS_DIR = (tmp_path / "exports").resolve()


def now():
    return timezone.now()


@pytest.fixture
def mapping(clerk):
    return imports.save_mapping(actor=clerk, data={"source": "公安人口系统", "mapping": MAPPING}, today=TODAY)


@pytest.fixture
def far_wang(world):
    """王芳 under a passport, registered and living in 福田 (outside 南头's clerk's area)."""
    futian = world["futian_clerk"]
    return arrive(futian, register(futian, document_type="passport", document_number="E55500001", name="王芳", sex="F", birth_date="1990-05-10",
                                   hukou_division=TONGJIANG_V), FUTIAN_V, "2024-01-01", "园东1栋")


def held(clerk, mapping, **kw) -> ImportHold:
    row = line(make_id("511921", "19900510", 31), name="汪芳", birth="1990-05-10", division=NANTOU_V1, address="红花园2栋", **kw)
    result = imports.import_file(actor=clerk, fileobj=csv_file(row), today=TODAY, mapping_id=mapping.pk)
    return ImportHold.objects.get(batch_id=result.batch_id)


@pytest.fixture
def near_wang(clerk):
    return register(clerk, document_type="passport", document_number="E12345678", name="王芳", sex="F", birth_date="1990-05-10")


def test_R8_held_import_rows_are_in_the_duplicates_api_list_with_source_import(clerk, mapping, near_wang):
    hold = held(clerk, mapping)
    api = api_client(clerk)
    body = api.get(f"/api/v1/duplicates?division={NANTOU}").json()
    assert body["count"] == 1
    [r] = body["results"]
    assert (r["source"], r["id"], r["a"], r["b"], r["candidates"], r["batch"], r["row"]) == ("import", hold.pk, None, near_wang.pk, [near_wang.pk], hold.batch_id, 2)
    assert api.get(f"/api/v1/duplicates?division={NANTOU}&source=scan").json()["count"] == 0
    assert api.get(f"/api/v1/duplicates?division={NANTOU}&source=import").json()["count"] == 1
    assert api.get(f"/api/v1/duplicates?division={NANTOU}&source=other").status_code == 422
    assert api.get(f"/api/v1/duplicates?division={NANTOU}&status=merged").json()["count"] == 0
    # Taken as that person from the duplicates' own door: the row's period joins her record.
    r = post(api, f"/api/v1/duplicates/held/{hold.pk}/decide", {"decision": "existing", "person_id": near_wang.pk})
    assert r.status_code == 200 and r.json()["state"] == "existing" and r.json()["person_id"] == near_wang.pk and r.json()["claim_id"] is None
    assert Residence.objects.filter(person=near_wang, address="红花园2栋").exists()
    assert api.get(f"/api/v1/duplicates?division={NANTOU}").json()["count"] == 0
    assert post(api, f"/api/v1/duplicates/held/{hold.pk}/decide", {"decision": "new"}).status_code == 422


def test_R8_a_held_row_is_taken_as_a_new_person_from_the_duplicates_page(clerk, mapping, near_wang):
    hold = held(clerk, mapping)
    web = Client()
    web.force_login(clerk)
    page = web.get("/quality/duplicates/")
    assert page.status_code == 200 and f'data-hold="{hold.pk}"' in page.content.decode() and "汪芳" in page.content.decode()
    assert web.post("/quality/duplicates/", {}).status_code == 422  # nothing chosen: nothing written
    r = web.post("/quality/duplicates/", {"hold": hold.pk, "decision": "new"})
    assert r.status_code == 302
    hold.refresh_from_db()
    assert hold.state == "new" and Person.objects.get(pk=hold.person_id).name == "汪芳"
    assert f'data-hold="{hold.pk}"' not in web.get("/quality/duplicates/").content.decode()


def test_R8_a_held_row_whose_candidate_lives_outside_claims_her_arrival_then_is_taken_as_her(world, clerk, mapping, far_wang):
    hold = held(clerk, mapping)
    assert hold.candidates == [far_wang.pk]
    api = api_client(clerk)
    # Not refused with a hint: her place is asked with an arrival claim made of the row's residence.
    r = post(api, f"/api/v1/duplicates/held/{hold.pk}/decide", {"decision": "existing", "person_id": far_wang.pk})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "open" and body["claim_state"] == "pending"
    claim = ArrivalClaim.objects.get(pk=body["claim_id"])
    assert (claim.person_id, claim.division_id, claim.address, str(claim.arrived_on)) == (far_wang.pk, NANTOU_V1, "红花园2栋", "2025-03-01")
    assert OutsideTwin.objects.get(hold=hold).claim_id == claim.pk
    # A second claim while the first waits: refused, nothing written.
    with pytest.raises(Invalid) as e:
        services_outside.take_held_row(actor=clerk, hold_id=hold.pk, decision="existing", person_id=far_wang.pk, today=TODAY, now=now())
    assert "person_id" in e.value.errors and ArrivalClaim.objects.filter(person=far_wang).count() == 1
    # Her place accepts: she lives in 南头 with the row's residence; taking the row closes it
    # without writing the period twice.
    claims.accept(actor=world["futian_clerk"], message_id=claim.message_id, now=now())
    periods = Residence.objects.filter(person=far_wang).count()
    r = post(api, f"/api/v1/duplicates/held/{hold.pk}/decide", {"decision": "existing", "person_id": far_wang.pk})
    assert r.status_code == 200 and r.json()["state"] == "existing" and r.json()["person_id"] == far_wang.pk
    assert Residence.objects.filter(person=far_wang).count() == periods
    assert not Person.objects.filter(name="汪芳").exists()


def scan(client, division=NANTOU):
    job = post(client, "/api/v1/duplicates/scan", {"division": division}).json()
    assert runner.run(job["id"], ExportJob.objects.get(pk=job["id"]).ticket, now=timezone.now) == "done"


def test_R8_a_county_officers_outside_twin_is_a_township_clerks_todo_she_claims(world, clerk):
    mine = arrive(clerk, register(clerk, document_type="passport", document_number="E70000001", name="陈静", sex="F", birth_date="1992-02-02"), NANTOU_V1,
                  "2025-05-01", "红花园3栋")
    futian = world["futian_clerk"]
    theirs = arrive(futian, register(futian, document_type="passport", document_number="E70000002", name="陈静", sex="F", birth_date="1992-02-02",
                                     hukou_division=TONGJIANG_V), FUTIAN_V, "2024-01-01", "园东1栋")
    scan(api_client(world["county_officer"]), division=world["county_officer"].division_id)
    twin = OutsideTwin.objects.get()
    assert (twin.inside_id, twin.person_id, twin.claim_id, twin.division) == (mine.pk, theirs.pk, None, NANTOU_V1)
    assert not ArrivalClaim.objects.exists()
    # The township clerk sees the to-do on her duplicates page and claims from it.
    web = Client()
    web.force_login(clerk)
    page = web.get("/quality/duplicates/").content.decode()
    assert 'id="todos"' in page and "陈静" in page
    r = post(api_client(clerk), f"/api/v1/duplicates/outside/{twin.pk}/claim")
    assert r.status_code == 200 and r.json()["claim_state"] == "pending"
    claim = ArrivalClaim.objects.get(person=theirs)
    assert (claim.division_id, claim.address) == (NANTOU_V1, "红花园3栋")
    assert 'id="todos"' not in web.get("/quality/duplicates/").content.decode()
    # A to-do claimed once is not claimed again; another township's clerk does not see it.
    assert post(api_client(clerk), f"/api/v1/duplicates/outside/{twin.pk}/claim").status_code == 404
    assert post(api_client(futian), f"/api/v1/duplicates/outside/{twin.pk}/claim").status_code == 404


def test_R8_the_outside_search_finds_swapped_birth_date_digits(world, clerk):
    """Same-sound name + birth year blocks what birth date + sex misses: 1990-05-10 entered as
    1990-05-01 elsewhere, with the ID number's two digits swapped too (one edit)."""
    mine = arrive(clerk, register(clerk, id_number=make_id("511921", "19900510", 84), name="王芳"), NANTOU_V1, "2025-05-01")
    futian = world["futian_clerk"]
    swapped = make_id("511921", "19900501", 84)
    theirs = arrive(futian, register(futian, id_number=swapped, name="王芳"), FUTIAN_V, "2024-01-01")
    assert str(theirs.birth_date) == "1990-05-01"
    found = services_outside.sure_twins_outside(NANTOU)
    assert [(a, b) for a, b, _ in found] == [(mine.pk, theirs.pk)]


def test_R8_the_batch_page_and_its_api_claim_an_outside_candidate_too(world, clerk, mapping, far_wang):
    """The import batch's own buttons (and POST /import-holds/{id}/decide) treat a candidate who
    lives outside the clerk's area as the duplicates page does: an arrival claim to her place."""
    hold = held(clerk, mapping)
    web = Client()
    web.force_login(clerk)
    r = web.post(f"/quality/imports/{hold.batch_id}/", {"hold": hold.pk, "decision": "existing", "person_id": far_wang.pk}, follow=True)
    assert r.status_code == 200 and "已向其所在地提交到达申报" in r.content.decode()
    assert ArrivalClaim.objects.filter(person=far_wang).count() == 1
    hold.refresh_from_db()
    assert hold.state == "open"
    # The API's door refuses a second claim while one waits, and writes nothing.
    r = post(api_client(clerk), f"/api/v1/import-holds/{hold.pk}/decide", {"decision": "existing", "person_id": far_wang.pk})
    assert r.status_code == 422 and ArrivalClaim.objects.filter(person=far_wang).count() == 1
