"""Issue 16: the identifying fields a message carried to another node. On SQLite, adding a column
remakes the table, which drops the T3 indexes made by SQL outside the model state (0002/0004), so
they are made again here, as 0005 does after 0004."""
import importlib

from django.db import migrations, models

_0004 = importlib.import_module("liudong.exchange.migrations.0004_topic_withdrawn_forwarded")


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0006_report_and_bulletin_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='carried',
            field=models.JSONField(blank=True, default=dict, verbose_name='随函当事人身份 person as sent'),
        ),
        migrations.RunPython(_0004.indexes(True), migrations.RunPython.noop, elidable=False),
    ]
