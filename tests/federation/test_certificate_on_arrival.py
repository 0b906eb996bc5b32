"""Issue 16 (C6 across nodes): her certificate passes with her when she arrives on another node
after it was issued. 王芳's certificate was issued at home by 诺江镇 (Sichuan node) while she lived
there; when Guangdong's node tells her hukou node that she arrived in 南头 (a `person` event), the
copy of each certificate of hers in use leaves for Guangdong in the receiving transaction, as when
the hukou township acts on it while she lives there. A departure alone, or a revoked certificate,
sends nothing; neither does a redelivered event."""
import json
import uuid

from liudong.certificates import services as certificates
from liudong.federation import envelope
from liudong.federation.models import Outbox
from liudong.federation.receive import receive
from liudong.people import services as people
from tests.conftest import NANTOU, NANTOU_V1, TODAY, TONGJIANG_T, TONGJIANG_V, make_id
from tests.exchange.helpers import at

from .conftest import GD, SC

WANG = make_id("511921", "19900510", 84)
IDENT = {"name": "王芳", "id_number": WANG, "document_type": "resident_id", "document_number": WANG, "sex": "F", "birth_date": "1990-05-10",
         "hukou_division": TONGJIANG_V}


def event(gd, me, periods, *, kind="arrival"):
    routing = {"id": uuid.uuid4().hex, "type": "person", "kind": kind, "from_node": GD, "to_node": SC, "sender": NANTOU, "receiver": TONGJIANG_T,
               "created_at": at("2026-11-28").isoformat()}
    return envelope.seal(routing, json.dumps({"event": kind, "person": IDENT, "periods": periods}).encode(), keys=gd, to_box_key=me.box_public)


def period(ref, arrived, left=None):
    return {"ref": f"{GD}:{ref}", "division": NANTOU_V1, "arrived_on": arrived, "left_on": left, "start_kind": "arrival", "end_kind": "departure" if left else ""}


def at_home(world):
    person, _ = people.register_person(actor=world["tongjiang_clerk"], data={"id_number": WANG, "name": "王芳", "hukou_division": TONGJIANG_V,
                                                                             "marital_status": "20"}, today=TODAY)
    return person


def test_c6_x2_her_arrival_on_another_node_takes_the_copy_of_her_certificate_there(as_node, peer, world):
    me, gd = as_node(SC), peer(GD)
    wang = at_home(world)
    cert = certificates.issue_certificate(actor=world["tongjiang_clerk"], data={"person_id": wang.pk, "issued_on": "2021-03-01"}, now=at("2021-03-01"))
    assert not Outbox.objects.filter(type="cert").exists()  # she lived at home then
    raw = event(gd, me, [period(7, "2026-11-20")])
    assert receive(raw, now=at("2026-11-28", 9)) == "accepted"
    (copy,) = Outbox.objects.filter(type="cert")
    assert (copy.to_node, copy.sender, copy.receiver) == (GD, TONGJIANG_T, NANTOU)
    body = json.loads(copy.payload)
    assert (body["certificate"]["number"], body["certificate"]["status"], body["person"]["id_number"]) == (cert.number, "active", WANG)
    assert receive(raw, now=at("2026-11-28", 10)) == "duplicate" and Outbox.objects.filter(type="cert").count() == 1


def test_c6_x2_a_departure_or_a_revoked_certificate_sends_no_copy(as_node, peer, world):
    me, gd = as_node(SC), peer(GD)
    wang = at_home(world)
    cert = certificates.issue_certificate(actor=world["tongjiang_clerk"], data={"person_id": wang.pk, "issued_on": "2021-03-01"}, now=at("2021-03-01"))
    assert receive(event(gd, me, [period(8, "2021-04-01", "2021-06-01")], kind="departure"), now=at("2026-11-28", 9)) == "accepted"
    assert not Outbox.objects.filter(type="cert").exists()  # a period already ended: she does not live there
    certificates.revoke_certificate(actor=world["tongjiang_clerk"], certificate_id=cert.pk, data={"reason": "已交回"}, now=at("2026-11-28", 10))
    assert receive(event(gd, me, [period(9, "2026-11-20")]), now=at("2026-11-28", 11)) == "accepted"
    assert not Outbox.objects.filter(type="cert").exists()
