"""Demo cases and messages on top of the `liudong demo` world (world.py), so that a demo
user finds filled inboxes and case lists: birth registrations in every state (B1-B5), a second-birth
result from 诺江镇 (B6, dated before national-2021 closed approvals), fee consultations of 2020 and
2021 (F1-F4, before the type closed), and plain messages, some answered, some open, some overdue.

Everything goes through the services (invariant 1), dated on office days counted back from the
world date (dating.py, invariant 4). The couples are registered here (invented names, valid ID
numbers) so the demo works at any size of world. The world date leaves room for every deadline
opened here (dating.LONGEST_DEADLINE); a case the services still refuse is skipped and reported,
never guessed.

Call `build_demo_cases(office_days)` after DemoWorld.build() (services.build_demo does).
"""
import datetime

from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.cases import services
from liudong.cases.models import BIRTH, BirthRegistration
from liudong.errors import Invalid
from liudong.exchange import services as exchange
from liudong.exchange.models import Kind, Message, Topic
from liudong.identifiers import id_check_char
from liudong.people import services as people
from liudong.people.models import Person

from .dating import OfficeDays

NANTOU = "440305001000"
HONGHUAYUAN = "440305001005"   # 红花园社区
DAWANGSHAN = "440305001004"    # 大汪山社区
NUOJIANG = "511921100000"
XINHUA = "511921100201"        # 诺江镇新华村
YUANDING = "511921100209"      # 诺江镇元顶村
ZHONGYUAN = "410102000000"     # 郑州市中原区 (a hukou place known at county level)
HENGYANG_COUNTY = "430421000000"  # 衡阳县
COMMITMENT = ["woman_id", "husband_id", "marriage", "commitment"]
HUKOU_COUNTY_OFFICER = "tongjiang_officer"

# (name, sex, area6, birth, hukou division, hukou address, residence community, arrived)
COUPLES = [
    (("李秀英", "F", "511921", "19960412", XINHUA, "四川省巴中市通江县诺江镇新华村3组12号"), ("王建军", "M", "410102", "19940803", ZHONGYUAN, "河南省郑州市中原区建设路88号"), HONGHUAYUAN),
    (("陈小燕", "F", "511921", "19980125", YUANDING, "四川省巴中市通江县诺江镇元顶村5组7号"), ("陈志强", "M", "511921", "19970716", YUANDING, "四川省巴中市通江县诺江镇元顶村5组9号"), DAWANGSHAN),
    (("周婷", "F", "430421", "19950930", HENGYANG_COUNTY, "湖南省衡阳县西渡镇向阳村2组"), ("刘洋", "M", "511921", "19930211", XINHUA, "四川省巴中市通江县诺江镇新华村1组3号"), HONGHUAYUAN),
    (("何丽", "F", "511921", "19920618", XINHUA, "四川省巴中市通江县诺江镇新华村6组21号"), ("杨伟", "M", "410102", "19900909", ZHONGYUAN, "河南省郑州市中原区伏牛路15号"), DAWANGSHAN),
    (("赵敏", "F", "511921", "19890304", YUANDING, "四川省巴中市通江县诺江镇元顶村2组4号"), ("孙磊", "M", "430421", "19870521", HENGYANG_COUNTY, "湖南省衡阳县演陂镇中山村"), HONGHUAYUAN),
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _scan(name: str):
    """F4: a letter or fax is kept as a scan of the paper sent; the demo's stands in for one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo scan\n%%EOF\n", content_type="application/pdf")


def _id_number(area6: str, birth: str, male: bool, start: int) -> str:
    """A free, valid GB 11643 number (the demo world may hold any sequence already)."""
    for seq in range(start, start + 200, 2):
        s = seq + (1 if male else 0)
        body = f"{area6}{birth}{s % 1000:03d}"
        number = body + id_check_char(body)
        if not Person.objects.filter(id_number=number).exists():
            return number
    raise RuntimeError("no free ID number")


def _person(clerk, spec, community, arrived, today, seq) -> Person:
    name, sex, area6, birth, hukou, address = spec
    data = {"id_number": _id_number(area6, birth, sex == "M", seq), "name": name, "hukou_division": hukou, "hukou_address": address, "marital_status": "20"}
    person, _ = people.register_person(actor=clerk, data=data, today=today)
    if person.residence_division_id is None:
        people.record_arrival(actor=clerk, person=person, data={"division": community, "address": f"南头街道{name[0]}家租住房", "arrived_on": arrived.isoformat(), "reason": "work"}, today=today)
        person.refresh_from_db()
    return person


def _staff(username):
    return Staff.objects.select_related("division").filter(username=username).first()


def build_demo_cases(office: OfficeDays, *, log=print) -> dict:
    """Cases and messages for the demo accounts nantou_clerk (南头街道), nuojiang_clerk (诺江镇),
    nanshan_officer (南山区) and tongjiang_officer (通江县). Returns counts."""
    today, back = office.world_date, office.back
    clerk, hukou_clerk, county, hukou_county = (_staff(u) for u in ("nantou_clerk", "nuojiang_clerk", "nanshan_officer", HUKOU_COUNTY_OFFICER))
    if not (clerk and hukou_clerk and county and hukou_county):
        raise RuntimeError("the demo accounts nantou_clerk, nuojiang_clerk, nanshan_officer and tongjiang_officer are needed: build the world first")
    if BirthRegistration.objects.filter(division_id=NANTOU).exists():
        log("演示案件已存在，未重复生成 / demo cases exist already")
        return {}
    counts = {"birth registrations": 0, "second-birth results": 0, "fee consultations": 0, "messages": 0, "skipped": 0}
    couples = []
    for i, (woman, husband, community) in enumerate(COUPLES):
        arrived = datetime.date(2012, 3, 1 + i)
        couples.append((_person(clerk, woman, community, arrived, today, 800 + 20 * i), _person(clerk, husband, community, arrived, today, 800 + 20 * i)))

    def attempt(what, fn):
        try:
            return fn()
        except Invalid as e:
            counts["skipped"] += 1
            log(f"  ! {what} skipped: {e.errors}")
            return None

    # B1-B5 --------------------------------------------------------------------------------
    def birth(couple, received, **extra):
        woman, husband = couple
        # 中原区 and 衡阳县 are known only at county level here: the county forwards the request (B2).
        data = {"woman": woman.pk, "husband": husband.pk, "received_on": received.isoformat(), "child_order": 1, "documents": COMMITMENT, "via_county": True, **extra}
        case = services.create_birth_registration(actor=clerk, data=data, now=_at(received))
        counts["birth registrations"] += 1
        return case

    def requests(case):
        return list(Message.objects.filter(case_type=BIRTH, case_id=case.pk, kind=Kind.VERIFICATION).order_by("id"))

    # 1. Registered: verified by 诺江镇, registered, notifications still to send (due soon).
    def registered():
        received = back(17)
        case = birth(couples[1], received)  # both spouses registered in 诺江镇: one request
        for m in requests(case):
            if m.receiver_id == NUOJIANG:
                exchange.acknowledge(actor=hukou_clerk, message_id=m, now=_at(received, 15))
                exchange.reply(actor=hukou_clerk, message_id=m, data={"body": "经核实：陈小燕、陈志强均为初婚，婚后未生育，情况属实。"}, now=_at(back(13), 11))
        decided = back(8)
        services.decide_birth_registration(actor=clerk, case_id=case.pk, data={"decision": "register", "decided_on": decided.isoformat(), "send_now": False}, now=_at(decided, 16))
    attempt("registered case", registered)

    # 2. Just received: the requests wait in the outbox as "to send".
    attempt("new case", lambda: birth(couples[0], back(2), send_now=False, expected_birth_on=(today + datetime.timedelta(days=150)).isoformat()))

    # 3. Postponed: the signed commitment is missing.
    def postponed():
        received = back(6)
        case = birth(couples[2], received, documents=["woman_id", "husband_id", "marriage"])
        decided = back(5)
        services.decide_birth_registration(actor=clerk, case_id=case.pk, data={"decision": "postpone", "decided_on": decided.isoformat(),
                                                            "reasons": "缺申请人签署的承诺书，请本人到街道计生办签署后再予登记。"}, now=_at(decided, 15))
    attempt("postponed case", postponed)

    # 4. Waiting for answers long past their deadline (the tick below marks them overdue).
    attempt("case waiting for answers", lambda: birth(couples[3], back(32), child_order=2))

    # 5. Refused in 2015 under the 2009 norms (a second child is approved at the hukou place, B6).
    def refused():
        woman, husband = couples[4]
        case = services.create_birth_registration(actor=clerk, data={"woman": woman.pk, "husband": husband.pk, "received_on": "2015-11-16", "child_order": 2, "via_county": True,
                                                          "documents": ["woman_id", "husband_id", "marriage", "proof"]}, now=_at(datetime.date(2015, 11, 16)))
        counts["birth registrations"] += 1
        reason = services.registration_check(case)["refusal_reason"]
        services.decide_birth_registration(actor=clerk, case_id=case.pk, data={"decision": "refuse", "decided_on": "2015-11-17", "reasons": reason}, now=_at(datetime.date(2015, 11, 17)))
        for m in requests(case):
            if m.receiver_id == NUOJIANG:
                exchange.reply(actor=hukou_clerk, message_id=m, data={"body": "赵敏已生育一孩（2013年），第二孩须向户籍地申请再生育审批。"}, now=_at(datetime.date(2015, 11, 20)))
            else:   # the husband's county is not asked any more once the case is refused
                exchange.close(actor=clerk, message_id=m, reason="案件已不予登记，撤回核实 / the case was refused: request withdrawn", now=_at(datetime.date(2015, 11, 20)))
    attempt("refused case", refused)

    # B6 -----------------------------------------------------------------------------------
    def second_birth():
        woman = couples[4][0]
        result = services.record_second_birth(actor=hukou_clerk, data={"woman": woman.pk, "decision": "approved", "decided_on": "2015-12-10",
                                                            "certificate_number": "通江再字〔2015〕第0418号", "notes": "依四川省规定批准再生育一孩"}, now=_at(datetime.date(2015, 12, 10)))
        for m in Message.objects.filter(case_type="second_birth", case_id=result.pk):
            exchange.acknowledge(actor=clerk, message_id=m, now=_at(datetime.date(2015, 12, 14)))
        counts["second-birth results"] += 1
    attempt("second-birth result", second_birth)

    # F1-F4 --------------------------------------------------------------------------------
    f3 = {"basic_facts": "当事人已婚，育有二孩，第二孩未经审批于2019年在南山区出生。", "actual_income": "86400", "urban_income": "64878",
          "rural_income": "26050", "proposed_levy": "129756", "other_matters": "当事人申请分期缴纳。"}

    def fee_answered():
        woman = couples[3][0]
        case = services.create_fee_consultation(actor=county, data={"person": woman.pk, "started_on": "2020-06-01", **f3, "channel": "letter",
                                                         "sent_at": "2020-06-01 09:30", "evidence": "挂号信 XA202006010001"}, now=_at(datetime.date(2020, 6, 1), 11),
                                                attachments=[_scan("协商函.pdf")])
        exchange.record_arrival(actor=hukou_county, message_id=case.message, data={"arrived_at": "2020-06-04 10:20", "evidence": "签收回执"}, now=_at(datetime.date(2020, 6, 4), 11))
        services.answer_fee_consultation(actor=hukou_county, case_id=case.pk, data={"agrees": True, "opinion": "经核，当事人户籍地未征收，同意由贵县按拟征收数额征收。"}, now=_at(datetime.date(2020, 6, 10), 15))
        counts["fee consultations"] += 1
    attempt("fee consultation 2020", fee_answered)

    def fee_overdue():
        woman = couples[1][0]
        services.create_fee_consultation(actor=county, data={"person": woman.pk, "started_on": "2021-08-16", **f3, "proposed_levy": "97317", "channel": "fax",
                                                  "sent_at": "2021-08-16 14:00", "arrived_at": "2021-08-16 14:06", "evidence": "传真发送报告 20210816-02"},
                                         now=_at(datetime.date(2021, 8, 16), 15), attachments=[_scan("协商函传真.pdf")])
        counts["fee consultations"] += 1
    attempt("fee consultation 2021", fee_overdue)

    # Plain messages (X1): an open request in 南头's inbox, a report to sign for in 诺江's.
    def plain():
        woman = couples[0][0]
        exchange.send_message(actor=hukou_clerk, data={"kind": Kind.VERIFICATION, "topic": Topic.CONTRACEPTION, "receiver": NANTOU, "person": woman.pk, "subject": f"请核实{woman.name}在贵地的居住和避孕节育情况",
                                            "body": "我镇流出人员李秀英现居贵街道红花园社区，请核实其居住情况及避孕节育情况并反馈。"}, now=_at(back(2), 9))
        exchange.send_message(actor=clerk, data={"kind": Kind.CONTRACEPTION_REPORT, "receiver": NUOJIANG, "person": couples[1][0].pk, "subject": f"避孕节育情况报告：{couples[1][0].name}",
                                      "body": "本年度第二次孕情、环情检查已完成，结果正常。"}, now=_at(back(3), 14))
    attempt("plain messages", plain)

    exchange.tick(today)
    counts["messages"] = Message.objects.count()
    return counts
