"""Browser test (issue 13 item 1): a police officer of 南头街道 opens a migrant's record, applies for
her residence permit on the application page (eligibility shown check by check from the registry;
half a year not yet full: refused next to the date, nothing written), applies with a proof scan,
sees the decision due date, grants it, and prints the application, the decision and the permit,
in Debian's Chromium, in Chinese. The printed documents are fetched through the page's own print
links with the browser's session and read back.

Screenshots: /tmp/liudong-e2e-permit-apply.png, /tmp/liudong-e2e-permit.png."""
import io
import re

import pytest

from .test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in

APPLY_SHOT = "/tmp/liudong-e2e-permit-apply.png"
PERMIT_SHOT = "/tmp/liudong-e2e-permit.png"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_rp1_rp2_apply_decide_and_print_a_residence_permit_in_the_browser(live_server, monkeypatch, tmp_path):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_register_and_find
    import importlib

    from django.apps import apps
    from pypdf import PdfReader

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.people import services as people
    from liudong.permits import views
    from liudong.permits.models import ResidencePermit
    from tests.conftest import NANTOU, NANTOU_V1, TODAY, TONGJIANG_V, make_id, password
    from tests.e2e.test_clerk_day import _reference_data, _world

    # A transactional test before this one may have emptied the tables the migrations fill.
    _reference_data()
    importlib.import_module("liudong.permits.migrations.0002_policy_values").load(apps, None)
    clerk = _world()
    police = Staff(username="police", role=Role.POLICE_OFFICER, division_id=NANTOU, first_name="赵强")
    police.set_password(password())
    police.save()
    # The pages' today is the suite's (2026-11-28), so that the dates below are fixed.
    monkeypatch.setattr(views, "today", lambda: TODAY)
    woman, _ = people.register_person(actor=clerk, data={"id_number": make_id("511921", "19950101", 40), "name": "王芳", "hukou_division": TONGJIANG_V},
                                      today=TODAY)
    people.record_arrival(actor=clerk, person=woman, data={"division": NANTOU_V1, "address": "红花园1栋101", "arrived_on": "2026-05-28", "reason": "work"},
                          today=TODAY)
    scan = tmp_path / "劳动合同.png"
    scan.write_bytes(PNG)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "police")
            # From her record: the permits panel's button opens the application with her number.
            page.goto(f"{base}/people/{woman.pk}/")
            page.click("a:has-text('申领居住证')")
            page.wait_for_selector("h1:has-text('申领居住证')")
            assert page.input_value("#id_person_id") == str(woman.pk)
            # Half a year is full on 2026-11-28: checked on the 27th, the registry says not yet.
            page.fill("#id_applied_on", "2026-11-27")
            page.click("button[name=check]")
            page.wait_for_selector("li.missing[data-check=months]")
            assert "2026-11-28 起可申领" in page.inner_text("#eligibility")
            assert page.locator("li.have[data-check=lives]").count() == 1 and page.locator("li.have[data-check=hukou]").count() == 1
            # Submitted all the same: refused next to the date, the input kept, nothing written.
            page.check("input[name=basis][value=employment]")
            page.fill("#id_proof", "劳动合同（2026-05 至 2029-05）")
            page.click("button[type=submit].primary")
            page.wait_for_selector(".field.has-error #id_applied_on")
            assert "在本市连续居住不满6个月" in page.inner_text(".field.has-error")
            assert page.input_value("#id_proof") == "劳动合同（2026-05 至 2029-05）"
            assert not ResidencePermit.objects.exists()
            # On the 28th: every check passes and the decision is due 15 days later.
            page.fill("#id_applied_on", "2026-11-28")
            page.click("button[name=check]")
            page.wait_for_selector("li.have[data-check=months]")
            assert page.inner_text("#decision-due").endswith("2026-12-13")
            page.check("input[name=basis][value=employment]")
            page.fill("#id_proof", "劳动合同（2026-05 至 2029-05）")
            page.set_input_files("#id_attachments", str(scan))
            page.screenshot(path=APPLY_SHOT, full_page=True)
            page.click("button[type=submit].primary")
            page.wait_for_url(re.compile(rf"{re.escape(base)}/permits/\d+/$"))
            permit = ResidencePermit.objects.get(person=woman)
            assert "申请已受理" in page.inner_text(".messages") and page.inner_text("#decision-due").startswith("2026-12-13")
            assert page.locator("a:has-text('劳动合同.png')").count() == 1 and bytes(permit.attachments.get().data) == PNG
            # Decide: a refusal without a reason is refused under the reason; then granted.
            page.check("input[name='decide-granted'][value='0']")
            page.click("#decide button[type=submit]")
            page.wait_for_selector(".field.has-error #id_decide-reason")
            permit.refresh_from_db()
            assert permit.state == "pending"
            page.check("input[name='decide-granted'][value='1']")
            page.fill("#id_decide-decided_on", "2026-11-28")
            page.click("#decide button[type=submit]")
            page.wait_for_selector("h1 .badge.permit-granted")
            permit.refresh_from_db()
            assert permit.state == "granted" and permit.issued_on == TODAY
            assert page.inner_text("#residence-years").startswith("0") and "未到签注期" in page.inner_text("#endorsement-status")
            page.screenshot(path=PERMIT_SHOT, full_page=True)
            # Print: the three print links of the page, fetched with the browser's session.
            expected = {"打印申领登记表": ["居住证申领登记表", "王芳", "合法稳定就业", "2026年12月13日"],
                        "打印决定书": ["居住证签发决定书", "王芳", "2026年11月28日"],
                        "打印居住证": ["居住证", "王芳", "南头街道派出所", "2027年11月27日"]}
            for link, words in expected.items():
                href = page.get_attribute(f".head-actions a:has-text('{link}')", "href")
                response = page.request.get(base + href)
                assert response.status == 200 and response.headers["content-type"] == "application/pdf", (link, response.status)
                text = re.sub(r"\s+", "", "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(response.body())).pages))
                for w in words:
                    assert w in text, (link, w, text[:300])
            context.close()
        finally:
            browser.close()
