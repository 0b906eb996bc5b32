"""Issue 16: the hukou side keeps seeing its people. An arrival, move, departure or return of a
person whose hukou division is on another node is sent there as a `person` envelope, written in
the outbox in the same transaction as the act (a people residence listener); the hukou node
registers her if it does not know her (R8: by ID number first) and keeps the period, so that her
outflow record (流出地, 流出时间), the outflow register and the counts (left-behind children...)
there are what one database would show.

The envelope carries her identity and the period(s) the act closed and opened, each as the
sending node recorded it, under that node's id of the period: applied twice, or after a later
event about the same period, it changes nothing (people.services_remote.mirror_period)."""
import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date

from liudong.codes import code_range
from liudong.dates import local_day
from liudong.errors import Invalid
from liudong.people import services_remote
from liudong.people.models import Person
from liudong.people.scope import registered_in

from . import envelope
from .choices import EnvelopeType, Refusal
from .directory import holds, route
from .models import MirroredPeriod, Outbox, Peer
from .outbox import enqueue, outbox_row, person_fields


def _period(node: str, residence) -> dict:
    return {"ref": f"{node}:{residence.pk}", "division": residence.division_id, "arrived_on": str(residence.arrived_on),
            "left_on": str(residence.left_on) if residence.left_on else None, "start_kind": residence.start_kind, "end_kind": residence.end_kind,
            "floating": residence.floating, "reason": residence.reason, "intended_stay": residence.intended_stay,
            "expects_return": residence.expects_return, "address": residence.address}


def residence_changed(*, actor, person, closed, opened) -> None:
    """people's residence listener: inside the act's transaction, a period of a person whose hukou
    is on another node goes to that node's outbox. Without LIUDONG_NODE it does nothing."""
    node = settings.LIUDONG_NODE
    if not node or not person.hukou_division_id:
        return
    # The act gives a date only: the outbox row's own moment is when it is written.
    now = timezone.now()
    if closed is not None:
        _closed_copy(actor, person, closed, now=now)
    hukou_node = route(person.hukou_division_id, local_day(now))
    if hukou_node == node:
        return  # her hukou is on this node: its own registers see her
    place = (opened or closed).division_id
    acting = getattr(actor, "division_id", "") or ""
    sender = acting if acting and holds(node, acting) else place
    if not holds(node, sender):
        return  # a period this node does not hold (it keeps another node's): not its to tell
    event = opened.start_kind if opened is not None else "departure"
    enqueue(EnvelopeType.PERSON, sender=sender, receiver=person.hukou_division_id, kind=event, to_node=hukou_node, now=now,
            payload={"event": event, "person": person_fields(person), "periods": [_period(node, r) for r in (closed, opened) if r is not None]})


CLOSED_HERE = "closed_by_hukou"


def _closed_copy(actor, person, closed, *, now) -> None:
    """Issue 16 (three nodes): an act here (her return home, an arrival claim accepted here) ended
    the copy this node keeps of a period another node recorded of her (MirroredPeriod): that node
    ends its period too, the same day (`closed_by_hukou` envelope; people.services_remote.
    close_for_hukou_node). Without this, her period there stayed open while her hukou node
    counted her back home or gone to a third node."""
    mirror = MirroredPeriod.objects.filter(residence_id=closed.pk).first()
    if mirror is None or closed.left_on is None:
        return
    node = settings.LIUDONG_NODE
    acting = getattr(actor, "division_id", "") or ""
    sender = acting if acting and holds(node, acting) else person.hukou_division_id
    if not holds(node, sender):
        return
    enqueue(EnvelopeType.PERSON, sender=sender, receiver=closed.division_id, kind=CLOSED_HERE, to_node=mirror.from_node, now=now,
            payload={"event": CLOSED_HERE, "person": person_fields(person),
                     "period": {"ref": mirror.ref, "left_on": str(closed.left_on), "end_kind": closed.end_kind}})


def residences_imported(*, actor, residences) -> None:
    """people's import listener (a bulk import, people.imports.rows: told once, inside the
    import's transaction, of the periods it wrote): what `residence_changed` does for one period
    recorded by hand, set-based. One read of the periods with their persons, then one outbox row a
    period whose person's hukou is on another node, all written with one INSERT (500 rows a
    statement) in the import's transaction. An import never closes a period it did not write, so
    each envelope carries the one period (with its end, if the row gave one)."""
    node = settings.LIUDONG_NODE
    if not node:
        return
    now = timezone.now()  # as residence_changed: the import gives dates only
    day, routes, rows = local_day(now), {}, []
    acting = getattr(actor, "division_id", "") or ""
    # Her hukou outside this node's area (people.scope.registered_in, through the period's person).
    with_hukou = residences.filter(person__in=Person.objects.filter(registered_in("000000000000")))  # a hukou place at all
    periods = with_hukou.exclude(person__in=Person.objects.filter(registered_in(node))).select_related("person").order_by("id")
    if node_has_inner_peers(node, day):
        # A peer holds part of this node's area (a city node inside a province's): those hukou
        # divisions are another node's too; route() tells each.
        periods = with_hukou.select_related("person").order_by("id")
    for residence in periods.iterator(chunk_size=2000):
        person = residence.person
        hukou = person.hukou_division_id
        if hukou not in routes:
            routes[hukou] = route(hukou, day)
        if routes[hukou] == node:
            continue
        sender = acting if acting and holds(node, acting) else residence.division_id
        if not holds(node, sender):
            continue
        event = residence.start_kind
        rows.append(outbox_row(EnvelopeType.PERSON, sender=sender, receiver=hukou, kind=event, to_node=routes[hukou], now=now,
                               payload={"event": event, "person": person_fields(person), "periods": [_period(node, residence)]}))
    Outbox.objects.bulk_create(rows, batch_size=500)


def node_has_inner_peers(node: str, day: datetime.date) -> bool:
    """A peer trusted on `day` whose code lies under this node's (a city node inside a province's)."""
    low, high = code_range(node)
    return Peer.objects.filter(code__gte=low, code__lte=high, trusted_from__lte=day).exclude(code=node).exists()


# Issue 16: an app above learns, in the receiving transaction, that a person whose hukou is here
# was found living on another node from a period just kept: fn(person, now=) (certificates sends
# her certificate's copy there, as it does when it acts on the certificate while she lives there).
ARRIVED_ELSEWHERE: list = []


def on_arrival_elsewhere(fn) -> None:
    if fn not in ARRIVED_ELSEWHERE:
        ARRIVED_ELSEWHERE.append(fn)


def apply(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    """On the hukou node: her record (found by ID number first, else registered) and the periods.
    On the node of a period her hukou node kept a copy of: that copy ended there (`closed_by_hukou`)."""
    if payload.get("event") == CLOSED_HERE:
        _apply_closed(received, routing, payload)
        return
    ident = payload["person"]
    if not isinstance(ident, dict) or not holds(settings.LIUDONG_NODE, str(ident.get("hukou_division") or "")):
        raise envelope.Refused(Refusal.MISADDRESSED, "her hukou is not on this node")
    try:
        person, created = services_remote.register_from_node(ident=ident, today=local_day(now), from_node=routing["from_node"])
        arrived = False
        for period in payload["periods"]:
            ref = str(period["ref"])[:40]
            known = MirroredPeriod.objects.filter(ref=ref).values_list("residence_id", flat=True).first()
            residence = services_remote.mirror_period(person_id=person.pk, residence_id=known, period=period, recorded_by=routing["sender"],
                                                      from_node=routing["from_node"])
            if known is None:
                MirroredPeriod.objects.create(ref=ref, residence=residence, from_node=routing["from_node"])
                arrived = arrived or residence.left_on is None
    except Invalid as e:
        reason = Refusal.UNKNOWN_DIVISION if set(e.errors) & {"division", "hukou_division"} else Refusal.MALFORMED
        raise envelope.Refused(reason, "; ".join(f"{k}: {m}" for k, ms in e.errors.items() for m in ms)[:300]) from None
    if arrived and not created:
        for fn in ARRIVED_ELSEWHERE:
            fn(person, now=now)
    received.person = services_remote.carried(ident)


def _apply_closed(received, routing: dict, payload: dict) -> None:
    """On the node that recorded the period: her hukou node ended its copy; the period ends here."""
    ident, period = payload["person"], payload["period"]
    if not isinstance(ident, dict) or not holds(routing["from_node"], str(ident.get("hukou_division") or "")):
        raise envelope.Refused(Refusal.NOT_ITS_DIVISION, "only her hukou node ends a period it kept a copy of")
    node, _, pk = str(period["ref"]).partition(":")
    left_on = parse_date(str(period["left_on"]))
    if node != settings.LIUDONG_NODE or not pk.isdigit() or left_on is None:
        raise envelope.Refused(Refusal.MISADDRESSED, f"period {str(period['ref'])[:40]} is not this node's")
    person = services_remote.match_carried(ident)
    closed = services_remote.close_for_hukou_node(residence_id=int(pk), person_id=person.pk, left_on=left_on, end_kind=str(period.get("end_kind") or ""),
                                                  from_node=routing["from_node"]) if person is not None else None
    if closed is None:
        raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"no period {pk} of hers here")
    received.person = services_remote.carried(ident)
