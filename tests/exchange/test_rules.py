"""X2 routes, X4 deadlines across Spring Festival and National Day 2026 and the end of the loaded
calendar, X5 arrival per channel, and every bad input of issue 3 (a clear error, nothing written)."""
import datetime

import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange import services
from liudong.exchange.models import Attachment, Message, State
from tests.conftest import FUTIAN_T, NANSHAN, NANTOU, NANTOU_V1, SHEKOU, TONGJIANG, TONGJIANG_T

from .helpers import PDF, PNG, at, upload as _file

D = datetime.date


def base(migrant, **extra):
    return {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实婚育情况", **extra}


@pytest.fixture
def nothing_written(db):
    """`with nothing_written(): ...`: no message, attachment or audit event is added."""
    from contextlib import contextmanager

    @contextmanager
    def check():
        before = (Message.objects.count(), Attachment.objects.count(), AuditEvent.objects.count(), list(Message.objects.order_by("id").values()))
        yield
        assert (Message.objects.count(), Attachment.objects.count(), AuditEvent.objects.count(), list(Message.objects.order_by("id").values())) == before

    return check


# ---------------------------------------------------------------- X2 routes


def test_route_within_a_province_goes_through_the_province():
    assert services.route_for(NANTOU, FUTIAN_T) == (f"{NANTOU}>440000000000>{FUTIAN_T}", False)


def test_route_across_provinces_goes_through_the_nation():
    assert services.route_for(NANTOU, TONGJIANG_T) == (f"{NANTOU}>440000000000>000000000000>510000000000>{TONGJIANG_T}", True)


def test_sent_messages_record_their_route(world, migrant):
    clerk = world["township_clerk"]
    near = services.send_message(actor=clerk, data=base(migrant, receiver=SHEKOU), now=at("2026-09-28"))
    far = services.send_message(actor=clerk, data=base(migrant), now=at("2026-09-28"))
    assert (near.route, near.via_nation) == (f"{NANTOU}>440000000000>{SHEKOU}", False)
    assert far.via_nation and far.route.split(">")[2] == "000000000000"
    # A county writes too (X1: townships or counties).
    county = services.send_message(actor=world["county_officer"], data=base(migrant, receiver=TONGJIANG), now=at("2026-09-28"))
    assert county.route == f"{NANSHAN}>440000000000>000000000000>510000000000>{TONGJIANG}"


# ---------------------------------------------------------------- X4 deadlines


def test_answer_period_crosses_spring_festival_2026(world, migrant):
    # Tue 2026-02-10 + 15 working days: 11, 12, 13, Sat 14 (make-up), [15-23 off], 24, 25, 26, 27,
    # Sat 28 (make-up), 3-02 .. 3-06, 3-09.
    msg = services.send_message(actor=world["township_clerk"], data=base(migrant), now=at("2026-02-10"))
    assert msg.arrived_on == D(2026, 2, 10) and msg.reply_due_on == msg.due_on == D(2026, 3, 9)
    assert msg.rule_set == "national-2009" and msg.rules_on == D(2026, 2, 10)


def test_answer_period_crosses_national_day_2026_from_a_fax(world, migrant):
    # A fax marked received Fri 2026-09-18 16:00: Sun 9-20 (make-up) is the first working day,
    # then 9-21 .. 9-24, [9-25 Mid-Autumn], 9-28 .. 9-30, [10-01 .. 10-07 off], 10-08, 10-09,
    # Sat 10-10 (make-up), 10-12 .. 10-15.
    msg = services.send_message(actor=world["township_clerk"], data=base(migrant, kind="clue", channel="fax", sent_at="2026-09-18 15:50", arrived_at="2026-09-18T16:00",
                                                               evidence="传真回执 0918-01"), now=at("2026-09-21"))
    assert msg.channel == "fax" and msg.arrived_on == D(2026, 9, 18) and msg.reply_due_on == D(2026, 10, 15)


def test_a_deadline_the_calendar_cannot_compute_is_an_error_and_nothing_is_written(world, migrant, nothing_written):
    # Sunday 2026-12-20 + 15 working days runs into 2027, which is not loaded (X4: never a guess).
    with nothing_written(), pytest.raises(Invalid) as e:
        services.send_message(actor=world["township_clerk"], data=base(migrant), now=at("2026-12-20"))
    assert "2027" in e.value.errors["arrived_at"][0]
    # One that ends inside 2026 is fine: Tue 12-01 + 15 working days = Tue 12-22.
    assert services.send_message(actor=world["township_clerk"], data=base(migrant), now=at("2026-12-01")).reply_due_on == D(2026, 12, 22)


def test_a_notification_expects_no_answer_and_closes_when_signed_for(world, migrant):
    msg = services.send_message(actor=world["township_clerk"], data=base(migrant, kind="notification"), now=at("2026-12-20"))
    assert msg.reply_due_on is None and msg.due_on is None and msg.state == State.SENT
    msg = services.acknowledge(actor=world["tongjiang_clerk"], message_id=msg.pk, now=at("2026-12-21"))
    assert msg.state == State.CLOSED and msg.received_at == at("2026-12-21")


# ---------------------------------------------------------------- X5 arrival per channel


def test_a_letter_arrival_recorded_later_starts_the_clock(world, migrant):
    clerk, hukou = world["township_clerk"], world["tongjiang_clerk"]
    msg = services.send_message(actor=clerk, data=base(migrant, channel="letter", sent_at="2026-09-25 09:00", evidence="挂号信 XA123456789CN"), now=at("2026-09-25", 11))
    assert msg.state == State.SENT and msg.arrived_at is None and msg.due_on is None
    # The receiver cannot sign for or answer it before its arrival is recorded.
    with pytest.raises(Invalid):
        services.acknowledge(actor=hukou, message_id=msg.pk, now=at("2026-09-29"))
    with pytest.raises(Invalid):
        services.reply(actor=hukou, message_id=msg.pk, data={"body": "x"}, now=at("2026-09-29"))
    # Signed for Wed 9-30: 15 working days are 10-08 .. 10-27 (10-10 a make-up Saturday).
    msg = services.record_arrival(actor=hukou, message_id=msg.pk, data={"arrived_at": "2026-09-30 10:00", "evidence": "签收回执"}, now=at("2026-10-08"),
                                  attachments=[_file("receipt.pdf", PDF, "application/pdf")])
    assert msg.arrived_on == D(2026, 9, 30) and msg.reply_due_on == msg.due_on == D(2026, 10, 27)
    assert msg.evidence == "挂号信 XA123456789CN; 签收回执"
    assert msg.attachments.get().is_evidence
    with pytest.raises(Invalid) as e:  # recorded once
        services.record_arrival(actor=clerk, message_id=msg.pk, data={"arrived_at": "2026-10-01 10:00"}, now=at("2026-10-08"))
    assert "arrived_at" in e.value.errors


def test_a_letter_needs_its_mail_number_and_its_arrival_cannot_precede_sending(world, migrant, nothing_written):
    clerk = world["township_clerk"]
    with nothing_written():
        with pytest.raises(Invalid) as e:
            services.send_message(actor=clerk, data=base(migrant, channel="letter", sent_at="2026-09-25 09:00"), now=at("2026-09-25", 11))
        assert "evidence" in e.value.errors
        with pytest.raises(Invalid) as e:
            services.send_message(actor=clerk, data=base(migrant, channel="letter", evidence="XA1"), now=at("2026-09-25", 11))
        assert "sent_at" in e.value.errors
    msg = services.send_message(actor=clerk, data=base(migrant, channel="letter", sent_at="2026-09-25 09:00", evidence="XA1"), now=at("2026-09-25", 11))
    with nothing_written(), pytest.raises(Invalid) as e:
        services.record_arrival(actor=world["tongjiang_clerk"], message_id=msg.pk, data={"arrived_at": "2026-09-24 09:00"}, now=at("2026-09-28"))
    assert e.value.errors["arrived_at"] == ["送达时间不能早于发出时间 / it cannot arrive before it was sent"]


def test_a_phone_call_needs_its_call_time_and_its_record(world, migrant, nothing_written):
    clerk = world["township_clerk"]
    with nothing_written():
        with pytest.raises(Invalid) as e:
            services.send_message(actor=clerk, data=base(migrant, kind="clue", channel="phone", evidence="通话记录"), now=at("2026-02-13", 16))
        assert "arrived_at" in e.value.errors
        with pytest.raises(Invalid) as e:
            services.send_message(actor=clerk, data=base(migrant, kind="clue", channel="phone", arrived_at="2026-02-13 15:00"), now=at("2026-02-13", 16))
        assert "evidence" in e.value.errors
    # The call at Fri 2026-02-13 15:00: Sat 2-14 (make-up) is day 1, then 2-24 .. 2-27, Sat 2-28, 3-02 .. 3-06, 3-09 .. 3-12.
    msg = services.send_message(actor=clerk, data=base(migrant, kind="clue", channel="phone", arrived_at="2026-02-13 15:00", evidence="通话记录：王某 13800138000"), now=at("2026-02-13", 16))
    assert msg.sent_at == msg.arrived_at == at("2026-02-13", 15) and msg.reply_due_on == D(2026, 3, 12)


def test_a_fax_without_its_receiving_time_or_received_before_sending_is_refused(world, migrant, nothing_written):
    clerk = world["township_clerk"]
    with nothing_written():
        with pytest.raises(Invalid) as e:
            services.send_message(actor=clerk, data=base(migrant, channel="fax", sent_at="2026-09-28 09:00"), now=at("2026-09-28"))
        assert e.value.errors["arrived_at"] == ["传真须填写对方标注的接收时间 / a fax needs its marked receiving time"]
        with pytest.raises(Invalid) as e:
            services.send_message(actor=clerk, data=base(migrant, channel="fax", sent_at="2026-09-28 09:00", arrived_at="2026-09-28 08:59"), now=at("2026-09-28"))
        assert "arrived_at" in e.value.errors
        with pytest.raises(Invalid) as e:  # and not in the future
            services.send_message(actor=clerk, data=base(migrant, channel="fax", sent_at="2026-09-28 09:00", arrived_at="2026-09-29 09:00"), now=at("2026-09-28"))
        assert "arrived_at" in e.value.errors
        for bad in ("yesterday", "2026-13-01 09:00", "0001-01-01 00:00"):
            with pytest.raises(Invalid) as e:
                services.send_message(actor=clerk, data=base(migrant, channel="fax", sent_at=bad, arrived_at="2026-09-28 09:00"), now=at("2026-09-28"))
            assert "sent_at" in e.value.errors
        with pytest.raises(Invalid) as e:
            services.send_message(actor=clerk, data=base(migrant, channel="pigeon"), now=at("2026-09-28"))
        assert "channel" in e.value.errors


# ---------------------------------------------------------------- X3 answers and bad input


def test_a_reply_from_a_division_the_message_is_not_addressed_to_is_refused(world, migrant, request_msg, nothing_written, tongjiang_county):
    with nothing_written():
        # the sender itself
        with pytest.raises(Invalid) as e:
            services.reply(actor=world["township_clerk"], message_id=request_msg.pk, data={"body": "x"}, now=at("2026-10-09"))
        assert "message" in e.value.errors
        # the county above the receiver sees it but is not the receiver
        with pytest.raises(Invalid) as e:
            services.reply(actor=tongjiang_county, message_id=request_msg.pk, data={"body": "x"}, now=at("2026-10-09"))
        assert "not addressed to" in e.value.errors["message"][0]
        # a township with nothing to do with it does not even see it
        with pytest.raises(NotFound):
            services.reply(actor=world["futian_clerk"], message_id=request_msg.pk, data={"body": "x"}, now=at("2026-10-09"))
        # a role that may not handle messages
        with pytest.raises(Denied):
            services.reply(actor=world["village_collector"], message_id=request_msg.pk, data={"body": "x"}, now=at("2026-10-09"))
        with pytest.raises(NotFound):
            services.reply(actor=world["tongjiang_clerk"], message_id=10**30, data={"body": "x"}, now=at("2026-10-09"))


def test_a_second_reply_is_refused_and_the_first_closes_the_request(world, request_msg, nothing_written):
    hukou = world["tongjiang_clerk"]
    answer = services.reply(actor=hukou, message_id=request_msg.pk, data={"body": "已婚，未生育", "channel": "fax", "sent_at": "2026-10-09 09:00", "arrived_at": "2026-10-09 09:05",
                                                     "evidence": "传真回执"}, now=at("2026-10-09"), attachments=[_file("证明.png", PNG, "image/png")])
    request_msg.refresh_from_db()
    assert request_msg.state == State.ANSWERED and request_msg.due_on is None and request_msg.answered_on == D(2026, 10, 9)
    assert answer.kind == "reply" and answer.sender_id == TONGJIANG_T and answer.receiver_id == NANTOU and answer.person_id == request_msg.person_id
    assert answer.subject == "反馈：核实李娜婚育情况" and answer.attachments.count() == 1
    assert AuditEvent.objects.filter(action="message.reply", object_id=str(request_msg.pk), fields__on_time=True).exists()
    with nothing_written(), pytest.raises(Invalid) as e:
        services.reply(actor=hukou, message_id=request_msg.pk, data={"body": "again"}, now=at("2026-10-10"))
    assert "已反馈" in e.value.errors["message"][0]
    # A reply is not answered in turn; the sender signs for it and it is done.
    with pytest.raises(Invalid):
        services.reply(actor=world["township_clerk"], message_id=answer.pk, data={"body": "thanks"}, now=at("2026-10-10"))
    assert services.acknowledge(actor=world["township_clerk"], message_id=answer.pk, now=at("2026-10-10")).state == State.CLOSED


def test_an_answer_cannot_be_dated_before_the_request_arrived(world, request_msg, nothing_written):
    with nothing_written(), pytest.raises(Invalid) as e:
        services.reply(actor=world["tongjiang_clerk"], message_id=request_msg.pk, data={"body": "x", "channel": "fax", "sent_at": "2026-09-27 09:00", "arrived_at": "2026-09-27 09:10", "evidence": "传真报告"}, now=at("2026-10-09"))
    assert "sent_at" in e.value.errors


def test_a_message_about_a_person_outside_the_clerks_scope_is_refused(world, migrant, nothing_written):
    # 园岭街道 (福田区) has nothing to do with 李娜: she neither lives nor is registered there.
    with nothing_written(), pytest.raises(Invalid) as e:
        services.send_message(actor=world["futian_clerk"], data=base(migrant), now=at("2026-09-28"))
    assert e.value.errors["person"] == ["当事人不存在或不在您的管辖范围内 / no such person in your scope"]
    # Her hukou township may write about her (an outflow person).
    assert services.send_message(actor=world["tongjiang_clerk"], data=base(migrant, receiver=NANTOU), now=at("2026-09-28")).person_id == migrant.pk


@pytest.mark.parametrize("change, field", [
    ({"kind": "reply"}, "kind"), ({"kind": "fee_consultation"}, "kind"), ({"kind": ""}, "kind"),
    ({"receiver": NANTOU}, "receiver"), ({"receiver": NANTOU_V1}, "receiver"), ({"receiver": "440000000000"}, "receiver"),
    ({"receiver": "999999999999"}, "receiver"), ({"receiver": "abc"}, "receiver"),
    ({"person": None}, "person"), ({"person": "x"}, "person"), ({"person": 10**30}, "person"), ({"person": True}, "person"),
    ({"subject": ""}, "subject"), ({"subject": "字" * 201}, "subject"), ({"evidence": "x" * 301}, "evidence"),
])
def test_bad_fields_of_a_new_message(world, migrant, nothing_written, change, field):
    with nothing_written(), pytest.raises(Invalid) as e:
        services.send_message(actor=world["township_clerk"], data={**base(migrant), **change}, now=at("2026-09-28"))
    assert field in e.value.errors
    for messages in e.value.errors.values():
        assert all(" / " in m for m in messages)


def test_only_townships_and_counties_with_the_right_role_write(world, migrant, nothing_written):
    with nothing_written():
        with pytest.raises(Denied):
            services.send_message(actor=world["village_collector"], data=base(migrant), now=at("2026-09-28"))
        with pytest.raises(Denied):
            services.send_message(actor=world["city_officer"], data=base(migrant), now=at("2026-09-28"))


@pytest.mark.parametrize("upload", [
    _file("a.exe", b"MZ\x90\x00", "application/octet-stream"),
    _file("fake.pdf", b"not a pdf at all", "application/pdf"),
    _file("empty.png", b"", "image/png"),
    _file("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024), "application/pdf"),
])
def test_bad_attachments_are_refused_with_the_whole_message(world, migrant, nothing_written, upload):
    with nothing_written(), pytest.raises(Invalid) as e:
        services.send_message(actor=world["township_clerk"], data=base(migrant), now=at("2026-09-28"), attachments=[_file("ok.pdf", PDF, "application/pdf"), upload])
    assert "attachments" in e.value.errors


def test_attachments_are_kept_with_their_checksum(world, migrant):
    msg = services.send_message(actor=world["township_clerk"], data=base(migrant), now=at("2026-09-28"), attachments=[_file("C:\\scans\\证明.pdf", PDF, "application/pdf")])
    att = msg.attachments.get()
    assert att.name == "证明.pdf" and bytes(att.data) == PDF and att.size == len(PDF) and len(att.sha256) == 64 and not att.is_evidence


def test_close_is_for_the_sender_with_a_reason(world, request_msg, nothing_written):
    with nothing_written():
        with pytest.raises(Invalid) as e:
            services.close(actor=world["tongjiang_clerk"], message_id=request_msg.pk, reason="no", now=at("2026-10-09"))
        assert "message" in e.value.errors
        with pytest.raises(Invalid) as e:
            services.close(actor=world["township_clerk"], message_id=request_msg.pk, reason=" ", now=at("2026-10-09"))
        assert "reason" in e.value.errors
    msg = services.close(actor=world["township_clerk"], message_id=request_msg.pk, reason="案件已撤回", now=at("2026-10-09"))
    assert msg.state == State.CLOSED and msg.due_on is None
    with pytest.raises(Invalid):  # a closed request is not answered any more
        services.reply(actor=world["tongjiang_clerk"], message_id=request_msg.pk, data={"body": "late"}, now=at("2026-10-10"))
    with pytest.raises(Invalid):
        services.close(actor=world["township_clerk"], message_id=request_msg.pk, reason="again", now=at("2026-10-10"))


def test_every_bad_field_is_reported_at_once(world, migrant, nothing_written):
    with nothing_written(), pytest.raises(Invalid) as e:
        services.send_message(actor=world["township_clerk"], data={"kind": "x", "receiver": "1", "person": "y", "channel": "fax"}, now=at("2026-09-28"))
    assert set(e.value.errors) >= {"kind", "receiver", "person", "subject", "sent_at"}


def test_a_letter_arriving_where_the_calendar_ends_is_refused_and_nothing_is_written(world, migrant, nothing_written):
    msg = services.send_message(actor=world["township_clerk"], data=base(migrant, channel="letter", sent_at="2026-12-18 09:00", evidence="XA9"), now=at("2026-12-18", 11))
    # Signed for Mon 12-28: 12-29, 12-30, 12-31, then 2027, which is not loaded.
    with nothing_written(), pytest.raises(Invalid) as e:
        services.record_arrival(actor=world["tongjiang_clerk"], message_id=msg.pk, data={"arrived_at": "2026-12-28 10:00"}, now=at("2026-12-28", 11),
                                attachments=[_file("回执.pdf", PDF, "application/pdf")])
    assert "2027" in e.value.errors["arrived_at"][0]
    msg.refresh_from_db()
    assert msg.arrived_at is None and msg.due_on is None


# ---------------------------------------------------------------- found in review

def test_a_notification_is_signed_for_not_answered_and_t3_stays_whole(world, migrant):
    """X3, T3: a message that expects no answer cannot be "answered"; the sender's figures count
    answers to requests only."""
    from liudong.exchange import timeliness

    clerk, hukou = world["township_clerk"], world["tongjiang_clerk"]
    note = services.send_message(actor=clerk, data={"kind": "notification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "通报"}, now=at("2026-09-28"))
    with pytest.raises(Invalid) as e:
        services.reply(actor=hukou, message_id=note, data={"body": "收到"}, now=at("2026-09-29"))
    assert "message" in e.value.errors
    figures = timeliness.figures(actor=clerk, start=D(2026, 9, 1), end=D(2026, 9, 30), today=D(2026, 10, 30))
    assert figures["as_sender"]["answered"] == 0 and figures["as_sender"]["requests"] == 0 and figures["as_sender"]["sent"] == 1


def test_a_replaced_calendar_year_is_seen_at_once(world):
    """X4: the cached calendar is re-read when any loaded year is replaced, whatever its load time."""
    from liudong.policy.calendar import is_working_day
    from liudong.policy.models import CalendarDay, CalendarYear

    assert is_working_day(D(2026, 12, 1))
    CalendarDay.objects.create(date=D(2026, 12, 1), year_id=2026, kind="holiday", name="test")
    CalendarYear.objects.filter(year=2026).update(loaded_at=at("2026-01-01"))   # an earlier stamp than before
    assert not is_working_day(D(2026, 12, 1))
