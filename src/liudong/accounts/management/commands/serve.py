"""`liudong serve HOST:PORT`: the production WSGI server (waitress) for liudong.wsgi.application,
with the background worker (`liudong worker`, export jobs) as a child process.

WhiteNoise (in the middleware) serves the static files, so nothing else is needed in front for a
township laptop. Behind a TLS-terminating proxy, pass --trusted-proxy so that waitress keeps the
proxy's X-Forwarded-Proto header (it strips untrusted proxy headers) and Django sees HTTPS.

The worker starts with the server and stops with it (Ctrl-C, SIGTERM); if it dies it is started
again. Where the worker runs as a service of its own (README, systemd), pass --no-worker.
"""
import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import get_internal_wsgi_application


def parse_address(addr: str) -> tuple[str, int]:
    """HOST:PORT, [IPv6]:PORT, or PORT alone (on 127.0.0.1); port 0 picks a free port."""
    addr = (addr or "").strip()
    if addr.isdigit():
        host, port = "127.0.0.1", addr
    elif addr.startswith("["):
        host, sep, port = addr[1:].partition("]:")
        if not sep:
            raise CommandError(f"地址应为 [IPv6]:端口 / the address must be [IPv6]:PORT, got {addr!r}")
    else:
        host, sep, port = addr.rpartition(":")
        if not sep or not host:
            raise CommandError(f"地址应为 主机:端口 / the address must be HOST:PORT, got {addr!r}")
    if not port.isdigit() or not 0 <= int(port) < 65536:  # 0: any free port (printed)
        raise CommandError(f"端口应为 0-65535 / the port must be 0-65535, got {port!r}")
    return host, int(port)


class Command(BaseCommand):
    help = "运行生产服务器（waitress） / run the production server (waitress) on HOST:PORT"
    requires_system_checks = "__all__"

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000", help="HOST:PORT (default 127.0.0.1:8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
        parser.add_argument("--trusted-proxy", default=None, help="address of the reverse proxy whose X-Forwarded-Proto is trusted")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker (it runs as a service of its own)")

    def handle(self, *args, address, threads, trusted_proxy, no_worker, **options):
        from waitress import create_server

        host, port = parse_address(address)
        if threads < 1:
            raise CommandError("--threads 至少为 1 / --threads must be at least 1")
        kw = {"host": host, "port": port, "threads": threads, "ident": "liudong"}
        if trusted_proxy:
            kw.update(trusted_proxy=trusted_proxy, trusted_proxy_headers={"x-forwarded-proto"})
        server = create_server(get_internal_wsgi_application(), **kw)
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Liudong 流动 serving on http://{shown}:{server.effective_port}/ (waitress, {threads} threads, {settings.ENVIRONMENT}); Ctrl-C to stop")
        self.stdout.flush()
        worker = None if no_worker else WorkerProcess(self.stderr)
        # SIGTERM (systemd, a terminal closing) stops the server like Ctrl-C, so the worker stops too.
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            if worker:
                worker.start()
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.close()
            if worker:
                worker.stop()


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _die_with_parent():
    """The worker ends if the server is killed outright (Linux: PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except Exception:  # not Linux: the worker then outlives a killed server, as a daemon would
        pass


class WorkerProcess:
    """`liudong worker` as a child process, started again (after a pause) if it dies."""

    def __init__(self, stderr):
        self.stderr = stderr
        self.proc = None
        self.stopping = threading.Event()
        self.watch = threading.Thread(target=self._watch, name="worker-watch", daemon=True)

    def _spawn(self):
        # Its own process group: Ctrl-C reaches the server only, which then stops the worker gracefully.
        # The child uses this server's queue and export folder even where they are derived per process.
        env = {**os.environ, "LIUDONG_TASK_SQLITE": str(settings.TASK_SQLITE), "LIUDONG_EXPORTS_DIR": str(settings.EXPORTS_DIR)}
        self.proc = subprocess.Popen([sys.executable, "-m", "liudong.cli", "worker"], env=env, preexec_fn=_die_with_parent, process_group=0)

    def start(self):
        self._spawn()
        self.watch.start()

    def _watch(self):
        while not self.stopping.wait(1.0):
            if self.proc.poll() is not None and not self.stopping.is_set():
                self.stderr.write(f"后台任务进程已退出（{self.proc.returncode}），5 秒后重启 / the worker exited ({self.proc.returncode}): starting it again in 5 s")
                if self.stopping.wait(5.0):
                    return
                self._spawn()

    def stop(self):
        self.stopping.set()
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)  # running jobs finish, or are run again at the next start
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
