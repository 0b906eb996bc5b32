"""C1, C2, part 8 四: certificate applications taken door to door (上门) by a village, issued or
refused by the hukou township (invariant 1: every change to a DoorApplication is here).

A village of her hukou (1-四-(二)-1, part 8 四 "上门免费办理《流动人口婚育证明》") records the
application: when and where it was taken, by whom (the acting account), and for a family member's
application (C2: only for a woman already gone, once her status is verified) the applicant, the
relationship and how her status was verified. The application waits in the township's queue; the
township issues against it (certificates.services.issue_certificate, with every check of C1-C3,
the certificate linked to the application) or refuses it with a reason. Each is decided once.
"""
import datetime

from django.db import IntegrityError, transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import in_scope, is_system, require
from liudong.codes import Level
from liudong.dates import local_day
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id
from liudong.people.choices import Sex

from . import rules, services
from .models import Applicant, ApplicationState, DoorApplication

NO_APPLICATION = "申请不存在或不在您的管辖范围内 / no such application in your scope"
PLACE_MAX, NOTES_MAX, REASON_MAX = 200, 500, 200


@transaction.atomic
def take_application(*, actor, data: dict, now: datetime.datetime) -> DoorApplication:
    """A village of her hukou takes a certificate application door to door. `data`: person_id,
    taken_on, place, applicant (self | family), applicant_name, relationship, verification (C2:
    all three required for a family member), contraception, notes. She must be a woman of
    childbearing age on that day holding no certificate in force and no application waiting; a
    family member applies only once she has left (C2)."""
    require(actor, Action.TAKE_CERTIFICATE_APPLICATIONS)
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    if not is_system(actor) and actor.division.level != Level.VILLAGE:
        raise Invalid({"division": ["上门代收申请由户籍地村（居）办理 / door-to-door applications are taken by a village (C1)"]})
    person = services._person(actor, data.get("person_id"), errors)
    taken_on = fields.date(data, "taken_on", errors, required=True, today=today)
    place = fields.text(data, "place", errors, max_length=PLACE_MAX, required=True)
    applicant = fields.choice(data, "applicant", errors, choices=Applicant.values, default=Applicant.SELF)
    applicant_name = fields.text(data, "applicant_name", errors, max_length=services.NAME_MAX)
    relationship = fields.text(data, "relationship", errors, max_length=20)
    verification = fields.text(data, "verification", errors, max_length=200)
    contraception = fields.text(data, "contraception", errors, max_length=200)
    notes = fields.text(data, "notes", errors, max_length=NOTES_MAX)
    if applicant == Applicant.FAMILY:
        for f, v in (("applicant_name", applicant_name), ("relationship", relationship), ("verification", verification)):
            if not v and f not in errors:
                fields.add(errors, f, "家属代办须填写（C2） / required when a family member applies (C2)")
    if errors:
        raise Invalid(errors)
    if not is_system(actor) and not in_scope(actor, person.hukou_division_id):
        raise Invalid({"person_id": [f"{person.name} 的户籍不在{actor.division.name}，由其户籍地村（居）上门代收 / "
                                     "her hukou is not in your village: the village of her hukou takes her application"]})
    township = services.township_of(person.hukou_division_id)
    if township is None:
        raise Invalid({"person_id": ["户籍地只知道县级，无法确定发证乡镇 / her hukou is known only at county level: no township to issue"]})
    if person.sex != Sex.FEMALE:
        fields.add(errors, "person_id", "婚育证明发给育龄妇女，此人为男性 / certificates are issued to women of childbearing age: this person is a man (C1)")
    else:
        services._age_errors(person, taken_on, township.code, errors, "taken_on")
    if applicant == Applicant.FAMILY and not errors and not services._has_left(person, taken_on):
        fields.add(errors, "applicant", "家属代办仅适用于已离开户籍地的妇女（C2） / a family member applies only for a woman already gone (C2)")
    if errors:
        raise Invalid(errors)
    rules.require_open(township.code, taken_on, "taken_on")
    held = services._current_on(person, taken_on)
    if held is not None:
        raise Invalid({"person_id": [f"她已持有有效婚育证明 {held.number}，无需申请 / she holds certificate {held.number} already"]})
    waiting = DoorApplication.objects.select_for_update().filter(person=person, state=ApplicationState.PENDING).first()
    if waiting is not None:
        raise Invalid({"person_id": [f"她的申请 {waiting.number} 正等待乡镇办理 / her application {waiting.number} is waiting for the township already"]})
    try:
        with transaction.atomic():  # two villages at once: the one-waiting constraint decides, as a field error
            app = DoorApplication.objects.create(
                person=person, village_id=actor.division_id if not is_system(actor) else person.hukou_division_id, township=township, taken_on=taken_on,
                place=place, taken_by=actor if getattr(actor, "pk", None) else None, applicant=applicant, applicant_name=applicant_name,
                relationship=relationship, status_verification=verification, contraception=contraception, notes=notes,
            )
    except IntegrityError:
        raise Invalid({"person_id": ["她的申请正等待乡镇办理 / her application is waiting for the township already"]}) from None
    record(actor, "certificate.door_application", obj=app, person_id=person.pk,
           fields={"taken_on": taken_on.isoformat(), "place": place, "applicant": applicant, "township": township.code})
    return app


def _application(actor, application_id) -> DoorApplication:
    """The application, locked, for its township (which decides): 404 when absent or not the
    actor's (a village sees its own, but only the township decides)."""
    pk = row_id(application_id)
    app = DoorApplication.objects.select_for_update().select_related("person", "township").filter(pk=pk).first() if pk else None
    if app is None or not (is_system(actor) or in_scope(actor, app.village_id)):
        raise NotFound(NO_APPLICATION)
    if not is_system(actor) and actor.division_id != app.township_id:
        raise Invalid({"application": [f"上门代收的申请由{app.township.name}办理 / the township ({app.township.name}) decides this application"]})
    return app


def _still_pending(app: DoorApplication):
    if app.state != ApplicationState.PENDING:
        done = (f"已发证 {app.certificate.number}" if app.state == ApplicationState.ISSUED else f"已于 {app.decided_on} 不予办理")
        raise Invalid({"application": [f"申请 {app.number} {done}，不能再次办理 / application {app.number} is {app.state} already"]})


@transaction.atomic
def issue_from_application(*, actor, application_id, data: dict, now: datetime.datetime):
    """The hukou township issues against a door-to-door application (C1, C2: the applicant,
    relationship and verification recorded by the village go onto the certificate), free (J4).
    `data`: issued_on (not before the application was taken), contraception (else the village's)."""
    require(actor, Action.ISSUE_CERTIFICATES)
    app = _application(actor, application_id)
    _still_pending(app)
    errors: dict[str, list[str]] = {}
    issued_on = fields.date(data, "issued_on", errors, required=True, today=local_day(now), not_before=app.taken_on, before_label="上门受理日期")
    contraception = fields.text(data, "contraception", errors, max_length=200)
    if errors:
        raise Invalid(errors)
    cert = services.issue_certificate(actor=actor, data={
        "person_id": app.person_id, "issued_on": issued_on.isoformat(), "applicant": app.applicant, "applicant_name": app.applicant_name,
        "relationship": app.relationship, "verification": app.status_verification, "contraception": contraception or app.contraception,
    }, now=now)
    app.state, app.decided_on, app.certificate = ApplicationState.ISSUED, issued_on, cert
    app.decided_by = actor if getattr(actor, "pk", None) else None
    app.save(update_fields=["state", "decided_on", "certificate", "decided_by"])
    record(actor, "certificate.door_application_issue", obj=app, person_id=app.person_id, fields={"number": cert.number, "issued_on": issued_on.isoformat()})
    return cert


@transaction.atomic
def refuse_application(*, actor, application_id, data: dict, now: datetime.datetime) -> DoorApplication:
    """The township refuses a door-to-door application, with the reason (J4: never without one).
    `data`: reason, refused_on (default today; not before the application was taken)."""
    require(actor, Action.ISSUE_CERTIFICATES)
    app = _application(actor, application_id)
    _still_pending(app)
    errors: dict[str, list[str]] = {}
    today = local_day(now)
    given = {**data}
    if given.get("refused_on") in (None, ""):
        given["refused_on"] = today
    reason = fields.text(data, "reason", errors, max_length=REASON_MAX, required=True)
    refused_on = fields.date(given, "refused_on", errors, today=today, not_before=app.taken_on, before_label="上门受理日期")
    if errors:
        raise Invalid(errors)
    app.state, app.decided_on, app.refusal_reason = ApplicationState.REFUSED, refused_on, reason
    app.decided_by = actor if getattr(actor, "pk", None) else None
    app.save(update_fields=["state", "decided_on", "refusal_reason", "decided_by"])
    record(actor, "certificate.door_application_refuse", obj=app, person_id=app.person_id, reason=reason, fields={"refused_on": refused_on.isoformat()})
    return app
