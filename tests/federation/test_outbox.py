"""Issue 16, step 2: the transactional outbox and the envelope. A message to a place outside the
node gets its outbox row in the same transaction as the act; the envelope shows only routing in
clear, is encrypted to the receiving node and signed by the sender (X2, X5)."""
import json

import pytest
from django.db import transaction

from liudong.exchange import services
from liudong.exchange.models import Message
from liudong.federation import envelope, publishing
from liudong.federation.models import Outbox
from tests.conftest import FUTIAN_T, TONGJIANG_T
from tests.exchange.helpers import at

from .conftest import GD, SC

ASK = {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "subject": "核实李娜婚育情况", "body": "请核实。"}


def send(clerk, migrant, **data):
    return services.send_message(actor=clerk, data={**ASK, "person": migrant.pk, **data}, now=at("2026-11-30"))


def test_x2_single_database_without_a_node_is_unchanged(settings, clerk, migrant):
    settings.LIUDONG_NODE = ""
    message = send(clerk, migrant)
    assert not Outbox.objects.exists()
    assert message.arrived_at == at("2026-11-30") and message.due_on is not None  # delivered at once, as today


def test_x2_a_message_to_another_province_gets_its_outbox_row_and_waits_for_its_arrival(as_node, clerk, migrant):
    as_node(GD)
    message = send(clerk, migrant)
    row = Outbox.objects.get()
    assert (row.message, row.type, row.sender, row.receiver, row.to_node, row.published_at) == (message, "message", clerk.division_id, TONGJIANG_T, SC, None)
    payload = json.loads(row.payload)
    assert payload["person"]["id_number"] == migrant.id_number and payload["person"]["name"] == "李娜"
    assert payload["person"]["hukou_division"] == migrant.hukou_division_id and payload["kind"] == "verification"
    message.refresh_from_db()
    # X5: the receiver's clock starts at the receiving node's commit, not at the sending.
    assert message.sent_at == at("2026-11-30") and message.arrived_at is None and message.due_on is None and message.state == "sent"


def test_x2_a_message_within_the_node_stays_in_the_database(as_node, clerk, migrant):
    as_node(GD)
    send(clerk, migrant, receiver=FUTIAN_T)
    assert not Outbox.objects.exists()


def test_x2_act_and_outbox_row_commit_or_roll_back_together(as_node, clerk, migrant):
    as_node(GD)
    with pytest.raises(RuntimeError), transaction.atomic():
        send(clerk, migrant)
        assert Outbox.objects.count() == 1
        raise RuntimeError("the act fails after the message was written")
    assert not Message.objects.exists() and not Outbox.objects.exists()


def test_x2_an_invalid_message_writes_no_outbox_row(as_node, clerk, migrant):
    as_node(GD)
    with pytest.raises(Exception):
        send(clerk, migrant, subject="")
    assert not Outbox.objects.exists()


def test_envelope_shows_routing_only_and_opens_only_for_its_receiver(as_node, peer, clerk, migrant, tmp_path):
    as_node(SC)
    sichuan = as_node(SC)
    as_node(GD)
    peer_line = sichuan.public_line()
    from liudong.federation import directory
    directory.trust(line=peer_line, on=at("2026-01-01").date(), now=at("2026-11-28"))
    send(clerk, migrant)
    (pk, gid, subject, raw), = publishing.pending(10, now=at("2026-11-30"))[0]
    assert subject == f"liudong.{GD}.{SC}"
    for secret in (migrant.name, migrant.id_number, "核实李娜婚育情况", "请核实"):
        assert secret.encode() not in raw and json.dumps(secret).strip('"').encode() not in raw
    env = envelope.parse(raw)
    assert env["routing"]["id"] == gid and env["routing"]["receiver"] == TONGJIANG_T and env["routing"]["from_node"] == GD
    from liudong.federation import keys
    mine = keys.load()
    envelope.verify(env, mine.sign_public)
    assert json.loads(envelope.open_sealed(env, sichuan))["person"]["name"] == "李娜"
    with pytest.raises(envelope.Refused) as wrong:
        envelope.open_sealed(env, mine)  # sealed to Sichuan: the sender itself cannot open it
    assert wrong.value.reason == "undecryptable"
    # A changed routing field (a hub rerouting it) breaks the signature.
    tampered = {**env, "routing": {**env["routing"], "receiver": "511921100001"}}
    with pytest.raises(envelope.Refused) as forged:
        envelope.verify(tampered, mine.sign_public)
    assert forged.value.reason == "forged"


def test_the_relay_waits_for_a_peer_it_does_not_know(as_node, clerk, migrant):
    as_node(GD)
    send(clerk, migrant)
    ready, waiting = publishing.pending(10, now=at("2026-11-30"))
    assert ready == [] and "510000000000" in waiting[0][1]
