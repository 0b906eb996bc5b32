"""Every read of cases a page or the API needs, scoped to the actor (invariant 2), and the audit of
the persons a page shows (invariant 3).

A township or county sees the cases of its subtree; a hukou county also sees the fee consultations
addressed to it (it answers them, F2). Lists carry the next deadline of each case: the earliest
due date of its open messages (a request to send, an answer awaited).
"""
from django.db.models import F, OuterRef, Q, Subquery

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.certificates.queries import certificate_held, status_proofs
from liudong.divisions.queries import in_range
from liudong.errors import Invalid, NotFound
from liudong.exchange.models import OPEN_STATES, Message, State
from liudong.identifiers import row_id
from liudong.policy.services import PolicyMissing, require_case_type_open

from .helpers import rule_set_source
from .models import BIRTH, CASE_TYPES, FEE, OPEN_BIRTH_STATES, SECOND_BIRTH, BirthRegistration, BirthState, FeeConsultation, SecondBirthResult

STATUSES = ("open", "decided", "all")
# B4: birth registrations not made on the working day their materials were complete (即时办理).
LATE = "late"
BIRTH_STATUSES = STATUSES + (LATE,)
PERSON_FIELDS_SHOWN = ["name", "id_number", "hukou", "residence"]


def _next_due(case_type: str):
    return Subquery(Message.objects.filter(case_type=case_type, case_id=OuterRef("pk"), state__in=OPEN_STATES, due_on__isnull=False)
                    .order_by("due_on").values("due_on")[:1])


def _status(status: str) -> str:
    return status if status in STATUSES else "open"


def birth_registrations(*, actor, status: str = "open"):
    """status: open | decided | all | late (B4: registered after the working day the materials were complete)."""
    require(actor, Action.HANDLE_CASES)
    qs = BirthRegistration.objects.filter(in_range("division_id", actor.division_id)).select_related("division", "woman", "husband")
    status = status if status in BIRTH_STATUSES else "open"
    if status == LATE:
        candidates = BirthRegistration.objects.filter(in_range("division_id", actor.division_id), state=BirthState.REGISTERED,
                                                      complete_on__isnull=False, decided_on__gt=F("complete_on"))
        # A day later than complete_on is still "at once" when the materials came on a rest day:
        # the calendar (X4) decides, case by case, among the few registered after that day.
        qs = qs.filter(pk__in=[c.pk for c in candidates.only("pk", "state", "complete_on", "decided_on") if c.registered_at_once is False])
    elif status == "open":
        qs = qs.filter(state__in=OPEN_BIRTH_STATES)
    elif status == "decided":
        qs = qs.exclude(state__in=OPEN_BIRTH_STATES)
    return qs.annotate(next_due=_next_due(BIRTH)).order_by("-received_on", "-id")


def second_birth_results(*, actor, status: str = "all"):
    """B6 results recorded in the actor's subtree; "open" ones still have their notice to send or deliver."""
    require(actor, Action.HANDLE_CASES)
    qs = SecondBirthResult.objects.filter(in_range("division_id", actor.division_id)).select_related("division", "woman", "residence_place")
    qs = qs.annotate(next_due=_next_due(SECOND_BIRTH))
    status = _status(status)
    if status == "open":
        qs = qs.filter(next_due__isnull=False)
    elif status == "decided":
        qs = qs.filter(next_due__isnull=True)
    return qs.order_by("-decided_on", "-id")


def fee_consultations(*, actor, status: str = "open"):
    """F1-F4: the consultations the actor's county sent, and those addressed to it (it answers)."""
    require(actor, Action.HANDLE_CASES)
    qs = FeeConsultation.objects.filter(in_range("division_id", actor.division_id) | Q(hukou_county_id=actor.division_id))
    qs = qs.select_related("division", "hukou_county", "person", "message")
    status = _status(status)
    if status == "open":
        qs = qs.filter(message__state__in=OPEN_STATES)
    elif status == "decided":
        qs = qs.exclude(message__state__in=OPEN_STATES)
    return qs.annotate(next_due=_next_due(FEE)).order_by("-started_on", "-id")


def log_list(*, actor, kind: str, rows, person_attrs=("woman_id",)):
    """Invariant 3: a list of cases names persons; the persons shown are logged."""
    rows = list(rows)
    if rows:
        persons = sorted({getattr(r, a) for r in rows for a in person_attrs if getattr(r, a, None)})
        record(actor, "case.list", object_type=kind, fields={"kind": kind, "shown": [r.pk for r in rows], "person_ids": persons})
    return rows


def _log_persons(actor, kind: str, case, persons):
    for person in persons:
        if person is not None:
            record(actor, "person.view", obj=person, person_id=person.pk, fields={"shown": PERSON_FIELDS_SHOWN, "kind": kind, "case_id": case.pk})


def _scoped(qs, pk, scope_q):
    pk = row_id(pk)
    case = qs.filter(scope_q, pk=pk).first() if pk else None
    if case is None:
        raise NotFound("案件不存在或不在您的管辖范围内 / no such case in your scope")
    return case


def get_birth_registration(*, actor, pk, log: bool = True) -> BirthRegistration:
    """One registration of the actor's subtree (404 otherwise); the persons shown are logged."""
    require(actor, Action.HANDLE_CASES)
    qs = BirthRegistration.objects.select_related("division", "woman__hukou_division", "woman__residence_division", "husband__hukou_division",
                                                  "husband_hukou", "woman_hukou_place", "husband_hukou_place", "residence_place", "status_proof")
    case = _scoped(qs, pk, in_range("division_id", actor.division_id))
    if log:
        _log_persons(actor, BIRTH, case, [case.woman, case.husband])
    return case


def certificate_cited(*, actor, case: BirthRegistration):
    """B1: the marriage and childbearing certificate (C1-C4) the woman held on the day the materials
    were received, cited on the case with its number and term (certificates.queries)."""
    return certificate_held(actor=actor, person_id=case.woman_id, on=case.received_on)


def get_second_birth(*, actor, pk, log: bool = True) -> SecondBirthResult:
    require(actor, Action.HANDLE_CASES)
    qs = SecondBirthResult.objects.select_related("division", "woman__hukou_division", "woman__residence_division", "residence_place")
    case = _scoped(qs, pk, in_range("division_id", actor.division_id))
    if log:
        _log_persons(actor, SECOND_BIRTH, case, [case.woman])
    return case


def get_fee_consultation(*, actor, pk, log: bool = True) -> FeeConsultation:
    require(actor, Action.HANDLE_CASES)
    qs = FeeConsultation.objects.select_related("division", "hukou_county", "person__hukou_division", "person__residence_division", "message")
    case = _scoped(qs, pk, in_range("division_id", actor.division_id) | Q(hukou_county_id=actor.division_id))
    if log:
        _log_persons(actor, FEE, case, [case.person])
    return case


def case_messages(case_type: str, case_id: int):
    """The messages a case opened and their replies, oldest first."""
    return list(Message.objects.filter(case_type=case_type, case_id=case_id).select_related("sender", "receiver").order_by("id"))


def draft_to_send(*, actor, pk) -> Message:
    """A draft a case of the actor's division opened and has not sent yet (B2, B5, B6)."""
    require(actor, Action.HANDLE_CASES)
    pk = row_id(pk)
    message = Message.objects.filter(pk=pk, sender_id=actor.division_id, sent_at__isnull=True, case_type__in=CASE_TYPES,
                                     state__in=(State.DRAFT, State.OVERDUE)).first() if pk else None
    if message is None:
        raise NotFound("函件不存在或已发出 / no such message to send")
    return message


def decisions_of(case: BirthRegistration):
    return list(case.decisions.select_related("decided_by").order_by("decided_on", "id"))


def fee_answer(case: FeeConsultation) -> dict:
    """F2: the hukou county's answer, from the case (answered on its page) or the reply message
    (answered in the exchange pages)."""
    message = case.message
    reply = Message.objects.filter(in_reply_to_id=case.message_id).first() if case.message_id else None
    return {
        "answered": reply is not None or (message is not None and message.state == State.ANSWERED),
        "agrees": case.answer_agrees, "opinion": case.answer_opinion or (reply.body if reply else ""),
        "answered_on": case.answered_on or (reply.sent_on if reply else None), "reply": reply,
        "on_time": bool(message and message.answered_on and (message.reply_due_on is None or message.answered_on <= message.reply_due_on)),
    }


def case_type_closed(*, actor, kind: str, on) -> str:
    """P1: why the actor's division takes no new cases of this type on `on` ("" when it does)."""
    try:
        require_case_type_open(kind, actor.division_id, on)
    except (Invalid, PolicyMissing) as e:
        return "; ".join(m for ms in e.errors.values() for m in ms) if isinstance(e, Invalid) else str(e)
    return ""


def source_of(case) -> str:
    return rule_set_source(case.rule_set)


def proofs_on_record(*, actor, case: BirthRegistration) -> list:
    """B1: the status proofs (3-八-1) of the woman the system holds, that the case may cite."""
    return list(status_proofs(actor=actor, person=case.woman).select_related("township")[:5])
