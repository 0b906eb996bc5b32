"""People API: persons, residence history, moves, returns and families (issue 2, part 9).

Request bodies carry JSON types only; every domain check (ID check digit, dates, divisions,
overlapping residences) is done once, in people.services, so the API, the forms and the imports
give the same bilingual field-level errors (invariant 7). Reads go through people.queries, which
scopes them to the caller (invariant 2) and logs the opening of a record (invariant 3).
"""
import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from liudong.clock import today  # the edge's one reading of the calendar (invariant 4)
from liudong.api_schemas import ERRORS, Blank, DateText, MergedDetailOut, QueryDate, QueryInt, Text

from . import queries, services, services_visits
from .choices import IntendedStay, MoveReason, VisitResult
from .models import Person, Residence
from .queries_follow_up import visits_of

router = Router(tags=["people"])


# ---------------------------------------------------------------- persons

class PersonIn(Schema):
    id_number: str | None = Text("居民身份证号（GB 11643，18位） / resident ID number", 18, example="511921199903150126")
    document_type: str | None = Text("证件类型，默认 resident_id / document type", enum=["resident_id", "passport", "hk_macao", "taiwan", "other"])
    document_number: str | None = Text("非身份证时的证件号码 / number of another document", 40)
    name: str = Text("姓名 / name", 50, required=True, example="李娜")
    sex: str | None = Text("性别；有身份证号时可省略 / sex, derived from the ID number when omitted", enum=["M", "F"])
    birth_date: str | None = DateText("出生日期；有身份证号时可省略 / birth date, derived from the ID number when omitted", example="1999-03-15")
    ethnicity: str | None = Text("民族代码 GB 3304，默认 01 / ethnicity code", 2, example="01")
    education: str | None = Text("文化程度 GB/T 4658 / education code", 2)
    marital_status: str | None = Text("婚姻状况 GB/T 2261.2 / marital status code", 2)
    phone: str | None = Text("联系电话 / phone", 20)
    hukou_division: str = Text("户籍地区划代码（12位） / hukou division code (12 digits)", 12, required=True, example="511921100001")
    hukou_address: str | None = Text("户籍地址 / hukou address", 200)


class PersonPatch(Schema):
    name: str | None = Text("姓名 / name", 50)
    ethnicity: str | None = Text("民族代码 / ethnicity code", 2)
    education: str | None = Text("文化程度 / education code", 2)
    marital_status: str | None = Text("婚姻状况 / marital status code", 2)
    phone: str | None = Text("联系电话 / phone", 20)
    hukou_address: str | None = Text("户籍地址 / hukou address", 200)


class ResidenceOut(Schema):
    id: int
    division: str
    division_name: str
    address: str
    arrived_on: datetime.date
    kind: str = Field(description="arrival | move | return")
    reason: str | None
    intended_stay: str | None
    expects_return: bool = Field(description="J2: a short stay with a return expected (recorded, not floating)")
    left_on: datetime.date | None
    end_kind: str | None = Field(description="departure | move, or null while she still lives there")
    housing_id: int | None
    employer_id: int | None
    floating: bool


class FamilyOut(Schema):
    relation: str
    person_id: int
    name: str
    parent_unable_to_care: bool = Field(False, description="R5: 父母一方无监护能力 / on a parent-child link, the parent cannot care for the child")


class VisitOut(Schema):
    id: int
    person_id: int
    residence_id: int
    visited_on: datetime.date
    result: str = Field(description="checked | corrected")
    note: str


class PersonOut(Schema):
    id: int
    id_number: str | None
    document_type: str
    document_number: str
    name: str
    name_pinyin: str
    sex: str
    birth_date: datetime.date
    ethnicity: str
    education: str | None
    marital_status: str | None
    hukou_division: str
    hukou_address: str
    residence_division: str | None
    floating: bool
    phone: str | None = Field(None, description="只对可见敏感字段的角色返回 / present only for roles that see sensitive fields")


class PersonDetailOut(PersonOut):
    residences: list[ResidenceOut]
    visits: list[VisitOut] = Field(description="R2: 清理查验 / clean-up checks, latest first")
    family: list[FamilyOut] | None = Field(None, description="只对可见敏感字段的角色返回 / present only for roles that see sensitive fields")


class PersonPage(Schema):
    count: int
    results: list[PersonOut]


class ArrivalClaimHint(Schema):
    href: str = Field(description="到达申报的地址 / where to submit the arrival claim")
    document_type: str
    document_number: str


class PersonDuplicateOut(Schema):
    detail: str
    id: int | None = Field(None, description="已登记人员的编号，只在其属于您的辖区时返回 / the registered person's id, only when she is in your scope")
    registered_by: str | None = Field(None, description="登记单位区划代码，只在该单位属于您的辖区时返回 / the division that registered her, only when it is in your area")
    registered_by_name: str | None = None
    claim: ArrivalClaimHint | None = Field(None, description="她在他处登记时：提交到达申报 / registered elsewhere: submit an arrival claim")


def residence_out(r: Residence) -> dict:
    return {
        "id": r.id, "division": r.division_id, "division_name": r.division.name, "address": r.address,
        "arrived_on": r.arrived_on, "kind": r.start_kind, "reason": r.reason or None, "intended_stay": r.intended_stay or None,
        "expects_return": r.expects_return, "left_on": r.left_on, "end_kind": r.end_kind or None, "housing_id": r.housing_id, "employer_id": r.employer_id, "floating": r.floating,
    }


def visit_out(v) -> dict:
    return {"id": v.id, "person_id": v.person_id, "residence_id": v.residence_id, "visited_on": v.visited_on, "result": v.result, "note": v.note}


def person_out(p: Person, *, sensitive: bool, residences=None, family=None) -> dict:
    """Sensitive fields are left out entirely (not null) for roles that may not see them."""
    out = {
        "id": p.id, "id_number": p.id_number, "document_type": p.document_type, "document_number": p.document_number,
        "name": p.name, "name_pinyin": p.name_key, "sex": p.sex, "birth_date": p.birth_date,
        "ethnicity": p.ethnicity, "education": p.education or None, "marital_status": p.marital_status or None,
        "hukou_division": p.hukou_division_id, "hukou_address": p.hukou_address,
        "residence_division": p.residence_division_id, "floating": p.floating,
    }
    if sensitive:
        out["phone"] = p.phone or None
    if residences is not None:
        out["residences"] = [residence_out(r) for r in residences]
        out["visits"] = [visit_out(v) for v in visits_of(p)]
    if sensitive and family is not None:
        out["family"] = [{"relation": f.relation, "person_id": f.relative_id, "name": f.relative.name, "parent_unable_to_care": f.parent_unable_to_care} for f in family]
    return out


@router.post("/persons", response={201: PersonOut, 409: PersonDuplicateOut, **ERRORS}, exclude_unset=True)
def create_person(request, payload: PersonIn):
    """R1, R8: register a person. A document registered already gives 409: with her id and who
    registered her when she is in your scope; otherwise only that she is registered elsewhere,
    and the arrival claim to submit (hole 1). Both are logged."""
    actor = request.auth
    person, created = services.register_person(actor=actor, data=payload.model_dump(exclude_none=True), today=today())
    if created:
        return Status(201, person_out(person, sensitive=queries.sees_sensitive(actor=actor)))
    if queries.is_reachable(actor=actor, person=person):
        # Who registered her is named only when that division is in your area (issue 9 item 2).
        by = queries.registered_by_name(actor=actor, person=person)
        out = {"detail": f"该证件号已由{by}登记 / this document is registered already (by {by})" if by else "该证件号已登记 / this document is registered already",
               "id": person.id}
        if by:
            out.update(registered_by=person.created_by_division, registered_by_name=by)
        if queries.unfinished_ids([person]):
            out["detail"] += "；尚未登记到达 / her arrival is not recorded yet"
        return Status(409, out)
    return Status(409, {"detail": "该证件已在他处登记；如她已到达您处，请提交到达申报 / this document is registered elsewhere: if she arrived in your area, submit an arrival claim",
                        "claim": {"href": "/api/v1/arrival-claims", "document_type": person.document_type, "document_number": person.document_number}})


@router.get("/persons/{person_id}", response={200: PersonDetailOut, **ERRORS, 404: MergedDetailOut}, exclude_unset=True)
def get_person(request, person_id: int):
    """Open a person's record with her residence history; the opening is logged (invariant 3)."""
    actor = request.auth
    person = queries.get_person(actor=actor, person_id=person_id)
    sensitive = queries.sees_sensitive(actor=actor)
    return person_out(person, sensitive=sensitive, residences=queries.residences_of(person), family=queries.family_of(actor=actor, person=person) if sensitive else None)


@router.patch("/persons/{person_id}", response={200: PersonOut, **ERRORS}, exclude_unset=True)
def update_person(request, person_id: int, payload: PersonPatch):
    """Correct descriptive fields; identity is corrected by a merge (R8), not here."""
    actor = request.auth
    person = services.update_person(actor=actor, person=Person(pk=person_id), data=payload.model_dump(exclude_unset=True), today=today())
    # The answer shows the record: a logged read (invariant 3), after the change so that a refused
    # change writes nothing at all.
    person = queries.get_person(actor=actor, person_id=person.pk, purpose="open_for_edit")
    return person_out(person, sensitive=queries.sees_sensitive(actor=actor))


class PersonQuery(Schema):
    name: str = Field("", description="姓名 / name", json_schema_extra={"maxLength": 50})
    match: Literal["exact", "same_char", "same_sound"] = Field("same_sound", description="exact 精确; same_char 同字 (张伟 → 张大伟); same_sound 同音 (张伟 → 章玮)")
    id_number: str = Field("", description="证件号码；身份证号的前6至17位按开头查找 / a document number; the first 6 to 17 digits of an ID number find the numbers that begin so")
    sex: Blank(Literal["M", "F"]) = None
    birth_date: QueryDate = None
    age_min: QueryInt = Field(None, description="周岁 / completed years, on `on` or today")
    age_max: QueryInt = None
    on: QueryDate = Field(None, description="在该日期居住于辖区的人 / who lived in the area on that date (default: now)")
    division: str = Field("", description="限于辖区内的某个区划 / a division inside your area")
    flow: Literal["all", "inflow", "outflow", "both"] = "all"
    order: Literal["name", "-name", "birth_date", "-birth_date", "id", "-id"] = "name"
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


@router.get("/persons", response={200: PersonPage, **ERRORS}, exclude_unset=True)
def search_persons(request, q: Query[PersonQuery]):
    """Search the people in your area (Q6: same-sound or same-character names, age range on a date)."""
    actor = request.auth
    count, rows = queries.search_persons(
        actor=actor, name=q.name, match=q.match, id_number=q.id_number, sex=q.sex or "", birth_date=q.birth_date, age_min=q.age_min, age_max=q.age_max,
        on=q.on, division=q.division, flow=q.flow, order=q.order, limit=q.limit, offset=q.offset, today=today(),
    )
    sensitive = queries.sees_sensitive(actor=actor)
    return {"count": count, "results": [person_out(p, sensitive=sensitive) for p in rows]}


# ---------------------------------------------------------------- residence history (R2)

class ResidenceIn(Schema):
    division: str = Text("居住地区划代码（县级或以下） / division code where she lives (county or below)", 12, required=True, example="440305001001")
    address: str | None = Text("居住地址 / address", 200)
    arrived_on: str = DateText("到达日期 / date of arrival", required=True)
    reason: str | None = Text("流动原因 / reason", enum=MoveReason.values)
    intended_stay: str | None = Text("拟居住时间 / intended stay", enum=IntendedStay.values)
    expects_return: bool | None = Field(None, description="短期居住（出差、就医、学习、旅游、探亲访友）预期返回户籍地：登记但不计为流动人口 (J2) / "
                                                          "a short stay (business trip, medical treatment, study, tourism, family visit) with a return expected: recorded, not counted as floating")
    housing_id: int | None = Field(None, description="出租房屋编号 / rental home id")
    employer_id: int | None = Field(None, description="用工单位编号 / employer id")


class ReturnIn(Schema):
    arrived_on: str = DateText("返回日期 / date of return", required=True)
    division: str | None = Text("户籍县内的区划，默认户籍地 / a division in the hukou county (default: the hukou division)", 12)
    address: str | None = Text("地址 / address", 200)


class LeaveIn(Schema):
    left_on: str = DateText("离开日期 / date of departure", required=True)


@router.post("/persons/{person_id}/residences", response={201: ResidenceOut, **ERRORS})
def add_residence(request, person_id: int, payload: ResidenceIn):
    """R1/R2: she arrived. Refused while another residence is open (record a move instead). A person
    outside your scope is 404 whatever the body; one who lives elsewhere is claimed (`POST
    /arrival-claims`), not moved."""
    r = services.record_arrival(actor=request.auth, person=Person(pk=person_id), data=payload.model_dump(exclude_none=True), today=today())
    return Status(201, residence_out(r))


@router.post("/persons/{person_id}/moves", response={201: ResidenceOut, **ERRORS})
def move(request, person_id: int, payload: ResidenceIn):
    """R2: a move closes the open residence and opens the next on the same date."""
    r = services.record_move(actor=request.auth, person=Person(pk=person_id), data=payload.model_dump(exclude_none=True), today=today())
    return Status(201, residence_out(r))


@router.post("/persons/{person_id}/returns", response={201: ResidenceOut, **ERRORS})
def return_home(request, person_id: int, payload: ReturnIn):
    """R2: she came back to her hukou place."""
    r = services.record_return(actor=request.auth, person=Person(pk=person_id), data=payload.model_dump(exclude_none=True), today=today())
    return Status(201, residence_out(r))


@router.post("/residences/{residence_id}/leave", response={200: ResidenceOut, **ERRORS})
def leave(request, residence_id: int, payload: LeaveIn):
    """R2: she left; the residence is closed, never deleted."""
    r = services.record_departure(actor=request.auth, residence_id=residence_id, left_on=payload.left_on, today=today())
    return residence_out(r)


# ---------------------------------------------------------------- family (R5)

class FamilyIn(Schema):
    relative_id: int = Field(description="亲属的人员编号，须在您的辖区内；他处登记的亲属请用 POST /family-proposals / the relative's id, in your scope; for a relative recorded elsewhere use POST /family-proposals")
    relation: str = Text("关系 / relation", enum=["spouse", "child", "parent"], required=True)


class FamilyLinkOut(Schema):
    person_id: int
    relative_id: int
    relation: str
    parent_unable_to_care: bool = False


@router.post("/persons/{person_id}/family", response={201: FamilyLinkOut, **ERRORS})
def add_family(request, person_id: int, payload: FamilyIn):
    """R5: spouse, child or parent; the inverse link is stored with it. Both persons are in your
    scope (hole 3): a relative outside it is answered like one that does not exist."""
    link = services.link_family(actor=request.auth, person=Person(pk=person_id), relative_id=payload.relative_id, relation=payload.relation)
    return Status(201, {"person_id": link.person_id, "relative_id": link.relative_id, "relation": link.relation})


class CareIn(Schema):
    parent_unable_to_care: bool = Field(description="R5: 父母一方无监护能力（国发〔2016〕13号） / the parent of this parent-child link cannot care for the child")


@router.patch("/persons/{person_id}/family/{relative_id}", response={200: FamilyLinkOut, **ERRORS})
def family_care(request, person_id: int, relative_id: int, payload: CareIn):
    """R5: record (or withdraw) that the parent of this parent-child link cannot care for the
    child: a child with one parent away and this one at home is then left behind."""
    link = services_visits.set_parent_unable_to_care(actor=request.auth, person=Person(pk=person_id), relative_id=relative_id, unable=payload.parent_unable_to_care)
    return {"person_id": link.person_id, "relative_id": link.relative_id, "relation": link.relation, "parent_unable_to_care": link.parent_unable_to_care}


# ---------------------------------------------------------------- visits (R2)

class VisitIn(Schema):
    visited_on: str = DateText("查验日期 / date of the visit", required=True)
    result: str | None = Text("checked 在住、核实无误（默认） | corrected 在住、信息已更正 / result", enum=VisitResult.values)
    note: str | None = Text("说明（更正了什么） / note: what was corrected", 200)


@router.post("/persons/{person_id}/visits", response={201: VisitOut, **ERRORS})
def add_visit(request, person_id: int, payload: VisitIn):
    """R2: a clean-up check (清理查验, part 8 四: each quarter): she was seen still living where her
    open residence says, her details checked or corrected. An event on her history; it takes her
    record off the follow-up to-do until the next interval has passed."""
    visit = services_visits.record_visit(actor=request.auth, person=Person(pk=person_id), data=payload.model_dump(exclude_none=True), today=today())
    return Status(201, visit_out(visit))
