"""`liudong node …` (issue 16): this node's keys, its directory of peers, its state, and the
relay with the receiver.

- `init [--rotate]`: create the node's key pairs in LIUDONG_NODE_KEY_FILE and print one line,
  `CODE ed25519:… x25519:…` (the public keys only; the private keys never leave the file).
- `trust LINE [--on DATE]`: add (or replace: rotation) the peer another node's `init` printed,
  trusted from DATE (default today); audited.
- `revoke CODE [--on DATE]`: withdraw trust in a peer; audited.
- `peers`: the directory, with trusted-from and revoked-on dates.
- `status`: outbox backlog, oldest unpublished envelope, the consumer's pending count, quarantine.
- `run`: the relay and the receiver until SIGTERM (exit 0)."""
import asyncio
import json
import logging

from django.conf import settings
from django.core.management.base import CommandError

from liudong import clock
from liudong.cli import Subcommands, arg, day_of_act
from liudong.federation import directory, keys, queries
from liudong.federation.runner import Runner


def _node() -> str:
    if not settings.LIUDONG_NODE:
        raise CommandError("未设置 LIUDONG_NODE：单库模式无需节点 / LIUDONG_NODE is not set: a single-database install has no node")
    return settings.LIUDONG_NODE


class Command(Subcommands):
    help = "节点 / this node: keys, peers, status, relay and receiver (issue 16)"
    subcommands = {
        "init": ("create this node's keys and print its public line", arg("--rotate", action="store_true", help="replace existing keys (rotation)")),
        "trust": ("trust another node from a date", arg("line", nargs="+", help="what the other node's `init` printed"),
                  arg("--on", default=None, help="trusted from this day, YYYY-MM-DD (default today)")),
        "revoke": ("withdraw trust in a node", arg("code"), arg("--on", default=None, help="from this day (default today)")),
        "peers": ("list the directory of nodes",),
        "status": ("outbox backlog, consumer pending, quarantine", arg("--json", action="store_true")),
        "run": ("run the relay and the receiver until SIGTERM", arg("--batch", type=int, default=256),
                arg("--verbose", action="store_true", help="log every batch published and received, with its times")),
    }

    def handle_init(self, *, rotate, **_):
        node = _node()
        made = keys.create(node, replace=rotate)
        self.stdout.write(made.public_line())

    def handle_trust(self, *, line, on, **_):
        _node()
        peer = directory.trust(line=" ".join(line), on=day_of_act(on), now=clock.now(), by="liudong node trust")
        self.stdout.write(f"{peer.code} trusted from {peer.trusted_from}")

    def handle_revoke(self, *, code, on, **_):
        _node()
        n = directory.revoke(code=code, on=day_of_act(on), now=clock.now(), by="liudong node revoke")
        self.stdout.write(f"{code}: {n} revoked")

    def handle_peers(self, **_):
        for p in directory.peers():
            self.stdout.write(f"{p.code} ed25519:{p.sign_key} x25519:{p.box_key} from {p.trusted_from} revoked {p.revoked_on or '-'}")

    def handle_status(self, *, json: bool = False, **_):
        _node()
        data = queries.node_status()
        if json:
            self.stdout.write(_json(data))
        else:
            for k, v in data.items():
                self.stdout.write(f"{k}: {'-' if v is None else v}")

    def handle_run(self, *, batch, verbose=False, **_):
        node = _node()
        keys.load()  # no key file: say so now, not at the first envelope
        logging.getLogger("liudong.federation").setLevel(logging.INFO if settings.DEBUG or verbose else logging.WARNING)
        self.stderr.write(f"node {node} on {settings.LIUDONG_NATS_URL}")
        code = asyncio.run(Runner(now=clock.now, node=node, batch=batch).run())
        self.stderr.write(f"node {node} stopped")
        raise SystemExit(code)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)
