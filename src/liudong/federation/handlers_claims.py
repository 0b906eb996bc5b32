"""Issue 16, hole 1: an arrival claim to her place on another node. The claim's message travels as
any message; its fields (the place and date she arrived, address, reason) follow it in a `claim`
envelope (kind `arrival_claim`) written in the claim's transaction, and her place's node keeps
them as a pending claim linked to the message (exchange.remote.claim_from_node), which its clerk
accepts or disputes as in one database. Accepting (or letting it lapse) closes her period there
on the claimed date; the decision goes back in a `claim` envelope (kind `accept`, `dispute` with
its reason, or `void`), and on the claimant's node the claim is settled: accepted, her history
records the claimed period by the one residence writer (and her hukou node learns it from there
as a `person` event), disputed, the claim ends with the reason (exchange.remote.claim_answered).

A family-link proposal to a relative whose place is on another node travels the same way (kind
`family_link`: the relation, the proposer and both persons' carried identities): the relative's
node registers the proposer's person from hers if it does not know her (R8, by ID number first)
and keeps a pending proposal that its clerk accepts (the link is written there both ways) or
disputes; the decision comes back in the same `claim` envelope kinds, and the proposer's node
writes its own half then, with every R5 check again (exchange.remote).

Both envelopes name the claim by the global id of its message. A redelivery never reaches the
handler; a decision about a claim settled already changes nothing."""
import datetime

from django.utils.dateparse import parse_date

from liudong.dates import local_day
from liudong.errors import Invalid
from liudong.exchange import remote
from liudong.exchange.models import FamilyProposal
from liudong.people import services_remote
from liudong.people.choices import Relation

from . import envelope
from .choices import EnvelopeType, Refusal
from .directory import holds
from .handlers_reports import elsewhere, received_id, sent_id
from .models import Outbox, Received
from .outbox import enqueue, person_fields

CLAIM_KIND = "arrival_claim"
PROPOSAL_KIND = "family_link"
ACTS = ("accept", "dispute", "void")


def claimed(claim) -> None:
    """exchange.hooks: a claim sent to a place on another node was saved; its fields follow its
    message there, in the same transaction."""
    message = claim.message
    if message is None or not elsewhere(message.receiver_id, local_day(claim.created_at)):
        return
    if isinstance(claim, FamilyProposal):
        enqueue(EnvelopeType.CLAIM, sender=message.sender_id, receiver=message.receiver_id, kind=PROPOSAL_KIND, now=claim.created_at,
                payload={"message": sent_id(message.pk), "person": person_fields(claim.person), "relative": person_fields(claim.relative),
                         "proposal": {"proposer": claim.proposer_id, "relation": claim.relation}})
        return
    enqueue(EnvelopeType.CLAIM, sender=message.sender_id, receiver=message.receiver_id, kind=CLAIM_KIND, now=claim.created_at,
            payload={"message": sent_id(message.pk), "person": person_fields(claim.person),
                     "claim": {"claimant": claim.claimant_id, "division": claim.division_id, "arrived_on": str(claim.arrived_on), "address": claim.address,
                               "reason": claim.reason, "intended_stay": claim.intended_stay, "expects_return": claim.expects_return}})


def decided(claim, act: str, answer: str = "", *, now: datetime.datetime) -> None:
    """exchange.hooks: a claim from a place on another node was accepted, disputed or let lapse
    here; the decision goes back to the claimant's node in the same transaction."""
    message = claim.message
    gid = received_id(message.pk) if message is not None else None
    if gid is None:
        return
    enqueue(EnvelopeType.CLAIM, sender=message.receiver_id, receiver=message.sender_id, kind=act, now=now,
            payload={"message": gid, "act": act, "answer": answer})


def on_other_node(code: str, on: datetime.date) -> bool:
    return elsewhere(code, on)


def apply(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    try:
        if routing["kind"] == CLAIM_KIND:
            _claim(received, routing, payload, now=now)
        elif routing["kind"] == PROPOSAL_KIND:
            _proposal(received, routing, payload, now=now)
        elif routing["kind"] in ACTS:
            _decision(routing, payload, now=now)
        else:
            raise envelope.Refused(Refusal.MALFORMED, f"kind {str(routing['kind'])[:20]}")
    except Invalid as e:
        reason = Refusal.UNKNOWN_DIVISION if set(e.errors) & {"division", "hukou_division"} else Refusal.MALFORMED
        raise envelope.Refused(reason, "; ".join(f"{k}: {m}" for k, ms in e.errors.items() for m in ms)[:300]) from None


def _claim(received, routing: dict, payload: dict, *, now: datetime.datetime) -> None:
    """Her place's node: the claim's fields, kept as a pending claim (linked to its message)."""
    ident, fields = payload["person"], payload["claim"]
    if not isinstance(ident, dict) or not isinstance(fields, dict) or not holds(routing["from_node"], str(fields["claimant"])):
        raise envelope.Refused(Refusal.NOT_ITS_DIVISION, f"claimant {str(fields.get('claimant'))[:12]}")
    arrived_on = parse_date(str(fields["arrived_on"]))
    if arrived_on is None:
        raise ValueError("arrived_on")
    person, _ = services_remote.register_from_node(ident=ident, today=local_day(now), from_node=routing["from_node"])
    message = Received.objects.filter(global_id=str(payload["message"]), type=EnvelopeType.MESSAGE).values_list("message", flat=True).first()
    remote.claim_from_node(person=person, claimant=str(fields["claimant"]), division=str(fields["division"]), arrived_on=arrived_on,
                           address=str(fields.get("address") or ""), reason=str(fields.get("reason") or ""), intended_stay=str(fields.get("intended_stay") or ""),
                           expects_return=fields.get("expects_return") is True, message=remote.Message.objects.filter(pk=message).first() if message else None,
                           now=now)
    received.person = services_remote.carried(ident)


def _proposal(received, routing: dict, payload: dict, *, now: datetime.datetime) -> None:
    """The relative's node: the proposal's fields, kept as a pending proposal (linked to its
    message). Both persons are found by ID number first (R8); one this node lacks is registered
    from her carried identity (the relative should be known: the message went to her place)."""
    ident, other, fields = payload["person"], payload["relative"], payload["proposal"]
    if not isinstance(ident, dict) or not isinstance(other, dict) or not isinstance(fields, dict) or not holds(routing["from_node"], str(fields["proposer"])):
        raise envelope.Refused(Refusal.NOT_ITS_DIVISION, f"proposer {str(fields.get('proposer') if isinstance(fields, dict) else '')[:12]}")
    if fields.get("relation") not in Relation.values:
        raise ValueError("relation")
    today = local_day(now)
    relative, _ = services_remote.register_from_node(ident=other, today=today, from_node=routing["from_node"])
    person, _ = services_remote.register_from_node(ident=ident, today=today, from_node=routing["from_node"])
    message = Received.objects.filter(global_id=str(payload["message"]), type=EnvelopeType.MESSAGE).values_list("message", flat=True).first()
    remote.proposal_from_node(person=person, relative=relative, relation=fields["relation"], proposer=str(fields["proposer"]),
                              message=remote.Message.objects.filter(pk=message).first() if message else None, now=now)
    received.person = services_remote.carried(other)


def _decision(routing: dict, payload: dict, *, now: datetime.datetime) -> None:
    """The claimant's node: her place's decision on the claim this node sent."""
    row = Outbox.objects.filter(global_id=str(payload["message"]), type=EnvelopeType.MESSAGE).select_related("message").first()
    if row is None or row.message is None:
        raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"claim {str(payload['message'])[:40]}")
    # Only the place the claim went to decides it.
    if row.message.receiver_id != routing["sender"] or row.to_node != routing["from_node"] or routing["kind"] != payload["act"]:
        raise envelope.Refused(Refusal.MISADDRESSED, f"decision by {routing['sender']} on a claim sent to {row.message.receiver_id}")
    remote.claim_answered(row.message, payload["act"], str(payload.get("answer") or "")[:200], now=now)


