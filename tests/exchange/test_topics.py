"""X1 (part 3, 三): the topics the two places exchange about (婚姻、生育、生殖保健服务、避孕节育、持证、
缴纳社会抚养费) are a closed list on every message of the exchange, chosen in the form and the
API, kept on answers and case messages, and counted in the timeliness figures (T3) by topic."""
import datetime

import pytest
from django.urls import reverse

from liudong.errors import Invalid
from liudong.exchange import services, timeliness
from liudong.exchange.models import Message, Topic
from tests.people.api.conftest import ApiClient, assert_field_error
from tests.conftest import TONGJIANG_T

from .helpers import at

D = datetime.date


def request(migrant, **extra):
    return {"kind": "verification", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实", **extra}


def test_X1_a_message_without_a_topic_of_the_list_is_refused_and_nothing_written(world, migrant):
    clerk = world["township_clerk"]
    for extra in ({}, {"topic": "weather"}, {"topic": "婚姻"}):
        with pytest.raises(Invalid) as e:
            services.send_message(actor=clerk, data=request(migrant, **extra), now=at("2026-09-28"))
        [message] = e.value.errors["topic"]
        assert "婚姻、生育、生殖保健服务、避孕节育、持证、缴纳社会抚养费" in message and "marriage, births" in message
    assert not Message.objects.exists()


def test_X1_the_topic_is_kept_and_the_answer_takes_the_requests(world, migrant):
    asked = services.send_message(actor=world["township_clerk"], data=request(migrant, topic="certificate"), now=at("2026-09-28"))
    answer = services.reply(actor=world["tongjiang_clerk"], message_id=asked, data={"body": "持有有效婚育证明"}, now=at("2026-09-29"))
    assert (asked.topic, answer.topic) == (Topic.CERTIFICATE, Topic.CERTIFICATE)
    report = services.send_message(actor=world["township_clerk"], data=request(migrant, kind="contraception_report"), now=at("2026-09-28"))
    assert report.topic == Topic.CONTRACEPTION   # the only topic a contraception report can have


def test_X1_case_messages_carry_their_cases_topic(world, migrant):
    from tests.cases.conftest import open_birth

    case = open_birth(world["township_clerk"], migrant, "2026-03-02")
    assert {m.topic for m in Message.objects.filter(case_id=case.pk)} == {Topic.BIRTHS}


def test_T3_figures_by_topic(world, migrant):
    clerk, hukou = world["township_clerk"], world["tongjiang_clerk"]
    births = services.send_message(actor=clerk, data=request(migrant, topic="births"), now=at("2026-09-28"))
    services.send_message(actor=clerk, data=request(migrant, topic="marriage"), now=at("2026-09-28"))
    services.reply(actor=hukou, message_id=births, data={"body": "已核实"}, now=at("2026-10-09"))
    figs = timeliness.figures(actor=hukou, start="2026-09-01", end="2026-10-31", today=D(2026, 11, 2))
    by_topic = {row["code"]: row for row in figs["by_topic"]}
    assert list(by_topic) == Topic.values   # every topic listed, with or without messages
    assert (by_topic["births"]["name"], by_topic["births"]["as_receiver"]["received"], by_topic["births"]["as_receiver"]["on_time"]) == ("生育", 1, 1)
    assert (by_topic["marriage"]["as_receiver"]["received"], by_topic["marriage"]["as_receiver"]["overdue_open"]) == (1, 1)
    assert by_topic["fee"]["as_receiver"]["received"] == 0
    assert sum(row["as_receiver"]["received"] for row in figs["by_topic"]) == figs["as_receiver"]["received"]


def test_X1_the_form_and_the_api_choose_from_the_list(client, world, migrant, clock):
    from liudong.accounts.tokens import issue_token

    clerk = world["township_clerk"]
    client.force_login(clerk)
    form = client.get(reverse("exchange_new")).content.decode()
    assert 'name="topic"' in form and "生殖保健服务" in form and "缴纳社会抚养费" in form
    page = client.post(reverse("exchange_new"), {"kind": "verification", "receiver": TONGJIANG_T, "person": str(migrant.pk), "subject": "核实", "channel": "system"})
    assert page.status_code == 200 and "请选择主题" in page.content.decode() and not Message.objects.exists()
    api = ApiClient(issue_token(clerk))
    assert_field_error(api.post("/messages", request(migrant)), "topic")
    r = api.post("/messages", request(migrant, topic="reproductive_health"))
    assert r.status_code == 201 and r.json()["topic"] == "reproductive_health"
    html = client.get(reverse("exchange_detail", args=[r.json()["id"]])).content.decode()
    assert "生殖保健服务" in html
    body = api.get("/exchange/timeliness", {"start": "2026-09-01", "end": "2026-10-31"}).json()
    assert [row["code"] for row in body["by_topic"]] == Topic.values
