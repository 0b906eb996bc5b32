"""Issue 16: the hukou side keeps seeing its people (in one process). An arrival, move, departure
or return of a person whose hukou is on another node leaves with the act, in its transaction, as a
`person` envelope to her hukou node; there she is found by ID number (R8) or registered, and the
period kept, so that the hukou township's outflow register and counts show her as one database
would (J2, R3, R5, X2)."""
import datetime
import json
import uuid

import pytest
from django.db import transaction

from liudong.federation import envelope
from liudong.federation.models import MirroredPeriod, Outbox, Quarantined
from liudong.federation.receive import receive
from liudong.people import figures
from liudong.people import services as people
from liudong.people.models import Person, Residence
from liudong.registers.queries import view_register
from tests.conftest import NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG, TONGJIANG_T, TONGJIANG_V, make_id
from tests.exchange.helpers import at

from .conftest import GD, SC

LI_NA = make_id("511921", "19990315")
IDENT = {"name": "李娜", "id_number": LI_NA, "document_type": "resident_id", "document_number": LI_NA, "sex": "F", "birth_date": "1999-03-15",
         "hukou_division": TONGJIANG_V}


def period(ref, division, arrived, left=None, *, start="arrival", end=""):
    return {"ref": f"{GD}:{ref}", "division": division, "arrived_on": arrived, "left_on": left, "start_kind": start, "end_kind": end,
            "floating": True, "reason": "work", "intended_stay": "", "expects_return": False, "address": "南头街道红花园1栋101"}


def event(gd, me, periods, *, kind="arrival", gid=None, ident=None):
    routing = {"id": gid or uuid.uuid4().hex, "type": "person", "kind": kind, "from_node": GD, "to_node": SC, "sender": NANTOU,
               "receiver": TONGJIANG_V, "created_at": at("2026-11-30").isoformat()}
    body = {"event": kind, "person": ident or IDENT, "periods": periods}
    return envelope.seal(routing, json.dumps(body, ensure_ascii=False).encode(), keys=gd, to_box_key=me.box_public)


# The residence node: the event leaves with the act.

def test_x2_a_move_of_a_person_whose_hukou_is_on_another_node_leaves_for_her_hukou_node(as_node, peer, clerk, migrant):
    as_node(GD)
    peer(SC)
    people.record_move(actor=clerk, person=migrant, data={"division": NANTOU_V2, "address": "大汪山2号", "arrived_on": "2026-11-20", "reason": "work"}, today=TODAY)
    row = Outbox.objects.get()
    assert (row.type, row.kind, row.sender, row.receiver, row.to_node) == ("person", "move", NANTOU, TONGJIANG_V, SC)
    body = json.loads(row.payload)
    assert body["person"]["id_number"] == LI_NA and body["person"]["hukou_division"] == TONGJIANG_V
    closed, opened = body["periods"]
    assert (closed["division"], closed["left_on"], closed["end_kind"]) == (NANTOU_V1, "2026-11-20", "move")
    assert (opened["division"], opened["arrived_on"], opened["left_on"], opened["start_kind"]) == (NANTOU_V2, "2026-11-20", None, "move")
    residence = Residence.objects.get(person=migrant, left_on__isnull=True)
    people.record_departure(actor=clerk, residence_id=residence.pk, left_on="2026-11-25", today=TODAY)
    departure = json.loads(Outbox.objects.get(kind="departure").payload)
    assert [p["left_on"] for p in departure["periods"]] == ["2026-11-25"]


def test_x2_the_event_and_the_act_commit_or_roll_back_together(as_node, peer, clerk, migrant):
    as_node(GD)
    peer(SC)
    with pytest.raises(RuntimeError), transaction.atomic():
        people.record_move(actor=clerk, person=migrant, data={"division": NANTOU_V2, "arrived_on": "2026-11-20"}, today=TODAY)
        assert Outbox.objects.filter(type="person").count() == 1
        raise RuntimeError("the act fails after the event was written")
    assert not Outbox.objects.exists() and Residence.objects.filter(person=migrant).count() == 1


def test_x2_nothing_leaves_for_a_person_whose_hukou_is_on_this_node_or_without_a_node(as_node, settings, clerk, migrant):
    settings.LIUDONG_NODE = ""
    people.record_move(actor=clerk, person=migrant, data={"division": NANTOU_V2, "arrived_on": "2026-11-20"}, today=TODAY)
    as_node(GD)
    local, _ = people.register_person(actor=clerk, data={"id_number": make_id("440305", "19900101", seq=7), "name": "王芳", "hukou_division": NANTOU_V2}, today=TODAY)
    people.record_arrival(actor=clerk, person=local, data={"division": NANTOU_V1, "arrived_on": "2026-11-01"}, today=TODAY)
    assert not Outbox.objects.exists()


# The hukou node: the event is applied once, in any order.

@pytest.fixture
def sichuan(as_node, peer, world):
    me = as_node(SC)
    return me, peer(GD)


def outflow(world, day="2026-11-30"):
    _, count, rows = view_register(actor=world["tongjiang_clerk"], kind="outflow", division=TONGJIANG_T, start="2026-11-01", end=day)
    return count, rows


def test_j2_r3_an_arrival_on_another_node_registers_her_at_home_and_shows_her_outflow_record(sichuan, world):
    me, gd = sichuan
    assert receive(event(gd, me, [period(1, NANTOU_V1, "2025-03-01")]), now=at("2026-11-30", 9)) == "accepted"
    person = Person.objects.get(id_number=LI_NA)  # not known here before: registered from the envelope
    assert (person.name, person.hukou_division_id, person.floating, person.residence_division_id) == ("李娜", TONGJIANG_V, True, NANTOU_V1)
    count, rows = outflow(world)
    assert count == 1 and rows[0]["person_id"] == person.pk
    stay = Residence.objects.get(person=person)
    assert (stay.division_id, stay.arrived_on, stay.recorded_by_division, stay.hukou_division_code) == (NANTOU_V1, datetime.date(2025, 3, 1), NANTOU, TONGJIANG_V)


def test_r8_an_event_finds_her_record_by_id_number(sichuan, world):
    me, gd = sichuan
    known, _ = people.register_person(actor=world["tongjiang_clerk"], data={"id_number": LI_NA, "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    receive(event(gd, me, [period(1, NANTOU_V1, "2025-03-01")], ident={**IDENT, "name": "李 娜"}), now=at("2026-11-30"))
    assert Person.objects.filter(id_number=LI_NA).count() == 1 and Residence.objects.get().person == known


def test_x2_a_move_then_a_departure_twice_and_out_of_order_change_her_record_once(sichuan, world):
    me, gd = sichuan
    arrival = event(gd, me, [period(1, NANTOU_V1, "2025-03-01")])
    move = event(gd, me, [period(1, NANTOU_V1, "2025-03-01", "2026-11-20", end="move"), period(2, NANTOU_V2, "2026-11-20", start="move")], kind="move")
    # The move overtakes the arrival; then everything comes again.
    assert receive(move, now=at("2026-11-30")) == "accepted"
    assert receive(arrival, now=at("2026-11-30")) == "accepted"
    assert receive(move, now=at("2026-11-30")) == "duplicate"
    periods = list(Residence.objects.order_by("arrived_on").values_list("division_id", "arrived_on", "left_on"))
    assert periods == [(NANTOU_V1, datetime.date(2025, 3, 1), datetime.date(2026, 11, 20)), (NANTOU_V2, datetime.date(2026, 11, 20), None)]
    receive(event(gd, me, [period(2, NANTOU_V2, "2026-11-20", "2026-11-25", start="move", end="departure")], kind="departure"), now=at("2026-11-30"))
    person = Person.objects.get()
    assert person.residence_division_id is None and person.floating  # gone from her last place, not home
    assert MirroredPeriod.objects.count() == 2 and Residence.objects.filter(left_on__isnull=True).count() == 0
    # She comes home: her hukou township records the return itself; the outflow register ends her period.
    people.record_return(actor=world["tongjiang_clerk"], person=person, data={"arrived_on": "2026-11-28"}, today=TODAY)
    person.refresh_from_db()
    assert not person.floating and outflow(world, "2026-11-30")[0] == 2  # both periods fall in November


def test_r5_her_child_at_home_counts_as_left_behind_once_her_arrival_elsewhere_is_known(sichuan, world):
    me, gd = sichuan
    clerk = world["tongjiang_clerk"]
    child, _ = people.register_person(actor=clerk, data={"id_number": make_id("511921", "20200601", seq=11, female=False), "name": "李小明",
                                                          "hukou_division": TONGJIANG_V}, today=TODAY)
    receive(event(gd, me, [period(1, NANTOU_V1, "2025-03-01")]), now=at("2026-11-30"))
    mother = Person.objects.get(id_number=LI_NA)
    people.link_family(actor=clerk, person=child, relative_id=mother.pk, relation="parent")
    counts = figures.by_code(TONGJIANG, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert counts["left_behind_children"].get(TONGJIANG_V) == 1 and counts["outflow"].get(TONGJIANG_V) == 1


def test_a_place_this_node_does_not_know_is_kept_under_its_nearest_known_division(sichuan, world):
    me, gd = sichuan
    receive(event(gd, me, [period(1, "440305001009", "2025-03-01")]), now=at("2026-11-30"))
    assert Residence.objects.get().division_id == NANTOU


def test_an_event_about_a_person_whose_hukou_is_not_here_is_refused(sichuan):
    me, gd = sichuan
    assert receive(event(gd, me, [period(1, NANTOU_V1, "2025-03-01")], ident={**IDENT, "hukou_division": NANTOU_V1}), now=at("2026-11-30")) == "refused"
    assert Quarantined.objects.get().reason == "misaddressed" and not Person.objects.exists()


def test_x2_a_bulk_imports_periods_leave_for_the_hukou_node_one_envelope_a_period_in_its_transaction(as_node, peer, clerk):
    """Issue 16: an import writes its periods without the ORM (people.imports); its listener sends
    what one recorded by hand sends, set-based: one person envelope a period whose person's hukou
    is on another node (none for one whose hukou is here), written with the import."""
    from liudong.errors import Invalid
    from liudong.people.imports.rows import import_people

    as_node(GD)
    peer(SC)

    def row(seq, hukou=TONGJIANG_V, **extra):
        area = hukou[:6]
        return {"id_number": make_id(area, "19950101", seq), "name": "导入" + "甲乙丙丁戊己庚辛"[seq % 8], "hukou_division": hukou, "ethnicity": "01",
                "division": NANTOU_V1, "address": "南头街道红花园2栋", "arrived_on": "2026-10-01", "reason": "work", **extra}

    local = "440305001001"  # hukou on this node: its own registers see her, nothing leaves
    summary = import_people(actor=clerk, rows=[row(101), row(103, left_on="2026-11-10"), row(105, hukou=local)], today=TODAY)
    assert summary["created"] == 3
    rows = list(Outbox.objects.filter(type="person").order_by("id"))
    assert [(r.kind, r.sender, r.receiver, r.to_node) for r in rows] == [("arrival", NANTOU, TONGJIANG_V, SC)] * 2
    bodies = [json.loads(r.payload) for r in rows]
    assert [b["person"]["id_number"] for b in bodies] == [make_id("511921", "19950101", 101), make_id("511921", "19950101", 103)]
    assert [[p["left_on"] for p in b["periods"]] for b in bodies] == [[None], ["2026-11-10"]]
    assert all(b["periods"][0]["ref"].startswith(f"{GD}:") for b in bodies)
    # All or nothing: an import refused writes no envelope either.
    with pytest.raises(Invalid):
        import_people(actor=clerk, rows=[row(107), row(109, arrived_on="2027-01-01")], today=TODAY)
    assert Outbox.objects.filter(type="person").count() == 2
