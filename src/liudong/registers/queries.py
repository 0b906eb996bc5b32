"""R3: the inflow register (流入人口登记册) and the outflow register (流出人口登记簿) of a division
for a period, as views of the residence history (never a stored copy).

- inflow of D: residence periods in D's subtree, lived while floating (J2: residence side);
- outflow of D: residence periods, lived while floating, of people whose hukou place (as recorded
  with the period) is in D's subtree, wherever they lived (J2: hukou side).

A period is listed when it began on or before the last day and had not ended before the first day
(a departure on the first day is still listed), so that every arrival and departure dated inside
the period appears in that period's register.

Every read is scoped (invariant 2: D must lie in the actor's subtree, else "not found") and
logged with the persons shown (invariant 3). Registers carry no phone numbers and no sensitive
fields. The certificate columns (持证时间 of the inflow register, 办证时间 of the outflow register)
are filled by the certificates app through ROW_FILLERS (C1-C6): the issue date of the certificate
she held in the period; empty when she held none.
"""
import dataclasses
import datetime
import re

from django.db.models import Count, Q

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.models import Division
from liudong.divisions.queries import DivisionNames, in_range
from liudong.errors import Invalid, NotFound
from liudong.people.choices import MaritalStatus, MoveReason, Relation, ResidenceStart, Sex
from liudong.people.models import FamilyLink, Residence

KINDS = ("inflow", "outflow")
TITLES = {"inflow": "流入人口登记册", "outflow": "流出人口登记簿"}
TITLES_EN = {"inflow": "inflow register", "outflow": "outflow register"}
MAX_PERIOD_YEARS = 5
PAGE_SIZE = 50
MAX_LIMIT = 200
READ_CHUNK = 2000


@dataclasses.dataclass(frozen=True)
class Column:
    key: str      # key in the API's JSON rows
    header: str   # printed header
    width: float  # .xlsx column width (characters)
    mm: float     # PDF column width; each register's columns fill the 277 mm of an A4 landscape page


# R3: the printed columns, in order, after part 11: the inflow register (流入人口持验证登记册)
# 性别、年龄、婚育状况、流入时间、户籍地、持证时间、返乡流入记录; the outflow register (流出人口登记簿)
# 婚育状况、流出时间、流出地、办证时间、返乡流出记录. `seq` is the row number within the register. The
# certificate columns (持证时间, 办证时间) come from the certificates (ROW_FILLERS, C1-C6): an
# empty cell when she held none, never a made-up value.
COLUMNS = {
    "inflow": [
        Column("seq", "序号", 7, 8), Column("name", "姓名", 10, 14), Column("sex", "性别", 5, 7), Column("birth_date", "出生日期", 11, 17),
        Column("id_number", "身份证号", 20, 31), Column("marriage", "婚育状况", 12, 14), Column("hukou_place", "户籍地", 28, 28),
        Column("address", "现居住地址", 28, 28), Column("arrived_on", "流入日期", 11, 17), Column("left_on", "离开日期", 11, 17),
        Column("returns", "返乡流入记录", 18, 20), Column("certificate_held_on", "持证时间", 11, 13), Column("reason", "流动原因", 10, 12),
        Column("housing", "出租房屋", 22, 20), Column("employer", "用工单位", 22, 20), Column("recorded_by", "登记单位", 14, 13),
    ],
    "outflow": [
        Column("seq", "序号", 7, 8), Column("name", "姓名", 10, 14), Column("sex", "性别", 5, 7), Column("birth_date", "出生日期", 11, 17),
        Column("id_number", "身份证号", 20, 31), Column("marriage", "婚育状况", 12, 14), Column("hukou_address", "户籍地址", 30, 48),
        Column("residence_place", "流入地", 34, 52), Column("left_home_on", "外出日期", 11, 17), Column("left_on", "离开日期", 11, 17),
        Column("returns", "返乡流出记录", 18, 22), Column("certificate_issued_on", "办证时间", 11, 13), Column("reason", "流动原因", 10, 12),
    ],
}

_SEX = {v: label.split(" ")[0] for v, label in Sex.choices}
_REASON = {v: label.split(" ")[0] for v, label in MoveReason.choices}
_MARITAL = {v: label.split(" ")[0] for v, label in MaritalStatus.choices}


@dataclasses.dataclass(frozen=True)
class RegisterRequest:
    kind: str
    division: Division
    start: datetime.date
    end: datetime.date

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def heading(self) -> str:
        """E.g. "南头街道 流入人口登记册 2026-01-01 至 2026-11-28"."""
        return f"{self.division.name} {self.title} {self.start.isoformat()} 至 {self.end.isoformat()}"

    @property
    def columns(self) -> list[Column]:
        return COLUMNS[self.kind]

    def params(self) -> dict:
        return {"kind": self.kind, "division": self.division.code, "start": self.start.isoformat(), "end": self.end.isoformat()}


def _years_later(day: datetime.date, years: int) -> datetime.date | None:
    if day.year + years > datetime.MAXYEAR:
        return None  # no later date exists, so no period from here is too long
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def missing_division(code) -> str:
    """The same words for a code that does not exist and one outside the actor's area (invariant 2)."""
    return f"本辖区内没有区划代码为 {code} 的区划 / no division with code {code} in your area"


def parse(*, actor, action: str, kind, division, start, end) -> RegisterRequest:
    """Check the role, the input and the scope. Raises Denied (role), Invalid (field errors, all
    at once) or NotFound (a division outside the actor's subtree, invariant 2)."""
    require(actor, action)
    errors: dict[str, list[str]] = {}
    given = {"kind": kind, "division": division, "start": start, "end": end}
    choose = f"应为 {' 或 '.join(KINDS)} / must be {' or '.join(KINDS)}"
    kind = fields.choice(given, "kind", errors, choices=KINDS, required=True, missing=choose, invalid=choose)
    code = fields.division_code(given, "division", errors, required=False) or ("" if "division" in errors else actor.division_id)
    target = None
    if code:
        target = Division.objects.filter(code=code).first()
        if target is None:
            errors["division"] = [missing_division(code)]
        elif not actor.in_scope(target.code):
            raise NotFound(missing_division(code))
    start_d, end_d = fields.period(given, errors, longer=lambda first, last: (limit := _years_later(first, MAX_PERIOD_YEARS)) is not None and last >= limit,
                                   too_long=f"期间最长 {MAX_PERIOD_YEARS} 年 / a period is at most {MAX_PERIOD_YEARS} years")
    if errors:
        raise Invalid(errors)
    return RegisterRequest(kind=kind, division=target, start=start_d, end=end_d)


# ------------------------------------------------------------------ rows

_FIELDS = {
    "inflow": ("id", "person_id", "person__name", "person__sex", "person__birth_date", "person__id_number", "person__document_number", "person__marital_status",
               "hukou_division_code", "division_id", "address", "arrived_on", "left_on", "reason", "housing__address",
               "employer__name", "recorded_by_division"),
    "outflow": ("id", "person_id", "person__name", "person__sex", "person__birth_date", "person__id_number", "person__document_number",
                "person__marital_status", "person__hukou_address", "hukou_division_code", "division_id", "arrived_on", "left_on", "reason"),
}


def residences(req: RegisterRequest):
    """The residence periods of the register, ordered as printed (R3, J2)."""
    code = req.division.code
    qs = Residence.objects.filter(floating=True, arrived_on__lte=req.end).filter(Q(left_on__isnull=True) | Q(left_on__gte=req.start))
    if req.kind == "inflow":
        qs = qs.filter(in_range("division_id", code))
    else:
        qs = qs.filter(in_range("hukou_division_code", code))
    return qs.order_by("arrived_on", "id")


class History:
    """The residence periods and the number of linked children of the people in a register, in
    one query each (`people` is a list of ids or a subquery of them), for the columns 婚育状况 and
    返乡流入记录 / 返乡流出记录 (R3, part 11)."""

    def __init__(self, people):
        self.periods: dict[int, list[tuple]] = {}
        for pid, rid, arrived, kind in Residence.objects.filter(person_id__in=people).order_by("person_id", "arrived_on", "id").values_list(
            "person_id", "id", "arrived_on", "start_kind"
        ):
            self.periods.setdefault(pid, []).append((rid, arrived, kind))
        self.children = dict(FamilyLink.objects.filter(person_id__in=people, relation=Relation.CHILD).values("person_id")
                             .annotate(n=Count("id")).values_list("person_id", "n"))

    def marriage(self, pid: int, status: str) -> str:
        """婚育状况: the marital status, and the children recorded (R5 family links) when there are any."""
        n = self.children.get(pid, 0)
        parts = [_MARITAL.get(status, status)] if status else []
        if n:
            parts.append(f"子女{n}人")
        return "，".join(parts)

    def returns(self, pid: int, rid: int, kind: str) -> str:
        """返乡记录: a return home (R2 `return`) just before this period ("返乡后再流入/再外出") and the
        return home that followed it ("YYYY-MM-DD 返乡"). Moves and departures are not returns and are
        not listed here."""
        periods = self.periods.get(pid, [])
        i = next((n for n, p in enumerate(periods) if p[0] == rid), None)
        if i is None:
            return ""
        parts = []
        if i > 0 and periods[i - 1][2] == ResidenceStart.RETURN:
            again = "再流入" if kind == "inflow" else "再外出"
            parts.append(f"{periods[i - 1][1].isoformat()} 返乡后{again}")
        if i + 1 < len(periods) and periods[i + 1][2] == ResidenceStart.RETURN:
            parts.append(f"{periods[i + 1][1].isoformat()} 返乡")
        return "；".join(parts)


# R3: the certificate columns (持证时间 of the inflow register, 办证时间 of the outflow register) are
# filled by the certificates app, which sits above registers in the layers: it registers a filler
# here (certificates/apps.py), as people adds a subject scope to accounts' audit query. Each is
# fn(kind, rows, end) and sets the rows' certificate_held_on / certificate_issued_on in place.
ROW_FILLERS: list = []


def add_row_filler(fn) -> None:
    if fn not in ROW_FILLERS:
        ROW_FILLERS.append(fn)


def _rows(req: RegisterRequest, values: list[dict], first_seq: int = 1, people=None, progress=None) -> list[dict]:
    codes = set()
    for v in values:
        codes.update((v["hukou_division_code"], v["division_id"], v.get("recorded_by_division")))
    names = DivisionNames(c for c in codes if c)
    if progress:
        progress(len(values), len(values), stage="read")
    history = History(people if people is not None else sorted({v["person_id"] for v in values}))
    if progress:
        progress(len(values), len(values), stage="read")
    out = []
    for seq, v in enumerate(values, start=first_seq):
        if progress and seq % READ_CHUNK == 0:
            progress(len(values), len(values), stage="read")
        row = {
            "seq": seq, "residence_id": v["id"], "person_id": v["person_id"], "name": v["person__name"], "sex": v["person__sex"],
            "birth_date": v["person__birth_date"], "id_number": v["person__id_number"] or v["person__document_number"] or "",
            "marriage": history.marriage(v["person_id"], v["person__marital_status"]),
            "returns": history.returns(v["person_id"], v["id"], req.kind),
            "reason": v["reason"] or "", "left_on": v["left_on"],
        }
        if req.kind == "inflow":
            row.update(
                hukou_place=names.full(v["hukou_division_code"]), address=v["address"] or names.full(v["division_id"]),
                arrived_on=v["arrived_on"], housing=v["housing__address"] or "", employer=v["employer__name"] or "",
                recorded_by=names.name(v["recorded_by_division"]),
                certificate_held_on=None,   # C6: filled by the certificates app (ROW_FILLERS)
            )
        else:
            row.update(
                hukou_address=v["person__hukou_address"] or names.full(v["hukou_division_code"]),
                residence_place=names.full(v["division_id"]), left_home_on=v["arrived_on"],
                certificate_issued_on=None,   # C1: filled by the certificates app (ROW_FILLERS)
            )
        out.append(row)
    for fill in ROW_FILLERS:
        fill(req.kind, out, req.end)
    return out


def all_rows(req: RegisterRequest, progress=None) -> list[dict]:
    """Every row of the register: one joined query for the rows, one for division names, and one
    each for the people's periods and children (the subquery of the register's people). With
    `progress(done, total, stage="read")`, the rows are read in chunks and reported as they come."""
    qs = residences(req)
    people = qs.order_by().values("person_id")
    values_qs = qs.values(*_FIELDS[req.kind])
    if progress is None:
        return _rows(req, list(values_qs), people=people)
    # Chunks by keyset (the printed order is arrived_on, id), each query finished before the
    # progress is written: on SQLite a write from a connection that still has a read open fails
    # at once when another connection wrote meanwhile.
    total = qs.count()
    values: list[dict] = []
    while True:
        chunk = values_qs
        if values:
            last = values[-1]
            chunk = values_qs.filter(Q(arrived_on__gt=last["arrived_on"]) | Q(arrived_on=last["arrived_on"], id__gt=last["id"]))
        chunk = list(chunk[:READ_CHUNK])
        values.extend(chunk)
        progress(len(values), total, stage="read")
        if len(chunk) < READ_CHUNK:
            return _rows(req, values, people=people, progress=progress)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def clean(text: str) -> str:
    """Control characters (as old imports may carry) print as nothing useful and break an .xlsx
    or a PDF's text layer: each run becomes a space, or nothing at the ends."""
    return _CONTROL.sub(" ", text).strip() if _CONTROL.search(text) else text


def display(row: dict, key: str) -> str:
    """A cell as printed: Chinese labels for codes, dates as YYYY-MM-DD, blanks for nothing."""
    value = row.get(key)
    if value is None:
        return ""
    if key == "sex":
        return _SEX.get(value, value)
    if key == "reason":
        return _REASON.get(value, value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return clean(str(value))


def display_rows(req: RegisterRequest, rows: list[dict]) -> list[list[str]]:
    keys = [c.key for c in req.columns]
    return [[display(r, k) for k in keys] for r in rows]


def json_row(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in row.items()}


def person_ids(rows: list[dict]) -> list[int]:
    """Distinct person ids in register order, for the audit of the read (invariant 3)."""
    return list(dict.fromkeys(r["person_id"] for r in rows))


def audit(*, actor, action: str, req: RegisterRequest, count: int, rows: list[dict], extra: dict | None = None):
    """Invariant 3: a register is a read of many persons: who, when, which register, whom."""
    fields = {**req.params(), "count": count, "person_ids": person_ids(rows), "columns": [c.key for c in req.columns], **(extra or {})}
    return record(actor, action, object_type="register", object_id=f"{req.kind}:{req.division.code}", fields=fields)


def view_register(*, actor, kind, division, start, end, limit: int = PAGE_SIZE, offset: int = 0, clamp: bool = False):
    """One page of a register on screen or through the API. Returns (request, count, rows); the
    page shown is logged as "register.view". With clamp, an offset past the end gives the last page."""
    errors = {}
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = [f"每页1到{MAX_LIMIT}条 / 1 to {MAX_LIMIT} a page"]
    if not isinstance(offset, int) or offset < 0:
        errors["offset"] = ["不能为负 / cannot be negative"]
    try:
        req = parse(actor=actor, action=Action.VIEW_REGISTERS, kind=kind, division=division, start=start, end=end)
    except Invalid as e:
        raise Invalid({**e.errors, **errors}) from None
    if errors:
        raise Invalid(errors)
    qs = residences(req)
    count = qs.count()
    if clamp and count and offset >= count:
        offset = (count - 1) // limit * limit
    rows = _rows(req, list(qs.values(*_FIELDS[req.kind])[offset: offset + limit]), first_seq=offset + 1)
    audit(actor=actor, action="register.view", req=req, count=count, rows=rows, extra={"offset": offset, "limit": limit})
    return req, count, rows
