"""Issue 14 part 1, R6: the share of the counted records that passed review, shown beside the
people figures (the figures themselves count every registered record; this does not change them).

The review chain (liudong.quality, services_reviews) takes the forms a village collector enters: a
person's registration (`person`) and the opening of a residence period (`arrival`, `move`,
`return`). A record counted in `inflow` (or `outflow`) is a residence period open on the period's
last day; it **passed review as of that day** when each of its two forms - the period's own and
its person's registration - either never entered the chain (entered by a township clerk, the
police, an import, or before a chain was in force: not subject to review) or had completed the
chain by that day (the review approved, its last signature dated on or before the day). A form
still waiting, returned to its collector, or approved only after the day has not passed.

    reviewed share = counted records that passed review / counted records

given for `inflow` and `outflow`, the figures built from residence periods, and for the R5
figures `left_behind_children` and `empty_nest_elderly` (people at home: the counted record is
the person, who passed when her registration form did). The women and births figures are parts
of `inflow`; rental homes and employers are not in the chain (R6 covers persons and residences).

Cost: the records not passed are a conditional count in the figure's own grouped pass
(`failed_q`, people.figures.by_code), the reviews not approved by the day read once as a list
that SQLite and PostgreSQL hold beside the pass. The month close stores the shares of every
division (Report.reviewed: the levels above the county read them there); a village's or
township's page counts them on request with its live figures; `shares` counts one division's
inflow and outflow alone.
"""
import datetime

from django.db.models import Exists, OuterRef, Q

from liudong.divisions.queries import in_range
from liudong.people.figures import living_on
from liudong.people.models import Residence
from liudong.quality.choices import ReviewObject, ReviewState
from liudong.quality.models import Review, Signature

RESIDENCE_FORMS = (ReviewObject.ARRIVAL, ReviewObject.MOVE, ReviewObject.RETURN)
FIGURES = (("inflow", "division_id"), ("outflow", "hukou_division_code"))
DEFINITION = ("审核通过占比 = 期末计入的记录中已通过三级审核（R6）的比例：记录（居住期间及其人员登记）的采集表在期末前已完成审核链，或不需审核"
              "（非信息员录入）；待审核、被退回或期末后才通过的不计 / reviewed share = of the records counted at the period's end, those that "
              "passed the review chain (R6): the residence period's form and the person's registration form each approved by the period's last day, "
              "or never in the chain (not entered by a village collector); a form pending, returned or approved after that day has not passed")


def approved_by(end: datetime.date) -> Q:
    """Reviews whose chain was complete on `end`: approved (final), submitted by then, and no
    signature after it (the last signature is the approving one)."""
    later = Signature.objects.filter(review_id=OuterRef("pk"), signed_on__gt=end)
    return Q(state=ReviewState.APPROVED, submitted_on__lte=end) & ~Q(Exists(later))


def not_passed(end: datetime.date) -> Q:
    """Residence periods one of whose forms entered the chain and had not completed it on `end`."""
    pending = Review.objects.exclude(approved_by(end))
    return (Q(pk__in=pending.filter(object_type__in=RESIDENCE_FORMS).values("object_id"))
            | Q(person_id__in=pending.filter(object_type=ReviewObject.PERSON).values("object_id")))


NAMES = ("inflow", "outflow", "left_behind_children", "empty_nest_elderly")


def failed_q(end: datetime.date) -> dict[str, Q]:
    """For people.figures.by_code: the residence periods (`residence`) and persons (`person`) whose
    records had not passed review on `end`."""
    pending = Review.objects.exclude(approved_by(end))
    return {"residence": not_passed(end), "person": Q(pk__in=pending.filter(object_type=ReviewObject.PERSON).values("object_id"))}


def from_totals(totals: dict) -> dict[str, dict]:
    """{figure: {"counted", "passed", "share"}} from a division's totals holding each figure of
    NAMES and ("failed", figure); a figure not computable (policy missing) is left out."""
    out = {}
    for name in NAMES:
        counted = totals.get(name)
        if counted is None:
            continue
        passed = counted - (totals.get(("failed", name)) or 0)
        out[name] = {"counted": counted, "passed": passed, "share": share(counted, passed)}
    return out


def share(counted: int | None, passed: int | None) -> float | None:
    return round(passed / counted, 4) if counted else None


def shares(code: str, end: datetime.date) -> dict[str, dict]:
    """{figure: {"counted", "passed", "share"}} for the division `code` as of `end`."""
    out = {}
    for name, field in FIGURES:
        counted_qs = Residence.objects.filter(in_range(field, code), living_on(end), floating=True)
        counted = counted_qs.count()
        failed = counted_qs.filter(not_passed(end)).count() if counted else 0
        out[name] = {"counted": counted, "passed": counted - failed, "share": share(counted, counted - failed)}
    return out
