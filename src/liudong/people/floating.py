"""J2: who counts as floating, and the recount of records made under the earlier rule.

The 2009 条例 (国务院令第555号) 第二条: a floating person lives in another county-level division than
her hukou (离开户籍所在地的县、市或者市辖区), but not (一) a short stay "因出差、就医、上学、旅游、探亲、访友
等事由异地居住、预期将返回户籍所在地居住", nor (二) "在直辖市、设区的市行政区域内区与区之间异地居住".
The districts of a city are told apart by divisions.kinds; a short stay is a residence whose reason
is one of SHORT_STAY_REASONS and whose collector recorded that a return is expected.

Pure functions here (no model imports), so that migrations and bulk paths share them.
"""
from collections import Counter

from liudong.divisions.queries import same_j2_area

from .choices import SHORT_STAY_REASONS, ResidenceEnd


def floating_for(residence_code: str, hukou_code: str, *, reason: str = "", expects_return: bool = False, kinds: dict | None = None) -> bool:
    if expects_return and reason in SHORT_STAY_REASONS:
        return False
    return not same_j2_area(residence_code, hukou_code, kinds)


def current_floating(periods) -> tuple[str | None, bool]:
    """Invariant 6 (as services._sync_current): (residence division, floating) of a person from her
    periods given as (arrived_on, id, division, left_on, floating, end_kind, expects_return)."""
    if not periods:
        return None, False
    for arrived, _id, division, left, floating, _end, _short in periods:
        if left is None:
            return division, floating
    _a, _i, _d, _l, floating, end_kind, short_stay = max(periods, key=lambda p: (p[0], p[1]))
    return None, bool(not short_stay and (floating or end_kind == ResidenceEnd.DEPARTURE))


def _counts(Person):
    """Floating people by county of residence (inflow) and by hukou county (outflow)."""
    inflow, outflow = Counter(), Counter()
    for residence, hukou in Person.objects.filter(floating=True).values_list("residence_division_id", "hukou_division_id").iterator(chunk_size=5000):
        if residence:
            inflow[residence[:6]] += 1
        outflow[hukou[:6]] += 1
    return inflow, outflow


def recount(Person, Residence, Division, *, out=print, chunk=500) -> dict:
    """Recompute `floating` of every residence recorded as floating and of the people they belong
    to, under the rule above; print the inflow and outflow counts before and after for each county
    whose counts change, so that a county knows why last month's printed register differs.

    Only periods recorded as floating can change: the earlier rule (another county) counted a
    superset of the people this one counts. Takes the model classes (a migration passes its
    historical ones). Returns {"residences": n changed, "people": n changed}."""
    kinds = dict(Division.objects.exclude(kind="").values_list("code", "kind"))
    names = {c: n for c, n in Division.objects.filter(level__in=(2, 3)).values_list("code", "name")}
    stale, people = [], set()
    rows = Residence.objects.filter(floating=True).values_list("id", "person_id", "division_id", "hukou_division_code", "reason", "expects_return")
    for rid, pid, division, hukou, reason, expects_return in rows.iterator(chunk_size=5000):
        if not floating_for(division, hukou, reason=reason, expects_return=expects_return, kinds=kinds):
            stale.append(rid)
            people.add(pid)
    if not stale:
        return {"residences": 0, "people": 0}
    before = _counts(Person)
    for i in range(0, len(stale), chunk):
        Residence.objects.filter(id__in=stale[i : i + chunk]).update(floating=False)
    people = sorted(people)
    changed = 0
    for i in range(0, len(people), chunk):
        ids = people[i : i + chunk]
        periods: dict[int, list] = {}
        for pid, *period in Residence.objects.filter(person_id__in=ids).values_list(
            "person_id", "arrived_on", "id", "division_id", "left_on", "floating", "end_kind", "expects_return"
        ):
            periods.setdefault(pid, []).append(tuple(period))
        for pid, was in Person.objects.filter(id__in=ids).values_list("id", "floating"):
            _where, floating = current_floating(periods.get(pid, []))
            if floating != was:
                Person.objects.filter(id=pid).update(floating=floating)
                changed += 1
    after = _counts(Person)
    out(f"J2 流动人口重新认定（《流动人口计划生育工作条例》第二条：同一直辖市、设区的市的区与区之间居住、预期返回的短期居住不计）："
        f"{len(stale)} 条居住记录、{changed} 人不再计为流动人口 / J2 recount (2009 条例 art. 2): {len(stale)} residence periods and "
        f"{changed} people no longer count as floating")
    out("  县级区划 county: 流入 inflow 前 before → 后 after; 流出 outflow 前 before → 后 after")
    for county in sorted(set(before[0]) | set(before[1]) | set(after[0]) | set(after[1])):
        b_in, a_in, b_out, a_out = before[0][county], after[0][county], before[1][county], after[1][county]
        if (b_in, b_out) != (a_in, a_out):
            code = county.ljust(12, "0")
            out(f"  {county} {names.get(code, names.get(county[:4].ljust(12, '0'), ''))}: 流入 inflow {b_in} → {a_in}; 流出 outflow {b_out} → {a_out}")
    return {"residences": len(stale), "people": changed}
