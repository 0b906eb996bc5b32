"""The staff forms of the certificate pages (issue 10), through Django's test client: each runs an
existing service; on bad input the error stands next to its field and nothing is written; success
goes to the certificate's page with a message. Chinese by default."""
import re

from django.test import Client

from liudong.certificates.models import Certificate, StatusProof, Verification

# "Nothing written": no certificate, entry or verification; re-showing the page logs its read (audit).
from .conftest import counts_without_audit as counts, issue


def _client(staff):
    c = Client()
    c.force_login(staff)
    return c


def _field_error(html: str, field: str) -> str:
    """The text of the field block that holds `field`'s input, where its error is shown."""
    m = re.search(r'<div class="field has-error[^"]*">(?:(?!<div class="field).)*?name="' + re.escape(field) + r'"(?:(?!<div class="field).)*', html, re.S)
    assert m, f"no error next to {field}"
    return m.group(0)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---------------------------------------------------------------- C1, C2: issue

def test_c1_issue_form_issues_and_goes_to_the_certificate_page(hukou_clerk, woman):
    c = _client(hukou_clerk)
    r = c.get(f"/certificates/issue/{woman.pk}/")
    html = r.content.decode()
    assert r.status_code == 200 and "发证日期" in html and "csrfmiddlewaretoken" in html and "Issued on" not in html
    r = c.post(f"/certificates/issue/{woman.pk}/", {"issued_on": "2019-01-01", "applicant": "self"}, follow=True)
    cert = Certificate.objects.get(person=woman)
    assert r.redirect_chain[-1][0] == f"/certificates/{cert.pk}/"
    html = r.content.decode()
    assert cert.number in html and "已发放婚育证明" in html


def test_c1_issue_form_refuses_a_future_date_next_to_the_field_and_writes_nothing(hukou_clerk, woman):
    before = counts()
    r = _client(hukou_clerk).post(f"/certificates/issue/{woman.pk}/", {"issued_on": "2030-01-01", "applicant": "self"})
    assert r.status_code == 200
    assert "未保存" in r.content.decode() and _field_error(r.content.decode(), "issued_on")
    assert counts() == before


def test_c2_family_application_needs_the_applicants_name_and_relationship(hukou_clerk, woman):
    before = counts()
    r = _client(hukou_clerk).post(f"/certificates/issue/{woman.pk}/", {"issued_on": "2019-01-01", "applicant": "family"})
    html = r.content.decode()
    assert "家属代办须填写" in _field_error(html, "applicant_name") and "家属代办须填写" in _field_error(html, "relationship")
    assert counts() == before
    r = _client(hukou_clerk).post(f"/certificates/issue/{woman.pk}/", {"issued_on": "2019-01-01", "applicant": "family", "applicant_name": "王大山",
                                                                      "relationship": "父亲", "verification": "村委会电话核实"})
    cert = Certificate.objects.get(person=woman)
    assert r.status_code == 302 and (cert.applicant, cert.applicant_name, cert.relationship) == ("family", "王大山", "父亲")


# ---------------------------------------------------------------- C6: verification

def test_c6_verification_form_records_and_shows_on_the_page(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    r = _client(clerk).post(f"/certificates/{cert.pk}/verify/", {"verify-verified_on": "2019-01-10", "verify-result": "ok"}, follow=True)
    assert r.redirect_chain[-1][0] == f"/certificates/{cert.pk}/"
    assert Verification.objects.filter(certificate=cert, result="ok").count() == 1 and "已记录查验" in r.content.decode()


def test_c6_a_change_without_notes_is_refused_next_to_the_notes(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    before = counts()
    r = _client(clerk).post(f"/certificates/{cert.pk}/verify/", {"verify-verified_on": "2019-01-10", "verify-result": "changed"})
    assert r.status_code == 200 and "有变化时须说明变化" in _field_error(r.content.decode(), "verify-notes")
    assert counts() == before


# ---------------------------------------------------------------- C5: entries

def test_c5_entry_form_adds_a_stamped_entry(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    r = _client(clerk).post(f"/certificates/{cert.pk}/entries/", {"entry-entered_on": "2019-02-01", "entry-kind": "check", "entry-text": "环情检查正常"}, follow=True)
    assert r.redirect_chain[-1][0] == f"/certificates/{cert.pk}/"
    e = cert.entries.get(text="环情检查正常")
    assert e.division_id == clerk.division_id and "环情检查正常" in r.content.decode()


def test_c5_entry_without_text_is_refused_next_to_the_field(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    before = counts()
    r = _client(clerk).post(f"/certificates/{cert.pk}/entries/", {"entry-entered_on": "2019-02-01", "entry-kind": "check", "entry-text": ""})
    assert r.status_code == 200 and _field_error(r.content.decode(), "entry-text")
    assert counts() == before


# ---------------------------------------------------------------- C3: renewal, 补办, revocation

def test_c3_renew_form_makes_a_new_certificate_and_goes_to_it(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    r = _client(hukou_clerk).post(f"/certificates/{cert.pk}/renew/", {"renew-issued_on": "2021-06-01", "renew-id_number": woman.id_number})
    new = Certificate.objects.get(renewed_from=cert)
    assert r.status_code == 302 and r["Location"] == f"/certificates/{new.pk}/"
    cert.refresh_from_db()
    assert cert.status == "surrendered"


def test_c3_renewal_dated_before_the_old_issue_is_refused_and_nothing_written(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    before = counts()
    r = _client(hukou_clerk).post(f"/certificates/{cert.pk}/renew/", {"renew-issued_on": "2018-06-01", "renew-id_number": woman.id_number})
    assert r.status_code == 200 and _field_error(r.content.decode(), "renew-issued_on")
    assert counts() == before


def test_c3_reissue_form_keeps_the_term(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    r = _client(hukou_clerk).post(f"/certificates/{cert.pk}/reissue/", {"reissue-issued_on": "2020-03-01", "reissue-reason": "遗失"})
    new = Certificate.objects.get(reissued_from=cert)
    assert r.status_code == 302 and r["Location"] == f"/certificates/{new.pk}/" and new.valid_until == cert.valid_until


def test_c3_reissue_dated_before_the_old_issue_is_refused(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    before = counts()
    r = _client(hukou_clerk).post(f"/certificates/{cert.pk}/reissue/", {"reissue-issued_on": "2018-01-01"})
    assert r.status_code == 200 and _field_error(r.content.decode(), "reissue-issued_on")
    assert counts() == before


def test_c3_revoke_form_needs_a_reason_then_revokes(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    before = counts()
    c = _client(hukou_clerk)
    r = c.post(f"/certificates/{cert.pk}/revoke/", {"revoke-reason": ""})
    assert r.status_code == 200 and _field_error(r.content.decode(), "revoke-reason")
    assert counts() == before
    r = c.post(f"/certificates/{cert.pk}/revoke/", {"revoke-reason": "误发"}, follow=True)
    cert.refresh_from_db()
    assert r.redirect_chain[-1][0] == f"/certificates/{cert.pk}/" and cert.status == "revoked" and "已撤销" in r.content.decode()


# ---------------------------------------------------------------- 3-八-1: the status proof

def test_status_proof_form_issues_and_prints(hukou_clerk, woman):
    c = _client(hukou_clerk)
    assert "婚育情况证明" in c.get(f"/certificates/status-proof/{woman.pk}/").content.decode()
    r = c.post(f"/certificates/status-proof/{woman.pk}/", {"issued_on": "2026-11-28", "requested_by": "residence"})
    proof = StatusProof.objects.get(person=woman)
    assert r.status_code == 302 and r["Location"] == f"/certificates/status-proofs/{proof.pk}/proof.pdf"
    pdf = c.get(r["Location"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert proof.number in c.get(f"/people/{woman.pk}/").content.decode()


def test_status_proof_dated_in_the_future_is_refused(hukou_clerk, woman):
    r = _client(hukou_clerk).post(f"/certificates/status-proof/{woman.pk}/", {"issued_on": "2030-01-01", "requested_by": "self"})
    assert r.status_code == 200 and _field_error(r.content.decode(), "issued_on")
    assert not StatusProof.objects.exists()


# ---------------------------------------------------------------- who sees the buttons

def test_c1_c6_buttons_only_for_the_roles_that_act(hukou_clerk, clerk, woman, world):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    html = _client(hukou_clerk).get(f"/certificates/{cert.pk}/").content.decode()
    assert all(f"/certificates/{cert.pk}/{a}/" in html for a in ("renew", "reissue", "revoke", "verify", "entries"))
    assert f"/certificates/issue/{woman.pk}/" in _client(hukou_clerk).get(f"/people/{woman.pk}/").content.decode()
    for role in ("police_officer", "query_desk"):
        c = _client(world[role])
        assert c.get(f"/certificates/issue/{woman.pk}/").status_code == 403
        assert c.post(f"/certificates/{cert.pk}/verify/", {"verify-verified_on": "2019-01-10", "verify-result": "ok"}).status_code == 403
        assert c.post(f"/certificates/{cert.pk}/revoke/", {"revoke-reason": "x"}).status_code == 403
        assert "/certificates/issue/" not in c.get(f"/people/{woman.pk}/").content.decode()
