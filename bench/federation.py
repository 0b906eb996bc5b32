"""Federation benchmark (issue 16): messages from one province node to another through the hub,
over NATS JetStream, on this machine.

    python bench/federation.py [--messages N] [--rate R] [--per-tx T] [--restart-hub] [--burst] [--keep]

Starts its own servers and nodes (tests/federation/cluster.py): the hub (`nats-server`, JetStream
domain `hub`, and the nation's Liudong node), 广东 and 四川 as leaf servers with their own domains,
each with its Liudong node (`liudong node run`) on its own SQLite file (with DATABASE_URL set to a
PostgreSQL server: a database of its own each, dropped after). 广东's sender writes verification
requests from a 南头街道 clerk to 诺江镇 (四川), T to a transaction, at R a second: the first by
exchange.services.send_message, the others copies of it (each its own message and outbox row with
its own global id; the service writes only ~40 a second here). The relay publishes them (up to
256 at a time, all acknowledgements awaited together, marked published in one UPDATE); 四川's
receiver fetches up to 256 at a time, checks and decrypts each, writes them in one transaction
(one INSERT per table) and acknowledges them after the commit, and sends one receipt back per batch.

Measured: end-to-end throughput (messages committed at the receiver a second, from the first
sender commit to the last receiver commit) and the latency of each message from its sender's
commit (its outbox row's time) to the receiver's commit (p50, p95, max). With --restart-hub, the
hub server is stopped for 5 s when half the messages are written and started again on its
storage. With --burst, all are written with 广东's node stopped, then it is started: throughput
of the transport and the receiver alone (latency then includes the wait). Prints
`BENCH federation.<name> <value>` lines.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.federation.cluster import ANCHOR, START, Cluster, migrated_template, postgres_url, wait_for  # noqa: E402

GD, SC = "440000000000", "510000000000"


def moment(value) -> float:
    """A time as SQLite (text) or PostgreSQL (datetime) returns it, in seconds."""
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).timestamp()


def cpu_seconds(node) -> float:
    """CPU time (user + system) the node's `liudong node run` process has used so far."""
    fields = Path(f"/proc/{node.runner.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=600)
    ap.add_argument("--per-tx", type=int, default=20)
    ap.add_argument("--restart-hub", action="store_true")
    ap.add_argument("--burst", action="store_true", help="write all messages with the sending node's relay stopped, then start it: "
                                                            "throughput of the transport and the receiver, not limited by the sender")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="liudong-bench-federation-"))
    t0 = time.monotonic()
    cluster = Cluster(folder, migrated_template(folder), (GD, SC))
    print(f"cluster ready in {time.monotonic() - t0:.1f} s ({folder})", flush=True)
    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    try:
        cluster.start()
        time.sleep(3)
        if a.restart_hub:
            def restart():
                wait_for(lambda: gd.query("SELECT count(*) FROM federation_outbox WHERE type = 'message'")[0][0] >= a.messages // 2, timeout=3600, every=0.2)
                cluster.hub_server.stop()
                print("  hub stopped", flush=True)
                time.sleep(5)
                cluster.hub_server.start()
                print("  hub started again", flush=True)
            threading.Thread(target=restart, daemon=True).start()
        if a.burst:
            gd.stop()
        t1 = time.monotonic()
        cpu0 = {n.code: cpu_seconds(n) for n in (gd, sc) if n.runner}
        sent = gd.do("write_many", {"count": a.messages, "per_tx": a.per_tx, "rate": 0 if a.burst else a.rate}, timeout=24 * 3600)
        print(f"  written {a.messages:,} in {sent['seconds']} s ({a.messages / sent['seconds']:.0f}/s at the sender)", flush=True)
        relay_started = None
        if a.burst:
            relay_started = moment(START) + (time.time() - float(ANCHOR))  # on the cluster's clock
            gd.start()
        done = wait_for(lambda: sc.query("SELECT count(*) FROM federation_received WHERE type = 'message'")[0][0] >= a.messages, timeout=3600, every=0.5)
        print(f"  all received {time.monotonic() - t1:.1f} s after the first send", flush=True)
        # CPU time a message costs each node (its relay, receiver, receipts), whatever else the machine runs.
        cpu = {n.code: (cpu_seconds(n) - cpu0.get(n.code, 0)) / a.messages * 1000 for n in (gd, sc)}
        assert done, "not all received"
        created = dict(gd.query("SELECT global_id, created_at FROM federation_outbox WHERE type = 'message'"))
        received = sc.query("SELECT global_id, received_at FROM federation_received WHERE type = 'message'")
        rows = [(created[gid], at) for gid, at in received if gid in created]
        doubled = sc.query("SELECT count(*) FROM exchange_message WHERE kind = 'verification'")[0][0]
        assert len(rows) == a.messages and doubled == a.messages and len(received) == a.messages, (len(rows), doubled)
        lat = sorted(moment(r) - moment(c) for c, r in rows)
        first, last = relay_started or min(moment(c) for c, _ in rows), max(moment(r) for _, r in rows)
        throughput = a.messages / (last - first)
        p50, p95 = statistics.median(lat), lat[int(0.95 * (len(lat) - 1))]
        tag = ("postgresql." if postgres_url() else "") + ("burst." if a.burst else "") + ("restart_hub." if a.restart_hub else "")
        print(f"  {a.messages:,} messages, 0 lost, 0 doubled; throughput {throughput:.0f} msg/s end to end"
              + (" (from the relay's start)" if a.burst else "") + f"; latency p50 {p50:.2f} s, p95 {p95:.2f} s, max {lat[-1]:.2f} s"
              + (" (including the wait for the relay)" if a.burst else ""))
        print(f"  CPU a message: sending node {cpu[GD]:.2f} ms, receiving node {cpu[SC]:.2f} ms "
              f"(one idle core each would carry {1000 / max(cpu.values()):.0f} msg/s)")
        print(f"BENCH federation.{tag}messages {a.messages}")
        print(f"BENCH federation.{tag}cpu_ms_sending_node {cpu[GD]:.2f}")
        print(f"BENCH federation.{tag}cpu_ms_receiving_node {cpu[SC]:.2f}")
        print(f"BENCH federation.{tag}throughput_per_s {throughput:.0f}")
        print(f"BENCH federation.{tag}latency_p50_s {p50:.3f}")
        print(f"BENCH federation.{tag}latency_p95_s {p95:.3f}")
        print(f"BENCH federation.{tag}latency_max_s {lat[-1]:.3f}")
    finally:
        cluster.close()
        if not a.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
