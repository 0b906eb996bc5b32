"""Staff accounts, log-in with lock-out, API tokens and the audit log (invariants 1 and 3)."""
import datetime
import secrets

from django.conf import settings
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liudong.divisions.models import Division
from liudong.errors import Denied, Invalid

from .choices import ROLE_LEVELS, Action, Role
from .models import ApiToken, AuditEvent, LoginFailure, Staff


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


@transaction.atomic
def add_staff(*, actor, username: str, role: str, division_code: str, password: str, full_name: str = "") -> Staff:
    """`liudong staff add` and the admin form. actor=None only from the command line (system)."""
    if actor is not None:
        require(actor, Action.MANAGE_STAFF)
    errors = {}
    username = (username or "").strip()
    if not username or len(username) > 150:
        errors["username"] = ["用户名必填，最多150字符 / a username is required, at most 150 characters"]
    elif Staff.objects.filter(username=username).exists():
        errors["username"] = [f"用户名 {username} 已存在 / username {username} is taken"]
    if role not in Role.values:
        errors["role"] = [f"未知角色 {role}，可选：{', '.join(Role.values)} / unknown role {role}"]
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        errors["division"] = [f"区划代码 {division_code} 不存在 / no division has code {division_code}"]
    elif role in Role.values and division.level not in ROLE_LEVELS[role]:
        errors["division"] = [f"角色 {role} 不能设在第 {division.level} 级区划 / role {role} cannot act for a level-{division.level} division"]
    elif actor is not None and not actor.in_scope(division.code):
        errors["division"] = ["区划不在您的管辖范围内 / that division is outside your scope"]
    if not errors:
        try:
            validate_password(password, Staff(username=username))
        except ValidationError as e:
            errors["password"] = e.messages
    if errors:
        raise Invalid(errors)
    staff = Staff(username=username, role=role, division=division, first_name=full_name[:150])
    staff.set_password(password)
    staff.save()
    record(actor, "staff.add", obj=staff, fields={"username": username, "role": role, "division": division_code})
    return staff


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
