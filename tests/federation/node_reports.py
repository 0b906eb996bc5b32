"""Actions of tests/federation/node_script.py for monthly reports across nodes (issue 16, T1):
a node submits its subtree's reports up to its own division; the level above, on another node,
approves or returns what came up; the tests read a report back."""
import os


def reports_up(args):
    """Every report of this node's subtree for the month submitted and approved level by level
    (the system acting, as for villages without staff), skipping divisions another node holds
    (their reports come up as messages), up to the node's own division, which is submitted."""
    from liudong import clock
    from liudong.dates import local_day
    from liudong.divisions.models import Division
    from liudong.federation.directory import route
    from liudong.statistics import services as stats
    from liudong.statistics.models import Report

    node, period = os.environ["LIUDONG_NODE"], args["period"]
    root = Division.objects.get(code=node)
    today = local_day(clock.now())

    def up(division, top=False):
        for child in Division.objects.filter(parent_id=division.code).order_by("code"):
            if route(child.code, today) == node:
                up(child)
        state = Report.objects.filter(division=division).values_list("state", flat=True).first()
        if state not in ("submitted", "approved"):
            stats.submit(actor=None, division_code=division.code, period=period, now=clock.now())
        if not top and state != "approved":
            stats.approve(actor=None, division_code=division.code, period=period, now=clock.now())

    from liudong.errors import Invalid

    try:
        up(root, top=True)
    except Invalid as e:
        return {"errors": e.errors}
    return report_of({"division": node, "period": period})


def report_decide(args):
    """The level above (a county officer of `by`) approves or returns the report of `division`."""
    from liudong import clock
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.statistics import services as stats

    officer, _ = Staff.objects.get_or_create(username=f"officer{args['by']}", defaults={"role": Role.COUNTY_OFFICER, "division_id": args["by"]})
    if args["act"] == "approve":
        stats.approve(actor=officer, division_code=args["division"], period=args["period"], now=clock.now())
    else:
        stats.return_report(actor=officer, division_code=args["division"], period=args["period"], reason=args["reason"], now=clock.now())
    return report_of(args)


def report_of(args):
    """The report of `division` for `period` on this node: its state, reason, figures and steps,
    what its children lack, and the audit events of its decisions."""
    import datetime

    from liudong.accounts.models import AuditEvent
    from liudong.divisions.models import Division
    from liudong.statistics.models import Report
    from liudong.statistics.services import children_not_approved

    year, month = map(int, args["period"].split("-"))
    division = Division.objects.get(code=args["division"])
    report = Report.objects.filter(division=division, period=datetime.date(year, month, 1)).first()
    if report is None:
        return {"state": None}
    return {"state": report.state, "reason": report.return_reason, "figures": report.figures, "message": report.message_id,
            "approved_at": report.approved_at.isoformat() if report.approved_at else None,
            "steps": [[s.act, s.state, s.actor_division, s.reason] for s in report.steps.order_by("at", "id")],
            "missing": [c.code for c in children_not_approved(division, report.period)],
            "audit": [[e.action, e.fields.get("remote"), e.fields.get("by")] for e in AuditEvent.objects.filter(object_type="report", object_id=str(report.pk)).order_by("id")]}





ACTIONS = {f.__name__: f for f in (reports_up, report_decide, report_of)}


def claim_home(args):
    """Her hukou township (诺江镇, on the Sichuan node) claims her arrival home on `on`: her open
    period there is the one her residence node sent, at 南头, so the claim goes to 南头's node."""
    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.exchange import claims
    from liudong.people.models import Person
    from tests.conftest import TODAY, TONGJIANG_V

    clerk, person = Staff.objects.get(username="clerk"), Person.objects.get(name="李娜")
    claim = claims.submit_arrival_claim(actor=clerk, data={"document_type": person.document_type, "document_number": person.document_number, "division": TONGJIANG_V,
                                                           "address": "诺江村3组", "arrived_on": args["on"]}, today=TODAY, now=clock.now())
    return {"claim": claim.pk, "state": claim.state, "receiver": claim.message.receiver_id if claim.message else None}


def claim_answer(args):
    """Her place (南头's clerk) accepts or disputes the arrival claim waiting in its inbox."""
    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.exchange import claims
    from liudong.exchange.models import Message

    clerk = Staff.objects.get(username="clerk")
    message = Message.objects.filter(receiver_id=clerk.division_id, kind="arrival_claim", state__in=("sent", "received")).order_by("-id").first()
    if args["act"] == "accept":
        claims.accept(actor=clerk, message_id=message.pk, now=clock.now())
    else:
        claims.dispute(actor=clerk, message_id=message.pk, reason=args["reason"], now=clock.now())
    return claims_of({})


def claims_of(_):
    """The arrival claims this node keeps, oldest first, and 李娜's periods here."""
    from liudong.exchange.models import ArrivalClaim
    from liudong.people.models import Residence

    return {"claims": [[c.state, c.answer, str(c.arrived_on), c.division_id, c.message_id is not None, c.residence_id is not None]
                       for c in ArrivalClaim.objects.order_by("id")],
            "periods": [[r.division_id, str(r.arrived_on), str(r.left_on) if r.left_on else None, r.start_kind, r.end_kind]
                        for r in Residence.objects.filter(person__name="李娜").order_by("arrived_on", "id")]}


ACTIONS.update({f.__name__: f for f in (claim_home, claim_answer, claims_of)})
