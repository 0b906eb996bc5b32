"""The printed documents (C1-C6, R3): each PDF rendered to images and checked (text present, not
blank)."""
import io

from pypdf import PdfReader

from liudong.certificates import documents, services

from .conftest import api_client, at, d, issue
from .pdf_check import ink, rendered_pages, text_of


def test_c1_the_certificate_is_a_booklet_pdf_with_its_contents_and_a_qr_code(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2020-02-29", contraception="上环")
    services.add_entry(actor=clerk, certificate_id=cert.pk, data={"entered_on": "2020-05-01", "kind": "check", "text": "环情检查正常"}, now=at("2020-05-01"))
    services.verify_certificate(actor=clerk, certificate_id=cert.pk, data={"verified_on": "2020-03-10", "result": "ok"}, now=at("2020-03-10"))
    data, disposition = documents.certificate_pdf(actor=clerk, certificate_id=cert.pk, printed_on=d("2021-01-05"))
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 105 and round(float(box.height) / 72 * 25.4) == 148  # A6 booklet
    text = text_of(data)
    for expected in ("流动人口婚育证明", "王芳", woman.id_number, "已婚", "2023年2月28日", "上环", "环情检查正常", "南头街道", "扫码核验", cert.number, "有效"):
        assert expected in text, expected
    pages = rendered_pages(data, save_to="/tmp/cert10-certificate")
    assert len(pages) == 2 and all(ink(p) > 0.01 for p in pages)
    assert "inline" in disposition


def test_c1_the_certificate_pdf_through_the_api_and_never_for_the_police(hukou_clerk, woman, world):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    r = api_client(hukou_clerk).get(f"/api/v1/certificates/{cert.pk}/certificate.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert api_client(world["police_officer"]).get(f"/api/v1/certificates/{cert.pk}/certificate.pdf").status_code == 403


def test_c1_status_proof_is_printed_and_sent_to_her_residence_township_as_a_message(hukou_clerk, clerk, woman):
    from liudong.exchange.models import Message

    proof = services.issue_status_proof(actor=hukou_clerk, data={"person_id": woman.pk, "issued_on": "2026-11-20", "requested_by": "residence"}, now=at("2026-11-20"))
    assert proof.receiver_id == "440305001000" and proof.marital_status == "已婚"
    message = Message.objects.get(pk=proof.message_id)
    assert (message.sender_id, message.receiver_id, message.topic, message.kind, message.person_id) == ("511921100000", "440305001000", "certificate", "notification", woman.pk)
    data, _ = documents.status_proof_pdf(actor=clerk, proof_id=proof.pk)  # the receiving township prints it too
    text = text_of(data)
    for expected in ("婚育情况证明", "王芳", "已婚", "未生育", proof.number, "南头街道"):
        assert expected in text, expected
    pages = rendered_pages(data, save_to="/tmp/cert10-status-proof")
    assert len(pages) == 1 and ink(pages[0]) > 0.01


def test_c1_status_proof_bad_input_writes_nothing(hukou_clerk, clerk, woman):
    import pytest

    from liudong.certificates.models import StatusProof
    from liudong.errors import Invalid

    with pytest.raises(Invalid) as e:
        services.issue_status_proof(actor=clerk, data={"person_id": woman.pk, "issued_on": "2026-11-20"}, now=at("2026-11-20"))
    assert "person_id" in e.value.errors  # not her hukou township
    with pytest.raises(Invalid) as e:
        services.issue_status_proof(actor=hukou_clerk, data={"person_id": woman.pk, "issued_on": "2027-01-01"}, now=at("2026-11-20"))
    assert "issued_on" in e.value.errors
    assert not StatusProof.objects.exists()


def test_r3_the_certificate_register_lists_a_townships_certificates_of_a_year(hukou_clerk, woman):
    from liudong.certificates import cards

    old = issue(hukou_clerk, woman, "2017-05-01")
    services.renew_certificate(actor=hukou_clerk, certificate_id=old.pk, data={"issued_on": "2020-04-30", "id_number": old.person.id_number}, now=at("2020-04-30"))
    table = cards.certificate_register(actor=hukou_clerk, division=hukou_clerk.division, year=2020, on=d("2020-05-01"))
    assert len(table.rows) == 1 and table.rows[0][0] == "511921100-2020-00001" and table.rows[0][9] == old.number
    r = api_client(hukou_clerk).get("/api/v1/certificates-register.pdf?year=2017")
    assert r.status_code == 200
    text = text_of(r.content)
    assert "婚育证明登记表" in text and old.number in text and "已交回换发" in text
    pages = rendered_pages(r.content, save_to="/tmp/cert10-register")
    assert ink(pages[0]) > 0.01


def test_r3_the_cards_take_the_registry_fields(hukou_clerk, clerk, woman):
    issue(hukou_clerk, woman, "2019-01-01")
    client = api_client(clerk)
    for kind, title in (("collection", "计划生育信息采集卡"), ("floating_18_49", "18-49岁流动人口管理卡"), ("women", "育龄妇女管理卡")):
        r = client.get(f"/api/v1/certificate-cards/{kind}.pdf?division=440305001001&on=2020-02-01")
        assert r.status_code == 200, r.content
        text = text_of(r.content)
        assert title in text and "王芳" in text, kind
        assert ink(rendered_pages(r.content, save_to=f"/tmp/cert10-card-{kind}")[0]) > 0.01
    assert "2020年第1季度" in text_of(client.get("/api/v1/certificate-cards/women.pdf?division=440305001001&on=2020-02-01").content)
    assert client.get("/api/v1/certificate-cards/other.pdf").status_code == 422
