"""X3: the daily tick, the inbox, outbox and watch list with their buckets, and the scoped, logged
reads of one message and its scans (invariants 2 and 3)."""
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liudong.accounts.choices import Action, Role, allowed
from liudong.accounts.models import AuditEvent
from liudong.divisions.models import Division
from liudong.errors import Denied, NotFound
from liudong.exchange import queries, services
from liudong.exchange.models import Kind, Message, State
from tests.conftest import NANTOU, SHEKOU, TONGJIANG_T

from .helpers import PDF, at, upload

D = datetime.date


def draft(world, migrant, due, receiver=TONGJIANG_T):
    return services.open_draft(actor=world["township_clerk"], kind=Kind.VERIFICATION, topic="births", receiver=Division.objects.get(code=receiver), person=migrant,
                               subject="生育登记核实", body="", send_due_on=due, rules_on=D(2026, 9, 1), rule_set="national-2009",
                               case_type="birth_registration", case_id=7, now=at("2026-09-01"))


# ---------------------------------------------------------------- tick


def test_tick_marks_requests_and_drafts_overdue_once(world, migrant, request_msg):
    late_draft = draft(world, migrant, D(2026, 10, 9))
    notice = services.send_message(actor=world["township_clerk"], data={"kind": "notification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "通报"}, now=at("2026-09-28"))
    assert services.tick(D(2026, 10, 9)) == 0           # due that day: not yet late
    assert services.tick(D(2026, 10, 10)) == 1          # the draft's send-by date has passed
    assert services.tick(D(2026, 10, 24)) == 1          # the request's answer date (10-23) has passed
    assert services.tick(D(2026, 10, 24)) == 0          # idempotent
    assert services.tick(D(2026, 10, 25)) == 0
    states = dict(Message.objects.values_list("pk", "state"))
    assert states == {request_msg.pk: State.OVERDUE, late_draft.pk: State.OVERDUE, notice.pk: State.SENT}
    assert Message.objects.get(pk=request_msg.pk).overdue_on == D(2026, 10, 24)
    assert AuditEvent.objects.filter(action="exchange.tick").count() == 5
    # Overdue is not the end: a late draft can still be sent (its lateness is logged), a late request answered.
    sent = services.dispatch(actor=world["township_clerk"], message_id=late_draft.pk, data={}, now=at("2026-10-26"))
    assert sent.state == State.SENT and sent.overdue_on is None and sent.reply_due_on == D(2026, 11, 16)
    assert AuditEvent.objects.get(action="message.send", object_id=str(sent.pk)).fields["late"] is True
    services.reply(actor=world["tongjiang_clerk"], message_id=request_msg.pk, data={"body": "已核实"}, now=at("2026-10-26"))
    assert AuditEvent.objects.get(action="message.reply").fields["on_time"] is False


def test_tick_command_prints_the_count(world, request_msg):
    out = StringIO()
    call_command("exchange", "tick", "--on", "2026-10-24", stdout=out)
    assert "1" in out.getvalue() and "overdue" in out.getvalue()
    out = StringIO()
    call_command("exchange", "tick", "--on", "2026-10-24", stdout=out)
    assert ": 0 " in out.getvalue()
    with pytest.raises(CommandError):
        call_command("exchange", "tick", "--on", "2026-02-30")
    out = StringIO()
    call_command("exchange", "show", str(request_msg.pk), stdout=out)
    assert request_msg.route in out.getvalue() and "2026-10-23" in out.getvalue()
    assert AuditEvent.objects.filter(action="message.show", person_id=request_msg.person_id).exists()
    with pytest.raises(CommandError):
        call_command("exchange", "show", "999999")


# ---------------------------------------------------------------- boxes


def test_week_end_is_the_sunday_of_the_week():
    assert queries.week_end(D(2026, 10, 19)) == D(2026, 10, 25)  # Monday
    assert queries.week_end(D(2026, 10, 25)) == D(2026, 10, 25)  # Sunday


def test_inbox_and_outbox_buckets(world, migrant, request_msg):
    clerk, hukou = world["township_clerk"], world["tongjiang_clerk"]
    other = services.send_message(actor=clerk, data={"kind": "clue", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "线索"}, now=at("2026-10-12"))  # due 11-02
    to_send = draft(world, migrant, D(2026, 10, 21))
    # Monday 10-19: the request (10-23) is due this week, the clue (11-02) later, the draft (10-21) this week.
    inbox = queries.inbox(actor=hukou, today=D(2026, 10, 19))
    assert [m.pk for m in inbox.rows] == [request_msg.pk, other.pk] and inbox.counts == {"all": 2, "today": 0, "week": 1, "overdue": 0}
    assert inbox.rows[0].days == 4 and not inbox.rows[0].late
    assert [m.pk for m in queries.inbox(actor=hukou, today=D(2026, 10, 19), due="week").rows] == [request_msg.pk]
    outbox = queries.outbox(actor=clerk, today=D(2026, 10, 19))
    assert [m.pk for m in outbox.rows] == [to_send.pk, request_msg.pk, other.pk]  # drafts are in the outbox, "to send"
    assert outbox.counts == {"all": 3, "today": 0, "week": 2, "overdue": 0}
    assert queries.inbox(actor=clerk, today=D(2026, 10, 19)).count == 0  # the draft is not in anyone's inbox
    # Friday 10-23: the request is due today.
    assert [m.pk for m in queries.inbox(actor=hukou, today=D(2026, 10, 23), due="today").rows] == [request_msg.pk]
    # Saturday 10-24, before the tick has run: past its date counts as overdue already.
    late = queries.inbox(actor=hukou, today=D(2026, 10, 24), due="overdue")
    assert [m.pk for m in late.rows] == [request_msg.pk] and late.rows[0].late
    services.tick(D(2026, 10, 27))
    late = queries.inbox(actor=hukou, today=D(2026, 10, 27), due="overdue")
    assert [m.pk for m in late.rows] == [request_msg.pk] and late.rows[0].days == 2  # 10-26 and 10-27
    assert queries.outbox(actor=clerk, today=D(2026, 10, 27), due="overdue").counts["overdue"] == 2  # the request and the draft
    # An answered request leaves both boxes.
    services.reply(actor=hukou, message_id=request_msg.pk, data={"body": "已核实"}, now=at("2026-10-27"))
    assert request_msg.pk not in [m.pk for m in queries.inbox(actor=hukou, today=D(2026, 10, 27)).rows]
    assert request_msg.pk not in [m.pk for m in queries.outbox(actor=clerk, today=D(2026, 10, 27)).rows]


def test_overdue_is_visible_at_both_ends_and_above_but_not_elsewhere(world, migrant, request_msg, tongjiang_county):
    services.tick(D(2026, 10, 24))
    on = D(2026, 10, 26)
    assert [m.pk for m in queries.outbox(actor=world["township_clerk"], today=on, due="overdue").rows] == [request_msg.pk]
    assert [m.pk for m in queries.inbox(actor=world["tongjiang_clerk"], today=on, due="overdue").rows] == [request_msg.pk]
    for role in ("county_officer", "city_officer", "province_officer", "nation_officer"):
        assert [m.pk for m in queries.watch(actor=world[role], today=on).rows] == [request_msg.pk], role
    assert [m.pk for m in queries.watch(actor=tongjiang_county, today=on).rows] == [request_msg.pk]  # the receiver's county
    for name in ("futian_clerk", "shekou_clerk", "township_clerk", "tongjiang_clerk"):
        assert queries.watch(actor=world[name], today=on).count == 0, name  # nothing below a township
    with pytest.raises(Denied):
        queries.watch(actor=world["village_collector"], today=on)
    with pytest.raises(Denied):
        queries.inbox(actor=world["auditor"], today=on)


def test_boxes_page_and_log_the_persons_shown(world, migrant):
    clerk = world["township_clerk"]
    for i in range(55):
        services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": SHEKOU, "person": migrant.pk, "subject": f"核实 {i}"}, now=at("2026-10-12", 9))
    page1 = queries.inbox(actor=world["shekou_clerk"], today=D(2026, 10, 12))
    page2 = queries.inbox(actor=world["shekou_clerk"], today=D(2026, 10, 12), page=2)
    assert (page1.count, page1.pages, len(page1.rows), len(page2.rows)) == (55, 2, 50, 5)
    assert [m.pk for m in page1.rows + page2.rows] == sorted((m.pk for m in page1.rows + page2.rows), reverse=True)  # one deadline: the newest first
    assert queries.inbox(actor=world["shekou_clerk"], today=D(2026, 10, 12), page=9).page == 2  # past the end: the last page
    event = AuditEvent.objects.filter(action="message.list").order_by("id").last()
    assert event.actor_name == "shekou_clerk" and event.fields["person_ids"] == [migrant.pk] and len(event.fields["shown"]) == 5


@pytest.mark.parametrize("kwargs", [{"box": "spam"}, {"box": "inbox", "due": "tomorrow"}, {"box": "inbox", "page": 0}, {"box": "inbox", "per_page": 500}])
def test_bad_box_arguments(world, kwargs):
    from liudong.errors import Invalid

    with pytest.raises(Invalid):
        queries.box_page(actor=world["township_clerk"], today=D(2026, 10, 12), **kwargs)


# ---------------------------------------------------------------- one message


def test_opening_a_message_is_scoped_and_logged(world, migrant, request_msg, tongjiang_county):
    for name in ("township_clerk", "tongjiang_clerk"):
        m = queries.get_message(actor=world[name], message_id=request_msg.pk)
        assert m.person.name == "李娜"
        assert AuditEvent.objects.filter(action="message.view", actor_name=name, person_id=migrant.pk, fields__shown=queries.PERSON_FIELDS + ["body"]).exists()
    # the levels above see it, with the name only logged as shown
    queries.get_message(actor=world["city_officer"], message_id=request_msg.pk)
    assert AuditEvent.objects.get(action="message.view", actor_name="city_officer").fields["shown"] == ["name"]
    queries.get_message(actor=tongjiang_county, message_id=request_msg.pk)
    for name in ("futian_clerk", "shekou_clerk"):
        with pytest.raises(NotFound):
            queries.get_message(actor=world[name], message_id=request_msg.pk)
    for raw in ("abc", -1, 10**30, 999999):
        with pytest.raises(NotFound):
            queries.get_message(actor=world["township_clerk"], message_id=raw)
    with pytest.raises(Denied):
        queries.get_message(actor=world["police_officer"], message_id=request_msg.pk)


def test_a_draft_is_seen_only_on_the_sender_side(world, migrant):
    d = draft(world, migrant, D(2026, 10, 9))
    assert queries.get_message(actor=world["township_clerk"], message_id=d.pk).state == State.DRAFT
    assert queries.get_message(actor=world["county_officer"], message_id=d.pk)
    with pytest.raises(NotFound):
        queries.get_message(actor=world["tongjiang_clerk"], message_id=d.pk)
    with pytest.raises(NotFound):
        services.acknowledge(actor=world["tongjiang_clerk"], message_id=d.pk, now=at("2026-10-09"))


def test_attachment_download_is_logged_and_scoped(world, migrant):
    msg = services.send_message(actor=world["township_clerk"], data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实"},
                                now=at("2026-10-12"), attachments=[upload("结婚证.pdf", PDF, "application/pdf")])
    aid = msg.attachments.get().pk
    m, att = queries.get_attachment(actor=world["tongjiang_clerk"], message_id=msg.pk, attachment_id=aid)
    assert bytes(att.data) == PDF
    assert AuditEvent.objects.filter(action="message.attachment", actor_name="tongjiang_clerk", person_id=migrant.pk, fields__attachment=aid).exists()
    with pytest.raises(NotFound):
        queries.get_attachment(actor=world["futian_clerk"], message_id=msg.pk, attachment_id=aid)
    with pytest.raises(NotFound):
        queries.get_attachment(actor=world["tongjiang_clerk"], message_id=msg.pk, attachment_id=aid + 1)


def test_route_and_deadline_basis_are_shown(world, request_msg):
    assert [name for _, name in queries.route_of(request_msg)] == ["南头街道", "广东省", "中华人民共和国", "四川省", "诺江镇"]
    basis = queries.deadline_basis(request_msg)
    assert (basis.kind, basis.days, basis.rule_set, basis.due_on, basis.counted_from) == ("reply", 15, "national-2009", D(2026, 10, 23), D(2026, 9, 28))
    assert "15个工作日" in basis.source


def test_compose_helpers(world, migrant):
    clerk = world["township_clerk"]
    assert queries.person_for_message(actor=clerk, person_id=str(migrant.pk)) == migrant
    assert AuditEvent.objects.filter(action="message.person", person_id=migrant.pk).exists()
    assert queries.person_for_message(actor=world["futian_clerk"], person_id=migrant.pk) is None
    assert queries.person_for_message(actor=clerk, person_id="x") is None
    assert queries.counterpart_for(actor=clerk, person=migrant).code == TONGJIANG_T        # residence side writes to her hukou township
    assert queries.counterpart_for(actor=world["tongjiang_clerk"], person=migrant).code == NANTOU  # and back
    assert queries.place_for(TONGJIANG_T).name == "诺江镇" and queries.place_for("440000000000") is None


def test_a_draft_past_its_date_stays_on_the_sender_side(world, migrant, tongjiang_county):
    d = draft(world, migrant, D(2026, 10, 9))
    services.tick(D(2026, 10, 12))
    on = D(2026, 10, 12)
    assert [m.pk for m in queries.outbox(actor=world["township_clerk"], today=on, due="overdue").rows] == [d.pk]
    assert [m.pk for m in queries.watch(actor=world["county_officer"], today=on).rows] == [d.pk]
    assert queries.inbox(actor=world["tongjiang_clerk"], today=on).count == 0
    assert queries.watch(actor=tongjiang_county, today=on).count == 0
    with pytest.raises(NotFound):
        queries.get_message(actor=world["tongjiang_clerk"], message_id=d.pk)
    with pytest.raises(NotFound):
        services.reply(actor=world["tongjiang_clerk"], message_id=d.pk, data={"body": "x"}, now=at("2026-10-12"))


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_services_refuse_exactly_the_roles_without_the_action(world, role):
    staff = world[role]
    if allowed(role, Action.VIEW_EXCHANGE):
        queries.box_page(actor=staff, box="watch", today=D(2026, 11, 28))
    else:
        with pytest.raises(Denied):
            queries.box_page(actor=staff, box="watch", today=D(2026, 11, 28))
    notice = {"kind": "policy_notice", "topic": "births", "receiver": TONGJIANG_T, "subject": "政策通报"}
    if allowed(role, Action.HANDLE_EXCHANGE):
        assert services.send_message(actor=staff, data=notice, now=at("2026-11-27")).state == State.SENT
    else:
        with pytest.raises(Denied):
            services.send_message(actor=staff, data=notice, now=at("2026-11-27"))


def test_levels_above_without_sensitive_fields_see_no_text_or_scans(world, migrant):
    """Invariant 2: a city officer supervising deadlines sees the message but not its text or
    scans; the county (which sees sensitive fields) and the two ends do."""
    msg = services.send_message(actor=world["township_clerk"], data={"kind": "contraception_report", "receiver": TONGJIANG_T, "person": migrant.pk,
                                                          "subject": "避孕节育情况报告", "body": "已落实长效节育措施"},
                                now=at("2026-09-28"), attachments=[upload("scan.pdf", PDF, "application/pdf")])
    city, county = world["city_officer"], world["county_officer"]
    assert queries.get_message(actor=city, message_id=msg.pk).pk == msg.pk and not queries.shows_content(actor=city, message=msg)
    assert AuditEvent.objects.filter(action="message.view", actor_name="city_officer").latest("id").fields["shown"] == ["name"]
    assert queries.shows_content(actor=county, message=msg) and queries.shows_content(actor=world["tongjiang_clerk"], message=msg)
    attachment = msg.attachments.get()
    with pytest.raises(NotFound):
        queries.get_attachment(actor=city, message_id=msg.pk, attachment_id=attachment.pk)
    assert queries.get_attachment(actor=county, message_id=msg.pk, attachment_id=attachment.pk)[1].pk == attachment.pk
