"""Certificates API (C1-C6): issue, read, verify, enter, renew, reissue, revoke, list, due lists.

Every check is done once in certificates.services / queries, so the API and the pages give the
same bilingual field errors (422), 403 when the role may not act (police and the query desk never
see certificates), 404 for "absent or not yours".
"""
import datetime

from django.urls import reverse
from ninja import Field, Router, Schema, Status

from django.http import HttpResponse

from liudong.api_schemas import ERRORS, Blank, DateText, QueryDate, Text, file_response
from liudong.content_types import PDF_TYPE
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)

from . import documents, queries, services, services_door
from .models import Certificate

router = Router(tags=["certificates"])


class CertificateIn(Schema):
    person_id: int = Field(..., description="人员编号 / the woman's person id")
    issued_on: str = DateText("发证日期 / issue date (decides the rule set, P1)", required=True, example="2020-02-29")
    applicant: str | None = Text("self | family (C2)", enum=["self", "family"])
    applicant_name: str | None = Text("代办人姓名（家属代办） / the family member's name (C2)", 50)
    relationship: str | None = Text("代办人与本人关系 / the family member's relationship (C2)", 20)
    verification: str | None = Text("婚育情况如何核实（家属代办必填） / how her status was verified (C2, required for a family member)", 200)
    contraception: str | None = Text("避孕节育情况 / contraception (条例 第七条)", 200)


class EntryOut(Schema):
    entered_on: datetime.date
    by: str = Field(description="盖章单位 / the unit that entered and stamped it (C5)")
    by_code: str
    kind: str = Field(description="service | check | marriage | birth | contraception | sterilisation | change | other")
    text: str


class VerificationOut(Schema):
    id: int
    certificate_id: int
    verified_on: datetime.date
    result: str = Field(description="ok | changed")
    notes: str
    by: str
    by_code: str


class CertificateOut(Schema):
    id: int
    number: str
    person_id: int
    name: str
    township: str
    issued_on: datetime.date
    valid_until: datetime.date | None = Field(description="有效期至；长期有效时为 null / null while long-term (C4)")
    state: str = Field(description="valid | expired | long_term | revoked | replaced | surrendered")
    rule_set: str
    electronic: bool
    applicant: str
    next_verification_due_on: datetime.date | None = Field(description="下次查验应在此日前 / next verification due (C6)")
    verify_url: str = Field(description="公开核验页面的路径 / the public verification page's path")
    renewed_from_id: int | None
    renewed_with_id_card: bool
    reissued_from_id: int | None
    ended_on: datetime.date | None
    end_reason: str
    entries: list[EntryOut]
    verifications: list[VerificationOut]


class CertificatePage(Schema):
    count: int
    results: list[CertificateOut]


class VerificationIn(Schema):
    verified_on: str = DateText("查验日期 / verification date", required=True, example="2020-06-01")
    result: str = Text("ok | changed", required=True, enum=["ok", "changed"])
    notes: str | None = Text("说明（有变化时必填） / notes (required when changed)", 500)


class EntryIn(Schema):
    entered_on: str = DateText("记载日期 / date of the entry", required=True, example="2020-06-01")
    kind: str = Text("service | check | marriage | birth | contraception | sterilisation | change | other", required=True,
                     enum=["service", "check", "marriage", "birth", "contraception", "sterilisation", "change", "other"])
    text: str = Text("内容 / what happened", 500, required=True)


class RenewIn(Schema):
    issued_on: str = DateText("新证发证日期 / issue date of the new certificate", required=True, example="2020-06-01")
    id_number: str = Field(..., description="所查验的本人居民身份证号码（C3：凭原证和本人居民身份证换发） / the number on her resident ID card, checked (C3)",
                           examples=["511921199003150026"])
    valid_until: str | None = DateText("不可缩短；如填写须与规定一致 / cannot be shortened; if given it must be the rules' term (C3)")


class ReissueIn(Schema):
    issued_on: str | None = DateText("补办日期（默认今天） / reissue date (default today)")
    reason: str | None = Text("遗失或损坏 / lost or damaged", 200)
    valid_until: str | None = DateText("不可缩短；如填写须与原证一致 / cannot be shortened; if given it must be the old term (C3)")


class RevokeIn(Schema):
    reason: str = Text("撤销原因 / why (issued in error, replaced)", 200, required=True)
    revoked_on: str | None = DateText("撤销日期（默认今天） / revocation date (default today)")


class DueCertificateOut(Schema):
    id: int
    number: str
    state: str
    valid_until: datetime.date | None
    next_verification_due_on: datetime.date | None


class DueWomanOut(Schema):
    person_id: int
    name: str
    birth_date: datetime.date
    residence: str | None
    arrived_on: datetime.date | None
    certificate: DueCertificateOut | None


class DuePage(Schema):
    count: int
    division: str
    kind: str
    on: datetime.date
    required: bool = Field(description="当日是否要求婚育证明（P1） / whether the certificate duty is in force that day")
    note: str
    results: list[DueWomanOut]


def verify_url(cert: Certificate) -> str:
    return reverse("certificate_public", args=[cert.token])


def certificate_out(cert: Certificate, on: datetime.date) -> dict:
    return {
        "id": cert.pk, "number": cert.number, "person_id": cert.person_id, "name": cert.name, "township": cert.township_id,
        "issued_on": cert.issued_on, "valid_until": cert.valid_until_on(on), "state": cert.state_on(on), "rule_set": cert.rule_set,
        "electronic": cert.electronic, "applicant": cert.applicant,
        "next_verification_due_on": services.next_verification_due_on(cert, on), "verify_url": verify_url(cert),
        "renewed_from_id": cert.renewed_from_id, "renewed_with_id_card": cert.renewed_with_id_card, "reissued_from_id": cert.reissued_from_id, "ended_on": cert.ended_on, "end_reason": cert.end_reason,
        "entries": [{"entered_on": e.entered_on, "by": e.division.name, "by_code": e.division_id, "kind": e.kind, "text": e.text} for e in queries.entries_of(cert)],
        "verifications": [verification_out(v) for v in queries.verifications_of(cert)],
    }


def verification_out(v) -> dict:
    return {"id": v.pk, "certificate_id": v.certificate_id, "verified_on": v.verified_on, "result": v.result, "notes": v.notes,
            "by": v.division.name, "by_code": v.division_id}


def _one(request, pk) -> dict:
    return certificate_out(queries.get_certificate(actor=request.auth, certificate_id=pk, log=False), today())


@router.post("/certificates", response={201: CertificateOut, **ERRORS}, summary="发放婚育证明 / issue a certificate (C1, C2)")
def create_certificate(request, payload: CertificateIn):
    cert = services.issue_certificate(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, _one(request, cert.pk))


@router.get("/certificates", response={200: CertificatePage, **ERRORS}, summary="婚育证明列表 / certificates of a division")
def list_certificates(request, division: Blank(str) = None, state: Blank(str) = None, on: QueryDate = None, limit: int = 50, offset: int = 0):
    day = on or today()
    qs = queries.certificates(actor=request.auth, division=division, state=state, on=day)
    limit, offset = max(0, min(limit, queries.LIST_MAX)), max(0, min(offset, queries.OFFSET_MAX))
    count = qs.count()
    rows = list(qs[offset:offset + limit])
    queries.log_list(actor=request.auth, rows=rows, criteria={"division": division or "", "state": state or "", "on": str(day)})
    return {"count": count, "results": [certificate_out(c, day) for c in rows]}


@router.get("/certificates/due", response={200: DuePage, **ERRORS}, summary="未持证、证明过期、查验逾期的流入育龄妇女 / women due (C6)")
def due_certificates(request, kind: Blank(str) = None, division: Blank(str) = None, on: QueryDate = None, limit: int = 50, offset: int = 0):
    day = on or today()
    d = queries.due(actor=request.auth, division=division, kind=kind, on=day)
    limit, offset = max(0, min(limit, queries.LIST_MAX)), max(0, min(offset, queries.OFFSET_MAX))
    count = d.rows.count()
    periods = list(d.rows[offset:offset + limit])
    certs = queries.current_certificates([r.person_id for r in periods], day)
    queries.log_list(actor=request.auth, rows=periods, what="certificate.due_list", criteria={"division": d.division.code, "kind": kind, "on": str(day)})
    results = []
    for r in periods:
        w, c = r.person, certs.get(r.person_id)
        results.append({
            "person_id": w.pk, "name": w.name, "birth_date": w.birth_date, "residence": r.division_id, "arrived_on": r.arrived_on,
            "certificate": {"id": c.pk, "number": c.number, "state": c.state_on(day), "valid_until": c.valid_until_on(day),
                            "next_verification_due_on": services.next_verification_due_on(c, day)} if c else None,
        })
    return {"count": count, "division": d.division.code, "kind": kind, "on": day, "required": d.required, "note": d.note, "results": results}


@router.get("/certificates/{certificate_id}", response={200: CertificateOut, **ERRORS}, summary="婚育证明 / one certificate with entries and verifications")
def get_certificate(request, certificate_id: int, on: QueryDate = None):
    cert = queries.get_certificate(actor=request.auth, certificate_id=certificate_id)
    return certificate_out(cert, on or today())


@router.post("/certificates/{certificate_id}/verifications", response={201: VerificationOut, **ERRORS}, summary="查验婚育证明 / verify (C6)")
def add_certificate_verification(request, certificate_id: int, payload: VerificationIn):
    v = services.verify_certificate(actor=request.auth, certificate_id=certificate_id, data=payload.model_dump(), now=now())
    return Status(201, verification_out(v))


@router.post("/certificates/{certificate_id}/entries", response={201: CertificateOut, **ERRORS}, summary="记载 / make an entry (C5)")
def add_certificate_entry(request, certificate_id: int, payload: EntryIn):
    entry = services.add_entry(actor=request.auth, certificate_id=certificate_id, data=payload.model_dump(), now=now())
    return Status(201, _one(request, entry.certificate_id))


@router.post("/certificates/{certificate_id}/renew", response={201: CertificateOut, **ERRORS}, summary="到期换发 / renew at expiry (C3)")
def renew_certificate(request, certificate_id: int, payload: RenewIn):
    cert = services.renew_certificate(actor=request.auth, certificate_id=certificate_id, data=payload.model_dump(), now=now())
    return Status(201, _one(request, cert.pk))


@router.post("/certificates/{certificate_id}/reissue", response={201: CertificateOut, **ERRORS}, summary="遗失补办 / reissue a lost or damaged one")
def reissue_certificate(request, certificate_id: int, payload: ReissueIn):
    cert = services.reissue_certificate(actor=request.auth, certificate_id=certificate_id, data=payload.model_dump(), now=now())
    return Status(201, _one(request, cert.pk))


@router.post("/certificates/{certificate_id}/revoke", response={200: CertificateOut, **ERRORS}, summary="撤销 / revoke (issued in error or replaced)")
def revoke_certificate(request, certificate_id: int, payload: RevokeIn):
    cert = services.revoke_certificate(actor=request.auth, certificate_id=certificate_id, data=payload.model_dump(), now=now())
    return _one(request, cert.pk)


@router.get("/certificates/{certificate_id}/certificate.pdf", response=ERRORS, summary="打印婚育证明 / the certificate as a booklet PDF with its QR code",
            openapi_extra=file_response("婚育证明 PDF / the certificate", PDF_TYPE))
def certificate_pdf(request, certificate_id: int):
    data, disposition = documents.certificate_pdf(actor=request.auth, certificate_id=certificate_id, printed_on=today())
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = disposition
    return response


# ---------------------------------------------------------------- 上门: door-to-door applications (C1, C2, part 8 四)

class DoorApplicationIn(Schema):
    person_id: int = Field(..., description="人员编号 / the woman's person id")
    taken_on: str = DateText("上门受理日期 / the day the village took it", required=True, example="2020-06-01")
    place: str = Text("上门地点 / where it was taken (address)", 200, required=True)
    applicant: str | None = Text("self | family (C2)", enum=["self", "family"])
    applicant_name: str | None = Text("代办人姓名（家属代办） / the family member's name (C2)", 50)
    relationship: str | None = Text("代办人与本人关系 / the family member's relationship (C2)", 20)
    verification: str | None = Text("婚育情况如何核实（家属代办必填） / how her status was verified (C2, required for a family member)", 200)
    contraception: str | None = Text("避孕节育情况 / contraception (条例 第七条)", 200)
    notes: str | None = Text("备注 / notes", 500)


class DoorApplicationOut(Schema):
    id: int
    number: str
    person_id: int
    name: str
    village: str = Field(description="代收村（居） / the village that took it")
    township: str = Field(description="发证乡镇 / the township that decides")
    taken_on: datetime.date
    place: str
    taken_by: str | None = Field(description="受理人账号 / the account that took it")
    applicant: str
    applicant_name: str
    relationship: str
    verification: str
    state: str = Field(description="pending | issued | refused")
    decided_on: datetime.date | None
    refusal_reason: str
    certificate_id: int | None


class DoorApplicationPage(Schema):
    count: int
    results: list[DoorApplicationOut]


class DoorIssueIn(Schema):
    issued_on: str = DateText("发证日期 / issue date (not before the application)", required=True, example="2020-06-03")
    contraception: str | None = Text("避孕节育情况（空则取村里记录） / contraception (else the village's)", 200)


class DoorRefuseIn(Schema):
    reason: str = Text("不予办理理由 / why", 200, required=True)
    refused_on: str | None = DateText("办理日期（默认今天） / date (default today)")


def application_out(a) -> dict:
    return {"id": a.pk, "number": a.number, "person_id": a.person_id, "name": a.person.name, "village": a.village_id, "township": a.township_id,
            "taken_on": a.taken_on, "place": a.place, "taken_by": a.taken_by.username if a.taken_by_id else None, "applicant": a.applicant,
            "applicant_name": a.applicant_name, "relationship": a.relationship, "verification": a.status_verification, "state": a.state,
            "decided_on": a.decided_on, "refusal_reason": a.refusal_reason, "certificate_id": a.certificate_id}


def _application(request, pk, log=False) -> dict:
    return application_out(queries.get_application(actor=request.auth, application_id=pk, log=log))


@router.post("/certificate-applications", response={201: DoorApplicationOut, **ERRORS}, summary="上门代收婚育证明申请 / a village takes an application door to door (C1, C2)")
def create_door_application(request, payload: DoorApplicationIn):
    app = services_door.take_application(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, _application(request, app.pk))


@router.get("/certificate-applications", response={200: DoorApplicationPage, **ERRORS}, summary="上门代收的申请 / door-to-door applications of your area (the township's queue)")
def list_door_applications(request, state: Blank(str) = None, limit: int = 50, offset: int = 0):
    qs = queries.applications(actor=request.auth, state=state)
    limit, offset = max(0, min(limit, queries.LIST_MAX)), max(0, min(offset, queries.OFFSET_MAX))
    rows = list(qs[offset:offset + limit])
    queries.log_list(actor=request.auth, rows=rows, what="certificate.door_application_list", criteria={"state": state or ""})
    return {"count": qs.count(), "results": [application_out(a) for a in rows]}


@router.get("/certificate-applications/{application_id}", response={200: DoorApplicationOut, **ERRORS}, summary="上门代收的申请 / one application")
def get_door_application(request, application_id: int):
    return _application(request, application_id, log=True)


@router.post("/certificate-applications/{application_id}/issue", response={201: CertificateOut, **ERRORS}, summary="据上门申请发证 / the township issues against it")
def issue_door_application(request, application_id: int, payload: DoorIssueIn):
    cert = services_door.issue_from_application(actor=request.auth, application_id=application_id, data=payload.model_dump(), now=now())
    return Status(201, _one(request, cert.pk))


@router.post("/certificate-applications/{application_id}/refuse", response={200: DoorApplicationOut, **ERRORS}, summary="不予办理 / the township refuses it, with the reason")
def refuse_door_application(request, application_id: int, payload: DoorRefuseIn):
    app = services_door.refuse_application(actor=request.auth, application_id=application_id, data=payload.model_dump(), now=now())
    return _application(request, app.pk)


# ---------------------------------------------------------------- 3-八-1: the status proof

class StatusProofIn(Schema):
    person_id: int = Field(..., description="人员编号 / the woman's person id")
    issued_on: str = DateText("出具日期 / date of the proof", required=True, example="2020-06-01")
    requested_by: str | None = Text("self | residence (3-八-1)", enum=["self", "residence"])
    contraception: str | None = Text("避孕节育情况 / contraception", 200)


class StatusProofOut(Schema):
    id: int
    number: str
    person_id: int
    issued_on: datetime.date
    requested_by: str
    receiver: str | None = Field(description="送达的现居住地乡镇 / the residence township it was sent to")
    message_id: int | None = Field(description="通报函件 / the exchange message that carried it")
    marital_status: str
    spouse_name: str
    childbearing: str
    contraception: str
    pdf_url: str


@router.post("/status-proofs", response={201: StatusProofOut, **ERRORS}, summary="出具婚育情况证明 / issue a status proof (3-八-1)")
def create_status_proof(request, payload: StatusProofIn):
    p = services.issue_status_proof(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, {"id": p.pk, "number": p.number, "person_id": p.person_id, "issued_on": p.issued_on, "requested_by": p.requested_by,
                        "receiver": p.receiver_id, "message_id": p.message_id, "marital_status": p.marital_status, "spouse_name": p.spouse_name,
                        "childbearing": p.childbearing, "contraception": p.contraception,
                        "pdf_url": f"/api/v1/status-proofs/{p.pk}/proof.pdf"})


@router.get("/status-proofs/{proof_id}/proof.pdf", response=ERRORS, summary="婚育情况证明 PDF / the status proof",
            openapi_extra=file_response("婚育情况证明 PDF / the status proof", PDF_TYPE))
def status_proof_pdf(request, proof_id: int):
    data, disposition = documents.status_proof_pdf(actor=request.auth, proof_id=proof_id)
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = disposition
    return response


# ---------------------------------------------------------------- R3: the register and the cards

def _division_of(request, division):
    from liudong.divisions.queries import parse_division
    from liudong.errors import Invalid

    if not division:
        return request.auth.division
    errors: dict = {}
    d = parse_division({"division": division}, "division", errors, actor=request.auth)
    if errors:
        raise Invalid(errors)
    return d


def _pdf(data: bytes, name: str, ascii_name: str) -> HttpResponse:
    from liudong.content_types import content_disposition

    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = content_disposition(name, ascii_name, inline=True)
    return response


@router.get("/certificates-register.pdf", response=ERRORS, summary="婚育证明登记表 / the certificate register of a township and year (R3)",
            openapi_extra=file_response("婚育证明登记表 PDF / the certificate register", PDF_TYPE))
def certificate_register_pdf(request, division: Blank(str) = None, year: int | None = None):
    from liudong.accounts.choices import Action
    from liudong.accounts.permissions import require

    from . import cards

    require(request.auth, Action.VIEW_CERTIFICATES)
    if year is not None and not 2009 <= year <= 2100:
        from liudong.errors import Invalid

        raise Invalid({"year": ["年份应为 2009 至 2100 / the year must be 2009 to 2100"]})
    d = _division_of(request, division)
    day = today()
    table = cards.certificate_register(actor=request.auth, division=d, year=year or day.year, on=day)
    data = documents.table_pdf(actor=request.auth, table=table, action="certificate.register_print", object_id=f"{d.code}:{year or day.year}")
    return _pdf(data, f"婚育证明登记表_{d.name}_{year or day.year}.pdf", f"certificate-register-{d.code}.pdf")


@router.get("/certificate-cards/{kind}.pdf", response=ERRORS, summary="信息采集卡、18-49岁流动人口管理卡、育龄妇女管理卡 / the cards (R3)",
            openapi_extra=file_response("卡片 PDF / the card", PDF_TYPE))
def certificate_card_pdf(request, kind: str, division: Blank(str) = None, on: QueryDate = None):
    from liudong.accounts.choices import Action
    from liudong.accounts.permissions import require
    from liudong.errors import Invalid

    from . import cards

    require(request.auth, Action.VIEW_CERTIFICATES)
    if kind not in cards.CARD_TITLES:
        raise Invalid({"kind": [f"应为 {'、'.join(cards.CARD_TITLES)} 之一 / must be one of {', '.join(cards.CARD_TITLES)}"]})
    d = _division_of(request, division)
    day = on or today()
    table = cards.card(actor=request.auth, kind=kind, division=d, on=day)
    data = documents.table_pdf(actor=request.auth, table=table, action="certificate.card_print", object_id=f"{kind}:{d.code}:{day}")
    return _pdf(data, f"{cards.CARD_TITLES[kind]}_{d.name}_{day}.pdf", f"card-{kind}-{d.code}.pdf")
