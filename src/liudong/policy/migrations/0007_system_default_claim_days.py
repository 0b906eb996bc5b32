"""The values this system ships where no source names a number (policy.rule_sets.SYSTEM_DEFAULTS):
how long an arrival claim waits for the other place before it is accepted by silence (hole 1 of
issue 7), and the answer period of a family link to confirm (hole 3). Set "system-default",
nation-wide from 2009-10-01; a province overrides them like any value."""
from django.db import migrations

from liudong.policy.rule_sets import NATION, SYSTEM_DEFAULT_FROM, SYSTEM_DEFAULT_SET, SYSTEM_DEFAULTS


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, (value, source) in SYSTEM_DEFAULTS.items():
        PolicyValue.objects.get_or_create(name=name, division_id=NATION, valid_from=SYSTEM_DEFAULT_FROM, rule_set=SYSTEM_DEFAULT_SET,
                                          defaults={"value": value, "source": source})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(rule_set=SYSTEM_DEFAULT_SET, name__in=list(SYSTEM_DEFAULTS)).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0006_relabel_sources_and_remedies")]
    operations = [migrations.RunPython(load, unload)]
