"""P1: the registry's policy values of the default set `national-2009`. Later issues add the
other sets of policy-timeline.md; a province overrides a value with a row of its own."""
import datetime

from django.db import migrations

SET = "national-2009"
VALUES = [
    # name, value, source
    ("audit_retention_days", 1825, "审计日志保存期限：5年（本系统默认，可由省调整）; query register kept 2 years (Q8, part 5 第十一条) is a separate value"),
    ("query_register_retention_days", 730, "北京市公安局人口信息查询规范 第十一条：保存2年 (Q8)"),
    ("left_behind_child_max_age", 15, "留守儿童：父母双方或一方外出、留在户籍地的不满16周岁儿童 (R5, part 6; 国务院 2016 definition)"),
    ("empty_nest_min_age", 60, "空巢老人：子女均外出的60周岁及以上老人 (R5, part 6)"),
    ("follow_up_days", 365, "R2 乡村两级定期巡查、跟踪更新：超过此天数未更新的记录列入待办"),
    ("childbearing_age_min", 15, "育龄妇女 15-49 周岁 (T2, R3 18-49 card uses 18)"),
    ("childbearing_age_max", 49, "育龄妇女 15-49 周岁 (T2)"),
]


def load(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, value, source in VALUES:
        PolicyValue.objects.get_or_create(name=name, division_id="000000000000", valid_from=datetime.date(2009, 10, 1), rule_set=SET, defaults={"value": value, "source": source})


def unload(apps, schema_editor):
    apps.get_model("policy", "PolicyValue").objects.filter(rule_set=SET, name__in=[v[0] for v in VALUES]).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial"), ("divisions", "0002_load_official_codes")]
    operations = [migrations.RunPython(load, unload)]
