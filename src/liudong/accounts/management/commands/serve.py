"""`liudong serve HOST:PORT`: the production WSGI server (waitress) for liudong.wsgi.application.

WhiteNoise (in the middleware) serves the static files, so nothing else is needed in front for a
township laptop. Behind a TLS-terminating proxy, pass --trusted-proxy so that waitress keeps the
proxy's X-Forwarded-Proto header (it strips untrusted proxy headers) and Django sees HTTPS.
"""
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

    def handle(self, *args, address, threads, trusted_proxy, **options):
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
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
