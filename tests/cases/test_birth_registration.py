"""B1-B5: birth service registration, its verification requests, decisions and notifications, on
dates that cross the Spring Festival and National Day of 2026 and the end of the loaded calendar.

Working days of 2026 used below (X4, official schedule): Spring Festival holidays 02-16..02-20 and
02-23, make-up workdays Sat 02-14 and Sat 02-28; Mid-autumn 09-25 (Fri) off; National Day holidays
10-01..10-07, make-up workdays Sun 09-20 and Sat 10-10. The day of receipt is never counted.
"""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.cases import services
from liudong.cases.models import BirthDecision, BirthRegistration, BirthState
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange import services as exchange
from liudong.exchange.models import Kind, Message, State
from tests.cases.conftest import COMMITMENT, DOCUMENTS, ZHONGYUAN, at, case_messages, d, decide, open_birth
from tests.conftest import NANTOU, NANTOU_V1, TONGJIANG_T, TONGJIANG_V, make_id


# ---------------------------------------------------------------- B1

def test_b1_records_the_application_with_its_checklist(world, couple):
    clerk = world["township_clerk"]
    woman, husband = couple
    case = open_birth(clerk, woman, "2026-02-12", husband=husband, child=1, documents=COMMITMENT, expected_birth_on="2026-08-01", notes="夫妻同住")
    case.refresh_from_db()
    assert case.division_id == NANTOU and case.woman == woman and case.husband == husband and case.husband_hukou_id == ZHONGYUAN
    assert case.received_on == case.rules_on == d("2026-02-12")
    # P1: on 2026-02-12 the latest set in force is national-2021, whose basis is the commitment.
    assert case.rule_set == "national-2021" and case.basis == "commitment"
    assert case.documents == COMMITMENT and case.state == BirthState.RECEIVED and case.expected_birth_on == d("2026-08-01")
    assert case.woman_hukou_place_id == TONGJIANG_T and case.husband_hukou_place_id == ZHONGYUAN and case.residence_place_id == NANTOU
    assert not case.at_hukou_place
    event = AuditEvent.objects.get(action="birth.create")
    assert event.person_id == woman.pk and event.object_id == str(case.pk)


def test_b1_woman_found_by_id_number_and_husband_by_his_hukou_code(world, migrant):
    clerk = world["township_clerk"]
    case = services.create_birth_registration(actor=clerk, data={"woman": migrant.id_number.lower(), "husband_hukou": "410102", "received_on": "2026-03-02", "child_order": "1", "via_county": True},
                                              now=at("2026-03-02"))
    assert case.woman == migrant and case.husband is None and case.husband_hukou_id == ZHONGYUAN
    assert case.documents == []


def test_b1_a_woman_outside_the_clerks_scope_is_refused_and_nothing_written(world, migrant, unchanged):
    for username in ("futian_clerk", "shekou_clerk"):
        with unchanged(), pytest.raises(Invalid) as e:
            open_birth(world[username], migrant, "2026-02-12")
        assert e.value.errors["woman"] == ["人员不存在或不在您的管辖范围内 / no such person in your scope"]


def test_b1_every_bad_field_at_once_and_nothing_written(world, couple, unchanged):
    clerk = world["township_clerk"]
    woman, husband = couple
    with unchanged(), pytest.raises(Invalid) as e:
        services.create_birth_registration(actor=clerk, data={"woman": husband.pk, "received_on": "2026-12-01", "child_order": 0, "documents": ["passport"], "birth_on": "2026-02-30"},
                                           now=at("2026-11-28"))
    errors = e.value.errors
    assert set(errors) == {"woman", "received_on", "child_order", "documents", "birth_on", "husband_hukou"}
    assert "申请人应为女方" in errors["woman"][0]
    assert "不能晚于今天" in errors["received_on"][0]
    for messages in errors.values():
        assert all(" / " in m for m in messages)


def test_b1_husband_checks(world, couple, unchanged):
    clerk = world["township_clerk"]
    woman, _ = couple
    with unchanged(), pytest.raises(Invalid) as e:
        services.create_birth_registration(actor=clerk, data={"woman": woman.pk, "husband": woman.pk, "received_on": "2026-02-12", "child_order": 1}, now=at("2026-02-12"))
    assert "男方不能是女方本人" in e.value.errors["husband"][0]
    with unchanged(), pytest.raises(Invalid) as e:
        services.create_birth_registration(actor=clerk, data={"woman": woman.pk, "husband_hukou": "999999000000", "received_on": "2026-02-12", "child_order": 1}, now=at("2026-02-12"))
    assert "不存在" in e.value.errors["husband_hukou"][0]


def test_b1_only_a_township_records_and_only_with_the_right_role(world, migrant, unchanged):
    with unchanged(), pytest.raises(Invalid) as e:
        open_birth(world["county_officer"], migrant, "2026-02-12")
    assert "乡镇" in e.value.errors["division"][0]
    with unchanged(), pytest.raises(Denied):
        open_birth(world["police_officer"], migrant, "2026-02-12")


def test_b1_a_date_before_any_rule_set_is_a_field_error(world, migrant, unchanged):
    with unchanged(), pytest.raises(Invalid) as e:
        open_birth(world["township_clerk"], migrant, "2009-09-30")
    assert "没有适用的规定" in e.value.errors["received_on"][0]


# ---------------------------------------------------------------- B2

def test_b2_requests_to_both_hukou_places_due_across_the_spring_festival(world, couple):
    clerk = world["township_clerk"]
    woman, husband = couple
    case = open_birth(clerk, woman, "2026-02-12", husband=husband, send_now=False)
    requests = case_messages(case, Kind.VERIFICATION)
    # Her hukou is the village 诺江村: its township 诺江镇; his hukou is known only at county level: 中原区.
    assert [m.receiver_id for m in requests] == [ZHONGYUAN, TONGJIANG_T]
    # B2: 7 working days after Thu 02-12: 02-13 (1), Sat 02-14 make-up (2), 02-16..20 and 02-23 holidays,
    # 02-24 (3), 02-25 (4), 02-26 (5), 02-27 (6), Sat 02-28 make-up (7).
    for m in requests:
        assert m.state == State.DRAFT and m.send_due_on == m.due_on == d("2026-02-28")
        assert m.sender_id == NANTOU and m.person_id in (woman.pk, husband.pk) and m.rules_on == d("2026-02-12") and m.rule_set == "national-2021"
        assert case.number in m.subject
    assert {m.person_id for m in requests} == {woman.pk, husband.pk}
    # An unsent request goes overdue the day after its send-by date (exchange tick, X3).
    assert exchange.tick(d("2026-02-28")) == 0
    assert exchange.tick(d("2026-03-02")) == 2


def test_b2_send_by_date_across_national_day(world, migrant):
    case = open_birth(world["township_clerk"], migrant, "2026-09-24", send_now=False)
    # 7 working days after Thu 09-24: 09-25..27 off (Mid-autumn), 09-28 (1), 09-29 (2), 09-30 (3),
    # 10-01..07 off, 10-08 (4), 10-09 (5), Sat 10-10 make-up (6), 10-12 (7).
    assert {m.send_due_on for m in case_messages(case)} == {d("2026-10-12")}


def test_b2_one_request_when_both_are_registered_in_the_same_township(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-03-02", husband_hukou=TONGJIANG_V)
    [request] = case_messages(case)
    assert request.receiver_id == TONGJIANG_T and "女方、男方" in request.body


def test_B5_a_registration_at_the_hukou_place_sends_no_verification_request(world, migrant):
    """1-六-(二)-1-(1) gives the verification to the residence township; the hukou township that
    registers notifies her residence township (B5 ②) and asks nobody, not the husband's township."""
    hukou_clerk = world["tongjiang_clerk"]
    case = open_birth(hukou_clerk, migrant, "2026-03-02")
    assert case.at_hukou_place and case.division_id == TONGJIANG_T
    assert case_messages(case, Kind.VERIFICATION) == []
    assert AuditEvent.objects.get(action="birth.create").fields["messages"] == []


def test_B5_at_the_hukou_place_her_residence_must_be_known_to_notify_it(world, clerk, unchanged):
    from liudong.people import services as people

    gone, _ = people.register_person(actor=clerk, data={"id_number": make_id("511921", "19960101", 90), "name": "陈芳", "hukou_division": TONGJIANG_V}, today=d("2026-11-28"))
    with unchanged(), pytest.raises(Invalid) as e:
        open_birth(world["tongjiang_clerk"], gone, "2026-03-02")
    assert "现居住地不明" in e.value.errors["woman"][0]


def test_b2_a_send_by_date_beyond_the_loaded_calendar_is_an_error_and_nothing_is_written(world, migrant, unchanged):
    # 7 working days after Mon 2026-12-28: 12-29, 12-30, 12-31, then 2027, which is not loaded (X4).
    with unchanged(), pytest.raises(Invalid) as e:
        open_birth(world["township_clerk"], migrant, "2026-12-28", now=at("2026-12-28"))
    assert "2027" in e.value.errors["received_on"][0]


def test_sending_at_once_when_the_answer_deadline_runs_into_2027_is_an_error_on_that_option(world, migrant, unchanged):
    # Received Fri 12-18: send by 12-29 is computable, but an answer due 15 working days after 12-18 is not.
    with unchanged(), pytest.raises(Invalid) as e:
        open_birth(world["township_clerk"], migrant, "2026-12-18")
    assert "2027" in e.value.errors["send_now"][0]
    case = open_birth(world["township_clerk"], migrant, "2026-12-18", send_now=False)
    assert {m.send_due_on for m in case_messages(case)} == {d("2026-12-29")}


def test_b2_2016_verification_follows_that_sets_days(world, woman_2014):
    case = open_birth(world["township_clerk"], woman_2014, "2016-03-01", send_now=False)
    assert case.rule_set == "national-2016"
    # 7 working days after Tue 2016-03-01: 03-02, 03, 04, 07, 08, 09, 10.
    assert {m.send_due_on for m in case_messages(case)} == {d("2016-03-10")}


# ---------------------------------------------------------------- B3

def test_b3_answer_due_15_working_days_after_arrival_across_the_spring_festival(world, migrant):
    case = open_birth(world["township_clerk"], migrant, "2026-02-12")  # sent at once by the system: arrives 02-12
    request = next(m for m in case_messages(case) if m.receiver_id == TONGJIANG_T)
    # 15 working days after 02-12: 02-13, 02-14, 02-24..28 (7), 03-02..06 (12), 03-09, 03-10, 03-11 (15).
    assert request.state == State.SENT and request.arrived_on == d("2026-02-12") and request.reply_due_on == request.due_on == d("2026-03-11")
    exchange.reply(actor=world["tongjiang_clerk"], message_id=request, data={"body": "女方初婚，未生育"}, now=at("2026-03-11"))
    request.refresh_from_db()
    assert request.state == State.ANSWERED and request.answered_on <= request.reply_due_on


def test_b3_answer_due_across_national_day_counts_from_arrival(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-09-24", send_now=False)
    request = next(m for m in case_messages(case) if m.receiver_id == TONGJIANG_T)
    exchange.dispatch(actor=clerk, message_id=request, data={"channel": "system"}, now=at("2026-09-28"))
    request.refresh_from_db()
    # 15 working days after Mon 09-28: 09-29, 09-30, 10-08, 10-09, 10-10 (make-up), 10-12..16 (10), 10-19..23 (15).
    assert request.reply_due_on == d("2026-10-23")


# ---------------------------------------------------------------- B4

def test_b4_register_needs_the_checklist_complete_for_the_basis_in_force(world, couple, unchanged):
    clerk = world["township_clerk"]
    woman, husband = couple
    case = open_birth(clerk, woman, "2026-02-12", husband=husband, documents=["woman_id", "husband_id", "marriage", "proof"])
    with unchanged(), pytest.raises(Invalid) as e:
        decide(clerk, case, "register", "2026-02-13")
    assert "本人签署的承诺书" in e.value.errors["documents"][0]
    case.refresh_from_db()
    assert case.state == BirthState.RECEIVED and case.decided_on is None
    # Postpone, naming what is missing; then register once the commitment is signed (history kept, invariant 6).
    with pytest.raises(Invalid) as e:
        decide(clerk, case, "postpone", "2026-02-13")
    assert "reasons" in e.value.errors
    decide(clerk, case, "postpone", "2026-02-13", reasons="缺本人签署的承诺书")
    case.refresh_from_db()
    assert case.state == BirthState.POSTPONED and case.reasons == "缺本人签署的承诺书"
    decide(clerk, case, "register", "2026-02-24", documents=COMMITMENT + ["proof"])
    case.refresh_from_db()
    assert case.state == BirthState.REGISTERED and case.decided_on == d("2026-02-24") and "commitment" in case.documents
    assert list(BirthDecision.objects.filter(case=case).values_list("decision", "decided_on")) == [("postpone", d("2026-02-13")), ("register", d("2026-02-24"))]


def test_b4_refusal_needs_reasons_and_a_decided_case_is_final(world, migrant, unchanged):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-02-12")
    with unchanged(), pytest.raises(Invalid) as e:
        decide(clerk, case, "refuse", "2026-02-13")
    assert "理由" in e.value.errors["reasons"][0]
    decide(clerk, case, "refuse", "2026-02-13", reasons="材料虚假")
    with unchanged(), pytest.raises(Invalid) as e:
        decide(clerk, case, "register", "2026-02-24")
    assert "不能再作决定" in e.value.errors["decision"][0]


def test_b4_decision_date_not_before_receipt_nor_in_the_future(world, migrant, unchanged):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-02-12")
    with unchanged(), pytest.raises(Invalid) as e:
        decide(clerk, case, "register", "2026-02-11", now=at("2026-02-13"))
    assert "不能早于" in e.value.errors["decided_on"][0]
    with unchanged(), pytest.raises(Invalid) as e:
        decide(clerk, case, "register", "2026-02-14", now=at("2026-02-13"))
    assert "晚于今天" in e.value.errors["decided_on"][0]
    with unchanged(), pytest.raises(Invalid) as e:
        decide(clerk, case, "approve", "2026-02-13")
    assert "decision" in e.value.errors


def test_b4_only_the_registering_township_decides(world, migrant, unchanged):
    case = open_birth(world["township_clerk"], migrant, "2026-02-12")
    with unchanged(), pytest.raises(NotFound):
        decide(world["shekou_clerk"], case, "register", "2026-02-13")
    with unchanged(), pytest.raises(Denied):
        decide(world["county_officer"], case, "register", "2026-02-13")


# ---------------------------------------------------------------- P1 by the day of receipt

def test_p1_2015_documents_basis_refuses_a_second_child_and_points_to_b6(world, woman_2014, unchanged):
    clerk = world["township_clerk"]
    case = open_birth(clerk, woman_2014, "2015-12-01", child=2, documents=DOCUMENTS)
    assert case.rule_set == "national-2009" and case.basis == "documents"
    with unchanged(), pytest.raises(Invalid) as e:
        decide(clerk, case, "register", "2015-12-02")
    message = e.value.errors["decision"][0]
    assert "第1孩" in message and "再生育审批" in message and "B6" in message
    check = services.registration_check(case)
    assert check["over_limit"] and check["limit"] == 1 and "再生育审批" in check["refusal_reason"]
    decide(clerk, case, "refuse", "2015-12-02", reasons=check["refusal_reason"])
    case.refresh_from_db()
    assert case.state == BirthState.REFUSED


def test_p1_2015_commitment_does_not_replace_the_proof(world, woman_2014):
    clerk = world["township_clerk"]
    case = open_birth(clerk, woman_2014, "2015-12-01", documents=COMMITMENT)
    with pytest.raises(Invalid) as e:
        decide(clerk, case, "register", "2015-12-02")
    assert "户籍地婚育情况证明" in e.value.errors["documents"][0]


def test_p1_2016_registers_a_second_child_on_the_commitment_and_refuses_a_third(world, woman_2014):
    clerk = world["township_clerk"]
    second = open_birth(clerk, woman_2014, "2016-03-01", child=2, documents=COMMITMENT)
    assert second.rule_set == "national-2016" and second.basis == "commitment"
    decide(clerk, second, "register", "2016-03-02")
    second.refresh_from_db()
    assert second.state == BirthState.REGISTERED
    third = open_birth(clerk, woman_2014, "2016-03-01", child=3, documents=COMMITMENT)
    with pytest.raises(Invalid) as e:
        decide(clerk, third, "register", "2016-03-02")
    assert "第2孩" in e.value.errors["decision"][0]


def test_p1_2022_registers_a_third_child(world, woman_2014):
    clerk = world["township_clerk"]
    case = open_birth(clerk, woman_2014, "2022-01-04", child=3, documents=COMMITMENT)
    assert case.rule_set == "national-2021"
    decide(clerk, case, "register", "2022-01-05")
    case.refresh_from_db()
    assert case.state == BirthState.REGISTERED


def test_p1_a_case_keeps_the_rules_of_the_day_it_began(world, woman_2014):
    """Received under national-2009, decided in 2016: still judged by 2009 (one child, documents)."""
    clerk = world["township_clerk"]
    case = open_birth(clerk, woman_2014, "2015-12-30", child=2, documents=DOCUMENTS)
    with pytest.raises(Invalid) as e:
        decide(clerk, case, "register", "2016-01-05")
    assert "national-2009" in e.value.errors["decision"][0]


# ---------------------------------------------------------------- B5

def test_b5_notifications_to_both_hukou_places_due_across_national_day(world, couple):
    clerk = world["township_clerk"]
    woman, husband = couple
    case = open_birth(clerk, woman, "2026-09-24", husband=husband)
    decide(clerk, case, "register", "2026-09-28", send_now=False)
    notices = case_messages(case, Kind.NOTIFICATION)
    assert [m.receiver_id for m in notices] == [ZHONGYUAN, TONGJIANG_T]
    # 15 working days after Mon 09-28: 09-29, 09-30, 10-08, 10-09, Sat 10-10, 10-12..16 (10), 10-19..23 (15).
    for m in notices:
        assert m.state == State.DRAFT and m.send_due_on == d("2026-10-23") and m.rules_on == d("2026-09-24") and m.person_id == woman.pk
    # The verification requests are not closed by the decision (their answers still count, T3).
    assert all(m.state == State.SENT for m in case_messages(case, Kind.VERIFICATION))


def test_b5_notification_due_across_the_spring_festival_and_sent_at_once(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-02-12")
    decide(clerk, case, "register", "2026-02-13")
    notices = case_messages(case, Kind.NOTIFICATION)
    # 15 working days after Fri 02-13: Sat 02-14 (1), 02-24..27 (5), Sat 02-28 (6), 03-02..06 (11), 03-09..12 (15).
    assert {m.send_due_on for m in notices} == {d("2026-03-12")}
    assert all(m.state == State.SENT and m.sent_on == d("2026-02-13") for m in notices)  # sent in time


def test_B5_a_registration_at_the_hukou_place_is_notified_to_the_residence_township_only(world, migrant):
    """1-六-(二)-1-(3)-②: the hukou township notifies her residence township, not the husband's."""
    hukou_clerk = world["tongjiang_clerk"]
    case = open_birth(hukou_clerk, migrant, "2026-03-02")
    decide(hukou_clerk, case, "register", "2026-03-03")
    [notice] = case_messages(case, Kind.NOTIFICATION)
    assert notice.receiver_id == NANTOU and notice.send_due_on == d("2026-03-24")


def test_b5_a_notice_running_into_2027_is_a_clear_error_and_nothing_is_written(world, migrant, unchanged):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-12-18", send_now=False)
    # 15 working days after Sun 12-20: 12-21..25 (5), 12-28..31 (9), then 2027, not loaded (X4).
    with unchanged(), pytest.raises(Invalid) as e:
        decide(clerk, case, "register", "2026-12-20", now=at("2026-12-21"))
    assert "2027" in e.value.errors["decided_on"][0]
    case.refresh_from_db()
    assert case.state == BirthState.RECEIVED and not case_messages(case, Kind.NOTIFICATION)


def test_no_notification_for_a_postponement_or_refusal(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-02-12")
    decide(clerk, case, "refuse", "2026-02-13", reasons="不符合登记条件")
    assert not case_messages(case, Kind.NOTIFICATION)


def test_a_woman_registered_elsewhere_and_living_elsewhere_is_not_the_townships(world, clerk):
    """She is in the county's scope but neither lives nor is registered in 南头街道."""
    from liudong.people import services as people

    other, _ = people.register_person(actor=clerk, data={"id_number": make_id("511921", "19950101", 88), "name": "周红", "hukou_division": TONGJIANG_V}, today=d("2026-11-28"))
    people.record_arrival(actor=clerk, person=other, data={"division": NANTOU_V1, "arrived_on": "2025-01-01"}, today=d("2026-11-28"))
    # She moved to 南山街道: claimed there, accepted by 南头 (hole 1 of issue 7).
    from liudong.exchange import claims
    from tests.exchange.helpers import at

    claim = claims.submit_arrival_claim(actor=world["shekou_clerk"], data={"document_number": other.id_number, "division": "440305002001", "arrived_on": "2026-01-01"},
                                        today=d("2026-11-28"), now=at("2026-11-27"))
    claims.accept(actor=clerk, message_id=claim.message_id, now=at("2026-11-28"))
    claim_messages = Message.objects.count()
    with pytest.raises(Invalid) as e:
        open_birth(clerk, other, "2026-03-02")
    assert e.value.errors["woman"]
    assert not BirthRegistration.objects.exists() and Message.objects.count() == claim_messages
