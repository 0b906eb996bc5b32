"""The exchange API: boxes, one message, writing, signing for, answering, a letter's arrival,
sending a draft, closing and the scans; the one error shape (422/403/404) and nothing written on
bad input (invariant 7); reads logged (invariant 3)."""
import base64

import pytest

from liudong.accounts.models import AuditEvent
from liudong.divisions.models import Division
from liudong.exchange import services
from liudong.exchange.models import Attachment, Message, State
from tests.people.api.conftest import ApiClient, assert_field_error
from tests.conftest import NANTOU, TONGJIANG_T

from .helpers import PDF, at


@pytest.fixture
def api_as(db, clock):
    from liudong.accounts.tokens import issue_token

    return lambda staff: ApiClient(issue_token(staff))


def new_body(migrant, **extra):
    return {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实婚育情况", "body": "请核实", **extra}


def counts():
    return Message.objects.count(), Attachment.objects.count(), list(Message.objects.order_by("id").values_list("id", "state", "due_on", "arrived_at"))


def test_send_list_open_answer_happy_path(api_as, world, migrant, clock):
    clerk, hukou = api_as(world["township_clerk"]), api_as(world["tongjiang_clerk"])
    r = clerk.post("/messages", new_body(migrant, attachments=[{"name": "结婚证.pdf", "content_type": "application/pdf", "data": base64.b64encode(PDF).decode()}]))
    assert r.status_code == 201, r.content
    sent = r.json()
    assert sent["state"] == "sent" and sent["reply_due_on"] == "2026-10-23" and sent["via_nation"] is True
    assert [s["name"] for s in sent["route"]] == ["南头街道", "广东省", "中华人民共和国", "四川省", "诺江镇"]
    assert sent["basis"]["days"] == 15 and sent["basis"]["rule_set"] == "national-2009"
    assert sent["attachments"][0]["name"] == "结婚证.pdf" and sent["attachments"][0]["size"] == len(PDF)
    mid = sent["id"]
    # the receiver's inbox, due this week on Monday 10-19
    clock("2026-10-19")
    page = hukou.get("/messages", {"due": "week"}).json()
    assert page["box"] == "inbox" and page["count"] == 1 and page["counts"] == {"all": 1, "today": 0, "week": 1, "overdue": 0}
    row = page["results"][0]
    assert row["id"] == mid and row["person_name"] == "李娜" and row["days_left"] == 4 and row["overdue"] is False
    assert clerk.get("/messages", {"box": "outbox"}).json()["count"] == 1
    detail = hukou.get(f"/messages/{mid}").json()
    assert detail["person"]["id_number"] == migrant.id_number and detail["person"]["birth_date"] == "1999-03-15"
    assert AuditEvent.objects.filter(action="message.view", actor_name="tongjiang_clerk", person_id=migrant.pk).exists()
    f = hukou.get(f"/messages/{mid}/attachments/{detail['attachments'][0]['id']}")
    assert f.status_code == 200 and f.content == PDF and f["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="message.attachment", person_id=migrant.pk).exists()
    # sign for it, answer it by fax
    assert hukou.post(f"/messages/{mid}/acknowledge").json()["state"] == "received"
    r = hukou.post(f"/messages/{mid}/reply", {"body": "已婚，未生育", "channel": "fax", "sent_at": "2026-10-19 09:00", "arrived_at": "2026-10-19 09:03", "evidence": "传真回执"})
    assert r.status_code == 201, r.content
    answer = r.json()
    assert answer["kind"] == "reply" and answer["in_reply_to"] == mid and answer["sender"] == TONGJIANG_T and answer["receiver"] == NANTOU
    assert clerk.get(f"/messages/{mid}").json()["reply_id"] == answer["id"]
    assert clerk.get(f"/messages/{mid}").json()["state"] == "answered"
    # the sender signs for the answer: done
    assert clerk.post(f"/messages/{answer['id']}/acknowledge").json()["state"] == "closed"


def test_bad_input_gives_field_errors_and_writes_nothing(api_as, world, migrant, clock):
    clerk = api_as(world["township_clerk"])
    before = counts()
    assert_field_error(clerk.post("/messages", new_body(migrant, channel="fax", sent_at="2026-09-28 09:00")), "arrived_at")
    assert_field_error(clerk.post("/messages", new_body(migrant, channel="fax", sent_at="2026-09-28 09:00", arrived_at="2026-09-28 08:00")), "arrived_at")
    assert_field_error(clerk.post("/messages", new_body(migrant, channel="carrier-pigeon")), "channel")
    assert_field_error(clerk.post("/messages", new_body(migrant, kind="reply")), "kind")
    assert_field_error(clerk.post("/messages", new_body(migrant, receiver="440305001001")), "receiver")
    assert_field_error(clerk.post("/messages", new_body(migrant, person="李娜")), "person")
    assert_field_error(clerk.post("/messages", new_body(migrant, person=True)), "person")   # not person no. 1
    assert_field_error(clerk.post("/messages", {"receiver": TONGJIANG_T}), "kind")
    assert_field_error(clerk.post("/messages", new_body(migrant, attachments=[{"name": "a.pdf", "content_type": "application/pdf", "data": "!!!not base64"}])), "attachments.0.data")
    assert_field_error(clerk.post("/messages", new_body(migrant, attachments=[{"name": "a.pdf", "content_type": "application/pdf", "data": base64.b64encode(b"GIF89a").decode()}])), "attachments")
    assert_field_error(clerk.post("/messages", raw="{not json"), "body")
    assert_field_error(api_as(world["futian_clerk"]).post("/messages", new_body(migrant)), "person")
    clock("2026-12-20")
    errors = assert_field_error(clerk.post("/messages", new_body(migrant)), "arrived_at")
    assert "2027" in errors[0]
    assert counts() == before


def test_second_reply_and_wrong_replier(api_as, world, request_msg, tongjiang_county, clock):
    clock("2026-10-09")
    hukou = api_as(world["tongjiang_clerk"])
    assert_field_error(api_as(world["township_clerk"]).post(f"/messages/{request_msg.pk}/reply", {"body": "x"}), "message")
    assert_field_error(api_as(tongjiang_county).post(f"/messages/{request_msg.pk}/reply", {"body": "x"}), "message")
    assert api_as(world["futian_clerk"]).post(f"/messages/{request_msg.pk}/reply", {"body": "x"}).status_code == 404
    assert api_as(world["city_officer"]).post(f"/messages/{request_msg.pk}/reply", {"body": "x"}).status_code == 403
    assert_field_error(hukou.post(f"/messages/{request_msg.pk}/reply", {}), "body")
    assert hukou.post(f"/messages/{request_msg.pk}/reply", {"body": "已核实"}).status_code == 201
    before = counts()
    assert "已反馈" in assert_field_error(hukou.post(f"/messages/{request_msg.pk}/reply", {"body": "again"}), "message")[0]
    assert counts() == before


def test_letter_arrival_dispatch_and_close(api_as, world, migrant, clock):
    clock("2026-09-25", 11)
    clerk, hukou = api_as(world["township_clerk"]), api_as(world["tongjiang_clerk"])
    letter = clerk.post("/messages", new_body(migrant, channel="letter", sent_at="2026-09-25 09:00", evidence="XA123456789CN")).json()
    assert letter["arrived_at"] is None and letter["due_on"] is None
    clock("2026-10-08")
    assert_field_error(hukou.post(f"/messages/{letter['id']}/arrival", {}), "arrived_at")
    assert_field_error(hukou.post(f"/messages/{letter['id']}/arrival", {"arrived_at": "2026-09-24 10:00"}), "arrived_at")
    r = hukou.post(f"/messages/{letter['id']}/arrival", {"arrived_at": "2026-09-30 10:00", "evidence": "签收回执",
                                                        "attachments": [{"name": "回执.pdf", "content_type": "application/pdf", "data": base64.b64encode(PDF).decode()}]})
    assert r.status_code == 200 and r.json()["reply_due_on"] == "2026-10-27" and r.json()["attachments"][0]["is_evidence"] is True
    # close: the sender, with a reason
    assert_field_error(clerk.post(f"/messages/{letter['id']}/close", {}), "reason")
    assert_field_error(hukou.post(f"/messages/{letter['id']}/close", {"reason": "x"}), "message")
    assert clerk.post(f"/messages/{letter['id']}/close", {"reason": "当事人已返乡"}).json()["state"] == "closed"
    # a draft a case opened
    d = services.open_draft(actor=world["township_clerk"], kind="notification", topic="births", receiver=Division.objects.get(code=TONGJIANG_T), person=migrant, subject="通报",
                            body="", send_due_on=at("2026-10-09").date(), rules_on=at("2026-09-01").date(), now=at("2026-09-01"))
    assert hukou.get(f"/messages/{d.pk}").status_code == 404
    assert_field_error(clerk.post(f"/messages/{d.pk}/dispatch", {"channel": "phone"}), "arrived_at")
    r = clerk.post(f"/messages/{d.pk}/dispatch", {"channel": "phone", "arrived_at": "2026-10-08 09:30", "evidence": "通话记录"})
    assert r.status_code == 200 and r.json()["state"] == "sent" and r.json()["channel"] == "phone"
    assert_field_error(clerk.post(f"/messages/{d.pk}/dispatch", {}), "message")


def test_boxes_roles_and_scope(api_as, world, request_msg, clock):
    services.tick(at("2026-10-24").date())
    clock("2026-10-26")
    watch = api_as(world["county_officer"]).get("/messages", {"box": "watch"}).json()
    assert [r["id"] for r in watch["results"]] == [request_msg.pk] and watch["results"][0]["overdue"] is True
    assert api_as(world["city_officer"]).get("/messages").json()["box"] == "watch"
    assert api_as(world["auditor"]).get("/messages").status_code == 403
    assert api_as(world["futian_clerk"]).get(f"/messages/{request_msg.pk}").status_code == 404
    assert api_as(world["township_clerk"]).get("/messages/99999999999999999999").status_code in (404, 422)
    assert api_as(world["township_clerk"]).get(f"/messages/{request_msg.pk}/attachments/1").status_code == 404
    assert_field_error(api_as(world["township_clerk"]).get("/messages", {"box": "all"}), "box")
    assert_field_error(api_as(world["township_clerk"]).get("/messages", {"due": "tomorrow"}), "due")
    assert_field_error(api_as(world["township_clerk"]).get("/messages", {"page": "0"}), "page")
    assert ApiClient().get("/messages").status_code == 401
    overdue = api_as(world["township_clerk"]).get("/messages", {"box": "outbox", "due": "overdue"}).json()
    assert overdue["count"] == 1 and overdue["results"][0]["state"] == State.OVERDUE


def test_the_openapi_document_lists_the_exchange_operations(api_as, world):
    paths = api_as(world["township_clerk"]).get("/openapi.json").json()["paths"]
    for path in ("/api/v1/messages", "/api/v1/messages/{message_id}", "/api/v1/messages/{message_id}/reply", "/api/v1/messages/{message_id}/arrival",
                 "/api/v1/messages/{message_id}/dispatch", "/api/v1/messages/{message_id}/close", "/api/v1/messages/{message_id}/acknowledge",
                 "/api/v1/messages/{message_id}/attachments/{attachment_id}"):
        assert path in paths, path


def test_random_bodies_never_give_a_500(api_as, world, request_msg):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    clerk, hukou = api_as(world["township_clerk"]), api_as(world["tongjiang_clerk"])
    scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(max_size=30)
    fields = {
        "kind": st.sampled_from(["verification", "clue", "reply", "x"]) | scalars,
        "receiver": st.sampled_from([TONGJIANG_T, NANTOU, "000000000000", ""]) | scalars,
        "person": st.integers(min_value=-(2**70), max_value=2**70) | scalars,
        "subject": scalars, "body": scalars,
        "channel": st.sampled_from(["system", "letter", "fax", "phone", ""]) | scalars,
        "sent_at": st.sampled_from(["2026-09-28 09:00", "0001-01-01 00:00", "9999-12-31T23:59:59+14:00", "2026-02-30 09:00", "2026-09-28T09:00Z"]) | scalars,
        "arrived_at": st.sampled_from(["2026-09-28 09:30", "0001-01-01", "2026-09-27"]) | scalars,
        "evidence": scalars,
        "attachments": st.lists(st.fixed_dictionaries({"name": scalars, "content_type": st.sampled_from(["application/pdf", "image/png", "text/plain"]) | scalars,
                                                       "data": st.sampled_from([base64.b64encode(PDF).decode(), "", "%%%"]) | scalars}), max_size=2) | scalars,
    }

    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(body=st.fixed_dictionaries({}, optional=fields), path=st.sampled_from(["/messages", f"/messages/{request_msg.pk}/reply", f"/messages/{request_msg.pk}/dispatch",
                                                                                    f"/messages/{request_msg.pk}/arrival", f"/messages/{request_msg.pk}/close"]))
    def run(body, path):
        response = (hukou if "reply" in path or "arrival" in path else clerk).post(path, body)
        assert response.status_code < 500, (path, body, response.content[:300])
        if response.status_code == 422:
            assert set(response.json()) == {"errors"}

    run()
