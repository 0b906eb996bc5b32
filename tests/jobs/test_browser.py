"""Issue 9 item 3 in the browser (Debian's Chromium): a register is made in the background. The
clerk clicks "print as PDF" on the register page and lands on the job's page; the progress bar
moves while the job runs (liudong-jobs.js polls the status every second), the page shows the
download link when the file is ready, and the file is the register. A real Huey consumer runs the
jobs (the `worker` fixture); the test's own slow export kind holds a job at step 3 so that the bar
can be read half-way. Screenshots go to /tmp/liudong-e2e-item3-*.png (looked at, never committed)."""
import pytest

from tests.conftest import NANTOU, password
from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail
from tests.jobs.conftest import PERIOD, WAIT_SECONDS, add_migrants

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _log_in(page, base, username):
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password())
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


def test_i9_item3_a_register_pdf_is_made_in_the_background_with_a_progress_bar(live_server, worker, slow_kind, clerk):
    from django.utils import timezone

    from liudong.jobs import services
    from liudong.jobs.models import ExportJob
    from tests.conftest import TODAY

    add_migrants(30)
    # Requested before the browser starts (Django's ORM is not called from Playwright's event loop);
    # the job waits at step 3 until the test lets it go on.
    job = services.request_export(actor=clerk, now=timezone.now(), kind="test_slow", format="pdf", params={}, today=TODAY)
    sync_playwright = _browser_or_fail()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
            _log_in(page, base, clerk.username)
            # The register of her township for the period, then "print as PDF": no wait in the browser.
            page.goto(f"{base}/registers/?show=1&kind=inflow&division={NANTOU}&start={PERIOD['start']}&end={PERIOD['end']}")
            page.locator("form.export-form button[value=pdf]").click()
            page.wait_for_url(f"{base}/exports/*/")
            assert page.locator("#export-job").count() == 1
            # The page reloads itself when the job ends: the download link appears, the bar is full.
            page.locator("a.button.primary[href$='/file']").wait_for(timeout=WAIT_SECONDS * 1000)
            assert page.locator("#export-progress").get_attribute("value") == "100"
            assert "30 / 30" in page.locator("#export-progress-text").inner_text()
            page.screenshot(path="/tmp/liudong-e2e-item3-done.png", full_page=True)
            # The file through the browser's own session (a PDF may open inline rather than download).
            answer = page.request.get(base + page.locator("a.button.primary[href$='/file']").get_attribute("href"))
            assert answer.status == 200 and answer.body().startswith(b"%PDF")
            assert ".pdf" in answer.headers["content-disposition"]

            # Half-way: the job held at step 3 shows its bar between 0 and 100, moved by the page's script.
            page.goto(f"{base}/exports/{job.pk}/")
            assert slow_kind[3].reached.wait(WAIT_SECONDS)
            page.wait_for_function("() => { const v = +document.querySelector('#export-progress').value; return v > 0 && v < 100; }",
                                   timeout=WAIT_SECONDS * 1000)
            page.screenshot(path="/tmp/liudong-e2e-item3-running.png", full_page=True)
            slow_kind[3].go.set()
            assert slow_kind[6].reached.wait(WAIT_SECONDS)
            slow_kind[6].go.set()
            page.locator("a.button.primary[href$='/file']").wait_for(timeout=WAIT_SECONDS * 1000)
        finally:
            browser.close()
    assert ExportJob.objects.get(pk=job.pk).state == "done"
