"""T3: what makes the timeliness figures of a province and a year (a million messages) take well
under two seconds (liudong.exchange.timeliness; measured by bench/exchange.py).

The three queries group by place and counterpart province:
`GROUP BY receiver_id, SUBSTR(sender_id, 1, 2)` (received), `GROUP BY sender_id,
SUBSTR(receiver_id, 1, 2)` (sent, and to send).

- SQLite: covering indexes that begin with exactly that (place, SUBSTR(...)) pair and hold every
  column the counts read, so each query is one pass over an index in GROUP BY order, never
  touching the wide table rows and never sorting. They hold no column the daily tick changes
  (state, overdue_on), so SQLite's tick does not maintain them.
- PostgreSQL: no covering indexes (every UPDATE by the tick writes a new row version into every
  index, and a frequently updated table keeps index-only scans from skipping the table anyway):
  extended statistics tell the planner how many (place, province) groups there are, so it hashes
  them after a parallel scan instead of sorting a million rows on disk.
- Both: a small partial index over the messages a case obliged a place to send (send_due_on set).

Vendor-specific, so written here rather than in Message.Meta.indexes.
"""
from django.db import migrations

SQLITE = {
    "message_t3_received": 'CREATE INDEX IF NOT EXISTS "message_t3_received" ON "exchange_message" '
                           '("receiver_id", SUBSTR("sender_id", 1, 2), "arrived_on", "reply_due_on", "answered_on", "closed_at", "sender_id")',
    "message_t3_sent": 'CREATE INDEX IF NOT EXISTS "message_t3_sent" ON "exchange_message" '
                       '("sender_id", SUBSTR("receiver_id", 1, 2), "sent_on", "kind", "reply_due_on", "answered_on", "arrived_on", "closed_at", "receiver_id")',
}
POSTGRESQL_STATISTICS = {
    "message_t3_received_stats": 'CREATE STATISTICS IF NOT EXISTS "message_t3_received_stats" (ndistinct) '
                                 'ON "receiver_id", (SUBSTR("sender_id", 1, 2)) FROM "exchange_message"',
    "message_t3_sent_stats": 'CREATE STATISTICS IF NOT EXISTS "message_t3_sent_stats" (ndistinct) '
                             'ON "sender_id", (SUBSTR("receiver_id", 1, 2)) FROM "exchange_message"',
}
BOTH = {
    "message_t3_duty": 'CREATE INDEX IF NOT EXISTS "message_t3_duty" ON "exchange_message" '
                       '("sender_id", SUBSTR("receiver_id", 1, 2), "send_due_on", "sent_on", "closed_at", "receiver_id") '
                       'WHERE "send_due_on" IS NOT NULL',
}


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = dict(BOTH)
    if vendor == "sqlite":
        statements.update(SQLITE)
    elif vendor == "postgresql":
        statements.update(POSTGRESQL_STATISTICS)
    for sql in statements.values():
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name in [*BOTH, *(SQLITE if vendor == "sqlite" else [])]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    if vendor == "postgresql":
        for name in POSTGRESQL_STATISTICS:
            schema_editor.execute(f'DROP STATISTICS IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
