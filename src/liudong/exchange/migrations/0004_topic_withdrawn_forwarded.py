"""Issue 8: the exchange's topics (X1), the day a message was withdrawn (X3), forwarding (B2).

- topic: the closed list of part 3, 三 on every message of the exchange. Existing rows get the topic
  their kind or case says: a contraception report 避孕节育; a fee consultation and its messages 缴纳
  社会抚养费; the messages of a birth case 生育; an answer its request's; every other message (free
  verifications, notifications, policy notices, clues, correspondence) 生育, the subject most of the
  exchange is about (a clerk corrects nothing: a new message chooses its own). Arrival claims and
  family links have none.
- withdrawn_on: the local day the sender closed it (closed_at with a close reason; a notice signed
  for has no reason and was not withdrawn). One withdrawn after its deadline keeps the miss:
  overdue_on is set to that day where the tick had not marked it.
- forwarded_from and the state "forwarded".
- T3 (exchange.timeliness) now groups by topic and reads withdrawn_on instead of closed_at: the
  SQLite covering indexes of migration 0002 are rebuilt with them (topic third, in GROUP BY order),
  and so is the partial index of what a place had to send (both databases).
"""
import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

UNTOPICAL = ("arrival_claim", "family_link")

SQLITE = {
    "message_t3_received": 'CREATE INDEX IF NOT EXISTS "message_t3_received" ON "exchange_message" '
                           '("receiver_id", SUBSTR("sender_id", 1, 2), "topic", "arrived_on", "reply_due_on", "answered_on", "withdrawn_on", "sender_id")',
    "message_t3_sent": 'CREATE INDEX IF NOT EXISTS "message_t3_sent" ON "exchange_message" '
                       '("sender_id", SUBSTR("receiver_id", 1, 2), "topic", "sent_on", "kind", "reply_due_on", "answered_on", "arrived_on", "withdrawn_on", "receiver_id")',
}
BOTH = {
    "message_t3_duty": 'CREATE INDEX IF NOT EXISTS "message_t3_duty" ON "exchange_message" '
                       '("sender_id", SUBSTR("receiver_id", 1, 2), "topic", "send_due_on", "sent_on", "withdrawn_on", "receiver_id") '
                       'WHERE "send_due_on" IS NOT NULL',
}
OLD_SQLITE = {
    "message_t3_received": 'CREATE INDEX IF NOT EXISTS "message_t3_received" ON "exchange_message" '
                           '("receiver_id", SUBSTR("sender_id", 1, 2), "arrived_on", "reply_due_on", "answered_on", "closed_at", "sender_id")',
    "message_t3_sent": 'CREATE INDEX IF NOT EXISTS "message_t3_sent" ON "exchange_message" '
                       '("sender_id", SUBSTR("receiver_id", 1, 2), "sent_on", "kind", "reply_due_on", "answered_on", "arrived_on", "closed_at", "receiver_id")',
}
OLD_BOTH = {
    "message_t3_duty": 'CREATE INDEX IF NOT EXISTS "message_t3_duty" ON "exchange_message" '
                       '("sender_id", SUBSTR("receiver_id", 1, 2), "send_due_on", "sent_on", "closed_at", "receiver_id") '
                       'WHERE "send_due_on" IS NOT NULL',
}


def fill(apps, schema_editor):
    Message = apps.get_model("exchange", "Message")
    Message.objects.filter(kind="contraception_report").update(topic="contraception")
    Message.objects.filter(models.Q(kind="fee_consultation") | models.Q(case_type="fee_consultation")).update(topic="fee")
    Message.objects.filter(topic="").exclude(kind__in=UNTOPICAL).exclude(kind="reply").update(topic="births")
    for answer in Message.objects.filter(kind="reply").select_related("in_reply_to").iterator():
        topic = answer.in_reply_to.topic if answer.in_reply_to_id and answer.in_reply_to.topic else "births"
        Message.objects.filter(pk=answer.pk).update(topic=topic)
    for m in Message.objects.filter(closed_at__isnull=False).exclude(close_reason="").iterator():
        withdrawn = timezone.localdate(m.closed_at)
        due = m.reply_due_on if m.sent_at is not None else m.send_due_on
        overdue_on = m.overdue_on or (withdrawn if due is not None and withdrawn > due and m.answered_on is None else None)
        Message.objects.filter(pk=m.pk).update(withdrawn_on=withdrawn, overdue_on=overdue_on)


def indexes(new: bool):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = dict(BOTH if new else OLD_BOTH)
        if vendor == "sqlite":
            statements.update(SQLITE if new else OLD_SQLITE)
        for name, sql in statements.items():
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("exchange", "0003_arrival_claims_family_proposals"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="forwarded_from",
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="forwarded_to",
                                       to="exchange.message", verbose_name="转交自 forwarded from"),
        ),
        migrations.AddField(
            model_name="message",
            name="topic",
            field=models.CharField(blank=True, choices=[("marriage", "婚姻 marriage"), ("births", "生育 births"), ("reproductive_health", "生殖保健服务 reproductive health services"),
                                                        ("contraception", "避孕节育 contraception"), ("certificate", "持证 certificate"), ("fee", "缴纳社会抚养费 social maintenance fee")],
                                   max_length=24, verbose_name="主题 topic"),
        ),
        migrations.AddField(
            model_name="message",
            name="withdrawn_on",
            field=models.DateField(blank=True, null=True, verbose_name="撤回日期 withdrawn on"),
        ),
        migrations.AlterField(
            model_name="message",
            name="state",
            field=models.CharField(choices=[("draft", "待发送 to send"), ("sent", "已发送 sent"), ("received", "已签收 received"), ("answered", "已反馈 answered"),
                                            ("overdue", "已超期 overdue"), ("closed", "已办结 closed"), ("forwarded", "已转交 forwarded")],
                                   max_length=10, verbose_name="状态 state"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
