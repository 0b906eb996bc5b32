"""P1, issue 8 (registry part):

1. R2: the follow-up interval comes from the text, a quarterly clean-up check of inflow people
   (part 8 四: "对流入人员要坚持每季度进行一次清理查验"): `follow_up_months` = 3 in the 2009 set, in
   place of `follow_up_days` = 365, which no text gave. A province's own follow_up_days row (an
   override or a copy carried at an adoption) becomes a follow_up_months row for the same place and
   period, in whole months (at least one), its source saying so.
2. R5: the 2009 set has no age for left-behind children or empty-nest elderly. The two values become
   one definition marked as a system default (rule set `system-default`, 本系统默认), in force from
   the State Council's text that defined left-behind children (国务院关于加强农村留守儿童关爱保护工作的
   意见, 国发〔2016〕13号, 2016-02-04), not a 2009 value citing a 2016 text. Before that date a count
   has no definition and the home page shows none.
"""
import datetime

from django.db import migrations, models

NATION = "000000000000"
SET_2009 = "national-2009"
START_2009 = datetime.date(2009, 10, 1)
SYSTEM_DEFAULT = "system-default"
R5_FROM = datetime.date(2016, 2, 4)
FOLLOW_UP_SOURCE = "R2: 对流入人员要坚持每季度进行一次清理查验 (8-四)"
R5 = {
    "left_behind_child_max_age": (
        15,
        "本系统默认：留守儿童为父母双方外出、或一方外出另一方无监护能力的不满十六周岁未成年人（《国务院关于加强农村留守儿童关爱保护工作的意见》"
        "国发〔2016〕13号，2016-02-04） / system default after the State Council's 2016 definition (under 16)",
    ),
    "empty_nest_min_age": (
        60,
        "本系统默认：空巢老人为子女均在别处居住的60周岁及以上老人，与留守儿童同一口径自国发〔2016〕13号（2016-02-04）起计；"
        "60周岁依《老年人权益保障法》(1996) 第二条 / system default, dated with the 2016 definition",
    ),
}
OLD_R5_SOURCES = {
    "left_behind_child_max_age": "留守儿童：父母双方或一方外出、留在户籍地的不满16周岁儿童 (R5, part 6; 国务院 2016 definition)",
    "empty_nest_min_age": "空巢老人：子女均外出的60周岁及以上老人 (R5, part 6)",
}
OLD_FOLLOW_UP_SOURCE = "R2 乡村两级定期巡查、跟踪更新：超过此天数未更新的记录列入待办"


def _json(v):
    return models.Value(None, models.JSONField()) if v is None else v


def forward(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, (value, source) in R5.items():
        rows = PolicyValue.objects.filter(name=name, division_id=NATION, valid_from=START_2009, rule_set=SET_2009)
        if rows.exists():
            rows.update(valid_from=R5_FROM, rule_set=SYSTEM_DEFAULT, value=value, source=source)
        else:
            PolicyValue.objects.get_or_create(name=name, division_id=NATION, valid_from=R5_FROM, rule_set=SYSTEM_DEFAULT, defaults={"value": value, "source": source})
    PolicyValue.objects.filter(name="follow_up_days", division_id=NATION, rule_set=SET_2009).delete()
    for row in PolicyValue.objects.filter(name="follow_up_days"):
        days = row.value if isinstance(row.value, int) else 365
        months = max(1, round(days / 30.4))
        PolicyValue.objects.create(name="follow_up_months", division_id=row.division_id, valid_from=row.valid_from, valid_to=row.valid_to,
                                   value=months, rule_set=row.rule_set, source=f"由 follow_up_days={days} 换算 / converted from {days} days; {row.source}"[:300])
        row.delete()
    PolicyValue.objects.get_or_create(name="follow_up_months", division_id=NATION, valid_from=START_2009, rule_set=SET_2009,
                                      defaults={"value": 3, "source": FOLLOW_UP_SOURCE})


def backward(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, (value, _source) in R5.items():
        PolicyValue.objects.filter(name=name, division_id=NATION, valid_from=R5_FROM, rule_set=SYSTEM_DEFAULT).update(
            valid_from=START_2009, rule_set=SET_2009, source=OLD_R5_SOURCES[name])
    for row in PolicyValue.objects.filter(name="follow_up_months").exclude(division_id=NATION, rule_set=SET_2009):
        PolicyValue.objects.create(name="follow_up_days", division_id=row.division_id, valid_from=row.valid_from, valid_to=row.valid_to,
                                   value=_json(row.value * 30 if isinstance(row.value, int) else None), rule_set=row.rule_set, source=row.source[:300])
    PolicyValue.objects.filter(name="follow_up_months").delete()
    PolicyValue.objects.get_or_create(name="follow_up_days", division_id=NATION, valid_from=START_2009, rule_set=SET_2009,
                                      defaults={"value": 365, "source": OLD_FOLLOW_UP_SOURCE})


class Migration(migrations.Migration):
    dependencies = [("policy", "0007_system_default_claim_days")]
    operations = [migrations.RunPython(forward, backward)]
