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


@pytest.fixture(autouse=True)
def experienced(world):
    """R6: the township step is signed by reviewers marked experienced (by the account manager)."""
    from liudong.accounts.staff import set_review_marks

    for name in ("township_clerk", "township_head"):
        world[name] = set_review_marks(actor=world["admin"], username=name, experienced_reviewer=True)


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


# ---------------------------------------------------------------- rental homes, employers, group leader, experienced reviewers

@pytest.fixture
def owner(clerk):
    from liudong.people import services

    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("440305", "19600101", 20), "name": "房东", "hukou_division": NANTOU_V1,
                                                           "phone": "13900139000"}, today=TODAY)
    return person


def test_R6_a_rental_home_and_an_employer_entered_by_a_collector_go_through_the_chain(world, collector, owner):
    from liudong.people import services_places
    from liudong.quality import queries_reviews

    home = services_places.register_housing(actor=collector, data={"division": NANTOU_V1, "address": "红花园9栋", "owner_id": owner.pk}, today=TODAY)
    firm = services_places.register_employer(actor=collector, data={"division": NANTOU_V1, "name": "红花园电子厂", "contact_name": "陈工", "contact_phone": "13600136000"},
                                             today=TODAY)
    h = Review.objects.get(object_type="housing", object_id=home.pk)
    e = Review.objects.get(object_type="employer", object_id=firm.pk)
    assert (h.state, h.step, h.person_id, e.step) == ("pending", "group_leader", None, "group_leader")
    # The police step sees the forms without phones (the owner's, the employer's contact's).
    police_view = queries_reviews.form_of(actor=world["police_officer"], review=h)
    assert police_view["owner"] == "房东" and "phone" not in police_view
    assert "phone" not in queries_reviews.form_of(actor=world["police_officer"], review=e)
    assert queries_reviews.form_of(actor=world["township_clerk"], review=e)["phone"] == "13600136000"
    sign(world["village_cadre"], h)
    returned = sign(world["police_officer"], h, decision="return", reason="间数与实地不符")
    assert (returned.state, returned.reason) == ("returned", "间数与实地不符")
    services_places.update_housing(actor=collector, housing_id=home.pk, data={"rooms": 3}, today=TODAY)
    reviews.resubmit(actor=collector, review_id=h.pk, today=TODAY)
    for actor in ("village_cadre", "police_officer", "township_clerk", "township_head"):
        h = sign(world[actor], h)
    assert h.state == "approved"
    assert Signature.objects.filter(review=h).count() == 6  # 1 + the return, then 4 of the second submission
    history = queries_reviews.history_of(h)
    assert history[0][1] is True and history[1][2][0][1:] == (1, 3)  # registered, then rooms 1 -> 3


def test_R6_homes_and_employers_entered_by_clerks_are_not_reviewed(world, clerk, owner):
    from liudong.people import services_places

    home = services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园8栋", "owner_id": owner.pk}, today=TODAY)
    assert not Review.objects.filter(object_type="housing", object_id=home.pk).exists()


@pytest.fixture
def leader(world):
    """A second collector of 红花园社区, marked group leader by the administrator."""
    from liudong.accounts.choices import Role
    from liudong.accounts.staff import add_staff, set_review_marks

    add_staff(actor=world["admin"], username="hhy_leader", role=Role.VILLAGE_COLLECTOR, division_code=NANTOU_V1, password="Liudong-test-pw-2026")
    return set_review_marks(actor=world["admin"], username="hhy_leader", group_leader=True)


def test_R6_a_collector_marked_group_leader_signs_the_first_step_of_others_forms_not_her_own(world, collector, form, leader):
    from liudong.accounts.models import AuditEvent
    from liudong.people import services

    with pytest.raises(Invalid) as e:
        sign(collector, form)  # an unmarked collector is no group leader
    assert "step" in e.value.errors
    assert sign(leader, form).step == "police"
    mark = AuditEvent.objects.get(action="staff.mark", object_id=str(leader.pk))
    assert mark.fields["group_leader"] == [False, True] and mark.actor_name == "admin"
    own, _ = services.register_person(actor=leader, data={"id_number": make_id("511921", "19980101", 50), "name": "周晴", "hukou_division": TONGJIANG_V}, today=TODAY)
    review = Review.objects.get(object_type="person", object_id=own.pk)
    with pytest.raises(Invalid) as e:
        sign(leader, review)
    assert "自己" in e.value.errors["step"][0]
    assert sign(world["village_cadre"], review).step == "police"  # the village cadre still can


def test_R6_group_leader_sees_the_village_queue_on_the_page(world, collector, form, leader):
    from django.test import Client

    web = Client()
    web.force_login(leader)
    page = web.get("/quality/reviews/").content.decode()
    assert "赵敏" in page and f"/quality/reviews/{form.pk}/" in page
    web.force_login(collector)
    page = web.get("/quality/reviews/").content.decode()
    assert 'id="my-reviews"' not in page and 'id="own-reviews"' in page


def test_R6_marks_only_on_the_roles_they_fit_and_only_by_account_managers(world):
    from liudong import clock
    from liudong.accounts.models import StaffMark
    from liudong.accounts.staff import set_review_marks
    from liudong.errors import Denied

    with pytest.raises(Invalid) as e:
        set_review_marks(actor=world["admin"], username="village_cadre", group_leader=True)
    assert "group_leader" in e.value.errors
    with pytest.raises(Invalid) as e:
        set_review_marks(actor=world["admin"], username="police_officer", experienced_reviewer=True)
    assert "experienced_reviewer" in e.value.errors
    with pytest.raises(Denied):
        set_review_marks(actor=world["township_clerk"], username="village_collector", group_leader=True)
    assert not StaffMark.objects.filter(mark="group_leader").exists()
    # The command line (the system, as for the other account commands).
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("staff", "mark", "village_collector", "--group-leader", "yes", stdout=out)
    assert "group leader yes" in out.getvalue()
    assert type(world["village_collector"]).objects.get(username="village_collector").holds_mark("group_leader", clock.today())


def test_R6_the_township_step_needs_experienced_reviewers(world, form):
    from liudong.accounts.staff import set_review_marks

    sign(world["village_cadre"], form)
    sign(world["police_officer"], form)
    set_review_marks(actor=world["admin"], username="township_head", experienced_reviewer=False)
    world["township_head"].refresh_from_db()
    with pytest.raises(Invalid) as e:
        sign(world["township_head"], form)
    assert "审核人" in e.value.errors["step"][0]
    assert sign(world["township_clerk"], form).step == "township"


def test_R6_a_mark_holds_from_a_date_until_a_date_and_the_chain_asks_for_the_signing_day(world, form):
    """Dated marks: the township step is signed by a reviewer marked experienced on the signing
    day; a mark that ended, or begins later, does not count; the audit keeps every change."""
    import datetime

    from liudong.accounts.models import AuditEvent, StaffMark
    from liudong.accounts.staff import set_review_marks

    day = datetime.timedelta(days=1)
    sign(world["village_cadre"], form)
    sign(world["police_officer"], form)
    # The head's mark (open, from the fixture) ends the day before TODAY; it holds again from TODAY + 10.
    set_review_marks(actor=world["admin"], username="township_head", experienced_reviewer=False, valid_from=TODAY)
    set_review_marks(actor=world["admin"], username="township_head", experienced_reviewer=True, valid_from=TODAY + 10 * day, valid_until=TODAY + 20 * day)
    head = type(world["township_head"]).objects.get(username="township_head")
    assert list(StaffMark.objects.filter(staff=head).values_list("valid_from", "valid_until")) == [(None, TODAY - day), (TODAY + 10 * day, TODAY + 20 * day)]
    assert head.holds_mark("experienced_reviewer", TODAY - day) and not head.holds_mark("experienced_reviewer", TODAY)
    with pytest.raises(Invalid) as e:
        sign(head, form)  # not marked on the signing day
    assert "审核人" in e.value.errors["step"][0]
    sign(world["township_clerk"], form)
    later = reviews.sign(actor=head, review_id=form.pk, decision="approve", today=TODAY + 15 * day, now=timezone.now())
    assert later.state == "approved"
    with pytest.raises(Invalid) as e:  # an until before the from: nothing written
        set_review_marks(actor=world["admin"], username="township_head", experienced_reviewer=True, valid_from=TODAY, valid_until=TODAY - day)
    assert "valid_until" in e.value.errors
    events = AuditEvent.objects.filter(action="staff.mark", object_id=str(head.pk)).order_by("id")
    assert [e.fields["experienced_reviewer"] for e in events] == [[False, True], [True, False], [False, True]]
    assert events.last().fields["periods"]["experienced_reviewer"] == [f"…/{TODAY - day}", f"{TODAY + 10 * day}/{TODAY + 20 * day}"]


def test_R6_the_staff_mark_command_takes_from_and_until(world):
    from io import StringIO

    from django.core.management import call_command

    from liudong.accounts.models import StaffMark

    out = StringIO()
    call_command("staff", "mark", "village_collector", "--group-leader", "yes", "--from", "2026-01-01", "--until", "2026-06-30", stdout=out)
    assert "2026-01-01 – 2026-06-30" in out.getvalue()
    assert list(StaffMark.objects.filter(staff__username="village_collector").values_list("mark", "valid_from", "valid_until")) == [
        ("group_leader", datetime_date(2026, 1, 1), datetime_date(2026, 6, 30))]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("staff", "mark", "village_collector", "--group-leader", "yes", "--from", "2026-13-01", stdout=out)


def datetime_date(*a):
    import datetime

    return datetime.date(*a)
