"""A cluster on this machine for the federation tests and the benchmark: `nats-server` processes
(the Debian package) on free ports with their own store folders, the hub with JetStream domain
`hub` and a leaf node port, each province a leaf node with its own domain `n<code>`; and Liudong
nodes as subprocesses, each with its own SQLite file, key file and settings."""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
NATS = shutil.which("nats-server") or "/usr/sbin/nats-server"
START = "2026-11-28T10:00:00+08:00"  # tests/conftest.py: TODAY at 10:00 in Beijing
ANCHOR = str(time.time())  # ...at this real moment, for every process of the run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


class NatsServer:
    def __init__(self, folder: Path, name: str, domain: str, *, hub_leaf_port: int | None = None, leaf_port: int | None = None):
        self.folder, self.name, self.domain = folder / name, name, domain
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port, self.leaf_port, self.hub_leaf_port = free_port(), leaf_port, hub_leaf_port
        self.proc = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def config(self, *, linked: bool = True) -> Path:
        lines = [f"server_name: {self.name}", "listen: 127.0.0.1:%d" % self.port, "max_payload: 8MB",  # README: the limit for attachments
                 f'jetstream {{ store_dir: "{self.folder / "js"}", domain: {self.domain} }}']
        if self.leaf_port:
            lines.append(f"leafnodes {{ listen: 127.0.0.1:{self.leaf_port} }}")
        if self.hub_leaf_port and linked:
            lines.append(f'leafnodes {{ remotes = [ {{ url: "nats-leaf://127.0.0.1:{self.hub_leaf_port}" }} ] }}')
        path = self.folder / "server.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def start(self, *, linked: bool = True):
        """Start (again, on the same store folder); `linked=False` starts a province cut off from the hub."""
        log = open(self.folder / "server.log", "ab")
        self.proc = subprocess.Popen([NATS, "-c", str(self.config(linked=linked))], stdout=log, stderr=subprocess.STDOUT)
        wait_port(self.port)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def postgres_url() -> str | None:
    """The PostgreSQL server of this run (DATABASE_URL, as `.ci/run` sets it), or None: SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg(url: str, sql: str, *params, fetch: bool = False):
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        cur = con.execute(sql, params or None)
        return cur.fetchall() if fetch else None


def _with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


class Node:
    """A Liudong node: its own database (a SQLite file copied from a migrated template; on the
    PostgreSQL run a database of its own made from a migrated template database), key file and
    settings; its actions run as subprocesses (node_script.py)."""

    def __init__(self, folder: Path, code: str, server: NatsServer, template):
        self.code, self.server = code, server
        self.folder = folder / f"node-{code}"
        self.folder.mkdir(parents=True, exist_ok=True)
        if isinstance(template, str):  # PostgreSQL: CREATE DATABASE … TEMPLATE
            self.pg_name = f"{template.rsplit('/', 1)[1]}_n{code}"
            _pg(postgres_url(), f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
            _pg(postgres_url(), f'CREATE DATABASE "{self.pg_name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')
            self.db_url, self.db = _with_db(template, self.pg_name), None
        else:
            self.db = self.folder / "db.sqlite3"
            shutil.copy(template, self.db)
            self.db_url = f"sqlite:///{self.db}"
        self.runner = None
        self.env = {**os.environ, "LIUDONG_ENV": "test", "DATABASE_URL": self.db_url, "LIUDONG_NODE": code, "LIUDONG_NATS_URL": server.url,
                    "LIUDONG_NODE_KEY_FILE": str(self.folder / "node-key.json"), "LIUDONG_DATA_DIR": str(self.folder), "LIUDONG_TEST_START": START, "LIUDONG_TEST_ANCHOR": ANCHOR,
                    "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "liudong.settings"}

    def liudong(self, *args) -> str:
        done = subprocess.run([PYTHON, "-m", "liudong.cli", *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def do(self, action: str, args: dict | None = None, *, timeout: float = 300) -> dict:
        done = subprocess.run([PYTHON, "-m", "tests.federation.node_script", action, json.dumps(args or {})], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}

    def start(self):
        log = open(self.folder / "run.log", "ab")
        self.runner = subprocess.Popen([PYTHON, "-m", "tests.federation.node_script", "run"], env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        return self

    def stop(self, sig=signal.SIGTERM) -> int | None:
        if self.runner is None:
            return None
        if self.runner.poll() is None:
            self.runner.send_signal(sig)
        code = self.runner.wait(30)
        self.runner = None
        return code

    def query(self, sql: str, *params) -> list[tuple]:
        """Read this node's database directly (a quick look from the test, not through the app)."""
        if self.db is None:
            return [tuple(r) for r in _pg(self.db_url, sql.replace("?", "%s"), *params, fetch=True)]
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=20) as con:
            return con.execute(sql, params).fetchall()

    def drop(self):
        if self.db is None:
            _pg(postgres_url(), f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def log(self) -> str:
        path = self.folder / "run.log"
        return path.read_text() if path.exists() else ""


def migrated_template(folder: Path):
    """One migrated database for all the nodes of a run (copied for each): a SQLite file, or on
    the PostgreSQL run the URL of a template database."""
    pg = postgres_url()
    if pg:
        name = f"liudong_fed_{os.getpid()}"
        _pg(pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg(pg, f'CREATE DATABASE "{name}"')
        path = url = _with_db(pg, name)
    else:
        path = folder / "template.sqlite3"
        url = f"sqlite:///{path}"
    env = {**os.environ, "LIUDONG_ENV": "test", "DATABASE_URL": url, "LIUDONG_DATA_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    env.pop("LIUDONG_NODE", None)
    done = subprocess.run([PYTHON, "-m", "liudong.cli", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return path


class Cluster:
    """The hub (a JetStream server and the nation's node) and provinces, each a leaf node with
    its own JetStream domain and its own Liudong node; every node trusts every other."""

    def __init__(self, folder: Path, template, provinces: tuple[str, ...]):
        self.template = template
        leaf = free_port()
        self.hub_server = NatsServer(folder, "hub", "hub", leaf_port=leaf).start()
        self.servers = {code: NatsServer(folder, f"n{code}", f"n{code}", hub_leaf_port=leaf).start() for code in provinces}
        self.hub = Node(folder, "000000000000", self.hub_server, template)
        self.nodes = {code: Node(folder, code, self.servers[code], template) for code in provinces}
        everyone = [self.hub, *self.nodes.values()]
        lines = self.lines = {n.code: n.do("init")["line"] for n in everyone}
        for n in everyone:
            n.do("setup_node", {"lines": [line for code, line in lines.items() if code != n.code]})

    def start(self):
        self.hub.start()
        for n in self.nodes.values():
            n.start()
        return self

    def close(self):
        for n in [*self.nodes.values(), self.hub]:
            try:
                n.stop(signal.SIGKILL)
            except Exception:
                pass
        for s in [*self.servers.values(), self.hub_server]:
            s.stop()
        for n in [*self.nodes.values(), self.hub]:
            n.drop()
        if isinstance(self.template, str):
            _pg(postgres_url(), f'DROP DATABASE IF EXISTS "{self.template.rsplit("/", 1)[1]}" WITH (FORCE)')


def wait_for(check, timeout: float = 60, every: float = 0.5):
    """Poll `check()` until it returns something true; its last value otherwise (the test's assert fails on it)."""
    end = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < end:
        time.sleep(every)
        value = check()
    return value
