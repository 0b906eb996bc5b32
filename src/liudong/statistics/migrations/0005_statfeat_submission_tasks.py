"""Part 11's submission tasks (issue 14 part 3), and two policy values from a date (history kept:
the earlier rows stay in force before it):

- `statistics.assessment` from 2011-10-01 (the first statistical year after part 11's county rules of
  2011-06-07, which ask each township to 完成县定提交信息任务数): the same indicators plus
  `submission_task` (its windows met, threshold 100%, weight 10: the weight is a system default);
- `statistics.bulletin_rank` (T4): the weights of the composite the bulletin ranks divisions by
  (reply rate, on-time rate, reports on time; system defaults)."""
import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SYSTEM = "本系统默认值（依据未规定具体数值），可调整 / system default (the sources name no number)"
ASSESSMENT = {
    "reply_rate": {"threshold": 1.0, "weight": 30, "veto": True},
    "on_time_rate": {"threshold": 0.9, "weight": 20, "veto": False},
    "certificate_verification_rate": {"threshold": 0.8, "weight": 15, "veto": False},
    "service_coverage": {"threshold": 0.8, "weight": 15, "veto": False},
    "registration_coverage": {"threshold": 0.95, "weight": 10, "veto": False},
    "reports_on_time": {"threshold": 0.9, "weight": 10, "veto": False},
    "submission_task": {"threshold": 1.0, "weight": 10, "veto": False},
}
VALUES = [
    ("statistics.assessment", datetime.date(2011, 10, 1), ASSESSMENT,
     "T3: 双向考核；增加县定提交信息任务完成率（第十一部分，2011-06-07：完成县定提交信息任务数，信息回复率100%）；权重 " + SYSTEM),
    ("statistics.bulletin_rank", datetime.date(2009, 10, 1), {"reply_rate": 0.4, "on_time_rate": 0.3, "reports_on_time": 0.3},
     "T4: 通报排名的综合得分权重（反馈率、按时反馈率、月报按期率）；" + SYSTEM),
]


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, valid_from, value, source in VALUES:
        PolicyValue.objects.get_or_create(name=name, division_id="000000000000", valid_from=valid_from, rule_set="national-2009",
                                          defaults={"value": value, "source": source})


def unload(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, valid_from, _, _ in VALUES:
        PolicyValue.objects.filter(name=name, division_id="000000000000", valid_from=valid_from, rule_set="national-2009").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('divisions', '0003_division_kind'),
        ('statistics', '0004_bulletin'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SubmissionTask',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(verbose_name="起始 from (a period's first day)")),
                ('period', models.CharField(choices=[('month', '每月 a month'), ('quarter', '每季度 a quarter'), ('year', '每统计年度 a statistical year')], max_length=10, verbose_name='考核周期 period')),
                ('messages', models.PositiveIntegerField(verbose_name='提交信息任务数 messages a period')),
                ('kinds', models.JSONField(blank=True, default=list, verbose_name='计入的函件种类 kinds counted (empty: all)')),
                ('reply_target', models.FloatField(default=1.0, verbose_name='反馈率目标 reply target (0-1)')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='依据 note')),
                ('set_at', models.DateTimeField(verbose_name='设定时间 set at')),
                ('set_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('township', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='divisions.division', verbose_name='乡镇 township')),
            ],
            options={
                'verbose_name': '提交信息任务 submission task',
                'ordering': ['township_id', 'valid_from'],
                'constraints': [models.UniqueConstraint(fields=('township', 'valid_from'), name='submission_task_one_per_start')],
            },
        ),
        migrations.RunPython(load, unload),
    ]
