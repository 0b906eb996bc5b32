"""Q2, Q8: scans of the papers shown are kept with the register line; a scan that is not what it
claims, or belongs to no ticked document, is malformed input (422, nothing written)."""
import base64

from liudong.desk.models import Inquiry, InquiryScan

from .conftest import body

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan(document="introduction_letter", data=PDF, content_type="application/pdf"):
    return {"document": document, "name": "介绍信.pdf", "content_type": content_type, "data": base64.b64encode(data).decode()}


def test_Q8_the_scan_of_the_letter_is_kept_with_the_request(people, desk_api):
    r = desk_api.post("/inquiries", body("vetting", scans=[scan()]))
    assert r.status_code == 201
    kept = InquiryScan.objects.get(inquiry_id=r.json()["id"])
    assert kept.document == "introduction_letter" and bytes(kept.data) == PDF and kept.size == len(PDF)


def test_Q2_a_scan_that_is_not_what_it_claims_or_of_no_ticked_document_is_refused(people, desk_api):
    for bad, field in [(scan(data=b"GIF89a"), "scans.0.data"), (scan(document="passport"), "scans.0.document")]:
        r = desk_api.post("/inquiries", body("vetting", scans=[bad]))
        assert r.status_code == 422 and field in r.json()["errors"], r.content
    assert not Inquiry.objects.exists()
