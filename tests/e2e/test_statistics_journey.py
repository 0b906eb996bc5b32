"""Journey step 6 (issue 14, T1) in Debian's Chromium: a village submits its monthly report, the
township returns it with a reason, the village sees the reason, corrects and resubmits, the
township approves it (and submits for its village without staff), submits its own, and the
county approves it. Screenshots go to /tmp/liudong-e2e-statistics-*.png (looked at, never committed)."""
import pytest

from tests.e2e.test_clerk_day import _reference_data, _staff
from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _page_as

OCT = "2026-10"
SHOT = "/tmp/liudong-e2e-statistics-{name}.png"


def _world():
    import importlib

    from django.apps import apps

    from liudong.accounts.choices import Role
    from liudong.divisions.models import Division
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2

    _reference_data()
    importlib.import_module("liudong.statistics.migrations.0002_due_days_and_report_messages").load(apps, None)
    for code, name, level, parent in [(NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (NANTOU_V2, "大汪山社区", 5, NANTOU)]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    _staff("village", Role.VILLAGE_COLLECTOR, NANTOU_V1)
    _staff("township", Role.TOWNSHIP_HEAD, NANTOU)
    _staff("county", Role.COUNTY_OFFICER, NANSHAN)


def _state(page, code):
    return page.locator(f"tr[data-division='{code}'] td.state").get_attribute("data-state")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_journey_step6_t1_village_submits_township_returns_village_resubmits_township_and_county_approve(live_server):
    from liudong.statistics.models import Report
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2

    _world()
    sync_playwright = _browser_or_fail()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            def as_user(username):
                return _page_as(browser, base, username)

            # 1. The village submits October's report from its page.
            context, page, errors = as_user("village")
            page.click("a[href='/statistics/']")
            page.wait_for_url(f"**/statistics/{NANTOU_V1}/{OCT}/")
            assert "流入人口" in page.inner_text("#figures")
            page.click("#submit-report")
            page.wait_for_selector("[data-state='submitted']")
            assert not errors, errors
            context.close()

            # 2. The township returns it with a reason.
            context, page, errors = as_user("township")
            page.goto(f"{base}/statistics/{NANTOU}/{OCT}/")
            assert _state(page, NANTOU_V1) == "submitted"
            row = page.locator(f"tr[data-division='{NANTOU_V1}']")
            row.locator("input[name=reason]").fill("流入人口少报一人，请核对后重报")
            row.locator("button.return").click()
            page.wait_for_selector(f"tr[data-division='{NANTOU_V1}'] td.state[data-state='returned']")
            assert "流入人口少报一人" in page.inner_text(f"tr[data-division='{NANTOU_V1}']")
            page.screenshot(path=SHOT.format(name="returned"), full_page=True)
            context.close()

            # 3. The village sees the reason, corrects and resubmits.
            context, page, errors = as_user("village")
            page.goto(f"{base}/statistics/{NANTOU_V1}/{OCT}/")
            assert "流入人口少报一人" in page.inner_text("#return-reason")
            page.click("#submit-report")
            page.wait_for_selector("[data-state='submitted']")
            context.close()

            # 4. The township approves it, submits for its village without staff and approves that,
            # then submits its own.
            context, page, errors = as_user("township")
            page.goto(f"{base}/statistics/{NANTOU}/{OCT}/")
            page.locator(f"tr[data-division='{NANTOU_V1}'] button.approve").click()
            page.wait_for_selector(f"tr[data-division='{NANTOU_V1}'] td.state[data-state='approved']")
            page.locator(f"tr[data-division='{NANTOU_V2}'] button", has_text="代村报送").click()
            page.wait_for_selector(f"tr[data-division='{NANTOU_V2}'] td.state[data-state='submitted']")
            page.locator(f"tr[data-division='{NANTOU_V2}'] button.approve").click()
            page.wait_for_selector(f"tr[data-division='{NANTOU_V2}'] td.state[data-state='approved']")
            assert "100%" in page.inner_text("#reporting-rate")
            page.click("#submit-report")
            page.wait_for_selector("h1 ~ p [data-state='submitted']")
            assert not errors, errors
            context.close()

            # 5. The county approves the township's report.
            context, page, errors = as_user("county")
            page.goto(f"{base}/statistics/{NANSHAN}/{OCT}/")
            page.locator(f"tr[data-division='{NANTOU}'] button.approve").click()
            page.wait_for_selector(f"tr[data-division='{NANTOU}'] td.state[data-state='approved']")
            page.screenshot(path=SHOT.format(name="county"), full_page=True)
            assert not errors, errors
            context.close()
        finally:
            browser.close()
    states = dict(Report.objects.filter(period="2026-10-01").values_list("division_id", "state"))
    assert states == {NANTOU_V1: "approved", NANTOU_V2: "approved", NANTOU: "approved"}
