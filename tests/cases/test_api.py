"""The cases API: create, read, list and decide birth registrations, the refusal letter, second-
birth results and fee consultations with their answers; the one error shape (invariant 7)."""
import base64
import io

import pytest
from pypdf import PdfReader

from liudong.cases.models import BirthRegistration, FeeConsultation
from tests.people.api.conftest import ApiClient, assert_field_error
from tests.cases.conftest import COMMITMENT, DOCUMENTS, ZHONGYUAN, at, d, open_birth
from tests.conftest import NANTOU, TONGJIANG, TONGJIANG_T


@pytest.fixture
def api_as(db):
    from liudong.accounts.tokens import issue_token

    return lambda staff: ApiClient(issue_token(staff))


@pytest.fixture
def on_day(monkeypatch):
    """Invariant 4: the API dates its acts by liudong.cases.api.now / today; tests fix them."""
    def set_day(day: str, hour: int = 10):
        monkeypatch.setattr("liudong.cases.api.now", lambda: at(day, hour))
        monkeypatch.setattr("liudong.cases.api.today", lambda: d(day))
    return set_day


def test_birth_create_get_list_decide(world, couple, api_as, on_day):
    woman, husband = couple
    api = api_as(world["township_clerk"])
    on_day("2026-09-24")
    r = api.post("/cases/births", {"woman": woman.id_number, "husband": husband.pk, "received_on": "2026-09-24", "child_order": 1, "documents": COMMITMENT, "via_county": True})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["division"] == NANTOU and body["rule_set"] == "national-2021" and body["basis"] == "commitment" and body["state"] == "received"
    assert sorted(m["receiver"] for m in body["messages"]) == [ZHONGYUAN, TONGJIANG_T]
    # B2 across Mid-autumn and National Day: sent by 10-12; B3: arrived 09-24, answer by 10-22
    # (09-28..30 (3), 10-08, 10-09, 10-10 (6), 10-12..16 (11), 10-19..22 (15)).
    assert {(m["send_due_on"], m["reply_due_on"], m["url"].startswith("/exchange/")) for m in body["messages"]} == {("2026-10-12", "2026-10-22", True)}
    case_id = body["id"]
    assert api.get(f"/cases/births/{case_id}").json()["number"] == body["number"]
    listed = api.get("/cases/births", {"status": "open"}).json()
    assert listed["count"] == 1 and listed["results"][0]["next_due"] == "2026-10-22"
    on_day("2026-09-28")
    r = api.post(f"/cases/births/{case_id}/decision", {"decision": "register", "decided_on": "2026-09-28", "send_now": False})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["state"] == "registered" and out["decisions"][0]["decision"] == "register"
    assert {m["send_due_on"] for m in out["messages"] if m["kind"] == "notification"} == {"2026-10-23"}
    assert api.get("/cases/births", {"status": "open"}).json()["count"] == 0
    assert api.get("/cases/births", {"status": "decided"}).json()["count"] == 1


def test_birth_errors_have_the_one_shape(world, migrant, api_as, on_day):
    on_day("2026-11-28")
    api = api_as(world["township_clerk"])
    r = api.post("/cases/births", {"woman": migrant.pk, "received_on": "2026-12-01", "child_order": 1})
    errors = assert_field_error(r, "received_on")
    assert "husband_hukou" in r.json()["errors"] and errors
    assert_field_error(api.post("/cases/births", {"woman": migrant.pk, "received_on": "2026-02-12", "child_order": "one"}), "child_order")
    assert_field_error(api.post("/cases/births", {"received_on": "2026-02-12", "child_order": 1}), "woman")
    outside = api_as(world["futian_clerk"]).post("/cases/births", {"woman": migrant.pk, "husband_hukou": ZHONGYUAN, "received_on": "2026-02-12", "child_order": 1})
    assert assert_field_error(outside, "woman") == ["人员不存在或不在您的管辖范围内 / no such person in your scope"]
    assert not BirthRegistration.objects.exists()
    assert api_as(world["police_officer"]).get("/cases/births").status_code == 403
    assert api.get("/cases/births/999999").status_code == 404
    assert api.get("/cases/births/99999999999999999999999").status_code in (404, 422)
    assert_field_error(api.get("/cases/births", {"limit": 0}), "limit")


def test_decision_errors_and_scope(world, migrant, api_as, on_day):
    case = open_birth(world["township_clerk"], migrant, "2026-12-18", send_now=False)
    on_day("2026-12-21")
    api = api_as(world["township_clerk"])
    # B5: 15 working days after 12-20 run into 2027 (X4): a clear error, nothing written.
    errors = assert_field_error(api.post(f"/cases/births/{case.pk}/decision", {"decision": "register", "decided_on": "2026-12-20"}), "decided_on")
    assert "2027" in errors[0]
    assert_field_error(api.post(f"/cases/births/{case.pk}/decision", {"decision": "refuse", "decided_on": "2026-12-20"}), "reasons")
    assert_field_error(api.post(f"/cases/births/{case.pk}/decision", {"decided_on": "2026-12-20"}), "decision")
    assert api_as(world["shekou_clerk"]).post(f"/cases/births/{case.pk}/decision", {"decision": "register", "decided_on": "2026-12-20"}).status_code == 404
    assert api_as(world["county_officer"]).post(f"/cases/births/{case.pk}/decision", {"decision": "register", "decided_on": "2026-12-20"}).status_code == 403
    case.refresh_from_db()
    assert case.state == "received"


def test_refusal_letter_through_the_api(world, woman_2014, api_as, on_day):
    on_day("2015-12-02")
    api = api_as(world["township_clerk"])
    case = open_birth(world["township_clerk"], woman_2014, "2015-12-01", child=2, documents=DOCUMENTS)
    assert api.get(f"/cases/births/{case.pk}/refusal-letter.pdf").status_code == 404
    r = api.post(f"/cases/births/{case.pk}/decision", {"decision": "refuse", "decided_on": "2015-12-02", "reasons": "第二孩须经女方户籍地审批"})
    assert r.status_code == 200 and r.json()["state"] == "refused"
    pdf = api.get(f"/cases/births/{case.pk}/refusal-letter.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(" ", "").replace("\n", "")
    assert "不予登记告知书" in text and "第二孩须经女方户籍地审批" in text


def test_second_birth_through_the_api(world, migrant, api_as, on_day, sichuan_keeps_approvals):
    on_day("2026-02-13")
    api = api_as(world["tongjiang_clerk"])
    r = api.post("/cases/second-births", {"woman": migrant.pk, "decision": "approved", "decided_on": "2026-02-13", "certificate_number": "通再18号"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["residence_place"] == NANTOU and body["messages"][0]["send_due_on"] == "2026-03-12" and body["messages"][0]["state"] == "sent"
    assert api.get(f"/cases/second-births/{body['id']}").json()["certificate_number"] == "通再18号"
    assert api.get("/cases/second-births").json()["count"] == 1
    assert_field_error(api_as(world["township_clerk"]).post("/cases/second-births", {"woman": migrant.pk, "decision": "approved", "decided_on": "2026-02-13",
                                                                                    "certificate_number": "x"}), "woman")
    assert_field_error(api.post("/cases/second-births", {"woman": migrant.pk, "decision": "maybe", "decided_on": "2026-02-13"}), "decision")


def test_fee_consultation_through_the_api(world, migrant, tongjiang_officer, api_as, on_day):
    officer = api_as(world["county_officer"])
    f3 = {"person": migrant.pk, "basic_facts": "已婚，育有二孩", "actual_income": 96000, "urban_income": "64878.5", "rural_income": 28300, "proposed_levy": 129756.5}
    on_day("2021-09-01")
    errors = assert_field_error(officer.post("/cases/fee-consultations", {**f3, "started_on": "2021-09-01"}), "started_on")
    assert "2021-08-20" in errors[0]
    assert not FeeConsultation.objects.exists()
    on_day("2021-08-19", 16)
    assert_field_error(officer.post("/cases/fee-consultations", {**f3, "started_on": "2021-08-19", "channel": "fax", "sent_at": "2021-08-19 15:00", "evidence": "传真"}), "arrived_at")
    fax = {**f3, "started_on": "2021-08-19", "channel": "fax", "sent_at": "2021-08-19 15:00", "arrived_at": "2021-08-19 15:02", "evidence": "传真发送报告"}
    assert_field_error(officer.post("/cases/fee-consultations", fax), "attachments")   # F4: the scan of the fax sent
    r = officer.post("/cases/fee-consultations", {**fax, "attachments": [{"name": "传真.pdf", "content_type": "application/pdf",
                                                                         "data": base64.b64encode(b"%PDF-1.4 fax").decode()}]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["hukou_county"] == TONGJIANG and body["proposed_levy"] == "129756.50" and body["message"]["channel"] == "fax"
    assert body["message"]["reply_due_on"] == "2021-08-30" and not body["answered"]
    hukou = api_as(tongjiang_officer)
    assert hukou.get("/cases/fee-consultations").json()["count"] == 1
    on_day("2021-08-24")
    assert officer.post(f"/cases/fee-consultations/{body['id']}/answer", {"agrees": True, "opinion": "同意"}).status_code == 403
    assert_field_error(hukou.post(f"/cases/fee-consultations/{body['id']}/answer", {"agrees": "perhaps", "opinion": "同意"}), "agrees")
    r = hukou.post(f"/cases/fee-consultations/{body['id']}/answer", {"agrees": False, "opinion": "当事人已在户籍地缴纳"})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["answered"] and out["answer_agrees"] is False and out["answered_on"] == "2021-08-24" and out["message"]["state"] == "answered"
    assert_field_error(hukou.post(f"/cases/fee-consultations/{body['id']}/answer", {"agrees": True, "opinion": "again"}), "message")
    assert officer.get(f"/cases/fee-consultations/{body['id']}").json()["answer_opinion"] == "当事人已在户籍地缴纳"
    assert api_as(world["township_clerk"]).get(f"/cases/fee-consultations/{body['id']}").status_code == 404
