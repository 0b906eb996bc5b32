"""Invariant 3: the audit log is append-only in the database itself, not only in the model."""
from django.db import migrations

SQLITE = [
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON accounts_auditevent BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_refuse_update() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON accounts_auditevent FOR EACH ROW EXECUTE FUNCTION audit_refuse_update();",
]


def forwards(apps, schema_editor):
    for sql in SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRES:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_no_update" + ("" if schema_editor.connection.vendor == "sqlite" else " ON accounts_auditevent"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
