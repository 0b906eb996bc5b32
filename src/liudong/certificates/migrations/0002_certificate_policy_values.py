"""P1: the certificate values of the shipped rule sets (C3, C4, C6: long-term validity after
sterilisation, the yearly verification, paper or electronic) in force where and from when their
set is (policy 0005 loads the sets as they stand; this adds the values on a database made before
they were added). The e-certificate set has no national date: a province adopts it."""
from django.db import migrations, models

NAMES = ("certificate.long_term_after_sterilisation", "certificate.verify_interval_months", "certificate.electronic")


def load(apps, schema_editor):
    from liudong.policy.rule_sets import RULE_SETS

    PolicyValue = apps.get_model("policy", "PolicyValue")
    for rs in RULE_SETS.values():
        if rs.default_from is None or rs.default_division is None:
            continue
        for name, (value, source) in rs.values.items():
            if name in NAMES:
                PolicyValue.objects.get_or_create(name=name, division_id=rs.default_division, valid_from=rs.default_from, rule_set=rs.code,
                                                  defaults={"value": models.Value(None, models.JSONField()) if value is None else value, "source": source})


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial"), ("policy", "0008_r2_quarterly_check_r5_2016_definition")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
