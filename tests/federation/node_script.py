"""One node of a test cluster, driven from the tests as a subprocess with its own DATABASE_URL,
LIUDONG_NODE, LIUDONG_NODE_KEY_FILE and LIUDONG_NATS_URL (tests/federation/cluster.py):

    python -m tests.federation.node_script ACTION [JSON]

The clock is pinned like the suite's (tests/conftest.py: TODAY at 10:00 Beijing time plus the time
elapsed since the cluster began, the same in all its processes) through LIUDONG_TEST_START and LIUDONG_TEST_ANCHOR, so that deadlines never depend on the real
date. `run` is `liudong node run` itself under that clock; the other actions are what the clerks
of the journey do, through the services (one door), and what the tests read back."""
import datetime
import json
import os
import sys
import time


def pin_clock():
    from django.utils import timezone

    start = datetime.datetime.fromisoformat(os.environ["LIUDONG_TEST_START"])
    anchor = float(os.environ["LIUDONG_TEST_ANCHOR"])  # the real moment the cluster began: one clock for all its processes
    timezone.now = lambda: (start + datetime.timedelta(seconds=time.time() - anchor)).astimezone(datetime.timezone.utc)


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    import django

    django.setup()
    if os.environ.get("LIUDONG_TEST_START"):
        pin_clock()


def init(_):
    """`liudong node init`: the node's keys; returns the line it printed."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("node", "init", stdout=out)
    return {"line": out.getvalue().strip()}


def setup_node(args):
    """`liudong node trust` for each other node's line, then the journey's world."""
    from django.core.management import call_command

    for line in args["lines"]:
        call_command("node", "trust", *line.split(), "--on", "2026-01-01")
    return world(args)


def world(_):
    """The divisions and clerks of the journey (tests/conftest.py's world), and 李娜 registered
    where this node keeps her (Shenzhen: she lives there; Sichuan: her hukou)."""
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division
    from liudong.people import services as people
    from liudong.federation.directory import route
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG, TONGJIANG_T, TONGJIANG_V, make_id

    for code, name, level, parent in [(NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (NANTOU_V2, "大汪山社区", 5, NANTOU),
                                      (TONGJIANG_T, "诺江镇", 4, TONGJIANG), (TONGJIANG_V, "诺江村", 5, TONGJIANG_T)]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    node = os.environ["LIUDONG_NODE"]
    clerk_at = NANTOU if node.startswith("44") else TONGJIANG_T
    staff, _ = Staff.objects.get_or_create(username="clerk", defaults={"role": Role.TOWNSHIP_CLERK, "division_id": clerk_at})
    person, _ = people.register_person(actor=staff, data={"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    if route(NANTOU_V1, TODAY) == node:  # the node that holds Shenzhen (a province, or a city node of its own)
        people.record_arrival(actor=staff, person=person, data={"division": NANTOU_V1, "address": "南头街道红花园1栋101", "arrived_on": "2025-03-01", "reason": "work"}, today=TODAY)
    return {"person": person.pk}


def send(args):
    """The Shenzhen township's verification requests about 李娜 to the Sichuan township (B2),
    `count` of them, each in its own transaction (as clerks send them)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.exchange import services
    from liudong.people.models import Person
    from tests.conftest import TONGJIANG_T

    clerk, person = Staff.objects.get(username="clerk"), Person.objects.get(name="李娜")
    ids = []
    for i in range(args.get("count", 1)):
        # `scan_kb`: a PDF scan of that size goes with each (its bytes from the tag: the test knows them).
        files = [SimpleUploadedFile("核实材料.pdf", scan_bytes(args["tag"], args["scan_kb"]), content_type="application/pdf")] if args.get("scan_kb") else ()
        ids.append(services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": person.pk,
                                                            "subject": f"{args.get('tag', '核实李娜婚育情况')} {i}", "body": "请核实其生育情况。"}, now=clock.now(),
                                         attachments=files).pk)
    return {"ids": ids}


def scan_bytes(tag: str, kb: int) -> bytes:
    import hashlib

    block = hashlib.sha256(tag.encode()).digest()
    return (b"%PDF-1.4\n" + block * (kb * 1024 // len(block) + 1))[:kb * 1024]


def scans(_):
    """The scans this node keeps, by the subject of their message."""
    import hashlib

    from liudong.exchange.models import Attachment

    return {"scans": [[a.message.subject, a.name, a.size, hashlib.sha256(bytes(a.data)).hexdigest()] for a in Attachment.objects.select_related("message").order_by("id")]}


def send_many(args):
    """The benchmark's sender: `count` requests written by the services, `per_tx` to a
    transaction (a batch of the clerks' acts committed together), at most `rate` a second (0: as
    fast as it goes)."""
    from django.db import transaction

    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.exchange import services
    from liudong.people.models import Person
    from tests.conftest import TONGJIANG_T

    clerk, person = Staff.objects.get(username="clerk"), Person.objects.get(name="李娜")
    count, per_tx, rate = args["count"], args.get("per_tx", 50), args.get("rate", 0)
    began = time.monotonic()
    for start in range(0, count, per_tx):
        if rate:
            ahead = start / rate - (time.monotonic() - began)
            if ahead > 0:
                time.sleep(ahead)
        with transaction.atomic():
            for i in range(start, min(count, start + per_tx)):
                services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": person.pk,
                                                         "subject": f"{args.get('tag', 'bench')} {i}", "body": "请核实其生育情况。"}, now=clock.now())
    return {"sent": count, "seconds": round(time.monotonic() - began, 2)}


def write_many(args):
    """The benchmark's fast sender: one request written by the exchange's service, then `count`
    copies of it (each its own message and outbox row, with its own global id), `per_tx` to a
    transaction, at most `rate` a second (0: as fast as it goes). The service itself writes ~40 a
    second here (validation, routing, audit): too slow to feed 500 a second to the transport."""
    import uuid

    from django.db import transaction

    from liudong import clock
    from liudong.exchange.models import Message
    from liudong.federation.models import Outbox

    first = send({"count": 1, "tag": args.get("tag", "bench")})["ids"][0]
    model, row = Message.objects.get(pk=first), Outbox.objects.get(message_id=first)
    payload = json.loads(row.payload)
    fields = [f.attname for f in Message._meta.concrete_fields if f.attname != "id"]
    count, per_tx, rate = args["count"], args.get("per_tx", 50), args.get("rate", 0)
    began = time.monotonic()
    for start in range(1, count, per_tx):
        if rate:
            ahead = start / rate - (time.monotonic() - began)
            if ahead > 0:
                time.sleep(ahead)
        with transaction.atomic():
            now = clock.now()
            messages = []
            for i in range(start, min(count, start + per_tx)):
                m = Message(**{f: getattr(model, f) for f in fields})
                m.subject, m.created_at, m.sent_at = f"{args.get('tag', 'bench')} {i}", now, now
                m.arrived_at = m.arrived_on = m.reply_due_on = m.due_on = None  # X5: in transit until its receipt
                messages.append(m)
            Message.objects.bulk_create(messages)
            Outbox.objects.bulk_create([Outbox(global_id=uuid.uuid4().hex, type=row.type, message=m, sender=row.sender, receiver=row.receiver, to_node=row.to_node,
                                               kind=row.kind, created_at=now, payload=json.dumps({**payload, "subject": m.subject, "sent_at": now.isoformat()},
                                                                                                 ensure_ascii=False, sort_keys=True)) for m in messages])
    return {"sent": count, "seconds": round(time.monotonic() - began, 2)}


def reply(args):
    """The Sichuan township signs for and answers every request in its inbox."""
    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.exchange import services
    from liudong.exchange.models import Message

    clerk = Staff.objects.get(username="clerk")
    done = []
    for m in Message.objects.filter(receiver_id=clerk.division_id, kind="verification", state__in=("sent", "received")).order_by("id"):
        services.acknowledge(actor=clerk, message_id=m.pk, now=clock.now())
        services.reply(actor=clerk, message_id=m.pk, data={"body": args.get("body", "已核实：户籍地无违规生育记录。")}, now=clock.now())
        done.append(m.pk)
    return {"answered": done}


def withdraw(args):
    """The Shenzhen township withdraws (closes, with a reason) its requests whose subject starts with `tag`."""
    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.exchange import services
    from liudong.exchange.models import Message

    clerk = Staff.objects.get(username="clerk")
    done = []
    for m in Message.objects.filter(sender_id=clerk.division_id, subject__startswith=args["tag"]).exclude(state="closed").order_by("id"):
        services.close(actor=clerk, message_id=m.pk, reason=args["reason"], now=clock.now())
        done.append(m.pk)
    return {"withdrawn": done}


def show(_):
    from liudong.exchange.models import Message
    from liudong.federation.models import Outbox, Quarantined, Received

    def iso(v):
        return v.isoformat() if v else None

    return {
        "messages": [{"id": m.id, "kind": m.kind, "sender": m.sender_id, "receiver": m.receiver_id, "subject": m.subject, "body": m.body, "state": m.state,
                      "person": m.person_id, "sent_at": iso(m.sent_at), "arrived_at": iso(m.arrived_at), "due_on": iso(m.due_on),
                      "reply_due_on": iso(m.reply_due_on), "answered_on": iso(m.answered_on), "in_reply_to": m.in_reply_to_id}
                     for m in Message.objects.order_by("id")],
        "outbox": {"total": Outbox.objects.count(), "unpublished": Outbox.objects.filter(published_at__isnull=True).count()},
        "received": [{"global_id": r.global_id, "type": r.type, "person": r.person} for r in Received.objects.order_by("id")],
        "quarantined": [{"reason": q.reason, "global_id": q.global_id} for q in Quarantined.objects.order_by("id")],
    }


def unpublish(_):
    """The relay died after the server's acknowledgement and before it marked the rows: all of
    them are published again (the stream and the receiver must drop the second copies)."""
    from liudong.federation.models import Outbox

    return {"rows": Outbox.objects.update(published_at=None)}


def move(args):
    """Journey step 7: the Shenzhen township records her move, then (`depart`) her departure."""
    from liudong.accounts.models import Staff
    from liudong.people import services as people
    from liudong.people.models import Person, Residence
    from tests.conftest import NANTOU_V2, TODAY

    clerk, person = Staff.objects.get(username="clerk"), Person.objects.get(name="李娜")
    if args.get("on"):
        people.record_move(actor=clerk, person=person, data={"division": NANTOU_V2, "address": "大汪山社区2号", "arrived_on": args["on"], "reason": "work"}, today=TODAY)
    if args.get("left_on"):
        open_ = Residence.objects.get(person=person, left_on__isnull=True)
        people.record_departure(actor=clerk, residence_id=open_.pk, left_on=args["left_on"], today=TODAY)
    return {}


def return_home(args):
    """The hukou township records her return home (J2: no longer floating)."""
    from liudong.accounts.models import Staff
    from liudong.people import services as people
    from liudong.people.models import Person
    from tests.conftest import TODAY

    people.record_return(actor=Staff.objects.get(username="clerk"), person=Person.objects.get(name="李娜"), data={"arrived_on": args["on"]}, today=TODAY)
    return {}


def import_people(args):
    """A bulk import on this node (people.imports): `count` people from 诺江村 (四川) arriving in
    红花园社区, each with an ID number from `seq` on; the second also left on 2026-11-10."""
    from liudong.accounts.models import Staff
    from liudong.people.imports.rows import import_people as bulk
    from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

    rows = [{"id_number": make_id("511921", "19950101", args.get("seq", 200) + 2 * i), "name": "导入" + "甲乙丙丁戊己庚辛"[i], "hukou_division": TONGJIANG_V,
             "ethnicity": "01", "division": NANTOU_V1, "address": "南头街道红花园2栋", "arrived_on": "2026-10-01", "reason": "work",
             **({"left_on": "2026-11-10"} if i == 1 else {})} for i in range(args.get("count", 3))]
    summary = bulk(actor=Staff.objects.get(username="clerk"), rows=rows, today=TODAY)
    return {"created": summary["created"], "numbers": [r["id_number"] for r in rows]}


def periods_of(args):
    """The periods this node keeps of the people with these ID numbers: {number: [[division, arrived, left, kind, floating]]}."""
    from liudong.people.models import Residence

    out = {n: [] for n in args["numbers"]}
    for r in Residence.objects.filter(person__id_number__in=args["numbers"]).select_related("person").order_by("arrived_on", "id"):
        out[r.person.id_number].append([r.division_id, str(r.arrived_on), str(r.left_on) if r.left_on else None, r.start_kind, r.floating])
    return out


def arrive(args):
    """A woman of 诺江村 (`number`, `name`) registered here and arrived in 红花园社区 on `on`."""
    from liudong.accounts.models import Staff
    from liudong.people import services as people
    from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V

    staff = Staff.objects.get(username="clerk")
    person, _ = people.register_person(actor=staff, data={"id_number": args["number"], "name": args["name"], "hukou_division": TONGJIANG_V}, today=TODAY)
    people.record_arrival(actor=staff, person=person, data={"division": NANTOU_V1, "address": "南头街道红花园3栋", "arrived_on": args["on"], "reason": "work"},
                          today=TODAY)
    return {"person": person.pk}


def issue_certificate(args):
    """Her hukou township issues the certificate (C1) of the woman with ID number `number` on `issued_on`."""
    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.certificates import services as certificates
    from liudong.people.models import Person

    cert = certificates.issue_certificate(actor=Staff.objects.get(username="clerk"), data={"person_id": Person.objects.get(id_number=args["number"]).pk,
                                                                                          "issued_on": args["issued_on"]}, now=clock.now())
    return {"number": cert.number}


def certificates_here(_):
    """The certificates this node keeps, with their verifications and entries."""
    from liudong.certificates.models import Certificate

    return {"certificates": [{"number": c.number, "person": c.person.name, "status": c.status, "township": c.township_id,
                              "last_verified_on": str(c.last_verified_on) if c.last_verified_on else None,
                              "verifications": [[v.division_id, v.result, str(v.verified_on)] for v in c.verifications.order_by("id")],
                              "entries": [[e.kind, e.division_id, e.text] for e in c.entries.order_by("id")]}
                             for c in Certificate.objects.select_related("person").order_by("id")]}


def verify_certificate(args):
    """Her residence township verifies the certificate (C6) it keeps under that number."""
    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.certificates import services as certificates
    from liudong.certificates.models import Certificate

    cert = Certificate.objects.get(number=args["number"])
    certificates.verify_certificate(actor=Staff.objects.get(username="clerk"), certificate_id=cert.pk,
                                    data={"verified_on": args["verified_on"], "result": args.get("result", "ok"), "notes": args.get("notes", "")}, now=clock.now())
    return {}


def record_check(_):
    """Her residence township records a check and its report slip (S2)."""
    from liudong import clock
    from liudong.accounts.models import Staff
    from liudong.people.models import Person
    from liudong.technical import services as technical

    check = technical.record_check(actor=Staff.objects.get(username="clerk"), data={
        "person_id": Person.objects.get(name="李娜").pk, "checked_on": str(clock.today()), "items": ["pregnancy", "iud"], "result": "normal"}, now=clock.now())
    return {"report_number": check.report_number}


def checks_here(_):
    from liudong.technical.models import Check

    return {"checks": [[c.report_number, c.person.name, c.division_id, c.origin, c.items, c.result, c.hukou_place_id]
                       for c in Check.objects.select_related("person").order_by("id")]}


def her(_):
    """李娜's record on this node: her periods, and her hukou township's outflow register for November."""
    from liudong.accounts.models import Staff
    from liudong.people.models import Person, Residence
    from liudong.registers.queries import view_register
    from tests.conftest import TONGJIANG_T

    people_ = list(Person.objects.filter(name="李娜").values("id", "floating", "residence_division_id"))
    periods = [[r.division_id, str(r.arrived_on), str(r.left_on) if r.left_on else None, r.start_kind, r.floating]
               for r in Residence.objects.filter(person__name="李娜").order_by("arrived_on", "id")]
    out = {"people": people_, "periods": periods}
    if Staff.objects.get(username="clerk").division_id == TONGJIANG_T:
        _, count, rows = view_register(actor=Staff.objects.get(username="clerk"), kind="outflow", division=TONGJIANG_T, start="2026-11-01", end="2026-11-30")
        out["outflow"] = [[r["name"], r["residence_place"], str(r["left_home_on"])] for r in rows]
    return out


def report_up(args):
    """Journey step 6 (T1): every report of this node's subtree for the month is submitted and
    approved level by level (the system acting, as a month's close does for villages without
    staff), up to the node's own division, whose report then passes up to the level above."""
    from liudong import clock
    from liudong.divisions.models import Division
    from liudong.statistics import services as stats

    root = Division.objects.get(code=os.environ["LIUDONG_NODE"])

    def up(division, top=False):
        for child in Division.objects.filter(parent_id=division.code).order_by("code"):
            up(child)
        stats.submit(actor=None, division_code=division.code, period=args["period"], now=clock.now())
        if not top:
            stats.approve(actor=None, division_code=division.code, period=args["period"], now=clock.now())

    up(root, top=True)
    from liudong.statistics.models import Report

    report = Report.objects.filter(division=root).order_by("-period").first()
    return {"figures": report.figures, "message": report.message_id}


def run(_):
    from django.core.management import call_command

    call_command("node", "run", *(["--verbose"] if os.environ.get("LIUDONG_NODE_VERBOSE") else []))


ACTIONS = {f.__name__: f for f in (init, setup_node, world, send, send_many, write_many, reply, withdraw, show, unpublish, move, return_home, her, report_up,
                                    import_people, periods_of, arrive, issue_certificate, certificates_here, verify_certificate, record_check, checks_here,
                                    scans, run)}
# Issue 16: monthly reports approved across nodes (tests/federation/node_reports.py).
from .node_reports import ACTIONS as _REPORTS  # noqa: E402

ACTIONS.update(_REPORTS)
# Issue 16: the query desk's consent tasks across nodes (tests/federation/node_desk.py).
from .node_desk import ACTIONS as _DESK  # noqa: E402

ACTIONS.update(_DESK)
# Issue 16: two receivers of one consumer racing for one envelope (tests/federation/node_race.py).
from .node_race import ACTIONS as _RACE  # noqa: E402

ACTIONS.update(_RACE)

if __name__ == "__main__":
    setup()
    result = ACTIONS[sys.argv[1]](json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
    if result is not None:
        print(json.dumps(result, ensure_ascii=False))
