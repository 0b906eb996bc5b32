"""Rental housing and employers (R4: "manage people through housing", 以房管人).

Lists are scoped to the caller's subtree and paged as {"count", "results"}; a record outside the
scope is 404. A record's detail names the people living or working there, so opening it needs the
right to see persons and is logged (people.queries.get_housing / get_employer, invariant 3).
"""
import datetime

from django.db.models import Q
from ninja import Field, Query, Router, Schema, Status

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.api_schemas import ERRORS, DateText, QueryDate, Text
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.errors import Invalid

from . import api as people_api
from . import queries, services_places
from .models import Employer, RentalHousing

router = Router(tags=["housing and employers"])


class PageQuery(Schema):
    division: str = Field("", description="限于辖区内的某个区划 / a division inside your area")
    q: str = Field("", description="名称或地址包含 / name or address contains", json_schema_extra={"maxLength": 100})
    include_closed: bool = Field(False, description="包括已停租/注销的 / include closed records")
    limit: int = Field(20, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class OnQuery(Schema):
    on: QueryDate = Field(None, description="在该日期居住/就业的人 / the people there on that date (default: today)")


class PersonAtOut(Schema):
    residence_id: int
    person_id: int
    name: str
    arrived_on: datetime.date


def _page(actor, qs, params: PageQuery, text_fields):
    if len(params.q) > 100:
        raise Invalid({"q": ["最多100个字符 / at most 100 characters"]})
    if params.division:
        target = Division.objects.filter(code=params.division).first()
        if target is None:
            raise Invalid({"division": [f"区划代码 {params.division[:20]} 不存在 / no division has code {params.division[:20]}"]})
        if not actor.in_scope(target.code):
            raise Invalid({"division": ["区划不在您的管辖范围内 / that division is outside your scope"]})
        qs = qs.filter(in_range("division_id", target.code))
    if params.q.strip():
        cond = Q()
        for f in text_fields:
            cond |= Q(**{f"{f}__icontains": params.q.strip()})
        qs = qs.filter(cond)
    if not params.include_closed:
        qs = qs.filter(closed_on__isnull=True)
    count = qs.count()
    return count, list(qs.order_by("division_id", "id")[params.offset: params.offset + params.limit])


def _people_at(residences) -> list[dict]:
    return [{"residence_id": r.id, "person_id": r.person_id, "name": r.person.name, "arrived_on": r.arrived_on} for r in residences]


def _on(value, today):
    if value is not None and value > today:
        raise Invalid({"on": ["日期不能晚于今天 / the date cannot be in the future"]})
    return value or today


class PlaceOut(Schema):
    """What a rental home and an employer have alike: a place registered in a division, open or closed."""
    id: int
    division: str
    division_name: str
    address: str
    registered_on: datetime.date
    closed_on: datetime.date | None


def place_out(place: RentalHousing | Employer) -> dict:
    return {"id": place.id, "division": place.division_id, "division_name": place.division.name, "address": place.address,
            "registered_on": place.registered_on, "closed_on": place.closed_on}


# ---------------------------------------------------------------- rental housing

class HousingIn(Schema):
    division: str = Text("所在区划代码（乡镇级或以下） / division code (township or below)", 12, required=True, example="440305001001")
    address: str = Text("地址 / address", 200, required=True)
    owner_id: int = Field(description="房主的人员编号（您辖区内已登记的人员） / id of the owner, a person registered in your area")
    use: str | None = Text("用途 / use", enum=["residential", "shop", "factory", "dormitory", "mixed", "other"])
    business_category: str | None = Text("经营类别 / business category", 100)
    rooms: int | None = Field(None, description="间数 / rooms", json_schema_extra={"minimum": 1, "maximum": 10000})
    registered_on: str | None = DateText("登记日期，默认今天 / date registered (default: today)")


class HousingOut(PlaceOut):
    owner_id: int
    owner_name: str
    use: str
    business_category: str
    rooms: int


class HousingDetailOut(HousingOut):
    tenants: list[PersonAtOut] = Field(description="在该日期居住的人 / who lived there on the date asked")


class HousingPage(Schema):
    count: int
    results: list[HousingOut]


def housing_out(h: RentalHousing) -> dict:
    return {**place_out(h), "owner_id": h.owner_id, "owner_name": h.owner.name, "use": h.use, "business_category": h.business_category, "rooms": h.rooms}


def _housing_written(h: RentalHousing) -> dict:
    """A home as written, read again with its division and owner."""
    return housing_out(RentalHousing.objects.select_related("division", "owner").get(pk=h.pk))


@router.get("/housing", response={200: HousingPage, **ERRORS})
def list_housing(request, params: Query[PageQuery]):
    """R4: rental homes in your area."""
    actor = request.auth
    require(actor, Action.VIEW_PERSON)
    count, rows = _page(actor, queries.housing_in_scope(actor=actor), params, ("address", "business_category"))
    return {"count": count, "results": [housing_out(h) for h in queries.log_housing_page(actor=actor, rows=rows)]}


@router.post("/housing", response={201: HousingOut, **ERRORS})
def create_housing(request, payload: HousingIn):
    """R4: register a rental home with its owner."""
    h = services_places.register_housing(actor=request.auth, data=payload.model_dump(exclude_none=True), today=people_api.today())
    return Status(201, _housing_written(h))


@router.get("/housing/{housing_id}", response={200: HousingDetailOut, **ERRORS})
def get_housing(request, housing_id: int, params: Query[OnQuery]):
    """A rental home with the tenants living there (today, or on `on`)."""
    h, tenants = queries.get_housing(actor=request.auth, housing_id=housing_id, today=_on(params.on, people_api.today()))
    return {**housing_out(h), "tenants": _people_at(tenants)}


class HousingPatch(Schema):
    address: str | None = Text("地址 / address", 200)
    owner_id: int | None = Field(None, description="房主（已登记人员）的编号 / id of the owner, a registered person")
    use: str | None = Text("用途 / use", enum=["residential", "shop", "factory", "dormitory", "mixed", "other"])
    business_category: str | None = Text("经营类别 / business category", 100)
    rooms: int | None = Field(None, description="间数 / rooms", json_schema_extra={"minimum": 1, "maximum": 10000})


class PlaceCloseIn(Schema):
    """Closing a rental home (停租) or an employer (注销): the same act, the same body."""
    closed_on: str = DateText("停租/注销日期：不早于登记日期，不晚于今天 / date closed: not before the date registered, not in the future", required=True)


@router.patch("/housing/{housing_id}", response={200: HousingOut, **ERRORS})
def update_housing(request, housing_id: int, payload: HousingPatch):
    """R4: correct the address, owner, use, business category or rooms; only the fields sent change
    and the old and new values go to the audit log."""
    h = services_places.update_housing(actor=request.auth, housing_id=housing_id, data=payload.model_dump(exclude_unset=True), today=people_api.today())
    return _housing_written(h)


@router.post("/housing/{housing_id}/close", response={200: HousingOut, **ERRORS})
def close_housing(request, housing_id: int, payload: PlaceCloseIn):
    """R4: the home is no longer let (停租); it takes no new tenants. Refused while anyone lives
    there after that date: record their departure or move first."""
    h = services_places.close_housing(actor=request.auth, housing_id=housing_id, closed_on=payload.closed_on, today=people_api.today())
    return _housing_written(h)


# ---------------------------------------------------------------- employers

class EmployerIn(Schema):
    division: str = Text("所在区划代码（县级或以下） / division code (county or below)", 12, required=True, example="440305001000")
    name: str = Text("单位名称 / name", 200, required=True)
    credit_code: str | None = Text("统一社会信用代码（GB 32100） / unified social credit code", 18, example="91440300MA5DC0XX0H")
    address: str | None = Text("地址 / address", 200)
    contact_name: str | None = Text("联系人 / contact", 50)
    contact_phone: str | None = Text("联系电话 / phone", 20)
    registered_on: str | None = DateText("登记日期，默认今天 / date registered (default: today)")


class EmployerOut(PlaceOut):
    name: str
    credit_code: str | None
    contact_name: str
    contact_phone: str


class EmployerDetailOut(EmployerOut):
    employees: list[PersonAtOut] = Field(description="在该日期就业的流动人口 / the people working there on the date asked")


class EmployerPage(Schema):
    count: int
    results: list[EmployerOut]


def employer_out(e: Employer) -> dict:
    return {**place_out(e), "name": e.name, "credit_code": e.credit_code, "contact_name": e.contact_name, "contact_phone": e.contact_phone}


def _employer_written(e: Employer) -> dict:
    """An employer as written, read again with its division."""
    return employer_out(Employer.objects.select_related("division").get(pk=e.pk))


@router.get("/employers", response={200: EmployerPage, **ERRORS})
def list_employers(request, params: Query[PageQuery]):
    """R4: employers in your area."""
    actor = request.auth
    require(actor, Action.VIEW_PERSON)
    count, rows = _page(actor, queries.employers_in_scope(actor=actor), params, ("name", "address", "credit_code"))
    return {"count": count, "results": [employer_out(e) for e in rows]}


@router.post("/employers", response={201: EmployerOut, **ERRORS})
def create_employer(request, payload: EmployerIn):
    """R4: register an employer; its credit code's check character is verified (GB 32100)."""
    e = services_places.register_employer(actor=request.auth, data=payload.model_dump(exclude_none=True), today=people_api.today())
    return Status(201, _employer_written(e))


@router.get("/employers/{employer_id}", response={200: EmployerDetailOut, **ERRORS})
def get_employer(request, employer_id: int, params: Query[OnQuery]):
    """An employer with the people working there (today, or on `on`)."""
    e, employees = queries.get_employer(actor=request.auth, employer_id=employer_id, today=_on(params.on, people_api.today()))
    return {**employer_out(e), "employees": _people_at(employees)}


class EmployerPatch(Schema):
    name: str | None = Text("单位名称 / name", 200)
    credit_code: str | None = Text("统一社会信用代码（GB 32100），空或 null 为删除 / unified social credit code; empty or null removes it", 18, example="91440300MA5DC0XX0H")
    address: str | None = Text("地址 / address", 200)
    contact_name: str | None = Text("联系人 / contact", 50)
    contact_phone: str | None = Text("联系电话 / phone", 20)


@router.patch("/employers/{employer_id}", response={200: EmployerOut, **ERRORS})
def update_employer(request, employer_id: int, payload: EmployerPatch):
    """R4: correct the name, credit code (checked again), address or contact; only the fields sent change."""
    e = services_places.update_employer(actor=request.auth, employer_id=employer_id, data=payload.model_dump(exclude_unset=True), today=people_api.today())
    return _employer_written(e)


@router.post("/employers/{employer_id}/close", response={200: EmployerOut, **ERRORS})
def close_employer(request, employer_id: int, payload: PlaceCloseIn):
    """R4: the employer is deregistered (注销) and takes no new employees."""
    e = services_places.close_employer(actor=request.auth, employer_id=employer_id, closed_on=payload.closed_on, today=people_api.today())
    return _employer_written(e)
