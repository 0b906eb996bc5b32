"""P1, T1 (issue 14): the due day of each level's monthly report, in the month after the period
(the issue's example: the village by the 3rd, the township by the 5th; the levels above are this
system's defaults), and the answer period of the exchange's `report` messages (none: they are
signed for, not answered). In force nation-wide from 2009-10-01 with the national set; a province
sets its own with `liudong policy set statistics.due_day.township 6 --division CODE --from DATE`."""
import datetime

from django.db import migrations, models

SYSTEM = "本系统默认值（依据未规定具体日期），可由省调整 / system default (the sources name no day), a province may change it"
VALUES = {
    "statistics.due_day.village": (3, "T1: 村级统计报表次月3日前报送乡镇（逐级统计上报，1-六-(一)-5）；" + SYSTEM),
    "statistics.due_day.township": (5, "T1: 乡镇次月5日前报送县（1-六-(一)-5）；" + SYSTEM),
    "statistics.due_day.county": (8, "T1: 县级次月8日前报送市（1-六-(一)-5）；" + SYSTEM),
    "statistics.due_day.city": (10, "T1: 市级次月10日前报送省（1-六-(一)-5）；" + SYSTEM),
    "statistics.due_day.province": (12, "T1: 省级次月12日前报送国家（1-六-(一)-5）；" + SYSTEM),
    "statistics.due_day.nation": (15, "T1: 国家级次月15日前汇总（1-六-(一)-5）；" + SYSTEM),
    "exchange.reply_days.report": (None, "T1: 统计报表只需签收，无需反馈（本系统默认） / a statistical report is signed for, not answered (system default)"),
}


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, (value, source) in VALUES.items():
        PolicyValue.objects.get_or_create(name=name, division_id="000000000000", valid_from=datetime.date(2009, 10, 1), rule_set="national-2009",
                                          defaults={"value": models.Value(None, models.JSONField()) if value is None else value, "source": source})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(name__in=list(VALUES), rule_set="national-2009").delete()


class Migration(migrations.Migration):
    dependencies = [("statistics", "0001_reports"), ("policy", "0009_sources_in_two_languages"), ("divisions", "0002_load_official_codes")]
    operations = [migrations.RunPython(load, unload)]
