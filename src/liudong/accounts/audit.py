"""Invariant 3: the audit log. `record` appends an event in the caller's transaction; `events` is
the one query of the log that the audit page, the API and the Django admin all read; `purge`
deletes what is past the retention it is given (the caller reads the policy value: accounts sits
below policy and does not import it).

The log refuses UPDATE in the database and DELETE outside `purge` (migrations 0003 and 0004).
"""
import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from liudong.divisions.queries import in_range
from liudong.errors import Invalid

from .choices import Action
from .models import AuditEvent, LoginThrottle
from .permissions import require

# Apps above accounts add the events *about* the records of an auditor's area, whoever acted:
# people registers "the persons in the auditor's scope" (people.apps), so that an auditor also
# sees who opened her people's records from elsewhere. Each is fn(actor) -> a queryset of person
# ids; accounts never imports those apps.
SUBJECT_SCOPES: list = []


def add_subject_scope(fn) -> None:
    if fn not in SUBJECT_SCOPES:
        SUBJECT_SCOPES.append(fn)


def record(actor, action: str, *, obj=None, object_type: str = "", object_id="", person_id=None, fields=None, reason: str = "", at=None,
           division_code: str | None = None) -> AuditEvent:
    """Append one audit event. Call inside the service's transaction, so the event and the change
    commit or roll back together. actor None is the system (accounts.permissions). The event
    belongs to the actor's division (whose auditors read it) unless `division_code` says otherwise:
    a failed log-in, which nobody is logged in for, belongs to the account's division."""
    made = event(actor, action, obj=obj, object_type=object_type, object_id=object_id, person_id=person_id, fields=fields, reason=reason, at=at,
                 division_code=division_code)
    made.save(force_insert=True)
    return made


def event(actor, action: str, *, obj=None, object_type: str = "", object_id="", person_id=None, fields=None, reason: str = "", at=None,
          division_code: str | None = None) -> AuditEvent:
    """The event `record` appends, not yet written (for `record_all`)."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    return AuditEvent(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        person_id=person_id,
        fields=fields or {},
        reason=reason[:200],
        division_code=(getattr(actor, "division_id", "") or "") if division_code is None else division_code,
    )


def record_all(events: list[AuditEvent]) -> None:
    """Append many events in one statement (issue 16: a node's receiving batch), in the caller's
    transaction."""
    AuditEvent.objects.bulk_create(events, batch_size=500)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def events(actor, *, person_id=None, actor_name: str = "", action: str = "", since: datetime.date | None = None,
           until: datetime.date | None = None):
    """The audit log as an auditor may read it (VIEW_AUDIT), newest first: the events of staff
    acting in the auditor's subtree and every event about the persons of that subtree (the
    subject scopes); a nation-level auditor sees everything, the system's own events included.
    Filters: a person id, a staff username, an action, and a first and last day (inclusive)."""
    require(actor, Action.VIEW_AUDIT)
    qs = AuditEvent.objects.all()
    if actor.division.level > 0:
        mine = in_range("division_code", actor.division_id)
        for scope in SUBJECT_SCOPES:
            mine |= Q(person_id__in=scope(actor))
        qs = qs.filter(mine)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if actor_name:
        qs = qs.filter(actor_name=actor_name.strip())
    if action:
        qs = qs.filter(action=action.strip())
    if since:
        qs = qs.filter(at__gte=_day_start(since))
    if until:
        qs = qs.filter(at__lt=_day_start(until + datetime.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def cutoff(on: datetime.date, retention_days: int) -> datetime.datetime:
    """Events before this instant are past a retention of `retention_days` on `on`."""
    start = on - datetime.timedelta(days=retention_days)
    return datetime.datetime.combine(start, datetime.time.min, tzinfo=timezone.get_default_timezone())


def _open_delete_gate(opened: bool):
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
def purge(*, actor, on: datetime.date, today: datetime.date, retention_days, for_real: bool) -> dict:
    """`liudong audit purge [--for-real] [--on DATE]` (invariant 3): delete the audit events older
    than `retention_days` before `on` (the command reads the policy value audit_retention_days in
    force on `on`), then log the purge itself. A dry run (for_real=False) only counts.

    `on` may not lie after `today`: a date in the future would cut events short of their retention."""
    require(actor, Action.PURGE_AUDIT)
    if not isinstance(on, datetime.date) or isinstance(on, datetime.datetime):
        raise Invalid({"on": ["日期应为 YYYY-MM-DD / a date is written YYYY-MM-DD"]})
    if on > today:
        raise Invalid({"on": [f"日期 {on} 晚于今天，不能提前清理 / {on} is after today: events cannot be purged before their time"]})
    days = retention_days
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise Invalid({"audit_retention_days": [f"保存期限应为正整数天，现为 {days!r} / the retention must be a whole number of days, got {days!r}"]})
    before = cutoff(on, days)
    expired = AuditEvent.objects.filter(at__lt=before)
    # The log-in counters of attempts older than the cutoff go too: nothing about a failed log-in
    # outlives its audit row.
    throttles = LoginThrottle.objects.filter(window_start__lt=before)
    result = {"on": on.isoformat(), "retention_days": days, "cutoff": before.isoformat(), "count": expired.count(), "deleted": 0,
              "throttles": throttles.count(), "for_real": bool(for_real)}
    if not for_real:
        return result
    _open_delete_gate(True)
    deleted, _ = expired.delete()
    _open_delete_gate(False)
    throttles.delete()
    result["deleted"] = deleted
    record(actor, "audit.purge", object_type="auditevent",
           fields={"deleted": deleted, "cutoff": result["cutoff"], "retention_days": days, "on": result["on"], "throttles": result["throttles"]})
    return result
