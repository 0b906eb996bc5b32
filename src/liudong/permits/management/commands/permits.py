"""`liudong permits tick [--on DATE]`: the permits' daily job alone (RP4: suspend the permits whose
anniversary passed without an endorsement; RR1: count the deadlines the calendar could not count
before). `liudong exchange tick` runs it too, so one cron line is enough. Idempotent; logged."""
from liudong.cli import Subcommands, arg, day_of_act
from liudong.permits import services


class Command(Subcommands):
    help = "居住证 / residence permits: the daily job (tick)"
    subcommands = {
        "tick": ("suspend the permits whose endorsement was missed (run daily; `exchange tick` runs it too)",
                 arg("--on", default=None, help="the day of the run, YYYY-MM-DD (default today)")),
    }

    def handle_tick(self, *, on, **_):
        self.stdout.write(services.daily(day_of_act(on)))
