"""B1-B6: every change to a birth case (invariant 1); fee consultations (F1-F4) are in
services_fee, re-exported here.

Each function takes the acting staff member and the moment of the act (`now`, invariant 4), checks
the role (HANDLE_CASES) and the division, validates every field at once, writes in one transaction
with its audit event, and opens the exchange messages the rules oblige (exchange.open_draft, whose
send-by date comes from the calendar). A case is judged by the rule set in force on the day it
began (P1): its basis, limits and deadlines are read for that day. A deadline the calendar cannot
compute (X4) is an error and nothing is written.
"""
import datetime

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.certificates.queries import proof_for_citation
from liudong.codes import Level
from liudong.dates import local_day
from liudong.divisions.models import Division
from liudong.divisions.queries import parse_division
from liudong.errors import Denied, Invalid
from liudong.exchange import services as exchange
from liudong.exchange.models import Kind, Topic  # X1: a birth case's messages are about births (生育)
from liudong.people.models import Person
from liudong.policy.calendar import add_working_days
from liudong.policy.services import PolicyMissing, require_case_type_open

from .helpers import (
    acting_place,
    case_for_change,
    documents_of,
    find_person,
    full_name,
    label_zh,
    place_of,
    rule_set_of,
    rules_in_force,
    send_at_once,
    township_of,
)
from .models import (
    BIRTH,
    DECISION_STATE,
    REQUIRED_DOCUMENTS,
    SECOND_BIRTH,
    BirthDecision,
    BirthRegistration,
    BirthState,
    Decision,
    Document,
    SecondBirthDecision,
    SecondBirthResult,
)
from . import services_fee

# F1-F4 live in services_fee; re-exported so that callers find every case write here.
create_fee_consultation = services_fee.create_fee_consultation
answer_fee_consultation = services_fee.answer_fee_consultation

NOTES_MAX, REASONS_MAX = 2000, 4000
CHILD_ORDER_MAX = 20
EXPECTED_BIRTH_WINDOW_DAYS = 366  # input sanity, not a rule: a pregnancy is announced within a year
# The policy values a birth registration is judged by (P1), read for the day the materials arrived.
BIRTH_RULES = ("case_open.birth_registration", "birth.registration_basis", "birth.max_child_order_registered", "birth.verify_request_days", "birth.notify_days")
SECOND_BIRTH_RULES = ("case_open.second_birth_approval", "birth.second_birth_notify_days", "birth.max_child_order_registered")


# ---------------------------------------------------------------- B1-B5 birth registration

def _child_order(data, errors) -> int | None:
    raw = data.get("child_order")
    try:
        if isinstance(raw, bool) or raw in (None, ""):
            raise ValueError
        value = int(str(raw).strip())
        if not 1 <= value <= CHILD_ORDER_MAX:
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault("child_order", []).append(f"孩次应为1到{CHILD_ORDER_MAX}的整数 / the child order is a whole number from 1 to {CHILD_ORDER_MAX}")
        return None
    return value


def _husband(actor, data, woman, errors):
    """The husband as a person in scope, or only his hukou division code (B2 asks his hukou place)."""
    raw = data.get("husband")
    if raw not in (None, ""):
        husband = find_person(raw, "husband", errors, actor=actor, history=True)
        if husband is not None:
            if woman is not None and husband.pk == woman.pk:
                errors.setdefault("husband", []).append("男方不能是女方本人 / the husband cannot be the woman herself")
            elif husband.sex != "M":
                errors.setdefault("husband", []).append("男方应为男性 / the husband must be a man")
            return husband, husband.hukou_division
        return None, None
    division = parse_division(data, "husband_hukou", errors, min_level=Level.COUNTY,
                              missing="请选择男方（人员编号或身份证号）或填写男方户籍地区划代码 / give the husband (person no. or ID number) or his hukou division code")
    return None, division


def _hukou_township(data, field: str, place: Division, who: str, via_county: bool, errors: dict, *, asked: bool) -> Division:
    """B2 asks the spouses' hukou townships (乡镇、街道). When the record knows only the county, the
    clerk gives the township (a code inside that county); if she does not know it, she says so
    (`via_county`) and the request goes to the county, which forwards it to the township
    (exchange.forward, with the township's own clock). A registration at the hukou place asks
    nobody (B5), so nothing is asked then."""
    given = parse_division(data, field, errors, required=False)
    if given is None:
        if field not in errors and place.level == Level.COUNTY and asked and not via_county:
            errors.setdefault(field, []).append(
                f"{who}户籍地只登记到县级（{place.name}）：请填写{who}户籍地乡镇（街道）代码；不知道时，请选择由县级转交 / "
                f"the record knows only the county ({place.name}): give the township code, or choose to send it to the county to forward")
        return place
    if given.level != Level.TOWNSHIP:
        errors.setdefault(field, []).append("请填写乡镇（街道）级代码 / give a township (乡镇、街道) code")
    elif place.level != Level.COUNTY:
        if given.code != place.code:
            errors.setdefault(field, []).append(f"{who}户籍地乡镇已登记为 {place.name}，无需另填 / the hukou township is on record already ({place.name})")
    elif not place.contains(given.code):
        errors.setdefault(field, []).append(f"{given.name}不在{who}户籍地{place.name}内 / {given.name} is not in {place.name}")
    else:
        return given
    return place


def _cited_proof(actor, data, woman, husband, on, errors: dict):
    """B1: the status proof (3-八-1) the case cites, by its number, when given; it stands for the
    proof paper (Document.PROOF). A field error under `status_proof` otherwise."""
    if data.get("status_proof") in (None, "") or woman is None or on is None:
        return None
    try:
        return proof_for_citation(actor=actor, proof=data["status_proof"], person_ids=[p.pk for p in (woman, husband) if p is not None], on=on)
    except Invalid as e:
        for field, messages in e.errors.items():
            errors.setdefault(field, []).extend(messages)
        return None


def birth_rules(division, on: datetime.date, field: str = "received_on") -> dict:
    return rules_in_force(BIRTH_RULES, division, on, field)


def _verification_targets(case: BirthRegistration, husband: Person | None):
    """B2: the residence township asks both spouses' hukou townships, once each, never itself.

    A registration made at the woman's hukou township (B5's second clause, 1-六-(二)-1-(3)-②) asks
    nobody: the text gives the verification step (1-六-(二)-1-(1)) to the residence township only,
    and what the hukou township registers it notifies to the residence township (B5)."""
    if case.at_hukou_place:
        return []
    targets: dict[str, tuple[Division, Person, list[str]]] = {}
    for place, person, who in ((case.woman_hukou_place, case.woman, "女方"), (case.husband_hukou_place, husband or case.woman, "男方")):
        if place.code == case.division_id:
            continue
        if place.code in targets:
            targets[place.code][2].append(who)
        else:
            targets[place.code] = (place, person, [who])
    return list(targets.values())


def _notification_targets(case: BirthRegistration) -> list[Division]:
    """B5 (1-六-(二)-1-(3)): the residence township notifies the couple's hukou townships (①); a
    registration made at the hukou township is notified to the woman's residence township (②),
    and to nobody else. Never the registering township itself."""
    if case.at_hukou_place:
        places = [case.residence_place] if case.residence_place is not None else []
    else:
        places = [case.woman_hukou_place, case.husband_hukou_place]
    seen, out = {case.division_id}, []
    for place in places:
        if place.code not in seen:
            seen.add(place.code)
            out.append(place)
    return out


def _husband_text(case: BirthRegistration) -> str:
    if case.husband_id:
        h = case.husband
        return f"{h.name}（{h.id_number or h.document_number}，户籍 {full_name(h.hukou_division)}）"
    return f"户籍 {full_name(case.husband_hukou)}"


@transaction.atomic
def create_birth_registration(*, actor, data: dict, now: datetime.datetime) -> BirthRegistration:
    """B1, B2: record an application where the woman lives (or, B5, at her hukou township) and open
    the verification requests to both spouses' hukou townships, due to be sent within the policy's
    working days of receipt. `data`: woman, husband or husband_hukou, received_on, child_order,
    expected_birth_on, birth_on, documents (list of Document codes), notes, send_now; and, where a
    spouse's hukou is known only at county level, woman_hukou_township / husband_hukou_township or
    via_county (B2: the county forwards it); status_proof: the number of the hukou township's proof
    of marital and childbearing status (3-八-1) the system holds, cited for the proof paper (B1)."""
    township = acting_place(actor=actor, level=Level.TOWNSHIP, refusal="生育服务登记由乡镇（街道）办理 / a birth service registration is recorded by a township")
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    received_on = fields.date(data, "received_on", errors, required=True, today=today)
    woman = find_person(data.get("woman"), "woman", errors, actor=actor)
    if woman is not None:
        if woman.sex != "F":
            errors.setdefault("woman", []).append("申请人应为女方 / the applicant is the woman")
        elif not (township.contains(woman.residence_division_id) or township.contains(woman.hukou_division_id)):
            errors.setdefault("woman", []).append("她不住在本乡镇（街道），户籍也不在本乡镇 / she neither lives nor is registered in your township")
    husband, husband_hukou = _husband(actor, data, woman, errors)
    child_order = _child_order(data, errors)
    expected = fields.date(data, "expected_birth_on", errors)
    born = fields.date(data, "birth_on", errors, today=today)
    if woman is not None and born is not None and born <= woman.birth_date:
        errors.setdefault("birth_on", []).append("出生日期应晚于母亲的出生日期 / the birth must come after the mother's own birth date")
    if expected is not None and received_on is not None and abs((expected - received_on).days) > EXPECTED_BIRTH_WINDOW_DAYS:
        errors.setdefault("expected_birth_on", []).append("预产期应在受理日前后一年内 / the expected birth date lies within a year of the application")
    documents = documents_of(data, errors) or set()
    proof = _cited_proof(actor, data, woman, husband, received_on, errors)
    if proof is not None:
        documents.add(Document.PROOF.value)  # B1: cited, not asked for again
    notes = fields.text(data, "notes", errors, max_length=NOTES_MAX, multiline=True)
    rows = {}
    if received_on is not None and "received_on" not in errors:
        try:
            require_case_type_open("birth_registration", township, received_on)
            rows = birth_rules(township, received_on)
        except (Invalid, PolicyMissing) as e:
            errors.setdefault("received_on", []).extend(e.errors.get("received_on", []) if isinstance(e, Invalid) else [f"{received_on} 时没有适用的规定 / no rule in force on {received_on}"])
    places = {}
    at_hukou = woman is not None and township.contains(woman.hukou_division_id) and not township.contains(woman.residence_division_id)
    via_county = fields.flag(data, "via_county")
    if woman is not None and "woman" not in errors:
        places["woman"] = place_of(woman.hukou_division_id)
        if places["woman"] is None:
            errors.setdefault("woman", []).append("她的户籍地不明确（应至少具体到县级） / her hukou place is not known to county level")
        elif not township.contains(woman.residence_division_id) and place_of(woman.residence_division_id) is None:
            # B5 ②: what the hukou township registers goes to her residence township.
            errors.setdefault("woman", []).append("她的现居住地不明，登记后无法向现居住地通报；请先登记她的现居住地 / "
                                                  "where she lives is not known, so the registration could not be notified there: record her residence first")
        else:
            places["woman"] = _hukou_township(data, "woman_hukou_township", places["woman"], "女方", via_county, errors, asked=not at_hukou)
    if husband_hukou is not None:
        places["husband"] = place_of(husband_hukou.code)
        if places["husband"] is None:
            errors.setdefault("husband" if husband else "husband_hukou", []).append("男方户籍地不明确（应至少具体到县级） / his hukou place is not known to county level")
        else:
            places["husband"] = _hukou_township(data, "husband_hukou_township", places["husband"], "男方", via_county, errors, asked=not at_hukou)
    if errors:
        raise Invalid(errors)

    basis = rows["birth.registration_basis"].value
    verify_days = rows["birth.verify_request_days"].value
    # B2: the send-by date of the requests; computed before anything is written (X4).
    send_due = add_working_days(received_on, int(verify_days), field="received_on") if verify_days is not None else None
    flags = {f"doc_{d}": d in documents for d in Document.values}
    # B4 "即时办理": complete for the basis at receipt, the registration is due that working day.
    complete_on = received_on if basis in REQUIRED_DOCUMENTS and {d.value for d in REQUIRED_DOCUMENTS[basis]} <= documents else None
    case = BirthRegistration.objects.create(
        division=township, woman=woman, husband=husband, husband_hukou=husband_hukou,
        woman_hukou_place=places["woman"], husband_hukou_place=places["husband"], residence_place=place_of(woman.residence_division_id),
        at_hukou_place=at_hukou,
        received_on=received_on, complete_on=complete_on, child_order=child_order, expected_birth_on=expected, birth_on=born, notes=notes,
        rules_on=received_on, rule_set=rule_set_of(rows), basis=basis, created_at=now, created_by=actor, status_proof=proof, **flags,
    )
    messages = []
    if send_due is not None:
        for place, person, who in _verification_targets(case, husband):
            body = (f"{full_name(township)}于 {received_on} 受理 {woman.name}（{woman.id_number or woman.document_number}）"
                    f"与男方 {_husband_text(case)} 的第 {child_order} 孩生育服务登记申请（{case.number}）。\n"
                    + (f"已收到户籍地出具的婚育情况证明 {proof.number}（{proof.township.name}，{proof.issued_on}）。\n" if proof is not None else "")
                    + f"请核实{'、'.join(who)}的婚姻和生育情况，并按规定期限反馈。")
            message = exchange.open_draft(actor=actor, kind=Kind.VERIFICATION, topic=Topic.BIRTHS, receiver=place, person=person, subject=f"生育服务登记核实：{woman.name}（{case.number}）",
                                          body=body, send_due_on=send_due, rules_on=received_on, rule_set=case.rule_set, case_type=BIRTH, case_id=case.pk, now=now)
            if fields.flag(data, "send_now", True):
                message = send_at_once(actor=actor, message=message, now=now)
            messages.append(message.pk)
    record(actor, "birth.create", obj=case, person_id=woman.pk,
           fields={"kind": BIRTH, "child_order": child_order, "rule_set": case.rule_set, "basis": basis, "received_on": str(received_on),
                   "documents": sorted(documents), "complete_on": str(complete_on or ""), "messages": messages, "send_due": str(send_due or ""),
                   "status_proof": proof.number if proof else ""})
    return case


def registration_check(case: BirthRegistration, documents: set[str] | None = None) -> dict:
    """B4: may this case be registered under the rules of its start day (P1)? Returns the basis,
    the missing papers, the child-order limit and, when the order is beyond it, the reason a
    refusal letter should give."""
    documents = set(case.documents if documents is None else documents)
    rows = birth_rules(case.division_id, case.rules_on, field="decision")
    limit_row = rows["birth.max_child_order_registered"]
    if case.basis not in REQUIRED_DOCUMENTS:
        raise Invalid({"decision": [f"本案的登记依据 {case.basis[:30]} 不是系统认识的依据，请管理员核对政策参数 birth.registration_basis / "
                                    f"this case's basis {case.basis[:30]} is unknown: an administrator should check birth.registration_basis"]})
    missing = [d for d in REQUIRED_DOCUMENTS[case.basis] if d.value not in documents]
    over = limit_row.value is not None and case.child_order > int(limit_row.value)
    reason = ""
    if over:
        since = limit_row.valid_from
        reason = (f"依据{case.rule_set}（{since.year}年{since.month}月{since.day}日起施行），生育服务登记限于第{limit_row.value}孩以内；"
                  f"申请登记的第{case.child_order}孩不属于登记范围，应由女方户籍地按其规定办理再生育审批。")
    return {"basis": case.basis, "required": list(REQUIRED_DOCUMENTS[case.basis]), "missing": missing, "limit": limit_row.value,
            "over_limit": over, "limit_from": limit_row.valid_from, "refusal_reason": reason, "rows": rows}


@transaction.atomic
def decide_birth_registration(*, actor, case_id, data: dict, now: datetime.datetime) -> BirthRegistration:
    """B4, B5: register / postpone (暂缓, naming what is missing) / refuse (with written reasons).
    Registering needs the checklist complete for the basis in force and a child order within the
    limit of the case's rule set; it opens the notifications due within the policy's working days
    of the registration date. `data`: decision, decided_on, reasons, documents (optional: the
    checklist as it now stands), status_proof (B1: the proof that came in, cited), send_now. Open verification requests stay open (their answers
    still count, T3)."""
    case = case_for_change(actor=actor, case_id=case_id, visible=lambda c: actor.in_scope(c.division_id),
                           cases=BirthRegistration.objects.select_related("division", "woman", "husband", "woman_hukou_place", "husband_hukou_place", "residence_place"))
    if case.division_id != actor.division_id:
        raise Denied("只有受理的乡镇（街道）可以作出决定 / only the registering township decides")
    if not case.is_open:
        raise Invalid({"decision": [f"本案状态为“{label_zh(BirthState(case.state))}”，不能再作决定 / this case is decided already ({case.state})"]})
    errors: dict[str, list[str]] = {}
    choose = "请选择登记、暂缓或不予登记 / choose register, postpone or refuse"
    decision = fields.choice(data, "decision", errors, choices=Decision.values, required=True, missing=choose, invalid=choose)
    decided_on = fields.date(data, "decided_on", errors, required=True, today=local_day(now), not_before=case.received_on, before_label="材料受理日期")
    reasons = fields.text(data, "reasons", errors, max_length=REASONS_MAX, multiline=True)
    documents = documents_of(data, errors)
    if documents is None:
        documents = set(case.documents)
    # B1: the proof that came in since receipt, cited from the system rather than asked for again.
    proof = _cited_proof(actor, data, case.woman, case.husband, decided_on or case.received_on, errors)
    if proof is not None:
        if case.status_proof_id and case.status_proof_id != proof.pk:
            errors.setdefault("status_proof", []).append(f"本案已引用婚育情况证明 {case.status_proof.number} / this case cites status proof {case.status_proof.number} already")
        documents.add(Document.PROOF.value)
    elif case.status_proof_id:
        documents.add(Document.PROOF.value)  # a cited proof stays on the checklist
    if decision == Decision.POSTPONE and not reasons:
        errors.setdefault("reasons", []).append("暂缓登记须写明所缺或有误的材料 / a postponement names what is missing or wrong")
    if decision == Decision.REFUSE and not reasons:
        errors.setdefault("reasons", []).append("不予登记须写明理由，以书面告知申请人 / a refusal gives its reasons in writing")
    complete_on = _complete_on(case, data, decision, decided_on, errors, today=local_day(now))
    due = None
    if decision == Decision.REGISTER and "decided_on" not in errors:
        check = registration_check(case, documents)
        if check["missing"]:
            names = "、".join(label_zh(d) for d in check["missing"])
            errors.setdefault("documents", []).append(f"材料不全，缺少：{names}；请补齐后登记，或暂缓登记 / incomplete, missing: {', '.join(d.value for d in check['missing'])}; complete them or postpone")
        if check["over_limit"]:
            errors.setdefault("decision", []).append(
                f"{check['refusal_reason']}请作不予登记决定并书面说明理由 / under {case.rule_set} registration covers up to child {check['limit']}: "
                f"child {case.child_order} is approved at the woman's hukou place (second-birth approval, B6); refuse with written reasons")
        notify_days = check["rows"]["birth.notify_days"].value
        if not errors and notify_days is not None:
            # B5: computed before anything is written; a date beyond the loaded calendar is an error (X4).
            due = add_working_days(decided_on, int(notify_days), field="decided_on")
    if errors:
        raise Invalid(errors)

    for d in Document.values:
        setattr(case, f"doc_{d}", d in documents)
    case.state, case.decided_on, case.reasons, case.complete_on = DECISION_STATE[decision], decided_on, reasons, complete_on
    if proof is not None:
        case.status_proof = proof
    case.save()
    BirthDecision.objects.create(case=case, decision=decision, decided_on=decided_on, reasons=reasons, documents=sorted(documents), decided_at=now, decided_by=actor)
    messages = []
    if due is not None:
        woman = case.woman
        for place in _notification_targets(case):
            body = (f"{full_name(case.division)}已于 {decided_on} 为 {woman.name}（{woman.id_number or woman.document_number}）"
                    f"与男方 {_husband_text(case)} 办理第 {case.child_order} 孩生育服务登记（{case.number}）。特此通报。")
            message = exchange.open_draft(actor=actor, kind=Kind.NOTIFICATION, topic=Topic.BIRTHS, receiver=place, person=woman, subject=f"生育服务登记通报：{woman.name}（{case.number}）",
                                          body=body, send_due_on=due, rules_on=case.rules_on, rule_set=case.rule_set, case_type=BIRTH, case_id=case.pk, now=now)
            if fields.flag(data, "send_now", True):
                message = send_at_once(actor=actor, message=message, now=now)
            messages.append(message.pk)
    record(actor, "birth.decide", obj=case, person_id=case.woman_id,
           fields={"kind": BIRTH, "decision": decision, "decided_on": str(decided_on), "state": case.state, "complete_on": str(complete_on or ""),
                   "at_once": case.registered_at_once, "messages": messages, "notify_due": str(due or ""),
                   "status_proof": proof.number if proof else ""})
    return case


def _complete_on(case: BirthRegistration, data: dict, decision: str, decided_on, errors: dict, *, today):
    """B4 "即时办理": the day the materials became complete, after this decision.

    A postponement says they are incomplete or wrong: none. A registration keeps the day recorded
    before, or takes the day the clerk gives (the missing paper came in earlier), or else the
    decision date. A refusal changes nothing."""
    given = fields.date(data, "complete_on", errors, today=today, not_before=case.received_on, before_label="材料受理日期")
    if given is not None and "complete_on" not in errors:
        if decision != Decision.REGISTER:
            errors.setdefault("complete_on", []).append("材料齐全日期只在登记时填写 / the day the materials were complete is given with a registration")
        elif case.complete_on is not None and given != case.complete_on:
            errors.setdefault("complete_on", []).append(f"材料已于 {case.complete_on} 齐全，不能另填日期 / the materials were recorded complete on {case.complete_on} already")
        elif decided_on is not None and given > decided_on:
            errors.setdefault("complete_on", []).append("材料齐全日期不能晚于登记日期 / the materials cannot be complete after the registration")
    if decision == Decision.POSTPONE:
        return None
    if decision == Decision.REGISTER:
        return case.complete_on or given or decided_on
    return case.complete_on



# ---------------------------------------------------------------- B6 second-birth results

@transaction.atomic
def record_second_birth(*, actor, data: dict, now: datetime.datetime) -> SecondBirthResult:
    """B6: the woman's hukou township records its decision on a second birth; the result is
    notified to her residence township within the policy's working days of the decision.
    `data`: woman, decision (approved / not_approved), decided_on, certificate_number, notes, send_now."""
    township = acting_place(actor=actor, level=Level.TOWNSHIP, refusal="再生育审批结果由女方户籍地乡镇（街道）录入 / a second-birth result is recorded by the woman's hukou township")
    today = local_day(now)
    errors: dict[str, list[str]] = {}
    woman = find_person(data.get("woman"), "woman", errors, actor=actor)
    residence = None
    if woman is not None:
        hukou = township_of(woman.hukou_division_id)
        if woman.sex != "F":
            errors.setdefault("woman", []).append("应为女方 / the woman")
        elif hukou is None or hukou.code != township.code:
            errors.setdefault("woman", []).append("只有女方户籍地乡镇（街道）可以录入审批结果 / only the woman's hukou township records the result")
        else:
            residence = township_of(woman.residence_division_id)
            if residence is None:
                errors.setdefault("woman", []).append("她的现居住地乡镇（街道）不明，无法通报；请先登记她的现居住地 / her residence township is not known, so the result cannot be notified: record where she lives first")
            elif residence.code == township.code:
                errors.setdefault("woman", []).append("她住在本乡镇（街道），无需向现居住地通报 / she lives in your township: there is no residence township to notify")
    choose = "请选择批准或不批准 / choose approved or not approved"
    decision = fields.choice(data, "decision", errors, choices=SecondBirthDecision.values, required=True, missing=choose, invalid=choose)
    decided_on = fields.date(data, "decided_on", errors, required=True, today=today)
    child_order = _child_order({"child_order": data.get("child_order") or 2}, errors)
    certificate = fields.text(data, "certificate_number", errors, max_length=40)
    if decision == SecondBirthDecision.APPROVED and not certificate and "certificate_number" not in errors:
        errors.setdefault("certificate_number", []).append("批准的须填写证明编号 / an approval has a certificate number")
    notes = fields.text(data, "notes", errors, max_length=NOTES_MAX, multiline=True)
    rows = {}
    if decided_on is not None and "decided_on" not in errors:
        try:
            require_case_type_open("second_birth_approval", township, decided_on, field="decided_on")
            rows = rules_in_force(SECOND_BIRTH_RULES, township, decided_on, "decided_on")
        except (Invalid, PolicyMissing) as e:
            errors.setdefault("decided_on", []).extend(e.errors.get("decided_on", []) if isinstance(e, Invalid) else [f"{decided_on} 时没有适用的规定 / no rule in force on {decided_on}"])
    limit = rows["birth.max_child_order_registered"] if rows else None
    if limit is not None and limit.value is not None and child_order is not None and child_order <= int(limit.value):
        # P1: from national-2016 first and second births are registered, approval is for later ones
        errors.setdefault("child_order", []).append(
            f"{decided_on} 时第{child_order}孩实行生育登记，不需审批（{limit.rule_set}：{limit.source}） / "
            f"on {decided_on} a child of order {child_order} is registered, not approved ({limit.rule_set})")
    if errors:
        raise Invalid(errors)

    days = rows["birth.second_birth_notify_days"].value
    due = add_working_days(decided_on, int(days), field="decided_on") if days is not None else decided_on
    result = SecondBirthResult.objects.create(division=township, woman=woman, residence_place=residence, decision=decision, child_order=child_order, decided_on=decided_on,
                                              certificate_number=certificate, notes=notes, rules_on=decided_on, rule_set=rule_set_of(rows),
                                              created_at=now, created_by=actor)
    verdict = label_zh(SecondBirthDecision(decision))
    body = (f"{full_name(township)}已于 {decided_on} 对户籍在本地、现居住在贵地的 {woman.name}（{woman.id_number or woman.document_number}）"
            f"的再生育申请作出{verdict}决定{f'，证明编号 {certificate}' if certificate else ''}（{result.number}）。特此通报。")
    message = exchange.open_draft(actor=actor, kind=Kind.NOTIFICATION, topic=Topic.BIRTHS, receiver=residence, person=woman, subject=f"再生育审批结果通报：{woman.name}（{result.number}）",
                                  body=body, send_due_on=due, rules_on=decided_on, rule_set=result.rule_set, case_type=SECOND_BIRTH, case_id=result.pk, now=now)
    if fields.flag(data, "send_now", True):
        message = send_at_once(actor=actor, message=message, now=now)
    record(actor, "second_birth.record", obj=result, person_id=woman.pk,
           fields={"kind": SECOND_BIRTH, "decision": decision, "decided_on": str(decided_on), "rule_set": result.rule_set, "messages": [message.pk], "notify_due": str(due)})
    return result

