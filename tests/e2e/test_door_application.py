"""Browser test (issue 10, 上门): the collector of her hukou village takes a certificate application
door to door from her record (C1, C2: a family member applies, the verification recorded), and the
clerk of the hukou township finds it in the queue and issues the certificate against it, in
Debian's Chromium, in Chinese.

Screenshots: /tmp/liudong-e2e-door-village.png, /tmp/liudong-e2e-door-township.png."""
import pytest

from .test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in, _world

VILLAGE_SHOT = "/tmp/liudong-e2e-door-village.png"
TOWNSHIP_SHOT = "/tmp/liudong-e2e-door-township.png"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_c1_c2_door_to_door_application_taken_by_the_village_and_issued_by_the_township(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_register_and_find
    import importlib

    from django.apps import apps

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.certificates.models import Certificate, DoorApplication
    from liudong.people import services
    from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_T, TONGJIANG_V, make_id, password
    from tests.e2e.test_clerk_day import _reference_data

    # As test_certificate_forms: a transactional test before may have emptied what migrations load.
    _reference_data()
    importlib.import_module("liudong.certificates.migrations.0002_certificate_policy_values").load(apps, None)
    clerk = _world()
    for username, role, code in (("hukou", Role.TOWNSHIP_CLERK, TONGJIANG_T), ("village", Role.VILLAGE_COLLECTOR, TONGJIANG_V)):
        s = Staff(username=username, role=role, division_id=code)
        s.set_password(password())
        s.save()
    woman, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19900510", 84), "name": "王芳", "hukou_division": TONGJIANG_V,
                                                         "marital_status": "20"}, today=TODAY)
    services.record_arrival(actor=clerk, person=woman, data={"division": NANTOU_V1, "address": "红花园3栋301", "arrived_on": "2018-03-01", "reason": "work"},
                            today=TODAY)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "village")
            page.goto(f"{base}/people/{woman.pk}/")
            page.click("a:has-text('上门代收申请')")
            page.wait_for_selector("h1:has-text('上门代收婚育证明申请')")
            page.fill("#id_taken_on", "2019-03-05")
            page.check("input[name='applicant'][value='family']")
            page.fill("#id_applicant_name", "王大山")
            page.click("form.panel button[type=submit].primary")  # relationship and verification missing (C2)
            page.wait_for_selector(".field.has-error #id_relationship")
            assert not DoorApplication.objects.exists()
            page.fill("#id_place", "诺江村3组王家")
            page.fill("#id_relationship", "父亲")
            page.fill("#id_verification", "村委会入户核实，未婚未育")
            page.click("form.panel button[type=submit].primary")
            page.wait_for_url(f"{base}/certificates/applications/*/")
            app = DoorApplication.objects.get(person=woman)
            assert "已登记申请" in page.inner_text(".messages") and "诺江村3组王家" in page.inner_text("body")
            page.screenshot(path=VILLAGE_SHOT, full_page=True)
            context.close()

            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "hukou")
            page.goto(f"{base}/certificates/applications/")
            page.click(f"a:has-text('{app.number}')")
            page.click("summary:has-text('发证')")
            page.fill("#id_issue-issued_on", "2019-03-08")
            page.click("#form-issue button[type=submit]")
            page.wait_for_url(f"{base}/certificates/*/")
            cert = Certificate.objects.get(person=woman)
            assert page.url == f"{base}/certificates/{cert.pk}/"
            assert "已发放婚育证明" in page.inner_text(".messages") and "王大山" in page.inner_text("body") and app.number in page.inner_text("body")
            page.screenshot(path=TOWNSHIP_SHOT, full_page=True)
            context.close()
        finally:
            browser.close()
    app.refresh_from_db()
    assert (app.state, app.certificate_id, cert.applicant, cert.relationship) == ("issued", cert.pk, "family", "父亲")
