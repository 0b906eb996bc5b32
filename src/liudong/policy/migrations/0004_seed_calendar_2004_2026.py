"""X4: seed the working-day calendar with the State Council's schedules 2004-2026 as the package
chinese-calendar 1.11.0 ships them. Later years are loaded by an administrator
(`liudong calendar load FILE --year YYYY`)."""
import datetime

from django.db import migrations

SOURCE = "chinese-calendar 1.11.0（国务院办公厅 历年部分节假日安排的通知）"


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarYear = apps.get_model("policy", "CalendarYear")
    CalendarDay = apps.get_model("policy", "CalendarDay")
    now = datetime.datetime(2026, 11, 29, tzinfo=datetime.timezone.utc)
    years = range(2004, 2027)
    CalendarYear.objects.bulk_create([CalendarYear(year=y, source=SOURCE, loaded_at=now, loaded_by="migration") for y in years])
    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.year in years and day.weekday() < 5:
            rows.append(CalendarDay(date=day, year_id=day.year, kind="holiday", name=_name(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.year in years and day.weekday() >= 5:
            rows.append(CalendarDay(date=day, year_id=day.year, kind="workday", name=_name(name)))
    CalendarDay.objects.bulk_create(rows, batch_size=500)


def _name(holiday) -> str:
    return (getattr(holiday, "value", None) or str(holiday or ""))[:40]


def unseed(apps, schema_editor):
    apps.get_model("policy", "CalendarYear").objects.filter(year__lte=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_calendar")]
    operations = [migrations.RunPython(seed, unseed)]
