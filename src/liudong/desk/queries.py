"""Every read of the query desk (invariants 2, 3): the people a subject may match (Q6, Q9), the
fields a category may be told (Q3), the desk's own requests, a station's consent tasks, the
register (Q8). Persons are found only through people.scope; each read of a person is logged."""
import datetime

from django.db.models import Exists, OuterRef, Q

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import is_system, require
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.errors import NotFound
from liudong.people import scope
from liudong.people.choices import ETHNICITIES, Education, Sex
from liudong.people.models import FamilyLink, PersonNameKey, Residence
from liudong.people.pinyin import name_keys
from liudong.people.queries import age_bounds

from . import rules
from .choices import SubjectState
from .models import ConsentTask, Inquiry

NO_INQUIRY = "查询申请不存在或不由本窗口受理 / no such request taken by your desk"
NO_TASK = "征询任务不存在或不属本所 / no such consent task of your station"
COVERS = "查询范围为本系统登记的本市户籍人口和暂住人口 / the answer covers the people registered in this system (the city's permanent and temporary residents)"


# ------------------------------------------------------------------ Q6, Q9: who a subject matches

def native_places(text: str) -> list[str]:
    """The divisions (province, city or county) a native place or birthplace names."""
    rows = Division.objects.filter(level__lte=3).filter(Q(name=text) | Q(name__startswith=text)).values_list("code", flat=True)[:20]
    return list(rows)


def registration_condition(area_code: str, on: datetime.date):
    """Q9: a temporary resident is one registered as such. The open residence recorded in the
    registry is that registration, except where `residence_registration.required` is in force
    (residence-registration): there only once her residence registration (居住登记) is completed."""
    from liudong.permits.models import RegistrationState, ResidenceRegistration
    from liudong.policy.services import PolicyMissing, value

    try:
        required = value("residence_registration.required", area_code, on)
    except PolicyMissing:
        required = False
    if not required:
        return None
    done = ResidenceRegistration.objects.filter(person_id=OuterRef("pk"), residence__left_on__isnull=True, state=RegistrationState.COMPLETED)
    return Q(Exists(done))


def population(area_code: str, kind: str, on: datetime.date):
    return scope.desk_population(area_code, kind, temporary_if=registration_condition(area_code, on))


def subject_matches(subject, *, area_code: str, today: datetime.date):
    """The persons of the area's Q9 population matching a named subject (申请表: name with 同音 or
    同字, sex, birth date or age range, ID number, native place, area or occupation, permanent or
    temporary population)."""
    qs = population(area_code, subject.population, today)
    if subject.match == "same_sound":
        qs = qs.filter(pk__in=PersonNameKey.objects.filter(key__in=name_keys(subject.name)).values("person_id"))
    else:
        # 同字 and exact: the name as written (no wildcard, no part of a name: Q6, Q3 (七)).
        qs = qs.filter(name=subject.name)
    if subject.sex:
        qs = qs.filter(sex=subject.sex)
    if subject.birth_date:
        qs = qs.filter(birth_date=subject.birth_date)
    if subject.age_min is not None or subject.age_max is not None:
        low, high = age_bounds(today, subject.age_min, subject.age_max)
        if low:
            qs = qs.filter(birth_date__gte=low)
        if high:
            qs = qs.filter(birth_date__lte=high)
    if subject.id_number:
        qs = qs.filter(id_number=subject.id_number)
    if subject.native_place:
        qs = qs.filter(scope.from_places(native_places(subject.native_place)))
    if subject.area_or_occupation:
        qs = qs.filter(area_or_employer(subject.area_or_occupation))
    return qs


def area_or_employer(text: str) -> Q:
    """Q6 (居住地址或单位职业, e.g. 潘家园附近, 原居住地为崇文区, 学校教师): the text in her registered
    address, her current address or employer's name, or the name of a division (district, street,
    community) where her hukou or her current residence lies."""
    here = Residence.objects.filter(person_id=OuterRef("pk"), left_on__isnull=True).filter(Q(address__contains=text) | Q(employer__name__contains=text))
    q = Q(hukou_address__contains=text) | Q(Exists(here))
    for code in Division.objects.filter(name__contains=text).values_list("code", flat=True)[:20]:
        q |= scope.registered_in(code) | scope.lives_in(code)
    return q


def statistics_count(subject, *, area_code: str, today: datetime.date) -> int:
    """Q3 (d): a count over the jurisdiction, never a person."""
    qs = population(area_code, subject.population, today)
    if subject.sex:
        qs = qs.filter(sex=subject.sex)
    if subject.age_min is not None or subject.age_max is not None:
        low, high = age_bounds(today, subject.age_min, subject.age_max)
        if low:
            qs = qs.filter(birth_date__gte=low)
        if high:
            qs = qs.filter(birth_date__lte=high)
    return qs.count()


def name_count(name: str, *, area_code: str, today: datetime.date) -> int:
    """Q3 (g): how many registered people of the city bear this name."""
    return population(area_code, "", today).filter(name=name).count()


def mask(name: str) -> str:
    """张*明, 李*: enough for the desk to choose among several matches, not to disclose a name."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def candidate_view(person) -> dict:
    county = person.hukou_division_id[:6].ljust(12, "0")
    place = Division.objects.filter(code=county).values_list("name", flat=True).first() or ""
    return {"person_id": person.pk, "masked_name": mask(person.name), "sex": person.sex, "birth_year": person.birth_date.year, "place": place}


# ------------------------------------------------------------------ Q3: what a category may be told

def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _label(choices, code) -> str:
    return dict(choices).get(code, code or "").split(" ")[0]


def _full_name(code: str) -> str:
    from liudong.divisions.queries import DivisionNames

    return DivisionNames([code]).full(code)


def person_fields(person, fields: list[str], *, on: datetime.date) -> dict:
    """Only the named fields of a person, as text to be told or printed (Q3, Q4)."""
    out = {}
    for f in fields:
        if f == "name":
            out[f] = person.name
        elif f == "sex":
            out[f] = _label(Sex.choices, person.sex)
        elif f == "age":
            out[f] = _age(person.birth_date, on)
        elif f == "ethnicity":
            out[f] = _label(ETHNICITIES, person.ethnicity)
        elif f == "id_number":
            out[f] = person.id_number or person.document_number
        elif f == "education":
            out[f] = _label(Education.choices, person.education) if person.education else ""
        elif f == "permanent_address":
            out[f] = " ".join(x for x in (_full_name(person.hukou_division_id), person.hukou_address) if x)
        elif f == "temporary_address":
            open_residence = Residence.objects.filter(person=person, left_on__isnull=True).select_related("division").first()
            out[f] = (" ".join(x for x in (_full_name(open_residence.division_id), open_residence.address) if x)
                      if open_residence is not None and open_residence.floating else "")
        elif f == "contact":
            out[f] = person.phone
        elif f == "family_members":
            links = FamilyLink.objects.filter(person=person).select_related("relative").order_by("id")
            out[f] = [{"name": link.relative.name, "relation": link.get_relation_display().split(" ")[0]} for link in links]
    return out


# ------------------------------------------------------------------ the desk's requests

def desk_inquiries(*, actor):
    """The requests taken by the actor's desk (Q7: the desk that took it keeps it)."""
    require(actor, Action.TAKE_QUERIES)
    qs = Inquiry.objects.all()
    if not is_system(actor):
        qs = qs.filter(division_id=actor.division_id)
    return qs


def get_inquiry(*, actor, inquiry_id, log: bool = True) -> Inquiry:
    """One request of the desk; another desk, station or role never opens it (404 / 403). Reading
    an answer that names persons is logged with them (invariant 3)."""
    try:
        pk = int(inquiry_id)
    except (TypeError, ValueError):
        raise NotFound(NO_INQUIRY) from None
    inquiry = desk_inquiries(actor=actor).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if inquiry is None:
        raise NotFound(NO_INQUIRY)
    if log:
        log_answer_read(actor=actor, inquiry=inquiry, action="inquiry.read")
    return inquiry


def open_scan(*, actor, inquiry_id, scan_id) -> tuple[str, str, bytes]:
    """Q8: one paper kept with a request of the actor's desk (name, type, bytes); logged."""
    from .models import InquiryScan

    inquiry = get_inquiry(actor=actor, inquiry_id=inquiry_id, log=False)
    scan = InquiryScan.objects.filter(inquiry=inquiry, pk=scan_id).first()
    if scan is None:
        raise NotFound(NO_INQUIRY)
    record(actor, "inquiry.scan.read", obj=inquiry, fields={"file_number": inquiry.file_number, "scan": scan.pk, "document": scan.document})
    return scan.name, scan.content_type, bytes(scan.data)


def log_answer_read(*, actor, inquiry: Inquiry, action: str):
    shown = [s for s in inquiry.subjects.all() if s.answer and s.person_id]
    for s in shown:
        record(actor, action, obj=inquiry, person_id=s.person_id, fields={"file_number": inquiry.file_number, "fields": sorted((s.answer or {}).get("person", {}))})
    if not shown:
        record(actor, action, obj=inquiry, fields={"file_number": inquiry.file_number})


def lapsed(state: str, due_on, answered_on, today: datetime.date) -> str:
    """A consent not given by its due day is refused by silence: nothing is disclosed (Q3 (f))."""
    if state == SubjectState.AWAITING_CONSENT and due_on is not None and answered_on is None and today > due_on:
        return SubjectState.CONSENT_LAPSED
    return state


def effective_state(subject, today: datetime.date) -> str:
    task = getattr(subject, "consent_task", None) if subject.state == SubjectState.AWAITING_CONSENT else None
    return lapsed(subject.state, task.due_on, task.answered_on, today) if task is not None else subject.state


def consent_tasks(*, actor, include_answered: bool = False):
    """Q7: the tasks of the actor's station: subject, requester, relationship and reason only;
    with, issue 16, the copies of tasks from desks on other nodes (no subject here), and without
    this node's own tasks for a station on another node (its copy there is the one answered)."""
    require(actor, Action.ANSWER_CONSENT)
    qs = ConsentTask.objects.select_related("subject__inquiry__division", "subject__person", "person", "desk").order_by("due_on", "id")
    if not is_system(actor):
        qs = qs.filter(station_id=actor.division_id)
    if not include_answered:
        qs = qs.filter(answered_on__isnull=True)
    return qs.exclude(subject__isnull=False, global_id__isnull=False)


def log_tasks_shown(*, actor, tasks):
    tasks = list(tasks)
    if tasks:
        record(actor, "inquiry.consent_tasks", object_type="consenttask", fields={"shown": [t.pk for t in tasks], "person_ids": sorted({t.whom_id for t in tasks if t.whom_id})})
    return tasks


def flagged_inquiries(*, actor):
    """Abuse (issue 12, 6): requests flagged at the desks of the actor's county, without answers."""
    require(actor, Action.ANSWER_CONSENT)
    qs = Inquiry.objects.filter(flagged=True)
    if not is_system(actor):
        qs = qs.filter(in_range("division_id", rules.county_of(actor.division_id)))
    return qs.order_by("-received_on", "-id")


def register_rows(*, actor, start: datetime.date, end: datetime.date):
    """Q8: the register of the desk for a period, in date order (the papers are bound by date)."""
    return desk_inquiries(actor=actor).filter(received_on__gte=start, received_on__lte=end).order_by("received_on", "id")


REGISTER_BATCH = 900  # ids per IN list: within SQLite's limit on bound parameters


def register_parts(inquiry_ids: list[int]) -> tuple[dict, dict, dict]:
    """Q8: for the register's requests, their documents, subjects (with the consent task's dates)
    and scans (without their bytes), by request id, read as plain values: a year of a busy desk is
    50,000 requests, too many for Django's per-object prefetching (10 s of CPU against 1 s)."""
    from .models import InquiryDocument, InquiryScan, Subject

    documents, subjects, scans = {}, {}, {}
    for i in range(0, len(inquiry_ids), REGISTER_BATCH):
        batch = inquiry_ids[i:i + REGISTER_BATCH]
        for inquiry_id, document in InquiryDocument.objects.filter(inquiry_id__in=batch).order_by("id").values_list("inquiry_id", "document"):
            documents.setdefault(inquiry_id, []).append(document)
        for row in Subject.objects.filter(inquiry_id__in=batch).order_by("inquiry_id", "position").values(
                "inquiry_id", "name", "sex", "state", "count", "person_id", "consent_task__due_on", "consent_task__answered_on"):
            subjects.setdefault(row["inquiry_id"], []).append(row)
        for inquiry_id, pk, document, name in InquiryScan.objects.filter(inquiry_id__in=batch).order_by("id").values_list("inquiry_id", "id", "document", "name"):
            scans.setdefault(inquiry_id, []).append((pk, document, name))
    return documents, subjects, scans
