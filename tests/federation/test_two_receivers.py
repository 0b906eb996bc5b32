"""Issue 16 (receiving is idempotent): two receivers of one consumer, each with its own
connection, race for one envelope (tests/federation/node_race.py), in a node's own database (a
SQLite file, or a PostgreSQL database on the PostgreSQL run), as two `node run` processes would.
Each global id is written once and each message once; on PostgreSQL the first receiver's batch
meets the global id the second committed meanwhile and is received again one envelope to a
transaction (its fall-back, logged); on SQLite the writers wait for each other before reading."""
import os

from .cluster import Node, _pg, migrated_template, postgres_url

SC = "510000000000"


class NoServer:
    url = "nats://127.0.0.1:1"  # the race needs no broker: it calls the receiver directly


def test_two_receivers_racing_for_one_global_id_write_it_once_and_the_batch_falls_back_one_envelope_at_a_time(tmp_path):
    template = migrated_template(tmp_path)
    node = Node(tmp_path, SC, NoServer(), template)
    try:
        node.do("init")
        node.do("world")
        out = node.do("race", {"folder": str(tmp_path)})
    finally:
        node.drop()
        if isinstance(template, str):
            _pg(postgres_url(), f'DROP DATABASE IF EXISTS "{template.rsplit("/", 1)[1]}" WITH (FORCE)')
    assert out["errors"] == [], out
    assert out["outcomes"] == {"second": ["accepted"], "first": ["duplicate", "accepted"]}, out
    assert list(out["received"].values()) == [1, 1] and out["messages"] == ["并发 E", "并发 F"], out
    assert out["fallback"] is (out["vendor"] == "postgresql"), out
    assert out["vendor"] == ("postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite")
