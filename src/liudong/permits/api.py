"""Issue 13 API: residence permits (居住证) and residence registrations (居住登记).

Request bodies carry JSON types; every domain check is done once in permits.services, so the API
and the pages give the same bilingual field errors (422), 403 for a role that may not act, 404 for
"absent or not yours"; nothing is written on an error. Reads go through permits.queries, scoped
and logged.
"""
import datetime

from ninja import Field, Router, Schema, Status

from liudong.api_schemas import ERRORS, DateText, Text
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)
from liudong.exchange.api import AttachmentIn
from liudong.exchange.api import scans_to_files as scans
from liudong.limits import MAX_ATTACHMENTS

from . import queries, services
from .models import Basis, ResidencePermit, ResidenceRegistration

router = Router(tags=["residence"])


class PermitApplicationIn(Schema):
    person_id: int = Field(..., description="人员编号 / the person's id")
    applied_on: str = DateText("申领日期 / applied on", required=True, example="2026-11-20")
    basis: str = Text("申领条件 / basis: employment（稳定就业）| housing（稳定住所）| study（连续就读）", enum=Basis.values, required=True)
    proof: str = Text("证明材料说明 / the proof (a labour contract, a lease, an enrolment certificate ...)", services.PROOF_MAX, required=True)
    attachments: list[AttachmentIn] | None = Field(None, description=f"证明材料扫描件，最多 {MAX_ATTACHMENTS} 个 / scans of the proof, at most {MAX_ATTACHMENTS}")


class PermitDecisionIn(Schema):
    decided_on: str = DateText("决定日期 / decided on", required=True, example="2026-11-27")
    granted: bool = Field(..., description="true 签发 / grant; false 不予签发 / refuse")
    reason: str | None = Text("不予签发的理由（不予签发时必填） / the reason (required for a refusal)", services.REASON_MAX)


class EndorsementIn(Schema):
    endorsed_on: str = DateText("签注日期 / endorsed on", required=True, example="2026-11-20")


class RegistrationCompleteIn(Schema):
    completed_on: str = DateText("登记日期 / completed on", required=True, example="2026-11-27")


class PermitScanOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class EndorsementOut(Schema):
    endorsed_on: datetime.date
    anniversary_on: datetime.date = Field(description="所签的居住满年日 / the anniversary it endorses")
    late: bool = Field(description="逾期补办：居住年限自此重新计算 / late: the residence years count again from it")


class PermitOut(Schema):
    id: int
    person_id: int
    person_name: str
    city: str = Field(description="签发城市区划代码 / the city's division code")
    residence_division: str
    station: str = Field(description="受理派出所（乡镇、街道）区划代码 / the station's division code")
    basis: str
    proof: str
    applied_on: datetime.date
    decision_due_on: datetime.date = Field(description="应决定日期（第十三条：15日内） / decision due on")
    state: str = Field(description="pending | granted | refused | suspended | ended")
    decided_on: datetime.date | None
    reason: str | None = Field(description="不予签发的理由 / the refusal's reason")
    issued_on: datetime.date | None
    residence_years: int = Field(description="连续居住年限（自签发或逾期补签注之日起） / whole years of continuous residence on the permit")
    years_counted_from: datetime.date | None
    next_endorsement_window_opens_on: datetime.date | None
    next_endorsement_due_on: datetime.date | None = Field(description="签注期最后一天 / the last day of the endorsement window")
    suspended_on: datetime.date | None
    ended_on: datetime.date | None
    end_reason: str | None
    fee: int = Field(description="收费（元）：首次申领、签注免费 / fee in yuan (free)")
    items: dict = Field(description="证件记载事项 / the card's items, fixed at issue")
    rule_set: str
    rules_on: datetime.date
    attachments: list[PermitScanOut]
    endorsements: list[EndorsementOut]


class PermitExistsOut(Schema):
    person_id: int
    exists: bool = Field(description="持有有效或中止的居住证 / holds a granted or suspended residence permit")


class RegistrationOut(Schema):
    id: int
    person_id: int
    person_name: str
    division: str
    station: str
    arrived_on: datetime.date
    due_on: datetime.date | None = Field(description="应登记日期（到达后3个工作日内） / due on; null while the calendar cannot count it")
    state: str = Field(description="pending | completed")
    overdue: bool
    completed_on: datetime.date | None
    rule_set: str


class RegistrationPage(Schema):
    count: int
    results: list[RegistrationOut]


def permit_out(p: ResidencePermit, *, on: datetime.date) -> dict:
    return {
        "id": p.id, "person_id": p.person_id, "person_name": p.person.name, "city": p.city_id, "residence_division": p.division_id,
        "station": p.station_id, "basis": p.basis, "proof": p.proof, "applied_on": p.applied_on, "decision_due_on": p.decision_due_on,
        "state": services.state_on(p, on), "decided_on": p.decided_on, "reason": p.refusal_reason or None, "issued_on": p.issued_on,
        "residence_years": services.residence_years(p, on), "years_counted_from": p.years_from,
        "next_endorsement_window_opens_on": services.window_opens_on(p) if p.state in ("granted", "suspended") else None,
        "next_endorsement_due_on": p.next_endorsement_due_on if p.state in ("granted", "suspended") else None,
        "suspended_on": p.suspended_on, "ended_on": p.ended_on, "end_reason": p.end_reason or None, "fee": p.fee, "items": p.items or {},
        "rule_set": p.rule_set, "rules_on": p.rules_on,
        "attachments": [{"id": a.id, "name": a.name, "content_type": a.content_type, "size": a.size} for a in p.attachments.all()],
        "endorsements": [{"endorsed_on": e.endorsed_on, "anniversary_on": e.anniversary_on, "late": e.late} for e in p.endorsements.all()],
    }


def registration_out(r: ResidenceRegistration, *, on: datetime.date) -> dict:
    return {"id": r.id, "person_id": r.person_id, "person_name": r.person.name, "division": r.division_id, "station": r.station_code,
            "arrived_on": r.arrived_on, "due_on": r.due_on, "state": r.state, "overdue": r.state == "pending" and r.due_on is not None and r.due_on < on,
            "completed_on": r.completed_on, "rule_set": r.rule_set}


@router.post("/residence-permits", response={201: PermitOut, **ERRORS}, summary="申领居住证 / apply for a residence permit (RP1)")
def apply_residence_permit(request, payload: PermitApplicationIn):
    """422 with the reason when she is not eligible: under half a year of continuous residence in
    the city, no proof, she does not live in the city, her hukou is in the city, or she holds one."""
    data = payload.model_dump(exclude={"attachments"})
    permit = services.apply_permit(actor=request.auth, data=data, attachments=scans(payload.attachments), today=today(), now=now())
    return Status(201, permit_out(permit, on=today()))


@router.get("/residence-permits/{permit_id}", response={200: PermitOut, **ERRORS}, summary="居住证 / one residence permit (logged)")
def get_residence_permit(request, permit_id: int):
    return permit_out(queries.permit(actor=request.auth, permit_id=permit_id), on=today())


@router.post("/residence-permits/{permit_id}/decision", response={200: PermitOut, **ERRORS}, summary="签发或不予签发 / decide (RP2)")
def decide_residence_permit(request, permit_id: int, payload: PermitDecisionIn):
    permit = services.decide_permit(actor=request.auth, permit_id=permit_id, data=payload.model_dump(), today=today())
    return permit_out(permit, on=today())


@router.post("/residence-permits/{permit_id}/endorsements", response={201: PermitOut, **ERRORS},
             summary="签注 / endorse (RP3; late: restored, years restarted, RP4)")
def endorse_residence_permit(request, permit_id: int, payload: EndorsementIn):
    permit = services.endorse_permit(actor=request.auth, permit_id=permit_id, data=payload.model_dump(), today=today())
    return Status(201, permit_out(permit, on=today()))


@router.get("/persons/{person_id}/residence-permit", response={200: PermitExistsOut, **ERRORS},
            summary="是否持有居住证 / whether she holds a residence permit (logged)")
def residence_permit_exists(request, person_id: int):
    return {"person_id": person_id, "exists": queries.permit_exists(actor=request.auth, person_id=person_id)}


@router.get("/residence-registrations", response={200: RegistrationPage, **ERRORS}, summary="居住登记 / residence registrations (RR2)")
def list_residence_registrations(request, division: str | None = None, state: str = "pending", limit: int = 50, offset: int = 0):
    """state: pending | overdue | completed | all; division: a code in your subtree (default yours)."""
    qs, _, _, limit, offset = queries.registrations(actor=request.auth, data={"division": division, "state": state, "limit": limit, "offset": offset},
                                                    today=today())
    on = today()
    return {"count": qs.count(), "results": [registration_out(r, on=on) for r in qs[offset: offset + limit]]}


@router.post("/residence-registrations/{registration_id}/complete", response={200: RegistrationOut, **ERRORS},
             summary="办结居住登记 / complete a registration (RR2, the station)")
def complete_residence_registration(request, registration_id: int, payload: RegistrationCompleteIn):
    services.complete_registration(actor=request.auth, registration_id=registration_id, data=payload.model_dump(), today=today())
    return registration_out(queries.registration(actor=request.auth, registration_id=registration_id), on=today())
