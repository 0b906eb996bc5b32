"""`liudong exchange tick [--on DATE]` (run daily, X3): messages whose deadline passed before DATE
and that still wait (to send, sent, received) become overdue; then arrival claims whose answer
period passed unanswered are accepted by silence (hole 1, exchange.claims.lapse). Prints how many.
Idempotent: a second run on the same day finds nothing more. The run is logged (exchange.tick).

`liudong exchange states`: the state tables (exchange.transitions), as printed in the README.

`liudong exchange show ID`: one message, its route, channel, times and deadline (for operators;
the person it names appears as her number only)."""
from django.core.management.base import CommandError

from liudong.accounts.audit import record
from liudong.cli import Subcommands, arg, day_of_act
from liudong.exchange import claims, services
from liudong.exchange.models import Message
from liudong.exchange.transitions import table_markdown
from liudong.jobs.daily import run_daily_jobs


class Command(Subcommands):
    help = "函件 / exchange messages: mark overdue (tick), show one"
    subcommands = {
        "tick": ("mark the messages whose deadline passed as overdue (run daily)",
                 arg("--on", default=None, help="the day of the run, YYYY-MM-DD (default today): what was due before it is overdue")),
        "states": ("print the state tables (README, style 13)",),
        "show": ("show one message", arg("id", help="message number")),
    }

    def handle_tick(self, *, on, **_):
        on = day_of_act(on)
        count = services.tick(on)
        self.stdout.write(f"{on}: {count} 件函件超期 / {count} messages became overdue")
        # Hole 1: arrival claims nobody answered in time are accepted by silence.
        lapsed = claims.lapse(on)
        self.stdout.write(f"{on}: {lapsed['accepted']} 件到达申报期满视为确认，{lapsed['void']} 件未能生效 / "
                          f"{lapsed['accepted']} arrival claims accepted by silence, {lapsed['void']} void")
        # Every other app's daily job (jobs.daily: residence permits' missed endorsements, ...).
        for line in run_daily_jobs(on):
            self.stdout.write(line)

    def handle_states(self, **_):
        self.stdout.write(table_markdown())

    def handle_show(self, **options):
        raw = options["id"]
        try:
            pk = int(raw)
        except ValueError:
            raise CommandError(f"函件编号应为数字 / a message number is a number, got {raw!r}") from None
        m = Message.objects.select_related("sender", "receiver").filter(pk=pk).first() if 0 < pk < 2**63 else None
        if m is None:
            raise CommandError(f"函件 {raw} 不存在 / no message {raw}")
        lines = [
            f"#{m.pk} {m.get_kind_display()} [{m.get_state_display()}] {m.subject}",
            f"  from {m.sender_id} {m.sender.name} -> {m.receiver_id} {m.receiver.name}",
            f"  route {m.route}{' (via the nation)' if m.via_nation else ''}",
            f"  channel {m.channel or '-'}  sent {m.sent_at or '-'}  arrived {m.arrived_at or '-'}  evidence {m.evidence or '-'}",
            f"  send by {m.send_due_on or '-'}  answer by {m.reply_due_on or '-'}  due {m.due_on or '-'}  overdue on {m.overdue_on or '-'}",
            f"  rules of {m.rules_on} {m.rule_set or ''}  person {m.person_id or '-'}  case {m.case_type or '-'} {m.case_id or ''}",
        ]
        # Invariant 3: the subject may name the person; the operator's look is logged.
        record(None, "message.show", obj=m, person_id=m.person_id, fields={"kind": m.kind})
        self.stdout.write("\n".join(lines))
