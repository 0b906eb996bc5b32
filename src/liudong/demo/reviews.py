"""Demo review chain (R6, issue 15): 南头城社区's collector-registered forms - its rental homes and
the persons (newborns and their arrivals) its collector entered - go through the chain, so that
the queues show every state: some approved by every step (group leader 南头城社区's cadre, 南头街道's
police, then its two experienced reviewers), some waiting at the police or the township step, one
returned by the police with its reason, the rest pending at the group leader.

Through the services only (invariant 1), signed on the world date (invariant 4). Call
`build_demo_reviews(day)` after DemoWorld.build() (services.build_demo does)."""
import datetime

from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.quality import services_reviews as reviews
from liudong.quality.choices import ReviewObject, ReviewState
from liudong.quality.models import Review

VILLAGE = "440305001001"  # 南头城社区
CHAIN = ("nantou_cadre", "nantou_police", "nantou_clerk", "nantou_head")  # group leader, police, two township reviewers
PLAN = ("approved", "returned", "police", "township", "approved", "approved", "police", "township", "approved", "approved")
PERSON_PLAN = ("approved", "police")
RETURN_REASON = "房主身份证号与房产证不一致，请核对 / the owner's ID number differs from the deed: please check"


def build_demo_reviews(day: datetime.date, *, log=print, village: str = VILLAGE, chain=CHAIN) -> dict:
    staff = {s.username: s for s in Staff.objects.filter(username__in=chain)}
    if len(staff) < len(chain):
        return {}
    cadre, police, clerk, head = (staff[u] for u in chain)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

    def sign(review, actor, decision="approve", reason=""):
        return reviews.sign(actor=actor, review_id=review.pk, decision=decision, reason=reason, today=day, now=at)

    pending = Review.objects.filter(division=village, state=ReviewState.PENDING).order_by("id")
    homes = list(pending.filter(object_type=ReviewObject.HOUSING)[:len(PLAN)])
    persons = list(pending.exclude(object_type__in=(ReviewObject.HOUSING, ReviewObject.EMPLOYER))[:len(PLAN)])
    counts = {"forms approved": 0, "forms at the township": 0, "forms at the police": 0, "forms returned": 0}
    for forms in (homes, persons):
        # However few forms the village has (the world's size decides), the first ones show each
        # state; the last one stays pending at the group leader.
        for form, state in zip(forms[:-1] if len(forms) > 1 else forms, PLAN if forms is homes else PERSON_PLAN):
            sign(form, cadre)
            if state == "returned":
                sign(form, police, "return", RETURN_REASON)
                counts["forms returned"] += 1
                continue
            if state == "police":
                counts["forms at the police"] += 1
                continue
            sign(form, police)
            sign(form, clerk)
            if state == "township":  # one of the two township signatures: the second reviewer's is due
                counts["forms at the township"] += 1
                continue
            sign(form, head)
            counts["forms approved"] += 1
    log(f"review chain: {counts}")
    return counts
