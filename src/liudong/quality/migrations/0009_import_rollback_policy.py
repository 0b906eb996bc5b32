"""Issue 15 part 4: how long an import batch can be rolled back as a whole, as policy data. The seed
names no such window: a system default of 7 days, marked as such; a place sets its own with
`liudong policy set import.rollback_days N --division CODE --from DATE`."""
import datetime

from django.db import migrations

NAME = "import.rollback_days"
SOURCE = "本系统默认值：导入批次7天内可整体撤销（原文未规定） / system default: an import batch can be rolled back whole for 7 days (the seed names no window)"


def load(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.get_or_create(name=NAME, division_id="000000000000", valid_from=datetime.date(2009, 10, 1),
                                                                  rule_set="national-2009", defaults={"value": 7, "source": SOURCE})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(name=NAME, rule_set="national-2009").delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0008_import_batches"), ("policy", "0005_rule_sets"), ("divisions", "0002_load_official_codes")]
    operations = [migrations.RunPython(load, unload)]
