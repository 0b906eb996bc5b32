"""The demo's own record: one row per `liudong demo` build, read by the home page's notice."""
from django.db import models


class DemoBuild(models.Model):
    """When the demo world was built and the date it carries (issue 7 item 0: the world date may be
    earlier than the build date when the loaded working-day calendar ends soon after it)."""

    built_on = models.DateField("生成日期 built on")
    world_date = models.DateField("演示数据日期 world date")
    calendar_end = models.DateField("工作日历截止 calendar ends")
    exchange_from = models.DateField("函件起始日期 exchange from")
    seed = models.IntegerField("随机种子 seed")
    people = models.IntegerField("人数 people")

    class Meta:
        verbose_name = verbose_name_plural = "演示数据 demo build"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.world_date} (built {self.built_on})"

    @property
    def dated_earlier(self) -> bool:
        return self.world_date < self.built_on
