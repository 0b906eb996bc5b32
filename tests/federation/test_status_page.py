"""Issue 16: the administrators' home page shows the node's state as `liudong node status`
prints it (outbox backlog, oldest unpublished, the consumer's pending count, quarantine), and
still renders, saying so, when the NATS server cannot be reached."""
import asyncio
import re

import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from liudong.exchange import services
from liudong.federation import runner
from liudong.federation.models import Quarantined
from tests.conftest import TONGJIANG_T
from tests.exchange.helpers import at

from .cluster import NatsServer, free_port
from .conftest import GD


def panel(client, staff) -> str:
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    page = client.get("/")
    assert page.status_code == 200
    found = re.search(r'<section class="panel node-status".*?</section>', page.content.decode(), re.S)
    return found.group(0) if found else ""


def facts(html: str) -> dict:
    return dict(re.findall(r'<dd data-fact="(\w+)">(.*?)</dd>', html, re.S))


@pytest.fixture
def node_with_a_message(as_node, settings, clerk, migrant):
    as_node(GD)
    services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk,
                                             "subject": "核实", "body": "请核实。"}, now=at("2026-11-30"))
    Quarantined.objects.create(received_at=at("2026-11-30"), reason="forged", envelope=b"x")
    return settings


def test_the_home_page_says_the_nats_server_cannot_be_reached_and_still_shows_the_database_figures(node_with_a_message, client, world):
    node_with_a_message.LIUDONG_NATS_URL = f"nats://127.0.0.1:{free_port()}"  # nothing listens there
    html = panel(client, world["admin"])
    assert "nats-unreachable" in html and "无法连接 NATS 服务器" in html
    shown = facts(html)
    assert shown["outbox_backlog"] == "1" and shown["consumer_pending"] == "—" and "2026-11-30" in shown["oldest_unpublished"]
    assert ">1</a>" in shown["quarantined"]


def test_the_home_page_shows_the_consumers_pending_count_from_a_real_server(node_with_a_message, client, world, tmp_path):
    server = NatsServer(tmp_path, "gd", f"n{GD}").start()
    node_with_a_message.LIUDONG_NATS_URL = server.url
    try:
        assert "no-consumer" in panel(client, world["admin"])

        async def two_waiting():
            nc = await nats.connect(server.url)
            js = nc.jetstream(domain=f"n{GD}")
            await js.add_stream(StreamConfig(name=runner.in_stream(GD), subjects=[f"liudong.*.{GD}"]))
            await js.add_consumer(runner.in_stream(GD), ConsumerConfig(durable_name=runner.CONSUMER, ack_policy=AckPolicy.EXPLICIT))
            for _ in range(2):
                await js.publish(f"liudong.510000000000.{GD}", b"{}")
            await nc.close()

        asyncio.run(two_waiting())
        html = panel(client, world["admin"])
        assert "nats-unreachable" not in html and "no-consumer" not in html and facts(html)["consumer_pending"] == "2"
    finally:
        server.stop()


def test_only_administrators_of_a_node_see_it(as_node, settings, client, world):
    assert panel(client, world["admin"]) == ""  # a single-database install: no node
    as_node(GD)
    settings.LIUDONG_NATS_URL = f"nats://127.0.0.1:{free_port()}"
    assert panel(client, world["auditor"]) == ""
    assert panel(client, world["admin"]) != ""
