"""The desk's request as the API and the pages show it: the answer holds only the disclosed
fields (Q3), and only the desk that took the request ever gets it (Q4, Q7)."""
import datetime

from liudong.policy.services import PolicyMissing

from . import queries, rules
from .choices import DOCUMENTS, SubjectState, State


def subject_out(s, today: datetime.date) -> dict:
    state = queries.effective_state(s, today)
    task = getattr(s, "consent_task", None) if hasattr(s, "consent_task") else None
    out = {"position": s.position, "name": s.name, "match": s.match or None, "sex": s.sex or None, "state": str(state),
           "match_count": s.match_count, "candidates": [], "consent_due_on": task.due_on if task else None,
           "consent_answered_on": task.answered_on if task else None, "count": s.count}
    if state == SubjectState.CHOOSING:
        out["candidates"] = [queries.candidate_view(c.person) for c in s.candidates.select_related("person")]
    return out


def inquiry_state(inquiry, subjects_states: list[str]) -> str:
    """The request's state as of today: consents lapsed by silence close it with nothing disclosed."""
    if inquiry.state == State.AWAITING_CONSENT and SubjectState.AWAITING_CONSENT not in subjects_states:
        told = {SubjectState.ANSWERED, SubjectState.COUNTED, SubjectState.NOT_FOUND, SubjectState.TOO_MANY}
        return State.ANSWERED if any(s in told for s in subjects_states) else State.CLOSED
    return inquiry.state


def answer_out(inquiry, subjects) -> dict | None:
    if inquiry.state in (State.REFUSED, State.CHECKED, State.RECORDED):
        return None
    items = []
    for s, state in subjects:
        item = {"position": s.position, "result": str(state), "person": None, "count": None}
        if state == SubjectState.ANSWERED and s.answer:
            item["person"] = s.answer.get("person")
        if state == SubjectState.COUNTED:
            item["count"] = s.count
        items.append(item)
    return {"covers": queries.COVERS, "subjects": items}


def inquiry_out(inquiry, *, today: datetime.date) -> dict:
    subjects = list(inquiry.subjects.select_related("consent_task").all()) if inquiry.pk else []
    states = [(s, queries.effective_state(s, today)) for s in subjects]
    state = inquiry_state(inquiry, [st for _, st in states])
    try:
        spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    except (PolicyMissing, TypeError, ValueError):  # a purged or changed set: the request still shows
        spec = {}
    return {
        "id": inquiry.pk, "file_number": inquiry.file_number, "category": inquiry.category, "rule_set": inquiry.rule_set,
        "state": str(state), "reason": inquiry.refusal_reason or None, "routing": inquiry.routing or None,
        "stated_reason": inquiry.reason, "relationship": inquiry.relationship or None,
        "requester": {"name": inquiry.requester_name, "unit": inquiry.requester_unit or None, "id_document": inquiry.requester_id_document or None, "id_number": inquiry.requester_id_number or None,
                      "phone": inquiry.requester_phone or None, "address": inquiry.requester_address or None},
        "documents": [d.document for d in inquiry.documents.all()],
        "received_on": inquiry.received_on, "received_at": inquiry.received_at, "notice_acknowledged_at": inquiry.notice_acknowledged_at,
        "approved": inquiry.approved, "approved_at": inquiry.approved_at, "answered_on": inquiry.answered_on, "flagged": inquiry.flagged,
        "printed_sheet": bool(spec.get("printed_sheet")) and state == State.ANSWERED,
        "subjects": [subject_out(s, today) for s in subjects],
        "answer": answer_out(inquiry, states),
    }


def category_out(code: str, spec: dict) -> dict:
    return {"category": code, "label": spec["label"], "required_documents": list(spec["documents"][0]) if spec["documents"] else [],
            "document_sets": [list(a) for a in spec["documents"]], "disclosed_fields": list(spec["fields"]), "consent": spec["consent"],
            "counts_only": spec["counts_only"], "approval": spec["approval"], "agreement": spec["agreement"], "printed_sheet": spec["printed_sheet"],
            "named_in_letter": spec["named_in_letter"], "treated_as": spec.get("treated_as"), "handled_at_desk": not spec.get("routing"), "routing": spec.get("routing"),
            "source": spec["source"]}


def document_label(code: str) -> str:
    return DOCUMENTS.get(code, code)
