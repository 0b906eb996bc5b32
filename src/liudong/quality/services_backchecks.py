"""R7: back-checks (part 6 五; part 2, 2.4), as services (invariant 1).

Each month a random sample of each collector's records (the forms she entered that month, as the
review chain knows them) is assigned for a re-visit; the share is policy (backcheck.sample_percent,
invariant 5). The draw's seed is recorded: the same division, month and seed draw the same items
again, to be shown to an inspector. A sampled person living in a rental home brings every tenant of
that home into the draw (grouped reverse check). Unannounced spot checks are recorded as such.
Results are correct, or corrected with the fields that were wrong; they give the error rate per
collector and per village by month (queries below)."""
import datetime
import math
import random
import secrets

from django.db import transaction
from django.db.models import Count, Q

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid, NotFound
from liudong.people import scope
from liudong.people.models import Residence
from liudong.policy.services import value as policy_value

from .choices import BackcheckKind, BackcheckResult
from .models import BackcheckDraw, BackcheckItem, Review

NO_ITEM = "复核项不存在或不在您的管辖范围内 / no such back-check in your area"
# The fields a back-check may find wrong (those a collector enters).
CHECKED_FIELDS = ("name", "id_number", "sex", "birth_date", "phone", "hukou_address", "address", "arrived_on", "housing", "employer", "education", "marital_status")
MAX_SEED = 2**62


def _period(raw, errors) -> tuple[str, datetime.date, datetime.date] | None:
    text = str(raw or "").strip()
    try:
        start = datetime.date(int(text[:4]), int(text[5:7]), 1) if len(text) == 7 and text[4] == "-" else None
    except ValueError:
        start = None
    if start is None:
        fields.add(errors, "period", "月份应为 YYYY-MM / a month is written YYYY-MM")
        return None
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return text, start, end


def _seed(raw, errors) -> int | None:
    if raw in (None, ""):
        return secrets.randbelow(MAX_SEED)
    try:
        seed = int(raw)
    except (TypeError, ValueError):
        seed = -1
    if not 0 <= seed < MAX_SEED:
        fields.add(errors, "seed", f"应为 0 到 {MAX_SEED - 1} 的整数 / a whole number from 0 to {MAX_SEED - 1}")
        return None
    return seed


def sample(population: dict[int, list[int]], *, seed: int, percent: int) -> list[tuple[int, int]]:
    """(collector, person) drawn: for each collector, ceil(percent % of her records), at least one,
    by a generator seeded with (seed, collector): the same seed draws the same items."""
    out = []
    for collector in sorted(population):
        people = sorted(set(population[collector]))
        k = min(len(people), max(1, math.ceil(len(people) * percent / 100)))
        rng = random.Random(f"{seed}:{collector}")
        out.extend((collector, pid) for pid in sorted(rng.sample(people, k)))
    return out


@transaction.atomic
def draw(*, actor, data: dict, today: datetime.date) -> BackcheckDraw:
    """Draw (or draw again, with the same seed) a month's back-checks of a division."""
    require(actor, Action.RUN_BACKCHECKS)
    errors: dict[str, list[str]] = {}
    division = parse_division(data, "division", errors, actor=actor)
    period = _period(data.get("period"), errors)
    seed = _seed(data.get("seed"), errors)
    if period and period[1] > today:
        fields.add(errors, "period", "不能抽取未来月份 / a month still to come cannot be drawn")
    if errors:
        raise Invalid(errors)
    label, start, end = period
    existing = BackcheckDraw.objects.filter(division=division.code, period=label, seed=seed).first()
    if existing is not None:
        return existing
    percent = int(policy_value("backcheck.sample_percent", division.code, on=start))
    forms = Review.objects.filter(division__startswith=division.prefix, submitted_on__gte=start, submitted_on__lt=end, person__isnull=False,
                                  person__merged_into__isnull=True).values_list("collector_id", "person_id", "division")
    population: dict[int, list[int]] = {}
    village_of: dict[tuple[int, int], str] = {}
    for collector, pid, village in forms:
        population.setdefault(collector, []).append(pid)
        village_of[(collector, pid)] = village
    the_draw = BackcheckDraw.objects.create(division=division.code, period=label, seed=seed, sample_percent=percent, drawn_on=today,
                                            drawn_by=actor if getattr(actor, "pk", None) else None)
    items, seen = [], set()
    for collector, pid in sample(population, seed=seed, percent=percent):
        seen.add(pid)
        items.append(BackcheckItem(draw=the_draw, kind=BackcheckKind.SAMPLE, person_id=pid, collector_id=collector, village=village_of[(collector, pid)], period=label))
    # Grouped reverse checks: every tenant of a sampled person's rental home (R7, 2-2.4).
    homes = dict(Residence.objects.filter(person_id__in=seen, left_on__isnull=True, housing__isnull=False).values_list("person_id", "housing_id"))
    for housing_id in sorted(set(homes.values())):
        tenants = Residence.objects.filter(housing_id=housing_id, left_on__isnull=True).order_by("person_id").values_list("person_id", "division_id")
        for pid, village in tenants:
            if pid not in seen:
                seen.add(pid)
                items.append(BackcheckItem(draw=the_draw, kind=BackcheckKind.RENTAL_GROUP, person_id=pid, village=village, housing_id=housing_id, period=label))
        for item in items:
            if homes.get(item.person_id) == housing_id:
                item.housing_id = housing_id
    BackcheckItem.objects.bulk_create(items)
    record(actor, "backcheck.draw", obj=the_draw, fields={"division": division.code, "period": label, "seed": seed, "percent": percent, "items": len(items)})
    return the_draw


def _locked_item(actor, item_id) -> BackcheckItem:
    item = BackcheckItem.objects.select_for_update().filter(pk=item_id).first() if item_id else None
    if item is None or not actor.in_scope(item.village) or not scope.reaches(actor, item.person_id):
        raise NotFound(NO_ITEM)
    return item


def _result_fields(data, errors):
    result = data.get("result")
    if result not in BackcheckResult.values:
        fields.add(errors, "result", "应为 correct 或 corrected / must be correct or corrected")
    wrong = data.get("fields") or []
    if not isinstance(wrong, list) or any(f not in CHECKED_FIELDS for f in wrong):
        fields.add(errors, "fields", f"应为以下字段的列表：{', '.join(CHECKED_FIELDS)} / a list of: {', '.join(CHECKED_FIELDS)}")
        wrong = []
    if result == BackcheckResult.CORRECTED and not wrong and "fields" not in errors:
        fields.add(errors, "fields", "有误时须列出更正的字段 / name the fields corrected")
    if result == BackcheckResult.CORRECT and wrong:
        fields.add(errors, "fields", "准确时不列字段 / a correct record has no corrected fields")
    checked_on = fields.date(data, "checked_on", errors, required=True)
    note = fields.text(data, "note", errors, max_length=200)
    return result, sorted(set(wrong)), checked_on, note


@transaction.atomic
def record_result(*, actor, item_id, data: dict, today: datetime.date) -> BackcheckItem:
    require(actor, Action.RUN_BACKCHECKS)
    item = _locked_item(actor, item_id)
    errors: dict[str, list[str]] = {}
    result, wrong, checked_on, note = _result_fields(data, errors)
    if checked_on and checked_on > today:
        fields.add(errors, "checked_on", "复核日期不能晚于今天 / the check cannot be after today")
    if item.result:
        fields.add(errors, "result", "该项已有复核结果 / this back-check has its result already")
    if errors:
        raise Invalid(errors)
    item.result, item.corrected_fields, item.checked_on, item.note = result, wrong, checked_on, note or ""
    item.checked_by = actor
    item.save(update_fields=["result", "corrected_fields", "checked_on", "note", "checked_by"])
    record(actor, "backcheck.result", obj=item, person_id=item.person_id, fields={"result": result, "fields": wrong, "kind": item.kind})
    return item


@transaction.atomic
def spot_check(*, actor, data: dict, today: datetime.date) -> BackcheckItem:
    """An unannounced spot check (2-2.4), recorded as such with its result."""
    require(actor, Action.RUN_BACKCHECKS)
    errors: dict[str, list[str]] = {}
    pid = data.get("person_id")
    if not isinstance(pid, int) or isinstance(pid, bool) or not 0 < pid < 2**63 or not scope.reaches(actor, pid):
        raise NotFound("人员不存在或不在您的管辖范围内 / no such person in your scope")
    review = Review.objects.filter(person_id=pid).order_by("-submitted_on", "-id").first()
    result, wrong, checked_on, note = _result_fields(data, errors)
    if checked_on and checked_on > today:
        fields.add(errors, "checked_on", "抽查日期不能晚于今天 / the check cannot be after today")
    if errors:
        raise Invalid(errors)
    village = review.division if review else (Residence.objects.filter(person_id=pid, left_on__isnull=True).values_list("division_id", flat=True).first() or actor.division_id)
    item = BackcheckItem.objects.create(kind=BackcheckKind.SPOT, person_id=pid, collector_id=review.collector_id if review else None, village=village,
                                        period=checked_on.strftime("%Y-%m"), result=result, corrected_fields=wrong, checked_on=checked_on,
                                        note=note or "", checked_by=actor)
    record(actor, "backcheck.spot", obj=item, person_id=pid, fields={"result": result, "fields": wrong, "unannounced": True})
    return item


def error_rates(*, actor, division, by: str = "collector") -> list[dict]:
    """Per collector (or village) and month: records checked, corrected, and the error rate."""
    require(actor, Action.RUN_BACKCHECKS)
    key = "collector__username" if by == "collector" else "village"
    rows = (BackcheckItem.objects.filter(village__startswith=division.prefix).exclude(result="")
            .values(key, "period").annotate(checked=Count("id"), corrected=Count("id", filter=Q(result=BackcheckResult.CORRECTED))).order_by(key, "period"))
    return [{"who": r[key] or "", "period": r["period"], "checked": r["checked"], "corrected": r["corrected"],
             "rate": round(r["corrected"] / r["checked"], 4) if r["checked"] else 0.0} for r in rows]
