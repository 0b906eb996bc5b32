"""Invariant 3: the audit log is append-only in the database itself; only the purge deletes, after
the retention period in force (policy value audit_retention_days, P1), and the purge logs itself.

These run on SQLite by default and on PostgreSQL with DATABASE_URL (.ci/run): the triggers differ
(migration accounts/0004) but the behaviour must not."""
import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from liudong.accounts import audit
from liudong.accounts.models import AuditEvent
from liudong.codes import NATION_CODE
from liudong.errors import Denied, Invalid
from liudong.policy.management.commands.audit import retention_days
from liudong.policy.models import PolicyValue


def days_ago(n, on=None):
    on = on or timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(on - datetime.timedelta(days=n), datetime.time(12)))


def purge(*, actor, on, for_real):
    """The purge as the command runs it: the retention in force on `on` (P1), today's date."""
    return audit.purge(actor=actor, on=on, today=timezone.localdate(), retention_days=retention_days(on), for_real=for_real)


@pytest.fixture
def events(db):
    """One event well past the national 1825-day retention, one just past it, two within it."""
    return {
        "ancient": audit.record(None, "test.ancient", at=days_ago(4000)),
        "expired": audit.record(None, "test.expired", at=days_ago(1826)),
        "kept": audit.record(None, "test.kept", at=days_ago(1825)),
        "recent": audit.record(None, "test.recent", at=days_ago(1)),
    }


# --- append-only ------------------------------------------------------------------------------

def test_update_through_the_orm_raises(events):
    e = events["recent"]
    e.action = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        e.save()


def test_update_through_raw_sql_is_refused_by_the_trigger(events):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_auditevent SET action = 'tampered'")
    assert not AuditEvent.objects.filter(action="tampered").exists()


def test_queryset_update_is_refused_by_the_trigger(events):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=events["recent"].pk).update(action="tampered")


def test_plain_delete_is_refused(events):
    with pytest.raises(DatabaseError, match="only by the purge"):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=events["ancient"].pk).delete()
    assert AuditEvent.objects.filter(pk=events["ancient"].pk).exists()


def test_plain_raw_delete_is_refused(events):
    with pytest.raises(DatabaseError, match="only by the purge"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_auditevent")
    assert AuditEvent.objects.count() == 4


def test_both_triggers_exist_after_all_migrations(db):
    # On SQLite a later migration that alters accounts_auditevent rebuilds the table and drops its
    # triggers silently; this test is the alarm.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accounts_auditevent'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'accounts_auditevent'::regclass AND NOT tgisinternal")
        names = {r[0] for r in cursor.fetchall()}
    assert {"audit_no_update", "audit_no_delete"} <= names


# --- the purge --------------------------------------------------------------------------------

def test_dry_run_counts_and_deletes_nothing(events):
    result = purge(actor=None, on=timezone.localdate(), for_real=False)
    assert result["count"] == 2 and result["deleted"] == 0 and result["retention_days"] == 1825
    assert AuditEvent.objects.count() == 4
    assert not AuditEvent.objects.filter(action="audit.purge").exists()


def test_purge_deletes_only_expired_events_and_logs_itself(events):
    on = timezone.localdate()
    result = purge(actor=None, on=on, for_real=True)
    assert result["deleted"] == 2
    left = set(AuditEvent.objects.values_list("action", flat=True))
    assert left == {"test.kept", "test.recent", "audit.purge"}
    log = AuditEvent.objects.get(action="audit.purge")
    assert log.actor is None and log.actor_name == "system"
    assert log.fields["deleted"] == 2 and log.fields["retention_days"] == 1825 and log.fields["on"] == on.isoformat()
    assert log.fields["cutoff"].startswith((on - datetime.timedelta(days=1825)).isoformat())


def test_the_gate_is_closed_again_after_a_purge(events):
    # Within the same transaction (PostgreSQL: SET LOCAL; SQLite: the gate row), a later plain
    # DELETE is refused again.
    purge(actor=None, on=timezone.localdate(), for_real=True)
    with pytest.raises(DatabaseError, match="only by the purge"):
        with transaction.atomic():
            AuditEvent.objects.all().delete()


def test_a_failed_purge_leaves_everything(events, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", boom)
    with pytest.raises(RuntimeError):
        purge(actor=None, on=timezone.localdate(), for_real=True)
    assert AuditEvent.objects.count() == 4
    with pytest.raises(DatabaseError, match="only by the purge"):
        with transaction.atomic():
            AuditEvent.objects.all().delete()


def test_retention_is_the_policy_value_in_force_on_the_date(events):
    # P1: a later national value (here 3000 days from a date) applies to purges on or after it.
    on = timezone.localdate()
    PolicyValue.objects.create(name="audit_retention_days", division_id=NATION_CODE, valid_from=on, value=3000, rule_set="test")
    assert purge(actor=None, on=on, for_real=False)["count"] == 1
    assert purge(actor=None, on=on - datetime.timedelta(days=1), for_real=False)["retention_days"] == 1825


def test_purge_refuses_a_future_date(events):
    with pytest.raises(Invalid) as e:
        purge(actor=None, on=timezone.localdate() + datetime.timedelta(days=1), for_real=True)
    assert "on" in e.value.errors
    assert AuditEvent.objects.count() == 4


def test_purge_needs_the_purge_action(world, events):
    for role in ("auditor", "township_clerk", "nation_officer"):
        with pytest.raises(Denied):
            purge(actor=world[role], on=timezone.localdate(), for_real=True)
    result = purge(actor=world["admin"], on=timezone.localdate(), for_real=True)
    assert result["deleted"] == 2
    assert AuditEvent.objects.get(action="audit.purge").actor == world["admin"]


def test_audit_events_are_scoped_to_the_auditors_subtree(world, events):
    audit.record(world["township_clerk"], "test.nanshan")   # 南头街道, inside 南山区
    audit.record(world["futian_clerk"], "test.futian")      # 福田区, outside
    seen = set(audit.events(world["auditor"]).values_list("action", flat=True))
    assert "test.nanshan" in seen and "test.futian" not in seen and "test.recent" not in seen


# --- the command ------------------------------------------------------------------------------

def test_command_dry_run_by_default(events, capsys):
    call_command("audit", "purge")
    out = capsys.readouterr().out
    assert "dry run: 2 audit events" in out
    assert AuditEvent.objects.count() == 4


def test_command_for_real(events, capsys):
    call_command("audit", "purge", "--for-real", "--on", timezone.localdate().isoformat())
    assert "deleted 2 expired" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="audit.purge").count() == 1
    assert not AuditEvent.objects.filter(action__in=["test.ancient", "test.expired"]).exists()


def test_command_bad_date(events):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit", "purge", "--on", "2026-02-30")
    with pytest.raises(CommandError, match="after today"):
        call_command("audit", "purge", "--for-real", "--on", "2999-01-01")
    assert AuditEvent.objects.count() == 4


# --- wiping the whole database -------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_flush_wipes_the_audit_log_and_leaves_the_gate_closed():
    """`liudong flush` (and every transactional test's teardown) removes all data, audit log
    included: PostgreSQL truncates (no DELETE trigger fires); on SQLite our flush command opens
    the gate for that one transaction (accounts/management/commands/flush.py)."""
    audit.record(None, "before.flush")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    audit.record(None, "after.flush")  # the teardown's flush must cope with this one too
    with pytest.raises(DatabaseError, match="only by the purge"):
        AuditEvent.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM accounts_auditpurgegate")
            assert cursor.fetchone()[0] == 0


def test_i4_the_audit_page_writes_sentences_codes_in_tooltips(client, world, migrant):
    """Issue 9 item 4: "王芳 查看了 人员 第 N 号 的档案" with the fields read by their labels, a label
    per action code in the filter; the codes and the raw details only in tooltips. The person is
    named by her number: auditors see who did what to which record, not her data (invariant 2)."""
    from liudong.people import queries as people_queries
    from tests.page_text import ALLOWED, latin_words, visible_text

    clerk = world["township_clerk"]
    clerk.first_name = "王芳"
    clerk.save()
    people_queries.get_person(actor=clerk, person_id=migrant.pk, purpose="view")
    client.force_login(world["auditor"])
    html = client.get("/audit/").content.decode()
    assert f"王芳 查看了 人员 第 {migrant.pk} 号 的档案" in html
    assert "身份证号、姓名、性别" in html and 'title="person.view person ' in html
    assert '<option value="person.view">查看了 opened</option>' not in html and '<option value="person.view">查看了</option>' in html
    assert not latin_words(visible_text(html), ALLOWED | {"auditor", "township_clerk"})
    client.cookies["django_language"] = "en"
    html = client.get("/audit/").content.decode()
    assert f"王芳 opened the record of person no. {migrant.pk}" in html and "ID number, name, sex" in html
