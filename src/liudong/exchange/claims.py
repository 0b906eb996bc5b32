"""Between places about one person: arrival claims (hole 1 of issue 7) and family links to
confirm (hole 3). Every change of a claim goes through transitions.CLAIM_TRANSITIONS, every change
of its message through transitions.TRANSITIONS.

An arrival claim: the place where she arrived presents her document (she is in front of the
collector). If her open residence (or, with none open, her record) is the claimant's, or lies in
the claimant's own township, the arrival is recorded at once (state recorded). Otherwise her
residence stays where it is: the claim is stored (pending) and her place, the township of her open
residence (or of her hukou place when none is open), gets a message (kind arrival_claim) to accept
or dispute. Unanswered, it is accepted when the daily tick finds its answer period
(policy people.arrival_claim_days, a system default) passed. On acceptance her history records the
claim's own dates through people.services.apply_arrival_claim, the one residence writer.

Until then the claimant sees her identity fields (name, sex, birth date, document) and what it
collected itself, never her record.
"""
import datetime

from django.db import transaction
from django.utils import timezone

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.people import services as people
from liudong.people import services_remote as people_remote
from liudong.people.choices import DocumentType, IntendedStay, MoveReason, Relation
from liudong.people.models import Person, Residence
from liudong.people.queries import may_record, reachable_person

from . import hooks, services
from .models import ArrivalClaim, Channel, ClaimState, FamilyProposal, Kind, Message, State
from .transitions import Act, ClaimAct, next_claim_state, next_state

IDENTITY = ["name", "sex", "birth_date", "document"]
NOBODY = "没有以此证件登记的人员：请先登记 / nobody is registered under this document: register her first"
LAPSED = "期满未答复，视为确认 / not answered in time: accepted"
VOIDED = "其居住记录在申报后已变化，申报未能生效 / her residence record changed after the claim: it did not take effect"


def acting_place(*, actor) -> Division:
    """The township or county a staff member acts for in the exchange (X1): a village's collector
    acts for its township."""
    division = actor.division
    while division.level > Level.TOWNSHIP and division.parent_id:
        division = division.parent
    if division.level not in services.PLACE_LEVELS:
        raise Invalid({"division": ["只有县、乡镇（街道）或村（居）可以申报 / only a county, township or village makes a claim"]})
    return division


def place_of(code: str) -> Division:
    """The township (or county) a division lies in: the place that answers for the people there."""
    division = Division.objects.select_related("parent").get(code=code)
    while division.level > Level.TOWNSHIP and division.parent_id:
        division = division.parent
    return division


def document_of(data: dict, errors: dict, prefix: str = "") -> tuple[str, str]:
    """The document she presents: type (default resident ID) and number, as the register keeps it
    (R8: one normal form, so E99887766 and e99887766 are one passport)."""
    doc_type = fields.choice(data, f"{prefix}document_type", errors, choices=DocumentType.values, default=DocumentType.RESIDENT_ID)
    number = fields.document_number(data, f"{prefix}document_number", errors)
    return doc_type, number


def lookup(*, actor, doc_type: str, number: str, via: str) -> Person | None:
    """The person registered under a document, found for a claim or a proposal. Logged whether or
    not someone is found (invariant 3), in its own transaction: the answer that follows may be an
    error, and the look-up stays on record."""
    person = Person.objects.filter(document_type=doc_type, document_number=number).first()
    with transaction.atomic():
        record(actor, "person.lookup", object_type="person", object_id=person.pk if person else "", person_id=person.pk if person else None,
               fields={"via": via, "document_type": doc_type, "found": person is not None, "shown": IDENTITY if person else []})
    return person


def _receiver(actor, person: Person, current: Residence | None) -> Division | None:
    """Where a claim goes, or None when the arrival is the actor's to record at once: her open
    residence is in its scope, or (none open) her record is; or her place is the actor's own
    township (a township is one place of the exchange; its villages act for it)."""
    if current is not None:
        if actor.in_scope(current.division_id):
            return None
        place = place_of(current.division_id)
    else:
        if may_record(actor=actor, person=person):
            return None
        place = place_of(person.hukou_division_id)
    return None if place.code == acting_place(actor=actor).code else place


# ---------------------------------------------------------------- arrival claims (hole 1)


def submit_arrival_claim(*, actor, data: dict, today: datetime.date, now: datetime.datetime) -> ArrivalClaim:
    """`POST /arrival-claims`: she arrived in the actor's area; `data` has her document
    (document_type, document_number) and the arrival (division, address, arrived_on, housing_id,
    employer_id, reason, intended_stay)."""
    require(actor, Action.RECORD_RESIDENCE)
    sender = acting_place(actor=actor)
    errors: dict[str, list[str]] = {}
    doc_type, number = document_of(data, errors)
    if errors:
        raise Invalid(errors)
    person = lookup(actor=actor, doc_type=doc_type, number=number, via="arrival_claim")
    if person is None:
        raise Invalid({"document_number": [NOBODY]})
    return _submit(actor, sender, person.pk, data, today, now)


@transaction.atomic
def _submit(actor, sender, person_id, data, today, now) -> ArrivalClaim:
    person = Person.objects.select_for_update().get(pk=person_id)
    errors: dict[str, list[str]] = {}
    # Hole 2: her birth date is compared only where her document tells it (a resident ID number
    # carries it); any other comparison with her record is made by her place when it answers.
    born = person.birth_date if person.document_type == DocumentType.RESIDENT_ID else None
    arrived_on = fields.date(data, "arrived_on", errors, required=True, today=today, not_before=born, before_label="其身份证号所示出生日期")
    period = people.residence_fields(data, errors, actor=actor, person=person)
    division = period["division"]
    if division is not None and "division" not in errors and not actor.in_scope(division.code):
        errors.setdefault("division", []).append("到达地应在您的辖区内 / the place she arrived in is in your area")
    if errors:
        raise Invalid(errors)
    current = Residence.objects.filter(person=person, left_on__isnull=True).first()
    receiver = _receiver(actor, person, current)
    claim = ArrivalClaim(person=person, document_type=person.document_type, document_number=person.document_number, claimant_id=actor.division_id,
                         arrived_on=arrived_on, created_at=now, created_by=actor, **period)
    if receiver is None:
        claim.residence = people.apply_arrival_claim(actor=actor, person_id=person.pk, arrived_on=arrived_on, recorded_by=actor.division_id,
                                                     claim_id=None, today=today, **period)
        claim.state, claim.decided_at, claim.decided_by = next_claim_state(None, ClaimAct.RECORD), now, actor
        claim.save()
        record(actor, "arrival_claim.record", obj=claim, person_id=person.pk, fields={"division": division.code, "arrived_on": str(arrived_on)})
        return claim
    if ArrivalClaim.objects.filter(person=person, claimant_id=actor.division_id, state=ClaimState.PENDING).exists():
        raise Invalid({"document_number": ["您对此人的到达申报尚待确认 / your claim for her is pending already"]})
    claim.message = services.send_system(actor=actor, sender=sender, receiver=receiver, kind=Kind.ARRIVAL_CLAIM, person=person, now=now,
                                         subject=f"到达申报：{person.name} 到达{sender.name}", body=claim_text(claim, sender))
    claim.state = next_claim_state(None, ClaimAct.SUBMIT)
    claim.save()
    hooks.claimed(claim)  # issue 16: to a place on another node, its fields follow its message
    record(actor, "arrival_claim.submit", obj=claim, person_id=person.pk,
           fields={"division": division.code, "arrived_on": str(arrived_on), "receiver": receiver.code, "message": claim.message.pk})
    return claim


def claim_text(claim: ArrivalClaim, sender: Division) -> str:
    """The message's body: what the claimant collected, for her place to judge."""
    p = claim.person
    parts = [f"{sender.name}申报：{p.name}（{DocumentType(p.document_type).label.split(' ')[0]} {p.document_number}）于 {claim.arrived_on} 到达 {claim.division.name}"
             + (f"，{claim.address}" if claim.address else "") + "。"]
    if claim.reason:
        parts.append(f"流动原因：{MoveReason(claim.reason).label}。")
    if claim.intended_stay:
        parts.append(f"拟居住时间：{IntendedStay(claim.intended_stay).label}。")
    parts.append("请确认或提出异议；期满未答复视为确认，其居住记录自到达日起转入申报地。\n"
                 f"{sender.name} claims that {p.name} arrived in {claim.division.name} on {claim.arrived_on}. Accept or dispute; "
                 "without an answer by the deadline the claim is accepted and her residence moves from that date.")
    return "".join(parts[:-1]) + "\n" + parts[-1]


# ---------------------------------------------------------------- family links (hole 3)


def propose_family_link(*, actor, person_id, data: dict, now: datetime.datetime) -> FamilyProposal:
    """`POST /family-proposals`: a link between a person in the actor's scope and a relative found
    by her document. Both in scope (or the relative's place is the actor's own township): written
    at once (state recorded). Otherwise proposed to the township of the relative's residence (or
    hukou place), written both ways when it accepts."""
    require(actor, Action.MANAGE_FAMILY)
    person = reachable_person(actor=actor, person_id=person_id, via="family.propose")
    sender = acting_place(actor=actor)
    errors: dict[str, list[str]] = {}
    doc_type, number = document_of(data, errors, prefix="relative_")
    relation = fields.choice(data, "relation", errors, choices=Relation.values, required=True,
                             invalid=f"关系应为 {', '.join(Relation.values)} / relation must be one of {', '.join(Relation.values)}")
    if errors:
        raise Invalid(errors)
    relative = lookup(actor=actor, doc_type=doc_type, number=number, via="family.propose")
    if relative is None:
        raise Invalid({"relative_document_number": [NOBODY]})
    return _propose(actor, sender, person.pk, relative.pk, relation, now)


@transaction.atomic
def _propose(actor, sender, person_id, relative_id, relation, now) -> FamilyProposal:
    person = Person.objects.select_for_update().get(pk=person_id)
    relative = Person.objects.select_for_update().get(pk=relative_id)
    place = place_of(relative.residence_division_id or relative.hukou_division_id)
    direct = may_record(actor=actor, person=relative) or place.code == sender.code
    errors = people.family_link_errors(person, relative, relation, relative_known=direct)
    if errors:
        raise Invalid({("relative_document_number" if k == "relative_id" else k): v for k, v in errors.items()})
    proposal = FamilyProposal(person=person, relative=relative, relation=relation, proposer_id=actor.division_id, created_at=now, created_by=actor)
    if direct:
        people.apply_family_link(actor=actor, person_id=person.pk, relative_id=relative.pk, relation=relation, proposal_id=None)
        proposal.state, proposal.decided_at, proposal.decided_by = next_claim_state(None, ClaimAct.RECORD), now, actor
        proposal.save()
        return proposal
    if FamilyProposal.objects.filter(person=person, relative=relative, state=ClaimState.PENDING).exists():
        raise Invalid({"relative_document_number": ["此关系已提请确认，尚待答复 / this link is waiting for an answer already"]})
    label = Relation(relation).label
    proposal.message = services.send_system(
        actor=actor, sender=sender, receiver=place, kind=Kind.FAMILY_LINK, person=relative, now=now, subject=f"亲属关系确认：{relative.name}",
        body=(f"{sender.name}提请确认：{relative.name}（{relative.document_number}）是 {person.name}（{person.document_number}，{person.birth_date} 生）的{label}。"
              f"请确认或提出异议。\n{sender.name} asks to confirm that {relative.name} is the {relation} of {person.name}. Accept or dispute."),
    )
    proposal.state = next_claim_state(None, ClaimAct.SUBMIT)
    proposal.save()
    # Issue 16: the relative's place on another node gets the proposal's fields with its message
    # (both persons' carried identities and the relation), in this transaction.
    if hooks.elsewhere(place.code, timezone.localdate(now)):
        hooks.claimed(proposal)
    # Hole 3: the audit names both persons, one row each, so GET /audit?person= finds either.
    for pid, other in ((person.pk, relative.pk), (relative.pk, person.pk)):
        record(actor, "family.propose", obj=proposal, person_id=pid, fields={"relative": other, "relation": relation, "message": proposal.message.pk})
    return proposal


# ---------------------------------------------------------------- answers: accept, dispute, lapse


def _decided(actor, message_id, act: str) -> Message:
    message = services.own_message(actor=actor, message_id=message_id, side="receiver")
    if message.kind not in services.DECIDED_KINDS:
        raise Invalid({"message": ["只有到达申报和亲属关系确认以“确认/异议”答复 / only an arrival claim or a family link is accepted or disputed"]})
    services.answerable(message, act)
    return message


@transaction.atomic
def accept(*, actor, message_id, now: datetime.datetime) -> Message:
    """Her place accepts: the claim's arrival becomes her history (or the proposed link is written
    both ways), the claim is accepted and the answer goes back to the claimant. A claim that no
    longer fits her record is refused with the reason (nothing written); dispute it instead."""
    message = _decided(actor, message_id, Act.ACCEPT)
    today = timezone.localdate(now)
    residence = claim = None
    if message.kind == Kind.ARRIVAL_CLAIM:
        claim = ArrivalClaim.objects.select_related("division", "person").get(message=message)
        next_claim_state(claim.state, ClaimAct.ACCEPT)
        residence = _apply(actor, claim, today)
        body = f"确认：{claim.person.name} 自 {claim.arrived_on} 起居住于 {claim.division.name}。\nAccepted: she lives in {claim.division.name} from {claim.arrived_on}."
    else:
        proposal = _proposal_of(message)
        next_claim_state(proposal.state, ClaimAct.ACCEPT)
        people.apply_family_link(actor=actor, person_id=proposal.person_id, relative_id=proposal.relative_id, relation=proposal.relation, proposal_id=proposal.pk)
        body = f"确认：{proposal.relative.name} 是 {proposal.person.name} 的{Relation(proposal.relation).label}。\nAccepted: the link is recorded."
    answer = services.answer_with(actor=actor, request=message, act=Act.ACCEPT, subject=f"确认：{message.subject}"[:200], body=body, sent=(Channel.SYSTEM, now, now, ""), now=now)
    services.settle_claims(message, ClaimAct.ACCEPT, actor=actor, now=now, residence=residence)
    decided = claim if claim is not None else proposal
    if hooks.elsewhere(_asked_by(decided), today):
        hooks.claim_decided(decided, ClaimAct.ACCEPT, now=now)  # issue 16: the proposer's node writes its half
    record(actor, "message.accept", obj=message, person_id=message.person_id, fields={"kind": message.kind, "reply": answer.pk})
    return answer


@transaction.atomic
def dispute(*, actor, message_id, reason: str, now: datetime.datetime) -> Message:
    """Her place disputes, with its reason: the claim (or proposal) ends, nothing is written to her
    record, and the claimant sees the reason."""
    errors: dict[str, list[str]] = {}
    reason = fields.text({"reason": reason}, "reason", errors, max_length=200, required=True, missing="请说明异议理由 / give the reason")
    if errors:
        raise Invalid(errors)
    message = _decided(actor, message_id, Act.DISPUTE)
    answer = services.answer_with(actor=actor, request=message, act=Act.DISPUTE, subject=f"异议：{message.subject}"[:200], body=f"异议：{reason}\nDisputed: {reason}",
                                  sent=(Channel.SYSTEM, now, now, ""), now=now)
    services.settle_claims(message, ClaimAct.DISPUTE, actor=actor, now=now, answer=reason)
    claim = (ArrivalClaim if message.kind == Kind.ARRIVAL_CLAIM else FamilyProposal).objects.filter(message=message).first()
    if claim is not None and hooks.elsewhere(_asked_by(claim), timezone.localdate(now)):
        hooks.claim_decided(claim, ClaimAct.DISPUTE, reason, now=now)  # issue 16: the reason travels back
    record(actor, "message.dispute", obj=message, person_id=message.person_id, fields={"kind": message.kind, "reply": answer.pk}, reason=reason)
    return answer


def _proposal_of(message: Message) -> FamilyProposal:
    proposal = FamilyProposal.objects.select_related("person", "relative").filter(message=message).first()
    if proposal is None:
        # Issue 16: a proposal's message from another node whose fields have not come (yet).
        raise Invalid({"message": ["此亲属关系确认的内容尚未送达本节点 / this proposal's fields have not reached this node yet"]})
    return proposal


def _asked_by(claim) -> str:
    """The place that asked: an arrival claim's claimant, a family link's proposer."""
    return claim.claimant_id if isinstance(claim, ArrivalClaim) else claim.proposer_id


def _apply(actor, claim: ArrivalClaim, today: datetime.date):
    """Her place accepts the claim (or lets it lapse): the one residence writer records it. A
    claim from a place on another node (issue 16) only closes her period here, on the claimed
    arrival date: the claimed period is opened on the claimant's node when the decision arrives
    there (exchange.remote.claim_answered), and reaches her hukou node from there."""
    if hooks.elsewhere(claim.claimant_id, today):
        people_remote.close_for_claim(person_id=claim.person_id, left_on=claim.arrived_on, division=claim.division_id, claimant=claim.claimant_id,
                                      claim_id=claim.pk)
        return None
    return people.apply_arrival_claim(actor=actor, person_id=claim.person_id, division=claim.division, arrived_on=claim.arrived_on, address=claim.address,
                                      housing=claim.housing, employer=claim.employer, reason=claim.reason, intended_stay=claim.intended_stay,
                                      expects_return=claim.expects_return, recorded_by=claim.claimant_id, claim_id=claim.pk, today=today)


class _Settled(Exception):
    """Someone answered the claim while the tick looked at it: leave it."""


def lapse(on: datetime.date, *, now: datetime.datetime | None = None) -> dict:
    """`liudong exchange tick` (after the overdue marking): an arrival claim whose message went
    overdue unanswered is accepted by silence, through the same residence writer; one that no
    longer fits her record is void. Each claim in its own transaction, settled by a conditional
    UPDATE (style 8), so a second run, or a receiver answering meanwhile, changes nothing."""
    now = now or timezone.make_aware(datetime.datetime.combine(on, datetime.time(0, 0)))
    counts = {"accepted": 0, "void": 0}
    due = ArrivalClaim.objects.filter(state=ClaimState.PENDING, message__state=State.OVERDUE).select_related("division").order_by("id")
    for claim in due.iterator():
        try:
            with transaction.atomic():
                message = Message.objects.select_for_update().get(pk=claim.message_id)
                if message.state != State.OVERDUE:
                    raise _Settled
                residence, act = None, ClaimAct.LAPSE
                try:
                    with transaction.atomic():
                        residence = _apply(None, claim, on)
                except Invalid:
                    act = ClaimAct.VOID
                if not services.settle_claims(message, act, actor=None, now=now, answer=LAPSED if act == ClaimAct.LAPSE else VOIDED, residence=residence):
                    raise _Settled
                if hooks.elsewhere(claim.claimant_id, on):
                    hooks.claim_decided(claim, ClaimAct.ACCEPT if act == ClaimAct.LAPSE else ClaimAct.VOID, LAPSED if act == ClaimAct.LAPSE else VOIDED, now=now)
                message.state, message.due_on, message.close_reason = next_state(message.state, Act.LAPSE), None, LAPSED if act == ClaimAct.LAPSE else VOIDED
                message.save(update_fields=["state", "due_on", "close_reason"])
                record(None, f"arrival_claim.{act}", obj=claim, person_id=claim.person_id, fields={"on": str(on), "message": message.pk})
        except _Settled:
            continue
        counts["accepted" if act == ClaimAct.LAPSE else "void"] += 1
    return counts
