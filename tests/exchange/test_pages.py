"""The exchange pages: per role (200/403), the boxes with their buckets, a message with its route,
deadline and actions, the forms (field errors next to the fields, input kept, nothing written,
POST-redirect-GET) and the scans (invariants 2, 3, 7)."""
import pytest
from django.urls import reverse

from liudong.accounts.choices import Action, Role, allowed
from liudong.accounts.models import AuditEvent
from liudong.exchange import services
from liudong.exchange.models import Attachment, Message, State
from tests.conftest import INLINE_SCRIPT, NANTOU, TONGJIANG_T

from .helpers import PDF, at, upload

ROLES = [r.value for r in Role]


def html_of(response):
    html = response.content.decode()
    assert ' style="' not in html and not INLINE_SCRIPT.search(html)  # the CSP forbids inline styles and scripts
    return html


@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(client, world, request_msg, clock, role):
    client.force_login(world[role])
    may_read, may_act = allowed(role, Action.VIEW_EXCHANGE), allowed(role, Action.HANDLE_EXCHANGE)
    for url, may in [(reverse("exchange_index"), may_read), (reverse("exchange_detail", args=[request_msg.pk]), may_read),
                     (reverse("exchange_index") + "?box=watch", may_read), (reverse("exchange_new"), may_act)]:
        response = client.get(url)
        assert response.status_code == (200 if may else 403), (role, url, response.status_code)
        if may:
            html_of(response)
    response = client.post(reverse("exchange_acknowledge", args=[request_msg.pk]))
    assert response.status_code in ((302,) if may_act else (403,))


def test_anonymous_visitors_go_to_the_login_page(client, request_msg):
    for url in (reverse("exchange_index"), reverse("exchange_new"), reverse("exchange_detail", args=[request_msg.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_message_outside_the_scope_is_404(client, world, request_msg, clock):
    client.force_login(world["futian_clerk"])
    assert client.get(reverse("exchange_detail", args=[request_msg.pk])).status_code == 404
    assert client.get("/exchange/99999999999/").status_code == 404
    assert client.get("/exchange/1234567890123456789012/").status_code == 404


def test_inbox_page_shows_buckets_and_days(client, world, request_msg, clock):
    clock("2026-10-23")
    client.force_login(world["tongjiang_clerk"])
    html = html_of(client.get(reverse("exchange_index")))
    assert "收件箱" in html and "今日到期" in html and "核实李娜婚育情况" in html and "李娜" in html and "南头街道" in html
    assert "2026-10-23" in html
    html = html_of(client.get(reverse("exchange_index") + "?due=today"))
    assert "核实李娜婚育情况" in html
    html = html_of(client.get(reverse("exchange_index") + "?due=overdue"))
    assert "核实李娜婚育情况" not in html
    # after its date, overdue by working days (Mon 10-26: one working day)
    clock("2026-10-26")
    services.tick(at("2026-10-26").date())
    html = html_of(client.get(reverse("exchange_index") + "?due=overdue"))
    assert "核实李娜婚育情况" in html and "超期 1 个工作日" in html
    # bad parameters fall back to the defaults rather than failing
    assert client.get(reverse("exchange_index") + "?box=x&due=y&page=z").status_code == 200
    assert AuditEvent.objects.filter(action="message.list", actor_name="tongjiang_clerk").exists()


def test_watch_page_of_the_county_and_the_city(client, world, request_msg, clock):
    services.tick(at("2026-10-24").date())
    clock("2026-10-26")
    for role in ("county_officer", "city_officer"):
        client.force_login(world[role])
        html = html_of(client.get(reverse("exchange_index") + "?box=watch"))
        assert "南头街道 → 诺江镇" in html, role
        # invariant 2: the city supervises the deadline; the subject is for the ends and the county
        assert ("核实李娜婚育情况" in html) is (role == "county_officer"), role
    client.force_login(world["city_officer"])  # above the counties the watch list is the default
    assert "南头街道 → 诺江镇" in html_of(client.get(reverse("exchange_index")))


def test_detail_page_shows_route_deadline_basis_and_person(client, world, request_msg, clock):
    client.force_login(world["tongjiang_clerk"])
    html = html_of(client.get(reverse("exchange_detail", args=[request_msg.pk])))
    for text in ("南头街道", "广东省", "中华人民共和国", "四川省", "诺江镇", "经国家", "2026-10-23", "national-2009", "15个工作日", "李娜",
                 request_msg.person.id_number, "签收", "反馈"):
        assert text in html, text
    assert AuditEvent.objects.filter(action="message.view", actor_name="tongjiang_clerk", person_id=request_msg.person_id).exists()
    # a level above sees the name, not the ID number
    client.force_login(world["city_officer"])
    html = html_of(client.get(reverse("exchange_detail", args=[request_msg.pk])))
    assert "李娜" in html and request_msg.person.id_number not in html and "exchange_reply" not in html
    assert reverse("exchange_reply", args=[request_msg.pk]) not in html


def test_compose_with_field_errors_keeps_input_and_writes_nothing(client, world, migrant, clock):
    client.force_login(world["township_clerk"])
    before = AuditEvent.objects.filter(action__startswith="message.send").count()
    response = client.post(reverse("exchange_new"), {"kind": "verification", "topic": "births", "receiver": "511921100", "person": str(migrant.pk), "subject": "核实婚育",
                                                      "body": "请核实", "channel": "fax", "sent_at": "2026-09-28T09:00", "evidence": "传真"})
    html = html_of(response)
    assert response.status_code == 200
    assert "传真须填写对方标注的接收时间" in html and "a fax needs" not in html
    assert 'value="核实婚育"' in html and 'value="511921100"' in html and "→ 诺江镇" in html and 'value="2026-09-28T09:00"' in html
    assert 'aria-invalid="true"' in html or "has-error" in html
    assert Message.objects.count() == 0 and AuditEvent.objects.filter(action__startswith="message.send").count() == before
    # a person outside the clerk's scope
    client.force_login(world["futian_clerk"])
    response = client.post(reverse("exchange_new"), {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": str(migrant.pk), "subject": "x", "channel": "system"})
    assert "当事人不存在或不在您的管辖范围内" in html_of(response) and Message.objects.count() == 0


def test_compose_the_deadline_past_the_calendar_is_a_field_error(client, world, migrant, clock):
    clock("2026-12-20")
    client.force_login(world["township_clerk"])
    response = client.post(reverse("exchange_new"), {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": str(migrant.pk), "subject": "核实", "channel": "system"})
    assert response.status_code == 200 and "2027 年的工作日历尚未载入" in html_of(response)
    assert Message.objects.count() == 0


def test_compose_sends_with_scans_and_redirects(client, world, migrant, clock):
    client.force_login(world["township_clerk"])
    form = html_of(client.get(reverse("exchange_new") + f"?person={migrant.pk}"))
    assert f'value="{migrant.pk}"' in form and f'value="{TONGJIANG_T}"' in form and "诺江镇" in form  # her hukou township proposed
    response = client.post(reverse("exchange_new"), {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": str(migrant.pk), "subject": "核实婚育",
                                                      "channel": "system", "attachments": [upload("结婚证.pdf", PDF, "application/pdf")]})
    msg = Message.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exchange_detail", args=[msg.pk])
    assert msg.sent_at == at("2026-09-28") and msg.reply_due_on.isoformat() == "2026-10-23"
    att = Attachment.objects.get()
    page = html_of(client.get(response["Location"]))
    assert "结婚证.pdf" in page
    download = client.get(reverse("exchange_attachment", args=[msg.pk, att.pk]))
    assert download.status_code == 200 and download.content == PDF and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"] and download["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="message.attachment", person_id=migrant.pk).exists()
    client.force_login(world["futian_clerk"])
    assert client.get(reverse("exchange_attachment", args=[msg.pk, att.pk])).status_code == 404


def test_a_bad_scan_refuses_the_whole_message(client, world, migrant, clock):
    client.force_login(world["township_clerk"])
    response = client.post(reverse("exchange_new"), {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": str(migrant.pk), "subject": "核实婚育",
                                                      "channel": "system", "attachments": [upload("virus.exe", b"MZ", "application/x-msdownload")]})
    assert response.status_code == 200 and "只接受 PDF" in html_of(response)
    assert Message.objects.count() == 0 and Attachment.objects.count() == 0


def test_reply_acknowledge_and_second_reply_through_the_pages(client, world, request_msg, clock):
    clock("2026-10-09")
    client.force_login(world["tongjiang_clerk"])
    url = reverse("exchange_detail", args=[request_msg.pk])
    # empty answer: field error, nothing written
    response = client.post(reverse("exchange_reply", args=[request_msg.pk]), {"body": "", "channel": "system"})
    assert response.status_code == 200 and "必填" in html_of(response) and Message.objects.count() == 1
    response = client.post(reverse("exchange_acknowledge", args=[request_msg.pk]))
    assert response.status_code == 302 and response["Location"] == url
    request_msg.refresh_from_db()
    assert request_msg.state == State.RECEIVED
    response = client.post(reverse("exchange_reply", args=[request_msg.pk]), {"body": "已婚，未生育", "channel": "system"})
    answer = Message.objects.get(in_reply_to=request_msg)
    assert response.status_code == 302 and response["Location"] == reverse("exchange_detail", args=[answer.pk])
    request_msg.refresh_from_db()
    assert request_msg.state == State.ANSWERED
    # the second answer: refused, shown on the page
    response = client.post(reverse("exchange_reply", args=[request_msg.pk]), {"body": "again", "channel": "system"})
    assert response.status_code == 200 and "已反馈，不能重复反馈" in html_of(response) and Message.objects.count() == 2
    # the sender sees the answer linked from its request
    client.force_login(world["township_clerk"])
    assert reverse("exchange_detail", args=[answer.pk]) in html_of(client.get(url))
    # a reply from the sender's side is refused
    response = client.post(reverse("exchange_reply", args=[answer.pk]), {"body": "x", "channel": "system"})
    assert response.status_code == 200 and Message.objects.count() == 2


def test_letter_arrival_and_close_through_the_pages(client, world, migrant, clock):
    clock("2026-09-25", 11)
    client.force_login(world["township_clerk"])
    client.post(reverse("exchange_new"), {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": str(migrant.pk), "subject": "挂号信核实",
                                          "channel": "letter", "sent_at": "2026-09-25T09:00", "evidence": "XA123456789CN"})
    msg = Message.objects.get()
    assert msg.arrived_at is None
    clock("2026-10-08")
    client.force_login(world["tongjiang_clerk"])
    assert "挂号信" in html_of(client.get(reverse("exchange_detail", args=[msg.pk])))
    response = client.post(reverse("exchange_arrival", args=[msg.pk]), {"arrived_at": "2026-09-24T10:00"})
    assert response.status_code == 200 and "送达时间不能早于发出时间" in html_of(response)
    response = client.post(reverse("exchange_arrival", args=[msg.pk]), {"arrived_at": "2026-09-30T10:00", "evidence": "回执",
                                                                         "attachments": [upload("回执.pdf", PDF, "application/pdf")]})
    assert response.status_code == 302
    msg.refresh_from_db()
    assert msg.reply_due_on.isoformat() == "2026-10-27" and msg.attachments.get().is_evidence
    client.force_login(world["township_clerk"])
    response = client.post(reverse("exchange_close", args=[msg.pk]), {"reason": ""})
    assert response.status_code == 200 and Message.objects.get().state == State.SENT
    response = client.post(reverse("exchange_close", args=[msg.pk]), {"reason": "当事人已返乡"})
    assert response.status_code == 302 and Message.objects.get().state == State.CLOSED


def test_a_draft_is_dispatched_from_its_page(client, world, migrant, clock):
    from liudong.divisions.models import Division

    d = services.open_draft(actor=world["township_clerk"], kind="notification", topic="births", receiver=Division.objects.get(code=TONGJIANG_T), person=migrant, subject="生育登记通报",
                            body="", send_due_on=at("2026-10-09").date(), rules_on=at("2026-09-01").date(), now=at("2026-09-01"))
    client.force_login(world["township_clerk"])
    html = html_of(client.get(reverse("exchange_detail", args=[d.pk])))
    assert reverse("exchange_dispatch", args=[d.pk]) in html and "2026-10-09" in html
    client.force_login(world["tongjiang_clerk"])
    assert client.get(reverse("exchange_detail", args=[d.pk])).status_code == 404
    client.force_login(world["township_clerk"])
    response = client.post(reverse("exchange_dispatch", args=[d.pk]), {"channel": "phone"})
    assert response.status_code == 200 and Message.objects.get().state == State.DRAFT
    response = client.post(reverse("exchange_dispatch", args=[d.pk]), {"channel": "system"})
    assert response.status_code == 302 and Message.objects.get().state == State.SENT
    assert Message.objects.get().sender_id == NANTOU


def test_the_person_page_links_to_a_new_message_about_her(client, world, migrant):
    client.force_login(world["township_clerk"])
    html = html_of(client.get(reverse("person_detail", args=[migrant.pk])))
    assert f'{reverse("exchange_new")}?person={migrant.pk}' in html and "发函" in html
    client.force_login(world["village_collector"])  # may see her, may not write messages
    assert reverse("exchange_new") not in html_of(client.get(reverse("person_detail", args=[migrant.pk])))
