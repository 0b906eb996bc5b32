"""Part 11 (书面形式保存回复和提交的信息情况): a place's submissions and replies for a period, on a
page and printed (PDF), with dates, channel and state; every showing and printing is audited with
the persons it names (invariant 3)."""
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from liudong.accounts.models import AuditEvent
from liudong.errors import Invalid, NotFound
from liudong.exchange import services, written_log
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, TONGJIANG_T

from .helpers import at

D = "2026-09-01", "2026-10-31"


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def exchanged(world, migrant, request_msg):
    """南头 asks 诺江 (system, 09-28), 诺江 answers on 10-09; 南头 also writes to 诺江 by registered letter."""
    hukou = world["tongjiang_clerk"]
    answer = services.reply(actor=hukou, message_id=request_msg, data={"body": "经核实，情况属实。"}, now=at("2026-10-09"))
    letter = services.send_message(actor=world["township_clerk"], data={"kind": "contraception_report", "receiver": TONGJIANG_T, "person": migrant.pk,
                                                             "subject": "避孕节育情况报告", "channel": "letter", "sent_at": "2026-10-12 09:00",
                                                             "evidence": "挂号信 XA0001"}, now=at("2026-10-12", 11))
    return request_msg, answer, letter


def test_X3_the_log_lists_what_a_place_sent_and_received_with_dates_channel_and_state(world, exchanged):
    request, answer, letter = exchanged
    req, log = written_log.show(actor=world["township_clerk"], start=D[0], end=D[1], today=at("2026-11-02").date())
    assert req.division.code == NANTOU
    assert [r["id"] for r in log["sent"]] == [request.pk, letter.pk] and [r["id"] for r in log["received"]] == [answer.pk]
    assert (log["submitted"], log["replies"], log["count"]) == (2, 0, 3)
    first = log["sent"][0]
    assert (first["kind"], first["counterpart"], first["channel"], first["state"], first["answer"]) == ("核实", "诺江镇", "系统", "已反馈", "2026-10-09")
    assert log["sent"][1]["channel"] == "挂号信" and log["sent"][1]["arrived_at"] is None and log["sent"][1]["evidence"] == "挂号信 XA0001"
    # The other end's log: its answer is a reply it sent; the two requests are what it received.
    _, theirs = written_log.show(actor=world["tongjiang_clerk"], start=D[0], end=D[1], today=at("2026-11-02").date())
    assert [r["id"] for r in theirs["sent"]] == [answer.pk] and theirs["replies"] == 1
    assert [r["id"] for r in theirs["received"]] == [request.pk]   # the letter has not arrived
    event = AuditEvent.objects.filter(action="exchange.log_view").first()
    assert event.person_id is None and event.fields["person_ids"] and event.fields["division"] == TONGJIANG_T


def test_X3_the_printed_log_is_a_pdf_and_its_printing_is_audited(world, exchanged, migrant):
    data, disposition = written_log.print_pdf(actor=world["township_clerk"], start=D[0], end=D[1], printed_on=at("2026-11-02").date())
    assert data.startswith(b"%PDF") and "filename*=UTF-8''" in disposition
    text = pdf_text(data)
    for expected in ("函件提交和回复登记", "广东省深圳市南山区南头街道", "2026年9月1日至2026年10月31日", "一、发出", "二、收到", "诺江镇",
                     migrant.name, "核实李娜婚育情况", "挂号信", "已反馈", "2026-10-09", "打印日期2026-11-02"):
        assert expected in text, expected
    event = AuditEvent.objects.get(action="exchange.log_print")
    assert event.fields["format"] == "pdf" and event.fields["person_ids"] == [migrant.pk] and event.fields["count"] == 3


def test_X3_a_city_officer_sees_the_log_of_a_place_below_without_the_subjects(world, exchanged):
    _, log = written_log.show(actor=world["city_officer"], division=NANTOU, start=D[0], end=D[1], today=at("2026-11-02").date())
    assert [r["subject"] for r in log["sent"]] == ["核实", "避孕节育情况报告"] and all(r["evidence"] == "" for r in log["sent"])


def test_X3_the_log_is_kept_by_a_place_in_scope_and_its_input_is_checked(world, exchanged):
    with pytest.raises(NotFound):
        written_log.show(actor=world["township_clerk"], division=TONGJIANG_T, start=D[0], end=D[1], today=at("2026-11-02").date())
    with pytest.raises(Invalid) as e:
        written_log.show(actor=world["township_clerk"], division=NANTOU_V1, start="2026-10-31", end="2026-09-01", today=at("2026-11-02").date())
    assert set(e.value.errors) == {"division", "end"}
    with pytest.raises(Invalid) as e:
        written_log.show(actor=world["county_officer"], division=NANSHAN, start="2025-01-01", end="2026-10-31", today=at("2026-11-02").date())
    assert "一年" in e.value.errors["end"][0]
    assert not AuditEvent.objects.filter(action__startswith="exchange.log").exists()


def test_X3_the_log_page_and_its_print_link(client, world, exchanged, monkeypatch):
    monkeypatch.setattr("liudong.exchange.views_log.today", lambda: at("2026-11-02").date())
    client.force_login(world["township_clerk"])
    html = client.get(reverse("exchange_log"), {"start": D[0], "end": D[1]}).content.decode()
    assert "函件提交和回复登记" in html and "核实李娜婚育情况" in html and reverse("exchange_log_pdf") in html
    response = client.get(reverse("exchange_log_pdf"), {"start": D[0], "end": D[1]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    bad = client.get(reverse("exchange_log_pdf"), {"start": "2026-13-01", "end": D[1]})
    assert bad.status_code == 400 and "不存在或格式不对" in bad.content.decode()
    client.force_login(world["police_officer"])
    assert client.get(reverse("exchange_log")).status_code == 403
