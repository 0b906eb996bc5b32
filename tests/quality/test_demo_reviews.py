"""R6 in the demo (issue 15): a village's collector-registered rental homes and persons are signed
through the chain by the services (demo/reviews.py), so that the review queues show approved forms,
forms waiting at each step and one returned with its reason; every signature keeps who and when."""
from liudong.demo.reviews import build_demo_reviews
from liudong.people import services, services_places
from liudong.quality.models import Review, Signature
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .test_reviews import experienced  # noqa: F401  (fixture: the township's two reviewers marked)

CHAIN = ("village_cadre", "police_officer", "township_clerk", "township_head")


def test_R6_the_demo_step_signs_collected_forms_into_every_state(world, experienced):  # noqa: F811
    collector = world["village_collector"]
    owner, _ = services.register_person(actor=world["township_clerk"], data={"id_number": make_id("440305", "19600101", 20), "name": "房东",
                                                                             "hukou_division": NANTOU_V1}, today=TODAY)
    for n in range(8):
        services_places.register_housing(actor=collector, data={"division": NANTOU_V1, "address": f"红花园{n}栋", "owner_id": owner.pk}, today=TODAY)
    for n in range(3):
        services.register_person(actor=collector, data={"id_number": make_id("511921", "19870303", 60 + 2 * n), "name": "赵敏" + "甲乙丙"[n], "hukou_division": TONGJIANG_V},
                                 today=TODAY)
    counts = build_demo_reviews(TODAY, log=lambda *_: None, village=NANTOU_V1, chain=CHAIN)
    homes = Review.objects.filter(division=NANTOU_V1, object_type="housing")
    # Seven of the eight signed as the plan goes (approved, returned, police, township, approved, approved, police).
    assert homes.filter(state="approved").count() == 3
    assert homes.filter(state="pending", step_index=1).count() == 2  # at the police
    assert homes.filter(state="pending", step_index=2).count() == 1  # at the township, one reviewer signed
    assert homes.filter(state="pending", step_index=0).count() == 1  # the last waits for the group leader
    [returned] = Review.objects.filter(state="returned")
    assert "房主身份证号" in returned.reason and returned.object_type == "housing"
    persons = Review.objects.filter(division=NANTOU_V1, object_type="person")
    assert sorted(persons.values_list("state", "step_index")) == [("approved", 3), ("pending", 0), ("pending", 1)], list(persons.values_list("object_type", "object_id", "state", "step_index"))
    approved = homes.filter(state="approved").first()
    assert list(Signature.objects.filter(review=approved).values_list("step", "signed_by__username")) == [
        ("group_leader", "village_cadre"), ("police", "police_officer"), ("township", "township_clerk"), ("township", "township_head")]
    assert counts == {"forms approved": 4, "forms at the township": 1, "forms at the police": 3, "forms returned": 1}

