"""P1: the dated rule sets of policy-timeline.md (policy/rule_sets.py) in force where and from when
they were enacted: the national sets for the whole country from their national dates, and the
residence-registration example for Zhejiang. A province adopts a set from its own date later."""
from django.db import migrations, models

from liudong.policy.rule_sets import RULE_SETS


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for rs in RULE_SETS.values():
        if rs.default_from is None or rs.default_division is None:
            continue
        for name, (value, source) in rs.values.items():
            PolicyValue.objects.get_or_create(name=name, division_id=rs.default_division, valid_from=rs.default_from, rule_set=rs.code,
                                              defaults={"value": models.Value(None, models.JSONField()) if value is None else value, "source": source})


def unload(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for rs in RULE_SETS.values():
        PolicyValue.objects.filter(rule_set=rs.code, name__in=list(rs.values)).exclude(name__in=[
            "audit_retention_days", "query_register_retention_days", "left_behind_child_max_age",
            "empty_nest_min_age", "follow_up_days", "childbearing_age_min", "childbearing_age_max"]).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0004_seed_calendar_2004_2026"), ("divisions", "0002_load_official_codes")]
    operations = [migrations.RunPython(load, unload)]
