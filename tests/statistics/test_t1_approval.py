"""T1 (issue 14): reports pass up level by level: the village submits, its township approves or
returns it with a reason, the township submits its own once every village's is approved (for a
village without staff it submits itself, J3), the county approves; approved figures are frozen;
every step is audited; bad steps change nothing."""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange.models import Kind, Message
from liudong.statistics import queries, services
from liudong.statistics.models import Report, ReportStep
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, SHEKOU, SHEKOU_V1

from .conftest import arrive, at, d, register

OCT = "2026-10"


def state(code, period=OCT):
    return Report.objects.get(division_id=code, period=d(period + "-01")).state


def test_t1_village_submits_township_returns_with_reason_village_resubmits_township_approves(clerk, collector, head):
    arrive(clerk, register(clerk, seq=120), "2026-10-05")
    r = services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    assert r.state == "submitted" and r.figures["inflow"] == 1 and r.first_submitted_on == d("2026-11-02")
    assert r.due_on == d("2026-11-03")   # policy statistics.due_day.village = 3
    services.return_report(actor=head, division_code=NANTOU_V1, period=OCT, reason="流入人口漏报一人", now=at("2026-11-03"))
    view = queries.report(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-03"), years=False)
    assert view["state"] == "returned" and view["return_reason"] == "流入人口漏报一人"
    arrive(clerk, register(clerk, seq=122), "2026-10-20")            # the village corrects the registry
    r = services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-04"))
    assert r.figures["inflow"] == 2 and r.first_submitted_on == d("2026-11-02") and r.return_reason == ""
    services.approve(actor=head, division_code=NANTOU_V1, period=OCT, now=at("2026-11-04"))
    assert state(NANTOU_V1) == "approved"
    steps = list(ReportStep.objects.filter(report__division_id=NANTOU_V1).values_list("act", "state", "reason"))
    assert steps == [("submit", "submitted", ""), ("return", "returned", "流入人口漏报一人"), ("submit", "submitted", ""), ("approve", "approved", "")]
    assert list(AuditEvent.objects.filter(action__startswith="report.").order_by("id").values_list("action", flat=True)) == [
        "report.submit", "report.return", "report.submit", "report.approve"]
    # The township sees its village's state and dates, and the rates of its villages.
    township = queries.report(actor=head, division_code=NANTOU, period=OCT, now=at("2026-11-04"), years=False)
    row = {c["division"]: c for c in township["children"]}[NANTOU_V1]
    assert row["state"] == "approved" and row["on_time"] is True
    assert township["rates"]["children"] == 2 and township["rates"]["reporting_rate"] == 0.5 and township["rates"]["on_time_rate"] == 0.5


def test_t1_township_submits_only_when_every_village_is_approved_and_for_a_village_without_staff(clerk, collector, head, county):
    services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    services.approve(actor=head, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    with pytest.raises(Invalid) as e:
        services.submit(actor=head, division_code=NANTOU, period=OCT, now=at("2026-11-03"))
    assert "大汪山社区" in e.value.errors["children"][0]
    assert not Report.objects.filter(division_id=NANTOU).exists() and not Message.objects.filter(kind=Kind.REPORT).exists()   # nothing written
    # J3: 大汪山社区 has no staff account: its township submits for it; 红花园社区 has one, so not for it.
    services.submit(actor=head, division_code=NANTOU_V2, period=OCT, now=at("2026-11-03"))
    services.approve(actor=head, division_code=NANTOU_V2, period=OCT, now=at("2026-11-03"))
    services.submit(actor=head, division_code=NANTOU, period=OCT, now=at("2026-11-05"))
    # T1: from the township up, the report passes up as an exchange message of kind report.
    message = Message.objects.get(kind=Kind.REPORT)
    assert (message.sender_id, message.receiver_id, message.state, message.person_id, message.reply_due_on) == (NANTOU, NANSHAN, "sent", None, None)
    assert Report.objects.get(division_id=NANTOU, period=d("2026-10-01")).message_id == message.pk
    services.approve(actor=county, division_code=NANTOU, period=OCT, now=at("2026-11-06"))
    assert state(NANTOU) == "approved"


def test_t1_township_may_not_submit_for_a_village_with_staff(collector, head):
    with pytest.raises(Denied):
        services.submit(actor=head, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    assert not Report.objects.filter(state="submitted").exists()


def test_t1_approved_figures_are_frozen_live_shows_the_difference_and_a_return_reopens(clerk, collector, head):
    arrive(clerk, register(clerk, seq=120), "2026-10-05")
    services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    services.approve(actor=head, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    arrive(clerk, register(clerk, seq=124), "2026-10-31")            # a late correction for October
    arrive(clerk, register(clerk, seq=126), "2026-11-01")            # November: not October's
    view = queries.report(actor=head, division_code=NANTOU_V1, period=OCT, now=at("2026-11-10"), years=False)
    assert view["figures"]["inflow"] == 1 and view["live"]["inflow"] == 2 and view["difference"]["inflow"] == 1
    services.return_report(actor=head, division_code=NANTOU_V1, period=OCT, reason="请更新流入人数", now=at("2026-11-10"))
    r = services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-11"))
    assert r.figures["inflow"] == 2


def test_t1_bad_steps_change_nothing(world, collector, head, county):
    from liudong.accounts.choices import Role
    from tests.statistics.conftest import d as day

    services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    before = (ReportStep.objects.count(), AuditEvent.objects.filter(action__startswith="report.").count())
    cases = [
        (Invalid, "state", lambda: services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))),   # twice
        (Invalid, "reason", lambda: services.return_report(actor=head, division_code=NANTOU_V1, period=OCT, reason="  ", now=at("2026-11-02"))),
        (Invalid, "period", lambda: services.submit(actor=collector, division_code=NANTOU_V1, period="2026-12", now=at("2026-11-02"))),  # future
        (Invalid, "period", lambda: services.approve(actor=head, division_code=NANTOU_V1, period="2026-11", now=at("2026-11-28"))),  # not ended
        (Invalid, "period", lambda: services.submit(actor=collector, division_code=NANTOU_V1, period="2026-13", now=at("2026-11-02"))),
        (Invalid, "state", lambda: services.approve(actor=head, division_code=NANTOU_V2, period=OCT, now=at("2026-11-02"))),  # never submitted
        (Denied, None, lambda: services.approve(actor=world["village_cadre"], division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))),  # views only
        (Denied, None, lambda: services.approve(actor=county, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))),  # not the level above
        (Denied, None, lambda: services.approve(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))),
        (NotFound, None, lambda: services.approve(actor=world["futian_clerk"], division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))),
        (NotFound, None, lambda: services.submit(actor=collector, division_code=SHEKOU_V1, period=OCT, now=at("2026-11-02"))),
        (NotFound, None, lambda: services.submit(actor=collector, division_code="999999999999", period=OCT, now=at("2026-11-02"))),
    ]
    for error, field, act in cases:
        with pytest.raises(error) as e:
            act()
        if field:
            assert field in e.value.errors
    assert state(NANTOU_V1) == "submitted"
    assert (ReportStep.objects.count(), AuditEvent.objects.filter(action__startswith="report.").count()) == before
    assert not Report.objects.filter(period__gte=day("2026-11-01")).exists()


def test_t1_a_county_may_not_approve_a_child_of_another_county(world, collector, head):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    futian = Staff.objects.create(username="futian_officer", role=Role.COUNTY_OFFICER, division_id="440304000000")
    services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    services.approve(actor=head, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    services.submit(actor=head, division_code=NANTOU_V2, period=OCT, now=at("2026-11-02"))
    services.approve(actor=head, division_code=NANTOU_V2, period=OCT, now=at("2026-11-02"))
    services.submit(actor=head, division_code=NANTOU, period=OCT, now=at("2026-11-04"))
    with pytest.raises(NotFound):
        services.approve(actor=futian, division_code=NANTOU, period=OCT, now=at("2026-11-05"))
    assert state(NANTOU) == "submitted"
    # A return of an approved village while its township's report is submitted is refused.
    with pytest.raises(Invalid) as e:
        services.return_report(actor=head, division_code=NANTOU_V1, period=OCT, reason="重报", now=at("2026-11-05"))
    assert "state" in e.value.errors and state(NANTOU_V1) == "approved"


def test_t1_due_day_per_level_is_policy(world):
    from liudong.divisions.models import Division
    from liudong.policy.services import set_value

    assert services.due_on(Division.objects.get(code=NANTOU), d("2026-10-01")) == d("2026-11-05")
    assert services.due_on(Division.objects.get(code=NANSHAN), d("2026-12-01")) == d("2027-01-08")
    set_value(actor=None, name="statistics.due_day.township", raw_value="6", division_code="440000000000", valid_from="2026-01-01")
    assert services.due_on(Division.objects.get(code=SHEKOU), d("2026-10-01")) == d("2026-11-06")
    assert services.due_on(Division.objects.get(code=SHEKOU), d("2025-10-01")) == d("2025-11-05")


def test_t2_close_month_stores_every_division_and_keeps_approved_figures(clerk, collector, head):
    arrive(clerk, register(clerk, seq=120), "2026-10-05")
    services.submit(actor=collector, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    services.approve(actor=head, division_code=NANTOU_V1, period=OCT, now=at("2026-11-02"))
    arrive(clerk, register(clerk, seq=122), "2026-10-06")
    with pytest.raises(Denied):
        services.close_month(actor=head, period=OCT, now=at("2026-11-01", 1))
    result = services.close_month(actor=None, period=OCT, now=at("2026-11-01", 1))
    assert result["created"] > 3
    reports = {r.division_id: r for r in Report.objects.filter(period=d("2026-10-01"))}
    assert reports[NANTOU_V1].figures["inflow"] == 1 and reports[NANTOU_V1].live["inflow"] == 2      # frozen
    assert reports[NANTOU].figures["inflow"] == 2 and reports[NANSHAN].figures["inflow"] == 2
    assert reports["440300000000"].figures["inflow"] == 2 and reports["000000000000"].figures["inflow"] == 2
    # T2, part 11: the year's figures are stored with them (statistical year 2027 began on 1 October 2026).
    stat_year, calendar_year = reports[NANSHAN].years
    assert (stat_year["kind"], stat_year["year"], stat_year["start"], stat_year["to"]) == ("statistical", 2027, "2026-10-01", "2026-10-31")
    assert (calendar_year["kind"], calendar_year["year"], calendar_year["figures"]["inflow"]) == ("calendar", 2026, 2)
    county_page = queries.report(actor=head.__class__.objects.get(username="county_officer"), division_code=NANSHAN, period=OCT, now=at("2026-11-02"))
    assert county_page["years"][0]["figures"] == stat_year["figures"] and county_page["live"]["inflow"] == 2
    again = services.close_month(actor=None, period=OCT, now=at("2026-11-01", 2))
    assert again["created"] == 0 and Report.objects.filter(period=d("2026-10-01")).count() == len(reports)
    with pytest.raises(Invalid):
        services.close_month(actor=None, period="2026-11", now=at("2026-11-28"))


def test_t2_close_month_command(clerk):
    from django.core.management import call_command

    arrive(clerk, register(clerk, seq=120), "2026-10-05")
    call_command("statistics", "close", "--period", OCT, "--division", NANSHAN)
    assert Report.objects.get(division_id=NANTOU, period=d("2026-10-01")).figures["inflow"] == 1
    assert not Report.objects.filter(division_id="440300000000").exists()


def test_t2_the_nightly_refresh_updates_live_figures_not_stored_ones(clerk):
    from django.core.management import call_command

    arrive(clerk, register(clerk, seq=120), "2026-10-05")
    services.close_month(actor=None, period=OCT, now=at("2026-11-01", 1), root=NANSHAN)
    arrive(clerk, register(clerk, seq=122), "2026-10-06")          # a correction after the close
    call_command("statistics", "refresh")                          # as the nightly task (clock: the suite's 2026-11-28)
    county = Report.objects.get(division_id=NANSHAN, period=d("2026-10-01"))
    assert county.figures["inflow"] == 1 and county.live["inflow"] == 2 and county.years[1]["figures"]["inflow"] == 2
