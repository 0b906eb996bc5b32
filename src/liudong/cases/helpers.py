"""Helpers the case services share: the rules in force on a case's start day (P1), the places
messages go to (B2, B5, B6, F1), finding a person in the actor's scope, and field checks that add
bilingual messages to an errors dict (invariant 7)."""
import datetime

from liudong.codes import Level, level_of_code
from liudong.divisions.models import Division
from liudong.divisions.queries import DivisionNames
from liudong.errors import Invalid, NotFound
from liudong.exchange import services as exchange
from liudong.exchange.models import Channel
from liudong.identifiers import normalise_document_number, row_id
from liudong.people.models import Person
from liudong.people.scope import persons as persons_in_scope
from liudong.policy.calendar import CalendarNotLoaded
from liudong.policy.rule_sets import RULE_SETS
from liudong.policy.services import PolicyMissing, value_row

from .models import Document

SCOPE_MESSAGE = "人员不存在或不在您的管辖范围内 / no such person in your scope"


def acting_place(*, actor, level: int, refusal: str) -> Division:
    """The township or county a case service acts for: HANDLE_CASES, at the level the rule names."""
    from liudong.accounts.choices import Action
    from liudong.accounts.permissions import require

    require(actor, Action.HANDLE_CASES)
    if actor.division.level != level:
        raise Invalid({"division": [refusal]})
    return actor.division


def case_for_change(*, actor, cases, case_id, visible):
    """The case `case_id` names among `cases`, locked for the change (its own row), for an actor
    who handles cases and to whom `visible(case)`; NotFound otherwise, whether or not it exists."""
    from liudong.accounts.choices import Action
    from liudong.accounts.permissions import require

    require(actor, Action.HANDLE_CASES)
    pk = row_id(getattr(case_id, "pk", case_id))
    case = cases.select_for_update(of=("self",)).filter(pk=pk).first() if pk else None
    if case is None or not visible(case):
        raise NotFound("案件不存在或不在您的管辖范围内 / no such case in your scope")
    return case


def hukou_county_of(person) -> Division | None:
    """The county of the person's hukou (F1: the county a fee consultation writes to)."""
    code = person.hukou_division_id
    return Division.objects.filter(code=code[:6].ljust(12, "0")).first() if code else None


def rules_in_force(names, division, on: datetime.date, field: str) -> dict:
    """P1: the rows in force at `division` on `on`, by name; a date before any rule is a field error."""
    rows = {}
    for name in names:
        try:
            rows[name] = value_row(name, division, on)
        except PolicyMissing:
            raise Invalid({field: [f"{on} 时没有适用的规定（{name}） / no rule in force on {on} ({name})"]}) from None
    return rows


def rule_set_of(rows) -> str:
    """The set a case is judged by: the one of the most recent value among those it uses (a set
    repeats or inherits the rest), the more specific jurisdiction first on the same day."""
    latest = max(rows.values(), key=lambda r: (r.valid_from, level_of_code(r.division_id)))
    return latest.rule_set or f"{latest.division_id}@{latest.valid_from}"


def rule_set_source(code: str, *, chinese_only: bool = False) -> str:
    """The title and source of a shipped set; an override names itself (its row keeps its source).
    A printed letter takes the Chinese title only."""
    rs = RULE_SETS.get(code)
    if rs:
        title = rs.title.split(" ")[0] if chinese_only else rs.title
        return f"{title}：{rs.source}"
    return f"{code}：省级或管理员调整的规定" + ("" if chinese_only else " / a provincial or administrator's override")


def township_of(code: str | None) -> Division | None:
    """The township (level 4) a division lies in, or None above that level."""
    if not code or level_of_code(code) < Level.TOWNSHIP:
        return None
    return Division.objects.filter(code=code[:9].ljust(12, "0")).first()


def place_of(code: str | None) -> Division | None:
    """B2: where a request about someone registered (or living) at `code` goes: the township it
    lies in; if the place is known only at county level, the county."""
    if not code:
        return None
    if level_of_code(code) >= Level.TOWNSHIP:
        return township_of(code)
    if level_of_code(code) == Level.COUNTY:
        return Division.objects.filter(code=code).first()
    return None


def find_person(raw, field: str, errors: dict, *, actor, history: bool = False) -> Person | None:
    """A person in the actor's scope by person no. or resident ID number; else a field error."""
    text = normalise_document_number(getattr(raw, "pk", raw) or "")
    if not text:
        errors.setdefault(field, []).append("必填 / required")
        return None
    qs = persons_in_scope(actor, history=history).select_related("hukou_division", "residence_division")
    if len(text) == 18 and text[:17].isdigit():
        person = qs.filter(id_number=text).first()
    else:
        pk = row_id(text)
        person = qs.filter(pk=pk).first() if pk else None
    if person is None:
        errors.setdefault(field, []).append(SCOPE_MESSAGE)
    return person


def documents_of(data, errors: dict) -> set[str] | None:
    raw = data.get("documents")
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = [p for p in raw.replace("，", ",").split(",") if p.strip()]
    if not isinstance(raw, (list, tuple, set)):
        errors.setdefault("documents", []).append("材料应为列表 / documents must be a list")
        return None
    codes = {str(c).strip() for c in raw}
    bad = sorted(codes - set(Document.values))
    if bad:
        errors.setdefault("documents", []).append(f"未知材料 {', '.join(bad)}；可选 {', '.join(Document.values)} / unknown documents {', '.join(bad)}")
    return codes & set(Document.values)


def label_zh(choice) -> str:
    return str(choice.label).split(" ")[0]


def send_at_once(*, actor, message, now):
    """The clerk sends a draft the case opened at once, by the system (X5: arrives on delivery). If
    the receiver's deadline cannot be computed (X4), the error says so on the "send now" option."""
    try:
        return exchange.dispatch(actor=actor, message_id=message, data={"channel": Channel.SYSTEM}, now=now)
    except CalendarNotLoaded as e:
        raise Invalid({"send_now": [f"{e.year} 年的工作日历尚未载入，无法计算对方的反馈期限；可不勾选“立即发出”，先作为待发函件保存 / "
                                    f"the working-day calendar for {e.year} is not loaded, so the receiver's deadline cannot be computed: "
                                    f"untick \"send now\" to keep the messages as drafts"]}) from None


def full_name(division: Division) -> str:
    return DivisionNames([division.code]).full(division.code)
