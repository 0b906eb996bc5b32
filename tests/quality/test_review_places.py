"""R6: a rental home's and an employer's page shows the review state of its collected form, as a
person's page does - the step awaited, a return with its reason, the approval, and every signature
with who and when."""
import pytest
from django.test import Client
from django.utils import timezone

from liudong.people import services_places
from liudong.quality import services_reviews as reviews
from liudong.quality.models import Review
from tests.conftest import NANTOU_V1, TODAY

from .test_reviews import collector, experienced, owner  # noqa: F401  (fixtures)


def sign(actor, review, decision="approve", reason=""):
    return reviews.sign(actor=actor, review_id=review.pk, decision=decision, reason=reason, today=TODAY, now=timezone.now())


def page(actor, url) -> str:
    web = Client()
    web.force_login(actor)
    r = web.get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_R6_a_rental_homes_page_shows_its_review_state_and_signatures(world, collector, owner):  # noqa: F811
    home = services_places.register_housing(actor=collector, data={"division": NANTOU_V1, "address": "红花园9栋", "owner_id": owner.pk}, today=TODAY)
    form = Review.objects.get(object_type="housing", object_id=home.pk)
    html = page(world["township_clerk"], f"/housing/{home.pk}/")
    assert f'data-review="{form.pk}"' in html and "待组长审核" in html
    sign(world["village_cadre"], form)
    sign(world["police_officer"], form, decision="return", reason="房主证件号不全")
    html = page(world["township_clerk"], f"/housing/{home.pk}/")
    assert "退回原因：房主证件号不全" in html
    assert "village_cadre" in html or world["village_cadre"].first_name in html
    reviews.resubmit(actor=collector, review_id=form.pk, today=TODAY)
    for actor in ("village_cadre", "police_officer", "township_clerk", "township_head"):
        sign(world[actor], form)
    html = page(world["township_clerk"], f"/housing/{home.pk}/")
    assert "第 2 次提交" in html and html.count('class="signer"') == 6  # 2 of the returned round, 4 of the approved one
    assert Review.objects.get(pk=form.pk).get_state_display().split(" ")[0] in html


def test_R6_an_employers_page_shows_its_review_state(world, collector):  # noqa: F811
    employer = services_places.register_employer(actor=collector, data={"division": NANTOU_V1, "name": "红花园制衣厂", "address": "红花园工业区1号",
                                                                       "registered_on": TODAY.isoformat()}, today=TODAY)
    form = Review.objects.get(object_type="employer", object_id=employer.pk)
    sign(world["village_cadre"], form)
    html = page(world["township_clerk"], f"/employers/{employer.pk}/")
    assert f'data-review="{form.pk}"' in html and 'class="signer"' in html and "待" in html
    # A home or employer entered by a clerk has no form: no panel.
    other = services_places.register_employer(actor=world["township_clerk"], data={"division": NANTOU_V1, "name": "南头五金店", "address": "南头1号",
                                                                                   "registered_on": TODAY.isoformat()}, today=TODAY)
    assert "data-review=" not in page(world["township_clerk"], f"/employers/{other.pk}/")
