"""Part 11 and T3 in Debian's Chromium, in Chinese and in English: the county officer sets a
township's submission task (a bad number is refused beside its field, nothing written), sees its
townships side by side (chart drawn by ECharts beside the table) and the assessment sheet; the
township clerk sees her own progress. Screenshots go to /tmp/liudong-e2e-tasks-*.png (looked at,
never committed)."""
import pytest

from tests.e2e.test_clerk_day import _reference_data, _staff
from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _page_as
from tests.page_text import ALLOWED, latin_words, visible_text

SHOT = "/tmp/liudong-e2e-tasks-{name}.png"


def _world():
    import importlib

    from django.apps import apps

    from liudong.accounts.choices import Role
    from liudong.divisions.models import Division
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, SHEKOU

    _reference_data()
    for name in ("0002_due_days_and_report_messages", "0003_assessment_rules", "0005_statfeat_submission_tasks"):
        importlib.import_module(f"liudong.statistics.migrations.{name}").load(apps, None)
    for code, name, level, parent in [(NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (SHEKOU, "南山街道", 4, NANSHAN)]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    _staff("county", Role.COUNTY_OFFICER, NANSHAN)
    _staff("township", Role.TOWNSHIP_CLERK, NANTOU)


def _no_latin(page):
    words = latin_words(visible_text(page.content()), ALLOWED | {"county", "township"})
    assert not words, words


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_part11_county_sets_a_task_and_the_township_sees_its_progress_in_chinese_and_english(live_server, monkeypatch):
    from liudong.statistics.models import SubmissionTask
    from tests.conftest import NANSHAN, NANTOU

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    _world()
    sync_playwright = _browser_or_fail()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            def as_user(username):
                return _page_as(browser, base, username, ignore_422=True)

            context, page, errors = as_user("county")
            page.goto(f"{base}/statistics/tasks/")
            page.wait_for_url(f"**/statistics/tasks/{NANSHAN}/2026-11/")
            assert "南头街道" in page.inner_text("#progress") and "南山街道" in page.inner_text("#progress")
            page.select_option("#id_division", NANTOU)
            page.fill("#id_messages", "-1")
            page.fill("#id_valid_from", "2026-12-01")
            page.click("#set-task")
            page.wait_for_selector(".has-error #id_messages")
            assert "不能为负" in page.inner_text("#task-form") and not SubmissionTask.objects.exists()
            page.fill("#id_messages", "3")
            page.fill("#id_valid_from", "2026-11-01")
            page.check("input[name=kinds][value=correspondence]")
            page.click("#set-task")
            page.wait_for_selector("#task-history td.num")
            page.wait_for_selector("#progress ~ .chart svg, .chart-and-table .chart svg")
            assert "3" in page.inner_text(f"#progress tr[data-division='{NANTOU}']")
            _no_latin(page)
            page.screenshot(path=SHOT.format(name="county"), full_page=True)
            page.click("form.lang button[value=en]")
            page.wait_for_selector("h1:has-text('submission tasks: progress')")
            assert "Set a township's submission task" in page.inner_text("#set-h") and "Task history" in page.inner_text("#history-h")
            page.screenshot(path=SHOT.format(name="county-english"), full_page=True)
            page.goto(f"{base}/statistics/assessment/{NANTOU}/2026/")
            assert "Statistical year 2026" in page.inner_text("#year-statement") and "ending 30 September" in page.inner_text("#year-statement")
            assert page.locator("#assessment a.basis").count() >= 4
            page.screenshot(path=SHOT.format(name="assessment-english"), full_page=True)
            page.click("form.lang button[value=zh-hans]")
            page.wait_for_selector("#year-statement:has-text('止于9月30日')")
            _no_latin(page)
            page.screenshot(path=SHOT.format(name="assessment"), full_page=True)
            assert not errors, errors
            context.close()

            context, page, errors = as_user("township")
            page.goto(f"{base}/statistics/tasks/")
            page.wait_for_url(f"**/statistics/tasks/{NANTOU}/2026-11/")
            row = page.inner_text(f"#progress tr[data-division='{NANTOU}']")
            assert "3" in row and "未完成" in row and page.locator("#task-form").count() == 0
            _no_latin(page)
            page.screenshot(path=SHOT.format(name="township"), full_page=True)
            page.click("form.lang button[value=en]")
            page.wait_for_selector("h1:has-text('submission tasks: progress')")
            assert "not met" in page.inner_text(f"#progress tr[data-division='{NANTOU}']")
            page.screenshot(path=SHOT.format(name="township-english"), full_page=True)
            assert not errors, errors
            context.close()
        finally:
            browser.close()
    assert SubmissionTask.objects.get().messages == 3
