"""P1, T3 (issue 14): the two-way assessment's thresholds, weights and veto items, and its pass
mark, in force nation-wide from 2009-10-01 as system defaults (the sources name no numbers, except
part 11's county, which requires a 100% reply rate: shipped as the default threshold of the reply
rate, with a veto). A province or county sets its own with `liudong policy set`."""
import datetime

from django.db import migrations

SYSTEM = "本系统默认值（依据未规定具体数值），可调整 / system default (the sources name no number)"
VALUES = {
    "statistics.assessment": ({
        "reply_rate": {"threshold": 1.0, "weight": 30, "veto": True},
        "on_time_rate": {"threshold": 0.9, "weight": 20, "veto": False},
        "certificate_verification_rate": {"threshold": 0.8, "weight": 15, "veto": False},
        "service_coverage": {"threshold": 0.8, "weight": 15, "veto": False},
        "registration_coverage": {"threshold": 0.95, "weight": 10, "veto": False},
        "reports_on_time": {"threshold": 0.9, "weight": 10, "veto": False},
    }, "T3: 双向考核指标的达标值、权重和一票否决项；反馈率100%（第十一部分县级规范：信息反馈率达到100%）；其余 " + SYSTEM),
    "statistics.assessment_pass_score": (60, "T3: 双向考核合格分数线；" + SYSTEM),
}


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, (value, source) in VALUES.items():
        PolicyValue.objects.get_or_create(name=name, division_id="000000000000", valid_from=datetime.date(2009, 10, 1), rule_set="national-2009",
                                          defaults={"value": value, "source": source})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(name__in=list(VALUES), rule_set="national-2009").delete()


class Migration(migrations.Migration):
    dependencies = [("statistics", "0002_due_days_and_report_messages")]
    operations = [migrations.RunPython(load, unload)]
