"""P1, issue 8: corrections to the shipped policy rows, and the dated limits of the refusal letter.

1. Relabel: sources that named the wrong rule (a hand-in period labelled C2, the 3-year term credited
   to the 条例, which does not set it) or pointed at a whole part instead of its paragraph. The value
   and its period do not change; every row that carries the old text (the national row, rows a
   province adopted, rows carried at an adoption) gets the corrected text.
2. No anachronistic source on a 2009 value: the query register's 2-year retention came from the
   Beijing police's 2010 query rules (part 5, 第十一条) but was dated 2009-10-01 in the 2009 set. It
   becomes a system default from the day those rules were issued (2010-09-09), marked as such.
3. B4: the refusal letter's limits for administrative review and lawsuit, as dated national values
   (policy/rule_sets.py: remedies-1999, remedies-2015, remedies-2024).
"""
import datetime

from django.db import migrations

NATION = "000000000000"

RELABEL = [
    ('case_open.birth_registration',
     '《流动人口计划生育工作条例》(国务院令第555号) 2009-10-01; 国人口发〔2009〕49号 六-(二)-1',
     'B1: 一孩生育服务登记由女方现居住地办理 (1-六-(二)-1)'),
    ('birth.max_child_order_registered',
     'B1: 一孩生育服务登记；二孩由户籍地审批 (B6)',
     'B1, B6: 现居住地办理一孩生育服务登记；再生育由女方户籍地审批 (1-六-(二)-1、2)'),
    ('birth.verify_request_days',
     'B2: 7个工作日内向双方户籍地发出核实 (1-六-(二)-1)',
     'B2: 收到材料后7个工作日内向夫妻双方户籍地乡镇核实 (1-六-(二)-1-(1)-①)'),
    ('birth.notify_days',
     'B5: 登记后15个工作日内通报户籍地 (1-六-(二)-1)',
     'B5: 自办理登记之日起15个工作日内通报 (1-六-(二)-1-(3))'),
    ('exchange.reply_days.fee_consultation',
     'F2: 户籍地县级部门收到材料后7个工作日内回复 (1-六-(三))',
     'F2: 户籍地自收到相关文本和信息之日起7个工作日内回复 (1-六-(三)-2)'),
    ('exchange.reply_days.verification',
     'B3: 户籍地乡镇收到核实函后15个工作日内反馈 (1-六-(二)-1)',
     'B3: 户籍地乡镇接到核实要求后15个工作日内反馈 (1-六-(二)-1-(1)-②)'),
    ('exchange.reply_days.notification',
     '通报只需签收，无需反馈 / a notification is acknowledged, not answered',
     'B5, B6: 通报只需签收，无需反馈（本系统默认） / a notification is signed for, not answered (system default)'),
    ('exchange.reply_days.contraception_report',
     'S2: 避孕节育情况报告只需签收',
     'S2 (1-五-(三)-4): 避孕节育情况通报只需签收（本系统默认） / signed for, not answered (system default)'),
    ('exchange.reply_days.policy_notice',
     '政策通报只需签收',
     'X1 (1-二-(四)-3): 政策告知只需签收（本系统默认） / signed for, not answered (system default)'),
    ('exchange.reply_days.reply',
     '反馈本身不需再反馈',
     'X3: 反馈本身不需再反馈 / a reply is not answered'),
    ('certificate.required',
     '《流动人口计划生育工作条例》(国务院令第555号) 2009-10-01; 国人口发〔2009〕49号 第八条',
     'C1, C6: 离开户籍地前办理婚育证明、到达现居住地后提交 (国务院令第555号 第七条、第八条)'),
    ('certificate.term_years',
     'C3: 婚育证明有效期3年 (国务院令第555号)',
     'C3: 婚育证明有效期为三年，不得以任何理由缩短 (国人口发〔2009〕49号 1-四-(二)-3)'),
    ('certificate.hand_in_days',
     'C2: 到达现居住地30日内交验 (国务院令第555号 第八条)',
     'C6: 自到达现居住地之日起30日内提交婚育证明 (国务院令第555号 第八条)'),
    ('certificate.obtain_months',
     'C2: 告知后3个月内补办 (国务院令第555号 第八条)',
     'C6: 未办理婚育证明的，现居住地通知其3个月内补办 (国务院令第555号)'),
]

REMEDIES = [
    ('remedies-1999', datetime.date(1999, 10, 1), 'remedies.review_days', 60,
     '自知道该具体行政行为之日起六十日内申请行政复议 (《中华人民共和国行政复议法》(1999-10-01施行) 第九条)'),
    ('remedies-1999', datetime.date(1999, 10, 1), 'remedies.lawsuit_months', 3,
     '直接向人民法院起诉的，自知道作出具体行政行为之日起三个月内 (《中华人民共和国行政诉讼法》(1990-10-01施行) 第三十九条)'),
    ('remedies-2015', datetime.date(2015, 5, 1), 'remedies.lawsuit_months', 6,
     '自知道或者应当知道作出行政行为之日起六个月内起诉 (《中华人民共和国行政诉讼法》(2014-11-01修正，2015-05-01施行) 第四十六条)'),
    ('remedies-2024', datetime.date(2024, 1, 1), 'remedies.review_days', 60,
     '自知道或者应当知道该行政行为之日起六十日内申请行政复议 (《中华人民共和国行政复议法》(2023-09-01修订，2024-01-01施行) 第二十条)'),
]

QUERY_RETENTION = "query_register_retention_days"
QUERY_RETENTION_FROM = datetime.date(2010, 9, 9)
QUERY_RETENTION_SOURCE = ("本系统默认：人口信息查询登记表保存2年，参照《北京市公安局关于对外提供查询人口信息户籍服务工作规范（试行）》"
                          "(2010-09-09) 第十一条 (Q8) / system default after the Beijing police's 2010 query rules")
SYSTEM_DEFAULT = "system-default"


def forward(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, old, new in RELABEL:
        for row in PolicyValue.objects.filter(name=name, source__startswith=old):
            row.source = (new + row.source[len(old):])[:300]
            row.save(update_fields=["source"])
    for rule_set, start, name, value, source in REMEDIES:
        PolicyValue.objects.get_or_create(name=name, division_id=NATION, valid_from=start, rule_set=rule_set, defaults={"value": value, "source": source})
    PolicyValue.objects.filter(name=QUERY_RETENTION, division_id=NATION, valid_from=datetime.date(2009, 10, 1), rule_set="national-2009").update(
        valid_from=QUERY_RETENTION_FROM, rule_set=SYSTEM_DEFAULT, source=QUERY_RETENTION_SOURCE)


def backward(apps, schema_editor):
    PolicyValue = apps.get_model("policy", "PolicyValue")
    for name, old, new in RELABEL:
        for row in PolicyValue.objects.filter(name=name, source__startswith=new):
            row.source = (old + row.source[len(new):])[:300]
            row.save(update_fields=["source"])
    PolicyValue.objects.filter(name__in={r[2] for r in REMEDIES}, rule_set__in={r[0] for r in REMEDIES}).delete()
    PolicyValue.objects.filter(name=QUERY_RETENTION, division_id=NATION, valid_from=QUERY_RETENTION_FROM, rule_set=SYSTEM_DEFAULT).update(
        valid_from=datetime.date(2009, 10, 1), rule_set="national-2009", source="北京市公安局人口信息查询规范 第十一条：保存2年 (Q8)")


class Migration(migrations.Migration):
    dependencies = [("policy", "0005_rule_sets")]
    operations = [migrations.RunPython(forward, backward)]
