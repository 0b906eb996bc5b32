"""An export job: one file made in the background for one staff member (liudong.jobs)."""
from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中 queued"
    RUNNING = "running", "正在生成 running"
    DONE = "done", "已完成 done"
    FAILED = "failed", "失败 failed"
    CANCELLED = "cancelled", "已取消 cancelled"
    EXPIRED = "expired", "文件已过保存期限删除 expired"


ACTIVE = (JobState.QUEUED, JobState.RUNNING)


class ExportJob(models.Model):
    """The job row is the truth about a job: the queue only carries (id, ticket). The worker
    writes `progress` and `heartbeat_at` as it goes (at least every second while it draws), so the
    page can show a bar and a restarted worker can tell an interrupted job from a running one."""

    kind = models.CharField("类型 kind", max_length=40)
    format = models.CharField("格式 format", max_length=8)
    params = models.JSONField("参数 parameters", default=dict)
    title = models.CharField("标题 title", max_length=200)
    owner = models.ForeignKey("accounts.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="申请人 owner")
    state = models.CharField("状态 state", max_length=12, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField("进度 % progress", default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField("说明 message", max_length=300, blank=True)
    # The date of the request: the document's "制表日期" (invariant 4: the worker never reads the calendar).
    requested_on = models.DateField("申请日期 requested on")
    requested_at = models.DateTimeField("申请时间 requested at")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Each enqueueing gets a new ticket; a worker runs the job only with the current ticket, so a
    # message enqueued twice (after a restart) runs once.
    ticket = models.PositiveIntegerField(default=1)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField("工作进程 worker", max_length=120, blank=True)
    file_path = models.CharField(max_length=200, blank=True, help_text="relative to settings.EXPORTS_DIR")
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.BigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    # Invariant 3: who is in the file, so that each download is logged with the persons in it.
    person_ids = models.JSONField(default=list, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["owner", "requested_at"]), models.Index(fields=["state"])]
        verbose_name = "导出任务 export job"

    def __str__(self):
        return f"{self.title} ({self.format}, {self.state})"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE
