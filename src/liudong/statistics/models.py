"""T1, T2 (issue 14): a division's monthly statistical report and the history of its steps.

One row per division and month (`period`, the month's first day). `figures` are stored: computed
when the month closes (statistics.services.close_month), computed again when the report is
submitted, and frozen once approved (never recomputed; later corrections show as the difference
from the live figures). `due_on` is the day it is due (policy statistics.due_day.<level>).
"""
from django.conf import settings
from django.db import models

from .choices import Act, State, TaskPeriod


class Report(models.Model):
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="区划 division")
    period = models.DateField("统计月份 period (first day)")
    state = models.CharField("状态 state", max_length=10, choices=State.choices, default=State.OPEN)
    figures = models.JSONField("报表数字 figures", default=dict)
    computed_at = models.DateTimeField("计算时间 computed at", null=True, blank=True)
    # The live figures as of the last scheduled run (month close, daily refresh): the pages of
    # the levels above the township read these instead of counting a province on each request.
    live = models.JSONField("实时数字 live figures", default=dict, blank=True)
    live_at = models.DateTimeField("实时数字计算时间 live at", null=True, blank=True)
    # T2, part 11: the statistical year's and the calendar year's figures up to the month's end,
    # stored with `live` by the scheduled runs (statistics.queries.year_figures).
    years = models.JSONField("年度数字 yearly figures", default=list, blank=True)
    # R6 (issue 14): the reviewed share of inflow, outflow and the R5 figures as of the period's end,
    # {figure: {counted, passed, share}} of the live figures, stored by the month close and the
    # nightly refresh with `live` (the pages above the county read it; below they count it).
    reviewed = models.JSONField("审核通过占比 reviewed share", default=dict, blank=True)
    due_on = models.DateField("应报送日期 due on", null=True, blank=True)
    submitted_at = models.DateTimeField("报送时间 submitted at", null=True, blank=True)
    submitted_on = models.DateField("报送日期 submitted on", null=True, blank=True)
    first_submitted_on = models.DateField("首次报送日期 first submitted on", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField("审核时间 approved at", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField("退回原因 return reason", max_length=500, blank=True)
    message_id = models.BigIntegerField("报送函件 message", null=True, blank=True)

    class Meta:
        ordering = ["period", "division_id"]
        verbose_name = "统计月报 monthly report"
        constraints = [models.UniqueConstraint(fields=["division", "period"], name="report_one_per_division_month")]
        indexes = [models.Index(fields=["period", "division"], name="report_period_division")]


class ReportStep(models.Model):
    """Invariant 6: every step of a report (month closed, submitted, approved, returned), with the
    figures it carried and the reason of a return."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")
    act = models.CharField("操作 act", max_length=10, choices=Act.choices)
    at = models.DateTimeField("时间 at")
    on = models.DateField("日期 on")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_division = models.CharField(max_length=12, blank=True)
    state = models.CharField("之后状态 state after", max_length=10, choices=State.choices)
    reason = models.CharField("原因 reason", max_length=500, blank=True)
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["report_id", "at", "id"]


class Bulletin(models.Model):
    """T4 (1-六-(一)-2): the monthly bulletin of a province or the nation on how the system is
    used, kept in a list by month; sent to the level below as exchange messages."""

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="区划 division")
    period = models.DateField("月份 period (first day)")
    figures = models.JSONField("数字 figures", default=dict)
    created_at = models.DateTimeField("生成时间 created at")
    messages_sent = models.PositiveIntegerField("已发下级 sent to the level below", default=0)

    class Meta:
        ordering = ["-period", "division_id"]
        verbose_name = "工作通报 bulletin"
        constraints = [models.UniqueConstraint(fields=["division", "period"], name="bulletin_one_per_division_month")]


class SubmissionTask(models.Model):
    """Part 11 (篇十一, 乡(镇)计生办 注): the county sets each township's information tasks: a
    number of messages to submit a period (month, quarter or the statistical year), which kinds
    of message count, and the reply-rate target (100%). Never changed: a new task from a later
    date is a new row (history kept); the task in force on a day is the latest that began by
    then (statistics.queries_submission)."""

    township = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="乡镇 township")
    valid_from = models.DateField("起始 from (a period's first day)")
    period = models.CharField("考核周期 period", max_length=10, choices=TaskPeriod.choices)
    messages = models.PositiveIntegerField("提交信息任务数 messages a period")
    kinds = models.JSONField("计入的函件种类 kinds counted (empty: all)", default=list, blank=True)
    reply_target = models.FloatField("反馈率目标 reply target (0-1)", default=1.0)
    # Part 11 (按县定时间): the day of the period's last month by which the messages are due (the
    # county's time); a message counts for the task when sent on or before it, one sent later in
    # the period is late. None: the period's last day.
    due_day = models.PositiveSmallIntegerField("截止日 due day (of the period's last month)", null=True, blank=True)
    note = models.CharField("依据 note", max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField("设定时间 set at")

    class Meta:
        ordering = ["township_id", "valid_from"]
        verbose_name = "提交信息任务 submission task"
        constraints = [models.UniqueConstraint(fields=["township", "valid_from"], name="submission_task_one_per_start")]
