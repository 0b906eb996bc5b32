"""`liudong inquiries purge [--for-real] [--on DATE]` (Q8): delete the query register's requests
(with their documents, scans, subjects and answers) past the retention of the set in force at
their desk (`query_register_retention_days`: 2 years under query-desk-2010). A dry run by default;
the purge, dry or real, is logged (inquiry.purge / inquiry.purge_dry_run)."""
from liudong import clock
from liudong.cli import Subcommands, arg, day_of_act

from liudong.desk import services


class Command(Subcommands):
    help = "人口信息查询登记表维护 / the query register: purge requests past their retention"
    subcommands = {
        "purge": ("delete requests past the register's retention (dry run unless --for-real)",
                  arg("--for-real", action="store_true", help="really delete (default: only count)"),
                  arg("--on", default=None, help="the date of the purge, YYYY-MM-DD (default today; never after today)")),
    }

    def handle_purge(self, *, for_real, on, **_):
        today = clock.today()
        on = day_of_act(on, between=(clock.today().replace(year=2000), today))
        result = services.purge(actor=None, today=on, for_real=for_real)
        for desk, d in sorted(result["desks"].items()):
            self.stdout.write(f"{desk}: 保存期限 {d['retention_days']} 天，{d['cutoff']} 以前受理的 {d['count']} 件 / retention {d['retention_days']} days, {d['count']} received before {d['cutoff']}")
        if for_real:
            self.stdout.write(f"已删除 {result['deleted']} 件过期查询登记 / deleted {result['deleted']} expired requests (logged as inquiry.purge)")
        else:
            self.stdout.write(f"试运行：{result['count']} 件查询登记已过保存期限；加 --for-real 才会删除 / dry run: {result['count']} requests are past their retention; add --for-real to delete them")
