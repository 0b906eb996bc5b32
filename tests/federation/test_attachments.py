"""Issue 16: a message's scans travel with it, sealed in its envelope (the servers' max_payload
raised to 8 MB; README "Nodes" says why not the object store); the receiving node keeps them and
links them to its copy of the message; scans too big to travel are a clear field error at the
sender and nothing is written (X1, X2, X5)."""
import base64
import hashlib
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liudong.errors import Invalid
from liudong.exchange import services
from liudong.exchange.models import Attachment, Message
from liudong.federation.models import Outbox
from liudong.federation.receive import receive
from tests.conftest import TONGJIANG_T
from tests.exchange.helpers import at

from .conftest import GD, SC
from .test_receive import payload, sealed


def scan(size: int, name="核实材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + os.urandom(size - 9), content_type="application/pdf")


def send(clerk, migrant, files):
    return services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk,
                                                    "subject": "核实李娜婚育情况", "body": "请核实。"}, now=at("2026-11-30"), attachments=files)


def test_x2_the_scans_leave_in_the_messages_envelope(as_node, peer, clerk, migrant):
    as_node(GD)
    peer(SC)
    message = send(clerk, migrant, [scan(1500 * 1024)])
    (sent,) = json.loads(Outbox.objects.get(type="message").payload)["attachments"]
    kept = Attachment.objects.get(message=message)
    assert (sent["name"], sent["content_type"], sent["sha256"]) == (kept.name, "application/pdf", kept.sha256)
    assert base64.b64decode(sent["data"]) == bytes(kept.data)


def test_scans_too_big_to_travel_are_refused_at_the_sender_and_nothing_is_written(as_node, peer, clerk, migrant):
    as_node(GD)
    peer(SC)
    with pytest.raises(Invalid) as refused:
        send(clerk, migrant, [scan(1900 * 1024, f"扫描{i}.pdf") for i in range(3)])
    assert "4 MB" in refused.value.errors["attachments"][0]
    assert not Message.objects.exists() and not Outbox.objects.exists() and not Attachment.objects.exists()


def test_the_same_scans_within_one_database_are_not_limited(settings, clerk, migrant):
    settings.LIUDONG_NODE = ""
    send(clerk, migrant, [scan(1900 * 1024, f"扫描{i}.pdf") for i in range(3)])
    assert Attachment.objects.count() == 3


def test_x5_the_receiving_node_keeps_the_scans_with_its_copy_of_the_message(as_node, peer, world):
    me, gd = as_node(SC), peer(GD)
    data = b"%PDF-1.4\n" + os.urandom(200_000)
    one = {"name": "核实材料.pdf", "content_type": "application/pdf", "sha256": hashlib.sha256(data).hexdigest(), "data": base64.b64encode(data).decode()}
    assert receive(sealed(gd, me, body=payload(attachments=[one])), now=at("2026-12-01")) == "accepted"
    kept = Attachment.objects.get()
    assert kept.message == Message.objects.get() and bytes(kept.data) == data and kept.name == "核实材料.pdf"
    # A scan whose digest is not the sender's is refused with its message: nothing half-written.
    broken = {**one, "sha256": "0" * 64}
    assert receive(sealed(gd, me, body=payload(attachments=[broken])), now=at("2026-12-01")) == "refused"
    assert Message.objects.count() == 1 and Attachment.objects.count() == 1


def test_x3_an_answers_scans_travel_with_the_answer(as_node, peer, world):
    me, gd = as_node(SC), peer(GD)
    receive(sealed(gd, me), now=at("2026-12-01"))
    request = Message.objects.get()
    services.reply(actor=world["tongjiang_clerk"], message_id=request.pk, data={"body": "已核实，见附件。"}, now=at("2026-12-02"), attachments=[scan(50_000)])
    (sent,) = json.loads(Outbox.objects.get(type="message").payload)["attachments"]
    assert sent["sha256"] == Attachment.objects.get().sha256


def test_x2_the_relays_batch_of_large_scans_stops_at_its_byte_budget_and_the_rest_follows(as_node, peer, clerk, migrant):
    """Eight messages with two 1.9 MB scans each (about 6.9 MB sealed): a batch holds what fits
    in the relay's 32 MB (BATCH_BYTES), not 256 envelopes at once; the next batch takes the rest."""
    from liudong.federation import publishing

    as_node(GD)
    peer(SC)
    for _ in range(8):
        send(clerk, migrant, [scan(1900 * 1024), scan(1900 * 1024, name="户口簿.pdf")])
    ready, waiting = publishing.pending(256, now=at("2026-11-30"))
    sizes = [len(raw) for *_, raw in ready]
    assert waiting == [] and 1 < len(ready) < 8 and sum(sizes[:-1]) < publishing.BATCH_BYTES <= sum(sizes)
    publishing.mark_published([pk for pk, *_ in ready], now=at("2026-11-30"))
    rest, _ = publishing.pending(256, now=at("2026-11-30"))
    assert len(ready) + len(rest) == 8 and {pk for pk, *_ in rest}.isdisjoint(pk for pk, *_ in ready)
