"""`liudong demo`: a deterministic county-scale demo world (liudong/demo/)."""
import time

from django.core.management.base import BaseCommand, CommandError

from liudong.accounts.models import Staff
from liudong.cli import day_of_act
from liudong.demo.data import DEMO_PASSWORD, MAIN_ACCOUNTS
from liudong.demo.services import MAX_PEOPLE, MIN_PEOPLE, build_demo, dating_note, latest_build
from liudong.errors import Invalid
from liudong.people.models import Person


class Command(BaseCommand):
    help = (
        "Build a demo world: 深圳市南山区 (440305) with its 8 real streets and 107 real residents' committees "
        "(2023 statistical codes), ~N people: inflow people from counties all over China (weighted to Sichuan, "
        "Hunan, Guangdong, Henan, Hubei, Guangxi, Jiangxi) with arrivals, moves and departures over five years; "
        "Nanshan's own outflow people with left-behind children and empty-nest parents; rental homes with tenants; "
        "employers with valid credit codes; two grids per community with a collector; one staff account per role "
        "and a township clerk of 四川省通江县诺江镇 (hukou side); birth and fee cases and a year of messages. People, "
        "names, addresses, homes and employers are invented. The world is dated the day it is built (--on), or the "
        "last date the loaded working-day calendar covers well when that day is past it. Every demo account's "
        f"password is {DEMO_PASSWORD}. Same --seed, --people and world date: same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the database already has people")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--people", type=int, default=20000, help="number of people (default 20000)")
        parser.add_argument("--on", default="", help="the day the demo is built on, YYYY-MM-DD (default: today)")

    def handle(self, *args, if_empty=False, seed=2026, people=20000, on="", **options):
        if Person.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有人员，未生成演示数据 / the database has people already: demo data not built")
                build = latest_build()
                if build is not None:
                    self.stdout.write(dating_note(build))
                self._print_logins([(s.username, s.role, s.division_id, s.division.name) for s in Staff.objects.filter(username__in=[u for u, _, _ in MAIN_ACCOUNTS]).select_related("division").order_by("id")])
                return
            raise CommandError("数据库已有人员；请用空数据库或 --if-empty / the database has people already: use an empty database or --if-empty")
        if not MIN_PEOPLE <= people <= MAX_PEOPLE:
            raise CommandError(f"--people 应在 {MIN_PEOPLE} 到 {MAX_PEOPLE} 之间 / --people must be {MIN_PEOPLE} to {MAX_PEOPLE}")
        day = day_of_act(on)
        started = time.perf_counter()
        try:
            built = build_demo(on=day, seed=seed, people=people, log=self.stdout.write)
        except Invalid as e:
            raise CommandError("; ".join(m for ms in e.errors.values() for m in ms)) from None
        elapsed = time.perf_counter() - started
        build = built.build
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成 / demo world built in {elapsed:.1f} s (seed {seed}, {build.world_date})"))
        note = dating_note(build)
        self.stdout.write(self.style.WARNING(note) if build.dated_earlier else note)
        for what, n in built.counts.items():
            self.stdout.write(f"  {what}: {n}")
        self._print_logins(built.logins)

    def _print_logins(self, logins):
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write(f"登录账号 / logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<20} {'role':<18} division")
        for username, role, code, name in logins:
            self.stdout.write(f"  {username:<20} {role:<18} {code} {name}")
        self.stdout.write("  collector_<community code> (village_collector) for every other community of 南山区")
        self.stdout.write("  clerk_<street code> (township_clerk) for every other street of 南山区")
