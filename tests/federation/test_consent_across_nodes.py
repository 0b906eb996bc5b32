"""Issue 16 (Q7 across nodes): the desk that takes a request answers it, and the police station
where the subject lives asks her consent (Q3 (三): a relative's search). 陈静's hukou is in 南山
(Guangdong node); she lives in 诺江镇 (Sichuan node), as the Sichuan node told Guangdong (a
`person` event). The desk of 南山 finds her among 深圳's permanent population; her station is
诺江镇, on the Sichuan node: the task leaves as a `consent` envelope (kind `ask`) with the act, the
Sichuan node keeps a copy under the same global id that 诺江镇's police see and answer, and the
answer (kind `answer`) comes back and discloses, at the desk, only the fields she agreed to. The
desk's clock decides: an answer that reaches it after the due day discloses nothing. An answer
from another place than her station, or about an unknown task, is quarantined; a second one
changes nothing."""
import json
import uuid

import pytest
from django.utils.dateparse import parse_date

from liudong.accounts.choices import Role
from liudong.accounts.models import AuditEvent, Staff
from liudong.desk import services
from liudong.desk.models import ConsentTask, Inquiry
from liudong.federation import envelope
from liudong.federation.models import Outbox, Quarantined
from liudong.federation.receive import receive
from liudong.people.models import Person
from liudong.policy.services import adopt_rule_set
from tests.conftest import NANSHAN, NANTOU_V2, TONGJIANG, TONGJIANG_T, TONGJIANG_V, make_id, password
from tests.desk.conftest import body
from tests.exchange.helpers import at
from tests.people.api.conftest import ApiClient

from .conftest import GD, SC

CHEN = make_id("440305", "19850505", 20)
IDENT = {"name": "陈静", "id_number": CHEN, "document_type": "resident_id", "document_number": CHEN, "sex": "F", "birth_date": "1985-05-05",
         "hukou_division": NANTOU_V2}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def sealed(sender_keys, to_keys, *, type_, kind, sender, receiver, payload, gid=None, when="2026-11-30"):
    routing = {"id": gid or uuid.uuid4().hex, "type": type_, "kind": kind, "from_node": sender_keys.node, "to_node": to_keys.node, "sender": sender,
               "receiver": receiver, "created_at": at(when).isoformat()}
    return envelope.seal(routing, json.dumps(payload, ensure_ascii=False).encode(), keys=sender_keys, to_box_key=to_keys.box_public)


@pytest.fixture
def chen_in_sichuan(world, clerk):
    """On the Guangdong node: 陈静, hukou 大汪山社区, living in 诺江村 since 2026-03-01 (the Sichuan
    node's period of her, received as a person event)."""
    from liudong.people import services as people

    adopt_rule_set(actor=None, code="query-desk-2010", division_code=GD, valid_from="2020-01-01")
    chen, _ = people.register_person(actor=clerk, data={"id_number": CHEN, "name": "陈静", "hukou_division": NANTOU_V2, "phone": "13900139000",
                                                         "hukou_address": "大汪山路1号"}, today=at("2026-11-28").date())
    return chen


def her_period_arrives(sc, gd):
    raw = sealed(sc, gd, type_="person", kind="arrival", sender=TONGJIANG_T, receiver=NANTOU_V2, payload={
        "event": "arrival", "person": IDENT, "periods": [{"ref": f"{SC}:41", "division": TONGJIANG_V, "arrived_on": "2026-03-01", "left_on": None,
                                                          "start_kind": "arrival", "end_kind": "", "address": "诺江村3组"}]})
    assert receive(raw, now=at("2026-11-30", 9)) == "accepted"


def asked(world, day="2026-11-30"):
    inquiry = services.create_inquiry(actor=world["query_desk"], data=body("citizen_relative", subjects=[{"name": "陈静", "match": "exact"}],
                                                                             reason="寻找失散的表姐"), now=at(day))
    return services.run(actor=world["query_desk"], inquiry_id=inquiry.pk, now=at(day))


def station_police(code=TONGJIANG_T, name="tongjiang_police"):
    s = Staff(username=name, role=Role.POLICE_OFFICER, division_id=code)
    s.set_password(password())
    s.save()
    return s


def test_q7_x2_her_station_on_another_node_gets_the_task_with_the_act(as_node, peer, world, chen_in_sichuan):
    sc = peer(SC)
    gd = as_node(GD)
    her_period_arrives(sc, gd)
    inquiry = asked(world)
    assert inquiry.state == "awaiting_consent"
    task = ConsentTask.objects.get()
    row = Outbox.objects.get(type="consent")
    assert (task.station_id, task.global_id) == (TONGJIANG_T, row.global_id)
    assert (row.kind, row.sender, row.receiver, row.to_node) == ("ask", NANSHAN, TONGJIANG_T, SC)
    sent = json.loads(row.payload)
    assert sent["person"]["id_number"] == CHEN and sent["file_number"] == inquiry.file_number and sent["due_on"] == str(task.due_on)
    assert sent["fields"] == ["permanent_address", "temporary_address", "contact"] and sent["reason"] == "寻找失散的表姐"
    assert "13900139000" not in row.payload  # her consent is asked, her data stays here
    # Her station answers on its node: not here, not even the system's account.
    with pytest.raises(services.Invalid) as e:
        services.answer_consent_task(actor=None, task_id=task.pk, data={"granted": True}, now=at("2026-11-30", 11))
    assert "其他节点" in str(e.value.errors)
    from liudong.desk.queries import consent_tasks

    assert not consent_tasks(actor=None).exists()


def test_q7_a_station_on_the_same_node_sends_nothing(as_node, peer, world, chen_in_sichuan, migrant):
    as_node(GD)
    peer(SC)
    inquiry = services.create_inquiry(actor=world["query_desk"], data=body("citizen_relative", subjects=[{"name": "李娜", "match": "exact"}]),
                                      now=at("2026-11-30"))
    services.run(actor=world["query_desk"], inquiry_id=inquiry.pk, now=at("2026-11-30"))
    assert ConsentTask.objects.get().global_id is None and not Outbox.objects.filter(type="consent").exists()


def ask_envelope(gd, sc, gid, *, due="2026-12-07"):
    return sealed(gd, sc, type_="consent", kind="ask", sender=NANSHAN, receiver=TONGJIANG_T, gid=gid, payload={
        "file_number": "440305-2026-000001", "category": "citizen_relative", "requester_name": "王明", "relationship": "表弟", "reason": "寻找失散的表姐",
        "fields": ["permanent_address", "temporary_address", "contact"], "created_on": "2026-11-30", "due_on": due, "person": IDENT})


def test_q7_x2_the_station_keeps_a_copy_and_its_answer_goes_back_to_the_desk(as_node, peer, world, monkeypatch):
    gd = peer(GD)
    sc = as_node(SC)
    gid = uuid.uuid4().hex
    assert receive(ask_envelope(gd, sc, gid), now=at("2026-11-30", 10)) == "accepted"
    copy = ConsentTask.objects.get()
    chen = Person.objects.get(id_number=CHEN)  # registered from the carried identity (R8)
    assert (copy.subject_id, copy.person_id, copy.station_id, copy.desk_id, copy.global_id, str(copy.due_on)) == (
        None, chen.pk, TONGJIANG_T, NANSHAN, gid, "2026-12-07")
    police = station_police()
    from django.test import Client

    web = Client()
    web.force_login(police)
    page = web.get("/desk/consent/", **ZH).content.decode()
    assert "陈静" in page and "王明" in page and "表弟" in page and "寻找失散的表姐" in page and "440305-2026-000001" in page and "其他节点" in page
    assert AuditEvent.objects.filter(action="inquiry.consent_tasks", actor=police).exists()  # invariant 3
    # Another station on this node sees nothing of it, and may not answer it.
    other = station_police(TONGJIANG, "county_police")
    monkeypatch.setattr("liudong.desk.api.now", lambda: at("2026-12-01", 10))
    assert ApiClient(_token(other)).get("/consent-tasks").json()["count"] == 0
    assert ApiClient(_token(other)).post(f"/consent-tasks/{copy.pk}", {"granted": True}).status_code == 404
    api = ApiClient(_token(police))
    listed = api.get("/consent-tasks").json()
    assert listed["count"] == 1 and listed["results"][0]["desk_division"] == NANSHAN and listed["results"][0]["person_id"] == chen.pk
    bad = api.post(f"/consent-tasks/{copy.pk}", {"granted": True, "fields": ["ethnicity"]})
    assert bad.status_code == 422 and "fields" in bad.json()["errors"] and not Outbox.objects.filter(type="consent").exists()
    r = api.post(f"/consent-tasks/{copy.pk}", {"granted": True, "fields": ["temporary_address"]})
    assert r.status_code == 200, r.content
    assert (r.json()["granted"], r.json()["fields"], r.json()["answered_on"]) == (True, ["temporary_address"], "2026-12-01")
    back = Outbox.objects.get(type="consent")
    assert (back.kind, back.sender, back.receiver, back.to_node) == ("answer", TONGJIANG_T, NANSHAN, GD)
    assert json.loads(back.payload) == {"task": gid, "granted": True, "fields": ["temporary_address"], "answered_on": "2026-12-01"}
    again = api.post(f"/consent-tasks/{copy.pk}", {"granted": False})
    assert again.status_code == 422 and Outbox.objects.filter(type="consent").count() == 1
    # A redelivered ask changes nothing.
    assert receive(ask_envelope(gd, sc, gid), now=at("2026-12-01", 11)) == "duplicate" and ConsentTask.objects.count() == 1


def test_q7_the_station_cannot_answer_after_the_desks_due_day(as_node, peer, world, monkeypatch):
    gd = peer(GD)
    sc = as_node(SC)
    assert receive(ask_envelope(gd, sc, uuid.uuid4().hex, due="2026-12-02"), now=at("2026-11-30", 10)) == "accepted"
    monkeypatch.setattr("liudong.desk.api.now", lambda: at("2026-12-03", 10))
    r = ApiClient(_token(station_police())).post(f"/consent-tasks/{ConsentTask.objects.get().pk}", {"granted": True})
    assert r.status_code == 422 and "2026-12-02" in r.json()["errors"]["state"][0] and not Outbox.objects.filter(type="consent").exists()


def _token(staff):
    from liudong.accounts.tokens import issue_token

    return issue_token(staff)


def answer_envelope(sc, gd, gid, *, granted=True, fields=("temporary_address",), sender=TONGJIANG_T, on="2026-12-01"):
    return sealed(sc, gd, type_="consent", kind="answer", sender=sender, receiver=NANSHAN, when=on,
                  payload={"task": gid, "granted": granted, "fields": list(fields) if granted else [], "answered_on": on})


def test_q7_x2_her_answer_from_her_station_discloses_at_the_desk_only_what_she_agreed_to(as_node, peer, world, chen_in_sichuan):
    sc = peer(SC)
    gd = as_node(GD)
    her_period_arrives(sc, gd)
    inquiry = asked(world)
    gid = ConsentTask.objects.get().global_id
    # From another place of the Sichuan node than her station: quarantined, nothing changes.
    assert receive(answer_envelope(sc, gd, gid, sender=TONGJIANG), now=at("2026-12-01", 12)) == "refused"
    assert Quarantined.objects.get().reason == "not_its_division"
    assert receive(answer_envelope(sc, gd, uuid.uuid4().hex), now=at("2026-12-01", 12)) == "refused"
    assert Quarantined.objects.filter(reason="unknown_message").count() == 1
    assert Inquiry.objects.get().state == "awaiting_consent"
    assert receive(answer_envelope(sc, gd, gid), now=at("2026-12-01", 13)) == "accepted"
    inquiry.refresh_from_db()
    subject = inquiry.subjects.get()
    assert inquiry.state == "answered" and subject.state == "answered"
    assert subject.answer["fields"] == ["temporary_address"] and "诺江村3组" in json.dumps(subject.answer, ensure_ascii=False)
    assert "13900139000" not in json.dumps(subject.answer)
    task = ConsentTask.objects.get()
    assert (task.granted, task.fields, str(task.answered_on)) == (True, ["temporary_address"], "2026-12-01")
    assert AuditEvent.objects.filter(action="inquiry.consent", fields__from_node=SC).exists()
    # A second answer (resent by hand, another envelope) changes nothing.
    assert receive(answer_envelope(sc, gd, gid, granted=False), now=at("2026-12-02", 9)) == "accepted"
    task.refresh_from_db()
    assert task.granted is True and Inquiry.objects.get().state == "answered"


def test_q7_x5_an_answer_that_reaches_the_desk_after_its_due_day_discloses_nothing(as_node, peer, world, chen_in_sichuan):
    sc = peer(SC)
    gd = as_node(GD)
    her_period_arrives(sc, gd)
    inquiry = asked(world)
    task = ConsentTask.objects.get()
    late = parse_date(str(task.due_on)).toordinal() + 1
    import datetime

    arrival = datetime.date.fromordinal(late).isoformat()
    assert receive(answer_envelope(sc, gd, task.global_id, on=str(task.due_on)), now=at(arrival, 9)) == "accepted"
    inquiry.refresh_from_db()
    subject = inquiry.subjects.get()
    assert (inquiry.state, subject.state, subject.answer) == ("closed", "consent_lapsed", None)
    task.refresh_from_db()
    assert task.granted is True and task.answered_on == task.due_on  # kept: the register shows she answered, too late
    assert AuditEvent.objects.filter(action="inquiry.consent_late", fields__arrived_on=arrival).exists()


def test_q7_a_refusal_from_her_station_closes_the_request(as_node, peer, world, chen_in_sichuan):
    sc = peer(SC)
    gd = as_node(GD)
    her_period_arrives(sc, gd)
    inquiry = asked(world)
    assert receive(answer_envelope(sc, gd, ConsentTask.objects.get().global_id, granted=False), now=at("2026-12-01", 9)) == "accepted"
    inquiry.refresh_from_db()
    assert inquiry.state == "closed" and inquiry.subjects.get().state == "consent_refused" and inquiry.subjects.get().answer is None
