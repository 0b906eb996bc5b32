"""Demo certificates (C1-C6) in every state, on the women the demo cases registered (cases.COUPLES:
hukou 诺江镇, living in 南头街道 since 2012), through the services (invariant 1):

- 李秀英: issued 2015, renewed 2018 (the first one surrendered), renewed 2021 as an electronic
  certificate under the e-certificate set, which the demo's 四川 adopts from 2020-01-01 (P1):
  valid until she leaves childbearing age, so valid on the world date; verified by 南头街道;
- 陈小燕: issued 2019, lost and reissued (补办) 2020 with the same term: one replaced, one expired;
- 何丽: issued 2017, sterilisation entered 2018: long-term valid (C4);
- 赵敏: issued in error and revoked 2019, issued again the next day (expired now).

Certificates are issued before national-2021 repealed the duty (2021-08-20); a refused act is
skipped and reported, never guessed.
"""
import datetime

from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.certificates import services, services_door
from liudong.certificates.models import Certificate, DoorApplication
from liudong.errors import Invalid
from liudong.people.models import Person
from liudong.people.scope import registered_in
from liudong.policy.services import adopt_rule_set

from .cases import COUPLES

SICHUAN = "510000000000"
E_CERTIFICATE_FROM = "2020-01-01"


def _at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10)))


def _woman(i: int) -> Person | None:
    name, sex, area6, birth, *_ = COUPLES[i][0]
    return Person.objects.filter(name=name, sex=sex, birth_date=datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:])),
                                 id_number__startswith=area6).order_by("id").first()


def build_demo_certificates(*, log=print) -> dict:
    hukou = Staff.objects.filter(username="nuojiang_clerk").first()
    residence = Staff.objects.filter(username="nantou_clerk").first()
    women = {i: _woman(i) for i in (0, 1, 3, 4)}
    if hukou is None or residence is None or not all(women.values()):
        log("  ! 演示婚育证明未生成：缺少演示账号或人员 / demo certificates skipped: accounts or women missing")
        return {"certificates": 0}
    if Certificate.objects.filter(person__in=list(women.values())).exists():
        return {}
    skipped = 0

    def attempt(what, fn):
        nonlocal skipped
        try:
            return fn()
        except Invalid as e:
            skipped += 1
            log(f"  ! {what} skipped: {e.errors}")
            return None

    adopt_rule_set(actor=None, code="e-certificate", division_code=SICHUAN, valid_from=E_CERTIFICATE_FROM)
    issue = lambda p, day, **kw: services.issue_certificate(actor=hukou, data={"person_id": p.pk, "issued_on": day, **kw}, now=_at(day))  # noqa: E731

    # 李秀英: surrendered, then valid (electronic)
    li = women[0]
    first = attempt("li", lambda: issue(li, "2015-03-01", contraception="避孕药具"))
    if first:
        services.verify_certificate(actor=residence, certificate_id=first.pk, data={"verified_on": "2015-03-20", "result": "ok"}, now=_at("2015-03-20"))
        second = attempt("li renew", lambda: services.renew_certificate(actor=hukou, certificate_id=first.pk, data={"issued_on": "2018-02-28", "id_number": first.person.id_number}, now=_at("2018-02-28")))
        if second:
            services.add_entry(actor=hukou, certificate_id=second.pk, data={"entered_on": "2018-03-01", "kind": "service", "text": "免费发放避孕药具"}, now=_at("2018-03-01"))
            third = attempt("li e-renew", lambda: services.renew_certificate(actor=hukou, certificate_id=second.pk, data={"issued_on": "2021-02-26", "id_number": second.person.id_number}, now=_at("2021-02-26")))
            if third:
                services.verify_certificate(actor=residence, certificate_id=third.pk, data={"verified_on": "2021-03-10", "result": "ok"}, now=_at("2021-03-10"))
    # 陈小燕: replaced, and the reissue expired
    chen = women[1]
    lost = attempt("chen", lambda: issue(chen, "2019-05-10", applicant="family", applicant_name="陈父", relationship="父亲", verification="村委会入户核实婚育情况"))
    if lost:
        attempt("chen reissue", lambda: services.reissue_certificate(actor=hukou, certificate_id=lost.pk, data={"issued_on": "2020-01-15", "reason": "遗失补办"}, now=_at("2020-01-15")))
    # 何丽: long-term
    he = women[3]
    cert = attempt("he", lambda: issue(he, "2017-06-01", contraception="上环"))
    if cert:
        services.add_entry(actor=residence, certificate_id=cert.pk, data={"entered_on": "2018-09-01", "kind": "sterilisation", "text": "输卵管结扎"}, now=_at("2018-09-01"))
        services.verify_certificate(actor=residence, certificate_id=cert.pk, data={"verified_on": "2019-09-05", "result": "ok"}, now=_at("2019-09-05"))
    # 赵敏: revoked, then issued again
    zhao = women[4]
    wrong = attempt("zhao", lambda: issue(zhao, "2019-01-02"))
    if wrong:
        services.revoke_certificate(actor=hukou, certificate_id=wrong.pk, data={"reason": "婚姻状况登记有误，错发", "revoked_on": "2019-01-05"}, now=_at("2019-01-05"))
        attempt("zhao again", lambda: issue(zhao, "2019-01-06"))
    skipped += _door_and_proof(hukou, residence, he, attempt)
    return {"certificates": Certificate.objects.count(), "door-to-door applications": DoorApplication.objects.count(), "certificates skipped": skipped}


def _door_and_proof(hukou, residence, he, attempt) -> int:
    """上门 (C1, part 8 四): 新华村's collector takes three applications door to door from women of its
    hukou without a certificate: one issued by 诺江镇, one refused with the reason, one still waiting in
    the township's queue (taken just before national-2021 repealed the duty, so the township can now
    only refuse it). The demo's women of 新华村 left after 2021, so none is a family member's (C2:
    only for a woman already gone; the tests cover it). 3-八-1 and B1: a status proof of 何丽 sent to
    南头街道, cited by her first-child birth registration there (2015, national-2009: the documents)."""
    from liudong.cases import services as cases

    village = Staff.objects.filter(username="xinhua_collector").first()
    if village is None:
        return 1
    women = list(Person.objects.filter(registered_in(village.division_id), sex="F", birth_date__range=(datetime.date(1972, 1, 1), datetime.date(2001, 6, 1)),
                                       certificates__isnull=True).order_by("id")[:3])
    take = lambda w, day, **kw: services_door.take_application(actor=village, data={"person_id": w.pk, "taken_on": day, "place": f"新华村{w.pk % 9 + 1}组 {w.name}家", **kw}, now=_at(day))  # noqa: E731
    if len(women) == 3:
        # Issued, refused, waiting: the oldest first (the youngest is of childbearing age on the last date).
        women.sort(key=lambda w: w.birth_date)
        app = attempt("door issued", lambda: take(women[0], "2020-04-07", contraception="上环"))
        if app:
            attempt("door issue", lambda: services_door.issue_from_application(actor=hukou, application_id=app.pk, data={"issued_on": "2020-04-09"}, now=_at("2020-04-09")))
        app = attempt("door refused", lambda: take(women[1], "2020-06-02"))
        if app:
            attempt("door refuse", lambda: services_door.refuse_application(actor=hukou, application_id=app.pk,
                                                                             data={"reason": "本人已在现居住地办理婚育证明，无需重复办理", "refused_on": "2020-06-03"}, now=_at("2020-06-03")))
        attempt("door pending", lambda: take(women[2], "2021-08-16", notes="本人外出务工前申请，证明寄送本人"))
    proof = attempt("proof", lambda: services.issue_status_proof(actor=hukou, data={"person_id": he.pk, "issued_on": "2015-10-08", "requested_by": "residence"}, now=_at("2015-10-08")))
    if proof:
        # 杨伟's hukou is 郑州市中原区, known only at county level: the county forwards the request (B2).
        case = attempt("b1 citation", lambda: cases.create_birth_registration(actor=residence, data={
            "woman": he.pk, "husband_hukou": COUPLES[3][1][4], "received_on": "2015-10-12", "child_order": 1, "via_county": True, "send_now": True,
            "documents": ["woman_id", "husband_id", "marriage"], "status_proof": proof.number}, now=_at("2015-10-12")))
        if case:
            attempt("b1 register", lambda: cases.decide_birth_registration(actor=residence, case_id=case.pk, data={"decision": "register", "decided_on": "2015-10-12"},
                                                                           now=_at("2015-10-12")))
            _answer_requests(case, hukou, attempt)
    return 0


def _answer_requests(case, hukou, attempt) -> None:
    """B3: 诺江镇 answers the 2015 case's verification request, so that it does not stand overdue in
    its inbox. 中原区 (杨伟's hukou county) has no demo account: its request stays unanswered, as
    the demo's other requests to it do."""
    from liudong.exchange import services as exchange
    from liudong.exchange.models import Kind, Message

    for m in Message.objects.filter(case_type="birth_registration", case_id=case.pk, kind=Kind.VERIFICATION, receiver_id=hukou.division_id):
        def answer(m=m):
            exchange.acknowledge(actor=hukou, message_id=m, now=_at("2015-10-13"))
            return exchange.reply(actor=hukou, message_id=m, data={"body": "经核实：何丽为初婚，婚后未生育，情况属实。"}, now=_at("2015-10-15"))

        attempt("b1 answer", answer)
