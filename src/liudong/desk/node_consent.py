"""Issue 16 (Q7 across nodes): the desk that takes a request answers it (首接负责), and the police
station where the subject lives (现住地派出所) asks her whether she consents (Q3 (三)). Where she
lives on another node (her hukou is here, her period there came from that node), the consent task
crosses: a `consent` envelope of kind `ask`, written in the transaction that makes the task, to
her station's node, which keeps a copy under the same global id (her record there, registered
from the carried identity if that node lacks her, R8; the desk, file number, requester,
relationship, reason and the fields the category may tell); the station answers it on its own
consent page, and the answer (kind `answer`: granted, the fields she agreed to, the day) comes
back in the answering transaction.

Whose clock: the desk's. The desk promised the requester an answer within its working days
(consent_working_days); an answer that reaches the desk after its due day is kept on the task
but discloses nothing (the subject's consent lapsed, as it does in one database when nobody
answers in time). The station refuses an answer after the due day by its own day too.

What the desk tells the requester is from its own record of her, which her residence node keeps
current (the `person` events): the answer carries her consent, not her data. Without LIUDONG_NODE
nothing here runs."""
import datetime

from django.conf import settings
from django.utils.dateparse import parse_date

from liudong.accounts.audit import record
from liudong.dates import local_day
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.federation import envelope
from liudong.federation.choices import EnvelopeType, Refusal
from liudong.federation.directory import holds, route
from liudong.federation.outbox import enqueue, person_fields
from liudong.people import services_remote

from . import rules
from .choices import FIELDS
from .models import ConsentTask
from .services import settle_consent


def asked(task: ConsentTask, *, now: datetime.datetime) -> None:
    """In the transaction that makes the desk's task: the task to her station's node, if another."""
    node = settings.LIUDONG_NODE
    if not node:
        return
    to_node = route(task.station_id, local_day(now))
    inquiry = task.subject.inquiry
    if to_node == node or not holds(node, inquiry.division_id):
        return
    spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    row = enqueue(EnvelopeType.CONSENT, sender=inquiry.division_id, receiver=task.station_id, kind="ask", to_node=to_node, now=now,
                  payload={"file_number": inquiry.file_number, "category": inquiry.category, "requester_name": inquiry.requester_name,
                           "relationship": inquiry.relationship, "reason": inquiry.reason, "fields": list(spec["fields"]),
                           "created_on": str(task.created_on), "due_on": str(task.due_on), "person": person_fields(task.subject.person)})
    task.global_id = row.global_id
    task.save(update_fields=["global_id"])


def answered(task: ConsentTask, *, now: datetime.datetime) -> None:
    """In the station's answering transaction: her answer back to the desk's node."""
    node = settings.LIUDONG_NODE
    if not node or task.subject_id is not None or not task.global_id or task.desk_id is None:
        return
    enqueue(EnvelopeType.CONSENT, sender=task.station_id, receiver=task.desk_id, kind="answer", to_node=route(task.desk_id, local_day(now)), now=now,
            payload={"task": task.global_id, "granted": task.granted, "fields": list(task.fields), "answered_on": str(task.answered_on)})


def apply(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    if routing["kind"] == "ask":
        _ask(received, routing, payload, now=now)
    elif routing["kind"] == "answer":
        _answer(received, routing, payload, now=now)
    else:
        raise ValueError(f"kind {str(routing['kind'])[:20]}")


def _ask(received, routing: dict, payload: dict, *, now: datetime.datetime) -> None:
    """On her station's node: the copy of the desk's task, for the station's consent page."""
    station, desk = routing["receiver"], routing["sender"]
    if Division.objects.filter(code__in=[station, desk]).count() != len({station, desk}):
        raise envelope.Refused(Refusal.UNKNOWN_DIVISION, f"{station} / {desk}")
    due_on, created_on = parse_date(str(payload["due_on"])), parse_date(str(payload["created_on"]))
    offered = payload["fields"]
    if due_on is None or created_on is None or not isinstance(offered, list):
        raise ValueError("due_on / created_on / fields")
    ident = payload["person"]
    try:
        person, _ = services_remote.register_from_node(ident=ident, today=local_day(now), from_node=routing["from_node"])
    except Invalid as e:
        raise envelope.Refused(Refusal.MALFORMED, "; ".join(f"{k}: {m}" for k, ms in e.errors.items() for m in ms)[:300]) from None
    task = ConsentTask.objects.create(
        subject=None, station_id=station, created_on=local_day(now), due_on=due_on, global_id=routing["id"], person=person, desk_id=desk,
        file_number=str(payload["file_number"])[:30], requester_name=str(payload.get("requester_name") or "")[:50],
        relationship=str(payload.get("relationship") or "")[:200], reason=str(payload.get("reason") or "")[:1000],
        offered=[f for f in offered if f in FIELDS])
    record(None, "inquiry.consent_task", object_type="consenttask", object_id=task.pk, person_id=person.pk, division_code=station,
           fields={"file_number": task.file_number, "desk": desk, "station": station, "due_on": str(due_on), "from_node": routing["from_node"]})
    received.person = services_remote.carried(ident)


def _answer(received, routing: dict, payload: dict, *, now: datetime.datetime) -> None:
    """On the desk's node: her answer, in time by the desk's day, discloses or refuses."""
    task = (ConsentTask.objects.select_for_update(of=("self",)).select_related("subject__inquiry", "subject__person")
            .filter(global_id=str(payload["task"])[:32], subject__isnull=False).first())
    if task is None:
        raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"consent task {str(payload['task'])[:32]}")
    if routing["sender"] != task.station_id:
        raise envelope.Refused(Refusal.NOT_ITS_DIVISION, f"{routing['sender']} is not the task's station {task.station_id}")
    granted, answered_on = payload["granted"], parse_date(str(payload["answered_on"]))
    agreed = payload["fields"]
    if not isinstance(granted, bool) or answered_on is None or not isinstance(agreed, list):
        raise ValueError("granted / answered_on / fields")
    if task.answered_on is not None:
        return  # a second answer (resent by hand) changes nothing
    today, inquiry = local_day(now), task.subject.inquiry
    task.answered_on, task.granted = answered_on, granted
    task.fields = [f for f in agreed if f in FIELDS] if granted else []
    task.save(update_fields=["answered_on", "granted", "fields"])
    late = today > task.due_on
    record(None, "inquiry.consent_late" if late else "inquiry.consent", obj=inquiry, person_id=task.subject.person_id, division_code=inquiry.division_id,
           fields={"file_number": inquiry.file_number, "granted": granted, "fields": task.fields, "station": task.station_id,
                   "answered_on": str(answered_on), "arrived_on": str(today), "from_node": routing["from_node"]})
    # Late: the desk's period ended before her answer reached it; nothing is disclosed.
    settle_consent(actor=None, task=task, today=today, late=late)
