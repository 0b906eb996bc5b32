"""The certificates API as issue 10 lists it (every response is checked against the OpenAPI
document by tests/conftest.py)."""
import pytest

from liudong.certificates.models import Certificate
from tests.conftest import TONGJIANG_V, make_id

from .conftest import api_client, counts, d, post


@pytest.fixture
def hukou_api(hukou_clerk):
    return api_client(hukou_clerk)


@pytest.fixture
def residence_api(clerk):
    return api_client(clerk)


def create(client, woman, day="2019-04-02", **extra):
    return post(client, "/api/v1/certificates", {"person_id": woman.pk, "issued_on": day, "applicant": "self", **extra})


def test_c1_post_answers_201_with_the_whole_certificate(hukou_api, woman):
    r = create(hukou_api, woman)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == "511921100-2019-00001" and body["person_id"] == woman.pk and body["issued_on"] == "2019-04-02"
    assert body["valid_until"] == "2022-04-01" and body["state"] == "expired"  # as of the suite's today, 2026-11-28
    assert body["verify_url"].startswith("/v/") and len(body["verify_url"]) > 40 and body["entries"] == []
    got = hukou_api.get(f"/api/v1/certificates/{body['id']}?on=2020-01-01").json()
    assert got["state"] == "valid" and got["next_verification_due_on"] == "2019-05-02"


def test_c1_c2_bad_input_is_a_field_error_and_nothing_is_written(hukou_api, woman, hukou_clerk):
    from liudong.people import services as people

    man, _ = people.register_person(actor=hukou_clerk, data={"id_number": make_id("511921", "19900101", 87, female=False), "name": "张强", "hukou_division": TONGJIANG_V},
                                    today=d("2026-11-28"))
    before = counts()
    cases = [
        ({"person_id": man.pk, "issued_on": "2019-01-01"}, "person_id"),
        ({"person_id": woman.pk, "issued_on": "1989-01-01"}, "issued_on"),
        ({"person_id": woman.pk, "issued_on": "2027-01-01"}, "issued_on"),
        ({"person_id": woman.pk, "issued_on": "2019-02-30"}, "issued_on"),
        ({"person_id": woman.pk, "issued_on": "2021-09-01"}, "issued_on"),  # national-2021
        ({"person_id": woman.pk, "issued_on": "2019-01-01", "applicant": "family"}, "applicant_name"),
        ({"person_id": woman.pk, "issued_on": "2019-01-01", "applicant": "cousin"}, "applicant"),
        ({"person_id": 999999, "issued_on": "2019-01-01"}, "person_id"),
    ]
    for body, field in cases:
        r = post(hukou_api, "/api/v1/certificates", body)
        assert r.status_code == 422 and field in r.json()["errors"], (body, r.content)
    assert counts() == before


def test_c6_c5_verifications_and_entries(hukou_api, residence_api, woman):
    cid = create(hukou_api, woman).json()["id"]
    r = post(residence_api, f"/api/v1/certificates/{cid}/verifications", {"verified_on": "2019-04-10", "result": "ok"})
    assert r.status_code == 201 and r.json()["by_code"] == "440305001000"
    r = post(hukou_api, f"/api/v1/certificates/{cid}/verifications", {"verified_on": "2019-04-11", "result": "ok"})
    assert r.status_code == 422 and "verified_on" in r.json()["errors"]
    r = post(residence_api, f"/api/v1/certificates/{cid}/entries", {"entered_on": "2019-05-01", "kind": "check", "text": "孕情检查正常"})
    assert r.status_code == 201
    body = residence_api.get(f"/api/v1/certificates/{cid}?on=2019-06-01").json()
    assert body["entries"] == [{"entered_on": "2019-05-01", "by": "南头街道", "by_code": "440305001000", "kind": "check", "text": "孕情检查正常"}]
    assert body["next_verification_due_on"] == "2020-04-10"


def test_c3_renew_reissue_revoke(hukou_api, woman):
    cid = create(hukou_api, woman, "2017-05-01").json()["id"]
    r = post(hukou_api, f"/api/v1/certificates/{cid}/renew", {"issued_on": "2020-04-30", "id_number": woman.id_number})
    assert r.status_code == 201 and r.json()["renewed_from_id"] == cid and r.json()["valid_until"] == "2023-04-29"
    new = r.json()["id"]
    r = post(hukou_api, f"/api/v1/certificates/{cid}/renew", {"issued_on": "2020-05-30", "id_number": woman.id_number})
    assert r.status_code == 422 and "certificate" in r.json()["errors"]  # surrendered
    r = post(hukou_api, f"/api/v1/certificates/{new}/reissue", {"issued_on": "2020-08-01", "reason": "遗失"})
    assert r.status_code == 201 and r.json()["reissued_from_id"] == new and r.json()["valid_until"] == "2023-04-29"
    third = r.json()["id"]
    r = post(hukou_api, f"/api/v1/certificates/{third}/revoke", {"reason": "错发"})
    assert r.status_code == 200 and r.json()["state"] == "revoked"
    r = post(hukou_api, f"/api/v1/certificates/{third}/renew", {"issued_on": "2021-01-01", "id_number": woman.id_number})
    assert r.status_code == 422


def test_list_and_due_lists(hukou_api, residence_api, woman, hukou_clerk, clerk):
    from liudong.people import services as people
    from tests.conftest import NANTOU_V1

    other, _ = people.register_person(actor=clerk, data={"id_number": make_id("511921", "19920101", 86), "name": "赵敏", "hukou_division": TONGJIANG_V}, today=d("2026-11-28"))
    people.record_arrival(actor=clerk, person=other, data={"division": NANTOU_V1, "arrived_on": "2018-01-01", "reason": "work"}, today=d("2026-11-28"))
    cid = create(hukou_api, woman, "2017-05-01").json()["id"]
    r = residence_api.get("/api/v1/certificates?division=440305001000&state=expired")
    assert r.status_code == 200 and r.json()["count"] == 1 and r.json()["results"][0]["id"] == cid
    assert residence_api.get("/api/v1/certificates?state=valid").json()["count"] == 0

    def due(kind, on):
        r = residence_api.get(f"/api/v1/certificates/due?division=440305001&kind={kind}&on={on}")
        assert r.status_code == 200, r.content
        return r.json()

    missing = due("missing", "2019-01-01")
    assert missing["required"] and [w["person_id"] for w in missing["results"]] == [other.pk] and missing["results"][0]["certificate"] is None
    overdue = due("overdue", "2019-01-01")
    assert [w["person_id"] for w in overdue["results"]] == [woman.pk] and overdue["results"][0]["certificate"]["id"] == cid
    post(residence_api, f"/api/v1/certificates/{cid}/verifications", {"verified_on": "2018-12-01", "result": "ok"})
    assert due("overdue", "2019-01-01")["count"] == 0
    assert due("overdue", "2019-12-02")["count"] == 1
    assert [w["person_id"] for w in due("expired", "2020-06-01")["results"]] == [woman.pk]
    repealed = due("missing", "2026-11-28")
    assert not repealed["required"] and repealed["count"] == 0 and "2021-08-20" in repealed["note"]
    r = residence_api.get("/api/v1/certificates/due?kind=late")
    assert r.status_code == 422 and "kind" in r.json()["errors"]


def test_roles_police_and_desk_get_403_and_see_nothing(hukou_api, woman, world):
    cid = create(hukou_api, woman).json()["id"]
    for role in ("police_officer", "query_desk"):
        c = api_client(world[role])
        assert c.get(f"/api/v1/certificates/{cid}").status_code == 403
        assert c.get("/api/v1/certificates").status_code == 403
        assert c.get("/api/v1/certificates/due?kind=missing").status_code == 403
        assert post(c, "/api/v1/certificates", {"person_id": woman.pk, "issued_on": "2019-01-01"}).status_code == 403
        assert post(c, f"/api/v1/certificates/{cid}/verifications", {"verified_on": "2019-04-10", "result": "ok"}).status_code == 403
    assert Certificate.objects.count() == 1


def test_out_of_scope_is_404(hukou_api, woman, world):
    cid = create(hukou_api, woman).json()["id"]
    assert api_client(world["futian_clerk"]).get(f"/api/v1/certificates/{cid}").status_code == 404
