"""Issue 16 (S2, 1-五-(三)-3/4): the report slip (《流动人口避孕节育情况报告单》) of a check her
residence township records goes to her hukou township as a `contraception_report` message, which
crosses nodes like any message (its text); what did not cross was the check itself, so the hukou
node's own records of her checks (S3, S4: the hukou side's register of report slips, 1-四-(三)-4's
现居住地反馈的报告单) lacked it. A `slip` envelope, written in the check's transaction when her
hukou township is on another node, carries the slip's fields (number, day, items, result, method,
the institution's name, the recording township and village) and her identity; the hukou node
keeps it as a check of hers recorded where she lives (Check, origin "residence", the residence
township as its division, her hukou township as the place it went to), under the slip's number
(unique: received twice, it is kept once). Without LIUDONG_NODE nothing here runs."""
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

from .models import Check, CheckItem, Method, Origin, Result


def check_recorded(check: Check, *, now: datetime.datetime) -> None:
    """In record_check's transaction: the slip to her hukou node, if that is another node."""
    node = settings.LIUDONG_NODE
    if not node or check.hukou_place_id is None:
        return
    to_node = route(check.hukou_place_id, local_day(now))
    if to_node == node:
        return
    institution = check.institution.name if check.institution_id else check.institution_text
    enqueue(EnvelopeType.REPORT_SLIP, sender=check.division_id, receiver=check.hukou_place_id, kind="report_slip", to_node=to_node, now=now,
            payload={"report_number": check.report_number, "checked_on": str(check.checked_on), "items": check.items, "result": check.result,
                     "method": check.method, "institution": institution, "village": check.village, "notes": check.notes,
                     "person": person_fields(check.person)})


def apply_slip(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    """On her hukou node: the check, as a slip that came back from where she lives."""
    ident = payload["person"]
    hukou = routing["receiver"]
    if not isinstance(ident, dict) or not holds(settings.LIUDONG_NODE, hukou) or not str(ident.get("hukou_division") or "").startswith(hukou.rstrip("0")):
        raise envelope.Refused(Refusal.MISADDRESSED, "her hukou place is not on this node")
    number = str(payload["report_number"])[:30]
    if not number:
        raise ValueError("report_number")
    if Check.objects.filter(report_number=number).exists():
        return  # the same slip under another envelope (resent by hand): kept once
    township = routing["sender"]
    if not Division.objects.filter(code__in=[township, hukou]).count() == len({township, hukou}):
        raise envelope.Refused(Refusal.UNKNOWN_DIVISION, f"{township} / {hukou}")
    items = [i for i in payload["items"] if i in CheckItem.values]
    checked_on = parse_date(payload["checked_on"])
    if checked_on is None or payload["result"] not in Result.values or (payload.get("method") or "") not in ("", *Method.values):
        raise ValueError("checked_on / result / method")
    try:
        person, _ = services_remote.register_from_node(ident=ident, today=local_day(now), from_node=routing["from_node"])
    except Invalid as e:
        raise envelope.Refused(Refusal.MALFORMED, "; ".join(f"{k}: {m}" for k, ms in e.errors.items() for m in ms)[:300]) from None
    check = Check.objects.create(person=person, origin=Origin.RESIDENCE, division_id=township, village=str(payload.get("village") or "")[:12],
                                 checked_on=checked_on, result=payload["result"], method=payload.get("method") or "",
                                 institution_text=str(payload.get("institution") or "")[:120], notes=str(payload.get("notes") or ""),
                                 report_number=number, hukou_place_id=hukou, received_on=local_day(now), recorded_at=now, recorded_by=None,
                                 **{i: True for i in items})
    record(None, "check.remote", obj=check, person_id=person.pk, division_code=hukou,
           fields={"report_number": number, "items": items, "result": check.result, "checked_on": str(checked_on), "from_node": routing["from_node"]})
    received.person = services_remote.carried(ident)
