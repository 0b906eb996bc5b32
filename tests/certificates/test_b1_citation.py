"""B1 (1-六-(二)-1) and 3-八-1: a first-child birth service registration rests on both ID cards, the
marriage certificate and the hukou township's proof of marital and childbearing status (婚育情况证明).
When the system holds that proof (issued by the hukou township and sent to the residence township),
the case cites it by its number instead of asking for the paper again, and shows the certificate
(C1-C4) she held on the day of receipt with its number and term."""
import pytest
from django.test import Client

from liudong.cases import services as cases
from liudong.cases.models import BirthRegistration
from liudong.certificates import services as certificates
from liudong.errors import Invalid
from tests.conftest import NANTOU_V1, TONGJIANG_V, make_id

from .conftest import api_client, at, d, issue, post

ZHONGYUAN = "410102000000"
PAPERS = ["woman_id", "husband_id", "marriage"]  # the proof paper is what the citation stands for


@pytest.fixture
def mother(clerk):
    """刘梅 (hukou 诺江村), living in 红花园社区 since 2014: cases of 2015 are judged by national-2009,
    whose basis is the documents (B1)."""
    from liudong.people import services

    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19880402", 64), "name": "刘梅", "hukou_division": TONGJIANG_V,
                                                          "marital_status": "20"}, today=d("2026-11-28"))
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "address": "红花园5栋501", "arrived_on": "2014-01-01", "reason": "work"},
                            today=d("2026-11-28"))
    person.refresh_from_db()
    return person


def proof_of(hukou_clerk, person, day="2015-11-20"):
    return certificates.issue_status_proof(actor=hukou_clerk, data={"person_id": person.pk, "issued_on": day, "requested_by": "residence"}, now=at(day))


def open_birth(clerk, woman, day="2015-12-01", **extra):
    data = {"woman": woman.pk, "husband_hukou": ZHONGYUAN, "via_county": True, "received_on": day, "child_order": 1, "documents": PAPERS, **extra}
    return cases.create_birth_registration(actor=clerk, data=data, now=at(day))


def test_b1_cites_the_status_proof_instead_of_the_paper(clerk, hukou_clerk, mother):
    proof = proof_of(hukou_clerk, mother)
    assert proof.receiver_id == clerk.division_id  # 3-八-1: sent to her residence township
    case = open_birth(clerk, mother, status_proof=proof.number)
    assert case.basis == "documents" and case.status_proof == proof
    # The citation stands for the proof paper: the checklist is complete at receipt (B4 即时办理).
    assert "proof" in case.documents and case.complete_on == d("2015-12-01")
    assert cases.registration_check(case)["missing"] == []
    # The verification requests (B2) name the proof the residence township holds.
    from liudong.exchange.models import Message

    request = Message.objects.get(case_type="birth_registration", case_id=case.pk, receiver_id=hukou_clerk.division_id)
    assert proof.number in request.body


def test_b1_without_the_proof_the_case_waits_and_the_proof_is_cited_when_it_comes(clerk, hukou_clerk, mother):
    case = open_birth(clerk, mother)
    assert [d.value for d in cases.registration_check(case)["missing"]] == ["proof"] and case.status_proof is None
    cases.decide_birth_registration(actor=clerk, case_id=case.pk, data={"decision": "postpone", "decided_on": "2015-12-02", "reasons": "缺户籍地婚育情况证明"},
                                    now=at("2015-12-02"))
    proof = proof_of(hukou_clerk, mother, "2015-12-07")
    cases.decide_birth_registration(actor=clerk, case_id=case.pk, data={"decision": "register", "decided_on": "2015-12-08", "status_proof": proof.number},
                                    now=at("2015-12-08"))
    case.refresh_from_db()
    assert case.state == "registered" and case.status_proof == proof and "proof" in case.documents


def test_b1_a_proof_that_cannot_be_cited_is_a_field_error_and_nothing_is_written(clerk, hukou_clerk, mother, migrant):
    other = proof_of(hukou_clerk, migrant, "2026-11-01")   # 李娜's, sent to the same township
    late = proof_of(hukou_clerk, mother, "2015-12-05")     # issued after the day of receipt
    before = BirthRegistration.objects.count()
    for number in ("511921100-Z2015-99999", "abc", other.number, late.number):
        with pytest.raises(Invalid) as e:
            open_birth(clerk, mother, status_proof=number)
        assert list(e.value.errors) == ["status_proof"], (number, e.value.errors)
    assert BirthRegistration.objects.count() == before


def test_b1_someone_elses_proof_reads_as_an_unknown_number(clerk, hukou_clerk, mother, migrant):
    """Privacy: the number of a proof of someone outside the couple answers as an unknown one."""
    other = proof_of(hukou_clerk, migrant, "2026-11-01")
    errors = []
    for number in (other.number, "511921100-Z2015-99999"):
        with pytest.raises(Invalid) as e:
            open_birth(clerk, mother, status_proof=number)
        errors.append(e.value.errors)
    assert errors[0] == errors[1]


def test_b1_the_case_shows_the_cited_proof_and_the_certificate_she_held(clerk, hukou_clerk, mother):
    cert = issue(hukou_clerk, mother, "2015-03-02")
    proof = proof_of(hukou_clerk, mother)
    case = open_birth(clerk, mother, status_proof=proof.number)
    body = api_client(clerk).get(f"/api/v1/cases/births/{case.pk}").json()
    assert body["status_proof"] == {"id": proof.pk, "number": proof.number, "township": hukou_clerk.division_id, "issued_on": "2015-11-20"}
    assert body["woman_certificate"] == {"id": cert.pk, "number": cert.number, "state": "valid", "valid_until": "2018-03-01"}
    c = Client()
    c.force_login(clerk)
    html = c.get(f"/cases/birth/{case.pk}/").content.decode()
    assert proof.number in html and cert.number in html and "2018-03-01" in html


def test_b1_api_cites_by_number(clerk, hukou_clerk, mother):
    proof = proof_of(hukou_clerk, mother)
    r = post(api_client(clerk), "/api/v1/cases/births", {"woman": mother.pk, "husband_hukou": ZHONGYUAN, "via_county": True, "received_on": "2015-12-01",
                                                         "child_order": 1, "documents": PAPERS, "status_proof": proof.number})
    assert r.status_code == 201, r.content
    assert r.json()["status_proof"]["number"] == proof.number and "proof" in r.json()["documents"]
    r = post(api_client(clerk), "/api/v1/cases/births", {"woman": mother.pk, "husband_hukou": ZHONGYUAN, "via_county": True, "received_on": "2015-12-01",
                                                         "child_order": 1, "documents": PAPERS, "status_proof": "nothing"})
    assert r.status_code == 422 and "status_proof" in r.json()["errors"]
