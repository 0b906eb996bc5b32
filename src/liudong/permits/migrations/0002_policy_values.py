"""Issue 13: the values policy/rule_sets.py added to `residence-permit-2016` (the card's items, the
yearly endorsement, calendar days for the decision) in force where the set is, from its date.
A fresh database has them already (policy 0005 loads the whole set): get_or_create."""
from django.db import migrations, models

from liudong.policy.rule_sets import RULE_SETS

NAMES = ("residence_permit.items", "residence_permit.endorsement_interval_years", "residence_permit.decision_day_kind")


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    rs = RULE_SETS["residence-permit-2016"]
    for name in NAMES:
        value, source = rs.values[name]
        PolicyValue.objects.get_or_create(name=name, division_id=rs.default_division, valid_from=rs.default_from, rule_set=rs.code,
                                          defaults={"value": models.Value(None, models.JSONField()) if value is None else value, "source": source})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(rule_set="residence-permit-2016", name__in=NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [("permits", "0001_initial"), ("policy", "0008_r2_quarterly_check_r5_2016_definition")]
    operations = [migrations.RunPython(load, unload)]
