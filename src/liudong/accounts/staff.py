"""J3: staff accounts: adding, disabling, password strength (invariant 1: one door for writes)."""
import datetime
import re

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from liudong import fields
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid, NotFound

from .audit import record
from .choices import ROLE_LEVELS, Action, Role
from .models import ApiToken, Staff, StaffMark
from .permissions import in_scope, is_system, require

# Roles that may enter the Django admin at all (django-admin/); accounts/admin.py decides the rest.
ADMIN_SITE_ROLES = (Role.ADMIN, Role.AUDITOR)

# Django's own username rule (letters, digits, @.+-_), ASCII only so that names are typed easily.
USERNAME_RE = re.compile(r"^[\w.@+-]+\Z", re.ASCII)

# Chinese first, like every message; Django's own zh-hans catalogue lacks some of these.
PASSWORD_ZH = {
    "password_too_short": "密码太短，至少 {min_length} 个字符",
    "password_too_similar": "密码与用户名或姓名太相似",
    "password_too_common": "密码太常见",
    "password_entirely_numeric": "密码不能全是数字",
}


def check_password_strength(password, user) -> list[str]:
    """Django's AUTH_PASSWORD_VALIDATORS, with bilingual messages ("中文 / English")."""
    with translation.override("en"):
        try:
            validate_password(password or "", user)
        except ValidationError as e:
            out = []
            for err in e.error_list:
                english = " ".join(err.messages)
                zh = PASSWORD_ZH.get(err.code)
                out.append(f"{zh.format(**(err.params or {}))} / {english}" if zh else english)
            return out
    return []


def _new_staff(actor, *, username: str, role: str, division_code: str, password: str, full_name: str = "") -> tuple[Staff, dict]:
    """An unsaved account and the errors of its fields (the password checked, not yet hashed)."""
    errors = {}
    username = (username or "").strip()
    if not username or len(username) > 150:
        errors["username"] = ["用户名必填，最多150字符 / a username is required, at most 150 characters"]
    elif not USERNAME_RE.match(username):
        errors["username"] = ["用户名只能包含字母、数字和 @ . + - _ / a username has letters, digits and @ . + - _ only"]
    elif Staff.objects.filter(username=username).exists():
        errors["username"] = [f"用户名 {username} 已存在 / username {username} is taken"]
    if role not in Role.values:
        errors["role"] = [f"未知角色 {role}，可选：{', '.join(Role.values)} / unknown role {role}"]
    division = parse_division({"division": division_code}, "division", errors, actor=actor)
    if division is not None and role in Role.values and division.level not in ROLE_LEVELS[role]:
        errors["division"] = [f"角色 {role} 不能设在第 {division.level} 级区划 / role {role} cannot act for a level-{division.level} division"]
    full_name = fields.text({"full_name": full_name}, "full_name", errors, max_length=150)
    # is_staff only opens the door of the Django admin (django-admin/); what each role sees there
    # is decided by the role in accounts/admin.py.
    staff = Staff(username=username, role=role, division=division, first_name=full_name, is_staff=role in ADMIN_SITE_ROLES)
    password_errors = check_password_strength(password, staff)
    if password_errors:
        errors["password"] = password_errors
    return staff, errors


@transaction.atomic
def add_staff(*, actor, username: str, role: str, division_code: str, password: str, full_name: str = "") -> Staff:
    """`liudong staff add`, the API and the admin form (actor None: the system, the command line)."""
    require(actor, Action.MANAGE_STAFF)
    staff, errors = _new_staff(actor, username=username, role=role, division_code=division_code, password=password, full_name=full_name)
    if errors:
        raise Invalid(errors)
    staff.set_password(password)
    staff.save()
    record(actor, "staff.add", obj=staff, fields={"username": staff.username, "role": role, "division": staff.division_id})
    return staff


@transaction.atomic
def add_staff_accounts(*, actor, accounts, password: str) -> list[Staff]:
    """Several accounts that start with one password, e.g. a collector for every village of a
    county (the demo's `collector_<code>`): each checked as add_staff checks it, the password
    hashed once (a hash costs a quarter of a second, by design) and so stored with one salt; one
    audit event per account. `accounts` is an iterable of (username, role, division code)."""
    require(actor, Action.MANAGE_STAFF)
    new, errors = [], {}
    for username, role, division_code in accounts:
        staff, mine = _new_staff(actor, username=username, role=role, division_code=division_code, password=password)
        for field, messages in mine.items():
            errors.setdefault(field, []).extend(f"{username}: {m}" for m in messages)
        new.append(staff)
    if len({s.username for s in new}) != len(new):
        errors.setdefault("username", []).append("用户名重复 / a username repeats")
    if errors:
        raise Invalid(errors)
    encoded = make_password(password)
    for staff in new:
        staff.password = encoded
    Staff.objects.bulk_create(new, batch_size=500)
    for staff in Staff.objects.filter(username__in=[s.username for s in new]).order_by("id"):
        record(actor, "staff.add", obj=staff, fields={"username": staff.username, "role": staff.role, "division": staff.division_id})
    return new


def staff_in_scope(*, actor, username: str, lock: bool = False) -> Staff:
    """The account of that name in the actor's subtree, else NotFound (invariant 2)."""
    qs = Staff.objects.select_for_update() if lock else Staff.objects.all()
    staff = qs.filter(username=(username or "").strip()).first()
    if staff is None or not in_scope(actor, staff.division_id):
        raise NotFound(f"账号 {username} 不存在或不在您的管辖范围内 / no account {username} in your scope")
    return staff


@transaction.atomic
def disable_staff(*, actor, username: str, reason: str = "") -> Staff:
    """`liudong staff disable USER` and the admin action: the account can no longer log in and its
    API tokens stop working (tokens.staff_for_token checks is_active). Accounts are never deleted:
    the audit log points at them. actor None: the system (the command line)."""
    require(actor, Action.MANAGE_STAFF)
    staff = staff_in_scope(actor=actor, username=username, lock=True)
    if not is_system(actor) and staff.pk == actor.pk:
        raise Invalid({"username": ["不能停用自己的账号 / you cannot disable your own account"]})
    if not staff.is_active:
        raise Invalid({"username": [f"账号 {staff.username} 已停用 / account {staff.username} is disabled already"]})
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    ApiToken.objects.filter(staff=staff).delete()
    record(actor, "staff.disable", obj=staff, fields={"username": staff.username, "is_active": [True, False]}, reason=reason)
    return staff


# R6 (issue 15): which roles each review mark may be set on.
MARK_ROLES = {
    "group_leader": ({Role.VILLAGE_COLLECTOR}, "只有村（居）信息员可标记为采集小组组长（村干部本就是组长） / only a village collector can be marked group leader (a village cadre is one by default)"),
    "experienced_reviewer": ({Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD}, "只有乡镇工作人员可标记为审核人 / only a township clerk or head can be marked experienced reviewer"),
}


Period = tuple  # (from or None, until or None): None is open


def _merged(periods: list[Period]) -> list[Period]:
    """Periods joined where they overlap or touch (sorted; None open at either end)."""
    lo = datetime.date.min
    out: list[list] = []
    for f, u in sorted(periods, key=lambda p: p[0] or lo):
        if out and (out[-1][1] is None or (f or lo) <= out[-1][1] + datetime.timedelta(days=1)):
            out[-1][1] = None if out[-1][1] is None or u is None else max(out[-1][1], u)
        else:
            out.append([f, u])
    return [tuple(p) for p in out]


def _meets(period: Period, f, u) -> bool:
    pf, pu = period
    return (f is None or pu is None or pu >= f) and (u is None or pf is None or pf <= u)


def _without(periods: list[Period], f, u) -> list[Period]:
    """Periods with the days f..u taken out (None open)."""
    out = []
    for pf, pu in periods:
        if not _meets((pf, pu), f, u):
            out.append((pf, pu))
            continue
        if f is not None and (pf is None or pf < f):
            out.append((pf, f - datetime.timedelta(days=1)))
        if u is not None and (pu is None or pu > u):
            out.append((u + datetime.timedelta(days=1), pu))
    return _merged(out)


def _text(periods: list[Period]) -> list[str]:
    return [f"{f or '…'}/{u or '…'}" for f, u in periods]


def _date(value, name, errors):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(name, []).append("应为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD")
        return None


@transaction.atomic
def set_review_marks(*, actor, username: str, reason: str = "", valid_from=None, valid_until=None, **marks) -> Staff:
    """Mark (True) or unmark (False) an account as the collection group's leader or as an
    experienced township reviewer (R6; `liudong staff mark` and the admin's actions) over the days
    valid_from..valid_until (either open when not given): marking adds the period (joined with
    those it meets), unmarking takes the days out of them. The review chain asks for the mark
    valid on the signing day. Set by whoever manages accounts, audited as {mark: [held before,
    value], "valid_from", "valid_until", "periods": {mark: [...]}}; a mark the account's role cannot
    carry, or an until before the from, is 422."""
    require(actor, Action.MANAGE_STAFF)
    staff = staff_in_scope(actor=actor, username=username, lock=True)
    errors: dict[str, list[str]] = {}
    start, end = _date(valid_from, "valid_from", errors), _date(valid_until, "valid_until", errors)
    if start and end and end < start:
        errors.setdefault("valid_until", []).append("截止日期早于起始日期 / the until date is before the from date")
    changed, periods = {}, {}
    for name, value in marks.items():
        if name not in MARK_ROLES or not isinstance(value, bool):
            errors.setdefault(name, []).append("未知的标记 / unknown mark")
            continue
        roles, refused = MARK_ROLES[name]
        if value and staff.role not in roles:
            errors.setdefault(name, []).append(refused)
            continue
        now = [(m.valid_from, m.valid_until) for m in staff.marks.filter(mark=name)]
        new = _merged(now + [(start, end)]) if value else _without(now, start, end)
        if new != _merged(now):
            held = any(_meets(p, start, end) for p in now)  # held on some of those days before
            changed[name] = [held, value]
            periods[name] = new
    if errors:
        raise Invalid(errors)
    if changed:
        for name, new in periods.items():
            staff.marks.filter(mark=name).delete()
            StaffMark.objects.bulk_create([StaffMark(staff=staff, mark=name, valid_from=f, valid_until=u) for f, u in new])
        staff.__dict__.pop("_marks_on", None)
        record(actor, "staff.mark", obj=staff, fields={"username": staff.username, **changed, "valid_from": str(start or ""), "valid_until": str(end or ""),
                                                     "periods": {n: _text(p) for n, p in periods.items()}}, reason=reason)
    return staff
