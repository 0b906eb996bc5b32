"""R6 (part 6 四-4): the review chain as policy data. The seed names the steps: the group leader
(组长), then the area police officer (管区民警), then the township office (乡流管办), where two
experienced staff review. In force nation-wide from the default set's date; a place drops or adds a
step from a date with `liudong policy set review.chain '[...]' --division CODE --from DATE`."""
import datetime

from django.db import migrations

VALUES = {
    "review.chain": (["group_leader", "police", "township"], "第六部分 四-4：先由各小组组长审核签字，再由管区民警审核签字，最后交到乡流管办审查 / part 6 四-4: group leader, area police officer, township office"),
    "review.township_signatures": (2, "第六部分 四-4：乡流管办由两名经验丰富的工作人员审查 / part 6 四-4: two experienced reviewers at the township office"),
}


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, (value, source) in VALUES.items():
        PolicyValue.objects.get_or_create(name=name, division_id="000000000000", valid_from=datetime.date(2009, 10, 1), rule_set="national-2009",
                                          defaults={"value": value, "source": source})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(name__in=VALUES, rule_set="national-2009").delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0002_review_chain"), ("policy", "0005_rule_sets"), ("divisions", "0002_load_official_codes")]
    operations = [migrations.RunPython(load, unload)]
