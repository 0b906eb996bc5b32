"""Browser test (issue 15, R6 done-when): a village collector's form goes through the review chain
in Debian's Chromium - registered by the collector, returned by the group leader with a reason,
resubmitted, then signed by the group leader, the area police officer and two township reviewers.
Screenshot: /tmp/liudong-review.png."""
import importlib

import pytest

from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in, _reference_data

SCREENSHOT = "/tmp/liudong-review.png"


def _world():
    _reference_data()
    from django.apps import apps

    importlib.import_module("liudong.quality.migrations.0003_review_chain_policy").load(apps, None)
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff, StaffMark
    from liudong.divisions.models import Division
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, TONGJIANG, TONGJIANG_T, TONGJIANG_V, password

    for code, name, level, parent in [(NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (TONGJIANG_T, "诺江镇", 4, TONGJIANG),
                                      (TONGJIANG_V, "诺江村", 5, TONGJIANG_T)]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    for username, role, code in [("collector", Role.VILLAGE_COLLECTOR, NANTOU_V1), ("cadre", Role.VILLAGE_CADRE, NANTOU_V1), ("police", Role.POLICE_OFFICER, NANTOU),
                                 ("clerk", Role.TOWNSHIP_CLERK, NANTOU), ("head", Role.TOWNSHIP_HEAD, NANTOU)]:
        s = Staff(username=username, role=role, division_id=code)
        s.set_password(password())
        s.save()
        if role in (Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD):
            StaffMark.objects.create(staff=s, mark="experienced_reviewer")  # R6: open-ended


def _open_my_form(page, base, person_name, table="#my-reviews"):
    page.goto(base + "/quality/reviews/")
    page.locator(f"{table} tr", has_text=person_name).locator("a", has_text="打开").click()
    page.wait_for_selector("#form-fields")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_R6_a_collectors_form_through_the_chain_with_a_return_and_a_resubmission(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from liudong.people.models import Person
    from liudong.quality.models import Review, Signature
    from tests.conftest import TONGJIANG_V, make_id

    _world()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            def session(username):
                context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
                page = context.new_page()
                _log_in(page, base, username)
                return page

            collector = session("collector")
            collector.click("nav.mainnav >> text=登记人员")
            collector.fill("#id_id_number", make_id("511921", "19950101", 44))
            collector.fill("#id_name", "赵敏")
            collector.fill("#id_hukou_division", TONGJIANG_V)
            collector.click("form.panel button[type=submit].primary")
            collector.wait_for_selector("h1:has-text('登记居住地')")
            person = Person.objects.get(name="赵敏")
            review = Review.objects.get(person=person, object_type="person")
            assert (review.state, review.step) == ("pending", "group_leader")

            # The group leader returns it with a reason; a return without one is refused.
            cadre = session("cadre")
            cadre.click("nav.mainnav >> text=采集表审核")
            assert "1" in cadre.inner_text("#queues")
            _open_my_form(cadre, base, "赵敏")
            assert "联系电话" in cadre.inner_text("#form-fields")
            cadre.click("#return-button")
            cadre.wait_for_selector(".form-errors")
            assert "退回须写明原因" in cadre.inner_text(".form-errors")
            cadre.fill("#id_reason", "户籍地址未填")
            cadre.click("#return-button")
            cadre.wait_for_url(base + "/quality/reviews/")
            assert Review.objects.get(pk=review.pk).state == "returned"

            # The collector sees the reason, corrects the record and resubmits.
            collector.click("nav.mainnav >> text=采集表审核")
            assert "户籍地址未填" in collector.inner_text("#own-reviews")
            _open_my_form(collector, base, "赵敏", "#own-reviews")
            assert "户籍地址未填" in collector.inner_text("#return-reason")
            collector.goto(f"{base}/people/{person.pk}/edit/")
            collector.fill("#id_hukou_address", "诺江村3组")
            collector.click("form.panel button[type=submit].primary")
            collector.wait_for_url(f"{base}/people/{person.pk}/")
            assert Person.objects.get(pk=person.pk).hukou_address == "诺江村3组"
            _open_my_form(collector, base, "赵敏", "#own-reviews")
            collector.click("#resubmit-button")
            collector.wait_for_url(base + "/quality/reviews/")
            assert Review.objects.get(pk=review.pk).state == "pending"

            # Group leader, area police officer (who sees no phone), two township reviewers.
            for username in ("cadre", "police", "clerk", "head"):
                page = cadre if username == "cadre" else session(username)
                _open_my_form(page, base, "赵敏")
                if username == "police":
                    assert "联系电话" not in page.inner_text("#form-fields")
                page.click("#approve-button")
                page.wait_for_url(base + "/quality/reviews/")
            review.refresh_from_db()
            assert review.state == "approved" and review.submissions == 2
            steps = list(Signature.objects.filter(review=review).values_list("step", "decision", "signed_by__username"))
            assert steps == [("group_leader", "return", "cadre"), ("group_leader", "approve", "cadre"), ("police", "approve", "police"),
                             ("township", "approve", "clerk"), ("township", "approve", "head")]
            # The record shows its review state.
            page.goto(f"{base}/people/{person.pk}/")
            assert "审核通过" in page.inner_text("#review-states") or "已审核" in page.inner_text("#review-states")
            page.screenshot(path=SCREENSHOT, full_page=True)
        finally:
            browser.close()
