"""`liudong permits tick [--on DATE]`: the permits' daily job alone (RP4: suspend the permits whose
anniversary passed without an endorsement; RR1: count the deadlines the calendar could not count
before). `liudong exchange tick` runs it too, so one cron line is enough. Idempotent; logged."""
from django.core.management.base import BaseCommand

from liudong import clock
from liudong.cli import iso_date
from liudong.permits import services


class Command(BaseCommand):
    help = "居住证 / residence permits: the daily job (tick)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        tick = sub.add_parser("tick", help="suspend the permits whose endorsement was missed (run daily; `exchange tick` runs it too)")
        tick.add_argument("--on", default=None, help="the day of the run, YYYY-MM-DD (default today)")

    def handle(self, *args, subcommand, **options):
        on = iso_date(options["on"]) if options.get("on") else clock.today()
        self.stdout.write(services.daily(on))
