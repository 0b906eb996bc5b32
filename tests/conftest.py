"""Shared test world: real divisions (from the shipped code list) with townships and villages
below 南山区, one staff account per role, and helpers for valid identifiers.

The whole suite runs on a pinned day (`pinned_clock`): no test depends on the real date, in
particular on the real date falling inside the loaded working-day calendar (issue 7, item 0).
"""
import datetime
import os
import re
import tempfile
import time
import zoneinfo
from pathlib import Path

import pytest

from liudong.identifiers import id_check_char

TODAY = datetime.date(2026, 11, 28)
# The CSP forbids inline scripts and styles: a page may load our own script files (<script src>), never inline code.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)")
# The wall clock of the suite: TODAY at 10:00 in Beijing, running on from the start of the session
# (durations such as the log-in lock-out or token expiry still pass). Pages and the API read the
# date through liudong.clock, which reads django.utils.timezone; the audit stamps its rows with it.
PINNED_START = datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
NANSHAN = "440305000000"       # residence county
NANTOU = "440305001000"        # township
NANTOU_V1 = "440305001001"     # village
NANTOU_V2 = "440305001002"
SHEKOU = "440305002000"
SHEKOU_V1 = "440305002001"
FUTIAN = "440304000000"        # another county in the same city
FUTIAN_T = "440304001000"
FUTIAN_V = "440304001001"
TONGJIANG = "511921000000"     # 通江县, Sichuan: a hukou county
TONGJIANG_T = "511921100000"
TONGJIANG_V = "511921100001"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The SQLite test database is a file of this run (in WAL mode like the real one), not shared
    memory: the export worker's threads and the `liudong worker` process (tests/jobs) read and
    write it beside the test, which a shared-cache in-memory database refuses with "database
    table is locked". LIUDONG_TEST_SQLITE names another file."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not db.setdefault("TEST", {}).get("NAME"):
        db["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / f"liudong-test-{os.getpid()}.sqlite3")


def make_id(area6: str, birth: str, seq: int = 123, female: bool = True) -> str:
    """A valid GB 11643 number: area, birth date YYYYMMDD, sequence with the sex digit, check."""
    s = seq - seq % 2 if female else seq - seq % 2 + 1
    body = f"{area6}{birth}{s % 1000:03d}"
    return body + id_check_char(body)


@pytest.fixture(autouse=True, scope="session")
def pinned_clock():
    """Issue 7 item 0: the suite's "now" is PINNED_START plus the time elapsed in the session,
    whatever the real date (the calendar ships 2004-2026 only; later runs must not change a result)."""
    from django.utils import timezone

    started = time.monotonic()

    def now():
        return (PINNED_START + datetime.timedelta(seconds=time.monotonic() - started)).astimezone(datetime.timezone.utc)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", now)
        yield


def password():
    return "Liudong-test-pw-2026"


@pytest.fixture
def world(db):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division

    for code, name, level, parent in [
        (NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (NANTOU_V2, "大汪山社区", 5, NANTOU),
        (SHEKOU, "南山街道", 4, NANSHAN), (SHEKOU_V1, "南山社区", 5, SHEKOU),
        (FUTIAN_T, "园岭街道", 4, FUTIAN), (FUTIAN_V, "园东社区", 5, FUTIAN_T),
        (TONGJIANG_T, "诺江镇", 4, TONGJIANG), (TONGJIANG_V, "诺江村", 5, TONGJIANG_T),
    ]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    where = {
        Role.VILLAGE_COLLECTOR: NANTOU_V1, Role.VILLAGE_CADRE: NANTOU_V1, Role.TOWNSHIP_CLERK: NANTOU, Role.TOWNSHIP_HEAD: NANTOU,
        Role.COUNTY_OFFICER: NANSHAN, Role.CITY_OFFICER: "440300000000", Role.PROVINCE_OFFICER: "440000000000",
        Role.NATION_OFFICER: "000000000000", Role.POLICE_OFFICER: NANTOU, Role.QUERY_DESK: NANSHAN, Role.AUDITOR: NANSHAN, Role.ADMIN: NANSHAN,
    }
    staff = {}
    for role, code in where.items():
        s = Staff(username=role.value, role=role, division_id=code)
        s.set_password(password())
        s.save()
        staff[role.value] = s
    for name, role, code in [("futian_clerk", Role.TOWNSHIP_CLERK, FUTIAN_T), ("shekou_clerk", Role.TOWNSHIP_CLERK, SHEKOU), ("tongjiang_clerk", Role.TOWNSHIP_CLERK, TONGJIANG_T)]:
        s = Staff(username=name, role=role, division_id=code)
        s.set_password(password())
        s.save()
        staff[name] = s
    return staff


@pytest.fixture
def clerk(world):
    return world["township_clerk"]


@pytest.fixture
def migrant(clerk):
    """李娜 from 通江县, arrived in 红花园社区 on 2025-03-01."""
    from liudong.people import services

    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "address": "南头街道红花园1栋101", "arrived_on": "2025-03-01", "reason": "work"}, today=TODAY)
    person.refresh_from_db()
    return person


@pytest.fixture
def husband(world):
    """王强, registered and living in 福田 (another county of 深圳): a relative recorded by
    another place (hole 3's family links; tests/cases has its own husband, 李娜's)."""
    from liudong.people import services

    person, _ = services.register_person(actor=world["futian_clerk"], data={"id_number": make_id("440304", "19970808", 45, female=False), "name": "王强",
                                                                            "hukou_division": FUTIAN_V}, today=TODAY)
    services.record_arrival(actor=world["futian_clerk"], person=person, data={"division": FUTIAN_V, "arrived_on": "2020-01-01"}, today=TODAY)
    return person


@pytest.fixture(autouse=True)
def api_keeps_its_document(monkeypatch):
    """Every response of the suite to a path under /api/v1/ is checked against the OpenAPI
    document (tests/openapi_contract.py); a mismatch fails the test that made the request."""
    from django.test import Client

    from tests.openapi_contract import check

    sent = Client.request

    def request(self, **environ):
        response = sent(self, **environ)
        check(environ["REQUEST_METHOD"], environ["PATH_INFO"], response)
        return response

    monkeypatch.setattr(Client, "request", request)
