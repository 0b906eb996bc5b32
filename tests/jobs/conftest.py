"""Export jobs run for real here: the queue is Huey's SQLite storage (a file of this test run; one
test uses the Redis server), and a real consumer runs in threads of the test process, started by
the `worker` fixture exactly as `liudong worker` starts one (recovery first, then the consumer).
Tests are transactional: the worker's threads have their own database connections and see only
what is committed.

A transactional test ends by emptying every table (TransactionTestCase), the code list and the
policy values included, so each test loads them again first (the loaders skip what is there).
"""
import datetime
import importlib
import threading
import time

import pytest
from django.utils import timezone
from django.test import Client

from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id, password

PERIOD = {"start": "2026-01-01", "end": "2026-11-28"}
WAIT_SECONDS = 120  # a guard against a hung worker, not a timing assertion


@pytest.fixture(autouse=True)
def reference_data(request):
    if request.node.get_closest_marker("django_db") is None:
        return  # a test of processes only (test_serve.py)
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    for module in ("liudong.divisions.migrations.0002_load_official_codes", "liudong.policy.migrations.0002_national_2009_registry_values",
                   "liudong.jobs.migrations.0002_export_retention_policy"):
        importlib.import_module(module).load(apps, None)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Invariant 4: the web and API edges date the request (the file's 制表日期)."""
    monkeypatch.setattr("liudong.jobs.api.today", lambda: TODAY)
    monkeypatch.setattr("liudong.jobs.views.today", lambda: TODAY)


@pytest.fixture(autouse=True)
def exports_dir(settings, tmp_path):
    settings.EXPORTS_DIR = (tmp_path / "exports").resolve()
    return settings.EXPORTS_DIR


@pytest.fixture
def queue():
    """Huey's storage, emptied: nothing left over from another test."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    yield HUEY
    HUEY.flush()


def thread_consumer(huey, workers=2):
    """Huey's consumer in threads of this process, without its signal handlers (pytest keeps
    Ctrl-C). Polls the queue at least every 0.2 s."""
    from huey.consumer import Consumer

    class TestConsumer(Consumer):
        def _set_signal_handlers(self):
            pass

    return TestConsumer(huey, workers=workers, worker_type="thread", periodic=False, max_delay=0.2, check_worker_health=False)


class Worker:
    def __init__(self, huey):
        self.huey = huey
        self.consumer = None

    def start(self):
        from liudong.jobs import services, tasks  # noqa: F401 - the queue's tasks

        services.recover(at_start=True, now=timezone.now())  # what `liudong worker` does first
        self.consumer = thread_consumer(self.huey)
        self.consumer.start()
        return self

    def stop(self):
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
            self.consumer = None


@pytest.fixture
def worker(queue):
    w = Worker(queue).start()
    yield w
    w.stop()


@pytest.fixture
def stopped_worker(queue):
    """A worker the test starts itself (to test what happens to jobs queued while none ran)."""
    w = Worker(queue)
    yield w
    w.stop()


def wait_for(job_id, *states, timeout=WAIT_SECONDS):
    from liudong.jobs.models import ExportJob

    states = states or ("done", "failed", "cancelled")
    deadline = time.monotonic() + timeout
    while True:
        job = ExportJob.objects.get(pk=job_id)
        if job.state in states:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.state} ({job.progress}%) after {timeout} s; message {job.message!r}")
        time.sleep(0.05)


def add_migrants(n, *, division=NANTOU_V1, arrived="2026-03-01", first=0):
    """n inflow migrants from 通江县 living in `division` since `arrived`, through the bulk import
    (people.imports, the path `liudong people import` takes)."""
    from liudong.people.imports import import_people

    base = datetime.date(1970, 1, 1)
    rows = []
    for i in range(first, first + n):
        birth = base + datetime.timedelta(days=i // 400)
        rows.append({
            "id_number": make_id("511921", birth.strftime("%Y%m%d"), seq=(i % 400) * 2, female=i % 2 == 0),
            "name": f"李{'娜强敏丽刚芳'[i % 6]}{'一二三四五六七八九十'[i % 10]}", "hukou_division": TONGJIANG_V,
            "hukou_address": f"四川省巴中市通江县诺江镇诺江村{i % 12 + 1}组{i % 60 + 1}号",
            "division": division, "address": f"南头街道红花园{i % 30 + 1}栋{i % 20 + 1:02d}室", "arrived_on": arrived, "reason": "work",
        })
    return import_people(actor=None, rows=rows, today=TODAY)


class Api:
    """A client with a bearer token from POST /api/v1/auth/token."""

    def __init__(self, username):
        self.client = Client()
        r = self.client.post("/api/v1/auth/token", {"username": username, "password": password()}, content_type="application/json")
        assert r.status_code == 200, r.content
        self.token = r.json()["token"]

    def get(self, path, params=None):
        return self.client.get("/api/v1" + path, params or {}, HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def post(self, path, body=None):
        return self.client.post("/api/v1" + path, body or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {self.token}")


@pytest.fixture
def api(world):
    return Api


class Gate:
    """Lets a test hold a build between two steps (the test kind below), to look at a running job."""

    def __init__(self):
        self.reached = threading.Event()
        self.go = threading.Event()


@pytest.fixture
def slow_kind(monkeypatch):
    """An export kind of the tests' own, registered like the registers' kinds: it reports progress
    in ten steps and waits at step 3 and step 6 until the test lets it go on, so that a test can
    read the running job's row between steps. The rights are the registers' (EXPORT_REGISTERS)."""
    from liudong.accounts.choices import Action
    from liudong.accounts.permissions import require
    from liudong.jobs import kinds, runner

    monkeypatch.setattr(runner, "WRITE_EVERY", 0.0)  # every step is written, so each one can be seen
    gates = {3: Gate(), 6: Gate()}

    def prepare(actor, params):
        require(actor, Action.EXPORT_REGISTERS)
        return kinds.Prepared(params={"steps": 10}, title="测试导出")

    def build(actor, params, fmt, path, progress, generated_on):
        for step in range(1, 11):
            progress(step, 10)
            gate = gates.get(step)
            if gate:
                gate.reached.set()
                assert gate.go.wait(WAIT_SECONDS), "the test never let the build go on"
        path.write_bytes(b"%PDF-1.4\n% test\n")
        return kinds.Built(rows=10, person_ids=[], audit_action="test.export", audit_object=("test", "1"), audit_fields={})

    kind = kinds.ExportKind(code="test_slow", label="测试导出", formats=("pdf",), prepare=prepare, build=build,
                            file_name=lambda params, fmt: ("test.pdf", "测试.pdf"))
    monkeypatch.setitem(kinds._KINDS, kind.code, kind)
    yield gates
    for gate in gates.values():  # never leave a worker thread waiting
        gate.go.set()
