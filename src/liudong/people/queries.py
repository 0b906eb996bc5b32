"""Every read of people a view or the API needs, already scoped to the actor (invariant 2), and
the audit of reads of a person (invariant 3)."""
import datetime
import re

from django.db.models import Exists, OuterRef, Q

from liudong.accounts.choices import Action
from liudong.accounts.services import record, require
from liudong.divisions.models import Division, code_range
from liudong.errors import Invalid, NotFound

from .models import Employer, FamilyLink, Person, PersonNameKey, RentalHousing, Residence
from .pinyin import name_keys


def in_range(field: str, code: str) -> Q:
    low, high = code_range(code)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def person_scope_q(actor, *, history: bool = False) -> Q:
    """Persons who live in the actor's subtree or are registered there (a hukou place sees its
    outflow people wherever they live); with history, also those who once lived there."""
    code = actor.division_id
    q = in_range("residence_division_id", code) | in_range("hukou_division_id", code)
    if history:
        q |= Q(Exists(Residence.objects.filter(in_range("division_id", code), person_id=OuterRef("pk"))))
    return q


def sees_sensitive(actor) -> bool:
    return actor.can(Action.VIEW_SENSITIVE)


def get_person(actor, person_id, *, purpose: str = "view") -> Person:
    """Open one person's record: scoped (404 outside), and logged with the fields shown."""
    require(actor, Action.VIEW_PERSON)
    try:
        pid = int(person_id)
    except (TypeError, ValueError):
        raise NotFound("人员不存在 / no such person") from None
    person = Person.objects.select_related("hukou_division", "residence_division").filter(pk=pid).filter(person_scope_q(actor, history=True)).first()
    if person is None:
        raise NotFound("人员不存在或不在您的管辖范围内 / no such person in your scope")
    shown = ["id_number", "name", "sex", "birth_date", "ethnicity", "education", "marital_status", "hukou", "residences"]
    if sees_sensitive(actor):
        shown += ["phone", "family"]
    record(actor, f"person.{purpose}", obj=person, person_id=person.pk, fields={"shown": shown})
    return person


def residences_of(person: Person):
    return Residence.objects.filter(person=person).select_related("division", "housing", "employer").order_by("arrived_on", "id")


def family_of(actor, person: Person):
    if not sees_sensitive(actor):
        return []
    return list(FamilyLink.objects.filter(person=person).select_related("relative"))


def age_bounds(on: datetime.date, age_min=None, age_max=None):
    """Birth-date bounds for an age range on a date (age = completed years)."""
    low = high = None
    if age_max is not None:
        # older than age_max+1 excluded: born after on - (age_max+1) years
        try:
            low = on.replace(year=on.year - age_max - 1) + datetime.timedelta(days=1)
        except ValueError:  # 29 Feb
            low = datetime.date(on.year - age_max - 1, 3, 1)
    if age_min is not None:
        try:
            high = on.replace(year=on.year - age_min)
        except ValueError:
            high = datetime.date(on.year - age_min, 2, 28)
    return low, high


MATCHES = ("exact", "same_char", "same_sound")
FLOWS = ("inflow", "outflow", "both", "all")
ORDERS = {"name": ("name_key", "id"), "-name": ("-name_key", "-id"), "birth_date": ("birth_date", "id"), "-birth_date": ("-birth_date", "-id"), "id": ("id",), "-id": ("-id",)}


def search_persons(actor, *, name="", match="same_sound", id_number="", sex="", birth_date=None, age_min=None, age_max=None,
                   on=None, division="", flow="all", order="name", limit=20, offset=0, today: datetime.date):
    """Search the actor's people. Returns (count, rows). On a past date `on`, the residence in
    force that day decides who was in the division. The search itself is logged (invariant 3)."""
    require(actor, Action.VIEW_PERSON)
    errors = {}
    if match not in MATCHES:
        errors["match"] = [f"应为 {', '.join(MATCHES)} / must be one of {', '.join(MATCHES)}"]
    if flow not in FLOWS:
        errors["flow"] = [f"应为 {', '.join(FLOWS)} / must be one of {', '.join(FLOWS)}"]
    if order not in ORDERS:
        errors["order"] = [f"应为 {', '.join(ORDERS)} / must be one of {', '.join(ORDERS)}"]
    if sex and sex not in ("M", "F"):
        errors["sex"] = ["性别应为 M 或 F / sex must be M or F"]
    for f, v in (("age_min", age_min), ("age_max", age_max)):
        if v is not None and not (0 <= v <= 150):
            errors[f] = ["年龄应在0到150之间 / an age is between 0 and 150"]
    if age_min is not None and age_max is not None and age_min > age_max:
        errors["age_max"] = ["最大年龄小于最小年龄 / the maximum age is below the minimum"]
    if on is not None and on > today:
        errors["on"] = ["日期不能晚于今天 / the date cannot be in the future"]
    if not 1 <= limit <= 200:
        errors["limit"] = ["每页1到200条 / 1 to 200 a page"]
    if offset < 0:
        errors["offset"] = ["不能为负 / cannot be negative"]
    scope_code = actor.division_id
    if division:
        target = Division.objects.filter(code=division).first()
        if target is None:
            errors["division"] = [f"区划代码 {division} 不存在 / no division has code {division}"]
        elif not actor.in_scope(target.code):
            errors["division"] = ["区划不在您的管辖范围内 / that division is outside your scope"]
        else:
            scope_code = target.code
    if len(name or "") > 50:
        errors["name"] = ["最多50个字符 / at most 50 characters"]
    if errors:
        raise Invalid(errors)

    qs = Person.objects.all()
    if on is None:
        live = in_range("residence_division_id", scope_code)
        home = in_range("hukou_division_id", scope_code)
        if flow == "inflow":
            qs = qs.filter(live, floating=True)
        elif flow == "outflow":
            qs = qs.filter(home, floating=True)
        elif flow == "both":
            qs = qs.filter(live | home, floating=True)
        else:
            qs = qs.filter(live | home)
    else:
        at = Residence.objects.filter(person_id=OuterRef("pk"), arrived_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        lived = Exists(at.filter(in_range("division_id", scope_code)))
        lived_floating = Exists(at.filter(in_range("division_id", scope_code), floating=True))
        away = Exists(at.filter(floating=True, hukou_division_code__gte=code_range(scope_code)[0], hukou_division_code__lte=code_range(scope_code)[1]))
        home = in_range("hukou_division_id", scope_code)
        if flow == "inflow":
            qs = qs.filter(lived_floating)
        elif flow == "outflow":
            qs = qs.filter(home & away)
        elif flow == "both":
            qs = qs.filter(Q(lived_floating) | (home & away))
        else:
            qs = qs.filter(Q(lived) | home)
        qs = qs.filter(birth_date__lte=on)
    if id_number:
        qs = qs.filter(Q(id_number=id_number.strip().upper()) | Q(document_number=id_number.strip()))
    name = (name or "").strip()
    if name:
        if match == "exact":
            qs = qs.filter(name=name)
        elif match == "same_char":
            # 同字: the query's characters in order, anywhere in the name (张伟 finds 张大伟, 张伟明).
            qs = qs.filter(name__regex=".*".join(re.escape(c) for c in name))
        else:
            qs = qs.filter(Exists(PersonNameKey.objects.filter(person_id=OuterRef("pk"), key__in=name_keys(name))))
    if sex:
        qs = qs.filter(sex=sex)
    if birth_date:
        qs = qs.filter(birth_date=birth_date)
    if age_min is not None or age_max is not None:
        low, high = age_bounds(on or today, age_min, age_max)
        if low:
            qs = qs.filter(birth_date__gte=low)
        if high:
            qs = qs.filter(birth_date__lte=high)
    count = qs.count()
    rows = list(qs.select_related("hukou_division", "residence_division").order_by(*ORDERS[order])[offset: offset + limit])
    record(actor, "person.search", object_type="person", fields={"criteria": {k: str(v) for k, v in dict(name=name, match=match, id_number=id_number, sex=sex, birth_date=birth_date, age_min=age_min, age_max=age_max, on=on, division=division, flow=flow).items() if v not in (None, "", "all")}, "count": count, "shown": [p.pk for p in rows]})
    return count, rows


def housing_in_scope(actor):
    return RentalHousing.objects.filter(in_range("division_id", actor.division_id)).select_related("division", "owner")


def employers_in_scope(actor):
    return Employer.objects.filter(in_range("division_id", actor.division_id)).select_related("division")


def tenants_of(housing: RentalHousing, on: datetime.date):
    return Residence.objects.filter(housing=housing, arrived_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on)).select_related("person")


def employees_of(employer: Employer, on: datetime.date):
    return Residence.objects.filter(employer=employer, arrived_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on)).select_related("person")
