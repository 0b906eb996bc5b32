"""Issue 16 (C1-C6 across nodes): her certificate (婚育证明) is issued and kept by her hukou
township, on her hukou node; her residence township, on another node, verifies it on her arrival
and at least once a year (1-五-(二), C6). Two envelope types cross:

- `cert`: the certificate passes with her. When the hukou node issues, renews, reissues or revokes
  a certificate of a woman who lives on another node that day, or learns that she has arrived on
  another node (a `person` event: her certificates in use), a copy of it (number, term, state,
  contents, token) goes to that node, which keeps it under the same number (a later copy replaces
  the state of the first). Her residence township verifies the copy with the ordinary service.
- `verify`: a verification made on a copy goes back to the node that issued the certificate,
  which records it on the original (Verification, last verified, and an entry when she changed:
  C5), as if the residence township had verified it there. The residence node keeps its own.

Both are written in the act's transaction (the outbox); received once under their global id
(federation.receive), each in its savepoint. Without LIUDONG_NODE nothing here runs."""
import datetime

from django.conf import settings
from django.utils.dateparse import parse_date

from liudong.accounts.audit import record
from liudong.dates import local_day
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.federation import envelope
from liudong.federation.choices import EnvelopeType, Refusal
from liudong.federation.directory import holds, route
from liudong.federation.outbox import enqueue, person_fields
from liudong.people import services_remote

from .models import Certificate, CertificateEntry, EntryKind, Result, Status, Verification

COPIED = ("number", "year", "sequence", "issued_on", "valid_until", "term_years", "rule_set", "electronic", "long_term_from", "long_term_to", "status",
          "ended_on", "end_reason", "applicant", "name", "id_number", "birth_date", "marital_status", "spouse_name", "spouse_id_number",
          "childbearing", "contraception", "token", "last_verified_on")
DATES = {"issued_on", "valid_until", "long_term_from", "long_term_to", "ended_on", "birth_date", "last_verified_on"}


def _residence_node(person_id, day: datetime.date) -> tuple[str, str] | None:
    """(node, township) where she lives on `day`, when that is another node; else None."""
    from .services import residence_on, township_of

    where = residence_on(person_id, day)
    node = settings.LIUDONG_NODE
    if where is None or not node:
        return None
    to = route(where.division_id, day)
    if to == node:
        return None
    township = township_of(where.division_id)
    return to, (township.code if township is not None else where.division_id)


def certificate_changed(cert: Certificate, *, now: datetime.datetime) -> None:
    """In the act's transaction (issue, renewal, reissue, revocation on the hukou node): the copy
    to the node where she lives that day, if it is another."""
    there = _residence_node(cert.person_id, local_day(now))
    if there is None or not holds(settings.LIUDONG_NODE, cert.township_id):
        return
    to_node, township = there
    fields = {f: (str(v) if v is not None and f in DATES else v) for f in COPIED for v in [getattr(cert, f)]}
    fields["township"] = cert.township_id
    fields["renewed_from"] = cert.renewed_from.number if cert.renewed_from_id else None
    fields["reissued_from"] = cert.reissued_from.number if cert.reissued_from_id else None
    enqueue(EnvelopeType.CERTIFICATE, sender=cert.township_id, receiver=township, kind="certificate", to_node=to_node, now=now,
            payload={"certificate": fields, "person": person_fields(cert.person)})


def arrived_elsewhere(person, *, now: datetime.datetime) -> None:
    """federation.handlers_person: her hukou node learned that she now lives on another node (a
    person event): the copy of each certificate of hers in use goes there, as when the hukou
    township acts on it while she lives there (one copy a certificate; a later copy replaces)."""
    for cert in Certificate.objects.filter(person=person, status=Status.ACTIVE).select_related("person", "renewed_from", "reissued_from"):
        certificate_changed(cert, now=now)


def verified(v: Verification, cert: Certificate, *, now: datetime.datetime) -> None:
    """In the verification's transaction: a verification of a copy goes to the node that issued it."""
    node = settings.LIUDONG_NODE
    if not node or route(cert.township_id, local_day(now)) == node:
        return  # the original is here
    enqueue(EnvelopeType.VERIFICATION, sender=v.division_id, receiver=cert.township_id, kind="verification", now=now,
            to_node=route(cert.township_id, local_day(now)),
            payload={"number": cert.number, "verified_on": str(v.verified_on), "result": v.result, "notes": v.notes, "person": person_fields(cert.person)})


def apply_certificate(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    """On the node where she lives: the copy, under the issuing node's number."""
    data, ident = payload["certificate"], payload["person"]
    if not holds(routing["from_node"], str(data["township"])):
        raise envelope.Refused(Refusal.NOT_ITS_DIVISION, "a node sends the certificates its townships issued")
    if not Division.objects.filter(code=data["township"]).exists():
        raise envelope.Refused(Refusal.UNKNOWN_DIVISION, f"township {str(data['township'])[:12]}")
    try:
        person, _ = services_remote.register_from_node(ident=ident, today=local_day(now), from_node=routing["from_node"])
    except Invalid as e:
        raise envelope.Refused(Refusal.MALFORMED, "; ".join(f"{k}: {m}" for k, ms in e.errors.items() for m in ms)[:300]) from None
    values = {f: (parse_date(data[f]) if f in DATES and data[f] else data[f]) for f in COPIED}
    if values["status"] not in Status.values:
        raise ValueError(f"status {str(values['status'])[:20]}")
    links = {k: Certificate.objects.filter(number=data[k]).first() if data.get(k) else None for k in ("renewed_from", "reissued_from")}
    cert = Certificate.objects.select_for_update().filter(number=values["number"]).first()
    if cert is not None and cert.person_id != person.pk:
        raise envelope.Refused(Refusal.REPLAYED, f"certificate {values['number']} is another person's here")
    if cert is None:
        cert = Certificate(township_id=data["township"], person=person, **values, **links)
    else:
        # The issuing node's state wins (renewed, revoked...); this node's verifications stay.
        mine = cert.last_verified_on
        for f, v in {**values, **links}.items():
            setattr(cert, f, v)
        if mine and (cert.last_verified_on is None or mine > cert.last_verified_on):
            cert.last_verified_on = mine
    cert.save()
    record(None, "certificate.remote", obj=cert, person_id=person.pk, division_code=cert.township_id,
           fields={"number": cert.number, "status": cert.status, "from_node": routing["from_node"]})
    received.person = services_remote.carried(ident)


def apply_verification(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    """On the node that issued it: the residence township's verification, on the original (C6)."""
    cert = Certificate.objects.select_for_update().filter(number=str(payload["number"])[:40]).first()
    if cert is None or not holds(settings.LIUDONG_NODE, cert.township_id):
        raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"certificate {str(payload['number'])[:40]}")
    division = routing["sender"]
    if not Division.objects.filter(code=division).exists():
        raise envelope.Refused(Refusal.UNKNOWN_DIVISION, f"division {division}")
    verified_on, result, notes = parse_date(payload["verified_on"]), payload["result"], str(payload.get("notes") or "")[:500]
    if verified_on is None or result not in Result.values:
        raise ValueError("verified_on / result")
    Verification.objects.create(certificate=cert, person_id=cert.person_id, verified_on=verified_on, result=result, notes=notes, division_id=division)
    if cert.last_verified_on is None or verified_on > cert.last_verified_on:
        cert.last_verified_on = verified_on
        cert.save(update_fields=["last_verified_on"])
    record(None, "certificate.verify", obj=cert, person_id=cert.person_id, division_code=division,
           fields={"verified_on": str(verified_on), "result": result, "division": division, "from_node": routing["from_node"]})
    if result == Result.CHANGED and notes:
        # C5: the change she showed is entered, stamped by the township that found it.
        from .services import _after_entry

        entry = CertificateEntry.objects.create(certificate=cert, entered_on=verified_on, kind=EntryKind.CHANGE, text=notes, division_id=division)
        _after_entry(None, cert, entry)
    received.person = services_remote.carried(payload.get("person"))
