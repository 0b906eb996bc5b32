"""Issue 16: the exchange's side of a message that crosses nodes (X2, X5). The node's federation
app carries the envelopes; what they change in the exchange is written here, by the same rules as
a message that stays in one database (one door for writes, invariant 1). Each function runs inside
the caller's transaction (the receiving node's commit of an envelope), records its audit event
there, and is idempotent: a redelivered envelope changes nothing."""
import base64
import datetime
import hashlib
from collections import defaultdict

from django.db import transaction

from liudong.accounts.audit import event, record, record_all
from liudong.codes import prefix
from liudong.dates import local_day as _local
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.people import services as people
from liudong.people import services_remote
from liudong.policy.calendar import add_working_days

from . import claims, hooks
from .models import ArrivalClaim, Attachment, Channel, ClaimState, FamilyProposal, Kind, Message, State
from .services import SUBJECT_MAX, _new, own_message, reply_days, settle_claims, withdraw
from .transitions import Act, ClaimAct, next_state


def in_transit(message: Message) -> None:
    """X5: a message sent by the system to a place on another node has not arrived when it
    leaves; the receiver's clock starts at the receiving node's commit, which its receipt brings
    back (`arrived`). Until then nothing is due and the daily tick passes it by."""
    if message.channel != Channel.SYSTEM or message.arrived_at is None:
        return
    Message.objects.filter(pk=message.pk).update(arrived_at=None, arrived_on=None, reply_due_on=None, due_on=None)
    message.arrived_at = message.arrived_on = message.reply_due_on = message.due_on = None


def _answer_by(message: Message, cache: dict | None = None) -> datetime.date | None:
    """X4: the answer-by date of a message that arrived on `arrived_on`, by the receiver's policy
    on the message's rules date (P1). `cache`: kept by the caller for one batch of envelopes (the
    same kind, receiver, rules date and arrival day give the same date)."""
    key = ("due", message.kind, message.receiver_id, message.rules_on, message.arrived_on)
    if cache is None or key not in cache:
        days, rule_set = reply_days(message.kind, message.receiver_id, message.rules_on)
        due = add_working_days(message.arrived_on, int(days), field="arrived_at") if days is not None else None
        if cache is None:
            message.rule_set = message.rule_set or rule_set
            return due
        cache[key] = (due, rule_set)
    due, rule_set = cache[key]
    message.rule_set = message.rule_set or rule_set
    return due


def arrived(message: Message, at: datetime.datetime) -> bool:
    """The receipt of a message sent to another node: it arrived there at `at` (X5), so its
    answer-by date (X4) is counted from then, here as there. False if the arrival is known."""
    return bool(arrivals([(message.pk, at)]))


def arrivals(receipts: list[tuple[int, datetime.datetime]], cache: dict | None = None) -> int:
    """`arrived` for many messages at once (a node's receiving batch): one read, one update per
    field set, one insert of the audit events. A receipt of a message whose arrival is known (or
    a second receipt in the list) changes nothing. Returns how many arrivals were new."""
    first: dict[int, datetime.datetime] = {}
    for pk, at in receipts:
        first.setdefault(pk, at)
    alike, events = defaultdict(list), []
    for message in Message.objects.select_for_update().filter(pk__in=list(first), arrived_at__isnull=True).order_by("pk"):
        at = first[message.pk]
        message.arrived_at, message.arrived_on = at, _local(at)
        message.reply_due_on = _answer_by(message, cache)
        if message.state == State.SENT:
            message.due_on = message.reply_due_on  # still waiting: the deadline now runs
        # Messages receipted together mostly get the same values: one UPDATE for each set of them.
        alike[(message.arrived_at, message.arrived_on, message.reply_due_on, message.due_on, message.rule_set)].append(message.pk)
        events.append(event(None, "message.arrival", obj=message, person_id=message.person_id, division_code=message.sender_id,
                            fields={"arrived_on": str(message.arrived_on), "due": str(message.reply_due_on or ""), "remote": True}))
    for (arrived_at, arrived_on, reply_due_on, due_on, rule_set), pks in alike.items():
        Message.objects.filter(pk__in=pks).update(arrived_at=arrived_at, arrived_on=arrived_on, reply_due_on=reply_due_on, due_on=due_on, rule_set=rule_set)
    record_all(events)
    return len(events)


def deliver(*, sender: str, receiver: str, kind: str, topic: str, subject: str, body: str, rules_on: datetime.date, rule_set: str,
            sent_at: datetime.datetime, person, in_reply_to: Message | None, request_arrived_at: datetime.datetime | None,
            now: datetime.datetime, cache: dict | None = None, carried: dict | None = None, attachments=()) -> Message:
    """A message from a place on another node arrives here now (X5: system delivery at the
    receiving node's commit): it is written in the receiver's inbox with its clock from `now`. An
    answer to a request this node sent (`in_reply_to`) answers it: the request is answered on the
    day the answer was sent (X3, as in one database), and if the answer overtook the request's
    receipt, the request's arrival is taken from the answer (`request_arrived_at`). `cache`: the
    divisions and answer-by dates of one batch of envelopes, kept by the caller."""
    message = delivery(sender=sender, receiver=receiver, kind=kind, topic=topic, subject=subject, body=body, rules_on=rules_on, rule_set=rule_set,
                       sent_at=sent_at, person=person, in_reply_to=in_reply_to, request_arrived_at=request_arrived_at, now=now, cache=cache,
                       carried=carried, attachments=attachments)
    delivered([message])
    return message


def delivery(*, sender: str, receiver: str, kind: str, topic: str, subject: str, body: str, rules_on: datetime.date, rule_set: str,
             sent_at: datetime.datetime, person, in_reply_to: Message | None, request_arrived_at: datetime.datetime | None,
             now: datetime.datetime, cache: dict | None = None, carried: dict | None = None, attachments=()) -> Message:
    """`deliver`'s message, checked and not yet written (a node's receiving batch writes many at
    once with `delivered`); the request it answers, if any, is answered now."""
    cache = {} if cache is None else cache
    wanted = [c for c in (sender, receiver) if ("place", c) not in cache]
    if wanted:
        for d in Division.objects.filter(code__in=wanted):
            cache[("place", d.code)] = d
    places = {c: cache[("place", c)] for c in (sender, receiver) if ("place", c) in cache}
    if sender not in places or receiver not in places:
        raise Invalid({"receiver": ["收发单位不在本节点的区划表中 / the sender or receiver is not in this node's division table"]})
    message = _new(None, places[sender], places[receiver], kind=kind, person=person, subject=subject[:SUBJECT_MAX], body=body,
                   rules_on=rules_on, case_type="", case_id=None, now=now)
    message.scans = [_scan(scan, now=now) for scan in attachments or ()]  # checked before anything is written
    message.topic, message.rule_set, message.channel = topic, rule_set, Channel.SYSTEM
    message.carried = services_remote.carried(carried) if carried else {}
    message.sent_at, message.sent_on = min(sent_at, now), _local(min(sent_at, now))
    message.arrived_at, message.arrived_on = now, _local(now)
    message.state = next_state(None, Act.SEND)
    message.reply_due_on = _answer_by(message, cache) if in_reply_to is None else None
    message.due_on = message.reply_due_on
    if in_reply_to is not None:
        message.in_reply_to = in_reply_to
        _answered(in_reply_to, sent_at=message.sent_at, request_arrived_at=request_arrived_at)
    return message


def delivered(messages: list[Message]) -> None:
    """Write the messages `delivery` made, the scans that came with them, and their audit events,
    in one insert each."""
    Message.objects.bulk_create(messages, batch_size=500)
    scans = []
    for m in messages:
        for scan in getattr(m, "scans", ()):
            scan.message = m
            scans.append(scan)
    Attachment.objects.bulk_create(scans, batch_size=50)
    record_all([event(None, "message.deliver", obj=m, person_id=m.person_id, division_code=m.receiver_id,
                      fields={"kind": m.kind, "sender": m.sender_id, "due": str(m.due_on or ""), "remote": True}) for m in messages])
    _link_claims([m for m in messages if m.kind in (Kind.ARRIVAL_CLAIM, Kind.FAMILY_LINK) and m.person_id])
    # The layers above learn of them in the same transaction (a report to approve here...).
    hooks.delivered(messages)


def _scan(scan: dict, *, now: datetime.datetime) -> Attachment:
    """A scan that came sealed with the message (issue 16), to be kept and linked as if uploaded
    with it (not yet written: `delivered` writes it); its SHA-256 must be the one the sender
    computed, else the envelope is refused before anything is written."""
    data = base64.b64decode(scan["data"], validate=True)
    if hashlib.sha256(data).hexdigest() != scan["sha256"] or not data:
        raise ValueError("attachment digest")
    return Attachment(name=str(scan["name"])[:200], content_type=str(scan["content_type"])[:100], size=len(data),
                      sha256=scan["sha256"], data=data, uploaded_at=now, uploaded_by=None)


def _answered(request: Message, *, sent_at: datetime.datetime, request_arrived_at: datetime.datetime | None):
    request = Message.objects.select_for_update().get(pk=request.pk)
    if request.arrived_at is None and request_arrived_at is not None:
        request.arrived_at, request.arrived_on = request_arrived_at, _local(request_arrived_at)
        request.reply_due_on = _answer_by(request)
    if request.state in (State.ANSWERED, State.CLOSED, State.FORWARDED):
        request.save()
        return
    request.state = next_state(request.state, Act.REPLY)
    request.answered_at, request.answered_on, request.due_on = sent_at, _local(sent_at), None
    request.save()


@transaction.atomic
def register_carried(*, actor, message_id, now: datetime.datetime) -> Message:
    """Issue 16: the receiving clerk registers, in one step, the person a message from another
    node names, from the fields it carried; where this node has her already (R8: by ID number
    first) the message is linked to that record and nothing is registered twice. Only the
    receiver acts; registering needs the right to register people (people.services_remote)."""
    message = own_message(actor=actor, message_id=message_id, side="receiver")
    if message.person_id is not None:
        raise Invalid({"message": ["此函件已关联当事人 / this message names a person of this node already"]})
    if not message.carried:
        raise Invalid({"message": ["此函件未携带当事人身份 / this message carried no person's identity"]})
    person, created = services_remote.register_carried(actor=actor, ident=message.carried, today=_local(now))
    message.person = person
    message.save(update_fields=["person"])
    record(actor, "message.register_person", obj=message, person_id=person.pk, fields={"created": created, "id_number": person.id_number or ""})
    message.registered_new = created  # the page says which of the two happened
    return message


# ---------------------------------------------------------------- arrival claims across nodes (hole 1)


def claim_from_node(*, person, claimant: str, division: str, arrived_on: datetime.date, address: str, reason: str, intended_stay: str,
                    expects_return: bool, message: Message | None, now: datetime.datetime) -> ArrivalClaim:
    """Issue 16: the fields of an arrival claim a place on another node sent to her place here,
    kept as a pending claim that this place accepts or disputes as in one database. Its message
    may arrive in the same batch (not yet written): `_link_claims` links it then. The claimant's
    home and employer stay on its node (this node does not hold them)."""
    places = {d.code: d for d in Division.objects.filter(code__in=[claimant, division])}
    if claimant not in places or division not in places:
        raise Invalid({"division": ["申报单位或到达地不在本节点的区划表中 / the claimant or the place is not in this node's division table"]})
    claim = ArrivalClaim.objects.create(
        person=person, document_type=person.document_type, document_number=person.document_number, claimant=places[claimant], division=places[division],
        address=address[:200], arrived_on=arrived_on, reason=reason[:20], intended_stay=intended_stay[:10], expects_return=expects_return,
        state=ClaimState.PENDING, message=message, created_at=now, created_by=None)
    if message is not None and message.person_id is None:
        Message.objects.filter(pk=message.pk).update(person=person)  # she was not known here when it came
    record(None, "arrival_claim.remote", obj=claim, person_id=person.pk, division_code=division,
           fields={"claimant": claimant, "division": division, "arrived_on": str(arrived_on), "message": getattr(message, "pk", None)})
    return claim


def proposal_from_node(*, person, relative, relation: str, proposer: str, message: Message | None, now: datetime.datetime) -> FamilyProposal:
    """Issue 16: the fields of a family link a place on another node proposes to the relative's
    place here, kept as a pending proposal that this place accepts (the link is written here both
    ways, between the relative and this node's record of the proposer's person) or disputes, as in
    one database. Its message may come later in the same batch (`_link_claims`)."""
    place = Division.objects.filter(code=proposer).first()
    if place is None:
        raise Invalid({"division": ["提出单位不在本节点的区划表中 / the proposing place is not in this node's division table"]})
    proposal = FamilyProposal.objects.create(person=person, relative=relative, relation=relation, proposer=place, state=ClaimState.PENDING,
                                             message=message, created_at=now, created_by=None)
    if message is not None and message.person_id is None:
        Message.objects.filter(pk=message.pk).update(person=relative)
    for pid, other in ((person.pk, relative.pk), (relative.pk, person.pk)):
        record(None, "family.remote", obj=proposal, person_id=pid, division_code=proposer,
               fields={"relative": other, "relation": relation, "message": getattr(message, "pk", None)})
    return proposal


def _link_claims(messages: list[Message]) -> None:
    """An arrival claim's (or family link's) message written after its fields (the same receiving
    batch): linked to the pending claim of that person by that place (a place has one pending
    claim a person, and one pending proposal a pair)."""
    for m in messages:
        if m.kind == Kind.ARRIVAL_CLAIM:
            ArrivalClaim.objects.filter(message__isnull=True, person_id=m.person_id, state=ClaimState.PENDING, created_by__isnull=True,
                                        claimant__code__startswith=prefix(m.sender_id)).update(message=m)
        elif m.kind == Kind.FAMILY_LINK:
            first = (FamilyProposal.objects.filter(message__isnull=True, relative_id=m.person_id, state=ClaimState.PENDING, created_by__isnull=True,
                                                   proposer__code__startswith=prefix(m.sender_id)).order_by("id").values_list("pk", flat=True).first())
            if first is not None:
                FamilyProposal.objects.filter(pk=first).update(message=m)


def claim_answered(message: Message, act: str, answer: str, *, now: datetime.datetime) -> bool:
    """Issue 16: on the claimant's node, her place (on another node) accepted, disputed or let
    lapse the claim of `message`: accepted, her history records the claim's dates by the one
    residence writer (her period here, if any, closes; the claimed one opens), and the claim is
    settled; disputed, the claim ends with the reason. A claim settled already changes nothing."""
    if message.kind == Kind.FAMILY_LINK:
        return _proposal_answered(message, act, answer, now=now)
    claim = ArrivalClaim.objects.select_related("division").filter(message=message).first()
    if claim is None or claim.state != ClaimState.PENDING:
        return False
    residence = None
    if act == ClaimAct.ACCEPT:
        try:
            with transaction.atomic():
                residence = claims._apply(None, claim, _local(now))
        except Invalid:
            act, answer = ClaimAct.VOID, claims.VOIDED
    elif act not in (ClaimAct.DISPUTE, ClaimAct.VOID):
        raise ValueError(f"act {act[:20]}")
    moved = settle_claims(message, act, actor=None, now=now, answer=answer, residence=residence)
    record(None, f"arrival_claim.remote_{act}", obj=claim, person_id=claim.person_id, division_code=claim.claimant_id,
           fields={"message": message.pk, "residence": getattr(residence, "pk", None)}, reason=answer[:200])
    return bool(moved)


def _proposal_answered(message: Message, act: str, answer: str, *, now: datetime.datetime) -> bool:
    """Issue 16: on the proposer's node, the relative's place (on another node) accepted the link
    (written here both ways, every R5 check again: one that no longer holds voids the proposal
    with the reason) or disputed it (it ends with the reason). Settled already: nothing changes."""
    proposal = FamilyProposal.objects.filter(message=message).first()
    if proposal is None or proposal.state != ClaimState.PENDING:
        return False
    if act == ClaimAct.ACCEPT:
        try:
            with transaction.atomic():
                people.apply_family_link(actor=None, person_id=proposal.person_id, relative_id=proposal.relative_id, relation=proposal.relation,
                                         proposal_id=proposal.pk)
        except Invalid as e:
            act, answer = ClaimAct.VOID, "；".join(m for ms in e.errors.values() for m in ms)[:200]
    elif act not in (ClaimAct.DISPUTE, ClaimAct.VOID):
        raise ValueError(f"act {act[:20]}")
    moved = settle_claims(message, act, actor=None, now=now, answer=answer)
    for pid in (proposal.person_id, proposal.relative_id):
        record(None, f"family.remote_{act}", obj=proposal, person_id=pid, division_code=proposal.proposer_id, fields={"message": message.pk}, reason=answer[:200])
    return bool(moved)


def withdrawn_by_sender(message: Message, *, on: datetime.date, reason: str, now: datetime.datetime) -> bool:
    """Issue 16: on the receiving node, the sender (on another node) withdrew the message: its copy
    here is closed as exchange.services.close closes the sender's (X3: withdrawn after the
    answer-by date this node counted, the miss stands). A copy answered or closed here already
    (the answer and the withdrawal crossed) changes nothing; both are audited."""
    if message.state == State.CLOSED or message.answered_at is not None:
        record(None, "message.remote_close_stale", obj=message, person_id=message.person_id, division_code=message.receiver_id,
               fields={"state": message.state, "on": str(on)})
        return False
    withdraw(message, reason=reason[:200], on=on, actor=None, now=now)
    record(None, "message.remote_close", obj=message, person_id=message.person_id, division_code=message.receiver_id, reason=reason[:200],
           fields={"on": str(on), "sender": message.sender_id})
    return True
