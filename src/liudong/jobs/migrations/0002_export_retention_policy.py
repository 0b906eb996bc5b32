"""P1: how long an export file is kept (policy value export_retention_days). No source names a
number: a system default of 7 days, in force nation-wide from the default set's date; a province
sets its own with `liudong policy set export_retention_days N --division CODE --from DATE`."""
import datetime

from django.db import migrations

NAME = "export_retention_days"
VALUE = 7
SOURCE = "本系统默认值：导出文件含个人信息，生成后保存7天即删除（依据未规定天数），可由省调整 / system default: export files hold personal data and are deleted 7 days after they are made"


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    PolicyValue.objects.get_or_create(name=NAME, division_id="000000000000", valid_from=datetime.date(2009, 10, 1), rule_set="national-2009",
                                      defaults={"value": VALUE, "source": SOURCE})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(name=NAME, rule_set="national-2009").delete()


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial"), ("policy", "0005_rule_sets"), ("divisions", "0002_load_official_codes")]
    operations = [migrations.RunPython(load, unload)]
