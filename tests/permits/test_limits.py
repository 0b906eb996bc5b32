"""Issue 13 item 4: the public check pages (a residence permit's, a certificate's) count the looks
of a client address in Django's cache on a backend every process shares (liudong.limits.hit): a
database table on the embedded default, created by `migrate`, Redis when configured. Separate
processes on one database share one allowance."""
import datetime
import os
import subprocess
import sys

import pytest

from liudong.limits import hit

LOOK = """
import datetime, django, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "liudong.settings"
django.setup()
from django.core.management import call_command
from liudong.limits import hit
call_command("createcachetable", verbosity=0)
moment = datetime.datetime(2026, 11, 28, 9, 30, 5, tzinfo=datetime.timezone.utc)
print(",".join("1" if hit("permit", "203.0.113.9", limit=5, moment=moment) else "0" for _ in range(int(sys.argv[1]))))
"""


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIUDONG_CACHE", "LIUDONG_TASK_QUEUE")}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}", "LIUDONG_DATA_DIR": str(tmp_path), "LIUDONG_ENV": "development", **extra})
    return env


def test_two_processes_share_one_allowance(tmp_path):
    """Process one looks 3 times, process two 3 times, within the same minute: the sixth look is
    refused (a per-process memory cache would have allowed all six)."""
    env = _env(tmp_path)
    first = subprocess.run([sys.executable, "-c", LOOK, "3"], env=env, capture_output=True, text=True, timeout=120, check=True)
    second = subprocess.run([sys.executable, "-c", LOOK, "3"], env=env, capture_output=True, text=True, timeout=120, check=True)
    assert (first.stdout.strip(), second.stdout.strip()) == ("1,1,1", "1,1,0")


def test_the_cache_backend_is_chosen_by_the_environment_and_fails_loudly(tmp_path):
    show = "import os; os.environ['DJANGO_SETTINGS_MODULE']='liudong.settings'; from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    default = subprocess.run([sys.executable, "-c", show], env=_env(tmp_path), capture_output=True, text=True, timeout=60, check=True)
    assert default.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"
    redis = subprocess.run([sys.executable, "-c", show], env=_env(tmp_path, LIUDONG_TASK_QUEUE="redis"), capture_output=True, text=True, timeout=60, check=True)
    assert redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache"   # follows the queue unless LIUDONG_CACHE says
    bad = subprocess.run([sys.executable, "-c", show], env=_env(tmp_path, LIUDONG_CACHE="memory"), capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "LIUDONG_CACHE must be database or redis" in bad.stderr


@pytest.mark.django_db
def test_windows_and_addresses_count_apart():
    at = datetime.datetime(2026, 11, 28, 9, 30, 59, tzinfo=datetime.timezone.utc)
    assert [hit("certificate", "198.51.100.1", limit=2, moment=at) for _ in range(3)] == [True, True, False]
    assert hit("certificate", "198.51.100.2", limit=2, moment=at)                                 # another address
    assert hit("permit", "198.51.100.1", limit=2, moment=at)                                      # another page
    assert hit("certificate", "198.51.100.1", limit=2, moment=at + datetime.timedelta(seconds=1))  # the next minute


def test_migrate_creates_the_cache_table(tmp_path):
    env = _env(tmp_path)
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "liudong"), "migrate", "-v0"],
                   env=env, check=True, timeout=600, capture_output=True)
    import sqlite3

    tables = {r[0] for r in sqlite3.connect(tmp_path / "shared.sqlite3").execute("select name from sqlite_master where type='table'")}
    assert "liudong_cache" in tables


@pytest.mark.django_db
def test_the_four_public_check_pages_share_the_helper_and_answer_429(monkeypatch):
    """A permit's, a certificate's, a report slip's and a desk result sheet's check pages (issues 10,
    11, 12, 13) all count through accounts.views_support.over_limit in liudong.limits.hit: past the limit
    a page answers 429 with Retry-After, whatever the token."""
    from django.test import Client

    from liudong.accounts import views_support
    from liudong.certificates import views as certificates
    from liudong.desk import views as desk
    from liudong.permits import views as permits
    from liudong.technical import views as technical

    moment = datetime.datetime(2026, 11, 28, 9, 30, 1, tzinfo=datetime.timezone.utc)   # one window, whatever the clock does meanwhile
    monkeypatch.setattr(views_support, "now", lambda: moment)
    for path, limit in (("/check/permit/{}/", permits.PUBLIC_CHECKS_PER_MINUTE), ("/v/{}/", certificates.PUBLIC_CHECKS_PER_MINUTE),
                        ("/services/slip/{}/", technical.PUBLIC_CHECKS_PER_MINUTE), ("/check/query-sheet/{}/", desk.PUBLIC_CHECKS_PER_MINUTE)):
        client = Client(REMOTE_ADDR="192.0.2.44")
        answers = [client.get(path.format("A" * 43)).status_code for _ in range(limit + 1)]
        assert answers[:limit] == [404] * limit and answers[-1] == 429, (path, answers)
        assert client.get(path.format("A" * 43))["Retry-After"] == "60"
