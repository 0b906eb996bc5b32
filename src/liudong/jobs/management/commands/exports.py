"""`liudong exports purge [--on DATE]`: delete export files past their retention (policy value
export_retention_days) and mark their jobs expired; logged. The worker does this every six hours
by itself; run this daily from cron where no worker runs. `liudong exports list` shows the jobs."""
from django.core.management.base import BaseCommand

from liudong.cli import command_error, iso_date
from liudong.clock import now, today
from liudong.errors import Invalid
from liudong.jobs import services
from liudong.jobs.models import ExportJob


class Command(BaseCommand):
    help = "导出文件维护 / export files: purge those past their retention, list jobs"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        purge = sub.add_parser("purge", help="delete export files past their retention")
        purge.add_argument("--on", default=None, help="the date of the purge, YYYY-MM-DD (default today; never after today)")
        listing = sub.add_parser("list", help="the latest export jobs")
        listing.add_argument("--limit", type=int, default=20)

    def handle(self, *args, subcommand, **options):
        if subcommand == "list":
            for job in ExportJob.objects.select_related("owner").order_by("-requested_at", "-id")[: options["limit"]]:
                self.stdout.write(f"#{job.pk} {job.requested_at:%Y-%m-%d %H:%M} {job.owner.username} {job.kind} {job.format} {job.state} {job.progress}% {job.title}")
            return
        on = iso_date(options["on"]) if options["on"] else today()
        if on > today():
            raise command_error(Invalid({"on": [f"日期 {on} 晚于今天，不能提前删除 / {on} is after today: files cannot be deleted before their time"]}))
        try:
            result = services.purge_exports(on=on, now=now())
        except Invalid as e:
            raise command_error(e) from None
        self.stdout.write(f"已删除 {result['deleted']} 个过期导出文件（另清理 {result['orphans']} 个残留文件） / deleted {result['deleted']} expired export files ({result['orphans']} leftovers)")
