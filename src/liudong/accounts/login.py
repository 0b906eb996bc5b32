"""Log-in with the temporary lock-out after repeated failures (J3)."""
import datetime

from django.conf import settings
from django.contrib.auth import authenticate as django_authenticate
from django.db import transaction
from django.utils import timezone

from .audit import record
from .models import LoginFailure


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
