"""Browser test (issue 10): her hukou township's clerk issues a marriage and childbearing
certificate from her record (C1), and the clerk of the township she lives in records a
verification on the certificate's page (C6), in Debian's Chromium, in Chinese.

Screenshot: /tmp/liudong-e2e-certificate.png."""
import pytest

from .test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in, _world

SCREENSHOT = "/tmp/liudong-e2e-certificate.png"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_c1_c6_issue_a_certificate_and_verify_it_in_the_browser(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_register_and_find
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.certificates.models import Certificate, Verification
    from liudong.people import services
    from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_T, TONGJIANG_V, make_id, password

    # A transactional test before this one may have emptied the tables the migrations fill: load
    # the rule sets, the calendar and the certificates' values again (each loader skips what is there).
    import importlib

    from django.apps import apps

    from tests.e2e.test_clerk_day import _reference_data

    _reference_data()
    importlib.import_module("liudong.certificates.migrations.0002_certificate_policy_values").load(apps, None)
    clerk = _world()
    hukou = Staff(username="hukou", role=Role.TOWNSHIP_CLERK, division_id=TONGJIANG_T, first_name="李明")
    hukou.set_password(password())
    hukou.save()
    woman, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19900510", 84), "name": "王芳", "hukou_division": TONGJIANG_V,
                                                         "marital_status": "20"}, today=TODAY)
    services.record_arrival(actor=clerk, person=woman, data={"division": NANTOU_V1, "address": "红花园3栋301", "arrived_on": "2018-03-01", "reason": "work"},
                            today=TODAY)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The hukou township issues, on her own application (C1), before the 2021 repeal.
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "hukou")
            page.goto(f"{base}/people/{woman.pk}/")
            page.click("a:has-text('办理婚育证明')")
            page.wait_for_selector("h1:has-text('办理流动人口婚育证明')")
            page.fill("#id_issued_on", "2030-01-01")  # in the future: refused next to the field, nothing written
            page.click("form.panel button[type=submit].primary")
            page.wait_for_selector(".field.has-error #id_issued_on")
            assert not Certificate.objects.exists()
            page.fill("#id_issued_on", "2019-01-01")
            page.click("form.panel button[type=submit].primary")
            # The form's own heading says 婚育证明 too: wait for the certificate's page itself.
            page.wait_for_url(f"{base}/certificates/*/")
            cert = Certificate.objects.get(person=woman)
            assert page.url == f"{base}/certificates/{cert.pk}/"
            assert "已发放婚育证明" in page.inner_text(".messages") and cert.number in page.inner_text("h1")
            context.close()

            # Her residence township verifies it (C6).
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "clerk")
            page.goto(f"{base}/certificates/{cert.pk}/")
            page.click("summary:has-text('记录查验')")
            page.fill("#id_verify-verified_on", "2019-01-10")
            page.check("input[name='verify-result'][value='ok']")
            page.fill("#id_verify-notes", "证件齐全")
            page.click("#form-verify button[type=submit]")
            page.wait_for_url(f"{base}/certificates/{cert.pk}/")
            assert "已记录查验" in page.inner_text(".messages") and "证件齐全" in page.inner_text("body")
            page.screenshot(path=SCREENSHOT, full_page=True)
            context.close()
        finally:
            browser.close()
    assert Verification.objects.filter(certificate__person=woman, result="ok", notes="证件齐全").count() == 1
