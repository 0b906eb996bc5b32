"""Deployment: `liudong check --deploy` reports nothing under production settings, and the
production server (`liudong serve`, waitress) answers with the security headers."""
import http.client
import os
import secrets
import subprocess
import sys

import pytest

from liudong.accounts.management.commands.serve import parse_address

PRODUCTION_ENV = {
    "LIUDONG_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "liudong.example.org",
}


def liudong(*args):
    return [sys.executable, "-m", "liudong.cli", *args]


def clean_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DATABASE_URL")}
    env.update(LIUDONG_DATA_DIR=str(tmp_path), **extra)
    return env


def test_check_deploy_reports_no_issues(tmp_path):
    result = subprocess.run(
        liudong("check", "--deploy", "--fail-level", "WARNING"), env=clean_env(tmp_path, **PRODUCTION_ENV),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = clean_env(tmp_path, **{**PRODUCTION_ENV, "SECRET_KEY": ""})
    result = subprocess.run(liudong("check"), env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("addr, expected", [
    ("127.0.0.1:8000", ("127.0.0.1", 8000)), ("0.0.0.0:80", ("0.0.0.0", 80)), ("8001", ("127.0.0.1", 8001)),
    ("[::1]:8002", ("::1", 8002)), ("localhost:65535", ("localhost", 65535)),
])
def test_serve_address(addr, expected):
    assert parse_address(addr) == expected


@pytest.mark.parametrize("addr", ["", "host", ":80", "127.0.0.1:0x50", "127.0.0.1:70000", "[::1]8000"])
def test_serve_bad_address(addr):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        parse_address(addr)


class Server:
    """`liudong serve 127.0.0.1:0 ...` in a subprocess; the port is read from the printed URL."""

    def __init__(self, env, *extra):
        self.proc = subprocess.Popen(liudong("serve", "127.0.0.1:0", "--threads", "2", *extra), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "serving on http://127.0.0.1:" not in line:
            self.proc.kill()
            _, err = self.proc.communicate(timeout=10)
            raise AssertionError(f"serve did not start: {line!r} {err}")
        self.url = line.split("serving on ")[1].split()[0]
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def get(self, path, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response, body

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def migrated(tmp_path):
    env = clean_env(tmp_path, LIUDONG_ENV="test")
    subprocess.run(liudong("migrate", "-v0"), env=env, check=True, timeout=120)
    return tmp_path


def test_serve_serves_pages_and_static_files(migrated):
    server = Server(clean_env(migrated, LIUDONG_ENV="development"))
    try:
        response, body = server.get("/django-admin/login/")
        assert response.status == 200 and "Content-Security-Policy" in dict(response.getheaders())
        response, body = server.get("/static/admin/css/base.css")
        assert response.status == 200 and body  # WhiteNoise, no separate web server
        assert response.getheader("Server") == "liudong"
    finally:
        server.stop()


def test_production_responses_carry_the_security_headers(migrated):
    env = clean_env(migrated, **PRODUCTION_ENV)
    server = Server(env, "--trusted-proxy", "127.0.0.1")
    try:
        # Plain HTTP is sent to HTTPS.
        response, _ = server.get("/django-admin/login/", {"Host": "liudong.example.org"})
        assert response.status == 301 and response.getheader("Location") == "https://liudong.example.org/django-admin/login/"
        # Through the TLS-terminating proxy:
        response, body = server.get("/django-admin/login/", {"Host": "liudong.example.org", "X-Forwarded-Proto": "https"})
        assert response.status == 200
        csp = response.getheader("Content-Security-Policy")
        assert csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
        assert response.getheader("X-Frame-Options") == "DENY"
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("Referrer-Policy") == "same-origin"
        cookie = response.getheader("Set-Cookie") or ""
        assert "csrftoken=" in cookie and "Secure" in cookie
        # An unknown host is refused (ALLOWED_HOSTS).
        response, _ = server.get("/django-admin/login/", {"Host": "evil.example.com", "X-Forwarded-Proto": "https"})
        assert response.status == 400
    finally:
        server.stop()


def test_a_forged_forwarded_proto_is_ignored_without_a_trusted_proxy(migrated):
    server = Server(clean_env(migrated, **PRODUCTION_ENV))
    try:
        response, _ = server.get("/django-admin/login/", {"Host": "liudong.example.org", "X-Forwarded-Proto": "https"})
        assert response.status == 301  # waitress strips the untrusted header: still plain HTTP
    finally:
        server.stop()
