"""Browser test (issue 15, R7 page): a township clerk draws November's back-checks in Debian's
Chromium with a seed, sees the seed and the items per collector, records a result field by field,
draws again with the same seed (an inspector sees the same items) and reads the error rate per
collector as a table and an ECharts chart. Screenshot: /tmp/liudong-backchecks.png."""
import importlib

import pytest

from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in

from .test_browser import _world

SCREENSHOT = "/tmp/liudong-backchecks.png"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_R7_a_clerk_draws_records_a_result_and_reads_the_error_rate_in_the_browser(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.apps import apps

    from liudong.accounts.models import Staff
    from liudong.people import services
    from liudong.quality.models import BackcheckDraw, BackcheckItem
    from tests.conftest import TODAY, TONGJIANG_V, make_id

    _world()
    importlib.import_module("liudong.quality.migrations.0005_backcheck_policy").load(apps, None)
    collector = Staff.objects.get(username="collector")
    for i in range(4):
        services.register_person(actor=collector, data={"id_number": make_id("511921", f"1990010{i + 1}", 40 + 2 * i), "name": f"周{'甲乙丙丁'[i]}",
                                                        "hukou_division": TONGJIANG_V}, today=TODAY)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
            _log_in(page, base, "clerk")
            page.click("nav.mainnav >> text=复核抽查")
            page.fill("input[name=period]", "2026-11")
            page.fill("#draw-form input[name=seed]", "20261128")
            page.click("#draw-button")
            page.wait_for_selector("#seed")
            assert page.inner_text("#seed") == "20261128"
            drawn = BackcheckDraw.objects.get(seed=20261128)
            shown = sorted(page.eval_on_selector_all("tr[data-person]", "rows => rows.map(r => r.dataset.person)"))
            assert shown == sorted(str(i) for i in drawn.items.values_list("person_id", flat=True)) and shown
            assert "collector" in page.inner_text(".collector-group h2")
            # A result, field by field: the corrected result without a field is refused first.
            page.locator("a", has_text="记录结果").first.click()
            page.check("input[name=result][value=corrected]")
            page.click("#result-button")
            page.wait_for_selector(".form-errors")
            assert "须列出更正的字段" in page.inner_text(".form-errors")
            page.check("input[name=result][value=corrected]")
            page.check("input[name=fields][value=phone]")
            page.click("#result-button")
            page.wait_for_selector("#seed")
            item = BackcheckItem.objects.get(draw=drawn, kind="sample")
            assert (item.result, item.corrected_fields) == ("corrected", ["phone"])
            assert "联系电话" in page.inner_text(".items")
            # An inspector draws again with the same seed: the same items.
            page.click("text=全部复核抽查")
            page.fill("input[name=period]", "2026-11")
            page.fill("#draw-form input[name=seed]", "20261128")
            page.click("#draw-button")
            page.wait_for_selector("#seed")
            assert sorted(page.eval_on_selector_all("tr[data-person]", "rows => rows.map(r => r.dataset.person)")) == shown
            assert BackcheckDraw.objects.count() == 1
            # The error rate per collector: the table and the chart.
            page.click("text=全部复核抽查")
            assert "100.0%" in page.inner_text("#rates")
            page.wait_for_selector(".chart svg")
            page.screenshot(path=SCREENSHOT, full_page=True)
        finally:
            browser.close()
