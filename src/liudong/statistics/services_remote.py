"""Issue 16 (T1, X2): monthly reports whose level above is on another node.

- On the level above's node, a report passed up from another node (an exchange message of kind
  `report`, written by exchange.remote.delivered) is mirrored as that division's report here,
  submitted with the figures it carried (`mirror`): the level above approves or returns it by
  the same services as in one database, and its own submission (`children_not_approved`) reads
  the child's state as the child's node sent it, with its own decision on top.
- The approval or return then goes back to the child's node (services.approve / return_report
  call `services.tell_child`: a `report` envelope in the outbox, in the act's transaction), where `decide`
  changes the report: its state, the reason of a return, the figures frozen on approval; one
  step and one audit event, as the level above's own act would have written in one database.

Both run inside the receiving node's transaction; `mirror` never raises for one bad message (the
whole batch would be undone and redelivered): it logs and passes it over."""
import datetime
import json
import logging

from django.db import transaction
from django.utils import timezone

from liudong.accounts.audit import record
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.exchange.models import Kind
from liudong.federation import handlers_reports

from . import periods
from .choices import Act, next_state
from .models import Bulletin, Report, ReportStep
from .services import _locked_report, due_on

log = logging.getLogger("liudong.federation")


def _local(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def mirror(messages) -> None:
    """exchange.hooks.on_delivered: each report passed up from another node becomes that
    division's report here, submitted (T1), with the figures it carried; each bulletin (T4) sent
    down from another node is kept here as that level's bulletin."""
    for message in messages:
        if message.kind not in (Kind.REPORT, Kind.BULLETIN):
            continue
        try:
            with transaction.atomic():
                (_mirror if message.kind == Kind.REPORT else _mirror_bulletin)(message)
        except (Invalid, KeyError, TypeError, ValueError, Division.DoesNotExist) as e:
            # The message itself is kept (the clerk reads it); only its report is not mirrored.
            log.warning("%s message %s from %s not mirrored: %s: %s", message.kind, message.pk, message.sender_id, type(e).__name__, e)


def _mirror_bulletin(message) -> None:
    """T4 across nodes: the province's (or the nation's) monthly bulletin reaches each division
    of the level below as a `bulletin` message; where that division is on another node, its node
    keeps the bulletin too (same level, month and figures), so that its officers find it in the
    list of bulletins and print it, as they would in one database. Kept once a level and month
    (a later one, made again, replaces the figures); in one database nothing is written (the
    bulletin is there already)."""
    if not handlers_reports.elsewhere(message.sender_id, _local(message.arrived_at)):
        return
    body = json.loads(message.body)
    division = Division.objects.get(code=message.sender_id)
    if division.level not in (Level.NATION, Level.PROVINCE) or not Division.objects.filter(code=message.receiver_id, parent_id=division.code).exists():
        raise ValueError(f"bulletin of {division.code} to {message.receiver_id}")
    if not isinstance(body["figures"], dict):
        raise TypeError("figures")
    first = periods.parse(body["period"], today=_local(message.arrived_at))
    bulletin, made = Bulletin.objects.update_or_create(division=division, period=first, defaults={"figures": body["figures"], "created_at": message.sent_at})
    record(None, "bulletin.remote", obj=bulletin, division_code=message.receiver_id,
           fields={"division": division.code, "period": periods.label(first), "message": message.pk, "new": made})


def _mirror(message) -> None:
    body = json.loads(message.body)
    division = Division.objects.get(code=str(body["division"]))
    if division.code != message.sender_id or division.parent_id != message.receiver_id:
        raise ValueError(f"report of {division.code} sent by {message.sender_id} to {message.receiver_id}")
    if not isinstance(body["figures"], dict):
        raise TypeError("figures")
    first = periods.parse(body["period"], today=_local(message.arrived_at))
    report = _locked_report(division, first)
    state = next_state(report.state, Act.SUBMIT)
    if state is None:
        raise ValueError(f"its report here is {report.state}")
    at = message.sent_at
    report.state, report.figures = state, body["figures"]
    # Its live figures are the child node's too: this node holds none of its people (issue 16).
    report.live, report.live_at = body["figures"], at
    report.computed_at = report.submitted_at = at
    report.submitted_on = _local(at)
    report.first_submitted_on = report.first_submitted_on or report.submitted_on
    report.submitted_by, report.return_reason, report.message_id = None, "", message.pk
    report.due_on = due_on(division, first)
    report.save()
    ReportStep.objects.create(report=report, act=Act.SUBMIT, at=at, on=report.submitted_on, actor=None, actor_division=division.code,
                              state=report.state, figures=report.figures)
    record(None, "report.submit", obj=report, division_code=message.receiver_id,
           fields={"division": division.code, "period": periods.label(first), "state": report.state, "remote": True, "message": message.pk,
                   "on_time": report.due_on is None or report.submitted_on <= report.due_on})


def decide(*, division: str, parent: str, period: str, act: str, reason: str, figures: dict, submission: str, at: datetime.datetime,
           from_node: str, now: datetime.datetime) -> None:
    """federation.handlers_reports: on the report's own node, the level above (on `from_node`)
    approved or returned the submission `submission` (the global id of the report's message)."""
    place = Division.objects.filter(code=division).first()
    if place is None or place.parent_id != parent:
        raise Invalid({"division": [f"{division[:12]} 不在本节点或其上级不是 {parent[:12]} / not this node's, or not under {parent[:12]}"]})
    first = periods.parse(period, today=_local(now))
    report = Report.objects.select_for_update().filter(division=place, period=first).first()
    if report is None:
        raise Invalid({"period": [f"本节点没有 {periods.label(first)} 的报表 / no report of {periods.label(first)} here"]})
    fields = {"division": division, "period": periods.label(first), "remote": True, "by": parent, "from_node": from_node, "submission": submission}
    sent = handlers_reports.sent_id(report.message_id)
    state = next_state(report.state, act)
    if sent != submission or state is None:
        # A decision about an earlier submission, or one this report has seen already: nothing changes.
        record(None, "report.remote_stale", obj=report, division_code=division, fields={**fields, "act": act, "state": report.state})
        return
    report.state = state
    if act == Act.APPROVE:
        # T1: the figures the level above approved are frozen here, as they are there.
        report.figures, report.approved_at, report.approved_by = figures, at, None
    else:
        report.return_reason, report.approved_at, report.approved_by = reason[:500], None, None
    report.save()
    ReportStep.objects.create(report=report, act=act, at=at, on=_local(at), actor=None, actor_division=parent, state=report.state,
                              reason=reason[:500] if act == Act.RETURN else "", figures=report.figures if act == Act.APPROVE else {})
    record(None, f"report.{act}", obj=report, division_code=division, fields={**fields, "state": report.state},
           reason=reason[:500] if act == Act.RETURN else "")
