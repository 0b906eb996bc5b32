"""The case pages: per role, Chinese first, field errors next to the fields with nothing saved,
POST-redirect-GET, links to the exchange, the refusal letter, and no inline styles (CSP)."""
import pytest
from django.urls import reverse

from liudong.accounts.choices import Role, allowed
from liudong.accounts.models import AuditEvent
from liudong.cases.models import BirthRegistration, BirthState, FeeConsultation, SecondBirthResult
from liudong.exchange.models import Message, State
from tests.cases.conftest import COMMITMENT, DOCUMENTS, at, case_messages, d, open_birth
from tests.conftest import INLINE_SCRIPT, TODAY

ROLES = [r.value for r in Role]


@pytest.fixture
def on_day(monkeypatch):
    """Invariant 4: the pages date their acts by liudong.cases.views.today / now; tests fix them."""
    def set_day(day: str, hour: int = 10):
        monkeypatch.setattr("liudong.cases.views.today", lambda: d(day))
        monkeypatch.setattr("liudong.cases.views.now", lambda: at(day, hour))
    set_day(TODAY.isoformat())
    return set_day


def assert_clean(html: str):
    assert ' style="' not in html and not INLINE_SCRIPT.search(html)


@pytest.mark.parametrize("role", ROLES)
def test_index_per_role(client, world, role, on_day):
    client.force_login(world[role])
    response = client.get(reverse("cases_index"))
    may = allowed(role, "handle_cases")
    assert response.status_code == (200 if may else 403), role
    if may:
        assert_clean(response.content.decode())


def test_anonymous_goes_to_login(client, db):
    for name in ("cases_index", "case_birth_new", "case_fee_new", "case_second_birth_new"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_index_lists_the_divisions_cases_with_state_and_next_deadline(client, world, migrant, on_day):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-02-12", send_now=False)
    client.force_login(clerk)
    html = client.get(reverse("cases_index")).content.decode()
    assert "生育服务登记" in html and case.number in html and "已受理" in html
    assert "2026-02-28" in html and "已超期" in html  # the send-by date has passed by TODAY
    assert AuditEvent.objects.filter(action="case.list", person_id=None).exists()
    # Another township sees none of it.
    client.force_login(world["shekou_clerk"])
    html = client.get(reverse("cases_index")).content.decode()
    assert case.number not in html and "没有该状态的案件" in html


def test_new_registration_errors_next_to_the_fields_and_nothing_saved(client, world, migrant, on_day):
    client.force_login(world["futian_clerk"])
    response = client.post(reverse("case_birth_new"), {"woman": str(migrant.pk), "received_on": "2026-11-28", "child_order": "0", "send_now": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "请更正标出的项目；尚未保存任何内容。" in html
    assert "人员不存在或不在您的管辖范围内" in html and "no such person" not in html  # Chinese only, next to the field
    assert html.count('class="field has-error"') >= 2
    assert_clean(html)
    assert not BirthRegistration.objects.exists() and not Message.objects.exists()


def test_new_registration_then_detail_with_messages(client, world, couple, on_day):
    woman, husband = couple
    clerk = world["township_clerk"]
    client.force_login(clerk)
    on_day("2026-02-12")
    form = client.get(reverse("case_birth_new")).content.decode()
    assert "女方（人员编号或身份证号）" in form and "本人签署的承诺书" in form and 'name="send_now"' in form
    response = client.post(reverse("case_birth_new"), {"woman": woman.id_number, "husband": str(husband.pk), "received_on": "2026-02-12", "child_order": "1",
                                                        "documents": COMMITMENT, "send_now": "on", "via_county": "on"})
    case = BirthRegistration.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("case_birth_detail", args=[case.pk])
    html = client.get(response["Location"]).content.decode()
    assert_clean(html)
    for m in case_messages(case):
        assert f'href="/exchange/{m.pk}/"' in html
    assert "2026-03-11" in html and "national-2021" in html and "按现行登记依据材料齐全，可以登记" in html
    assert AuditEvent.objects.filter(action="person.view", person_id=woman.pk).exists()
    assert AuditEvent.objects.filter(action="person.view", person_id=husband.pk).exists()


def test_decide_refuse_prints_the_letter(client, world, woman_2014, on_day):
    clerk = world["township_clerk"]
    case = open_birth(clerk, woman_2014, "2015-12-01", child=2, documents=DOCUMENTS)
    client.force_login(clerk)
    on_day("2015-12-02")
    page = client.get(reverse("case_birth_detail", args=[case.pk])).content.decode()
    # The decide form proposes a refusal with the reason of the rule set (B4, pointing to B6).
    assert '<option value="refuse" selected>' in page and "再生育审批" in page
    bad = client.post(reverse("case_birth_decide", args=[case.pk]), {"decision": "register", "decided_on": "2015-12-02", "documents": DOCUMENTS})
    assert bad.status_code == 200 and "请作不予登记决定" in bad.content.decode()
    case.refresh_from_db()
    assert case.state == BirthState.RECEIVED
    ok = client.post(reverse("case_birth_decide", args=[case.pk]), {"decision": "refuse", "decided_on": "2015-12-02", "reasons": "第二孩须经户籍地审批", "documents": DOCUMENTS})
    assert ok.status_code == 302
    html = client.get(ok["Location"]).content.decode()
    assert reverse("case_birth_refusal_pdf", args=[case.pk]) in html and "不予登记" in html
    pdf = client.get(reverse("case_birth_refusal_pdf", args=[case.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_decide_form_is_only_for_the_registering_township(client, world, migrant, on_day):
    case = open_birth(world["township_clerk"], migrant, "2026-02-12")
    client.force_login(world["county_officer"])
    html = client.get(reverse("case_birth_detail", args=[case.pk])).content.decode()
    assert case.number in html and 'action="/cases/birth/' not in html
    assert client.post(reverse("case_birth_decide", args=[case.pk]), {"decision": "refuse", "decided_on": "2026-02-13", "reasons": "x"}).status_code == 403
    client.force_login(world["shekou_clerk"])
    assert client.get(reverse("case_birth_detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("case_birth_refusal_pdf", args=[case.pk])).status_code == 404


def test_send_a_draft_from_the_case_page(client, world, migrant, on_day):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-02-12", send_now=False)
    client.force_login(clerk)
    on_day("2026-02-13")
    html = client.get(reverse("case_birth_detail", args=[case.pk])).content.decode()
    draft = case_messages(case)[0]
    assert reverse("case_message_send", args=[draft.pk]) in html
    response = client.post(reverse("case_message_send", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == State.SENT and draft.sent_on == d("2026-02-13")
    assert client.post(reverse("case_message_send", args=[draft.pk])).status_code == 404  # sent already
    client.force_login(world["tongjiang_clerk"])
    assert client.post(reverse("case_message_send", args=[case_messages(case)[1].pk])).status_code == 404  # not its draft


def test_second_birth_page(client, world, migrant, on_day, sichuan_keeps_approvals):
    client.force_login(world["tongjiang_clerk"])
    on_day("2026-02-13")
    bad = client.post(reverse("case_second_birth_new"), {"woman": str(migrant.pk), "decision": "approved", "decided_on": "2026-02-13"})
    assert bad.status_code == 200 and "批准的须填写证明编号" in bad.content.decode()
    ok = client.post(reverse("case_second_birth_new"), {"woman": str(migrant.pk), "decision": "approved", "decided_on": "2026-02-13", "certificate_number": "通再18号"})
    result = SecondBirthResult.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("case_second_birth_detail", args=[result.pk])
    html = client.get(ok["Location"]).content.decode()
    assert "再生育审批结果" in html and "2026-03-12" in html and "南头街道" in html
    assert_clean(html)
    assert "再生育审批结果" in client.get(reverse("cases_index") + "?kind=second_birth").content.decode()


def test_fee_pages_closed_date_then_send_and_answer(client, world, migrant, tongjiang_officer, on_day):
    officer = world["county_officer"]
    client.force_login(officer)
    form = {"person": str(migrant.pk), "basic_facts": "已婚，育有二孩", "actual_income": "96000", "urban_income": "64878", "rural_income": "28300",
            "proposed_levy": "129756", "channel": "system"}
    on_day("2021-09-01")
    refused = client.post(reverse("case_fee_new"), {**form, "started_on": "2021-09-01"})
    assert refused.status_code == 200 and "自 2021-08-20 起已停止受理" in refused.content.decode()
    assert not FeeConsultation.objects.exists()
    on_day("2021-08-19")
    ok = client.post(reverse("case_fee_new"), {**form, "started_on": "2021-08-19"})
    case = FeeConsultation.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("case_fee_detail", args=[case.pk])
    html = client.get(ok["Location"]).content.decode()
    assert "129756.00" in html and "2021-08-30" in html and 'action="/cases/fee/' not in html  # the sender does not answer
    assert_clean(html)
    client.force_login(tongjiang_officer)
    on_day("2021-08-23")
    incoming = client.get(reverse("cases_index")).content.decode()
    assert case.number in incoming
    page = client.get(reverse("case_fee_detail", args=[case.pk])).content.decode()
    assert reverse("case_fee_answer", args=[case.pk]) in page
    bad = client.post(reverse("case_fee_answer", args=[case.pk]), {"channel": "system"})
    assert bad.status_code == 200 and "请选择同意或不同意" in bad.content.decode()
    done = client.post(reverse("case_fee_answer", args=[case.pk]), {"agrees": "agree", "opinion": "同意按此数额征收", "channel": "system"})
    assert done.status_code == 302
    html = client.get(done["Location"]).content.decode()
    assert "同意按此数额征收" in html and "按时" in html
    case.refresh_from_db()
    assert case.answer_agrees is True


def test_english_on_request(client, world, on_day):
    client.force_login(world["township_clerk"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("case_birth_new")).content.decode()
    assert "Woman (person no. or ID number)" in html


def test_fee_form_says_when_the_type_is_closed(client, world, on_day):
    client.force_login(world["county_officer"])
    html = client.get(reverse("case_fee_new")).content.decode()  # TODAY is 2026-11-28
    assert "自 2021-08-20 起已停止受理" in html and "仍可按其开始日期登记" in html
    on_day("2021-08-19")
    assert "停止受理" not in client.get(reverse("case_fee_new")).content.decode()
