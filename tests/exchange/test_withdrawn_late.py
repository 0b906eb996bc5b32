"""X3, T3 (issue 8): a request its sender withdraws after the answer deadline has passed still
counts as overdue for the receiver (and a case's message withdrawn unsent after its send-by date,
for its sender): the withdrawal does not erase the miss. Withdrawn in time, it is owed no more.

The request (fixture request_msg): 南头 asks 诺江 on Mon 2026-09-28, answer due Fri 2026-10-23."""
import datetime

from liudong.divisions.models import Division
from liudong.exchange import queries, services, timeliness
from liudong.exchange.models import State
from tests.conftest import NANTOU, TONGJIANG_T

from .helpers import at

D = datetime.date
PERIOD = {"start": "2026-09-01", "end": "2026-10-31", "today": D(2026, 11, 2)}


def figures(actor):
    return timeliness.figures(actor=actor, **PERIOD)


def test_X3_withdrawn_after_the_tick_marked_it_overdue_stays_overdue_for_both_ends(world, request_msg):
    assert services.tick(D(2026, 10, 26)) == 1
    services.close(actor=world["township_clerk"], message_id=request_msg, reason="案件已办结 / case closed", now=at("2026-10-27"))
    request_msg.refresh_from_db()
    assert (request_msg.state, request_msg.withdrawn_on, request_msg.overdue_on) == (State.CLOSED, D(2026, 10, 27), D(2026, 10, 26))
    theirs = figures(world["tongjiang_clerk"])["as_receiver"]
    assert (theirs["received"], theirs["withdrawn"], theirs["expected"], theirs["overdue_withdrawn"], theirs["overdue"]) == (1, 0, 1, 1, 1)
    assert theirs["on_time_rate"] == 0.0 and theirs["pending"] == 0
    ours = figures(world["township_clerk"])["as_sender"]
    assert (ours["requests"], ours["withdrawn"], ours["expected"], ours["overdue"]) == (1, 0, 1, 1)


def test_X3_withdrawn_after_the_deadline_before_the_tick_ran_keeps_the_miss(world, request_msg):
    services.close(actor=world["township_clerk"], message_id=request_msg, reason="不再需要 / not needed", now=at("2026-10-26"))
    request_msg.refresh_from_db()
    assert (request_msg.withdrawn_on, request_msg.overdue_on) == (D(2026, 10, 26), D(2026, 10, 26))
    assert figures(world["tongjiang_clerk"])["as_receiver"]["overdue"] == 1


def test_X3_withdrawn_on_the_deadline_day_is_owed_no_more(world, request_msg):
    services.close(actor=world["township_clerk"], message_id=request_msg, reason="不再需要 / not needed", now=at("2026-10-23", 17))
    request_msg.refresh_from_db()
    assert (request_msg.withdrawn_on, request_msg.overdue_on) == (D(2026, 10, 23), None)
    theirs = figures(world["tongjiang_clerk"])["as_receiver"]
    assert (theirs["withdrawn"], theirs["expected"], theirs["overdue"], theirs["reply_rate"]) == (1, 0, 0, None)


def test_X3_a_case_message_withdrawn_unsent_after_its_send_by_date_is_a_missed_duty(world, migrant):
    clerk = world["township_clerk"]
    late = services.open_draft(actor=clerk, kind="verification", topic="births", receiver=Division.objects.get(code=TONGJIANG_T), person=migrant, subject="核实",
                               body="", send_due_on=D(2026, 10, 12), rules_on=D(2026, 9, 28), now=at("2026-09-28"))
    in_time = services.open_draft(actor=clerk, kind="verification", topic="births", receiver=Division.objects.get(code=TONGJIANG_T), person=migrant, subject="核实",
                                  body="", send_due_on=D(2026, 10, 20), rules_on=D(2026, 9, 28), now=at("2026-09-28"))
    services.close(actor=clerk, message_id=late, reason="案件撤回 / case withdrawn", now=at("2026-10-14"))
    services.close(actor=clerk, message_id=in_time, reason="案件撤回 / case withdrawn", now=at("2026-10-14"))
    duty = figures(clerk)["as_sender"]["duty"]
    assert (duty["to_send"], duty["withdrawn"], duty["unsent_overdue"], duty["unsent_pending"], duty["on_time_rate"]) == (2, 1, 1, 0, 0.0)


def test_X3_the_page_shows_the_withdrawal_after_the_deadline(client, world, request_msg, clock):
    from django.urls import reverse

    services.close(actor=world["township_clerk"], message_id=request_msg, reason="不再需要 / not needed", now=at("2026-10-26"))
    clock("2026-10-27")
    client.force_login(world["tongjiang_clerk"])
    html = client.get(reverse("exchange_detail", args=[request_msg.pk])).content.decode()
    assert "撤回日期" in html and "期限过后撤回，仍计超期" in html
    message = queries.get_message(actor=world["township_clerk"], message_id=request_msg.pk)
    assert message.withdrawn_on == D(2026, 10, 26) and NANTOU == message.sender_id
