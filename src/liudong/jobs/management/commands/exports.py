"""`liudong exports purge [--on DATE]`: delete export files past their retention (policy value
export_retention_days) and mark their jobs expired; logged. The worker does this every six hours
by itself; run this daily from cron where no worker runs. `liudong exports list` shows the jobs."""
from liudong.cli import Subcommands, arg, day_of_act
from liudong.clock import now, today
from liudong.errors import Invalid
from liudong.jobs import services
from liudong.jobs.models import ExportJob


class Command(Subcommands):
    help = "导出文件维护 / export files: purge those past their retention, list jobs"
    subcommands = {
        "purge": ("delete export files past their retention",
                  arg("--on", default=None, help="the date of the purge, YYYY-MM-DD (default today; never after today)")),
        "list": ("the latest export jobs", arg("--limit", type=int, default=20)),
    }

    def handle_list(self, *, limit, **_):
        for job in ExportJob.objects.select_related("owner").order_by("-requested_at", "-id")[:limit]:
            self.stdout.write(f"#{job.pk} {job.requested_at:%Y-%m-%d %H:%M} {job.owner.username} {job.kind} {job.format} {job.state} {job.progress}% {job.title}")

    def handle_purge(self, *, on, **_):
        on = day_of_act(on)
        if on > today():
            raise Invalid({"on": [f"日期 {on} 晚于今天，不能提前删除 / {on} is after today: files cannot be deleted before their time"]})
        result = services.purge_exports(on=on, now=now())
        self.stdout.write(f"已删除 {result['deleted']} 个过期导出文件（另清理 {result['orphans']} 个残留文件） / deleted {result['deleted']} expired export files ({result['orphans']} leftovers)")
