"""People API: the contract of issue 2, part 9."""
import datetime

from django.utils import timezone
from ninja import Field, Router, Schema

from liudong.errors import NotFound

from . import queries, services
from .models import Person, Residence

router = Router(tags=["people"])


def today() -> datetime.date:
    return timezone.localdate()


class PersonIn(Schema):
    id_number: str | None = None
    document_type: str | None = None
    document_number: str | None = None
    name: str
    sex: str | None = None
    birth_date: str | None = None
    ethnicity: str | None = None
    education: str | None = None
    marital_status: str | None = None
    phone: str | None = None
    hukou_division: str
    hukou_address: str | None = None


class ResidenceIn(Schema):
    division: str
    address: str | None = None
    arrived_on: str
    reason: str | None = None
    intended_stay: str | None = None
    housing_id: int | None = None
    employer_id: int | None = None


class LeaveIn(Schema):
    left_on: str


def residence_out(r: Residence) -> dict:
    return {
        "id": r.id, "division": r.division_id, "division_name": r.division.name, "address": r.address,
        "arrived_on": r.arrived_on.isoformat(), "kind": r.start_kind, "reason": r.reason, "intended_stay": r.intended_stay,
        "left_on": r.left_on.isoformat() if r.left_on else None, "end_kind": r.end_kind or None,
        "housing_id": r.housing_id, "employer_id": r.employer_id, "floating": r.floating,
    }


def person_out(p: Person, *, sensitive: bool, residences=None, family=None) -> dict:
    out = {
        "id": p.id, "id_number": p.id_number, "document_type": p.document_type, "document_number": p.document_number,
        "name": p.name, "name_pinyin": p.name_key, "sex": p.sex, "birth_date": p.birth_date.isoformat(),
        "ethnicity": p.ethnicity, "education": p.education or None, "marital_status": p.marital_status or None,
        "hukou_division": p.hukou_division_id, "hukou_address": p.hukou_address,
        "residence_division": p.residence_division_id, "floating": p.floating,
    }
    if sensitive:
        out["phone"] = p.phone or None
    if residences is not None:
        out["residences"] = [residence_out(r) for r in residences]
    if family is not None:
        out["family"] = [{"relation": f.relation, "person_id": f.relative_id, "name": f.relative.name} for f in family]
    return out


@router.post("/persons", response={201: dict, 200: dict, 409: dict, 422: dict})
def create_person(request, payload: PersonIn):
    data = payload.dict(exclude_none=True)
    person, created = services.register_person(actor=request.auth, data=data, today=today())
    if not created:
        return 409, {"id": person.id, "detail": "该证件号已登记，返回已有人员 / this ID number is registered: here is the existing person"}
    return 201, person_out(person, sensitive=queries.sees_sensitive(request.auth))


@router.get("/persons/{person_id}")
def get_person(request, person_id: int):
    actor = request.auth
    person = queries.get_person(actor, person_id)
    return person_out(person, sensitive=queries.sees_sensitive(actor), residences=queries.residences_of(person), family=queries.family_of(actor, person) if queries.sees_sensitive(actor) else None)


@router.patch("/persons/{person_id}")
def update_person(request, person_id: int, payload: dict):
    actor = request.auth
    person = queries.get_person(actor, person_id, purpose="open_for_edit")
    person = services.update_person(actor=actor, person=person, data=payload, today=today())
    return person_out(person, sensitive=queries.sees_sensitive(actor))


def _parse_date(value, field):
    from liudong.errors import invalid

    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise invalid(field, f"日期 {value} 不存在或格式不对（YYYY-MM-DD） / {value} is not a real date (YYYY-MM-DD)") from None


@router.get("/persons")
def search_persons(request, name: str = "", match: str = "same_sound", id_number: str = "", sex: str = "", birth_date: str = "",
                   age_min: int | None = None, age_max: int | None = None, on: str = "", division: str = "", flow: str = "all",
                   order: str = "name", limit: int = 20, offset: int = 0):
    actor = request.auth
    count, rows = queries.search_persons(
        actor, name=name, match=match, id_number=id_number, sex=sex, birth_date=_parse_date(birth_date, "birth_date"),
        age_min=age_min, age_max=age_max, on=_parse_date(on, "on"), division=division, flow=flow, order=order,
        limit=limit, offset=offset, today=today(),
    )
    sensitive = queries.sees_sensitive(actor)
    return {"count": count, "results": [person_out(p, sensitive=sensitive) for p in rows]}


def _person_for_write(actor, person_id) -> Person:
    # A registered person may arrive in the actor's area from anywhere (R8: one record per
    # person); the service checks that the residence or the hukou place is in scope.
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("人员不存在 / no such person")
    return person


@router.post("/persons/{person_id}/residences", response={201: dict})
def add_residence(request, person_id: int, payload: ResidenceIn):
    r = services.record_arrival(actor=request.auth, person=_person_for_write(request.auth, person_id), data=payload.dict(exclude_none=True), today=today())
    return 201, residence_out(r)


@router.post("/persons/{person_id}/moves", response={201: dict})
def move(request, person_id: int, payload: ResidenceIn):
    r = services.record_move(actor=request.auth, person=_person_for_write(request.auth, person_id), data=payload.dict(exclude_none=True), today=today())
    return 201, residence_out(r)


class ReturnIn(Schema):
    arrived_on: str
    division: str | None = None
    address: str | None = None


@router.post("/persons/{person_id}/return", response={201: dict})
def return_home(request, person_id: int, payload: ReturnIn):
    r = services.record_return(actor=request.auth, person=_person_for_write(request.auth, person_id), data=payload.dict(exclude_none=True), today=today())
    return 201, residence_out(r)


@router.post("/residences/{residence_id}/leave")
def leave(request, residence_id: int, payload: LeaveIn):
    r = services.record_departure(actor=request.auth, residence_id=residence_id, left_on=payload.left_on, today=today())
    return residence_out(r)


class FamilyIn(Schema):
    relative_id: int
    relation: str


@router.post("/persons/{person_id}/family", response={201: dict})
def add_family(request, person_id: int, payload: FamilyIn):
    person = _person_for_write(request.auth, person_id)
    link = services.link_family(actor=request.auth, person=person, relative_id=payload.relative_id, relation=payload.relation)
    return 201, {"person_id": link.person_id, "relative_id": link.relative_id, "relation": link.relation}
