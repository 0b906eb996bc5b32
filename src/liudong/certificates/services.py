"""C1-C6: every change to a certificate (invariant 1).

Each service takes the acting staff member (`actor`, keyword-only; None is the system) and the
moment of the act (`now`), checks the role (accounts.choices: ISSUE_CERTIFICATES for the hukou
township's acts, VERIFY_CERTIFICATES for verifications and entries) and the place, validates every
field at once, and writes in one transaction with its audit event. A certificate is never edited:
its term is fixed at issue and never shortened (C3); a later change is an entry (C5); a renewal, a
reissue or the end of long-term validity (C4) is a new certificate linked to the old one.
"""
import datetime
import secrets

from django.db import transaction
from django.db.models import Max

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import in_scope, is_system, require
from liudong.codes import Level, level_of_code
from liudong.dates import local_day
from liudong.divisions.models import Division
from liudong.errors import Invalid, NotFound
from liudong.identifiers import normalise_document_number, row_id
from liudong.people.choices import Relation, Sex
from liudong.people.models import Person, Residence
from liudong.people.scope import persons as persons_in_scope

from . import rules
from .models import (
    STATUS_CHANGES,
    Applicant,
    Certificate,
    CertificateEntry,
    EntryKind,
    Result,
    State,
    Status,
    Verification,
)

NO_PERSON = "人员不存在或不在您的管辖范围内 / no such person in your scope"
NO_CERTIFICATE = "婚育证明不存在或不在您的管辖范围内 / no such certificate in your scope"
TEXT_MAX = 500
NAME_MAX = 50
SHORTENING = "婚育证明有效期不得以任何理由缩短（C3） / a certificate's term can never be shortened (C3)"
CURRENT_STATES = (State.VALID, State.LONG_TERM)


# ---------------------------------------------------------------- places and people

# Issue 16: what the node's exchange learns, inside the act's transaction (certificates.
# node_certificates registers itself here: this module never imports it, which imports us).
# CHANGED: fn(cert, now=) after an issue, renewal, reissue or revocation; VERIFIED: fn(verification, cert, now=).
CHANGED: list = []
VERIFIED: list = []


def _tell(listeners: list, *args, now) -> None:
    for fn in listeners:
        fn(*args, now=now)


def township_of(code: str | None) -> Division | None:
    """The township (level 4) a division lies in, or None when the code is above that level."""
    if not code or level_of_code(code) < Level.TOWNSHIP:
        return None
    return Division.objects.filter(code=code[:9].ljust(12, "0")).first()


def _issuing_township(actor, person: Person, field: str = "person_id") -> Division:
    """C1: the hukou township issues. The actor acts for a township that holds her hukou; the
    system acts for her hukou township."""
    if is_system(actor):
        township = township_of(person.hukou_division_id)
        if township is None:
            raise Invalid({field: ["户籍地只知道县级，无法确定发证乡镇 / her hukou is known only at county level: no township to issue"]})
        return township
    if actor.division.level != Level.TOWNSHIP:
        raise Invalid({"division": ["婚育证明由户籍地乡镇（街道）办理 / the hukou township issues certificates (C1)"]})
    if not in_scope(actor, person.hukou_division_id):
        raise Invalid({field: [f"{person.name} 的户籍不在{actor.division.name}，婚育证明由其户籍地乡镇办理 / "
                               f"her hukou is not in your township: her hukou township issues (C1)"]})
    return actor.division


def _person(actor, raw, errors: dict, field: str = "person_id") -> Person | None:
    pk = row_id(raw) if raw not in (None, "") else None
    if raw in (None, ""):
        fields.add(errors, field, fields.REQUIRED)
        return None
    person = persons_in_scope(actor, history=True).select_related("hukou_division").filter(pk=pk).first() if pk else None
    if person is None:
        fields.add(errors, field, NO_PERSON)
    return person


def _spouse(person: Person):
    link = person.family_links.filter(relation=Relation.SPOUSE).select_related("relative").first()
    return link.relative if link else None


def childbearing_text(person: Person) -> str:
    """条例 第七条: childbearing status from the registry's family links (her children)."""
    children = person.family_links.filter(relation=Relation.CHILD).count()
    return f"生育子女{children}个" if children else "未生育"


def _current_on(person: Person, day: datetime.date, *, lock: bool = False) -> Certificate | None:
    qs = Certificate.objects.filter(person=person, issued_on__lte=day).order_by("-issued_on", "-id")
    if lock:
        qs = qs.select_for_update()
    for cert in qs:
        if cert.state_on(day) in CURRENT_STATES:
            return cert
    return None


def _next_number(township: Division, year: int) -> tuple[int, str]:
    """Numbered per township and year; the township row is locked so two clerks never share one."""
    Division.objects.select_for_update().filter(code=township.code).first()
    last = Certificate.objects.filter(township=township, year=year).aggregate(m=Max("sequence"))["m"] or 0
    seq = last + 1
    return seq, f"{township.code[:9]}-{year}-{seq:05d}"


def _age_errors(person: Person, day: datetime.date, code: str, errors: dict, field: str):
    low, high = rules.childbearing_ages(code, day, field)
    age = rules.age_on(person.birth_date, day)
    if day < person.birth_date:
        fields.add(errors, field, f"日期早于本人出生日期 {person.birth_date} / the date precedes her birth on {person.birth_date}")
    elif not low <= age <= high:
        fields.add(errors, field, f"{day} 时 {person.name} {age} 周岁，不在育龄（{low}-{high} 周岁） / she is {age} on {day}, outside childbearing age ({low}-{high})")


def _term(township: Division, person: Person, issued_on: datetime.date, field: str) -> dict:
    """C3 and the e-certificate set: the term in force at the issuing township on the issue day."""
    required = rules.require_open(township.code, issued_on, field)
    term = rules.row("certificate.term_years", township.code, issued_on, field)
    electronic = bool(rules.value_or("certificate.electronic", township.code, issued_on, False))
    if term.value is None:
        # Valid until revoked; lapses the day she leaves childbearing age.
        high = rules.value("childbearing_age_max", township.code, issued_on, field)
        until = rules.add_years(person.birth_date, high + 1) - rules.ONE_DAY
    else:
        until = rules.term_end(issued_on, term.value)
    return {"valid_until": until, "term_years": term.value, "electronic": electronic, "rule_set": rules.rule_set_of(required, term)}


def _new_certificate(actor, person: Person, township: Division, issued_on: datetime.date, term: dict, **extra) -> Certificate:
    seq, number = _next_number(township, issued_on.year)
    spouse = _spouse(person)
    cert = Certificate(
        number=number, township=township, year=issued_on.year, sequence=seq, person=person, issued_on=issued_on,
        name=person.name, id_number=person.id_number or person.document_number, birth_date=person.birth_date,
        marital_status=str(person.get_marital_status_display()).split(" ")[0] if person.marital_status else "",
        spouse_name=spouse.name if spouse else "", spouse_id_number=(spouse.id_number or "") if spouse else "",
        childbearing=childbearing_text(person), token=secrets.token_urlsafe(32),
        issued_by=actor if getattr(actor, "pk", None) else None, **term,
    )
    for k, v in extra.items():
        setattr(cert, k, v)
    cert.save()
    return cert


def _has_left(person: Person, day: datetime.date) -> bool:
    """C2: she has already gone: a residence outside her hukou township open on the day."""
    hukou_township = (person.hukou_division_id or "")[:9]
    return any(
        not r.division_id.startswith(hukou_township)
        for r in Residence.objects.filter(person=person, arrived_on__lte=day).exclude(left_on__lt=day)
    )


def _audit_fields(cert: Certificate) -> dict:
    return {"number": cert.number, "issued_on": cert.issued_on.isoformat(), "valid_until": cert.valid_until.isoformat() if cert.valid_until else None,
            "rule_set": cert.rule_set}


# ---------------------------------------------------------------- C1, C2: issue

@transaction.atomic
def issue_certificate(*, actor, data: dict, now: datetime.datetime) -> Certificate:
    """C1, C2: the hukou township issues a certificate, free (J4), to a woman of childbearing age
    whose hukou is in the township, on her own application or on a family member's once she has
    left and her status is verified. `data`: person_id, issued_on, applicant, applicant_name,
    relationship, verification, contraception."""
    require(actor, Action.ISSUE_CERTIFICATES)
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    person = _person(actor, data.get("person_id"), errors)
    issued_on = fields.date(data, "issued_on", errors, required=True, today=today)
    applicant = fields.choice(data, "applicant", errors, choices=Applicant.values, default=Applicant.SELF)
    applicant_name = fields.text(data, "applicant_name", errors, max_length=NAME_MAX)
    relationship = fields.text(data, "relationship", errors, max_length=20)
    verification = fields.text(data, "verification", errors, max_length=200)
    contraception = fields.text(data, "contraception", errors, max_length=200)
    if applicant == Applicant.FAMILY:
        # C2: "经核实婚育情况清楚的，可由家人为其代办": the applicant, the relationship and how her
        # status was verified are all recorded.
        for f, v in (("applicant_name", applicant_name), ("relationship", relationship), ("verification", verification)):
            if not v and f not in errors:
                fields.add(errors, f, "家属代办须填写 / required when a family member applies (C2)")
    if errors:
        raise Invalid(errors)
    township = _issuing_township(actor, person)
    if person.sex != Sex.FEMALE:
        fields.add(errors, "person_id", "婚育证明发给育龄妇女，此人为男性 / certificates are issued to women of childbearing age: this person is a man (C1)")
    else:
        _age_errors(person, issued_on, township.code, errors, "issued_on")
    if applicant == Applicant.FAMILY and not errors and not _has_left(person, issued_on):
        fields.add(errors, "applicant", "家属代办仅适用于已离开户籍地的妇女（C2） / a family member applies only for a woman already gone (C2)")
    if errors:
        raise Invalid(errors)
    term = _term(township, person, issued_on, "issued_on")
    held = _current_on(person, issued_on, lock=True)
    if held is not None:
        raise Invalid({"person_id": [f"她已持有有效婚育证明 {held.number}：到期换发或遗失补办 / she holds certificate {held.number} already: renew it at expiry or reissue it"]})
    later = Certificate.objects.filter(person=person, issued_on__gt=issued_on).first()
    if later is not None:
        raise Invalid({"issued_on": [f"她已有 {later.issued_on} 发出的证明 {later.number} / she has certificate {later.number} issued later, on {later.issued_on}"]})
    cert = _new_certificate(actor, person, township, issued_on, term, applicant=applicant, applicant_name=applicant_name,
                            relationship=relationship, status_verification=verification, contraception=contraception)
    record(actor, "certificate.issue", obj=cert, person_id=person.pk, fields={**_audit_fields(cert), "applicant": applicant, "fee": 0})
    _tell(CHANGED, cert, now=now)  # issue 16: a copy to the node where she lives
    return cert


# ---------------------------------------------------------------- reading one for a change

def _certificate(actor, certificate_id, *, lock: bool = True) -> Certificate:
    """A certificate the actor may act on: its person in the actor's scope (history included) or
    issued by the actor's subtree; else 404 (absent or not yours)."""
    pk = row_id(certificate_id)
    if not pk:
        raise NotFound(NO_CERTIFICATE)
    qs = Certificate.objects.select_related("person", "township")
    if lock:
        qs = qs.select_for_update()
    cert = qs.filter(pk=pk).first()
    if cert is None:
        raise NotFound(NO_CERTIFICATE)
    if not is_system(actor) and not in_scope(actor, cert.township_id) and not persons_in_scope(actor, history=True).filter(pk=cert.person_id).exists():
        raise NotFound(NO_CERTIFICATE)
    return cert


def _issuer_only(actor, cert: Certificate, field: str = "certificate"):
    if not is_system(actor) and actor.division_id != cert.township_id:
        raise Invalid({field: [f"只有发证乡镇（{cert.township.name}）可以办理 / only the issuing township ({cert.township.name}) may do this"]})


def _refuse_shortening(actor, cert: Certificate, data: dict, until, act: str):
    """C3: a term given with a renewal or reissue that ends before the one she holds is refused,
    and the attempt is audited (outside the refused change: the event stays)."""
    errors: dict[str, list[str]] = {}
    asked = fields.date(data, "valid_until", errors)
    if errors:
        raise Invalid(errors)
    if asked is None:
        return
    if until is None or asked < until:
        record(actor, "certificate.shortening_refused", obj=cert, person_id=cert.person_id,
               fields={"act": act, "valid_until": cert.valid_until.isoformat() if cert.valid_until else None, "asked": asked.isoformat()})
        raise Invalid({"valid_until": [SHORTENING]})
    if asked != until:
        raise Invalid({"valid_until": [f"有效期依规定为至 {until}，不能另定 / the term runs to {until} by the rules and cannot be set otherwise"]})


# ---------------------------------------------------------------- C3: renewal at expiry

def renew_certificate(*, actor, certificate_id, data: dict, now: datetime.datetime) -> Certificate:
    """C3: a new certificate against the old one (surrendered, recorded) and the ID card, with the
    term of the set in force on the new issue day, never ending before the old one did."""
    require(actor, Action.ISSUE_CERTIFICATES)
    # C3: the attempt is audited outside the refused change's transaction, so its event stays.
    if data.get("valid_until") not in (None, ""):
        cert = _certificate(actor, certificate_id, lock=False)
        errors: dict = {}
        day = fields.date(data, "issued_on", errors, required=True, today=local_day(now))
        if not errors:
            try:
                term = _term(cert.township, cert.person, day, "issued_on")
                until = max(term["valid_until"], cert.valid_until) if cert.valid_until else term["valid_until"]
            except Invalid:
                until = None
            _refuse_shortening(actor, cert, data, until, "renew")
    return _renew(actor, certificate_id, data, now)


def _id_card_errors(data, person, errors) -> None:
    """C3: a renewal is made "凭原婚育证明和本人居民身份证": the number read off her resident ID card
    must be hers (the clerk already sees her record, so a mismatch tells nothing new)."""
    typed = normalise_document_number(data.get("id_number"))
    if not typed:
        errors["id_number"] = ["换发须凭本人居民身份证：请填写所查验的身份证号码 / a renewal needs her resident ID card: enter the number on the card shown"]
    elif typed != normalise_document_number(person.id_number):
        errors["id_number"] = ["与本人居民身份证号码不符 / does not match her resident ID number"]


@transaction.atomic
def _renew(actor, certificate_id, data, now) -> Certificate:
    cert = _certificate(actor, certificate_id)
    errors: dict[str, list[str]] = {}
    issued_on = fields.date(data, "issued_on", errors, required=True, today=local_day(now), not_before=cert.issued_on, before_label="原证发证日期")
    if errors:
        raise Invalid(errors)
    _issuer_only(actor, cert)
    state = cert.state_on(issued_on)
    if state in (State.REVOKED, State.REPLACED, State.SURRENDERED) or cert.status != Status.ACTIVE:
        label = dict(State.choices)[cert.status if cert.status != Status.ACTIVE else state]
        raise Invalid({"certificate": [f"证明 {cert.number} {label}，不能换发 / certificate {cert.number} is {cert.status}: it cannot be renewed"]})
    if state == State.LONG_TERM:
        raise Invalid({"certificate": [f"证明 {cert.number} 长期有效，无需换发（C4） / certificate {cert.number} is valid long-term: no renewal (C4)"]})
    person = cert.person
    _age_errors(person, issued_on, cert.township_id, errors, "issued_on")
    _id_card_errors(data, person, errors)
    if errors:
        raise Invalid(errors)
    term = _term(cert.township, person, issued_on, "issued_on")
    if cert.valid_until and term["valid_until"] < cert.valid_until:
        term["valid_until"] = cert.valid_until  # C3: never shorter than what she held
    cert.status, cert.ended_on, cert.end_reason = Status.SURRENDERED, issued_on, "到期换发，原证交回 / surrendered at renewal"
    cert.save(update_fields=["status", "ended_on", "end_reason"])
    new = _new_certificate(actor, person, cert.township, issued_on, term, renewed_from=cert, contraception=cert.contraception,
                           last_verified_on=cert.last_verified_on, applicant=Applicant.SELF, renewed_with_id_card=True)
    record(actor, "certificate.renew", obj=new, person_id=person.pk, fields={**_audit_fields(new), "renewed_from": cert.number})
    _tell(CHANGED, cert, now=now)
    _tell(CHANGED, new, now=now)
    return new


# ---------------------------------------------------------------- 补办: reissue with the same term

def reissue_certificate(*, actor, certificate_id, data: dict, now: datetime.datetime) -> Certificate:
    """A lost or damaged certificate is reissued (补办) with the same term, linked; the old one is
    replaced. `data`: issued_on (default today), reason, valid_until (if given, must be the same)."""
    require(actor, Action.ISSUE_CERTIFICATES)
    if data.get("valid_until") not in (None, ""):
        cert = _certificate(actor, certificate_id, lock=False)
        _refuse_shortening(actor, cert, data, cert.valid_until, "reissue")
    return _reissue(actor, certificate_id, data, now)


@transaction.atomic
def _reissue(actor, certificate_id, data, now) -> Certificate:
    cert = _certificate(actor, certificate_id)
    errors: dict[str, list[str]] = {}
    today = local_day(now)
    given = {**data}
    if given.get("issued_on") in (None, ""):
        given["issued_on"] = today
    issued_on = fields.date(given, "issued_on", errors, required=True, today=today, not_before=cert.issued_on, before_label="原证发证日期")
    reason = fields.text(data, "reason", errors, max_length=200) or "遗失或损坏补办 / lost or damaged"
    if errors:
        raise Invalid(errors)
    _issuer_only(actor, cert)
    state = cert.state_on(issued_on)
    if state not in CURRENT_STATES:
        raise Invalid({"certificate": [f"证明 {cert.number} 状态为“{dict(State.choices)[state].split(' ')[0]}”，不能补办 / certificate {cert.number} is {state}: it cannot be reissued"]})
    rules.require_open(cert.township_id, issued_on, "issued_on")
    cert.status, cert.ended_on, cert.end_reason = Status.REPLACED, issued_on, reason
    cert.save(update_fields=["status", "ended_on", "end_reason"])
    term = {"valid_until": cert.valid_until, "term_years": cert.term_years, "electronic": cert.electronic, "rule_set": cert.rule_set}
    new = _new_certificate(actor, cert.person, cert.township, issued_on, term, reissued_from=cert, contraception=cert.contraception,
                           long_term_from=cert.long_term_from, long_term_to=cert.long_term_to, last_verified_on=cert.last_verified_on,
                           applicant=cert.applicant, applicant_name=cert.applicant_name, relationship=cert.relationship,
                           status_verification=cert.status_verification)
    # The contents are those of the old certificate with its entries (C5: nothing is lost).
    for f in ("name", "id_number", "birth_date", "marital_status", "spouse_name", "spouse_id_number", "childbearing"):
        setattr(new, f, getattr(cert, f))
    new.save()
    for e in cert.entries.all():
        CertificateEntry.objects.create(certificate=new, entered_on=e.entered_on, kind=e.kind, text=e.text, division_id=e.division_id, entered_by_id=e.entered_by_id)
    record(actor, "certificate.reissue", obj=new, person_id=new.person_id, fields={**_audit_fields(new), "reissued_from": cert.number, "reason": reason})
    _tell(CHANGED, cert, now=now)
    _tell(CHANGED, new, now=now)
    return new


# ---------------------------------------------------------------- revocation

@transaction.atomic
def revoke_certificate(*, actor, certificate_id, data: dict, now: datetime.datetime) -> Certificate:
    """The issuing township revokes a certificate issued in error or replaced, with a reason. Not a
    shortening (C3): the term stays as it was and the public check shows "revoked"."""
    require(actor, Action.ISSUE_CERTIFICATES)
    cert = _certificate(actor, certificate_id)
    errors: dict[str, list[str]] = {}
    today = local_day(now)
    given = {**data}
    if given.get("revoked_on") in (None, ""):
        given["revoked_on"] = today
    reason = fields.text(data, "reason", errors, max_length=200, required=True)
    revoked_on = fields.date(given, "revoked_on", errors, today=today, not_before=cert.issued_on, before_label="发证日期")
    if errors:
        raise Invalid(errors)
    _issuer_only(actor, cert)
    if cert.status == Status.REVOKED:
        raise Invalid({"certificate": [f"证明 {cert.number} 已撤销 / certificate {cert.number} is revoked already"]})
    before = cert.status
    if cert.status == Status.ACTIVE:
        cert.ended_on = revoked_on
    cert.status, cert.end_reason = Status.REVOKED, reason
    cert.save(update_fields=["status", "ended_on", "end_reason"])
    record(actor, "certificate.revoke", obj=cert, person_id=cert.person_id, reason=reason, fields={"number": cert.number, "was": before, "revoked_on": revoked_on.isoformat()})
    _tell(CHANGED, cert, now=now)
    return cert


# ---------------------------------------------------------------- C5: entries

def _stamp_scope(actor, cert: Certificate, day: datetime.date) -> None:
    """C5: both ends enter: the hukou side (the issuing township and its villages) and the
    residence side (where she lives on the day)."""
    if is_system(actor):
        return
    if in_scope(actor, cert.township_id):
        return
    r = Residence.objects.filter(person_id=cert.person_id, arrived_on__lte=day).exclude(left_on__lt=day).order_by("-arrived_on").first()
    if r is None or not in_scope(actor, r.division_id):
        raise Invalid({"certificate": ["只有发证地或她当时的居住地可以记载 / only her hukou township or her residence of that day may make entries (C5)"]})


def _entry(actor, cert: Certificate, *, entered_on, kind, text) -> CertificateEntry:
    division_id = actor.division_id if not is_system(actor) else cert.township_id
    entry = CertificateEntry.objects.create(certificate=cert, entered_on=entered_on, kind=kind, text=text, division_id=division_id,
                                            entered_by=actor if getattr(actor, "pk", None) else None)
    record(actor, "certificate.entry", obj=cert, person_id=cert.person_id, fields={"kind": kind, "entered_on": entered_on.isoformat(), "division": division_id})
    _after_entry(actor, cert, entry)
    return entry


def _after_entry(actor, cert: Certificate, entry: CertificateEntry) -> None:
    """C4: sterilisation makes the certificate long-term valid (where the set says so); a change of
    marital or childbearing status afterwards ends it, and she gets a certificate with the set's
    term from that day, never less than any term she still had."""
    day = entry.entered_on
    if entry.kind == EntryKind.STERILISATION and not cert.long_term_on(day):
        if rules.value_or("certificate.long_term_after_sterilisation", cert.township_id, day, False):
            cert.long_term_from, cert.long_term_to = day, None
            cert.save(update_fields=["long_term_from", "long_term_to"])
            record(actor, "certificate.long_term", obj=cert, person_id=cert.person_id, fields={"from": day.isoformat()})
    elif entry.kind in STATUS_CHANGES and cert.long_term_on(day):
        cert.long_term_to = day
        cert.save(update_fields=["long_term_to"])
        fields_ = {"to": day.isoformat()}
        try:
            term = _term(cert.township, cert.person, day, "entered_on")
        except Invalid:
            term = None  # no new certificates (national-2021): the old term stands
        if term is not None:
            if cert.valid_until and term["valid_until"] < cert.valid_until:
                term["valid_until"] = cert.valid_until
            cert.status, cert.ended_on, cert.end_reason = Status.REPLACED, day, "长期有效终止，换发新证 / long-term validity ended: a new certificate"
            cert.save(update_fields=["status", "ended_on", "end_reason"])
            new = _new_certificate(None, cert.person, cert.township, day, term, renewed_from=cert, contraception=cert.contraception,
                                   last_verified_on=cert.last_verified_on)
            fields_["new"] = new.number
        record(actor, "certificate.long_term_end", obj=cert, person_id=cert.person_id, fields=fields_)


def add_entry(*, actor, certificate_id, data: dict, now: datetime.datetime) -> CertificateEntry:
    """C5 through the API and the pages: entered_on, kind, text."""
    require(actor, Action.VERIFY_CERTIFICATES)
    with transaction.atomic():
        cert = _certificate(actor, certificate_id)
        errors: dict[str, list[str]] = {}
        entered_on = fields.date(data, "entered_on", errors, required=True, today=local_day(now), not_before=cert.issued_on, before_label="发证日期")
        kind = fields.choice(data, "kind", errors, choices=EntryKind.values, required=True)
        text = fields.text(data, "text", errors, max_length=TEXT_MAX, required=True)
        if errors:
            raise Invalid(errors)
        if cert.state_on(entered_on) not in CURRENT_STATES:
            raise Invalid({"entered_on": [f"{entered_on} 时证明 {cert.number} 不在有效期内 / certificate {cert.number} was not in force on {entered_on}"]})
        _stamp_scope(actor, cert, entered_on)
        return _entry(actor, cert, entered_on=entered_on, kind=kind, text=text)


def record_entry(*, actor, person, entered_on, kind, text, now) -> CertificateEntry | None:
    """C5, for the other apps (technical services, checks): an entry on the person's current
    certificate (valid or long-term on `entered_on`), stamped with the actor's division; None when
    she holds none. kind: service (hukou side, 1-四-(三)-3), check, marriage, birth, contraception
    (and sterilisation, change, other)."""
    require(actor, Action.VERIFY_CERTIFICATES)
    errors: dict[str, list[str]] = {}
    day = fields.date({"entered_on": entered_on}, "entered_on", errors, required=True, today=local_day(now))
    kind = fields.choice({"kind": kind}, "kind", errors, choices=EntryKind.values, required=True)
    text = fields.text({"text": text}, "text", errors, max_length=TEXT_MAX, required=True)
    if errors:
        raise Invalid(errors)
    person_id = getattr(person, "pk", person)
    with transaction.atomic():
        if not is_system(actor) and not persons_in_scope(actor, history=True).filter(pk=person_id).exists():
            raise NotFound(NO_PERSON)
        p = Person.objects.filter(pk=person_id).first()
        if p is None:
            raise NotFound(NO_PERSON)
        cert = _current_on(p, day, lock=True)
        if cert is None:
            return None
        return _entry(actor, cert, entered_on=day, kind=kind, text=text)


# ---------------------------------------------------------------- C6: verification

def residence_on(person_id, day: datetime.date) -> Residence | None:
    return Residence.objects.filter(person_id=person_id, arrived_on__lte=day).exclude(left_on__lt=day).order_by("-arrived_on", "-id").first()


@transaction.atomic
def verify_certificate(*, actor, certificate_id, data: dict, now: datetime.datetime) -> Verification:
    """C6: the residence township (with the village) verifies an inflow woman's certificate on
    arrival and then at least once a year. A change found is entered and stamped (C5)."""
    require(actor, Action.VERIFY_CERTIFICATES)
    cert = _certificate(actor, certificate_id)
    errors: dict[str, list[str]] = {}
    verified_on = fields.date(data, "verified_on", errors, required=True, today=local_day(now), not_before=cert.issued_on, before_label="发证日期")
    result = fields.choice(data, "result", errors, choices=Result.values, required=True)
    notes = fields.text(data, "notes", errors, max_length=TEXT_MAX)
    if result == Result.CHANGED and not notes and "notes" not in errors:
        fields.add(errors, "notes", "有变化时须说明变化 / say what changed")
    if errors:
        raise Invalid(errors)
    if not is_system(actor) and actor.division.level < Level.TOWNSHIP:
        raise Invalid({"division": ["婚育证明由现居住地乡镇（街道）和村（居）查验 / the residence township and village verify (C6)"]})
    where = residence_on(cert.person_id, verified_on)
    if where is None or (not is_system(actor) and not in_scope(actor, where.division_id)):
        raise Invalid({"verified_on": [f"{verified_on} 时 {cert.person.name} 不住在您的辖区，由其居住地查验 / she did not live in your area on {verified_on}: her residence township verifies (C6)"]})
    state = cert.state_on(verified_on)
    if state not in CURRENT_STATES:
        raise Invalid({"certificate": [f"证明 {cert.number} 状态为“{dict(State.choices)[state].split(' ')[0]}”，请换发或补办后查验 / certificate {cert.number} is {state}: renew or reissue it first"]})
    division_id = actor.division_id if not is_system(actor) else where.division_id
    v = Verification.objects.create(certificate=cert, person_id=cert.person_id, verified_on=verified_on, result=result, notes=notes,
                                    division_id=division_id, verified_by=actor if getattr(actor, "pk", None) else None)
    if cert.last_verified_on is None or verified_on > cert.last_verified_on:
        cert.last_verified_on = verified_on
        cert.save(update_fields=["last_verified_on"])
    record(actor, "certificate.verify", obj=cert, person_id=cert.person_id, fields={"verified_on": verified_on.isoformat(), "result": result, "division": division_id})
    if result == Result.CHANGED:
        _entry(actor, cert, entered_on=verified_on, kind=EntryKind.CHANGE, text=notes)
    _tell(VERIFIED, v, cert, now=now)  # issue 16: a copy's verification goes to the node that issued it
    return v


def next_verification_due_on(cert: Certificate, on: datetime.date) -> datetime.date | None:
    """C6: promptly on arrival at her present residence (within the hand-in days), then at least
    once a year after the latest verification; the history passes with her when she moves, and
    the new residence verifies on arrival. None when she lives nowhere recorded or no rule applies."""
    if cert.state_on(on) not in CURRENT_STATES:
        return None
    where = residence_on(cert.person_id, on)
    if where is None or not where.floating:
        return None
    last = Verification.objects.filter(certificate__person_id=cert.person_id, verified_on__gte=where.arrived_on, verified_on__lte=on).order_by("-verified_on").first()
    if last is not None:
        months = rules.interval_months(where.division_id, last.verified_on)
        return rules.add_months(last.verified_on, months) if months else None
    days = rules.hand_in_days(where.division_id, where.arrived_on) or rules.hand_in_days(where.division_id, on)
    start = max(where.arrived_on, cert.issued_on)
    return start + datetime.timedelta(days=days) if days is not None else None



# ---------------------------------------------------------------- 3-八-1: the status proof

@transaction.atomic
def issue_status_proof(*, actor, data: dict, now: datetime.datetime):
    """3-八-1: the hukou township issues, on request of the woman or of her residence township, a
    truthful proof of her marital and childbearing status (婚育情况证明), taken from the registry
    (marital status, spouse, children) and her certificate's entries; it is printed, and sent as
    an exchange message (notification, topic "certificate") to the township she lives in, which
    birth service registration (B1) can cite. `data`: person_id, issued_on, requested_by
    (self | residence), contraception."""
    from liudong.exchange import services as exchange
    from liudong.exchange.models import Kind, Topic

    from .models import StatusProof

    require(actor, Action.ISSUE_CERTIFICATES)
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    person = _person(actor, data.get("person_id"), errors)
    issued_on = fields.date(data, "issued_on", errors, required=True, today=today)
    requested_by = fields.choice(data, "requested_by", errors, choices=("self", "residence"), default="self")
    contraception = fields.text(data, "contraception", errors, max_length=200)
    if errors:
        raise Invalid(errors)
    township = _issuing_township(actor, person)
    if issued_on < person.birth_date:
        raise Invalid({"issued_on": [f"日期早于本人出生日期 {person.birth_date} / the date precedes her birth"]})
    where = residence_on(person.pk, issued_on)
    receiver = township_of(where.division_id) if where is not None and where.floating else None
    if requested_by == "residence" and receiver is None:
        raise Invalid({"requested_by": ["她当时不在外地居住，没有现居住地乡镇可送达 / she lived at no residence away from home on that day"]})
    spouse = _spouse(person)
    held = _current_on(person, issued_on)
    if not contraception and held is not None:
        contraception = held.contraception
    year = issued_on.year
    seq = StatusProof.objects.filter(township=township, issued_on__year=year).count() + 1
    proof = StatusProof.objects.create(
        number=f"{township.code[:9]}-Z{year}-{seq:05d}", township=township, person=person, issued_on=issued_on, requested_by=requested_by,
        receiver=receiver, marital_status=str(person.get_marital_status_display()).split(" ")[0] if person.marital_status else "",
        spouse_name=spouse.name if spouse else "", childbearing=childbearing_text(person), contraception=contraception,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    if receiver is not None and not is_system(actor):
        body = (f"兹证明 {person.name}（{person.id_number or person.document_number}），婚姻状况：{proof.marital_status or '未登记'}；"
                f"配偶：{proof.spouse_name or '无'}；生育状况：{proof.childbearing}；避孕节育：{proof.contraception or '未登记'}。"
                f"本证明由{township.name}于{issued_on:%Y年%m月%d日}出具，编号 {proof.number}。")
        message = exchange.send_message(actor=actor, data={"kind": Kind.NOTIFICATION, "topic": Topic.CERTIFICATE, "receiver": receiver.code,
                                                           "person": person.pk, "subject": f"婚育情况证明 {person.name}", "body": body}, now=now)
        proof.message_id = message.pk
        proof.save(update_fields=["message_id"])
    record(actor, "certificate.status_proof", obj=proof, person_id=person.pk, fields={"number": proof.number, "requested_by": requested_by,
                                                                                      "receiver": receiver.code if receiver else None, "message": proof.message_id})
    return proof
