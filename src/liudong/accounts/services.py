"""Staff accounts, log-in with lock-out, API tokens and the audit log (invariants 1 and 3)."""
import datetime
import re
import secrets

from django.conf import settings
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from liudong import fields
from liudong.divisions.models import NATION_CODE
from liudong.divisions.queries import parse_division
from liudong.errors import Denied, Invalid, NotFound
from liudong.policy.services import value as policy_value

from .choices import ROLE_LEVELS, Action, Role
from .models import ApiToken, AuditEvent, LoginFailure, Staff

# Roles that may enter the Django admin at all (django-admin/); accounts/admin.py decides the rest.
ADMIN_SITE_ROLES = (Role.ADMIN, Role.AUDITOR)


# Django's own username rule (letters, digits, @.+-_), ASCII only so that names are typed easily.
USERNAME_RE = re.compile(r"^[\w.@+-]+\Z", re.ASCII)


def record(actor, action: str, *, obj=None, object_type: str = "", object_id="", person_id=None, fields=None, reason: str = "", at=None) -> AuditEvent:
    """Append one audit event. Call inside the service's transaction, so the event and the change
    commit or roll back together."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        person_id=person_id,
        fields=fields or {},
        reason=reason[:200],
        division_code=getattr(actor, "division_id", "") or "",
    )


def require(actor, action: str):
    if actor is None or not actor.is_authenticated or not actor.can(action):
        raise Denied(f"角色无权执行此操作 / your role may not do this: {action}")


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
    """`liudong staff add` and the admin form. actor=None only from the command line (system)."""
    if actor is not None:
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
    if actor is not None:
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


@transaction.atomic
def disable_staff(*, actor, username: str, reason: str = "") -> Staff:
    """`liudong staff disable USER` and the admin action: the account can no longer log in and its
    API tokens stop working (staff_for_token checks is_active). Accounts are never deleted: the
    audit log points at them. actor=None only from the command line (system)."""
    if actor is not None:
        require(actor, Action.MANAGE_STAFF)
    staff = Staff.objects.select_for_update().filter(username=(username or "").strip()).first()
    if staff is None or (actor is not None and not actor.in_scope(staff.division_id)):
        raise NotFound(f"账号 {username} 不存在或不在您的管辖范围内 / no account {username} in your scope")
    if actor is not None and staff.pk == actor.pk:
        raise Invalid({"username": ["不能停用自己的账号 / you cannot disable your own account"]})
    if not staff.is_active:
        raise Invalid({"username": [f"账号 {staff.username} 已停用 / account {staff.username} is disabled already"]})
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    ApiToken.objects.filter(staff=staff).delete()
    record(actor, "staff.disable", obj=staff, fields={"username": staff.username, "is_active": [True, False]}, reason=reason)
    return staff


def audit_events(actor):
    """The audit log as an auditor may read it (VIEW_AUDIT): events of staff acting in the
    auditor's subtree; a nation-level auditor also sees the system's own events (actor None)."""
    require(actor, Action.VIEW_AUDIT)
    qs = AuditEvent.objects.all()
    if actor.division.level > 0:
        low, high = actor.code_range
        qs = qs.filter(division_code__gte=low, division_code__lte=high)
    return qs


def audit_cutoff(on: datetime.date) -> tuple[datetime.datetime, int]:
    """Invariant 3, P1: events before this instant are past their retention on `on`."""
    days = policy_value("audit_retention_days", NATION_CODE, on=on)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise Invalid({"audit_retention_days": [f"保存期限应为正整数天，现为 {days!r} / the retention must be a whole number of days, got {days!r}"]})
    start = on - datetime.timedelta(days=days)
    return datetime.datetime.combine(start, datetime.time.min, tzinfo=timezone.get_default_timezone()), days


def _open_audit_delete_gate(opened: bool):
    """Migration 0004 lets DELETE through on accounts_auditevent only while this gate is open, and
    only inside the purge's transaction: a session setting (SET LOCAL) on PostgreSQL, a row of the
    one-row table accounts_auditpurgegate on SQLite. Both vanish on rollback."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('liudong.audit_purge', %s, true)", ["on" if opened else "off"])
        elif opened:
            cursor.execute("INSERT INTO accounts_auditpurgegate (id) VALUES (1)")
        else:
            cursor.execute("DELETE FROM accounts_auditpurgegate")


@transaction.atomic
def purge_audit(*, actor, on: datetime.date, for_real: bool) -> dict:
    """`liudong audit purge [--for-real] [--on DATE]` (invariant 3): delete the audit events older
    than the retention period in force on `on` (policy value audit_retention_days, national), then
    log the purge itself. A dry run (for_real=False) only counts. actor=None: the system (CLI).

    `on` may not lie after today: a date in the future would cut events short of their retention."""
    if actor is not None:
        require(actor, Action.PURGE_AUDIT)
    if not isinstance(on, datetime.date) or isinstance(on, datetime.datetime):
        raise Invalid({"on": ["日期应为 YYYY-MM-DD / a date is written YYYY-MM-DD"]})
    if on > timezone.localdate():
        raise Invalid({"on": [f"日期 {on} 晚于今天，不能提前清理 / {on} is after today: events cannot be purged before their time"]})
    cutoff, days = audit_cutoff(on)
    expired = AuditEvent.objects.filter(at__lt=cutoff)
    result = {"on": on.isoformat(), "retention_days": days, "cutoff": cutoff.isoformat(), "count": expired.count(), "deleted": 0, "for_real": bool(for_real)}
    if not for_real:
        return result
    _open_audit_delete_gate(True)
    deleted, _ = expired.delete()
    _open_audit_delete_gate(False)
    result["deleted"] = deleted
    record(actor, "audit.purge", object_type="auditevent", fields={"deleted": deleted, "cutoff": result["cutoff"], "retention_days": days, "on": result["on"]})
    return result


def _locked_out(username: str, now) -> bool:
    since = now - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return LoginFailure.objects.filter(username=username, at__gte=since).count() >= settings.LOGIN_MAX_FAILURES


def log_in(request, username: str, password: str):
    """Check credentials with the temporary lock-out after repeated failures.
    Returns (staff or None, error message or None)."""
    now = timezone.now()
    username = (username or "").strip()[:150]
    if _locked_out(username, now):
        return None, f"登录失败次数过多，请 {settings.LOGIN_LOCKOUT_MINUTES} 分钟后再试 / too many failed log-ins, try again in {settings.LOGIN_LOCKOUT_MINUTES} minutes"
    staff = django_authenticate(request, username=username, password=password)
    with transaction.atomic():
        if staff is None:
            LoginFailure.objects.create(username=username, at=now)
            record(None, "login.failed", object_type="staff", object_id=username)
            return None, "用户名或密码错误 / wrong username or password"
        LoginFailure.objects.filter(username=username).delete()
        record(staff, "login", obj=staff)
    return staff, None


@transaction.atomic
def issue_token(staff: Staff) -> str:
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    ApiToken.objects.create(staff=staff, key_hash=ApiToken.hash(raw), created=now, expires=now + datetime.timedelta(hours=settings.API_TOKEN_HOURS))
    record(staff, "token.issue", obj=staff)
    return raw


def staff_for_token(raw: str):
    token = ApiToken.objects.select_related("staff", "staff__division").filter(key_hash=ApiToken.hash(raw or ""), expires__gt=timezone.now()).first()
    if token is None or not token.staff.is_active:
        return None
    return token.staff
