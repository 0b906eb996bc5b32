"""Hole 1 of issue 7: a place where she arrived claims her from the place that records her; her
residence there is not closed by the claim. Her place accepts or disputes; unanswered, the daily
tick accepts the claim when its answer period (people.arrival_claim_days) has passed."""
import datetime
import pathlib

import pytest
from django.core.management import call_command

from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange import claims, services
from liudong.exchange.models import ArrivalClaim, ClaimState, Message, State
from liudong.people import queries as people_queries
from liudong.people import services as people
from liudong.people.models import Person, Residence
from liudong.policy.calendar import add_working_days
from liudong.policy.services import value_row
from tests.conftest import FUTIAN_T, FUTIAN_V, NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_T, TONGJIANG_V, make_id

from .helpers import at

D = datetime.date.fromisoformat
CLAIMED_ON = at("2026-11-23")  # a Monday


def claim(actor, person, **extra):
    data = {"document_type": person.document_type, "document_number": person.document_number, "division": FUTIAN_V,
            "address": "园岭新村5栋", "arrived_on": "2026-11-20", "reason": "work", **extra}
    return claims.submit_arrival_claim(actor=actor, data=data, today=D("2026-11-23"), now=CLAIMED_ON)


def test_hole1_a_claim_leaves_her_residence_with_her_place_and_notifies_it(world, migrant):
    futian = world["futian_clerk"]
    c = claim(futian, migrant)
    assert c.state == ClaimState.PENDING and c.residence is None
    # Her residence is not closed: 南头 keeps counting her, 福田 lists her as a pending arrival.
    migrant.refresh_from_db()
    assert migrant.residence_division_id == NANTOU_V1
    assert Residence.objects.get(person=migrant).left_on is None
    # 南头 (the township of her open residence) gets the claim in its inbox, routed within the province (X2).
    m = c.message
    assert (m.kind, m.sender_id, m.receiver_id, m.state) == ("arrival_claim", FUTIAN_T, NANTOU, State.SENT)
    assert m.route == f"{FUTIAN_T}>440000000000>{NANTOU}"
    assert m.pk in [x.pk for x in __import__("liudong.exchange.queries", fromlist=["inbox"]).inbox(actor=world["township_clerk"], today=D("2026-11-23")).rows]
    # X4: the answer period is the receiver's policy on the rules date, in working days from arrival.
    days = value_row("people.arrival_claim_days", NANTOU, m.rules_on).value
    assert m.reply_due_on == add_working_days(D("2026-11-23"), days) == D("2026-12-07")
    # The claimant does not open her record meanwhile.
    with pytest.raises(NotFound):
        people_queries.get_person(actor=futian, person_id=migrant.pk)


def test_hole1_the_arrival_claim_period_is_a_marked_system_default(db):
    row = value_row("people.arrival_claim_days", NANTOU, D("2026-11-23"))
    assert row.rule_set == "system-default" and row.source.startswith("本系统默认值")
    assert "2009" not in row.source and "条例" not in row.source  # not attributed to the seed or a regulation


def test_hole1_accepting_records_the_claims_own_dates_through_the_residence_writer(world, migrant):
    futian, nantou = world["futian_clerk"], world["township_clerk"]
    c = claim(futian, migrant, housing_id=None)
    answer = claims.accept(actor=nantou, message_id=c.message_id, now=at("2026-11-25"))
    c.refresh_from_db()
    assert c.state == ClaimState.ACCEPTED and c.decided_by == nantou
    old, new = Residence.objects.filter(person=migrant).order_by("arrived_on")
    assert (old.division_id, old.left_on, old.end_kind) == (NANTOU_V1, D("2026-11-20"), "move")
    assert (new.division_id, new.arrived_on, new.left_on, new.recorded_by_division, new.address, new.reason) == (FUTIAN_V, D("2026-11-20"), None, FUTIAN_T, "园岭新村5栋", "work")
    assert c.residence == new
    # The history, not the claim day, decides: counts follow it.
    migrant.refresh_from_db()
    assert migrant.residence_division_id == FUTIAN_V
    # The answer goes back to the claimant; the claim's message is answered (X3, T3).
    assert (answer.kind, answer.sender_id, answer.receiver_id, answer.in_reply_to_id) == ("reply", NANTOU, FUTIAN_T, c.message_id)
    assert Message.objects.get(pk=c.message_id).state == State.ANSWERED
    # Now she is 福田's: her record opens there.
    assert people_queries.get_person(actor=futian, person_id=migrant.pk) == migrant
    assert AuditEvent.objects.filter(action="residence.move", person_id=migrant.pk, actor=nantou, fields__claim=c.pk).exists()


def test_hole1_a_dispute_ends_the_claim_and_the_claimant_reads_the_reason(world, migrant):
    futian, nantou = world["futian_clerk"], world["township_clerk"]
    c = claim(futian, migrant)
    with pytest.raises(Invalid) as e:
        claims.dispute(actor=nantou, message_id=c.message_id, reason="  ", now=at("2026-11-24"))
    assert "reason" in e.value.errors
    claims.dispute(actor=nantou, message_id=c.message_id, reason="本人仍在南头居住，未曾离开", now=at("2026-11-24"))
    c.refresh_from_db()
    assert c.state == ClaimState.DISPUTED and c.answer == "本人仍在南头居住，未曾离开"
    assert Residence.objects.get(person=migrant).left_on is None
    # A settled claim is neither accepted nor disputed again (one table decides).
    with pytest.raises(Invalid):
        claims.accept(actor=nantou, message_id=c.message_id, now=at("2026-11-25"))
    # The tick leaves it alone.
    assert claims.lapse(D("2026-12-31")) == {"accepted": 0, "void": 0}


def test_hole1_only_her_place_answers_and_only_by_accepting_or_disputing(world, migrant):
    c = claim(world["futian_clerk"], migrant)
    with pytest.raises(Invalid):  # the claimant is the sender, not the receiver
        claims.accept(actor=world["futian_clerk"], message_id=c.message_id, now=at("2026-11-24"))
    with pytest.raises(NotFound):  # a third place does not see the message at all
        claims.accept(actor=world["tongjiang_clerk"], message_id=c.message_id, now=at("2026-11-24"))
    with pytest.raises(Denied):  # a collector records residences but does not answer messages
        claims.accept(actor=world["village_collector"], message_id=c.message_id, now=at("2026-11-24"))
    with pytest.raises(Invalid) as e:
        services.reply(actor=world["township_clerk"], message_id=c.message_id, data={"body": "同意"}, now=at("2026-11-24"))
    assert "确认" in e.value.errors["message"][0]


def test_hole1_unanswered_claims_lapse_at_the_daily_tick_once(world, migrant, capsys):
    c = claim(world["futian_clerk"], migrant)
    due = Message.objects.get(pk=c.message_id).reply_due_on
    # On the last day of the period nothing happens yet.
    call_command("exchange", "tick", "--on", str(due))
    c.refresh_from_db()
    assert c.state == ClaimState.PENDING
    call_command("exchange", "tick", "--on", str(due + datetime.timedelta(days=1)))
    c.refresh_from_db()
    assert c.state == ClaimState.ACCEPTED and c.decided_by is None and c.residence.arrived_on == D("2026-11-20")
    message = Message.objects.get(pk=c.message_id)
    # Closed unanswered: T3 counts a missed deadline (answered_on and closed_at stay empty), not a withdrawal.
    assert message.state == State.CLOSED and message.answered_on is None and message.closed_at is None and message.overdue_on == due + datetime.timedelta(days=1)
    assert "1 arrival claims accepted by silence" in capsys.readouterr().out
    # Idempotent: a second run finds nothing, and the history is not written twice.
    assert claims.lapse(due + datetime.timedelta(days=2)) == {"accepted": 0, "void": 0}
    assert Residence.objects.filter(person=migrant).count() == 2
    assert AuditEvent.objects.filter(action="arrival_claim.lapse", person_id=migrant.pk, actor=None).count() == 1


def test_hole1_a_claim_that_no_longer_fits_her_history_is_void_not_applied(world, migrant):
    c = claim(world["futian_clerk"], migrant)
    # Meanwhile 南头 records a move of its own, after the claimed arrival date.
    people.record_move(actor=world["township_clerk"], person=migrant, data={"division": NANTOU_V2, "arrived_on": "2026-11-22"}, today=TODAY)
    with pytest.raises(Invalid):  # her place cannot accept it as it stands: it disputes it instead
        claims.accept(actor=world["township_clerk"], message_id=c.message_id, now=at("2026-11-24"))
    due = Message.objects.get(pk=c.message_id).reply_due_on
    services.tick(due + datetime.timedelta(days=1))
    assert claims.lapse(due + datetime.timedelta(days=1)) == {"accepted": 0, "void": 1}
    c.refresh_from_db()
    assert c.state == ClaimState.VOID and c.residence is None and "未能生效" in c.answer
    assert Residence.objects.get(person=migrant, left_on__isnull=True).division_id == NANTOU_V2


def test_hole1_an_arrival_whose_place_is_the_claimants_is_recorded_at_once(world, migrant):
    # 南头's collector of another village: her place is the collector's own township.
    collector = world["village_collector"]
    migrant.residences.update(division_id=NANTOU_V2)
    Person.objects.filter(pk=migrant.pk).update(residence_division_id=NANTOU_V2)
    c = claims.submit_arrival_claim(actor=collector, data={"document_number": migrant.id_number, "division": NANTOU_V1, "arrived_on": "2026-11-20"},
                                    today=D("2026-11-23"), now=CLAIMED_ON)
    assert c.state == ClaimState.RECORDED and c.message is None and c.residence.division_id == NANTOU_V1
    assert not Message.objects.exists()


def test_hole1_with_no_open_residence_the_claim_goes_to_her_hukou_township(world, migrant):
    people.record_departure(actor=world["township_clerk"], residence_id=migrant.residences.get().pk, left_on="2026-10-01", today=TODAY)
    c = claim(world["futian_clerk"], migrant)
    assert c.state == ClaimState.PENDING and c.message.receiver_id == TONGJIANG_T and c.message.via_nation
    claims.accept(actor=world["tongjiang_clerk"], message_id=c.message_id, now=at("2026-11-24"))
    c.refresh_from_db()
    assert c.residence.start_kind == "arrival" and c.residence.arrived_on == D("2026-11-20")


def test_hole1_the_lookup_by_document_is_logged_found_or_not(world, migrant):
    futian = world["futian_clerk"]
    with pytest.raises(Invalid) as e:
        claims.submit_arrival_claim(actor=futian, data={"document_number": make_id("511921", "19800101", 2), "division": FUTIAN_V, "arrived_on": "2026-11-20"},
                                    today=D("2026-11-23"), now=CLAIMED_ON)
    assert "请先登记" in e.value.errors["document_number"][0]
    assert AuditEvent.objects.filter(action="person.lookup", actor=futian, person_id=None, fields__found=False).exists()
    claim(futian, migrant)
    assert AuditEvent.objects.filter(action="person.lookup", actor=futian, person_id=migrant.pk, fields__found=True).exists()


def test_hole1_the_claimant_collects_only_in_its_area_and_claims_once(world, migrant):
    futian = world["futian_clerk"]
    with pytest.raises(Invalid) as e:
        claim(futian, migrant, division=NANTOU_V1)  # not where 福田 may record her
    assert "division" in e.value.errors
    claim(futian, migrant)
    with pytest.raises(Invalid) as e:
        claim(futian, migrant)
    assert "pending already" in e.value.errors["document_number"][0]
    assert ArrivalClaim.objects.count() == 1


def test_hole2_claim_errors_tell_nothing_of_her_place_or_her_record(world, migrant):
    futian = world["futian_clerk"]
    # Before her current residence began, and in the future: no name, no date of 南头's record.
    with pytest.raises(Invalid) as e:
        claim(futian, migrant, arrived_on="2027-01-01", housing_id=99999)
    text = str(e.value.errors)
    assert "红花园" not in text and "南头" not in text and "2025-03-01" not in text
    # An arrival date before her current residence began is her place's to judge: not refused here.
    c = claim(futian, migrant, arrived_on="2024-01-01")
    assert c.state == ClaimState.PENDING


def test_hole2_a_passport_holders_birth_date_is_not_bisected_through_arrival_dates(world):
    tongjiang = world["tongjiang_clerk"]
    holder, _ = people.register_person(actor=tongjiang, data={"document_type": "passport", "document_number": "E99887766", "name": "陈明",
                                                               "sex": "M", "birth_date": "1990-05-05", "hukou_division": TONGJIANG_V}, today=TODAY)
    futian = world["futian_clerk"]
    answers = []
    for day in ("1990-05-04", "1990-05-06"):
        with pytest.raises(Invalid) as e:  # another field is wrong, so nothing is written either way
            claims.submit_arrival_claim(actor=futian, data={"document_type": "passport", "document_number": "E99887766", "division": FUTIAN_V,
                                                            "arrived_on": day, "reason": "nonsense"}, today=D("2026-11-23"), now=CLAIMED_ON)
        answers.append(e.value.errors)
    assert answers[0] == answers[1] and "arrived_on" not in answers[0]
    assert not ArrivalClaim.objects.exists() and holder.pk


def test_item10_every_state_change_of_the_exchange_goes_through_the_table():
    """Style 13: no service sets a message's or a claim's state by hand."""
    import inspect
    import re

    from liudong.exchange import claims as claims_module
    from liudong.exchange import services as services_module
    from liudong.exchange import transitions

    for module in (services_module, claims_module):
        source = inspect.getsource(module)
        assert not re.search(r"\.state\s*=\s*(State|ClaimState)\.", source), module.__name__
        assert not re.search(r"update\([^)]*state=(State|ClaimState)\.", source), module.__name__
    # The tick's UPDATE covers exactly the states the table lets expire.
    assert set(transitions.sources(transitions.Act.EXPIRE)) == {State.DRAFT, State.SENT, State.RECEIVED}
    assert transitions.next_state(State.OVERDUE, transitions.Act.ACCEPT) == State.ANSWERED
    with pytest.raises(Invalid):
        transitions.next_state(State.CLOSED, transitions.Act.REPLY)
    # The README prints the tables as they are (`liudong exchange states`).
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert transitions.table_markdown() in readme
