"""Arrival claims (hole 1) and family links to confirm (hole 3) through the API. The receiver
answers on the claim's message: `POST /messages/{id}/accept` and `/dispute` (exchange.api)."""
import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from liudong.api_schemas import ERRORS, Blank, DateText, Text
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)
from liudong.people.choices import DocumentType, IntendedStay, MoveReason, Relation

from . import claim_queries, claims
from .models import ArrivalClaim, ClaimState, FamilyProposal

router = Router(tags=["exchange"])


class ArrivalClaimIn(Schema):
    document_type: str | None = Text("证件类型，默认 resident_id / document type (default resident_id)", enum=DocumentType.values)
    document_number: str = Text("她出示的证件号码（身份证号） / the number of the document she shows (her resident ID number)", 40, required=True,
                                example="511921199903150126")
    division: str = Text("到达的区划代码（您的辖区内，县级或以下） / where she lives now, in your area (county or below)", 12, required=True, example="440305001001")
    address: str | None = Text("居住地址 / address", 200)
    arrived_on: str = DateText("到达日期 / date of arrival", required=True)
    reason: str | None = Text("流动原因 / reason", enum=MoveReason.values)
    intended_stay: str | None = Text("拟居住时间 / intended stay", enum=IntendedStay.values)
    housing_id: StrictInt | None = Field(None, description="出租房屋编号 / rental home id")
    employer_id: StrictInt | None = Field(None, description="用工单位编号 / employer id")
    expects_return: bool | None = Field(None, description="短期居住预期返回户籍地 (J2) / a short stay with a return expected")


class ClaimPersonOut(Schema):
    name: str
    sex: str
    birth_date: datetime.date
    document_type: str
    document_number: str


class ArrivalClaimOut(Schema):
    id: int
    state: str = Field(description=" | ".join(ClaimState.values))
    person: ClaimPersonOut = Field(description="身份信息（申报方只见这些） / her identity fields (all a claimant sees)")
    person_id: int | None = Field(None, description="登记或确认后才返回 / once recorded or accepted")
    claimant: str
    claimant_name: str
    division: str
    division_name: str
    address: str
    arrived_on: datetime.date
    housing_id: int | None
    employer_id: int | None
    reason: str | None
    intended_stay: str | None
    receiver: str | None = Field(None, description="确认方（其居住地或户籍地的乡镇） / the township that answers")
    receiver_name: str | None = None
    message_id: int | None
    answer_due_on: datetime.date | None = Field(None, description="期满未答复即视为确认 / accepted by silence after this day")
    answer: str = Field(description="异议理由，或未生效的原因 / the dispute's reason, or why it did not apply")
    residence_id: int | None
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class ArrivalClaimPage(Schema):
    count: int
    results: list[ArrivalClaimOut]


class ClaimQuery(Schema):
    state: Blank(str) = Field(None, description=" | ".join(ClaimState.values) + "；pending 为待确认的到达 / pending: arrivals waiting for her place")
    limit: int = Field(20, ge=1, le=claim_queries.MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def claim_out(c: ArrivalClaim) -> dict:
    p, m = c.person, c.message
    return {
        "id": c.id, "state": c.state, "person_id": claim_queries.person_id_shown(c),
        "person": {"name": p.name, "sex": p.sex, "birth_date": p.birth_date, "document_type": p.document_type, "document_number": p.document_number},
        "claimant": c.claimant_id, "claimant_name": c.claimant.name, "division": c.division_id, "division_name": c.division.name, "address": c.address,
        "arrived_on": c.arrived_on, "housing_id": c.housing_id, "employer_id": c.employer_id, "reason": c.reason or None, "intended_stay": c.intended_stay or None,
        "receiver": m.receiver_id if m else None, "receiver_name": m.receiver.name if m else None, "message_id": m.pk if m else None,
        "answer_due_on": m.reply_due_on if m and c.state == ClaimState.PENDING else None, "answer": c.answer, "residence_id": c.residence_id,
        "created_at": c.created_at, "decided_at": c.decided_at,
    }


@router.post("/arrival-claims", response={201: ArrivalClaimOut, **ERRORS}, summary="到达申报 / claim a person who arrived")
def submit_claim(request, payload: ArrivalClaimIn):
    """Hole 1: she arrived in your area and shows her document. If she lives (or is recorded) in
    your area, or in your own township, the arrival is recorded at once (`state: recorded`).
    Otherwise the claim waits for her place (`pending`): her residence there is not closed; that
    place accepts or disputes it, and without an answer it is accepted after
    `people.arrival_claim_days` working days. The look-up by document is logged."""
    actor = request.auth
    claim = claims.submit_arrival_claim(actor=actor, data=payload.model_dump(exclude_none=True), today=today(), now=now())
    return Status(201, claim_out(claim_queries.get_claim(actor=actor, claim_id=claim.pk)))


@router.get("/arrival-claims", response={200: ArrivalClaimPage, **ERRORS}, summary="到达申报列表 / arrival claims of your area")
def list_claims(request, q: Query[ClaimQuery]):
    """Newest first; `?state=pending` lists the arrivals waiting for her place. Logged."""
    count, rows = claim_queries.claims_page(actor=request.auth, state=q.state, limit=q.limit, offset=q.offset)
    return {"count": count, "results": [claim_out(c) for c in rows]}


@router.get("/arrival-claims/{claim_id}", response={200: ArrivalClaimOut, **ERRORS}, summary="一件到达申报 / one arrival claim")
def get_claim(request, claim_id: int):
    return claim_out(claim_queries.get_claim(actor=request.auth, claim_id=claim_id))


class FamilyProposalIn(Schema):
    person_id: StrictInt = Field(description="您辖区内的人员编号 / the person in your area")
    relative_document_type: str | None = Text("亲属的证件类型，默认 resident_id / the relative's document type", enum=DocumentType.values)
    relative_document_number: str = Text("亲属的证件号码 / the relative's document number", 40, required=True)
    relation: str = Text("亲属是本人的 / what the relative is to the person", enum=Relation.values, required=True)


class FamilyProposalOut(Schema):
    id: int
    state: str = Field(description=" | ".join(ClaimState.values))
    person_id: int | None = Field(None, description="提出方的人员编号：提出方可见，写入后双方可见 / the proposer's person: shown to the proposer, and to both once written")
    relative_id: int | None = Field(None, description="亲属的人员编号：其所在地可见，写入后双方可见 / the relative: shown to her place, and to both once written")
    relation: str
    proposer: str
    proposer_name: str
    receiver: str | None = None
    receiver_name: str | None = None
    message_id: int | None
    answer_due_on: datetime.date | None = Field(None, description="待答复时：答复期限 / while pending: the answer is due by this day")
    answer: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class FamilyProposalPage(Schema):
    count: int
    results: list[FamilyProposalOut]


class ProposalQuery(Schema):
    box: Blank(Literal["received", "sent"]) = Field(None, description="received 寄给您辖区的（待您答复） | sent 您辖区提出的；省略为两者 / "
                                                                       "received: addressed to your area (yours to answer); sent: proposed by your area; omitted: both")
    state: Blank(Literal[tuple(ClaimState.values)]) = Field(None, description=" | ".join(ClaimState.values))
    limit: int = Field(20, ge=1, le=claim_queries.MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000_000)


def proposal_out(p: FamilyProposal, actor=None) -> dict:
    """The proposer's person id is shown to the proposer, the relative's id to her place (and to
    the proposer once the link is written): each side sees the ids of its own people."""
    m = p.message
    received = actor is not None and claim_queries.received(actor=actor, proposal=p)
    sent = actor is None or actor.in_scope(p.proposer_id)
    return {"id": p.id, "state": p.state, "person_id": p.person_id if sent or p.state in claim_queries.SETTLED_HERE else None,
            "relative_id": p.relative_id if received or p.state in claim_queries.SETTLED_HERE else None,
            "relation": p.relation, "proposer": p.proposer_id, "proposer_name": p.proposer.name,
            "receiver": m.receiver_id if m else None, "receiver_name": m.receiver.name if m else None, "message_id": m.pk if m else None,
            "answer_due_on": m.reply_due_on if m and p.state == ClaimState.PENDING else None,
            "answer": p.answer, "created_at": p.created_at, "decided_at": p.decided_at}


@router.post("/family-proposals", response={201: FamilyProposalOut, **ERRORS}, summary="亲属关系（含他处登记的亲属） / a family link, also to a relative recorded elsewhere")
def propose_family(request, payload: FamilyProposalIn):
    """Hole 3: the relative found by her document. In your scope (or your own township): the link
    is written both ways at once (`state: recorded`). Otherwise it is proposed to the township of
    her residence (or hukou place) and written when that place accepts (`pending`)."""
    actor = request.auth
    proposal = claims.propose_family_link(actor=actor, person_id=payload.person_id, data=payload.model_dump(exclude_none=True, exclude={"person_id"}), now=now())
    return Status(201, proposal_out(claim_queries.get_proposal(actor=actor, proposal_id=proposal.pk), actor))


@router.get("/family-proposals", response={200: FamilyProposalPage, **ERRORS}, summary="亲属关系确认列表 / family link proposals of your area")
def list_proposals(request, q: Query[ProposalQuery]):
    """Hole 3: the proposals your area sent and those addressed to it (answer them with `POST
    /messages/{message_id}/accept` or `/dispute`), newest first; for roles that see family links.
    Logged with the persons named."""
    actor = request.auth
    count, rows = claim_queries.proposals_page(actor=actor, box=q.box, state=q.state, limit=q.limit, offset=q.offset)
    return {"count": count, "results": [proposal_out(p, actor) for p in rows]}


@router.get("/family-proposals/{proposal_id}", response={200: FamilyProposalOut, **ERRORS}, summary="一件亲属关系确认 / one family link proposal")
def get_proposal(request, proposal_id: int):
    """One proposal, for the area that sent it or the place it is addressed to."""
    actor = request.auth
    return proposal_out(claim_queries.get_proposal(actor=actor, proposal_id=proposal_id), actor)
