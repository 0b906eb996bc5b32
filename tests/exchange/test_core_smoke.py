"""X1-X5 core: a verification request crosses National Day 2026, is answered, and the tick marks
an unanswered one overdue."""
import datetime

import pytest
from django.utils import timezone

from liudong.errors import Invalid
from liudong.exchange import services
from liudong.exchange.models import Message, State
from tests.conftest import NANTOU, TONGJIANG_T


def at(day: str, hour: int = 10):
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def test_verification_crosses_national_day_and_is_answered(world, migrant):
    clerk, hukou = world["township_clerk"], world["tongjiang_clerk"]
    msg = services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实婚育情况"}, now=at("2026-09-28"))
    assert msg.route == f"{NANTOU}>440000000000>000000000000>510000000000>{TONGJIANG_T}" and msg.via_nation
    # B3/X4: 15 working days after 9-28: 9-29, 9-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12..16, 10-19..23
    assert msg.reply_due_on == datetime.date(2026, 10, 23) and msg.state == State.SENT
    with pytest.raises(Invalid):
        services.reply(actor=clerk, message_id=msg, data={"body": "x"}, now=at("2026-10-09"))
    answer = services.reply(actor=hukou, message_id=msg, data={"body": "已婚，未生育"}, now=at("2026-10-09"))
    msg.refresh_from_db()
    assert msg.state == State.ANSWERED and answer.in_reply_to_id == msg.pk and answer.receiver_id == NANTOU
    with pytest.raises(Invalid):
        services.reply(actor=hukou, message_id=msg, data={"body": "again"}, now=at("2026-10-10"))
    assert Message.objects.count() == 2


def test_tick_marks_overdue(world, migrant):
    clerk = world["township_clerk"]
    msg = services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实"}, now=at("2026-09-28"))
    assert services.tick(datetime.date(2026, 10, 23)) == 0
    assert services.tick(datetime.date(2026, 10, 24)) == 1
    msg.refresh_from_db()
    assert msg.state == State.OVERDUE


def test_fax_needs_receiving_time_and_arrival_after_sending(world, migrant):
    clerk = world["township_clerk"]
    base = {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实"}
    with pytest.raises(Invalid) as e:
        services.send_message(actor=clerk, data={**base, "channel": "fax", "sent_at": "2026-09-28 09:00"}, now=at("2026-09-28"))
    assert "arrived_at" in e.value.errors
    with pytest.raises(Invalid) as e:
        services.send_message(actor=clerk, data={**base, "channel": "fax", "sent_at": "2026-09-28 09:00", "arrived_at": "2026-09-27 09:00"}, now=at("2026-09-28"))
    assert "arrived_at" in e.value.errors
    assert not Message.objects.exists()
