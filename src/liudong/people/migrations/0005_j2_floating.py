"""J2 (2009 条例 第二条): the reason of a stay and whether a return is expected; then `floating` is
recomputed for existing residences and people (districts of one city are one place, a short stay
with a return expected is not floating), printing the inflow and outflow counts before and after
for every county whose counts change."""
from django.db import migrations, models


def recount(apps, schema_editor):
    from liudong.people.floating import recount as run

    run(apps.get_model("people", "Person"), apps.get_model("people", "Residence"), apps.get_model("divisions", "Division"))


class Migration(migrations.Migration):
    dependencies = [("people", "0004_follow_up_index"), ("divisions", "0003_division_kind")]

    operations = [
        migrations.AddField(
            model_name="residence",
            name="expects_return",
            field=models.BooleanField(default=False, verbose_name="预期返回户籍地 expected to return"),
        ),
        migrations.AlterField(
            model_name="residence",
            name="reason",
            field=models.CharField(blank=True, choices=[("work", "务工经商 work or business"), ("family", "随迁家属 family"), ("study", "学习培训 study"), ("marriage", "婚姻嫁娶 marriage"), ("care", "投亲靠友 with relatives"), ("medical", "治病疗养 medical"), ("trip", "出差 business trip"), ("tourism", "旅游 tourism"), ("visit", "探亲访友 family visit"), ("other", "其他 other")], max_length=20, verbose_name="流动原因 reason"),
        ),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
