"""P1: `value(name, division, on=date)` gives the value in force there and then.

The most specific jurisdiction wins (a province's value over the nation's), then the latest start.
No rule number is a literal in domain code: it is asked for here.
"""
import datetime
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import NATION_CODE, PREFIX_LENGTH, level_of_code
from liudong.divisions.models import Division
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid

from .models import PolicyValue
from .rule_sets import TEXT_CHOICES


class PolicyMissing(LookupError):
    pass


def ancestor_codes(code: str) -> list[str]:
    level = level_of_code(code)
    return [NATION_CODE] + [code[: PREFIX_LENGTH[lv]].ljust(12, "0") for lv in range(1, level + 1)]


def value(name: str, division, on: datetime.date):
    code = getattr(division, "code", division) or NATION_CODE
    rows = list(
        PolicyValue.objects.filter(name=name, division_id__in=ancestor_codes(code), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values_list("division_id", "valid_from", "value")
    )
    if not rows:
        raise PolicyMissing(f"no policy value {name!r} in force at {code} on {on}")
    rows.sort(key=lambda r: (level_of_code(r[0]), r[1]))
    return rows[-1][2]


def json_value(v):
    """A value to store: None is JSON null (no such duty / no limit), not SQL NULL."""
    from django.db.models import JSONField, Value

    return Value(None, JSONField()) if v is None else v


def value_row(name: str, division, on: datetime.date) -> PolicyValue:
    """The row in force (value, set, source, start) there and then, for showing why a rule applies."""
    code = getattr(division, "code", division) or NATION_CODE
    rows = list(
        PolicyValue.objects.filter(name=name, division_id__in=ancestor_codes(code), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    )
    if not rows:
        raise PolicyMissing(f"no policy value {name!r} in force at {code} on {on}")
    rows.sort(key=lambda r: (level_of_code(r.division_id), r.valid_from))
    return rows[-1]


def value_rows(names, codes, on: datetime.date) -> dict[tuple[str, str], PolicyValue]:
    """`value_row` for many names and divisions at once, in one query (a county due list reads the
    frequencies of every county in a city): {(name, code): row}, a pair with no row in force left
    out. The same choice as value_row: the most specific jurisdiction, then the latest start."""
    codes = list(dict.fromkeys(getattr(c, "code", c) or NATION_CODE for c in codes))
    ancestors = {code: ancestor_codes(code) for code in codes}
    wanted = sorted({a for chain in ancestors.values() for a in chain})
    by_place: dict[tuple[str, str], list[PolicyValue]] = {}
    for row in (PolicyValue.objects.filter(name__in=list(names), division_id__in=wanted, valid_from__lte=on)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))):
        by_place.setdefault((row.name, row.division_id), []).append(row)
    out = {}
    for code, chain in ancestors.items():
        for name in names:
            rows = [r for a in chain for r in by_place.get((name, a), ())]
            if rows:
                rows.sort(key=lambda r: (level_of_code(r.division_id), r.valid_from))
                out[(name, code)] = rows[-1]
    return out


CASE_TYPE_LABELS = {
    "birth_registration": "生育服务登记 birth service registration",
    "second_birth_approval": "再生育审批 second-birth approval",
    "fee_consultation": "社会抚养费协商征收 fee consultation",
}


def require_case_type_open(kind: str, division, on: datetime.date, field: str = "received_on"):
    """P1: a case type closed on a date refuses new cases with the reason and that date."""
    from liudong.errors import Invalid

    row = value_row(f"case_open.{kind}", division, on)
    if not row.value:
        label = CASE_TYPE_LABELS.get(kind, kind)
        raise Invalid({field: [f"{label.split(' ')[0]}自 {row.valid_from:%Y-%m-%d} 起已停止受理（{row.rule_set}：{row.source}） / "
                               f"{label.split(' ', 1)[-1]} takes no new cases from {row.valid_from:%Y-%m-%d} ({row.rule_set}: {row.source})"]})
    return row


# ====================================================================== administration (P1, X4)
# Every change below goes through one of these services (invariant 1): permission, scope and
# input are checked, the rows are written in one transaction with their audit event, and a
# policy row is never updated or deleted (invariant 6): a change is a new dated row.

OVERRIDE_SET = "override"
ONE_DAY = datetime.timedelta(days=1)
FIRST_POLICY_DATE = datetime.date(1980, 1, 1)
LAST_POLICY_DATE = datetime.date(2100, 12, 31)
POLICY_DATES = (FIRST_POLICY_DATE, LAST_POLICY_DATE)
SOURCE_MAX = 300
CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR = 2004, 2100
CALENDAR_MAX_ROWS = 366
CALENDAR_MAX_BYTES = 64 * 1024
MAX_TEXT_VALUE = 60
MAX_INT_VALUE = 36500

KIND_LABELS = {
    "int": ("整数", "a whole number"),
    "bool": ("true 或 false", "true or false"),
    "text": ("带双引号的文字，如 \"commitment\"", "text in double quotes, e.g. \"commitment\""),
    "null": ("null（无此项或无限制）", "null (no such duty or no limit)"),
}
WEEKDAY_ZH = "一二三四五六日"
WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")




def known_policy_names() -> set[str]:
    """A value may be set only for a name some rule set or some row already knows."""
    from .rule_sets import RULE_SETS

    names = {name for rs in RULE_SETS.values() for name in rs.values}
    names.update(PolicyValue.objects.order_by("name").values_list("name", flat=True).distinct())
    return names


def value_kind(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, str):
        return "text"
    return "other"


def _kind_text(kind: str, lang: int) -> str:
    return KIND_LABELS.get(kind, ("JSON", "JSON"))[lang]


def kinds_of(name: str) -> set[str]:
    """The kinds of value a name has taken in any rule set or row: "null" among them makes it null-able."""
    from .rule_sets import RULE_SETS

    kinds = {value_kind(rs.values[name][0]) for rs in RULE_SETS.values() if name in rs.values}
    kinds.update(value_kind(v) for v in PolicyValue.objects.filter(name=name).values_list("value", flat=True)[:1000])
    if kinds <= {"null"} and "." in name:
        # Never anything but null (a notification needs no reply): its siblings say what it takes
        # when it does (exchange.reply_days.* are whole numbers of working days).
        family = name.rsplit(".", 1)[0] + "."
        siblings = {value_kind(v) for rs in RULE_SETS.values() for n, (v, _) in rs.values.items() if n.startswith(family)} - {"null"}
        if len(siblings) == 1:
            kinds |= siblings
    return kinds


def _in_force_or_none(name: str, code: str, on: datetime.date):
    try:
        return value_row(name, code, on)
    except PolicyMissing:
        return None


@transaction.atomic
def set_value(*, actor, name, raw_value, division_code, valid_from, source: str = "") -> PolicyValue:
    """P1: override one value for a division (and its subtree) from a date: a new row of the set
    "override". `raw_value` is JSON text (`3`, `true`, `null`, `"commitment"`); its kind must be the
    kind of the value in force there and then (a null-able name also takes null)."""
    require(actor, Action.MANAGE_POLICY)
    errors: dict[str, list[str]] = {}
    given = {"name": name, "division": division_code, "valid_from": valid_from, "source": source}
    name = fields.text(given, "name", errors, max_length=100, required=True)
    if name and "name" not in errors and name not in known_policy_names():
        errors["name"] = [f"未知的政策参数 {name[:80]} / no policy value is called {name[:80]}"]
    division = parse_division(given, "division", errors, actor=actor)
    start = fields.date(given, "valid_from", errors, required=True, between=POLICY_DATES)
    text = raw_value if isinstance(raw_value, str) else json.dumps(raw_value)
    parsed, parsed_ok = None, False
    if not text.strip():
        errors["value"] = ["必填 / required"]
    else:
        try:
            parsed, parsed_ok = json.loads(text), True
        except ValueError:
            errors["value"] = [f"值应为JSON：整数、true/false、null 或带双引号的文字（如 \"commitment\"），现为 {text[:40]} / "
                               f"the value must be JSON: a whole number, true/false, null or text in double quotes (e.g. \"commitment\"), got {text[:40]}"]
    source = fields.text(given, "source", errors, max_length=SOURCE_MAX)
    if parsed_ok:
        kind = value_kind(parsed)
        if kind == "other":
            errors["value"] = ["值只能是整数、true/false、null 或文字 / the value must be a whole number, true/false, null or text"]
        elif kind == "int" and not 0 <= parsed <= MAX_INT_VALUE:
            errors["value"] = [f"整数应在 0 至 {MAX_INT_VALUE} 之间 / a whole number must lie between 0 and {MAX_INT_VALUE}"]
        elif kind == "text" and not 0 < len(parsed.strip()) <= MAX_TEXT_VALUE:
            errors["value"] = [f"文字应为 1 至 {MAX_TEXT_VALUE} 个字符 / text must have 1 to {MAX_TEXT_VALUE} characters"]
        elif kind == "text" and name in TEXT_CHOICES and parsed not in TEXT_CHOICES[name]:
            allowed = "、".join(f'"{c}"' for c in TEXT_CHOICES[name])
            errors["value"] = [f"{name} 只能取 {allowed} / {name} takes one of {allowed.replace('、', ', ')}"]
        elif "name" not in errors and division is not None and start is not None:
            current = _in_force_or_none(name, division.code, start)
            kinds = kinds_of(name)
            nullable = "null" in kinds
            others = kinds - {"null"}
            expected = value_kind(current.value) if current is not None and current.value is not None else (next(iter(others)) if len(others) == 1 else None)
            if kind == "null" and not nullable:
                errors["value"] = [f"{name} 不能为 null，应为{_kind_text(expected or 'int', 0)} / {name} cannot be null: it takes {_kind_text(expected or 'int', 1)}"]
            elif kind != "null" and expected is not None and kind != expected:
                errors["value"] = [f"{name} 的值应为{_kind_text(expected, 0)}（现行值 {json.dumps(current.value if current else None, ensure_ascii=False)}） / "
                                   f"{name} takes {_kind_text(expected, 1)} (in force: {json.dumps(current.value if current else None, ensure_ascii=False)})"]
    if not errors and PolicyValue.objects.filter(name=name, division=division, valid_from=start).exists():
        errors["valid_from"] = [f"{division.name} 已有 {name} 自 {start} 起的值；改动请另选生效日期 / "
                                f"{division.name} has a value of {name} from {start} already: choose another date for the change"]
    if errors:
        raise Invalid(errors)
    before = _in_force_or_none(name, division.code, start)
    who = getattr(actor, "username", "") or "system"
    row = PolicyValue.objects.create(name=name, division=division, valid_from=start, value=json_value(parsed), rule_set=OVERRIDE_SET,
                                     source=source or f"管理员调整（{who}） / set by an administrator ({who})")
    row.value = parsed
    record(actor, "policy.set", obj=row, fields={
        "rule_set": OVERRIDE_SET, "division": division.code, "valid_from": start.isoformat(),
        "policy_name": name, "policy_value": [before.value if before else None, parsed],
    })
    return row


def _carry_row(name: str, division: Division, start: datetime.date, code: str):
    """The row to insert before adopting `code` at `division` from `start` so that the province
    keeps, before `start`, the value it inherited on the day before (None: nothing to carry).

    The carried row starts where the inherited row began to be the one in force at the province
    (its start, or the end of a more specific row that held in between) and ends on `start`."""
    day_before = start - ONE_DAY
    rows = list(PolicyValue.objects.filter(name=name, division_id__in=ancestor_codes(division.code), valid_from__lte=day_before))
    in_force = [r for r in rows if r.valid_to is None or r.valid_to > day_before]
    if not in_force:
        return None

    def rank(r):
        return (level_of_code(r.division_id), r.valid_from)

    held = max(in_force, key=rank)
    if held.division_id == division.code:
        return None  # the province's own row: the set's row from `start` supersedes it by its later start
    begins = max([held.valid_from] + [r.valid_to for r in rows if r.valid_to is not None and rank(r) > rank(held) and r.valid_to > held.valid_from])
    note = f"（{start} 采用 {code} 时由 {held.division_id} 沿用 / carried from {held.division_id} when {code} was adopted from {start}）"
    row = PolicyValue(name=name, division=division, valid_from=begins, valid_to=start, value=held.value, rule_set=held.rule_set,
                      source=held.source[: 300 - len(note)] + note)
    row.carried_from = held.division_id
    return row


@dataclass
class Adoption:
    rule_set: str
    division: Division
    valid_from: datetime.date
    added: list = field(default_factory=list)
    carried: list = field(default_factory=list)


@transaction.atomic
def adopt_rule_set(*, actor, code, division_code, valid_from) -> Adoption:
    """P1: a province (or the nation) adopts a rule set from a date of its choosing; a city adopts the
    query desk's set (Q1), a county a county's example set (RuleSet.adopted_down_to, S4).

    value() picks the most specific division with a row in force, then the latest start. For each
    name of the set, when the province has no row of its own in force on the day before but
    inherits one, that value is first carried into a province row ending on the adoption date, so
    that what held at the province before that date stays as it was (whatever the nation changes
    later); then the set's row is added from the date. Nothing is updated or deleted."""
    from .rule_sets import RULE_SETS

    require(actor, Action.MANAGE_POLICY)
    errors: dict[str, list[str]] = {}
    given = {"rule_set": code, "division": division_code, "valid_from": valid_from}
    code = fields.text(given, "rule_set", errors, max_length=60, required=True)
    rs = RULE_SETS.get(code)
    if rs is None and "rule_set" not in errors:
        errors["rule_set"] = [f"未知的规则集 {code[:60]}，可选：{', '.join(RULE_SETS)} / no rule set is called {code[:60]}; choose one of {', '.join(RULE_SETS)}"]
    division = parse_division(given, "division", errors, actor=actor)
    lowest = rs.adopted_down_to if rs is not None else 1
    if division is not None and division.level > lowest:
        who, english = {1: ("省（或全国）", "a rule set is adopted by a province (or the nation)"),
                        2: ("市（或省）", "this rule set is adopted by a city or a province")}.get(lowest, ("县及以上", "this county example is adopted by a county or above"))
        errors["division"] = [f"规则集由{who}采用，{division.name} 是第 {division.level} 级区划；个别值可单独调整 / "
                              f"{english}; {division.name} is a level-{division.level} division: override single values instead"]
    start = fields.date(given, "valid_from", errors, required=True, between=POLICY_DATES)
    if errors:
        raise Invalid(errors)
    if PolicyValue.objects.filter(rule_set=rs.code, division=division, valid_from=start).exists():
        raise Invalid({"valid_from": [f"{division.name} 已于 {start} 起采用 {rs.code} / {division.name} adopted {rs.code} from {start} already"]})
    clash = sorted(PolicyValue.objects.filter(name__in=list(rs.values), division=division, valid_from=start).values_list("name", flat=True))
    if clash:
        raise Invalid({"valid_from": [f"{division.name} 已有 {', '.join(clash)} 自 {start} 起的值；请另选日期 / "
                                      f"{division.name} has values of {', '.join(clash)} from {start} already: choose another date"]})
    result = Adoption(rs.code, division, start)
    for name, (val, src) in rs.values.items():
        carry = _carry_row(name, division, start, rs.code)
        if carry is not None:
            kept = carry.value
            carry.value = json_value(kept)
            carry.save()
            carry.value = kept
            result.carried.append(carry)
    for name, (val, src) in rs.values.items():
        row = PolicyValue.objects.create(name=name, division=division, valid_from=start, value=json_value(val), rule_set=rs.code, source=src)
        row.value = val
        result.added.append(row)
    record(actor, "policy.adopt", object_type="policyvalue", object_id=f"{rs.code}@{division.code}", fields={
        "rule_set": rs.code, "division": division.code, "valid_from": start.isoformat(),
        "added": [r.name for r in result.added], "carried": {r.name: [r.valid_from.isoformat(), r.rule_set, r.carried_from] for r in result.carried},
    })
    return result
