"""Issue 8, after 0004 filled every message's topic: the check that the exchange's messages have
one, and the T3 indexes rebuilt with topic and withdrawn_on (SQL in 0004). Apart from 0004 so that
PostgreSQL alters the table in a transaction of its own, not in the one that updated the rows."""
import importlib

from django.db import migrations, models

_0004 = importlib.import_module("liudong.exchange.migrations.0004_topic_withdrawn_forwarded")
UNTOPICAL = _0004.UNTOPICAL


class Migration(migrations.Migration):

    dependencies = [
        ("exchange", "0004_topic_withdrawn_forwarded"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="message",
            constraint=models.CheckConstraint(condition=models.Q(models.Q(("topic", ""), _negated=True), ("kind__in", UNTOPICAL + ("reply",)), _connector="OR"), name="message_has_topic"),
        ),
        migrations.RunPython(_0004.indexes(True), _0004.indexes(False), elidable=False),
    ]
