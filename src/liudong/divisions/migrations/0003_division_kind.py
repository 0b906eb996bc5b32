"""J2: every division learns its kind (district or not) from its name and its parent's name, with
the table of exceptions in divisions/kinds.py (2009 条例 第二条: moving between districts of one
直辖市 or 设区的市 is not floating)."""
from django.db import migrations, models

from liudong.divisions.kinds import Kind, kind_for


def fill(apps, schema_editor):
    Division = apps.get_model("divisions", "Division")
    names = dict(Division.objects.values_list("code", "name"))
    by_kind: dict[str, list[str]] = {}
    for code, name, level, parent in Division.objects.values_list("code", "name", "level", "parent_id").iterator():
        kind = kind_for(code, name, level, names.get(parent or "", ""))
        if kind:
            by_kind.setdefault(kind, []).append(code)
    for kind, codes in by_kind.items():
        for i in range(0, len(codes), 500):
            Division.objects.filter(code__in=codes[i : i + 500]).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [("divisions", "0002_load_official_codes")]
    operations = [
        migrations.AddField(
            model_name="division", name="kind",
            field=models.CharField(blank=True, choices=Kind.choices, default="", max_length=10, verbose_name="类别 kind"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
