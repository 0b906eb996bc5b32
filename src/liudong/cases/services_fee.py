"""F1-F4: fee consultations (协商征收社会抚养费) between counties (invariant 1).

The residence (or discovering) county writes to the party's hukou county with the F3 contents; the
letter is an exchange message (kind fee_consultation) sent by letter, fax, phone or the system with
its arrival per X5 and its evidence kept (F4), whose answer is due within the policy's working days
of arrival (F2, exchange.reply_days.fee_consultation for the day the consultation began). The
case type is closed for new cases from the date a rule set closes it (national-2021): those are
refused with that reason and date (P1).
"""
import datetime
from decimal import Decimal

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.codes import Level
from liudong.dates import local_day
from liudong.errors import Denied, Invalid
from liudong.exchange import services as exchange
from liudong.exchange.models import Channel, Kind
from liudong.policy.services import PolicyMissing, require_case_type_open

from .helpers import acting_place, case_for_change, find_person, full_name, hukou_county_of, rule_set_of, rules_in_force
from .models import FEE, FeeConsultation

TEXT_MAX = 4000


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f} 元"


@transaction.atomic
def create_fee_consultation(*, actor, data: dict, now: datetime.datetime, attachments=()) -> FeeConsultation:
    """F1, F3, F4: a county officer consults the party's hukou county before deciding a levy.
    `data`: person, started_on, basic_facts, actual_income, urban_income, rural_income,
    proposed_levy, other_matters, channel (system / letter / fax / phone), sent_at, arrived_at,
    evidence; `attachments`: the scan of a letter or fax (F4)."""
    attachments = list(attachments or ())
    county = acting_place(actor=actor, level=Level.COUNTY, refusal="协商征收由县级计生部门办理 / a fee consultation is made by a county")
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    person = find_person(data.get("person"), "person", errors, actor=actor, history=True)
    hukou_county = None
    if person is not None:
        hukou_county = hukou_county_of(person)
        if hukou_county is None:
            errors.setdefault("person", []).append("当事人户籍地县不明 / the party's hukou county is not known")
        elif hukou_county.code == county.code:
            errors.setdefault("person", []).append("当事人户籍在本县，无需协商 / the party is registered in your county: there is no one to consult")
    started_on = fields.date(data, "started_on", errors, required=True, today=today)
    basic_facts = fields.text(data, "basic_facts", errors, max_length=TEXT_MAX, required=True, multiline=True)
    incomes = {f: fields.money(data, f, errors) for f in ("actual_income", "urban_income", "rural_income", "proposed_levy")}
    other = fields.text(data, "other_matters", errors, max_length=TEXT_MAX, multiline=True)
    channel, sent_at = _channel_with_evidence(data, attachments, errors, now=now)
    if channel is not None:
        if started_on is not None and sent_at is not None and local_day(sent_at) < started_on:
            errors.setdefault("sent_at", []).append("发出时间不能早于协商开始日期 / it cannot be sent before the consultation began")
    rows = {}
    if started_on is not None and "started_on" not in errors:
        try:
            require_case_type_open("fee_consultation", county, started_on, field="started_on")
            # P1: a consultation that began before the type closed is not sent after it closed
            if sent_at is not None and "sent_at" not in errors:
                require_case_type_open("fee_consultation", county, local_day(sent_at), field="sent_at")
            rows = rules_in_force(("case_open.fee_consultation",), county, started_on, "started_on")
            if hukou_county is not None:
                rows.update(rules_in_force(("exchange.reply_days.fee_consultation",), hukou_county, started_on, "started_on"))
        except (Invalid, PolicyMissing) as e:
            if isinstance(e, Invalid):
                for k, v in e.errors.items():
                    errors.setdefault(k, []).extend(v)
            else:
                errors.setdefault("started_on", []).append(f"{started_on} 时没有适用的规定 / no rule in force on {started_on}")
    if errors:
        raise Invalid(errors)

    case = FeeConsultation.objects.create(division=county, hukou_county=hukou_county, person=person, started_on=started_on, basic_facts=basic_facts,
                                          other_matters=other, rules_on=started_on, rule_set=rule_set_of(rows), created_at=now, created_by=actor, **incomes)
    body = "\n".join([
        f"{full_name(hukou_county)}：",
        f"我县拟对 {person.name}（{person.id_number or person.document_number}，户籍 {full_name(person.hukou_division)}）征收社会抚养费，现就有关事项函商如下（{case.number}）：",
        f"一、当事人基本情况：{basic_facts}",
        f"二、当事人实际收入：{_yuan(incomes['actual_income'])}/年",
        f"三、本地城镇居民人均可支配收入 {_yuan(incomes['urban_income'])}，农村居民人均纯收入 {_yuan(incomes['rural_income'])}",
        f"四、拟征收数额：{_yuan(incomes['proposed_levy'])}",
        f"五、其他事项：{other or '无'}",
        "请按规定期限回复意见。",
        full_name(county),
    ])
    message = exchange.send_message(actor=actor, data={
        "kind": Kind.FEE_CONSULTATION, "receiver": hukou_county.code, "person": person.pk, "subject": f"关于{person.name}征收社会抚养费的协商函（{case.number}）",
        "body": body, "channel": data.get("channel") or Channel.SYSTEM, "sent_at": data.get("sent_at"), "arrived_at": data.get("arrived_at"), "evidence": data.get("evidence"),
    }, now=now, attachments=attachments, case_type=FEE, case_id=case.pk, rules_on=started_on, kinds={Kind.FEE_CONSULTATION})
    case.message = message
    case.save(update_fields=["message"])
    record(actor, "fee.create", obj=case, person_id=person.pk,
           fields={"kind": FEE, "started_on": str(started_on), "receiver": hukou_county.code, "channel": message.channel, "rule_set": case.rule_set,
                   "messages": [message.pk], "due": str(message.due_on or "")})
    return case


def _channel_with_evidence(data, attachments, errors: dict, *, now) -> tuple[str | None, datetime.datetime | None]:
    """F4 (1-六-(三)-4): both parties consult by official letter, fax or phone and keep original
    records with evidential force, the answer as much as the consultation: a letter, fax or call
    names its record (mail number, fax report, call record), and a letter or fax is kept as a scan
    of the paper sent. Arrival per X5 (exchange.arrival_of). Field errors join `errors`."""
    if str(data.get("channel") or "").strip() in (Channel.LETTER, Channel.FAX) and not attachments:
        errors.setdefault("attachments", []).append("公函、传真须附原件扫描件，作为具有证据效力的原始记录 / a letter or fax is kept as a scan of the paper sent, the original record with evidential force")
    arrival = fields.checked(errors, exchange.arrival_of, data, now=now)
    if arrival is None:
        return None, None   # a letter, fax or call without its record is refused there (X5)
    channel, sent_at, _, _ = arrival
    return channel, sent_at


def _agrees(data, errors) -> bool | None:
    raw = data.get("agrees")
    if isinstance(raw, bool):
        return raw
    text = str(raw if raw is not None else "").strip().lower()
    if text in ("agree", "true", "1", "yes", "同意"):
        return True
    if text in ("disagree", "false", "0", "no", "不同意"):
        return False
    errors.setdefault("agrees", []).append("请选择同意或不同意 / choose agree or disagree")
    return None


@transaction.atomic
def answer_fee_consultation(*, actor, case_id, data: dict, now: datetime.datetime, attachments=()) -> FeeConsultation:
    """F2: the hukou county answers on the case page: agree or disagree with the proposed levy,
    with its opinion. The answer is an exchange reply (exchange.reply: only the receiver, only
    once, not before arrival) and is kept on the case too. `data`: agrees, opinion, channel,
    sent_at, arrived_at, evidence; `attachments`: the scan of a letter or fax (F4, as for the
    consultation itself). The answer is judged on time at its sending (X3: see exchange.timeliness)."""
    case = case_for_change(actor=actor, cases=FeeConsultation.objects, case_id=case_id,
                           visible=lambda c: actor.division_id in (c.division_id, c.hukou_county_id))
    if case.hukou_county_id != actor.division_id:
        raise Denied("只有户籍地县可以回复协商函 / only the hukou county answers a consultation")
    errors: dict[str, list[str]] = {}
    agrees = _agrees(data, errors)
    opinion = fields.text(data, "opinion", errors, max_length=TEXT_MAX, required=True, multiline=True)
    attachments = list(attachments or ())
    _channel_with_evidence(data, attachments, errors, now=now)   # F4: the answer keeps its evidence too
    if errors:
        raise Invalid(errors)
    body = f"{'同意' if agrees else '不同意'}贵县拟征收数额（{_yuan(case.proposed_levy)}）。意见：{opinion}"
    answer = exchange.reply(actor=actor, message_id=case.message_id, data={
        "body": body, "channel": data.get("channel") or Channel.SYSTEM, "sent_at": data.get("sent_at"), "arrived_at": data.get("arrived_at"), "evidence": data.get("evidence"),
    }, now=now, attachments=attachments)
    case.answer_agrees, case.answer_opinion, case.answered_on = agrees, opinion, answer.sent_on
    case.save(update_fields=["answer_agrees", "answer_opinion", "answered_on"])
    record(actor, "fee.answer", obj=case, person_id=case.person_id, fields={"kind": FEE, "agrees": agrees, "reply": answer.pk, "answered_on": str(answer.sent_on)})
    return case
