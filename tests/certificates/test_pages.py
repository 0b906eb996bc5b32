"""The certificate pages, Chinese by default: the due lists (C6) and a certificate's page."""
from django.test import Client

from liudong.certificates import services

from .conftest import at, issue


def _client(staff):
    c = Client()
    c.force_login(staff)
    return c


def test_c6_due_list_page_in_chinese(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    r = _client(clerk).get("/certificates/?kind=overdue&on=2019-03-01")
    html = r.content.decode()
    assert r.status_code == 200 and "查验逾期" in html and "王芳" in html and cert.number in html and "婚育证明" in html
    assert "Verification overdue" not in html
    r = _client(clerk).get("/certificates/?kind=missing&on=2026-11-28")
    assert "2021-08-20" in r.content.decode()  # the duty repealed: the list says why it is empty
    r = _client(clerk).get("/certificates/?kind=late")
    assert r.status_code == 200 and "应为" in r.content.decode()


def test_c5_c6_certificate_page_shows_entries_and_verifications(hukou_clerk, clerk, woman, world):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    services.verify_certificate(actor=clerk, certificate_id=cert.pk, data={"verified_on": "2019-01-10", "result": "ok"}, now=at("2019-01-10"))
    services.add_entry(actor=clerk, certificate_id=cert.pk, data={"entered_on": "2019-02-01", "kind": "check", "text": "环情检查正常"}, now=at("2019-02-01"))
    html = _client(clerk).get(f"/certificates/{cert.pk}/").content.decode()
    assert cert.number in html and "环情检查正常" in html and "查验记录" in html and "已过期" in html and "无变化" in html
    r = _client(clerk).get(f"/certificates/{cert.pk}/certificate.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    for role in ("police_officer", "query_desk"):
        assert _client(world[role]).get(f"/certificates/{cert.pk}/").status_code == 403
        assert "/certificates/" not in _client(world[role]).get("/").content.decode()
    assert _client(world["futian_clerk"]).get(f"/certificates/{cert.pk}/").status_code == 404


def test_c6_her_record_shows_the_certificate_and_next_due_date_but_not_to_the_police(hukou_clerk, clerk, woman, world):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    html = _client(clerk).get(f"/people/{woman.pk}/").content.decode()
    assert cert.number in html and "下次查验期限" in html
    html = _client(world["police_officer"]).get(f"/people/{woman.pk}/").content.decode()
    assert cert.number not in html and "婚育证明" not in html



def test_invariant3_opening_a_certificate_form_about_her_is_logged(hukou_clerk, woman):
    """The issue and status-proof forms show her name: each opening is a person.view of her."""
    from liudong.accounts.models import AuditEvent

    views = AuditEvent.objects.filter(action="person.view", person_id=woman.pk, actor=hukou_clerk)
    before = views.count()
    for path in (f"/certificates/issue/{woman.pk}/", f"/certificates/status-proof/{woman.pk}/"):
        r = _client(hukou_clerk).get(path)
        assert r.status_code == 200 and woman.name in r.content.decode(), path
    assert views.count() == before + 2
