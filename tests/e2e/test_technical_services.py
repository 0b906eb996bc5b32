"""Browser test (issue 11), in Debian's Chromium, in Chinese: the residence township's clerk
finds 王芳 on the due list (S4), records her check with the report slip (S2) and hands out
condoms that the recipient signs for on the page's signature pad (S5); her hukou township's clerk
finds the report on her page, records the advice before she left and, once she is back, her
follow-up visit from the to-do list (S3).

Screenshots: /tmp/liudong-e2e-technical-{due,residence,distribution,hukou,returnees}.png."""
import pytest

from .test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in

SHOTS = "/tmp/liudong-e2e-technical-{name}.png"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_S2_S3_S4_S5_a_check_a_signed_distribution_and_the_hukou_side_in_the_browser(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_register_and_find
    import datetime
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.exchange.models import Message
    from liudong.people import services as people
    from liudong.policy.services import adopt_rule_set
    from liudong.technical import services
    from liudong.technical.models import Check, DepartureAdvice, Distribution, ReturneeVisit
    from tests.conftest import NANSHAN, NANTOU_V1, TODAY, TONGJIANG_T, TONGJIANG_V, make_id, password
    from tests.e2e.test_clerk_day import _world

    clerk = _world()  # 南头街道's clerk, with the reference data a transactional test may have emptied
    importlib.import_module("liudong.technical.migrations.0002_catalogue").load(apps, None)
    importlib.import_module("liudong.policy.migrations.0005_rule_sets").load(apps, None)
    hukou = Staff(username="hukou", role=Role.TOWNSHIP_CLERK, division_id=TONGJIANG_T, first_name="李明")
    hukou.set_password(password())
    hukou.save()
    adopt_rule_set(actor=None, code="ningshan-2011", division_code=NANSHAN, valid_from="2026-07-01")
    now = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9)))
    institution = services.publish_institution(actor=None, data={"name": "南山区妇幼保健院", "address": "深圳市南山区南山大道1001号", "phone": "0755-26491000",
                                                                 "division": NANSHAN, "published_on": "2020-01-01"}, now=now)
    woman, _ = people.register_person(actor=clerk, data={"id_number": make_id("511921", "19950315", 42), "name": "王芳", "hukou_division": TONGJIANG_V,
                                                         "marital_status": "20"}, today=TODAY)
    people.record_arrival(actor=clerk, person=woman, data={"division": NANTOU_V1, "address": "红花园1栋101", "arrived_on": "2025-03-01", "reason": "work"}, today=TODAY)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "clerk")
            # S4: she is due this quarter under 南山区's rule
            page.goto(f"{base}/services/")
            row = page.locator("table.data tbody tr", has_text="王芳")
            assert "重点对象" in row.inner_text() and "2026-10-01" in row.inner_text()
            assert "南山区" in page.inner_text("ul.schedules")
            page.screenshot(path=SHOTS.format(name="due"), full_page=True)
            # S2: her row's link fills the form with her; a check dated in the future is refused
            # next to the form, nothing written
            row.locator("a:has-text('登记检查')").click()
            page.wait_for_url(f"{base}/services/?person={woman.pk}#person_id")
            assert page.input_value("#person_id") == str(woman.pk)
            page.fill("#checked_on", "2030-01-01")
            page.check("input[name=items][value=iud]")
            page.click("button:has-text('登记并出具报告单')")
            page.wait_for_selector(".form-errors")
            assert not Check.objects.exists()
            page.fill("#checked_on", "2026-11-20")
            page.check("input[name=items][value=iud]")
            page.check("input[name=items][value=pregnancy]")
            page.select_option("#institution_id", str(institution.pk))
            page.click("button:has-text('登记并出具报告单')")
            page.wait_for_url(f"{base}/services/women/{woman.pk}/")
            check = Check.objects.get()
            assert check.items == ["pregnancy", "iud"] and "孕情检查、环情检查" in page.inner_text("table.data")
            assert check.report_number in page.inner_text("table.data") and "报告单" in page.inner_text(".messages")
            page.goto(f"{base}/services/")
            assert "本期没有应查对象" in page.inner_text("table.data")
            page.goto(f"{base}/services/women/{woman.pk}/")
            page.screenshot(path=SHOTS.format(name="residence"), full_page=True)

            # S5: condoms handed out; she signs on the pad with the mouse (a finger on the tablet)
            page.goto(f"{base}/services/distributions/")
            page.fill("#person_id", str(woman.pk))
            page.fill("#distributed_on", "2026-11-25")
            page.select_option("#product", "condom")
            page.fill("#quantity", "10")
            page.select_option("#confirmation_kind", "signature")
            pad = page.locator("#signature-pad")
            pad.scroll_into_view_if_needed()
            box = pad.bounding_box()
            page.mouse.move(box["x"] + 30, box["y"] + 100)
            page.mouse.down()
            for step in range(1, 25):
                page.mouse.move(box["x"] + 30 + step * 15, box["y"] + 100 - 40 * ((step % 4) in (1, 2)))
            page.mouse.up()
            page.screenshot(path=SHOTS.format(name="distribution"), full_page=True)
            page.click("form[enctype] button[type=submit]")
            page.wait_for_selector(".messages")
            handed = Distribution.objects.get()
            assert handed.confirmation.kind == "signature" and handed.confirmation.content_type == "image/png" and bytes(handed.confirmation.data)[:4] == b"\x89PNG"
            context.close()

            # S3: her hukou township finds the report on her page and records the advice before she left
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "hukou")
            assert Message.objects.get(pk=check.message_id).kind == "contraception_report"
            page.goto(f"{base}/people/{woman.pk}/")
            page.click("a:has-text('检查记录和报告单')")
            page.wait_for_url(f"{base}/services/women/{woman.pk}/")
            assert check.report_number in page.inner_text("table.data")
            page.click("a:has-text('登记外出前指导')")
            page.wait_for_selector("#advice_person_id")
            assert page.input_value("#advice_person_id") == str(woman.pk)
            page.fill("#advised_on", "2025-02-20")
            page.select_option("#advice_method", "iud")
            page.click("#advice button[type=submit]")  # not told to attend checks: refused
            page.wait_for_selector("#advice .form-errors")
            assert not DepartureAdvice.objects.exists()
            page.check("input[name=told_to_attend_checks]")
            page.click("#advice button[type=submit]")
            page.wait_for_url(f"{base}/services/women/{woman.pk}/**")
            assert "2025-02-20" in page.inner_text("body") and "外出前指导已登记" in page.inner_text(".messages")
            page.screenshot(path=SHOTS.format(name="hukou"), full_page=True)
            # She comes back: on the to-do list until the visit is recorded there
            residence = woman.residences.get(left_on__isnull=True)
            people.record_departure(actor=clerk, residence_id=residence.pk, left_on="2026-11-26", today=TODAY)
            people.record_return(actor=hukou, person=woman, data={"arrived_on": "2026-11-27"}, today=TODAY)
            page.goto(f"{base}/services/outflow/")
            row = page.locator("#returnees tbody tr", has_text="王芳")
            assert "2026-11-27" in row.inner_text()
            page.screenshot(path=SHOTS.format(name="returnees"), full_page=True)
            row.locator("input[name=notes]").fill("已上门随访，已落实避孕措施")
            row.locator("button[type=submit]").click()
            page.wait_for_selector(".messages")
            assert ReturneeVisit.objects.get().notes == "已上门随访，已落实避孕措施"
            assert "没有待随访的返乡人员" in page.inner_text("#returnees")
            context.close()
        finally:
            browser.close()
