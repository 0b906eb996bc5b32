"""`liudong statistics close --period 2026-10 [--division CODE]`: close a month by hand (T2), as
the scheduled task does on the 1st; `liudong statistics refresh`: refresh the live figures."""
from liudong import clock
from liudong.cli import Subcommands, arg

from ... import services


class Command(Subcommands):
    help = "统计月报：月结计算 / monthly reports: close a month"
    subcommands = {
        "close": ("月结：计算并保存各区划本月数字 / compute and store the month's figures of every division",
                  arg("--period", required=True, help="YYYY-MM"),
                  arg("--division", default="000000000000", help="只算这一区划及其下级 / only this division's subtree")),
        "bulletin": ("编发省或国家的月度工作通报并发给下级 / make a province's or the nation's monthly bulletin and send it down",
                     arg("--period", required=True, help="YYYY-MM"), arg("--division", required=True, help="省或国家代码 / a province or the nation")),
        "refresh": ("刷新未审核报表的实时数字 / refresh the live figures of the reports not yet approved",),
    }

    def handle_close(self, *, period, division, **_):
        result = services.close_month(actor=None, period=period, now=clock.now(), root=division)
        self.stdout.write(f"月结 {result['period']}：新建 {result['created']} 份，更新 {result['updated']} 份 / "
                          f"closed {result['period']}: {result['created']} reports created, {result['updated']} updated")

    def handle_refresh(self, **_):
        n = services.refresh_live(now=clock.now())
        self.stdout.write(f"已刷新 {n} 份报表的实时数字 / live figures refreshed on {n} reports")

    def handle_bulletin(self, *, period, division, **_):
        from ... import bulletins

        b = bulletins.make_bulletin(actor=None, division_code=division, period=period, now=clock.now())
        self.stdout.write(f"工作通报 {b.pk}：已发下级 {b.messages_sent} 份 / bulletin {b.pk}: sent to {b.messages_sent} divisions below")
