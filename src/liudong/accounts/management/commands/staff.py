"""`liudong staff add|list|disable|unlock|mark` (J3): staff accounts from the command line, as the system.

Writes go through accounts.staff (invariant 1) and are audited with actor "system"."""
from django.core.management.base import CommandError

from liudong.accounts.choices import Role
from liudong.accounts.login import unlock
from liudong.accounts.models import Staff
from liudong.accounts.staff import add_staff, disable_staff, set_review_marks
from liudong.cli import Subcommands, arg
from liudong.clock import today
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range


class Command(Subcommands):
    help = "管理工作人员账号 / manage staff accounts: add, list, disable, unlock"
    subcommands = {
        "add": ("add a staff account",
                arg("username"),
                arg("--role", required=True, help=", ".join(Role.values)),
                arg("--division", required=True, help="12-digit division code the account acts for"),
                arg("--password", required=True),
                arg("--name", default="", help="full name")),
        "list": ("list staff accounts", arg("--division", default=None, help="only accounts in this division's subtree")),
        "disable": ("disable an account (it can no longer log in)", arg("username"), arg("--reason", default="")),
        "unlock": ("lift the log-in locks and slow-down of an account (all its addresses)", arg("username"), arg("--reason", default="")),
        "mark": ("R6: mark a collector as group leader, a township clerk or head as experienced reviewer (yes/no), from a date (default today) until one (default open)",
                 arg("username"),
                 arg("--group-leader", choices=("yes", "no"), default=None), arg("--experienced", choices=("yes", "no"), default=None),
                 arg("--from", dest="valid_from", default=None, help="YYYY-MM-DD, default today"),
                 arg("--until", dest="valid_until", default=None, help="YYYY-MM-DD, last day (default: until further notice)"),
                 arg("--reason", default="")),
    }

    def handle_add(self, *, username, role, division, password, name, **_):
        staff = add_staff(actor=None, username=username, role=role, division_code=division, password=password, full_name=name)
        self.stdout.write(f"已添加 / added: {staff.username} {staff.get_role_display()} @ {staff.division_id} {staff.division.name}")

    def handle_list(self, *, division, **_):
        qs = Staff.objects.select_related("division").order_by("division_id", "username")
        if division:
            place = Division.objects.filter(code=division).first()
            if place is None:
                raise CommandError(f"区划代码 {division} 不存在 / no division has code {division}")
            qs = qs.filter(in_range("division_id", place.code))
        rows = [(s.username, s.role, s.division_id, s.division.name, "active" if s.is_active else "disabled", s.first_name) for s in qs]
        if not rows:
            self.stdout.write("没有账号 / no accounts")
            return
        widths = [max(len(str(r[i])) for r in rows) for i in range(5)]
        for r in rows:
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(r[:5], widths)) + ("  " + r[5] if r[5] else ""))
        self.stdout.write(f"共 {len(rows)} 个 / {len(rows)} accounts")

    def handle_disable(self, *, username, reason, **_):
        staff = disable_staff(actor=None, username=username, reason=reason)
        self.stdout.write(f"已停用 / disabled: {staff.username}")

    def handle_unlock(self, *, username, reason, **_):
        cleared = unlock(actor=None, username=username, reason=reason)
        self.stdout.write(f"已解锁 / unlocked: {username.strip()} (清除 {cleared} 条计数 / {cleared} counters cleared)")

    def handle_mark(self, *, username, group_leader, experienced, reason, valid_from=None, valid_until=None, **_):
        marks = {name: value == "yes" for name, value in (("group_leader", group_leader), ("experienced_reviewer", experienced)) if value}
        if not marks:
            raise CommandError("请给出 --group-leader 或 --experienced / give --group-leader or --experienced")
        day = today()
        staff = set_review_marks(actor=None, username=username, reason=reason, valid_from=valid_from or day, valid_until=valid_until, **marks)
        yes = {True: "yes", False: "no"}
        self.stdout.write(f"{staff.username}: 组长 group leader {yes[staff.holds_mark('group_leader', day)]}, "
                          f"审核人 experienced reviewer {yes[staff.holds_mark('experienced_reviewer', day)]} (今天 / today {day})")
        for m in staff.marks.all():
            self.stdout.write(f"  {m.get_mark_display()}: {m.valid_from or '…'} – {m.valid_until or '…'}")
