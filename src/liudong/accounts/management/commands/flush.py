"""`liudong flush` (Django's "remove ALL data from the database"), made to work with the audit
log's delete trigger on SQLite (migration accounts/0004).

Wiping the whole database is an administrative act, not an application write: on PostgreSQL
Django flushes with TRUNCATE, which DELETE triggers do not see, and on SQLite it runs a DELETE per
table, which the trigger would refuse. So on SQLite this opens the purge gate for the flush and
closes it again, all in one transaction. Test runs need this: every test that uses a real
transaction (live_server, transactional_db) ends with a flush.
"""
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections, transaction

GATE = "accounts_auditpurgegate"


class Command(DjangoFlush):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or GATE not in connection.introspection.table_names():
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT OR IGNORE INTO {GATE} (id) VALUES (1)")
            result = super().handle(**options)
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {GATE}")
        return result
