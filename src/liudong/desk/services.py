"""Q1-Q9: every write of the query desk (invariant 1). Each service takes the acting account
(`actor`, keyword-only) and the moment of the act (`now`), checks role and scope, validates, writes
in one transaction and audits in it.

Q6: check documents → tell the requester the rules and duties (notice acknowledged, form signed)
→ record → query. A request the desk must refuse (an excluded category, missing documents or
reason, a subject not named, a wildcard or one-character name) is recorded with its reason and
routing and is a line of the register; malformed input is an `Invalid` and writes nothing.
"""
import base64
import binascii
import datetime

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action, Role
from liudong.accounts.permissions import is_system, require
from liudong.dates import local_day
from liudong.divisions.models import Division
from liudong.divisions.queries import parse_division
from liudong.errors import Denied, Invalid, NotFound
from liudong.identifiers import IdentifierError, check_phone, parse_resident_id
from liudong.limits import ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS, base64_length
from liudong.people.models import NAME_RE
from liudong.policy.calendar import add_working_days

from . import queries, rules
from .choices import DISCLOSED_STATES, DOCUMENTS, FIELDS, MATCHES, POPULATIONS, WILDCARDS, State, SubjectState, zh
from .models import Candidate, ConsentTask, Inquiry, InquiryDocument, InquiryScan, Subject

MAX_SUBJECTS = 200
SCAN_TYPES = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n", "image/tiff": b""}
TIFF_MAGIC = (b"II*\x00", b"MM\x00*")
STATE_CONFLICT = "state"

# Issue 16: a consent task for a station on another node, and the answer of a station here to a
# desk on another node, leave in the act's transaction (desk.node_consent registers itself here:
# this module never imports it, which imports us). ASKED: fn(task, now=); ANSWERED: fn(task, now=).
ASKED: list = []
ANSWERED: list = []


def _desk(actor, data, errors) -> Division | None:
    if is_system(actor):
        return parse_division(data, "division", errors)
    if actor.role != Role.QUERY_DESK:
        raise Denied("只有查询窗口受理对外查询 / only a query desk takes outside queries")
    return actor.division


def _int(data: dict, field: str, errors: dict, low: int, high: int):
    v = data.get(field)
    if v is None or v == "":
        return None
    if isinstance(v, bool) or not isinstance(v, (int, str)) or not str(v).strip().isdigit():
        fields.add(errors, field, "应为整数 / must be a whole number")
        return None
    v = int(v)
    if not low <= v <= high:
        fields.add(errors, field, f"应在 {low} 至 {high} 之间 / must lie between {low} and {high}")
        return None
    return v


def _subject(raw, i: int, errors: dict, today: datetime.date) -> dict:
    p = f"subjects.{i}."
    if not isinstance(raw, dict):
        errors[f"subjects.{i}"] = ["应为JSON对象 / must be a JSON object"]
        return {}
    sub_errors: dict = {}
    name = fields.text(raw, "name", sub_errors, max_length=50)
    wildcard = bool(name) and any(c in WILDCARDS for c in name)
    if name and not wildcard and not NAME_RE.match(name):
        fields.add(sub_errors, "name", "姓名只能包含汉字、字母和间隔号 / a name has Chinese characters, letters and the middle dot only")
    out = {
        "name": name, "wildcard": wildcard,
        "match": fields.choice(raw, "match", sub_errors, choices=MATCHES, default="same_sound"),
        "sex": fields.choice(raw, "sex", sub_errors, choices=("M", "F")),
        "birth_date": fields.date(raw, "birth_date", sub_errors, today=today),
        "age_min": _int(raw, "age_min", sub_errors, 0, 150),
        "age_max": _int(raw, "age_max", sub_errors, 0, 150),
        "native_place": fields.text(raw, "native_place", sub_errors, max_length=100),
        "area_or_occupation": fields.text(raw, "area_or_occupation", sub_errors, max_length=200),
        "population": fields.choice(raw, "population", sub_errors, choices=POPULATIONS),
        "named_in_letter": fields.flag(raw, "named_in_letter", default=True),
        "id_number": "",
    }
    if out["age_min"] is not None and out["age_max"] is not None and out["age_min"] > out["age_max"]:
        fields.add(sub_errors, "age_max", "最大年龄小于最小年龄 / the maximum age is below the minimum")
    raw_id = fields.text(raw, "id_number", sub_errors, max_length=40)
    if raw_id:
        try:
            out["id_number"] = parse_resident_id(raw_id, today=today)["id_number"]
        except IdentifierError as e:
            fields.add(sub_errors, "id_number", str(e))
    for k, v in sub_errors.items():
        errors[p + k] = v
    return out


def _scans(items, shown: set[str], errors: dict) -> list[tuple[str, str, str, bytes]]:
    """Q8: scans of the papers shown, kept with the register (PDF, JPEG, PNG, TIFF; 2 MB each)."""
    out = []
    if not items:
        return out
    if not isinstance(items, list) or len(items) > MAX_ATTACHMENTS:
        errors["scans"] = [f"最多 {MAX_ATTACHMENTS} 个扫描件 / at most {MAX_ATTACHMENTS} scans"]
        return out
    for i, item in enumerate(items):
        p = f"scans.{i}."
        if isinstance(item, (tuple, list)) and len(item) == 4:
            document, name, content_type, data = item
        elif isinstance(item, dict):
            document, name, content_type = item.get("document"), item.get("name") or "scan", item.get("content_type")
            text = "".join(str(item.get("data") or "").split())
            if len(text) > base64_length(ATTACHMENT_MAX_BYTES):
                errors[p + "data"] = [f"文件超过 2 MB / larger than 2 MB ({ATTACHMENT_MAX_BYTES} bytes)"]
                continue
            try:
                data = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                errors[p + "data"] = ["不是有效的 Base64 / not valid base64"]
                continue
        else:
            errors[f"scans.{i}"] = ["应为JSON对象 / must be a JSON object"]
            continue
        if document not in shown:
            errors[p + "document"] = ["扫描件应属于已勾选的证件 / a scan belongs to a document ticked as shown"]
        if content_type not in SCAN_TYPES:
            errors[p + "content_type"] = ["只接受 PDF、JPEG、PNG、TIFF 扫描件 / only PDF, JPEG, PNG or TIFF scans"]
            continue
        if not data or len(data) > ATTACHMENT_MAX_BYTES:
            errors[p + "data"] = [f"文件为空或超过 2 MB / empty or larger than 2 MB ({ATTACHMENT_MAX_BYTES} bytes)"]
            continue
        magic_ok = data.startswith(TIFF_MAGIC) if content_type == "image/tiff" else data.startswith(SCAN_TYPES[content_type])
        if not magic_ok:
            errors[p + "data"] = [f"文件内容不是所标明的 {content_type} 格式 / the file is not the {content_type} it claims to be"]
            continue
        clean = "".join(c for c in str(name) if c.isprintable()).replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "scan"
        out.append((document, clean, content_type, data))
    return out


def _file_number(division: Division, on: datetime.date) -> str:
    prefix = f"{division.code[:6]}-{on.year}-"
    last = Inquiry.objects.filter(file_number__startswith=prefix).order_by("-file_number").values_list("file_number", flat=True).first()
    seq = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _refusals(category: str, spec: dict, *, shown: set[str], reason: str, relationship: str, subjects: list[dict]) -> list[str]:
    """Q2, Q3, Q5, Q6: why the desk must refuse, in the order the procedure checks; [] to proceed."""
    if spec.get("routing"):
        return [f"此类查询不由查询窗口受理，请通过{zh(spec['routing'])}办理 / not handled at the desk: go through {spec['routing'].split(' / ')[-1]}"]
    out = []
    missing = rules.missing_documents(spec, shown)
    if not rules.documents_complete(spec, shown):
        out.append("缺少证件或证明：" + "、".join(zh(DOCUMENTS[d]) for d in missing) + " / documents missing: " + ", ".join(DOCUMENTS[d].split(" / ")[-1] for d in missing))
    if not reason:
        out.append("未说明查询原因 / no reason given for the query")
    if spec.get("consent") and not relationship:
        out.append("未说明与被查询人的关系 / the relationship to the person is not stated")
    if spec.get("count_of") == "statistics":
        if any(s["name"] or s["id_number"] for s in subjects):
            out.append("统计查询只提供统计数字，不查询具体人员 / a statistics query gives counts only, never a named person")
        return out
    if not subjects:
        out.append("未列明被查询人 / no person to look for is named")
    for i, s in enumerate(subjects, 1):
        if s["wildcard"]:
            out.append(f"第{i}名被查询人姓名含通配符，不予查询 / person {i}: a name with a wildcard is not searched")
        elif not s["name"]:
            out.append(f"第{i}名被查询人未列明姓名 / person {i}: no name given")
        elif len("".join(s["name"].split())) < 2:
            out.append(f"第{i}名被查询人姓名只有一个字，不予查询 / person {i}: a one-character name is not searched")
        if spec.get("named_in_letter") and not s["named_in_letter"]:
            out.append(f"第{i}名被查询人未在介绍信（或盖章名单）中列明 / person {i} is not named in the letter or its stamped list")
    return out


def requester_key(inquiry: Inquiry) -> dict:
    return {"requester_id_number": inquiry.requester_id_number} if inquiry.requester_id_number else {"requester_name": inquiry.requester_name, "requester_unit": inquiry.requester_unit}


def _flag_abuse(actor, inquiry: Inquiry, today: datetime.date):
    """Issue 12, 6: the same requester or unit asking about many people in a short window is
    flagged to the police of the desk's county (thresholds: policy)."""
    window = rules.number("abuse_window_days", inquiry.division_id, today)
    limit = rules.number("abuse_subjects", inquiry.division_id, today)
    from liudong.divisions.queries import in_range

    county = rules.county_of(inquiry.division_id)
    since = today - datetime.timedelta(days=window)
    recent = Inquiry.objects.filter(in_range("division_id", county), received_on__gt=since, received_on__lte=today)
    same = recent.filter(**requester_key(inquiry))
    asked = Subject.objects.filter(inquiry__in=same).count()
    by_unit = Subject.objects.filter(inquiry__in=recent.filter(requester_unit=inquiry.requester_unit)).count() if inquiry.requester_unit else 0
    if max(asked, by_unit) >= limit:
        inquiry.flagged = True
        inquiry.save(update_fields=["flagged"])
        record(actor, "inquiry.flagged", obj=inquiry, division_code=county, fields={
            "file_number": inquiry.file_number, "requester": inquiry.requester_name, "unit": inquiry.requester_unit,
            "subjects_in_window": max(asked, by_unit), "window_days": window, "threshold": limit})


@transaction.atomic
def create_inquiry(*, actor, data: dict, now: datetime.datetime, scans=None) -> Inquiry:
    """Q6: the desk records a request: its category, requester, documents shown, reason and the
    persons named. 201 refused (with reason and routing) or checked / recorded."""
    require(actor, Action.TAKE_QUERIES)
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    data = data if isinstance(data, dict) else {}
    desk = _desk(actor, data, errors)
    if desk is None:
        raise Invalid(errors or {"division": ["必填 / required"]})
    codes = rules.category_codes(desk.code, today)
    category = fields.choice(data, "category", errors, choices=codes, required=True)
    requester = data.get("requester")
    if not isinstance(requester, dict):
        errors["requester"] = ["应为JSON对象，含姓名 / must be a JSON object with the requester's name"]
        requester = {}
    r_errors: dict = {}
    r_name = fields.text(requester, "name", r_errors, max_length=50, required=True)
    r_unit = fields.text(requester, "unit", r_errors, max_length=200)
    # 附件2 填表说明 二(一): 证件名称 and 证件号码 (居民身份证, 工作证, 军官证, 律师证, 护照 …).
    r_document = fields.text(requester, "id_document", r_errors, max_length=40)
    r_id = fields.document_number(requester, "id_number", r_errors, required=False)
    r_address = fields.text(requester, "address", r_errors, max_length=200)
    r_phone = fields.text(requester, "phone", r_errors, max_length=30)
    if r_phone:
        try:
            r_phone = check_phone(r_phone)
        except IdentifierError as e:
            fields.add(r_errors, "phone", str(e))
    for k, v in r_errors.items():
        errors[f"requester.{k}"] = v
    docs = data.get("documents") or []
    if not isinstance(docs, list) or not all(isinstance(d, str) for d in docs):
        errors["documents"] = ["应为证件编号列表 / must be a list of document ids"]
        docs = []
    unknown = [d for d in docs if d not in DOCUMENTS]
    if unknown:
        errors["documents"] = [f"未知的证件：{', '.join(x[:40] for x in unknown[:5])}；可选 {', '.join(DOCUMENTS)} / unknown documents; choose among {', '.join(DOCUMENTS)}"]
    shown = {d for d in docs if d in DOCUMENTS}
    reason = fields.text(data, "reason", errors, max_length=1000, multiline=True)
    relationship = fields.text(data, "relationship", errors, max_length=200)
    raw_subjects = data.get("subjects") or []
    if not isinstance(raw_subjects, list):
        errors["subjects"] = ["应为列表 / must be a list"]
        raw_subjects = []
    if len(raw_subjects) > MAX_SUBJECTS:
        errors["subjects"] = [f"一次最多 {MAX_SUBJECTS} 人 / at most {MAX_SUBJECTS} persons a request"]
        raw_subjects = []
    subjects = [_subject(raw, i, errors, today) for i, raw in enumerate(raw_subjects)]
    files = _scans(scans if scans is not None else data.get("scans"), shown, errors)
    if errors:
        raise Invalid(errors)
    spec = rules.spec(desk.code, today, category)
    if spec.get("count_of") == "statistics" and not subjects:
        subjects = [{"name": "", "wildcard": False, "match": "", "sex": "", "birth_date": None, "age_min": None, "age_max": None, "native_place": "",
                     "area_or_occupation": "", "population": "", "named_in_letter": True, "id_number": ""}]
    refusals = _refusals(category, spec, shown=shown, reason=reason, relationship=relationship, subjects=subjects)
    acknowledged = fields.flag(data, "notice_acknowledged")
    state = State.REFUSED if refusals else (State.RECORDED if acknowledged else State.CHECKED)
    inquiry = Inquiry.objects.create(
        division=desk, file_number=_file_number(desk, today), category=category, rule_set=rules.rule_set(desk.code, today), state=state,
        received_on=today, received_at=now, received_by=actor if not is_system(actor) else None,
        requester_name=r_name, requester_unit=r_unit, requester_id_document=r_document, requester_id_number=r_id, requester_phone=r_phone, requester_address=r_address,
        reason=reason, relationship=relationship, refusal_reason="\n".join(refusals), routing=spec.get("routing") or "",
        notice_acknowledged_at=now if acknowledged and not refusals else None)
    InquiryDocument.objects.bulk_create([InquiryDocument(inquiry=inquiry, document=d) for d in sorted(shown)])
    for document, name, content_type, blob in files:
        InquiryScan.objects.create(inquiry=inquiry, document=document, name=name, content_type=content_type, size=len(blob), data=blob)
    for i, s in enumerate(subjects, 1):
        Subject.objects.create(inquiry=inquiry, position=i, name=s["name"][:50], match=s["match"], sex=s["sex"], birth_date=s["birth_date"],
                               age_min=s["age_min"], age_max=s["age_max"], id_number=s["id_number"], native_place=s["native_place"],
                               area_or_occupation=s["area_or_occupation"], population=s["population"])
    record(actor, "inquiry.refuse" if refusals else "inquiry.create", obj=inquiry, fields={
        "file_number": inquiry.file_number, "category": category, "rule_set": inquiry.rule_set, "documents": sorted(shown),
        "subjects": [s["name"] for s in subjects], "refusals": refusals, "routing": inquiry.routing, "notice_acknowledged": bool(inquiry.notice_acknowledged_at)})
    _flag_abuse(actor, inquiry, today)
    return inquiry


def _locked(actor, inquiry_id) -> Inquiry:
    inquiry = queries.get_inquiry(actor=actor, inquiry_id=inquiry_id, log=False)
    return Inquiry.objects.select_for_update().get(pk=inquiry.pk)


def _conflict(inquiry: Inquiry, expected: str) -> Invalid:
    return Invalid({STATE_CONFLICT: [f"申请状态为“{inquiry.get_state_display().split(' ')[0]}”，{expected} / the request is {inquiry.state}: {expected.split(' / ')[-1] if ' / ' in expected else expected}"]})


@transaction.atomic
def acknowledge(*, actor, inquiry_id, now: datetime.datetime) -> Inquiry:
    """Q6: the requester has read the notice of rules and duties and signed the form (申请表)."""
    require(actor, Action.TAKE_QUERIES)
    inquiry = _locked(actor, inquiry_id)
    if inquiry.state != State.CHECKED:
        raise _conflict(inquiry, "只有证件已审核、尚未告知的申请可确认告知 / only a checked request awaits the notice")
    inquiry.notice_acknowledged_at = now
    inquiry.state = State.RECORDED
    inquiry.save(update_fields=["notice_acknowledged_at", "state"])
    record(actor, "inquiry.acknowledge", obj=inquiry, fields={"file_number": inquiry.file_number})
    return inquiry


def _station_of(person) -> Division | None:
    """Q7: the police station (township-level division) where the person lives."""
    code = person.residence_division_id or person.hukou_division_id
    station = code[:9].ljust(12, "0") if code[6:9] != "000" else code[:6].ljust(12, "0")
    return Division.objects.filter(code=station).first() or Division.objects.filter(code=code).first()


def _disclose(actor, inquiry: Inquiry, subject: Subject, spec: dict, today: datetime.date, only=None):
    chosen = [f for f in spec["fields"] if only is None or f in only]
    subject.answer = {"person": queries.person_fields(subject.person, chosen, on=today), "fields": chosen, "answered_on": today.isoformat()}
    subject.state = SubjectState.ANSWERED
    record(actor, "inquiry.disclose", obj=inquiry, person_id=subject.person_id, fields={"file_number": inquiry.file_number, "subject": subject.position, "fields": chosen})


def _proceed(actor, inquiry: Inquiry, subject: Subject, spec: dict, now: datetime.datetime):
    """One person chosen: ask her consent through her station (Q3 (f), Q7), or answer."""
    today = local_day(now)
    if spec.get("consent"):
        station = _station_of(subject.person)
        days = rules.number("consent_working_days", inquiry.division_id, inquiry.received_on)
        due = add_working_days(today, days, field=STATE_CONFLICT)
        task = ConsentTask.objects.create(subject=subject, station=station, created_on=today, due_on=due)
        subject.state = SubjectState.AWAITING_CONSENT
        record(actor, "inquiry.consent_task", obj=inquiry, person_id=subject.person_id, fields={"file_number": inquiry.file_number, "station": station.code, "due_on": due.isoformat()})
        for fn in ASKED:
            fn(task, now=now)  # her station on another node (issue 16)
    else:
        _disclose(actor, inquiry, subject, spec, today)


def _settle(inquiry: Inquiry, today: datetime.date):
    states = [s.state for s in inquiry.subjects.all()]
    for waiting, state in ((SubjectState.CHOOSING, State.CHOOSING), (SubjectState.AWAITING_CONSENT, State.AWAITING_CONSENT),
                           (SubjectState.AWAITING_APPROVAL, State.AWAITING_APPROVAL), (SubjectState.PENDING, State.RECORDED)):
        if waiting in states:
            inquiry.state = state
            break
    else:
        told = DISCLOSED_STATES | {SubjectState.NOT_FOUND, SubjectState.TOO_MANY}
        inquiry.state = State.ANSWERED if any(s in told for s in states) else State.CLOSED
        inquiry.answered_on = today
    inquiry.save(update_fields=["state", "answered_on"])


def _count(actor, inquiry: Inquiry, spec: dict, today: datetime.date):
    area = rules.county_of(inquiry.division_id)
    for subject in inquiry.subjects.all():
        subject.count = queries.statistics_count(subject, area_code=area, today=today)
        subject.state = SubjectState.COUNTED
        subject.save(update_fields=["count", "state"])
    record(actor, "inquiry.count", obj=inquiry, fields={"file_number": inquiry.file_number, "area": area, "counts": [s.count for s in inquiry.subjects.all()]})


def _search(actor, inquiry: Inquiry, spec: dict, now: datetime.datetime):
    """Each pending subject: a count over criteria (Q3 (d)), a count of a name (Q3 (g)), or the
    search of a named person among the city's Q9 population (the category's `count_of` says which)."""
    today = local_day(now)
    if spec.get("count_of") == "statistics":
        _count(actor, inquiry, spec, today)
        return
    city = rules.city_of(inquiry.division_id)
    ceiling = rules.number("max_matches", inquiry.division_id, inquiry.received_on)
    for subject in inquiry.subjects.filter(state=SubjectState.PENDING):
        if spec.get("count_of") == "name":
            subject.count = queries.name_count(subject.name, area_code=city, today=today)
            subject.state = SubjectState.COUNTED
            record(actor, "inquiry.count", obj=inquiry, fields={"file_number": inquiry.file_number, "name": subject.name, "count": subject.count})
            subject.save()
            continue
        qs = queries.subject_matches(subject, area_code=city, today=today)
        found = list(qs.order_by("id")[: ceiling + 1])
        subject.match_count = len(found) if len(found) <= ceiling else qs.count()
        record(actor, "inquiry.search", obj=inquiry, fields={
            "file_number": inquiry.file_number, "subject": subject.position, "criteria": {k: str(getattr(subject, k)) for k in (
                "name", "match", "sex", "birth_date", "age_min", "age_max", "id_number", "native_place", "area_or_occupation", "population") if getattr(subject, k) not in (None, "")},
            "count": subject.match_count, "shown": [p.pk for p in found] if len(found) <= ceiling else []})
        if not found:
            subject.state = SubjectState.NOT_FOUND
        elif len(found) > ceiling:
            subject.state = SubjectState.TOO_MANY
        elif len(found) == 1:
            subject.person = found[0]
            _proceed(actor, inquiry, subject, spec, now)
        else:
            Candidate.objects.bulk_create([Candidate(subject=subject, person=p) for p in found])
            subject.state = SubjectState.CHOOSING
        subject.save()


@transaction.atomic
def run(*, actor, inquiry_id, now: datetime.datetime) -> Inquiry:
    """Q6, Q9: search each named person among the city's registered people; one match proceeds,
    several are shown masked for the desk to choose, too many ask for more details. Counts for
    a newborn's name (Q3 (g)) and, once approved, statistics (Q3 (d))."""
    require(actor, Action.TAKE_QUERIES)
    today = local_day(now)
    inquiry = _locked(actor, inquiry_id)
    if inquiry.state != State.RECORDED:
        raise _conflict(inquiry, "只有已登记（已告知并签字）的申请可查询 / only a recorded request (notice acknowledged, form signed) is searched")
    spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    if spec.get("approval") and not inquiry.approved:
        # Q3 (d): nothing is searched or counted before the superior office approves (approve()).
        inquiry.subjects.filter(state=SubjectState.PENDING).update(state=SubjectState.AWAITING_APPROVAL)
    else:
        _search(actor, inquiry, spec, now)
    _settle(inquiry, today)
    return inquiry


@transaction.atomic
def select(*, actor, inquiry_id, data: dict, now: datetime.datetime) -> Inquiry:
    """Q6: where several matched, the desk picks the person the requester means."""
    require(actor, Action.TAKE_QUERIES)
    today = local_day(now)
    inquiry = _locked(actor, inquiry_id)
    errors: dict = {}
    raw = (data or {}).get("person_id")
    if raw is None or isinstance(raw, bool) or not str(raw).strip().isdigit():
        errors["person_id"] = ["必填，应为人员编号 / required: a person id among the matches"]
        raise Invalid(errors)
    if inquiry.state != State.CHOOSING:
        raise _conflict(inquiry, "没有待选定的被查询人 / no person is waiting to be chosen")
    candidate = Candidate.objects.filter(subject__inquiry=inquiry, subject__state=SubjectState.CHOOSING, person_id=int(raw)).select_related("subject", "person").first()
    if candidate is None:
        raise Invalid({"person_id": ["不在本申请的符合人员之中 / not among this request's matches"]})
    subject = candidate.subject
    subject.person = candidate.person
    spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    record(actor, "inquiry.select", obj=inquiry, person_id=subject.person_id, fields={"file_number": inquiry.file_number, "subject": subject.position})
    _proceed(actor, inquiry, subject, spec, now)
    subject.save()
    _settle(inquiry, today)
    return inquiry


def _consent_input(data) -> tuple[bool, list | None]:
    data = data if isinstance(data, dict) else {}
    errors: dict = {}
    granted = data.get("granted")
    if not isinstance(granted, bool):
        errors["granted"] = ["必填：true（同意）或 false（不同意） / required: true (consents) or false (refuses)"]
    only = data.get("fields")
    if only is not None and (not isinstance(only, list) or any(f not in FIELDS for f in only)):
        errors["fields"] = [f"应为字段列表，可选 {', '.join(FIELDS)} / a list of fields among {', '.join(FIELDS)}"]
    if errors:
        raise Invalid(errors)
    return granted, only


@transaction.atomic
def answer_consent(*, actor, inquiry_id, data: dict, now: datetime.datetime) -> Inquiry:
    """Q7: the station where the person lives records whether she consents; a refusal ends it with
    nothing disclosed. Another station, or a day after the period, is refused."""
    require(actor, Action.ANSWER_CONSENT)
    data = data if isinstance(data, dict) else {}
    errors: dict = {}
    raw = data.get("person_id")
    if raw is None or isinstance(raw, bool) or not str(raw).strip().isdigit():
        errors["person_id"] = ["必填，应为人员编号 / required: the person's id"]
    try:
        granted, only = _consent_input(data)
    except Invalid as e:
        errors.update(e.errors)
    if errors:
        raise Invalid(errors)
    try:
        pk = int(inquiry_id)
    except (TypeError, ValueError):
        raise NotFound(queries.NO_INQUIRY) from None
    tasks = ConsentTask.objects.select_for_update(of=("self",)).filter(subject__inquiry_id=pk, subject__person_id=int(raw))
    if not is_system(actor):
        tasks = tasks.filter(station_id=actor.division_id)
    task = tasks.select_related("subject__inquiry", "subject__person").first()
    if task is None:
        raise NotFound(queries.NO_INQUIRY)
    _answer(actor, task, granted, only, now)
    return task.subject.inquiry


@transaction.atomic
def answer_consent_task(*, actor, task_id, data: dict, now: datetime.datetime) -> ConsentTask:
    """Q7 by the task's own id: the station's list holds the tasks of the desks of this node and,
    issue 16, the copies of tasks from desks on other nodes (no request here to name)."""
    require(actor, Action.ANSWER_CONSENT)
    granted, only = _consent_input(data)
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise NotFound(queries.NO_TASK) from None
    tasks = ConsentTask.objects.select_for_update(of=("self",)).filter(pk=pk) if 0 < pk < 2**63 else ConsentTask.objects.none()
    if not is_system(actor):
        tasks = tasks.filter(station_id=actor.division_id)
    task = tasks.select_related("subject__inquiry", "subject__person", "person").first()
    if task is None or (task.subject_id is None and task.global_id is None):
        raise NotFound(queries.NO_TASK)
    _answer(actor, task, granted, only, now)
    return task


def _answer(actor, task: ConsentTask, granted: bool, only: list | None, now: datetime.datetime) -> None:
    today = local_day(now)
    if task.subject_id is not None and task.global_id is not None:
        raise Invalid({STATE_CONFLICT: ["她的现住地派出所在其他节点，由该所答复 / her station is on another node: it answers there"]})
    if task.answered_on is not None:
        raise Invalid({STATE_CONFLICT: [f"已于 {task.answered_on} 答复 / answered on {task.answered_on} already"]})
    if today > task.due_on:
        raise Invalid({STATE_CONFLICT: [f"答复期限 {task.due_on} 已过，未取得同意，不提供信息 / the period ended on {task.due_on}: no consent, nothing is disclosed"]})
    if task.subject_id is None:
        # Issue 16: the copy of a task from a desk on another node: her answer goes back there,
        # whose clock decides whether it came in time (desk.node_consent).
        if only is not None and any(f not in task.offered for f in only):
            raise Invalid({"fields": ["只能是该类查询可提供的字段 / only fields this category may be told"]})
        task.answered_on, task.granted, task.answered_by = today, granted, actor if not is_system(actor) else None
        task.fields = list(only) if (granted and only is not None) else (list(task.offered) if granted else [])
        task.save()
        record(actor, "inquiry.consent", object_type="consenttask", object_id=task.pk, person_id=task.person_id,
               division_code=None if not is_system(actor) else task.station_id,
               fields={"file_number": task.file_number, "desk": task.desk_id, "granted": granted, "fields": task.fields})
        for fn in ANSWERED:
            fn(task, now=now)
        return
    subject, inquiry = task.subject, task.subject.inquiry
    spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    if only is not None and any(f not in spec["fields"] for f in only):
        raise Invalid({"fields": ["只能是该类查询可提供的字段 / only fields this category may be told"]})
    task.answered_on, task.granted, task.answered_by = today, granted, actor if not is_system(actor) else None
    task.fields = list(only) if (granted and only is not None) else (list(spec["fields"]) if granted else [])
    task.save()
    record(actor, "inquiry.consent", obj=inquiry, person_id=subject.person_id, division_code=None if not is_system(actor) else task.station_id,
           fields={"file_number": inquiry.file_number, "granted": granted, "fields": task.fields})
    settle_consent(actor=actor, task=task, today=today)


def settle_consent(*, actor, task: ConsentTask, today: datetime.date, late: bool = False) -> None:
    """Her answer, recorded on the desk's task, discloses or refuses (also when it came from her
    station on another node: desk.node_consent). `late`: it reached the desk after the due day,
    when her consent had lapsed: nothing is disclosed (Q3 (三))."""
    subject, inquiry = task.subject, task.subject.inquiry
    # The task alone was locked (its subject may be null: no outer join under FOR UPDATE on
    # PostgreSQL); the request is locked here, as two subjects' answers settle it.
    Inquiry.objects.select_for_update().filter(pk=inquiry.pk).first()
    spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    if late:
        if subject.state == SubjectState.AWAITING_CONSENT:
            subject.state = SubjectState.CONSENT_LAPSED
    elif task.granted:
        _disclose(actor, inquiry, subject, spec, today, only=[f for f in task.fields if f in spec["fields"]])
    else:
        subject.state = SubjectState.CONSENT_REFUSED
    subject.save()
    _settle(inquiry, today)


@transaction.atomic
def approve(*, actor, inquiry_id, data: dict, now: datetime.datetime) -> Inquiry:
    """Q3 (d): the superior population office (a county officer or above of the desk's county)
    approves or refuses a statistics query; approved, the counts are given."""
    require(actor, Action.APPROVE_QUERY_STATISTICS)
    today = local_day(now)
    data = data if isinstance(data, dict) else {}
    approved = data.get("approved", True)
    if not isinstance(approved, bool):
        raise Invalid({"approved": ["应为 true 或 false / must be true or false"]})
    try:
        pk = int(inquiry_id)
    except (TypeError, ValueError):
        raise NotFound(queries.NO_INQUIRY) from None
    inquiry = Inquiry.objects.select_for_update().filter(pk=pk).first() if 0 < pk < 2**63 else None
    if inquiry is None or not (is_system(actor) or actor.in_scope(rules.county_of(inquiry.division_id))):
        raise NotFound(queries.NO_INQUIRY)
    spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    if not spec.get("approval"):
        raise Invalid({STATE_CONFLICT: ["此类查询无需批准 / this category needs no approval"]})
    if inquiry.approved is not None or inquiry.state not in (State.CHECKED, State.RECORDED, State.AWAITING_APPROVAL):
        raise _conflict(inquiry, "已批准、已答复或不予受理的申请不能再批准 / it cannot be approved now")
    inquiry.approved, inquiry.approved_at, inquiry.approved_by = approved, now, actor if not is_system(actor) else None
    inquiry.save(update_fields=["approved", "approved_at", "approved_by"])
    record(actor, "inquiry.approve", obj=inquiry, division_code=None if not is_system(actor) else inquiry.division_id,
           fields={"file_number": inquiry.file_number, "approved": approved})
    if inquiry.state == State.AWAITING_APPROVAL:
        if approved:
            inquiry.subjects.filter(state=SubjectState.AWAITING_APPROVAL).update(state=SubjectState.PENDING)
            _search(actor, inquiry, spec, now)
        else:
            inquiry.subjects.update(state=SubjectState.NOT_APPROVED)
        _settle(inquiry, today)
    elif not approved:
        inquiry.subjects.update(state=SubjectState.NOT_APPROVED)
        _settle(inquiry, today)
    return inquiry


def record_print(*, actor, inquiry: Inquiry, what: str):
    """Invariant 3: printing a form, a result sheet or the register is logged."""
    queries.log_answer_read(actor=actor, inquiry=inquiry, action=f"inquiry.print.{what}")


@transaction.atomic
def purge(*, actor, today: datetime.date, for_real: bool) -> dict:
    """Q8: requests past the retention of the set in force at their desk (query_register_retention_days)
    are deleted with their papers; a dry run only counts. The purge is logged."""
    if not is_system(actor):
        require(actor, Action.PURGE_AUDIT)
    from liudong.policy.services import PolicyMissing, value

    doomed, by_desk = [], {}
    for desk in Inquiry.objects.order_by().values_list("division_id", flat=True).distinct():
        try:
            days = int(value("query_register_retention_days", desk, today))
        except PolicyMissing:
            continue
        cutoff = today - datetime.timedelta(days=days)
        ids = list(Inquiry.objects.filter(division_id=desk, received_on__lt=cutoff).values_list("pk", flat=True))
        if ids:
            doomed.extend(ids)
            by_desk[desk] = {"retention_days": days, "cutoff": cutoff.isoformat(), "count": len(ids)}
    if for_real and doomed:
        Inquiry.objects.filter(pk__in=doomed).delete()
    record(actor, "inquiry.purge" if for_real else "inquiry.purge_dry_run", object_type="inquiry", fields={"count": len(doomed), "desks": by_desk, "on": today.isoformat()})
    return {"count": len(doomed), "deleted": len(doomed) if for_real else 0, "desks": by_desk}
