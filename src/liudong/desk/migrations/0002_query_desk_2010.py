"""Q1-Q5, Q8: the set `query-desk-2010` (policy/rule_sets.py) in force for 北京 from 2010-09-09, the
day the Beijing police issued its rules for outside queries of population information. The query
register's 2-year retention moves into the set (第十一条): the nation-wide system-default row
(policy migration 0006) is replaced by the set's row for 北京; another city or province gets the
retention with the set when it adopts it (`liudong policy adopt`)."""
import datetime

from django.db import migrations, models

from liudong.policy.rule_sets import RULE_SETS

SET = "query-desk-2010"
NATION = "000000000000"
RETENTION = "query_register_retention_days"
OLD_FROM = datetime.date(2010, 9, 9)
OLD_SOURCE = ("本系统默认：人口信息查询登记表保存2年，参照《北京市公安局关于对外提供查询人口信息户籍服务工作规范（试行）》"
              "(2010-09-09) 第十一条 (Q8) / system default after the Beijing police's 2010 query rules")


def forward(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    rs = RULE_SETS[SET]
    for name, (value, source) in rs.values.items():
        PolicyValue.objects.get_or_create(name=name, division_id=rs.default_division, valid_from=rs.default_from, rule_set=rs.code,
                                          defaults={"value": models.Value(None, models.JSONField()) if value is None else value, "source": source})
    PolicyValue.objects.filter(name=RETENTION, division_id=NATION, rule_set="system-default").delete()


def backward(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    PolicyValue.objects.filter(rule_set=SET).delete()
    PolicyValue.objects.get_or_create(name=RETENTION, division_id=NATION, valid_from=OLD_FROM, rule_set="system-default",
                                      defaults={"value": 730, "source": OLD_SOURCE})


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial"), ("policy", "0008_r2_quarterly_check_r5_2016_definition"), ("divisions", "0002_load_official_codes")]
    operations = [migrations.RunPython(forward, backward)]
