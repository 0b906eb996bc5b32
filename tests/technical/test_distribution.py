"""S5: contraceptives handed out with the recipient's confirmation (a drawn signature or a
scanned signed list); totals per village and month."""
import pytest

from tests.conftest import NANTOU_V1

from .conftest import PDF, PNG, b64

pytestmark = pytest.mark.django_db


def count():
    from liudong.technical.models import Confirmation, Distribution

    return Distribution.objects.count(), Confirmation.objects.count()


def test_S5_a_distribution_without_the_recipients_confirmation_is_refused_and_nothing_is_written(api, woman):
    r = api("village_collector").post("/api/v1/distributions", {"person_id": woman.pk, "distributed_on": "2026-11-02", "product": "condom", "quantity": 10})
    assert r.status_code == 422 and {"confirmation", "confirmation_kind"} <= set(r.json()["errors"])
    # a signature that is not an image is refused too
    r = api("village_collector").post("/api/v1/distributions", {"person_id": woman.pk, "distributed_on": "2026-11-02", "product": "condom", "quantity": 10,
                                                                "confirmation_kind": "signature", "confirmation": {"name": "s.pdf", "content_type": "application/pdf", "data": b64(PDF)}})
    assert r.status_code == 422 and "confirmation" in r.json()["errors"]
    r = api("village_collector").post("/api/v1/distributions", {"person_id": woman.pk, "distributed_on": "2026-11-02", "product": "condom", "quantity": 10,
                                                                "confirmation_kind": "signature", "confirmation": {"name": "s.png", "content_type": "image/png", "data": b64(b"not a png")}})
    assert r.status_code == 422 and "confirmation" in r.json()["errors"]
    assert count() == (0, 0)


def test_S5_a_drawn_signature_or_a_scanned_signed_list_confirms_and_totals_add_up(api, woman, man):
    signed = api("village_collector").post("/api/v1/distributions", {
        "person_id": woman.pk, "distributed_on": "2026-11-02", "product": "condom", "quantity": 10,
        "confirmation_kind": "signature", "confirmation": {"name": "签名.png", "content_type": "image/png", "data": b64(PNG)}})
    assert signed.status_code == 201 and signed.json()["village"] == NANTOU_V1 and signed.json()["confirmation_kind"] == "signature"
    listed = api("township_clerk").post("/api/v1/distributions", {
        "person_id": man.pk, "distributed_on": "2026-11-05", "product": "condom", "quantity": 20,
        "confirmation_kind": "signed_list", "confirmation": {"name": "名单.pdf", "content_type": "application/pdf", "data": b64(PDF)}})
    assert listed.status_code == 201
    # the same signed list confirms her second row; a signature cannot be reused
    again = api("township_clerk").post("/api/v1/distributions", {"person_id": woman.pk, "distributed_on": "2026-10-05", "product": "pill", "quantity": 1,
                                                                 "confirmation_kind": "signed_list", "confirmation_id": listed.json()["confirmation_id"]})
    assert again.status_code == 201 and again.json()["confirmation_id"] == listed.json()["confirmation_id"]
    reuse = api("township_clerk").post("/api/v1/distributions", {"person_id": woman.pk, "distributed_on": "2026-10-05", "product": "pill", "quantity": 1,
                                                                 "confirmation_kind": "signed_list", "confirmation_id": signed.json()["confirmation_id"]})
    assert reuse.status_code == 422
    assert count() == (3, 2)
    rows = api("village_cadre").get("/api/v1/distributions", month="2026-11").json()
    assert rows["count"] == 2
    totals = api("county_officer").get("/api/v1/distributions/totals", year=2026).json()["results"]
    assert {(t["village"], t["month"], t["product"], t["quantity"], t["recipients"]) for t in totals} == {
        (NANTOU_V1, "2026-10", "pill", 1, 1), (NANTOU_V1, "2026-11", "condom", 30, 2)}


def test_S5_bad_input_is_reported_field_by_field(api, woman):
    r = api("village_collector").post("/api/v1/distributions", {"person_id": woman.pk, "distributed_on": "2026-12-01", "product": "ring", "quantity": 0,
                                                                "confirmation_kind": "signature", "confirmation": {"name": "s.png", "content_type": "image/png", "data": b64(PNG)}})
    assert r.status_code == 422 and {"distributed_on", "product", "quantity"} <= set(r.json()["errors"]) and count() == (0, 0)
    r = api("shekou_clerk").post("/api/v1/distributions", {"person_id": woman.pk, "distributed_on": "2026-11-01", "product": "condom", "quantity": 1,
                                                           "confirmation_kind": "signature", "confirmation": {"name": "s.png", "content_type": "image/png", "data": b64(PNG)}})
    assert r.status_code == 422 and "person_id" in r.json()["errors"] and count() == (0, 0)
