"""Policy and calendar test helpers: administrators at the nation and in 广东, a CSV schedule for
2027 (invented test data in the shape of the State Council's notices), counts of what was written."""
import datetime
from contextlib import contextmanager

import pytest
from django.utils import timezone

NATION = "000000000000"
GUANGDONG = "440000000000"
SICHUAN = "510000000000"
ZHEJIANG = "330000000000"
XIHU = "330106000000"          # 杭州市西湖区, Zhejiang
NOW = datetime.datetime(2026, 11, 29, 9, 0, tzinfo=datetime.timezone.utc)

# A plausible 2027 schedule (test data, not the official one): New Year's Day Fri 01-01; Spring
# Festival off Sat 02-06 .. Sun 02-14 with the weekdays 02-08..02-12 as holidays and make-up
# workdays Sun 01-31 and Sat 02-20; National Day off Fri 10-01 .. Thu 10-07 with make-up workdays
# Sat 09-25 and Sat 10-09.
CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-31,workday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-20,workday,春节
2027-09-25,workday,国庆节
2027-10-01,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节
2027-10-06,holiday,国庆节
2027-10-07,holiday,国庆节
2027-10-09,workday,国庆节
"""


def make_admin(username, code):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    s = Staff(username=username, role=Role.ADMIN, division_id=code)
    s.set_password("Liudong-test-pw-2026")
    s.save()
    return s


@pytest.fixture
def nation_admin(world):
    return make_admin("nation_admin", NATION)


@pytest.fixture
def gd_admin(world):
    return make_admin("gd_admin", GUANGDONG)


@pytest.fixture
def load_2027(db):
    from liudong.policy import services_calendar

    def load(actor=None, text=CSV_2027, **kwargs):
        rows = services_calendar.read_calendar_csv(text.encode())
        return services_calendar.load_calendar_year(actor=actor, year=2027, rows=rows, source="测试用 2027 年安排 / test schedule", now=kwargs.pop("now", timezone.now()), **kwargs)

    return load


def _counts():
    from liudong.accounts.models import AuditEvent
    from liudong.policy.models import CalendarDay, CalendarYear, PolicyValue

    return (PolicyValue.objects.count(), CalendarYear.objects.count(), CalendarDay.objects.count(), AuditEvent.objects.count(),
            sorted(CalendarYear.objects.values_list("year", "source")))


@pytest.fixture
def unchanged(db):
    """`with unchanged(): ...` asserts that nothing was written (invariant 7), audit included."""

    @contextmanager
    def check():
        before = _counts()
        yield
        assert _counts() == before

    return check


def assert_bilingual(messages):
    for m in messages:
        assert " / " in m and any("\u4e00" <= c <= "\u9fff" for c in m.split(" / ")[0]), m
