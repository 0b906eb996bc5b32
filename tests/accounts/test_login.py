"""Log-in security: lock-out after repeated failures, password strength, expiring tokens and
sessions. Time is shifted by moving the stored counter times, never by sleeping. The lock-out's
pairs, slow-down, proxies and unlock are tested in test_lockout.py."""
import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from liudong.accounts.choices import Role
from liudong.accounts.login import log_in
from liudong.accounts.models import ApiToken, AuditEvent, LoginThrottle, Staff
from liudong.accounts.staff import add_staff, disable_staff
from liudong.accounts.tokens import issue_token, staff_for_token
from liudong.errors import Invalid
from tests.conftest import NANTOU_V1, password


@pytest.fixture
def rf_request():
    return RequestFactory().post("/login/")


def fail(request, username, times):
    for _ in range(times):
        staff, error = log_in(request, username, "wrong-password-1")
        assert staff is None and error


def shift_failures(username, minutes):
    """Move the stored counter times `minutes` into the past, as if that time had passed."""
    for row in LoginThrottle.objects.filter(username=username):
        moved = {"window_start": row.window_start - datetime.timedelta(minutes=minutes)}
        if row.locked_until:
            moved["locked_until"] = row.locked_until - datetime.timedelta(minutes=minutes)
        LoginThrottle.objects.filter(pk=row.pk).update(**moved)


def test_the_right_password_logs_in(world, rf_request):
    staff, error = log_in(rf_request, "township_clerk", password())
    assert staff == world["township_clerk"] and error is None
    assert AuditEvent.objects.filter(action="login", actor=staff).exists()


def test_lock_out_after_max_failures_until_the_window_passes(world, rf_request):
    fail(rf_request, "township_clerk", settings.LOGIN_MAX_FAILURES)
    staff, error = log_in(rf_request, "township_clerk", password())
    assert staff is None and "too many failed log-ins" in error
    # Still locked a minute before the window ends...
    shift_failures("township_clerk", settings.LOGIN_LOCKOUT_MINUTES - 1)
    assert log_in(rf_request, "township_clerk", password())[0] is None
    # ...and open once it has passed.
    shift_failures("township_clerk", 2)
    staff, error = log_in(rf_request, "township_clerk", password())
    assert staff == world["township_clerk"] and error is None


def test_one_failure_fewer_than_the_limit_does_not_lock(world, rf_request):
    fail(rf_request, "township_clerk", settings.LOGIN_MAX_FAILURES - 1)
    assert log_in(rf_request, "township_clerk", password())[0] == world["township_clerk"]


def test_a_successful_log_in_clears_the_failures(world, rf_request):
    fail(rf_request, "township_clerk", settings.LOGIN_MAX_FAILURES - 1)
    assert log_in(rf_request, "township_clerk", password())[0] is not None
    assert not LoginThrottle.objects.filter(username="township_clerk", address="127.0.0.1").exists()
    # The count starts again: another max-1 failures do not lock.
    fail(rf_request, "township_clerk", settings.LOGIN_MAX_FAILURES - 1)
    assert log_in(rf_request, "township_clerk", password())[0] is not None


def test_lock_out_is_per_account_name(world, rf_request):
    fail(rf_request, "township_clerk", settings.LOGIN_MAX_FAILURES)
    assert log_in(rf_request, "shekou_clerk", password())[0] == world["shekou_clerk"]


def test_unknown_names_are_locked_out_too(world, rf_request):
    # No difference between "no such account" and "wrong password" to someone guessing.
    fail(rf_request, "nobody", settings.LOGIN_MAX_FAILURES)
    assert "too many" in log_in(rf_request, "nobody", "whatever")[1]
    assert AuditEvent.objects.filter(action="login.failed", object_id="nobody").count() == settings.LOGIN_MAX_FAILURES


def test_a_disabled_account_cannot_log_in(world, rf_request):
    disable_staff(actor=world["admin"], username="township_clerk")
    assert log_in(rf_request, "township_clerk", password())[0] is None


# --- password strength (Django's validators, in add_staff) ------------------------------------

@pytest.mark.parametrize("weak, why", [
    ("Ab1-xyz", "too short"),
    ("password123", "too common"),
    ("12345678901234", "entirely numeric"),
    ("collector7x", "too similar"),
])
def test_add_staff_refuses_weak_passwords(world, weak, why):
    with pytest.raises(Invalid) as e:
        add_staff(actor=None, username="collector7x", role=Role.VILLAGE_COLLECTOR, division_code=NANTOU_V1, password=weak)
    messages = e.value.errors["password"]
    assert any(why in m for m in messages), messages
    assert all(" / " in m for m in messages)  # Chinese / English
    assert not Staff.objects.filter(username="collector7x").exists()


def test_add_staff_stores_only_a_hash(world):
    staff = add_staff(actor=world["admin"], username="newbie", role=Role.VILLAGE_COLLECTOR, division_code=NANTOU_V1, password=password())
    assert password() not in staff.password and staff.check_password(password())
    assert not staff.is_staff  # only the admin and auditor roles enter django-admin
    assert AuditEvent.objects.filter(action="staff.add", object_id=str(staff.pk), actor=world["admin"]).exists()


# --- API tokens and sessions expire -------------------------------------------------------------

def test_api_tokens_expire(world):
    raw = issue_token(world["township_clerk"])
    token = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
    assert token.expires - token.created == datetime.timedelta(hours=settings.API_TOKEN_HOURS)
    assert staff_for_token(raw) == world["township_clerk"]
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    assert staff_for_token(raw) is None
    assert staff_for_token("") is None and staff_for_token("forged") is None


def test_tokens_of_a_disabled_account_stop_working(world):
    raw = issue_token(world["township_clerk"])
    disable_staff(actor=None, username="township_clerk")
    assert staff_for_token(raw) is None
    assert not ApiToken.objects.filter(staff=world["township_clerk"]).exists()


def test_only_the_token_hash_is_stored(world):
    raw = issue_token(world["township_clerk"])
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert ApiToken.objects.filter(key_hash=ApiToken.hash(raw)).exists()


def test_session_settings_expire_sessions():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # idle timeout, not a fixed one
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_a_session_is_dropped_after_its_age(world, client):
    client.force_login(world["township_clerk"])
    key = client.session.session_key
    store = SessionStore(session_key=key)
    assert store.get_expire_at_browser_close() is True
    assert store.load() and store.get("_auth_user_id") == str(world["township_clerk"].pk)
    # Pretend the idle age has passed: the stored session is then gone.
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert SessionStore(session_key=key).load() == {}


def test_the_session_cookie_has_no_max_age(world, client):
    client.force_login(world["township_clerk"])
    response = client.get("/django-admin/login/")
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    assert cookie is not None and not cookie["max-age"] and not cookie["expires"]
    assert response.status_code in (200, 302)
