"""Issue 16 (X3, T3): the node that holds a request tells the hub when its answer-by date has
passed unanswered: an `overdue` state event (routing only), instead of the hub reading the date.
The holding node is the receiver: only it knows whether the request was answered, forwarded (B2)
or withdrawn, and its clock (X5) ran from its own commit.

A scheduled job (`liudong exchange tick`'s daily jobs, and `liudong node run` every few minutes):
every message this node received from another node whose answer-by date is before `today`,
unanswered and not withdrawn, and for which no overdue event has been written yet, gets one state
row in the outbox, all in one INSERT and one transaction. Idempotent: the row is linked to the
message (`Outbox.message`, type state, kind overdue), so a second run finds it and writes nothing;
the relay's de-duplication and the hub's one row a message do the rest."""
import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from liudong.codes import NATION_CODE
from liudong.exchange.models import Message

from .choices import EnvelopeType
from .directory import keys_of
from .models import Outbox, Received
from .outbox import state_row

OVERDUE = "overdue"


def report_overdue(*, today: datetime.date, now: datetime.datetime) -> int:
    """Write the overdue events not yet written (one INSERT); the number written."""
    if keys_of(NATION_CODE, today) is None:
        return 0  # no hub to tell (or not a node: the embedded default has no Received rows)
    reported = Outbox.objects.filter(type=EnvelopeType.STATE, kind=OVERDUE, message_id=OuterRef("message_id"))
    due = (Received.objects.filter(type=EnvelopeType.MESSAGE, message__reply_due_on__lt=today, message__answered_on__isnull=True,
                                   message__withdrawn_on__isnull=True)
           .exclude(Exists(reported)).values_list("global_id", "message_id"))
    with transaction.atomic():
        pairs = list(due)
        messages = Message.objects.in_bulk([m for _, m in pairs])
        cache, rows = {}, []
        for gid, message_id in pairs:
            message = messages[message_id]
            row = state_row(OVERDUE, of=gid, message=message, place=message.receiver_id, at=now, due_on=message.reply_due_on, cache=cache)
            if row is not None:
                row.message = message  # what makes a second run find it
                rows.append(row)
        Outbox.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def daily(on: datetime.date) -> str:
    """jobs.daily: the day's run from `liudong exchange tick` (the moment: the start of `on`)."""
    now = timezone.make_aware(datetime.datetime.combine(on, datetime.time()))
    return f"federation: {report_overdue(today=on, now=now)} overdue events to the hub"
