"""S1: the catalogue of free service items (1-五-(三)-1)."""
from django.db import migrations

ITEMS = [
    ("contraceptives", "发放避孕药具", "contraceptives handed out free", "contraceptives", ""),
    ("pregnancy_check", "孕情检查", "pregnancy check", "check", ""),
    ("iud_check", "环情检查", "IUD check", "check", ""),
    ("iud_insertion", "放置宫内节育器", "IUD insertion", "iud", "技术常规所规定的各项医学检查"),
    ("iud_removal", "取出宫内节育器", "IUD removal", "iud", "技术常规所规定的各项医学检查"),
    ("abortion", "人工终止妊娠术", "abortion", "abortion", "技术常规所规定的各项医学检查"),
    ("tubal_ligation", "输卵管结扎术", "tubal ligation", "sterilisation", "技术常规所规定的各项医学检查"),
    ("vasectomy", "输精管结扎术", "vasectomy", "sterilisation", "技术常规所规定的各项医学检查"),
    ("complications", "计划生育手术并发症诊治", "treatment of complications of family-planning operations", "complications", ""),
]
SOURCE = "国人口发〔2009〕49号 1-五-(三)-1"


def load(apps, schema_editor):
    ServiceItem = apps.get_model("technical", "ServiceItem")
    for order, (code, name, name_en, category, exams) in enumerate(ITEMS, start=1):
        ServiceItem.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "category": category, "exams": exams,
                                                                  "source": SOURCE, "order": order})


def unload(apps, schema_editor):
    apps.get_model("technical", "ServiceItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("technical", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
