"""Every read of people a view or the API needs, already scoped to the actor (invariant 2), and
the audit of reads of a person (invariant 3)."""
import datetime
import re

from django.db.models import Exists, OuterRef, Q

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import PREFIX_LENGTH
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.errors import Invalid, NotFound
from liudong.identifiers import normalise_document_number

from . import scope
from .choices import DocumentType
from .figures import MARRIED, age_bounds  # noqa: F401  (T2: one definition; age_bounds is read from here too)
from .models import NAME_RE, Employer, FamilyLink, Person, PersonNameKey, RentalHousing, Residence
from .pinyin import name_keys


def sees_sensitive(*, actor) -> bool:
    return actor.can(Action.VIEW_SENSITIVE)


NO_PERSON = "人员不存在或不在您的管辖范围内 / no such person in your scope"


def person_not_found(*, actor, asked, via: str) -> NotFound:
    """Hole 2: a person id that is absent or outside the actor's scope. The probe is logged with
    the id asked for, the same row whether or not the id exists (the answer is the same 404), so
    that an auditor sees who tried which ids. Call it outside the service's transaction: the
    NotFound that follows must not roll the row back. Returns the exception to raise."""
    try:
        pid = int(asked)
    except (TypeError, ValueError):
        pid = None
    record(actor, "person.not_found", object_type="person", object_id=str(asked)[:64],
           person_id=pid if pid is not None and 0 < pid < 2**63 else None, fields={"via": via})
    return NotFound(NO_PERSON)


def writable_person(*, actor, person_id, via: str) -> Person:
    """A person whose residence history the actor may add to (hole 1): in its scope as for reads
    (she lives, lived or is registered there), or registered by its place and not yet living
    anywhere (an inflow person registered a moment ago: her arrival is recorded next). Anyone else
    is a logged 404, before any field is looked at (hole 2)."""
    try:
        pid = int(person_id)
    except (TypeError, ValueError):
        raise person_not_found(actor=actor, asked=person_id, via=via) from None
    person = scope.writable(actor).filter(pk=pid).first() if 0 < pid < 2**63 else None
    if person is None:
        raise person_not_found(actor=actor, asked=person_id, via=via)
    return person


def may_record(*, actor, person: Person) -> bool:
    """Whether writable_person would give her to the actor (no probe logged: the caller holds her)."""
    return scope.writable(actor).filter(pk=person.pk).exists()


def merged_into(*, actor, person_id: int) -> int | None:
    """R8: the record a merged-away id now lives on (following merges in a row), when the actor
    may see it; None otherwise, so that a 404 tells nothing outside the caller's scope."""
    seen: set[int] = set()
    target = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True).first()
    while target is not None and target not in seen:
        seen.add(target)
        onward = Person.objects.filter(pk=target).values_list("merged_into_id", flat=True).first()
        if onward is None:
            break
        target = onward
    return target if target is not None and scope.reaches(actor, target) else None


def get_person(*, actor, person_id, purpose: str = "view") -> Person:
    """Open one person's record: scoped (404 outside), and logged with the fields shown."""
    require(actor, Action.VIEW_PERSON)
    try:
        pid = int(person_id)
    except (TypeError, ValueError):
        raise person_not_found(actor=actor, asked=person_id, via=f"person.{purpose}") from None
    person = scope.persons(actor, history=True).select_related("hukou_division", "residence_division").filter(pk=pid).first() if 0 < pid < 2**63 else None
    if person is None:
        missing = person_not_found(actor=actor, asked=person_id, via=f"person.{purpose}")
        survivor = merged_into(actor=actor, person_id=pid) if 0 < pid < 2**63 else None
        if survivor is not None:
            missing.extra["merged_into"] = survivor
        raise missing
    shown = ["id_number", "name", "sex", "birth_date", "ethnicity", "education", "marital_status", "hukou", "residences"]
    if sees_sensitive(actor=actor):
        shown += ["phone", "family"]
    record(actor, f"person.{purpose}", obj=person, person_id=person.pk, fields={"shown": shown})
    return person


def residences_of(person: Person):
    return Residence.objects.filter(person=person).select_related("division", "housing", "employer").order_by("arrived_on", "id")


def family_of(*, actor, person: Person):
    if not sees_sensitive(actor=actor):
        return []
    return list(FamilyLink.objects.filter(person=person).select_related("relative"))


def same_char_pattern(name: str) -> str:
    """同字 (Q6): the characters of `name` in order, anywhere in a name. `name` matches NAME_RE,
    so the only characters special to SQLite's (Python) or PostgreSQL's regex are "." and "-"."""
    parts = []
    for c in name:
        literal = re.escape(c) if c == "." else c
        parts.append(f"[^{'-' if c == '-' else c}]*{literal}")
    return "^" + "".join(parts)


OTHER_DOCUMENTS = [t for t in DocumentType.values if t != DocumentType.RESIDENT_ID]
MATCHES = ("exact", "same_char", "same_sound")
FLOWS = ("inflow", "outflow", "both", "all")
ORDERS = {"name": ("name_key", "id"), "-name": ("-name_key", "-id"), "birth_date": ("birth_date", "id"), "-birth_date": ("-birth_date", "-id"), "id": ("id",), "-id": ("-id",)}


ID_PREFIX_MIN = 6


def id_prefix(value: str) -> bool:
    """A number typed into the search that is the beginning of a resident ID number (digits only,
    shorter than its 18 characters): searched as a prefix (issue 9 item 5)."""
    value = normalise_document_number(value or "")
    return 0 < len(value) < 18 and value.isdigit()


def search_persons(*, actor, name="", match="same_sound", id_number="", sex="", birth_date=None, age_min=None, age_max=None,
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
    elif on is not None and on.year < 1880:
        # age_bounds counts back up to 151 years from `on`; nobody registered was born before 1880.
        errors["on"] = ["日期不能早于1880年 / the date cannot be before 1880"]
    fields.window(limit, offset, errors)
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
    elif (name or "").strip() and not NAME_RE.match(name.strip()):
        errors["name"] = ["姓名只能包含汉字、字母和间隔号 / a name has Chinese characters, letters and the middle dot only"]
    if errors:
        raise Invalid(errors)

    qs = Person.objects.filter(scope.NOT_MERGED)  # R8: a merged-away record is found under its survivor only
    if on is None:
        live = scope.lives_in(scope_code)
        home = scope.registered_in(scope_code)
        if flow == "inflow":
            qs = qs.filter(live, floating=True)
        elif flow == "outflow":
            qs = qs.filter(home, floating=True)
        elif flow == "both":
            qs = qs.filter(live | home, floating=True)
        else:
            # Issue 9 item 2: also those registered here whose arrival is not recorded yet.
            qs = qs.filter(live | home | scope.registered_by(scope_code))
    else:
        at = Residence.objects.filter(person_id=OuterRef("pk"), arrived_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        lived = Exists(at.filter(in_range("division_id", scope_code)))
        lived_floating = Exists(at.filter(in_range("division_id", scope_code), floating=True))
        away = Exists(at.filter(in_range("hukou_division_code", scope_code), floating=True))
        home = scope.registered_in(scope_code)
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
        # Two index lookups, never an OR that makes the planner scan the scope: an 18-character
        # value is a resident ID number, anything else another document's number.
        # R8: compared as stored, whatever the case and spacing it was typed in.
        value = normalise_document_number(id_number)
        if len(value) == 18 and value[:17].isdigit():
            qs = qs.filter(id_number=value)
        elif id_prefix(value):
            # Issue 9 item 5: the first digits of a resident ID number find the numbers that begin
            # so (an index range scan); fewer than 6 digits would find a whole county.
            if len(value) < ID_PREFIX_MIN:
                raise Invalid({"id_number": [f"请输入身份证号的前 {ID_PREFIX_MIN} 位或以上（完整号码为18位） / give at least the first {ID_PREFIX_MIN} "
                                             "digits of an ID number (18 characters in all)"]})
            qs = qs.filter(id_number__startswith=value)
        else:
            qs = qs.filter(document_type__in=OTHER_DOCUMENTS, document_number=value)
    name = (name or "").strip()
    if name:
        if match == "exact":
            qs = qs.filter(name=name)
        elif match == "same_char":
            # 同字: the query's characters in order, anywhere in the name (张伟 finds 张大伟, 张伟明).
            # Each character as "anything but it, then it": the earliest match is the only one
            # tried, so the pattern runs in linear time (".*" between characters backtracks
            # exponentially: 30 characters took 12 s on SQLite).
            qs = qs.filter(name__regex=same_char_pattern(name))
        else:
            # An IN over the indexed key table: the planner starts from the few matching keys.
            qs = qs.filter(pk__in=PersonNameKey.objects.filter(key__in=name_keys(name)).values("person_id"))
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


def log_housing_page(*, actor, rows, query: str = ""):
    """Invariant 3: a page of rental homes names their owners, so the owners shown are logged
    (with the words searched for, which may name an owner)."""
    rows = list(rows)
    if rows or query:
        fields = {"shown": [h.pk for h in rows], "person_ids": sorted({h.owner_id for h in rows})}
        if query:
            fields["query"] = query
        record(actor, "housing.list", object_type="rentalhousing", fields=fields)
    return rows


def housing_in_scope(*, actor):
    return RentalHousing.objects.filter(in_range("division_id", actor.division_id)).select_related("division", "owner")


def employers_in_scope(*, actor):
    return Employer.objects.filter(in_range("division_id", actor.division_id)).select_related("division")


LIST_QUERY_MAX = 100


def list_query(raw) -> str:
    """The words typed into the search box of a list (rental homes, employers), stripped, with
    control characters dropped, cut to a sane length: a search saves nothing, so it never fails."""
    return "".join(ch for ch in str(raw or "") if ch.isprintable()).strip()[:LIST_QUERY_MAX]


def housing_matching(qs, text: str):
    """Issue 9 item 8: rental homes whose address contains the words, or whose owner is named or
    carries the document number typed (R8: compared without spaces, in upper case)."""
    if not text:
        return qs
    number = normalise_document_number(text)
    return qs.filter(Q(address__contains=text) | Q(owner__name=text) | Q(owner__id_number=number) | Q(owner__document_number=number))


def employers_matching(qs, text: str):
    """Issue 9 item 8: employers whose name, address or contact contains the words, or whose
    unified social credit code starts with what was typed."""
    if not text:
        return qs
    return qs.filter(Q(name__contains=text) | Q(address__contains=text) | Q(contact_name__contains=text)
                     | Q(credit_code__startswith=text.replace(" ", "").upper()))


def tenants_of(housing: RentalHousing, on: datetime.date):
    return Residence.objects.filter(housing=housing, arrived_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on)).select_related("person")


def employees_of(employer: Employer, on: datetime.date):
    return Residence.objects.filter(employer=employer, arrived_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on)).select_related("person")


# --- Web UI: look-ups by document, scope checks without a logged read, and the home counts ----


LOOKUP_ACTIONS = (Action.REGISTER_PERSON, Action.RECORD_RESIDENCE, Action.MANAGE_HOUSING, Action.MANAGE_FAMILY)


def log_lookup(*, actor, person: Person):
    """A registered person found by her document: who looked, and the few fields shown (inv. 3)."""
    if not any(actor.can(a) for a in LOOKUP_ACTIONS):
        require(actor, Action.REGISTER_PERSON)
    record(actor, "person.lookup", obj=person, person_id=person.pk, fields={"shown": ["name", "sex", "birth_date", "hukou"]})


def find_by_id_number(*, actor, id_number: str):
    """The person registered under a resident ID number, whatever her scope (R8: whoever holds
    the card is found, never registered twice). The look-up is logged (invariant 3)."""
    if not any(actor.can(a) for a in LOOKUP_ACTIONS):
        require(actor, Action.REGISTER_PERSON)
    value = normalise_document_number(id_number)
    if not value:
        return None
    person = Person.objects.select_related("hukou_division", "residence_division").filter(id_number=value).first()
    if person is not None:
        log_lookup(actor=actor, person=person)
    return person


def reachable_person(*, actor, person_id, via: str = "person.form") -> Person:
    """The person if she is in the actor's scope (history included), without logging a read:
    for forms that change her record, whose services write their own audit event. Outside it, a
    logged 404 (hole 2)."""
    try:
        pid = int(person_id)
    except (TypeError, ValueError):
        raise person_not_found(actor=actor, asked=person_id, via=via) from None
    person = scope.persons(actor, history=True).filter(pk=pid).first() if 0 < pid < 2**63 else None
    if person is None:
        raise person_not_found(actor=actor, asked=person_id, via=via)
    return person


def is_reachable(*, actor, person: Person) -> bool:
    return scope.reaches(actor, person.pk)


def unfinished_ids(rows) -> set[int]:
    """Issue 9 item 2: the persons among `rows` (already read in scope) who have no residence
    period at all, a registration whose arrival is not recorded yet."""
    ids = [p.pk for p in rows]
    return set(ids) - set(Residence.objects.filter(person_id__in=ids).values_list("person_id", flat=True)) if ids else set()


def registered_by_name(*, actor, person: Person) -> str | None:
    """Who registered her, named only when that division is in the actor's subtree (issue 7 hole
    1, issue 9 item 2); None otherwise."""
    code = person.created_by_division
    return division_name(code) if code and actor.in_scope(code) else None


def division_name(code: str | None) -> str | None:
    return Division.objects.filter(code=code).values_list("name", flat=True).first() if code else None


def get_housing(*, actor, housing_id, today: datetime.date):
    """R4: one rental home in scope with its tenants on `today`; the tenants shown are logged."""
    require(actor, Action.VIEW_PERSON)
    try:
        hid = int(housing_id)
    except (TypeError, ValueError):
        raise NotFound("出租房屋不存在 / no such rental home") from None
    housing = housing_in_scope(actor=actor).filter(pk=hid).first()
    if housing is None:
        raise NotFound("出租房屋不存在或不在您的管辖范围内 / no such rental home in your scope")
    tenants = list(tenants_of(housing, today).order_by("arrived_on", "id"))
    record(actor, "housing.view", obj=housing, person_id=housing.owner_id, fields={"owner": housing.owner_id, "shown": [r.person_id for r in tenants]})
    return housing, tenants


def get_employer(*, actor, employer_id, today: datetime.date):
    """R4: one employer in scope with its employees on `today`; the employees shown are logged."""
    require(actor, Action.VIEW_PERSON)
    try:
        eid = int(employer_id)
    except (TypeError, ValueError):
        raise NotFound("用工单位不存在 / no such employer") from None
    employer = employers_in_scope(actor=actor).filter(pk=eid).first()
    if employer is None:
        raise NotFound("用工单位不存在或不在您的管辖范围内 / no such employer in your scope")
    employees = list(employees_of(employer, today).order_by("arrived_on", "id"))
    record(actor, "employer.view", obj=employer, fields={"shown": [r.person_id for r in employees]})
    return employer, employees


def policy_value_or_none(name, code, today):
    from liudong.policy.services import PolicyMissing, value

    try:
        return value(name, code, on=today)
    except PolicyMissing:
        return None


def dashboard_division(*, actor, division: str | None = None) -> Division:
    """The division whose counts the home page shows: the actor's own, or one inside it."""
    require(actor, Action.VIEW_DASHBOARD)
    code = (division or "").strip() or actor.division_id
    target = Division.objects.filter(code=code).first() if len(code) == 12 else None
    if target is None or not actor.in_scope(target.code):
        raise NotFound("区划不存在或不在您的管辖范围内 / no such division in your scope")
    return target


def home_counts(*, actor, today: datetime.date, division: str | None = None) -> dict:
    """T2, R5: the home page counts for the subtree of the actor's division (or one inside it),
    with inflow and outflow per child division under "children". Each figure is an SQL aggregate
    over an index range (one scan per side), never a loop over people in Python. A count whose
    policy value is missing is None."""
    from django.db.models import Count, F
    from django.db.models.functions import Coalesce, Substr

    from .choices import Relation, Sex

    target = dashboard_division(actor=actor, division=division)
    code = target.code
    width = PREFIX_LENGTH[min(target.level + 1, 5)]
    live = scope.lives_in(code)
    home = scope.registered_in(code)

    # Residence side, one scan: inflow per child division and, T2, the inflow married women of
    # childbearing age by origin (hukou in this province or another).
    age_min, age_max = policy_value_or_none("childbearing_age_min", code, today), policy_value_or_none("childbearing_age_max", code, today)
    aggregates = {"n": Count("pk")}
    if age_min is not None and age_max is not None:
        low, high = age_bounds(today, age_min, age_max)
        women = Q(sex=Sex.FEMALE, marital_status__in=MARRIED, birth_date__gte=low, birth_date__lte=high)
        aggregates["women"] = Count("pk", filter=women)
        aggregates["women_same"] = Count("pk", filter=women & Q(hukou_province=F("residence_province")))
        # T2, J2: the seed's births figure is "当年生育的已婚育龄妇女" (part 10): inflow married women of
        # childbearing age who gave birth this year (a child linked to her, born this year), in
        # the same scan; a newborn is not herself a floating adult of childbearing age (条例 第二条).
        born = FamilyLink.objects.filter(person_id=OuterRef("pk"), relation=Relation.CHILD,
                                         relative__birth_date__gte=today.replace(month=1, day=1), relative__birth_date__lte=today)
        aggregates["births"] = Count("pk", filter=women & Q(Exists(born)))
    inflow_rows = list(
        Person.objects.filter(live, floating=True)
        .annotate(part=Substr("residence_division_id", 1, width), hukou_province=Substr("hukou_division_id", 1, 2), residence_province=Substr("residence_division_id", 1, 2))
        .values("part").annotate(**aggregates).values("part", *aggregates)
    )
    # Hukou side, one scan: outflow per child division.
    outflow_rows = dict(
        Person.objects.filter(home, floating=True).annotate(part=Substr("hukou_division_id", 1, width))
        .values("part").annotate(n=Count("pk")).values_list("part", "n")
    )
    counts = {
        "inflow": sum(r["n"] for r in inflow_rows),
        "outflow": sum(outflow_rows.values()),
        "rental_homes": RentalHousing.objects.filter(in_range("division_id", code), closed_on__isnull=True).count(),
        "employers": Employer.objects.filter(in_range("division_id", code), closed_on__isnull=True).count(),
        "births": sum(r["births"] for r in inflow_rows) if "births" in aggregates else None,
        "women_childbearing_inflow_same_province": None, "women_childbearing_inflow_other_province": None,
    }
    if "women" in aggregates:
        same = sum(r["women_same"] for r in inflow_rows)
        counts["women_childbearing_inflow_same_province"], counts["women_childbearing_inflow_other_province"] = same, sum(r["women"] for r in inflow_rows) - same
    # R5 (system default after 国发〔2016〕13号): a left-behind child is under the policy age, lives
    # at home (not floating), has a parent away (floating) and no parent at home able to care for
    # her: both parents away, or one away and the other recorded as unable to care on the family
    # link. Until that is recorded, a parent at home counts as caring. (A child with one parent
    # recorded, who is away, counts: the records show no parent at home.)
    max_age = policy_value_or_none("left_behind_child_max_age", code, today)
    counts["left_behind_children"] = None
    if max_age is not None:
        low, _ = age_bounds(today, age_max=max_age)
        parents = FamilyLink.objects.filter(person_id=OuterRef("pk"), relation=Relation.PARENT)
        carer = parents.filter(relative__floating=False, parent_unable_to_care=False)
        counts["left_behind_children"] = (
            Person.objects.filter(home, floating=False, birth_date__gte=low, birth_date__lte=today, merged_into__isnull=True)
            .filter(Exists(parents.filter(relative__floating=True))).exclude(Exists(carer)).count()
        )
    # R5 (the same system default): an empty-nest elder is at least the policy age, lives at home
    # (not floating), and every child recorded lives elsewhere: away (floating), or at home but in
    # another place than the elder (her division of residence, else her hukou division). People
    # with no child recorded are not counted: the registry cannot tell "no children" from "none
    # recorded", and R5 counts the elderly of outflow families.
    min_age = policy_value_or_none("empty_nest_min_age", code, today)
    counts["empty_nest_elderly"] = None
    if min_age is not None:
        _, high = age_bounds(today, age_min=min_age)
        children = FamilyLink.objects.filter(person_id=OuterRef("pk"), relation=Relation.CHILD)
        near = children.annotate(place=Coalesce("relative__residence_division_id", "relative__hukou_division_id")).filter(place=OuterRef("place"))
        counts["empty_nest_elderly"] = (
            Person.objects.filter(home, floating=False, birth_date__lte=high, merged_into__isnull=True).annotate(place=Coalesce("residence_division_id", "hukou_division_id"))
            .filter(Exists(children)).exclude(Exists(near)).count()
        )
    inflow_by_part = {r["part"]: r["n"] for r in inflow_rows}
    counts["children"] = [
        {"code": c, "name": name, "inflow": inflow_by_part.get(c[:width], 0), "outflow": outflow_rows.get(c[:width], 0)}
        for c, name in Division.objects.filter(parent_id=code).order_by("code").values_list("code", "name")
    ] if target.level < 5 else []
    return counts
