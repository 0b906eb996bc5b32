"""R1, R2, R4: the rules a new residence period obeys, whichever door records it.

`services.record_arrival` (and its move and return), an arrival claim (`services.residence_fields`
when it is made, `services.apply_arrival_claim` when it is accepted) and the bulk import
(`imports.rows`, through `check_period`) all call these checks, so a rule added here holds for
every door (issue 7 item 9: a closed rental home refused an arrival but took one through an
import). The services give them what they read, and locked, for one person; the import what it
preloaded for a batch (rental homes and employers with their division and closing date, the
matched persons' periods): no query is made here.

The rules, each a field error (invariant 7); a field that did not parse (None) skips its rules:
- the residence or the hukou place lies in the actor's subtree (J2: the hukou side records where
  its outflow people went); actor None is the command line;
- the arrival (and a past period's departure) is not in the future and not before her birth; the
  departure is not before the arrival;
- a rental home exists, is in the actor's subtree, lies in the residence division and is not closed
  for the period: a home closed (停租) on D takes nobody who lives there after D, which is every
  open period (services_places.close_housing keeps the same line from the other side);
- an employer exists, is in the actor's subtree and is not closed (注销) for the period, alike;
- the period overlaps none of her other periods (R2): a residence that has not ended is ended first
  by a move or a departure; a move or a return (`closing`: the open period it ends) starts no
  earlier than that period.
Parsing (division codes and levels, dates, texts, choices) is the callers' field work.
"""
import datetime
from typing import NamedTuple

from liudong.codes import code_range
from liudong.identifiers import row_id

FAR = datetime.date.max


class Place(NamedTuple):
    """A rental home or an employer as the rules see it."""

    division_id: str
    closed_on: datetime.date | None


class Span(NamedTuple):
    """One of her residence periods (left None: not ended)."""

    arrived: datetime.date
    left: datetime.date | None


def within(code: str | None, ancestor: str) -> bool:
    low, high = code_range(ancestor)
    return bool(code) and low <= code <= high


def _scope(actor, *codes) -> bool:
    return actor is None or any(code and actor.in_scope(code) for code in codes)


def _add(errors, field, message):
    errors.setdefault(field, []).append(message)


def check_scope(errors, *, actor, division, hukou):
    if division is not None and not _scope(actor, division, hukou):
        _add(errors, "division", "居住地和户籍地都不在您的管辖范围内 / neither the residence nor the hukou place is in your scope")


def check_dates(errors, *, birth, arrived, left, today):
    for field, value in (("arrived_on", arrived), ("left_on", left)):
        if value is None:
            continue
        if value > today:
            _add(errors, field, "日期不能晚于今天 / the date cannot be in the future")
        if birth and value < birth:
            _add(errors, field, "日期早于出生日期 / the date is before the person's birth")
    if arrived and left and left < arrived:
        _add(errors, "left_on", f"离开日期早于到达日期 {arrived} / the departure is before the arrival ({arrived})")


def _closed_for(place: Place, left) -> bool:
    """Closed on D: nobody lives or works there after D (a period that ended by D is history)."""
    return place.closed_on is not None and (left is None or left > place.closed_on)


def check_places(errors, *, actor, division, left, housing_id, employer_id, homes, employers):
    """`homes` and `employers` map row ids to Place (those the caller found; absent: no such row)."""
    if housing_id not in (None, ""):
        home = homes.get(row_id(housing_id))
        if home is None or not _scope(actor, home.division_id):
            _add(errors, "housing_id", "出租房屋不存在或不在您的管辖范围内 / no such rental home in your scope")
        elif _closed_for(home, left):
            _add(errors, "housing_id", f"该出租房屋已于 {home.closed_on} 停租，不能再登记租户 / the rental home was closed on {home.closed_on} and takes no new tenants")
        elif division is not None and not within(home.division_id, division):
            _add(errors, "housing_id", "出租房屋不在该居住地内 / the rental home is not in that division")
    if employer_id not in (None, ""):
        employer = employers.get(row_id(employer_id))
        if employer is None or not _scope(actor, employer.division_id):
            _add(errors, "employer_id", "用工单位不存在或不在您的管辖范围内 / no such employer in your scope")
        elif _closed_for(employer, left):
            _add(errors, "employer_id", f"该用工单位已于 {employer.closed_on} 注销，不能再登记就业 / the employer was closed on {employer.closed_on} and takes no new employees")


def check_overlaps(errors, *, arrived, left, periods, closing: Span | None = None):
    """R2 against her other periods; `closing` is the open period a move or a return ends."""
    if closing is not None and arrived < closing.arrived:
        _add(errors, "arrived_on", f"早于当前居住的开始日期 {closing.arrived} / before the current residence began ({closing.arrived})")
        return
    for other in sorted(periods, key=lambda p: p.arrived, reverse=True):
        if other == closing:
            continue
        if other.arrived < (left or FAR) and arrived < (other.left or FAR):
            if other.left is None:
                _add(errors, "arrived_on", f"与自 {other.arrived} 起尚未结束的居住记录重叠，请先登记迁移或离开 / overlaps the residence since {other.arrived}, which has not ended: record a move or a departure first")
            else:
                _add(errors, "arrived_on", f"与 {other.arrived} 至 {other.left} 的居住记录重叠 / overlaps the residence from {other.arrived} to {other.left}")
            return


def check_period(errors, *, actor, division, hukou, birth, arrived, left=None, today, housing_id=None, employer_id=None,
                 homes, employers, periods=None, closing: Span | None = None):
    """Every rule above for one new period; appends to `errors`. `division` is the residence code
    (None when its field was bad), `periods` her other periods (None when she is not known yet:
    a row whose identity did not parse)."""
    check_scope(errors, actor=actor, division=division, hukou=hukou)
    before = len(errors.get("arrived_on", ()))
    check_dates(errors, birth=birth, arrived=arrived, left=left, today=today)
    check_places(errors, actor=actor, division=division, left=left, housing_id=housing_id, employer_id=employer_id, homes=homes, employers=employers)
    if arrived is not None and periods is not None and len(errors.get("arrived_on", ())) == before:
        check_overlaps(errors, arrived=arrived, left=left, periods=periods, closing=closing)
