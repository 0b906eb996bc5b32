"""An action of tests/federation/node_script.py: two receivers of one consumer racing for one
envelope (issue 16, receiving). The second receiver (a thread with its own connection) writes
envelope E in a transaction it holds open; the first receives the batch [E, F] meanwhile; then
the second commits. On PostgreSQL the first read E as new (the second's row was not committed),
its bulk insert waits on the unique global id and fails when the second commits: the batch is
received again one envelope to a transaction (E a duplicate, F accepted). On SQLite a writing
transaction waits for the other writer before it reads anything (BEGIN IMMEDIATE), so the first
finds E already there. Either way: each global id once, one message each."""
import datetime
import json
import logging
import threading
import time
import uuid
from pathlib import Path


def race(args):
    from django.db import connections, transaction

    from liudong import clock
    from liudong.federation import directory, envelope, keys
    from liudong.federation.models import Received
    from liudong.federation.receive import receive_batch
    from liudong.exchange.models import Message
    from tests.conftest import NANTOU, TONGJIANG_T, TONGJIANG_V, make_id

    gd = keys.create("440000000000", Path(args["folder"]) / "gd-race.key")
    directory.trust(line=gd.public_line(), on=datetime.date(2026, 1, 1), now=clock.now())
    me = keys.load()
    li = make_id("511921", "19990315")

    def sealed(tag):
        gid = uuid.uuid4().hex
        routing = {"id": gid, "type": "message", "kind": "verification", "from_node": gd.node, "to_node": me.node, "sender": NANTOU,
                   "receiver": TONGJIANG_T, "created_at": clock.now().isoformat()}
        body = {"kind": "verification", "topic": "births", "subject": f"并发 {tag}", "body": "请核实。", "rules_on": "2026-11-28", "rule_set": "",
                "sent_at": clock.now().isoformat(), "route": [], "in_reply_to": None, "request_arrived_at": None, "attachments": [],
                "person": {"name": "李娜", "id_number": li, "document_type": "resident_id", "document_number": li, "sex": "F", "birth_date": "1999-03-15",
                           "hukou_division": TONGJIANG_V}}
        return gid, envelope.seal(routing, json.dumps(body, ensure_ascii=False).encode(), keys=gd, to_box_key=me.box_public)

    (e_id, e), (f_id, f) = sealed("E"), sealed("F")
    lines: list[str] = []

    class Lines(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger = logging.getLogger("liudong.federation")
    logger.addHandler(Lines(level=logging.INFO))
    logger.setLevel(logging.INFO)
    holding, first_started, outcomes, errors = threading.Event(), threading.Event(), {}, []

    def second():
        try:
            with transaction.atomic():
                outcomes["second"] = receive_batch([("second", e)], now=clock.now())
                holding.set()
                first_started.wait(30)
                time.sleep(1.5)  # the first receiver is now waiting on the global id (PostgreSQL) or the write lock (SQLite)
        except Exception as ex:  # noqa: BLE001 - reported to the test
            errors.append(repr(ex))
        finally:
            connections.close_all()

    def first():
        try:
            holding.wait(30)
            first_started.set()
            outcomes["first"] = receive_batch([("first-e", e), ("first-f", f)], now=clock.now())
        except Exception as ex:  # noqa: BLE001
            errors.append(repr(ex))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=second), threading.Thread(target=first)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return {"outcomes": outcomes, "errors": errors, "vendor": connections["default"].vendor,
            "fallback": any("committed meanwhile by another receiver" in line for line in lines),
            "received": {gid: Received.objects.filter(global_id=gid).count() for gid in (e_id, f_id)},
            "messages": sorted(Message.objects.filter(subject__startswith="并发").values_list("subject", flat=True))}


ACTIONS = {"race": race}
