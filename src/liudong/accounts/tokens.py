"""API bearer tokens (J3): only the SHA-256 of a token is stored; tokens expire
(LIUDONG_API_TOKEN_HOURS) and stop working when their account is disabled."""
import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .audit import record
from .models import ApiToken, Staff


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
