"""Federation benchmark (issue 16): messages from one province node to another through the hub,
over NATS JetStream, on this machine.

    python bench/federation.py [--messages N] [--rate R] [--per-tx T] [--restart-hub] [--keep]

Starts its own servers and nodes (tests/federation/cluster.py): the hub (`nats-server`, JetStream
domain `hub`, and the nation's Liudong node), 广东 and 四川 as leaf servers with their own domains,
each with its Liudong node (`liudong node run`) on its own SQLite file. The 广东 township clerk's
verification requests to a 四川 township are written by exchange.services.send_message, T to a
transaction, at R a second (0: as fast as the sender goes); each gets its outbox row in its
transaction; the relay publishes them (up to 256 at a time, acknowledgements awaited together);
四川's receiver commits them in batches of up to 256 (one transaction, a savepoint each) and
acknowledges after the commit, and sends a receipt back for each.

Measured: end-to-end throughput (messages committed at the receiver a second, from the first
sender commit to the last receiver commit) and the latency of each message from its sender's
act (its outbox row's time) to the receiver's commit (p50, p95, max). With --restart-hub, the hub
server is stopped for 5 s in the middle of the run and started again on its storage.
Prints `BENCH federation.<name> <value>` lines.
"""
import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.federation.cluster import ANCHOR, START, Cluster, migrated_template, wait_for  # noqa: E402

GD, SC = "440000000000", "510000000000"


def moment(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=0)
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
                wait_for(lambda: gd.query("SELECT count(*) FROM federation_outbox")[0][0] >= a.messages // 2, timeout=3600, every=0.2)
                cluster.hub_server.stop()
                print("  hub stopped", flush=True)
                time.sleep(5)
                cluster.hub_server.start()
                print("  hub started again", flush=True)
            threading.Thread(target=restart, daemon=True).start()
        if a.burst:
            gd.stop()
        t1 = time.monotonic()
        sent = gd.do("send_many", {"count": a.messages, "per_tx": a.per_tx, "rate": a.rate}, timeout=24 * 3600)
        print(f"  sent {a.messages:,} in {sent['seconds']} s ({a.messages / sent['seconds']:.0f}/s at the sender)", flush=True)
        relay_started = None
        if a.burst:
            relay_started = moment(START) + (time.time() - float(ANCHOR))  # on the cluster's clock
            gd.start()
        done = wait_for(lambda: sc.query("SELECT count(*) FROM federation_received WHERE type = 'message'")[0][0] >= a.messages, timeout=3600, every=0.5)
        print(f"  all received {time.monotonic() - t1:.1f} s after the first send", flush=True)
        assert done, "not all received"
        with sqlite3.connect(gd.db) as con:
            con.execute("ATTACH DATABASE ? AS sc", (str(sc.db),))
            rows = con.execute("SELECT o.created_at, r.received_at FROM federation_outbox o JOIN sc.federation_received r ON r.global_id = o.global_id "
                               "WHERE o.type = 'message'").fetchall()
            doubled = con.execute("SELECT count(*) FROM sc.exchange_message WHERE kind = 'verification'").fetchone()[0]
        assert len(rows) == a.messages and doubled == a.messages, (len(rows), doubled)
        lat = sorted(moment(r) - moment(c) for c, r in rows)
        first, last = relay_started or min(moment(c) for c, _ in rows), max(moment(r) for _, r in rows)
        throughput = a.messages / (last - first)
        p50, p95 = statistics.median(lat), lat[int(0.95 * (len(lat) - 1))]
        tag = ("burst." if a.burst else "") + ("restart_hub." if a.restart_hub else "")
        print(f"  {a.messages:,} messages, 0 lost, 0 doubled; throughput {throughput:.0f} msg/s end to end"
              + (" (from the relay's start)" if a.burst else "") + f"; latency p50 {p50:.2f} s, p95 {p95:.2f} s, max {lat[-1]:.2f} s"
              + (" (including the wait for the relay)" if a.burst else ""))
        print(f"BENCH federation.{tag}messages {a.messages}")
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
