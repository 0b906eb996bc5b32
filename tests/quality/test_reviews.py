"""R6: every form a village collector enters goes through the three-level review (part 6 四-4):
group leader, area police officer, then two reviewers of the township office; a return goes back
to the collector with its reason, who resubmits; every signature keeps who and when."""
import pytest
from django.utils import timezone

from liudong.errors import Invalid, NotFound
from liudong.quality import services_reviews as reviews
from liudong.quality.models import Review, Signature
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .conftest import api_client, post


@pytest.fixture
def collector(world):
    return world["village_collector"]


@pytest.fixture
def form(collector):
    from liudong.people import services

    person, _ = services.register_person(actor=collector, data={"id_number": make_id("511921", "19950101", 44), "name": "赵敏", "hukou_division": TONGJIANG_V,
                                                               "phone": "13700137000"}, today=TODAY)
    return Review.objects.get(object_type="person", object_id=person.pk)


def sign(actor, review, decision="approve", reason=""):
    return reviews.sign(actor=actor, review_id=review.pk, decision=decision, reason=reason, today=TODAY, now=timezone.now())


def test_R6_a_collectors_form_is_signed_in_order_by_every_step(world, form):
    assert (form.state, form.step, form.steps) == ("pending", "group_leader", ["group_leader", "police", "township"])
    assert sign(world["village_cadre"], form).step == "police"
    assert sign(world["police_officer"], form).step == "township"
    assert sign(world["township_clerk"], form).step == "township"  # two township reviewers sign
    with pytest.raises(Invalid) as e:
        sign(world["township_clerk"], form)  # not twice by the same one
    assert "step" in e.value.errors
    done = sign(world["township_head"], form)
    assert done.state == "approved" and done.step == ""
    who = list(Signature.objects.filter(review=form).values_list("step", "signed_by__username", "signed_on"))
    assert who == [("group_leader", "village_cadre", TODAY), ("police", "police_officer", TODAY), ("township", "township_clerk", TODAY), ("township", "township_head", TODAY)]


def test_R6_out_of_order_wrong_role_or_place_is_refused_and_writes_nothing(world, form):
    before = (Signature.objects.count(), Review.objects.get(pk=form.pk).step_index)
    for actor in (world["police_officer"], world["township_clerk"], world["village_collector"]):
        with pytest.raises(Invalid) as e:
            sign(actor, form)
        assert "step" in e.value.errors
    with pytest.raises(NotFound):  # another township's staff do not see the form at all
        sign(world["futian_clerk"], form)
    with pytest.raises(Invalid) as e:
        sign(world["village_cadre"], form, decision="return")  # a return without a reason
    assert "reason" in e.value.errors
    with pytest.raises(Invalid) as e:
        sign(world["village_cadre"], form, decision="maybe")
    assert "decision" in e.value.errors
    assert (Signature.objects.count(), Review.objects.get(pk=form.pk).step_index) == before


def test_R6_return_and_resubmission(world, collector, form):
    sign(world["village_cadre"], form)
    returned = sign(world["police_officer"], form, decision="return", reason="户籍地址不全")
    assert (returned.state, returned.reason, returned.step) == ("returned", "户籍地址不全", "")
    with pytest.raises(Invalid):
        sign(world["township_clerk"], form)
    with pytest.raises(NotFound):  # only its collector resubmits
        reviews.resubmit(actor=world["township_clerk"], review_id=form.pk, today=TODAY)
    again = reviews.resubmit(actor=collector, review_id=form.pk, today=TODAY)
    assert (again.state, again.step, again.submissions) == ("pending", "group_leader", 2)
    with pytest.raises(Invalid):
        reviews.resubmit(actor=collector, review_id=form.pk, today=TODAY)


def test_R6_forms_by_others_than_collectors_are_not_reviewed_and_arrivals_are(world, collector, clerk, migrant):
    assert not Review.objects.filter(person=migrant).exists()  # the township clerk registered her
    from liudong.people import services

    person, _ = services.register_person(actor=collector, data={"id_number": make_id("511921", "19960101", 46), "name": "钱红", "hukou_division": TONGJIANG_V}, today=TODAY)
    services.record_arrival(actor=collector, person=person, data={"division": NANTOU_V1, "address": "1栋", "arrived_on": "2026-11-01", "reason": "work"}, today=TODAY)
    assert sorted(Review.objects.filter(person=person).values_list("object_type", flat=True)) == ["arrival", "person"]


def test_R6_the_chain_is_policy_per_division_from_a_date(world, collector):
    import datetime

    from liudong.people import services
    from liudong.policy.models import PolicyValue

    PolicyValue.objects.create(name="review.chain", division_id=NANTOU_V1[:9] + "000", valid_from=datetime.date(2026, 6, 1), rule_set="override",
                               value=["group_leader", "township"], source="南头街道：不设民警环节 / test")
    person, _ = services.register_person(actor=collector, data={"id_number": make_id("511921", "19970101", 48), "name": "孙丽", "hukou_division": TONGJIANG_V}, today=TODAY)
    assert Review.objects.get(person=person).steps == ["group_leader", "township"]


def test_R6_api_queue_sign_and_police_view(world, collector, form):
    cadre, police = api_client(world["village_cadre"]), api_client(world["police_officer"])
    r = cadre.get("/api/v1/reviews?status=pending")
    assert r.status_code == 200 and r.json()["count"] == 1
    assert r.json()["results"][0] == {"id": form.pk, "object": "person", "person_id": form.person_id, "step": "group_leader", "status": "pending"}
    wrong = post(police, f"/api/v1/reviews/{form.pk}/sign", {"decision": "approve"})
    assert wrong.status_code == 422 and "step" in wrong.json()["errors"]
    assert post(cadre, f"/api/v1/reviews/{form.pk}/sign", {"decision": "return"}).status_code == 422
    ok = post(cadre, f"/api/v1/reviews/{form.pk}/sign", {"decision": "return", "reason": "照片不清"})
    assert ok.status_code == 200 and ok.json()["status"] == "returned" and ok.json()["reason"] == "照片不清"
    mine = api_client(collector).get("/api/v1/reviews?status=returned").json()
    assert mine["count"] == 1
    assert post(api_client(collector), f"/api/v1/reviews/{form.pk}/resubmit").json()["status"] == "pending"
    assert post(cadre, f"/api/v1/reviews/{form.pk}/sign", {"decision": "approve"}).json()["step"] == "police"
    assert post(api_client(world["futian_clerk"]), f"/api/v1/reviews/{form.pk}/sign", {"decision": "approve"}).status_code == 404
    assert cadre.get("/api/v1/reviews?status=nope").status_code == 422
    from liudong.quality import queries_reviews

    review = queries_reviews.review(actor=world["police_officer"], review_id=form.pk)
    assert "phone" not in queries_reviews.form_of(actor=world["police_officer"], review=review)
    assert queries_reviews.form_of(actor=world["township_clerk"], review=review)["phone"] == "13700137000"


def test_R6_invariant3_the_review_queue_logs_the_people_it_shows(world, collector, form):
    from django.test import Client

    from liudong.accounts.models import AuditEvent

    web = Client()
    web.force_login(collector)
    assert web.get("/quality/reviews/").status_code == 200
    event = AuditEvent.objects.get(action="person.review_list", actor=collector)
    assert form.person_id in event.fields["shown"]
