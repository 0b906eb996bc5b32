"""F1-F4: fee consultations between counties (南山区 consults 通江县 about 李娜).

national-2021 closed the case type from 2021-08-20 (P1): a consultation begun on 2021-08-19 is
accepted, one begun on 2021-09-01 is refused with that reason and date. The 2026 cases below run
under a Guangdong override that keeps the type open (fixture guangdong_keeps_fee_consultations),
so the F2 deadline can be shown across the Spring Festival and National Day of 2026.
"""
from decimal import Decimal

import pytest

from liudong.accounts.models import AuditEvent
from liudong.cases import services
from liudong.cases.models import FeeConsultation
from liudong.cases.queries import fee_answer, get_fee_consultation
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange import services as exchange
from liudong.exchange.models import Attachment, Kind, State
from tests.cases.conftest import at, d
from tests.conftest import NANSHAN, TONGJIANG, TONGJIANG_V, make_id

F3 = {"basic_facts": "已婚，育有二孩，第二孩于2019年在深圳出生", "actual_income": "96000", "urban_income": "64878.00", "rural_income": "28300.5",
      "proposed_levy": 129756, "other_matters": "当事人已申请分期缴纳"}


def scan(name="传真.pdf"):
    """F4: the scan of a letter or fax sent (its original record)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 scan of the paper sent", content_type="application/pdf")


def consult(actor, person, started: str, *, now=None, **extra):
    data = {"person": person.pk, "started_on": started, **F3, **extra}
    return services.create_fee_consultation(actor=actor, data=data, now=now or at(started), attachments=extra.pop("attachments", ()))


# ---------------------------------------------------------------- F1, F3 and the closing date (P1)

def test_f1_f3_accepted_on_2021_08_19_with_its_contents(world, migrant):
    officer = world["county_officer"]
    case = consult(officer, migrant, "2021-08-19")
    case.refresh_from_db()
    assert case.division_id == NANSHAN and case.hukou_county_id == TONGJIANG and case.person == migrant
    assert case.actual_income == Decimal("96000.00") and case.rural_income == Decimal("28300.50") and case.proposed_levy == Decimal("129756.00")
    # The fee values in force that day (open, 7 working days) are those of the 2009 norms.
    assert case.rules_on == d("2021-08-19") and case.rule_set == "national-2009"
    m = case.message
    assert m.kind == Kind.FEE_CONSULTATION and m.sender_id == NANSHAN and m.receiver_id == TONGJIANG and m.case_type == "fee_consultation" and m.case_id == case.pk
    assert m.rules_on == d("2021-08-19") and "129,756.00 元" in m.body and "已婚，育有二孩" in m.body
    # F2 by system (X5: arrives on delivery, Thu 08-19): 08-20 (1), 08-23..27 (6), 08-30 (7).
    assert m.arrived_on == d("2021-08-19") and m.reply_due_on == m.due_on == d("2021-08-30")
    assert AuditEvent.objects.filter(action="fee.create", person_id=migrant.pk).exists()


def test_f1_refused_on_2021_09_01_with_the_reason_and_the_date(world, migrant, unchanged):
    with unchanged(), pytest.raises(Invalid) as e:
        consult(world["county_officer"], migrant, "2021-09-01")
    message = e.value.errors["started_on"][0]
    assert "2021-08-20" in message and "社会抚养费" in message and "national-2021" in message
    assert " / " in message and "takes no new cases from 2021-08-20" in message


def test_f1_only_a_county_and_only_for_someone_registered_elsewhere(world, migrant, unchanged):
    with unchanged(), pytest.raises(Invalid) as e:
        consult(world["township_clerk"], migrant, "2020-06-01")
    assert "县" in e.value.errors["division"][0]
    with unchanged(), pytest.raises(Denied):
        consult(world["city_officer"], migrant, "2020-06-01")
    # The hukou county itself has no one to consult about its own people.
    from liudong.accounts.models import Staff

    tongjiang = Staff.objects.create(username="tj_officer", role="county_officer", division_id=TONGJIANG)
    with unchanged(), pytest.raises(Invalid) as e:
        consult(tongjiang, migrant, "2020-06-01")
    assert "本县" in e.value.errors["person"][0]


def test_f1_a_person_outside_the_county_is_refused(world, clerk, unchanged):
    from liudong.people import services as people

    elsewhere, _ = people.register_person(actor=world["tongjiang_clerk"], data={"id_number": make_id("511921", "19900101", 70), "name": "刘芳", "hukou_division": TONGJIANG_V}, today=d("2026-11-28"))
    with unchanged(), pytest.raises(Invalid) as e:
        consult(world["county_officer"], elsewhere, "2020-06-01")
    assert e.value.errors["person"] == ["人员不存在或不在您的管辖范围内 / no such person in your scope"]


def test_f3_every_bad_field_at_once(world, migrant, unchanged):
    with unchanged(), pytest.raises(Invalid) as e:
        services.create_fee_consultation(actor=world["county_officer"], data={"person": migrant.pk, "started_on": "2020-06-01", "basic_facts": " ", "actual_income": "很多",
                                                                     "urban_income": "1.005", "proposed_levy": -1}, now=at("2020-06-01"))
    assert set(e.value.errors) == {"basic_facts", "actual_income", "urban_income", "rural_income", "proposed_levy"}
    assert "不能为负" in e.value.errors["proposed_levy"][0] and "两位小数" in e.value.errors["urban_income"][0]


# ---------------------------------------------------------------- F4: channel, arrival (X5), evidence

def test_f4_fax_needs_its_receiving_time_and_every_channel_its_record(world, migrant, unchanged):
    officer = world["county_officer"]
    cases = [
        ({"channel": "fax", "sent_at": "2020-06-01 09:00", "evidence": "传真报告"}, "arrived_at"),
        ({"channel": "fax", "sent_at": "2020-06-01 09:00", "arrived_at": "2020-06-01 08:59", "evidence": "传真报告"}, "arrived_at"),
        ({"channel": "fax", "sent_at": "2020-06-01 09:00", "arrived_at": "2020-06-01 09:02"}, "evidence"),
        ({"channel": "phone", "arrived_at": "2020-06-01 09:00"}, "evidence"),
        ({"channel": "letter", "sent_at": "2020-06-01 09:00"}, "evidence"),
        ({"channel": "letter", "sent_at": "2020-05-29 09:00", "evidence": "XA123"}, "sent_at"),
        ({"channel": "pigeon"}, "channel"),
    ]
    for extra, field in cases:
        with unchanged(), pytest.raises(Invalid) as e:
            consult(officer, migrant, "2020-06-01", now=at("2020-06-02"), **extra)
        assert field in e.value.errors, (extra, e.value.errors)


def test_f4_a_phone_call_arrives_at_the_call_time_with_its_record_and_scan(world, migrant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scan = SimpleUploadedFile("通话记录.pdf", b"%PDF-1.4 call record", content_type="application/pdf")
    case = consult(world["county_officer"], migrant, "2020-06-01", now=at("2020-06-02"), channel="phone", arrived_at="2020-06-01 15:30",
                   evidence="电话记录第12号", attachments=[scan])
    m = case.message
    assert m.channel == "phone" and m.arrived_on == d("2020-06-01") and m.evidence == "电话记录第12号"
    # F2: 7 working days after Mon 2020-06-01: 06-02..05 (4), 06-08..10 (7).
    assert m.reply_due_on == d("2020-06-10")
    assert Attachment.objects.get(message=m).name == "通话记录.pdf"


# ---------------------------------------------------------------- F2 across 2026's holidays (override)

def test_f2_fax_across_the_spring_festival(world, migrant, guangdong_keeps_fee_consultations):
    case = consult(world["county_officer"], migrant, "2026-02-12", now=at("2026-02-12", 16), channel="fax",
                   sent_at="2026-02-12 14:00", arrived_at="2026-02-12 14:05", evidence="传真发送报告 0212-01", attachments=[scan()])
    assert case.rule_set == "override"
    # Arrived Thu 02-12 (X5: the marked receiving time): 02-13 (1), Sat 02-14 make-up (2), 02-16..20 and
    # 02-23 holidays, 02-24..27 (6), Sat 02-28 make-up (7).
    assert case.message.arrived_on == d("2026-02-12") and case.message.reply_due_on == d("2026-02-28")


def test_f2_letter_counts_from_its_signing_date_across_national_day(world, migrant, tongjiang_officer, guangdong_keeps_fee_consultations):
    officer = world["county_officer"]
    case = consult(officer, migrant, "2026-09-28", channel="letter", sent_at="2026-09-28 09:00", evidence="挂号信 XA20260928", attachments=[scan("公函.pdf")])
    m = case.message
    assert m.arrived_at is None and m.reply_due_on is None  # the clock starts at the signing date (X5)
    exchange.record_arrival(actor=tongjiang_officer, message_id=m, data={"arrived_at": "2026-09-30 11:00", "evidence": "签收回执"}, now=at("2026-10-08"))
    m.refresh_from_db()
    # Signed for Wed 09-30: 10-01..07 off, 10-08 (1), 10-09 (2), Sat 10-10 make-up (3), 10-12..15 (7).
    assert m.arrived_on == d("2026-09-30") and m.reply_due_on == d("2026-10-15")


def test_f2_a_reply_deadline_beyond_the_loaded_calendar_is_an_error(world, migrant, unchanged, guangdong_keeps_fee_consultations):
    # Arrived Mon 12-28: 12-29, 12-30, 12-31, then 2027 is not loaded (X4): nothing is written.
    with unchanged(), pytest.raises(Invalid) as e:
        consult(world["county_officer"], migrant, "2026-12-28", channel="fax", sent_at="2026-12-28 09:00", arrived_at="2026-12-28 09:01", evidence="传真",
                attachments=[scan()])
    assert "2027" in e.value.errors["arrived_at"][0]
    assert not FeeConsultation.objects.exists()


# ---------------------------------------------------------------- F2: the answer

def test_f2_the_hukou_county_answers_on_the_case_once_and_on_time(world, migrant, tongjiang_officer, unchanged):
    officer = world["county_officer"]
    case = consult(officer, migrant, "2021-08-19")
    with unchanged(), pytest.raises(Denied):
        services.answer_fee_consultation(actor=officer, case_id=case.pk, data={"agrees": True, "opinion": "同意"}, now=at("2021-08-20"))
    with unchanged(), pytest.raises(NotFound):
        services.answer_fee_consultation(actor=world["township_clerk"], case_id=case.pk, data={"agrees": True, "opinion": "同意"}, now=at("2021-08-20"))
    with unchanged(), pytest.raises(Invalid) as e:
        services.answer_fee_consultation(actor=tongjiang_officer, case_id=case.pk, data={"agrees": "maybe"}, now=at("2021-08-20"))
    assert set(e.value.errors) == {"agrees", "opinion"}
    services.answer_fee_consultation(actor=tongjiang_officer, case_id=case.pk, data={"agrees": "disagree", "opinion": "当事人已在户籍地缴纳"}, now=at("2021-08-30", 17))
    case.refresh_from_db()
    assert case.answer_agrees is False and case.answer_opinion == "当事人已在户籍地缴纳" and case.answered_on == d("2021-08-30")
    assert case.message.state == State.ANSWERED and case.message.answered_on == case.message.reply_due_on  # the last day is on time
    answer = fee_answer(case)
    assert answer["answered"] and answer["on_time"] and "不同意" in answer["reply"].body
    with unchanged(), pytest.raises(Invalid) as e:
        services.answer_fee_consultation(actor=tongjiang_officer, case_id=case.pk, data={"agrees": True, "opinion": "改为同意"}, now=at("2021-08-31"))
    assert "已反馈" in e.value.errors["message"][0]


def test_f2_an_answer_made_in_the_exchange_shows_on_the_case(world, migrant, tongjiang_officer):
    case = consult(world["county_officer"], migrant, "2021-08-19")
    exchange.reply(actor=tongjiang_officer, message_id=case.message, data={"body": "同意拟征收数额"}, now=at("2021-09-02"))
    case = get_fee_consultation(actor=world["county_officer"], pk=case.pk)
    answer = fee_answer(case)
    assert answer["answered"] and answer["opinion"] == "同意拟征收数额" and answer["answered_on"] == d("2021-09-02") and not answer["on_time"]
    assert case.answer_agrees is None


# ---------------------------------------------------------------- F4: the answer keeps its evidence as the consultation does

def test_F4_a_consultation_by_letter_or_fax_keeps_the_scan_of_the_paper_sent(world, migrant, unchanged):
    for extra in ({"channel": "fax", "sent_at": "2020-06-01 09:00", "arrived_at": "2020-06-01 09:02", "evidence": "传真发送报告"},
                  {"channel": "letter", "sent_at": "2020-06-01 09:00", "evidence": "挂号信 XA1"}):
        with unchanged(), pytest.raises(Invalid) as e:
            consult(world["county_officer"], migrant, "2020-06-01", now=at("2020-06-02"), **extra)
        assert list(e.value.errors) == ["attachments"] and "扫描件" in e.value.errors["attachments"][0]


def test_F4_an_answer_by_fax_needs_its_record_its_scan_and_its_marked_time(world, migrant, tongjiang_officer, unchanged):
    case = consult(world["county_officer"], migrant, "2021-08-19")
    answer = {"agrees": True, "opinion": "同意", "channel": "fax", "sent_at": "2021-08-24 09:00"}
    with unchanged(), pytest.raises(Invalid) as e:
        services.answer_fee_consultation(actor=tongjiang_officer, case_id=case.pk, data=answer, now=at("2021-08-24", 10))
    assert set(e.value.errors) == {"arrived_at", "evidence", "attachments"}   # every missing piece at once
    with unchanged(), pytest.raises(Invalid) as e:
        services.answer_fee_consultation(actor=tongjiang_officer, case_id=case.pk, data={**answer, "arrived_at": "2021-08-24 09:03"}, now=at("2021-08-24", 10))
    assert set(e.value.errors) == {"evidence", "attachments"}
    services.answer_fee_consultation(actor=tongjiang_officer, case_id=case.pk, data={**answer, "arrived_at": "2021-08-24 09:03", "evidence": "传真发送报告 0824-01"},
                                     now=at("2021-08-24", 10), attachments=[scan("回复传真.pdf")])
    reply = fee_answer(case)["reply"]
    assert reply.channel == "fax" and reply.evidence == "传真发送报告 0824-01" and reply.arrived_on == d("2021-08-24")
    assert Attachment.objects.get(message=reply).name == "回复传真.pdf"


def test_F4_an_answer_by_letter_is_on_time_at_its_posting_for_both_ends(world, migrant, tongjiang_officer):
    """X3: an answer is judged at its sending (作出回复, the posting date on its receipt), not at its
    arrival: the hukou county's figures as receiver and the consulting county's as sender agree,
    and so do the case pages of both."""
    from liudong.exchange import timeliness

    case = consult(world["county_officer"], migrant, "2021-08-19")          # answer by 2021-08-30
    services.answer_fee_consultation(actor=tongjiang_officer, case_id=case.pk, data={"agrees": True, "opinion": "同意", "channel": "letter", "sent_at": "2021-08-30 16:00",
                                                                  "evidence": "挂号信 XB0830"}, now=at("2021-08-30", 17), attachments=[scan("回复公函.pdf")])
    reply = fee_answer(case)["reply"]
    exchange.record_arrival(actor=world["county_officer"], message_id=reply, data={"arrived_at": "2021-09-02 10:00", "evidence": "签收"}, now=at("2021-09-02", 11))
    period = {"start": "2021-08-01", "end": "2021-09-30", "today": d("2021-10-08")}
    theirs = timeliness.figures(actor=tongjiang_officer, **period)["as_receiver"]
    ours = timeliness.figures(actor=world["county_officer"], **period)["as_sender"]
    assert (theirs["answered"], theirs["on_time"], theirs["late"]) == (ours["answered"], ours["on_time"], ours["late"]) == (1, 1, 0)
    for viewer in (world["county_officer"], tongjiang_officer):
        seen = fee_answer(get_fee_consultation(actor=viewer, pk=case.pk))
        assert seen["answered_on"] == d("2021-08-30") and seen["on_time"]
