"""The duplicates API as issue 15 writes it (R8); every response is checked against the OpenAPI
document (tests/conftest.py). The scan runs as a background job through the jobs runner, the code
the worker runs."""
import pytest
from django.utils import timezone

from liudong.jobs import runner
from liudong.jobs.models import ExportJob
from liudong.quality.models import Candidate, Merge
from tests.conftest import NANTOU

from .conftest import api_client, post


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    settings.EXPORTS_DIR = (tmp_path / "exports").resolve()


def scan(client, division=NANTOU):
    r = post(client, "/api/v1/duplicates/scan", {"division": division})
    assert r.status_code == 201, r.content
    job = r.json()
    assert job["kind"] == "duplicate_scan" and job["state"] == "queued"
    assert runner.run(job["id"], ExportJob.objects.get(pk=job["id"]).ticket, now=timezone.now) == "done"
    return job["id"]


def test_R8_scan_finds_the_twin_not_the_lookalike_and_lists_it(clerk, twins):
    first, second, _, lookalike = twins
    api = api_client(clerk)
    job_id = scan(api)
    job = api.get(f"/api/v1/exports/{job_id}").json()
    assert job["state"] == "done" and job["progress"] == 100 and job["rows_done"] == 1
    r = api.get(f"/api/v1/duplicates?division={NANTOU}")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    got = body["results"][0]
    assert {got["a"], got["b"]} == {first.pk, second.pk} and got["score"] >= 0.9
    assert lookalike.pk not in (got["a"], got["b"])
    scan(api)  # a second scan proposes nothing twice
    assert Candidate.objects.count() == 1


def test_R8_merge_then_the_merged_id_answers_404_with_merged_into_only_in_scope(clerk, world, twins, candidate):
    from liudong.people.models import Residence

    first, second, _, _ = twins
    api = api_client(clerk)
    keep_open = Residence.objects.get(person=second, left_on__isnull=True).pk
    r = post(api, f"/api/v1/duplicates/{candidate.pk}/merge", {"keep": first.pk, "open_residence": keep_open})
    assert r.status_code == 201, r.content
    assert r.json()["person_id"] == first.pk
    merge_id = r.json()["merge_id"]
    gone = api.get(f"/api/v1/persons/{second.pk}")
    assert gone.status_code == 404 and gone.json()["merged_into"] == first.pk
    # Another township sees neither: the same 404 as an unknown id, nothing about the survivor.
    other = api_client(world["futian_clerk"]).get(f"/api/v1/persons/{second.pk}")
    assert other.status_code == 404 and "merged_into" not in other.json()
    assert api_client(world["futian_clerk"]).get("/api/v1/persons/999999").json().keys() == other.json().keys()
    assert api.get(f"/api/v1/persons/{first.pk}").status_code == 200
    m = api.get(f"/api/v1/merges/{merge_id}").json()
    assert m["state"] == "done" and m["merged_id"] == second.pk and m["moved"] >= 5 and m["fields"]["phone"]["from"] == second.pk
    r = post(api, f"/api/v1/merges/{merge_id}/undo")
    assert r.status_code == 200 and r.json()["state"] == "undone"
    assert api.get(f"/api/v1/persons/{second.pk}").status_code == 200
    again = post(api, f"/api/v1/merges/{merge_id}/undo")
    assert again.status_code == 422 and "state" in again.json()["errors"]


def test_R8_bad_input_is_a_clear_error_and_writes_nothing(clerk, world, twins, candidate):
    first, second, _, lookalike = twins
    api = api_client(clerk)
    before = (Merge.objects.count(), list(Candidate.objects.values_list("state", flat=True)))
    cases = [
        ({}, 422, "keep"),
        ({"keep": "x"}, 422, "keep"),
        ({"keep": lookalike.pk}, 422, "keep"),
        ({"keep": first.pk}, 422, "open_residence"),
        ({"keep": first.pk, "open_residence": 10**6}, 422, "open_residence"),
        ({"keep": first.pk, "take": ["id_number"]}, 422, "take"),
    ]
    for body, status, field in cases:
        r = post(api, f"/api/v1/duplicates/{candidate.pk}/merge", body)
        assert r.status_code == status and field in r.json()["errors"], (body, r.content)
    assert post(api, f"/api/v1/duplicates/{10**9}/merge", {"keep": first.pk}).status_code == 404
    assert post(api_client(world["futian_clerk"]), f"/api/v1/duplicates/{candidate.pk}/merge", {"keep": first.pk}).status_code == 404
    assert post(api_client(world["village_collector"]), f"/api/v1/duplicates/{candidate.pk}/merge", {"keep": first.pk}).status_code == 403
    assert post(api, "/api/v1/merges/999999/undo").status_code == 404
    assert api.get("/api/v1/duplicates?status=maybe").status_code == 422
    assert api.get("/api/v1/duplicates?division=440304001000").status_code == 422  # not her division
    assert post(api, "/api/v1/duplicates/scan", {"division": "999999999999"}).status_code == 422
    assert (Merge.objects.count(), list(Candidate.objects.values_list("state", flat=True))) == before


def test_R8_a_dismissed_pair_is_not_proposed_again(clerk, twins, candidate):
    api = api_client(clerk)
    r = post(api, f"/api/v1/duplicates/{candidate.pk}/dismiss")
    assert r.status_code == 200 and r.json()["state"] == "dismissed"
    scan(api)
    assert list(Candidate.objects.values_list("state", flat=True)) == ["dismissed"]
    assert api.get("/api/v1/duplicates").json()["count"] == 0
    assert api.get("/api/v1/duplicates?status=dismissed").json()["count"] == 1


def test_R8_a_merged_away_record_is_found_and_counted_nowhere(clerk, world, twins, candidate):
    from liudong.people import scope
    from liudong.people.models import Person, Residence

    first, second, _, lookalike = twins
    api = api_client(clerk)
    hukou = api_client(world["tongjiang_clerk"])  # her hukou township sees both by the hukou side
    before = {p["id"] for p in hukou.get("/api/v1/persons?name=王芳").json()["results"]}
    assert {first.pk, second.pk} <= before
    post(api, f"/api/v1/duplicates/{candidate.pk}/merge", {"keep": first.pk, "open_residence": Residence.objects.get(person=second, left_on__isnull=True).pk})
    after = {p["id"] for p in hukou.get("/api/v1/persons?name=王芳").json()["results"]}
    assert second.pk not in after and first.pk in after
    assert not Person.objects.filter(scope.division_q("511921000000"), pk=second.pk).exists()
    assert not Person.objects.filter(scope.scope_q(None), pk=second.pk).exists()
