"""`make run` is one command: `liudong serve` starts the background worker as a child process and
stops it with the server."""
import os
import subprocess
import sys
import time
from pathlib import Path


def liudong(*args):
    return [sys.executable, "-m", "liudong.cli", *args]


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_serve_starts_the_worker_and_stops_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIUDONG_TASK_SQLITE", "LIUDONG_EXPORTS_DIR")}
    env.update(LIUDONG_DATA_DIR=str(tmp_path), LIUDONG_ENV="development")
    subprocess.run(liudong("migrate", "-v0"), env=env, check=True, timeout=300)
    server = subprocess.Popen(liudong("serve", "127.0.0.1:0", "--threads", "2"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "serving on http://127.0.0.1:" in server.stdout.readline()
        deadline = time.monotonic() + 60
        workers = []
        while not workers and time.monotonic() < deadline:
            workers = [pid for pid in children(server.pid) if "liudong.cli worker" in cmdline(pid)]
            time.sleep(0.2)
        assert len(workers) == 1, "serve started no worker"
        # the worker uses the server's queue file under LIUDONG_DATA_DIR/var/
        deadline = time.monotonic() + 60
        while not (tmp_path / "var" / "tasks.sqlite3").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (tmp_path / "var" / "tasks.sqlite3").exists()
    finally:
        server.terminate()  # SIGTERM, as systemd stops it
        server.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while alive(workers[0]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(workers[0]), "the worker outlived the server"


def test_serve_without_the_worker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIUDONG_TASK_SQLITE", "LIUDONG_EXPORTS_DIR")}
    env.update(LIUDONG_DATA_DIR=str(tmp_path), LIUDONG_ENV="development")
    server = subprocess.Popen(liudong("serve", "127.0.0.1:0", "--no-worker"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "serving on http://127.0.0.1:" in server.stdout.readline()
        time.sleep(1)  # time enough for a worker to have been started, were one started
        assert not [pid for pid in children(server.pid) if "worker" in cmdline(pid)]
    finally:
        server.terminate()
        server.communicate(timeout=60)
