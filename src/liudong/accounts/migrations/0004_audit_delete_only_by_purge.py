"""Invariant 3: audit events are deleted only by the purge (`liudong audit purge`), which opens a
gate inside its own transaction (accounts.audit.purge):

- PostgreSQL: a statement trigger refuses DELETE unless the transaction has set
  `liudong.audit_purge` = 'on' (set_config(..., true), i.e. SET LOCAL: it ends with the transaction
  and is undone by a rollback to a savepoint).
- SQLite: a row trigger refuses DELETE unless the one-row table accounts_auditpurgegate holds its
  row; the purge inserts it and deletes it again in the same transaction.

These guard against application bugs and careless hands, not against whoever owns the database:
anyone who can run arbitrary SQL can open the gate as the purge does (or DROP the trigger). On
PostgreSQL, TRUNCATE does not fire DELETE triggers; it needs the TRUNCATE privilege, which the
application role need not hold, and Django's test `flush` relies on it.

Caution for later migrations: on SQLite, altering accounts_auditevent rebuilds the table and drops
its triggers; tests/accounts/test_audit.py checks that both triggers exist after all migrations.
"""
from django.db import migrations

MESSAGE = "audit events are deleted only by the purge (liudong audit purge)"

SQLITE = [
    "CREATE TABLE accounts_auditpurgegate (id integer NOT NULL PRIMARY KEY CHECK (id = 1))",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON accounts_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM accounts_auditpurgegate) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_BACK = ["DROP TRIGGER IF EXISTS audit_no_delete", "DROP TABLE IF EXISTS accounts_auditpurgegate"]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION audit_refuse_delete() RETURNS trigger AS $$
    BEGIN
        IF coalesce(current_setting('liudong.audit_purge', true), '') <> 'on' THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        RETURN NULL;
    END; $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON accounts_auditevent FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_delete();",
]
POSTGRES_BACK = ["DROP TRIGGER IF EXISTS audit_no_delete ON accounts_auditevent", "DROP FUNCTION IF EXISTS audit_refuse_delete()"]


def forwards(apps, schema_editor):
    for sql in SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRES:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in SQLITE_BACK if schema_editor.connection.vendor == "sqlite" else POSTGRES_BACK:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
