"""P1: policy values are data with a jurisdiction (a division and its subtree) and an effective period."""
from django.db import models


class PolicyValue(models.Model):
    name = models.CharField("名称 name", max_length=80, db_index=True)
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField("生效 from")
    valid_to = models.DateField("失效 to (exclusive)", null=True, blank=True)
    value = models.JSONField("值 value")
    rule_set = models.CharField("规则集 set", max_length=60, blank=True)
    source = models.CharField("依据 source", max_length=300, blank=True)

    class Meta:
        ordering = ["name", "division_id", "valid_from"]
        indexes = [models.Index(fields=["name", "division", "valid_from"])]

    def __str__(self):
        return f"{self.name}={self.value} @{self.division_id} from {self.valid_from}"


class CalendarYear(models.Model):
    """X4: a year of the official calendar is loaded whole. Weekdays not listed in CalendarDay are
    workdays, weekends not listed are rest days; a date in a year not loaded has no answer."""

    year = models.PositiveSmallIntegerField("年份 year", primary_key=True)
    source = models.CharField("来源 source", max_length=300)
    loaded_at = models.DateTimeField("载入时间 loaded at")
    loaded_by = models.CharField("载入人 loaded by", max_length=150, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "工作日历年度 calendar year"

    def __str__(self):
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日 holiday"
    WORKDAY = "workday", "调休上班 make-up workday"


class CalendarDay(models.Model):
    """X4: the exceptions of a loaded year: a holiday on a weekday, or a make-up workday (调休) on a
    weekend."""

    date = models.DateField("日期 date", primary_key=True)
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    kind = models.CharField("类别 kind", max_length=10, choices=DayKind.choices)
    name = models.CharField("名称 name", max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日调休 calendar exception"
