"""Log-in with throttling (J3, issue 7).

- An (account name, client address) pair is locked for LOGIN_LOCKOUT_MINUTES once
  LOGIN_MAX_FAILURES attempts from that address have failed: a guesser locks out only himself,
  not the account's owner elsewhere.
- Across all addresses an account is slowed down, never locked: after ACCOUNT_FREE_ATTEMPTS
  failures only one attempt is checked per refusal window, which doubles with each further failure
  (1 s, 2 s, 4 s … up to LOGIN_LOCKOUT_MINUTES). The first time, administrators are told (an
  audit event "login.slowed" and a line on their home page and in the staff admin), and they can
  unlock the account (`unlock`, the admin action, `liudong staff unlock USER`).

Each attempt is claimed before the password is checked, by a conditional UPDATE of a counter row
(LoginThrottle) in its own short transaction: the limit holds however many attempts arrive at once,
on SQLite (writes are serialised) and on PostgreSQL (the UPDATE re-reads the row it waited for).
The password check itself runs outside any transaction, so that slow hashing never holds a lock.

The client address is the socket's (REMOTE_ADDR), or, when the request comes from a trusted proxy
(LIUDONG_TRUSTED_PROXIES), the nearest address before the proxies in the configured header
(LIUDONG_CLIENT_ADDRESS_HEADER, X-Forwarded-For by default).

Each failure writes its own audit row ("login.failed", with the address), which the audit purge
removes with the rest once past the retention; the counter rows go with it (audit.purge).
"""
import datetime
import ipaddress

from django.conf import settings
from django.contrib.auth import authenticate as django_authenticate
from django.db import transaction
from django.db.models import Case, DateTimeField, F, IntegerField, Q, Value, When
from django.utils import timezone

from .audit import record
from .choices import Action
from .models import LoginThrottle, Staff
from .permissions import require
from .staff import staff_in_scope

ACCOUNT = LoginThrottle.ACCOUNT
UNKNOWN_ADDRESS = "unknown"
WRONG = "用户名或密码错误 / wrong username or password"


def account_free_attempts() -> int:
    """Failures across all addresses before an account is slowed down: two addresses' worth."""
    return 2 * settings.LOGIN_MAX_FAILURES


def window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def refusal_window(attempts: int) -> datetime.timedelta:
    """The wait before the next checked attempt of a slowed-down account with `attempts` claimed:
    1 s after the free attempts, doubling with each one, at most LOGIN_LOCKOUT_MINUTES."""
    over = attempts - account_free_attempts()
    return min(datetime.timedelta(seconds=2 ** min(max(over, 0), 30)), window())


# ---------------------------------------------------------------- the client address

def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(addr) -> bool:
    return addr is not None and any(addr in network for network in settings.LOGIN_TRUSTED_PROXIES)


def client_address(request) -> str:
    """The address the request came from: the socket's, unless that is a trusted proxy; then the
    last address in the proxy header that is not itself a trusted proxy (the one the nearest
    trusted proxy saw). Anything unparsable counts as "unknown"."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if _trusted(remote):
        hops = [h for h in (request.META.get(settings.LOGIN_CLIENT_ADDRESS_META) or "").split(",") if h.strip()]
        for hop in reversed(hops):
            addr = _address(hop)
            if addr is None:
                break
            if not _trusted(addr):
                return addr.compressed
    return remote.compressed if remote is not None else UNKNOWN_ADDRESS


# ---------------------------------------------------------------- the counters

def _row(username: str, address: str, now) -> None:
    """The counter row exists (INSERT … ON CONFLICT DO NOTHING on both databases)."""
    LoginThrottle.objects.bulk_create([LoginThrottle(username=username, address=address, attempts=0, window_start=now)], ignore_conflicts=True)


def _at(moment) -> Value:
    return Value(moment, output_field=DateTimeField())


@transaction.atomic
def claim_pair(username: str, address: str, now) -> bool:
    """Claim one attempt for (account name, address). True: the password may be checked. The
    window starts again when LOGIN_LOCKOUT_MINUTES have passed since its first attempt, or when a
    lock has run out; the attempt that reaches LOGIN_MAX_FAILURES locks the pair for the window."""
    _row(username, address, now)
    limit = settings.LOGIN_MAX_FAILURES
    anew = Q(locked_until__isnull=True, window_start__lt=now - window()) | Q(locked_until__lte=now)
    within = Q(locked_until__isnull=True, window_start__gte=now - window(), attempts__lt=limit)
    # The claim that reaches the limit locks the pair (with a limit of 1, the first of a window).
    locks = [When(within & Q(attempts__gte=limit - 1), then=_at(now + window()))]
    if limit <= 1:
        locks.append(When(anew, then=_at(now + window())))
    # One statement: its WHERE and its SET read the same row version, so parallel claims count
    # one by one and no more than `limit` get through.
    return bool(LoginThrottle.objects.filter(username=username, address=address).filter(anew | within).update(
        attempts=Case(When(anew, then=Value(1)), default=F("attempts") + 1, output_field=IntegerField()),
        window_start=Case(When(anew, then=_at(now)), default=F("window_start")),
        locked_until=Case(*locks, default=_at(None)),
    ))


@transaction.atomic
def claim_account(username: str, now) -> tuple[bool, bool]:
    """Claim one attempt for the account across all addresses. Returns (may check, first time
    slowed): the first ACCOUNT_FREE_ATTEMPTS go through (a quiet window resets the count); after
    them one attempt per refusal window, taken by a compare-and-set on the count read."""
    _row(username, ACCOUNT, now)
    free = account_free_attempts()
    rows = LoginThrottle.objects.filter(username=username, address=ACCOUNT)
    quiet = Q(window_start__lt=now - window()) & (Q(locked_until__isnull=True) | Q(locked_until__lte=now))
    if rows.filter(quiet).update(attempts=1, window_start=now, locked_until=None, notified=False):
        return True, False
    if rows.filter(attempts__lt=free).update(attempts=F("attempts") + 1, window_start=now):
        return True, False
    seen = rows.values_list("attempts", flat=True).first()
    if seen is None:
        return False, False
    taken = rows.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now), attempts=seen).update(
        attempts=seen + 1, window_start=now, locked_until=now + refusal_window(seen + 1))
    first = bool(taken) and bool(rows.filter(notified=False).update(notified=True))
    return bool(taken), first


def _release_pair(username: str, address: str) -> None:
    """An attempt claimed for the pair but refused for the account was never checked."""
    LoginThrottle.objects.filter(username=username, address=address, attempts__gt=0).update(attempts=F("attempts") - 1)


def _division_of(username: str) -> str:
    return Staff.objects.filter(username=username).values_list("division_id", flat=True).first() or ""


def log_in(request, username: str, password: str):
    """Check credentials under the throttling above. Returns (staff or None, error message or None).
    An unknown name is throttled like any other: nothing tells the two apart."""
    now = timezone.now()
    username = (username or "").strip()[:150]
    address = client_address(request)
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    if not claim_pair(username, address, now):
        return None, f"登录失败次数过多，请 {minutes} 分钟后再试 / too many failed log-ins, try again in {minutes} minutes"
    allowed, first_slowed = claim_account(username, now)
    if first_slowed:
        with transaction.atomic():
            record(None, "login.slowed", object_type="staff", object_id=username, division_code=_division_of(username),
                   fields={"username": username, "attempts": account_free_attempts() + 1, "address": address})
    if not allowed:
        _release_pair(username, address)
        until = LoginThrottle.objects.filter(username=username, address=ACCOUNT).values_list("locked_until", flat=True).first()
        seconds = max(1, int(((until or now) - now).total_seconds()) + 1)
        return None, (f"此账号登录失败次数过多，请 {seconds} 秒后再试 / too many failed log-ins for this account, "
                      f"try again in {seconds} seconds")
    staff = django_authenticate(request, username=username, password=password)
    with transaction.atomic():
        if staff is None:
            record(None, "login.failed", object_type="staff", object_id=username, division_code=_division_of(username), fields={"address": address})
            return None, WRONG
        LoginThrottle.objects.filter(username=username, address=address).delete()
        # The attempt counted for the account was a good one.
        LoginThrottle.objects.filter(username=username, address=ACCOUNT, attempts__gt=0).update(attempts=F("attempts") - 1)
        record(staff, "login", obj=staff, fields={"address": address})
    return staff, None


# ---------------------------------------------------------------- administrators

def slowed_accounts(*, actor, now) -> list[dict]:
    """The accounts of the actor's subtree slowed down now or in the last window (the notice on
    an administrator's home page): username, attempts, until."""
    require(actor, Action.MANAGE_STAFF)
    rows = LoginThrottle.objects.filter(address=ACCOUNT, attempts__gt=account_free_attempts(), window_start__gte=now - window())
    found = {r.username: r for r in rows}
    if not found:
        return []
    staff = Staff.objects.filter(username__in=list(found)).select_related("division").order_by("username")
    return [{"username": s.username, "attempts": found[s.username].attempts, "until": found[s.username].locked_until}
            for s in staff if actor is None or actor.in_scope(s.division_id)]


@transaction.atomic
def unlock(*, actor, username: str, reason: str = "") -> int:
    """An administrator lifts every lock and slow-down of an account of her subtree (all its
    addresses): `liudong staff unlock USER`, the staff admin's action. Returns the rows cleared."""
    require(actor, Action.MANAGE_STAFF)
    staff = staff_in_scope(actor=actor, username=username)
    cleared, _ = LoginThrottle.objects.filter(username=staff.username).delete()
    record(actor, "staff.unlock", obj=staff, fields={"username": staff.username, "cleared": cleared}, reason=reason)
    return cleared
