"""R7 (part 6 五): the share of each collector's records re-visited each month, as policy data. The
seed names random sampling by group but no share: a system default of 5 %, marked as such; a place
sets its own with `liudong policy set backcheck.sample_percent N --division CODE --from DATE`."""
import datetime

from django.db import migrations

NAME = "backcheck.sample_percent"
SOURCE = "本系统默认值：每月抽取每名信息员采集记录的5%复核（第六部分 五 未规定比例） / system default: 5 % of each collector's records a month (part 6 五 names no share)"


def load(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.get_or_create(name=NAME, division_id="000000000000", valid_from=datetime.date(2009, 10, 1),
                                                                  rule_set="national-2009", defaults={"value": 5, "source": SOURCE})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(name=NAME, rule_set="national-2009").delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0004_backchecks"), ("policy", "0005_rule_sets"), ("divisions", "0002_load_official_codes")]
    operations = [migrations.RunPython(load, unload)]
