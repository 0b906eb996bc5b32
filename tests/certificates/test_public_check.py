"""C6, issue 10: the public verification page: no log-in, an unguessable token, only the validity
and a masked name, rate-limited per client address."""
from django.test import Client

from liudong.certificates import services, views

from .conftest import at, issue


def test_c6_public_page_shows_only_validity_and_a_masked_name(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    r = Client().get(f"/v/{cert.token}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "王*" in html and "王芳" not in html and "已过期" in html  # expired by the suite's today (2026-11-28)
    assert woman.id_number not in html and cert.number not in html and "南头" not in html and "诺江" not in html
    other = issue(hukou_clerk, woman.__class__.objects.create(name="钱红", sex="F", birth_date=woman.birth_date, hukou_division_id=woman.hukou_division_id,
                                                              created_on=woman.created_on, document_number="X1"), "2019-01-01")
    assert len(cert.token) >= 43 and other.token != cert.token and cert.number not in cert.token  # 256 random bits, not derived


def test_c6_public_page_shows_revoked_and_long_term(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    services.add_entry(actor=hukou_clerk, certificate_id=cert.pk, data={"entered_on": "2019-03-01", "kind": "sterilisation", "text": "结扎"}, now=at("2019-03-01"))
    assert "长期有效" in Client().get(f"/v/{cert.token}/").content.decode()
    services.revoke_certificate(actor=hukou_clerk, certificate_id=cert.pk, data={"reason": "错发", "revoked_on": "2019-04-01"}, now=at("2019-04-01"))
    assert "已撤销" in Client().get(f"/v/{cert.token}/").content.decode()


def test_c6_unknown_tokens_are_404_and_the_page_is_rate_limited_per_address(hukou_clerk, woman, monkeypatch):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    monkeypatch.setattr(views, "PUBLIC_CHECKS_PER_MINUTE", 3)
    c = Client(REMOTE_ADDR="203.0.113.7")
    assert c.get("/v/" + "A" * 43 + "/").status_code == 404
    assert c.get("/v/x/").status_code == 404
    assert c.get(f"/v/{cert.token}/").status_code == 200
    limited = c.get(f"/v/{cert.token}/")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert Client(REMOTE_ADDR="203.0.113.8").get(f"/v/{cert.token}/").status_code == 200  # another address
