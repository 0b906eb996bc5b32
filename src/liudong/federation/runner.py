"""Issue 16: `liudong node run`, the relay and the receiver of one node in one process, on NATS
JetStream (nats-py).

Layout (README, "Nodes"): each province's own `nats-server` is a leaf node of the hub with its own
JetStream domain `n<code>`; the hub's domain is `hub`. A province publishes to its stream
OUT_<code> (subjects liudong.<code>.*), on its own server: it keeps queuing while its link to the
hub is down. The hub's stream EXCHANGE sources every province's OUT stream across the domains;
each province's stream IN_<code> sources from EXCHANGE what is addressed to it
(liudong.*.<code>), and the node reads IN_<code> with a durable pull consumer, acknowledging each
envelope after its own commit.

The relay publishes outbox rows with the global id as Nats-Msg-Id (the stream drops a second copy
within its duplicate window) and marks them published after the server's acknowledgement. Both
loops wait on the server or on a timer, never spin; SIGTERM (or SIGINT) lets the batch in hand
finish, then the process flushes its acknowledgements, closes its connection and exits 0. The client reconnects on its own."""
import asyncio
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import nats
from django.conf import settings
from django.db import DatabaseError, connection
from nats.errors import ConnectionClosedError, NoServersError, TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, ExternalStream, KeyValueConfig, StorageType, StreamConfig, StreamSource
from nats.js.errors import BadRequestError, BucketNotFoundError, NotFoundError

from liudong.codes import NATION_CODE
from liudong.errors import Invalid

from liudong.dates import local_day

from . import hub_directory, overdue, publishing, receive
from .directory import peers
from .keys import load

log = logging.getLogger("liudong.federation")
HUB_DOMAIN = "hub"
EXCHANGE = "EXCHANGE"
CONSUMER = "receiver"
DUPLICATE_WINDOW = 24 * 3600  # seconds: a row republished within a day is dropped by the stream
IDLE = 0.25  # seconds between looks at an empty outbox
RECEIVE_BATCH = 256  # envelopes a fetch, received in one transaction (the crypto is done before it opens)
OVERDUE_EVERY = 300  # seconds between runs of the overdue events' job (idempotent; also a daily job)


def domain(code: str) -> str:
    return HUB_DOMAIN if code == NATION_CODE else f"n{code}"


def out_stream(code: str) -> str:
    return f"OUT_{code}"


def in_stream(code: str) -> str:
    return f"IN_{code}"


class Runner:
    def __init__(self, *, now, node: str | None = None, url: str | None = None, batch: int = 256):
        """`now`: the clock the command reads (invariant 4: liudong.clock at the edge), called
        for the moment of each publication and each receiving commit."""
        self.now = now
        self.node = node or settings.LIUDONG_NODE
        self.url = url or settings.LIUDONG_NATS_URL
        self.batch = batch
        self.max_age = settings.LIUDONG_STREAM_MAX_AGE_HOURS * 3600
        self.db_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="node-db")
        self.stop = None
        self.problems: dict[str, str] = {}

    async def db(self, fn, *args, **kwargs):
        """fn in the node's one database thread, on a connection kept open (one connection a call
        would cost a connect each time on PostgreSQL); a connection that failed is closed, and the
        next call opens another."""
        def call():
            try:
                return fn(*args, **kwargs)
            except DatabaseError:
                connection.close()
                raise
        return await asyncio.get_running_loop().run_in_executor(self.db_thread, call)

    def problem(self, where: str, what: str):
        """One log line per delivery problem (not one per retry of the same problem)."""
        if self.problems.get(where) != what:
            self.problems[where] = what
            log.warning("%s: %s", where, what)

    def solved(self, where: str):
        if self.problems.pop(where, None) is not None:
            log.warning("%s: recovered", where)

    async def pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stop.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    async def run(self) -> int:
        """Until SIGTERM: connect, run the loops; if the client closes its connection for good
        while no stop was asked (nats-py does so on any `-ERR` from the server but a stale
        connection or a permissions violation: client.py `_process_err`), connect again."""
        self.terminated = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.terminated.set)
        try:
            while not self.terminated.is_set():
                self.stop = asyncio.Event()
                relay = asyncio.ensure_future(self._relay_stop())
                try:
                    await self._run_once()
                finally:
                    relay.cancel()
                if not self.terminated.is_set():
                    log.warning("nats: the connection was closed for good; connecting again")
                    await asyncio.sleep(1)
        finally:
            self.db_thread.shutdown(wait=True)
        return 0

    async def _relay_stop(self):
        """A termination stops the loops of the connection in hand."""
        await self.terminated.wait()
        self.stop.set()

    async def _run_once(self) -> None:
        nc = await self.connect()
        if nc is None:
            return
        try:
            js = nc.jetstream(domain=domain(self.node))
            if self.node == NATION_CODE:
                # The hub keeps EXCHANGE in step with its directory, and receives the state
                # events the nodes address to it (routing only: federation.handlers_state).
                while not self.stop.is_set() and not await self.ensure_streams(js):
                    await self.pause(1)
                if not self.stop.is_set():
                    await asyncio.gather(self.hub(js), self.relay(js), self.receiver(js))
            else:
                while not self.stop.is_set() and not await self.ensure_streams(js):
                    await self.pause(1)
                if not self.stop.is_set():
                    loops = [self.relay(js), self.receiver(js), self.overdue()]
                    if settings.LIUDONG_HUB_DIRECTORY:
                        loops.append(self.directory(nc.jetstream(domain=HUB_DOMAIN)))
                    await asyncio.gather(*loops)
        finally:
            try:
                # The acknowledgements of the last batch leave before the connection closes (a
                # drain would wait for the pull subscription's pending requests to time out).
                await nc.flush(timeout=2)
            except (ConnectionClosedError, NatsTimeout, OSError) as e:
                # Acknowledgements that did not leave are redelivered and received as duplicates (idempotent).
                log.warning("stop: the last acknowledgements may not have left (%s: %s); they will be redelivered", type(e).__name__, e)
            await nc.close()

    async def connect(self):
        async def disconnected():
            self.problem("nats", "disconnected")

        async def reconnected():
            self.solved("nats")

        async def error(e):
            self.problem("nats", f"{type(e).__name__}: {e}")

        mine = self.stop  # this connection's loops (a later connection has its own)

        async def closed():
            # Closed for good (not by us): the loops of this connection end, and `run` connects again.
            mine.set()

        while not self.stop.is_set():
            try:
                return await asyncio.wait_for(nats.connect(self.url.split(","), name=f"liudong-{self.node}", max_reconnect_attempts=-1,
                                                           reconnect_time_wait=1, connect_timeout=2, disconnected_cb=disconnected,
                                                           reconnected_cb=reconnected, error_cb=error, closed_cb=closed), timeout=10)
            except (NoServersError, OSError, NatsTimeout, asyncio.TimeoutError) as e:
                self.problem("nats", f"cannot connect to {self.url}: {type(e).__name__}")
                await self.pause(1)
        return None

    async def _ensure(self, js, config: StreamConfig):
        try:
            await js.add_stream(config)
        except BadRequestError:
            await js.update_stream(config)

    async def ensure_streams(self, js) -> bool:
        try:
            await self._ensure(js, StreamConfig(name=out_stream(self.node), subjects=[publishing.subject(self.node, "*")], storage=StorageType.FILE,
                                                max_age=self.max_age, duplicate_window=DUPLICATE_WINDOW))
            # The hub's own IN stream sources EXCHANGE on its own server, and only once EXCHANGE
            # exists: a source set up before its stream was seen never becoming active.
            external = None if self.node == NATION_CODE else ExternalStream(api=f"$JS.{HUB_DOMAIN}.API")
            if self.node == NATION_CODE:
                await self.exchange(js, await self.db(self.sourced))
            await self._ensure(js, StreamConfig(name=in_stream(self.node), storage=StorageType.FILE, max_age=self.max_age, sources=[
                StreamSource(name=EXCHANGE, filter_subject=publishing.subject("*", self.node), external=external)]))
            self.solved("streams")
            return True
        except (NatsTimeout, ConnectionClosedError, BadRequestError, NotFoundError) as e:
            self.problem("streams", f"cannot set up the streams: {type(e).__name__}: {e}")
            return False

    async def relay(self, js):
        while not self.stop.is_set():
            try:
                began = time.monotonic()
                ready, waiting = await self.db(publishing.pending, self.batch, now=self.now())
                sealed = time.monotonic()
            except DatabaseError as e:  # the database is busy or away: say so once, try again
                self.problem("outbox", f"{type(e).__name__}: {e}")
                await self.pause(1)
                continue
            if waiting:
                self.problem("outbox", waiting[0][1])
            if not ready:
                await self.pause(IDLE)
                continue
            acks = await asyncio.gather(*(js.publish(subject, raw, timeout=5, headers={"Nats-Msg-Id": gid}) for _, gid, subject, raw in ready),
                                        return_exceptions=True)
            acked = time.monotonic()
            done = [row[0] for row, ack in zip(ready, acks) if not isinstance(ack, BaseException)]
            failed = [ack for ack in acks if isinstance(ack, BaseException)]
            if done:
                try:
                    await self.db(publishing.mark_published, done, now=self.now())
                except DatabaseError as e:  # published but not marked: published again later, dropped as a duplicate
                    self.problem("outbox", f"cannot mark {len(done)} published: {type(e).__name__}: {e}")
                    await self.pause(1)
                    continue
            log.info("published %d in %.2f s (sealed in %.2f s, acknowledged in %.2f s)", len(done), time.monotonic() - began, sealed - began,
                     acked - sealed)
            if failed:
                self.problem("publish", f"{len(failed)} not acknowledged ({type(failed[0]).__name__}); kept in the outbox")
                await self.pause(1)
            else:
                self.solved("publish")

    async def receiver(self, js):
        sub = None
        while not self.stop.is_set():
            try:
                if sub is None:
                    sub = await js.pull_subscribe(publishing.subject("*", self.node), durable=CONSUMER, stream=in_stream(self.node),
                                                  config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=30, max_ack_pending=20000))
                msgs = await sub.fetch(RECEIVE_BATCH, timeout=1)
            except (NatsTimeout, asyncio.TimeoutError):  # nothing came within the second (the client raises either)
                continue
            except (ConnectionClosedError, BadRequestError, NotFoundError, OSError) as e:
                self.problem("receive", f"{type(e).__name__}: {e}")
                sub = None
                await self.pause(1)
                continue
            began = time.monotonic()
            try:
                outcomes = await self.db(receive.receive_batch, [(m.subject, m.data) for m in msgs], now=self.now())
            except DatabaseError as e:  # not committed: not acknowledged, JetStream redelivers
                self.problem("receive", f"not committed, will be redelivered: {type(e).__name__}: {e}")
                await self.pause(1)
                continue
            for m in msgs:
                await m.ack()
            self.solved("receive")
            log.info("received %d in %.2f s: %s", len(outcomes), time.monotonic() - began, {o: outcomes.count(o) for o in set(outcomes)})

    async def overdue(self):
        """X3: the overdue events of the requests this node holds, for the hub (federation.overdue),
        at the start and every few minutes: idempotent, so a run that finds nothing new writes nothing."""
        while not self.stop.is_set():
            now = self.now()
            try:
                written = await self.db(overdue.report_overdue, today=local_day(now), now=now)
                self.solved("overdue")
                if written:
                    log.info("overdue: %d events for the hub", written)
            except DatabaseError as e:
                self.problem("overdue", f"{type(e).__name__}: {e}")
            await self.pause(OVERDUE_EVERY)

    async def directory(self, hub_js):
        """Watch the hub's directory bucket and adopt its entries (hub_directory.adopt). While the
        hub cannot be reached the directory stays as it is; the watch starts again when it can."""
        while not self.stop.is_set():
            watcher = None
            try:
                watcher = await (await hub_js.key_value(hub_directory.BUCKET)).watchall()
                self.solved("directory")
                while not self.stop.is_set():
                    try:
                        entry = await watcher.updates(timeout=1)
                    except (NatsTimeout, asyncio.TimeoutError):
                        continue
                    if entry is None or not entry.value:  # the marker after the entries there were
                        continue
                    try:
                        outcome = await self.db(hub_directory.adopt, entry.value, now=self.now())
                    except Invalid as e:
                        self.problem(f"directory {entry.key}", "; ".join(m for ms in e.errors.values() for m in ms))
                        continue
                    except DatabaseError as e:
                        self.problem("directory", f"{type(e).__name__}: {e}")
                        break
                    if outcome in ("trusted", "revoked"):
                        log.warning("directory: %s %s from the hub's directory", entry.key, outcome)
            except (BucketNotFoundError, NatsTimeout, ConnectionClosedError, BadRequestError, NotFoundError, OSError) as e:
                self.problem("directory", f"the hub's directory cannot be read: {type(e).__name__}")
            finally:
                if watcher is not None:
                    try:
                        await watcher.stop()
                    except (NatsTimeout, ConnectionClosedError, BadRequestError, NotFoundError, OSError):
                        pass
            await self.pause(5)

    @staticmethod
    def sourced() -> list[str]:
        """The nodes whose OUT streams the hub's EXCHANGE sources: its directory's, not revoked."""
        return sorted({p.code for p in peers() if p.revoked_on is None and p.code != NATION_CODE})

    async def exchange(self, js, codes: list[str]) -> None:
        await self._ensure(js, StreamConfig(name=EXCHANGE, storage=StorageType.FILE, max_age=self.max_age, sources=[
            StreamSource(name=out_stream(c), external=ExternalStream(api=f"$JS.{domain(c)}.API")) for c in codes]))

    async def hub(self, js):
        """The hub's stream sources the OUT stream of every node of its directory; kept in step
        with the directory every few seconds, as is the directory's bucket (hub_directory)."""
        known, written, kv = None, {}, None
        keys = load()
        while not self.stop.is_set():
            codes = await self.db(self.sourced)
            try:
                if kv is None:
                    try:
                        kv = await js.key_value(hub_directory.BUCKET)
                    except BucketNotFoundError:
                        kv = await js.create_key_value(KeyValueConfig(bucket=hub_directory.BUCKET, history=10, storage=StorageType.FILE))
                for code, value in (await self.db(hub_directory.entries, keys)).items():
                    if written.get(code) != value:
                        await kv.put(code, value)
                        written[code] = value
                self.solved("directory")
            except (NatsTimeout, ConnectionClosedError, BadRequestError, NotFoundError) as e:
                kv = None
                self.problem("directory", f"cannot write the directory's bucket: {type(e).__name__}: {e}")
            if codes != known:
                try:
                    await self.exchange(js, codes)
                    known = codes
                    self.solved("hub")
                except (NatsTimeout, ConnectionClosedError, BadRequestError, NotFoundError) as e:
                    self.problem("hub", f"{type(e).__name__}: {e}")
            await self.pause(2)


async def _quiet(e):
    """The status only reports whether the server answered (the client would print a traceback)."""


async def status(node: str | None = None, url: str | None = None, *, timeout: float = 2) -> dict:
    """The consumer's pending count, from the server: {"nats": "ok", "consumer_pending": n}, or
    "nats": "unreachable" (no answer within `timeout` seconds) or "no_consumer" (the node has
    not run yet), with the count None."""
    node = node or settings.LIUDONG_NODE
    try:
        # Bounded: the client may otherwise keep trying a server that refuses.
        nc = await asyncio.wait_for(nats.connect((url or settings.LIUDONG_NATS_URL).split(","), connect_timeout=timeout, max_reconnect_attempts=0,
                                                 allow_reconnect=False, error_cb=_quiet), timeout=timeout + 1)
    except (NoServersError, OSError, NatsTimeout, asyncio.TimeoutError):
        return {"nats": "unreachable", "consumer_pending": None}
    try:
        info = await nc.jetstream(domain=domain(node)).consumer_info(in_stream(node), CONSUMER, timeout=timeout)
        return {"nats": "ok", "consumer_pending": info.num_pending + info.num_ack_pending}
    except NotFoundError:
        return {"nats": "no_consumer", "consumer_pending": None}
    except (NatsTimeout, BadRequestError, asyncio.TimeoutError):
        return {"nats": "unreachable", "consumer_pending": None}
    finally:
        await nc.close()
