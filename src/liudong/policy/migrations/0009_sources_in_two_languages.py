"""Issue 9 item 4: two shipped sources mixed Chinese with English notes; the policy page shows a
source in the page's language (the part before " / " in Chinese, after it in English), so they
take the "中文 / English" form of the others. Only the text changes, on every row that carries it."""
from django.db import migrations

RELABEL = [
    ("audit_retention_days",
     "审计日志保存期限：5年（本系统默认，可由省调整）; query register kept 2 years (Q8, part 5 第十一条) is a separate value",
     "审计日志保存期限：5年（本系统默认，可由省调整）；人口信息查询登记表的保存期限另设 (Q8) / "
     "audit log kept 5 years (system default, a province may change it); the query register's retention is a separate value (Q8)"),
    ("childbearing_age_min",
     "育龄妇女 15-49 周岁 (T2, R3 18-49 card uses 18)",
     "育龄妇女 15-49 周岁 (T2；R3 的 18-49岁流动人口管理卡从18周岁起) / women of childbearing age 15-49 (T2; R3's 18-49 card starts at 18)"),
]


def forward(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, old, new in RELABEL:
        PolicyValue.objects.filter(name=name, source=old).update(source=new)


def backward(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, old, new in RELABEL:
        PolicyValue.objects.filter(name=name, source=new).update(source=old)


class Migration(migrations.Migration):
    dependencies = [("policy", "0008_r2_quarterly_check_r5_2016_definition")]
    operations = [migrations.RunPython(forward, backward)]
