"""Policy and calendar API (P1, X4).

The two calendar operations are open to any authenticated staff: a deadline is public
arithmetic. Reading the policy values in force takes a role that applies them (MANAGE_POLICY,
HANDLE_CASES or VIEW_EXCHANGE); adopting a set or overriding a value takes MANAGE_POLICY. Writes
go through policy.services (invariant 1); errors have the API's one shape (liudong.api).
"""
import datetime
import json
from typing import Any

from ninja import Field, Router, Schema, Status

from liudong.accounts.choices import Action
from liudong.api_schemas import ERRORS, DateText, QueryDate, QueryInt, Text
from liudong.clock import today  # the edge's one reading of the calendar (invariant 4)
from liudong.divisions.queries import parse_division
from liudong.errors import Denied, Invalid

from . import queries, services
from .calendar import CalendarNotLoaded, working_calendar

router = Router(tags=["policy"])

MAX_DAYS = 3650
POLICY_READERS = (Action.MANAGE_POLICY, Action.HANDLE_CASES, Action.VIEW_EXCHANGE)


# ---------------------------------------------------------------- calendar (X4)

class DateOut(Schema):
    date: datetime.date = Field(description="第 N 个工作日 / the Nth working day after start")


class CountOut(Schema):
    count: int = Field(description="start 之后至 end（含）的工作日数 / working days after start up to and including end")


def _required(errors, name, value):
    if value is None:
        errors[name] = ["必填 / required"]


@router.get("/calendar/add-working-days", response={200: DateOut, **ERRORS}, summary="加N个工作日 / add N working days (X4)")
def add_working_days(request, start: QueryDate = None, days: QueryInt = None):
    """X4: the Nth working day after `start` (the day of receipt is not counted; N = 0 gives start).
    422 when a date falls outside the loaded calendar."""
    errors = {}
    _required(errors, "start", start)
    _required(errors, "days", days)
    if days is not None and not 0 <= days <= MAX_DAYS:
        errors["days"] = [f"工作日数应在 0 至 {MAX_DAYS} 之间 / days must lie between 0 and {MAX_DAYS}"]
    if errors:
        raise Invalid(errors)
    cal = working_calendar()
    if not cal.covers(start):
        raise CalendarNotLoaded(start.year, "start")
    return {"date": cal.add_working_days(start, days, field="days")}


@router.get("/calendar/working-days", response={200: CountOut, **ERRORS}, summary="两日之间的工作日数 / working days between two dates (X4)")
def working_days(request, start: QueryDate = None, end: QueryDate = None):
    """X4: the working days after `start` up to and including `end` (so that add-working-days of
    start and the count gives end)."""
    errors = {}
    _required(errors, "start", start)
    _required(errors, "end", end)
    if start and end and end < start:
        errors["end"] = ["结束日期早于开始日期 / end is before start"]
    if errors:
        raise Invalid(errors)
    cal = working_calendar()
    if not cal.covers(start):
        raise CalendarNotLoaded(start.year, "start")
    return {"count": cal.working_days_between(start, end, field="end")}


# ---------------------------------------------------------------- policy values (P1)

class PolicyValueOut(Schema):
    name: str
    value: Any = Field(description="JSON: 整数、true/false、文字或 null / a whole number, true/false, text or null")
    rule_set: str = Field(description="规则集；override 为单项调整 / the set, or override")
    division: str = Field(description="定此值的区划 / the division whose row this is")
    division_name: str
    valid_from: datetime.date
    valid_to: datetime.date | None = Field(description="失效日（不含） / end, exclusive; null while open")
    source: str


class PolicyValuesOut(Schema):
    division: str
    on: datetime.date
    values: list[PolicyValueOut]


class AdoptIn(Schema):
    rule_set: str = Text("规则集 / rule set", 60, required=True, example="national-2021")
    division: str = Text("省（或全国）区划代码 / province (or nation) code", 12, required=True, example="440000000000")
    valid_from: str = DateText("生效日期 / in force from", required=True, example="2021-09-29")


class AdoptOut(Schema):
    rule_set: str
    division: str
    valid_from: datetime.date
    added: list[PolicyValueOut]
    carried: list[PolicyValueOut] = Field(description="采用日之前沿用的值 / values carried at the province up to the adoption date")


class SetValueIn(Schema):
    name: str = Text("政策参数名 / policy value name", 80, required=True, example="birth.verify_request_days")
    value: Any = Field(..., description="新值：与现行值同类的整数、true/false、文字，或可为空的参数取 null / the new value, of the kind in force")
    division: str = Text("区划代码 / division code", 12, required=True, example="440000000000")
    valid_from: str = DateText("生效日期 / in force from", required=True, example="2027-01-01")
    source: str | None = Text("依据 / the document it rests on", 300)


def row_out(r) -> dict:
    return {"name": r.name, "value": r.value, "rule_set": r.rule_set, "division": r.division_id, "division_name": r.division.name,
            "valid_from": r.valid_from, "valid_to": r.valid_to, "source": r.source}


@router.get("/policy/values", response={200: PolicyValuesOut, **ERRORS}, summary="现行政策参数 / policy values in force (P1)")
def policy_values(request, division: str = "", on: QueryDate = None):
    """Every value in force at a division (default: yours) on a date (default: today), with its
    set, the division that set it, its start and source."""
    actor = request.auth
    if not any(actor.can(a) for a in POLICY_READERS):
        raise Denied("角色无权执行此操作 / your role may not do this")
    errors = {}
    place = parse_division({"division": division}, "division", errors) if division else actor.division
    if errors:
        raise Invalid(errors)
    on = on or today()
    return {"division": place.code, "on": on, "values": [row_out(r) for r in queries.values_in_force(place.code, on)]}


@router.post("/policy/adopt", response={201: AdoptOut, **ERRORS}, summary="省采用规则集 / a province adopts a rule set (P1)")
def adopt(request, payload: AdoptIn):
    result = services.adopt_rule_set(actor=request.auth, code=payload.rule_set, division_code=payload.division, valid_from=payload.valid_from)
    return Status(201, {"rule_set": result.rule_set, "division": result.division.code, "valid_from": result.valid_from,
                        "added": [row_out(r) for r in result.added], "carried": [row_out(r) for r in result.carried]})


@router.post("/policy/values", response={201: PolicyValueOut, **ERRORS}, summary="调整一个政策参数 / override one value (P1)")
def set_value(request, payload: SetValueIn):
    row = services.set_value(actor=request.auth, name=payload.name, raw_value=json.dumps(payload.value, ensure_ascii=False), division_code=payload.division, valid_from=payload.valid_from,
                             source=payload.source or "")
    return Status(201, row_out(row))
