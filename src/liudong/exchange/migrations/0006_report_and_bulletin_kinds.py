"""Issue 14: the message kinds `report` (T1: a report passing up) and `bulletin` (T4: a bulletin
sent down), which carry no topic. Changing the check makes SQLite rebuild the table, which drops
the T3 covering indexes written in SQL (0002, 0004): they are written again here, as 0005 does."""
import importlib

from django.conf import settings
from django.db import migrations, models

_0004 = importlib.import_module("liudong.exchange.migrations.0004_topic_withdrawn_forwarded")


class Migration(migrations.Migration):

    dependencies = [
        ('divisions', '0003_division_kind'),
        ('exchange', '0005_topic_required_t3_indexes'),
        ('people', '0009_marital_events'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='message',
            name='message_has_topic',
        ),
        migrations.AlterField(
            model_name='message',
            name='kind',
            field=models.CharField(choices=[('verification', '核实 verification request'), ('reply', '反馈 reply'), ('notification', '通报 notification'), ('contraception_report', '避孕节育情况报告 contraception status report'), ('policy_notice', '政策通报 policy notice'), ('clue', '两非线索 clue (illegal sex identification or selection)'), ('correspondence', '案件函件 case correspondence'), ('fee_consultation', '协商征收函 fee consultation'), ('arrival_claim', '到达申报 arrival claim'), ('family_link', '亲属关系确认 family link to confirm'), ('report', '统计报表 statistical report'), ('bulletin', '工作通报 bulletin')], max_length=24, verbose_name='类型 type'),
        ),
        migrations.AddConstraint(
            model_name='message',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('topic', ''), _negated=True), ('kind__in', ('arrival_claim', 'family_link', 'report', 'bulletin', 'reply')), _connector='OR'), name='message_has_topic'),
        ),
        migrations.RunPython(_0004.indexes(True), _0004.indexes(True), elidable=False),
    ]
