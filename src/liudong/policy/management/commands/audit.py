"""`liudong audit purge [--for-real] [--on DATE]` (invariant 3): delete audit events past their
retention. A dry run by default; with --for-real the purge deletes and records an "audit.purge"
event of its own.

The retention is the national policy value audit_retention_days in force on the date (P1), so
the command lives here, above accounts: it reads the value and hands it to accounts.audit.purge."""
from liudong import clock
from liudong.accounts import audit
from liudong.cli import Subcommands, arg, day_of_act
from liudong.codes import NATION_CODE
from liudong.policy.services import PolicyMissing, value


def retention_days(on) -> int | None:
    """The audit retention in days in force on `on` (P1), None when no value is in force."""
    try:
        return value("audit_retention_days", NATION_CODE, on=on)
    except PolicyMissing:
        return None


class Command(Subcommands):
    help = "审计日志维护 / audit log maintenance: purge expired events"
    subcommands = {
        "purge": ("delete audit events past their retention (dry run unless --for-real)",
                  arg("--for-real", action="store_true", help="really delete (default: only count)"),
                  arg("--on", default=None, help="the date of the purge, YYYY-MM-DD (default today; never after today)")),
    }

    def handle_purge(self, *, for_real, on, **_):
        on = day_of_act(on)
        result = audit.purge(actor=None, on=on, today=clock.today(), retention_days=retention_days(on), for_real=for_real)
        head = f"保存期限 {result['retention_days']} 天，截止 {result['cutoff']} / retention {result['retention_days']} days, cutoff {result['cutoff']}"
        self.stdout.write(head)
        if for_real:
            self.stdout.write(f"已删除 {result['deleted']} 条过期审计事件 / deleted {result['deleted']} expired audit events (the purge is logged as audit.purge)")
        else:
            self.stdout.write(f"试运行：{result['count']} 条审计事件已过期；加 --for-real 才会删除 / dry run: {result['count']} audit events are past their retention; add --for-real to delete them")
