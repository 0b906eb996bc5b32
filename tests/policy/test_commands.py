"""`liudong policy ...` and `liudong calendar ...` (P1, X4): as the system, audited; errors are
bilingual field messages and a non-zero exit (CommandError)."""
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liudong.accounts.models import AuditEvent
from liudong.policy.calendar import add_working_days
from liudong.policy.models import CalendarYear
from liudong.policy.services import value
from tests.conftest import NANTOU, TONGJIANG_T

from .conftest import CSV_2027, GUANGDONG


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_policy_set_and_adopt(world):
    out = run("policy", "set", "birth.notify_days", "10", "--division", "44", "--from", "2027-01-01", "--source", "粤卫〔2026〕1号")
    assert "birth.notify_days = 10" in out and GUANGDONG in out
    assert value("birth.notify_days", NANTOU, datetime.date(2027, 1, 1)) == 10
    run("policy", "set", "birth.registration_basis", '"documents"', "--division", GUANGDONG, "--from", "2027-01-01")
    assert value("birth.registration_basis", NANTOU, datetime.date(2027, 1, 1)) == "documents"
    out = run("policy", "adopt", "residence-registration", "--division", GUANGDONG, "--from", "2025-07-01")
    assert "residence-registration" in out and "5" in out
    assert value("residence_registration.report_working_days", NANTOU, datetime.date(2025, 7, 1)) == 3
    events = AuditEvent.objects.filter(action__in=["policy.set", "policy.adopt"])
    assert events.count() == 3 and set(events.values_list("actor_name", flat=True)) == {"system"}


@pytest.mark.django_db
@pytest.mark.parametrize("args, needle", [
    (("policy", "set", "birth.notify_days", "true", "--division", GUANGDONG, "--from", "2027-01-01"), "value: "),
    (("policy", "set", "birth.registration_basis", "documents", "--division", GUANGDONG, "--from", "2027-01-01"), "JSON"),
    (("policy", "set", "nope", "1", "--division", GUANGDONG, "--from", "2027-01-01"), "name: "),
    (("policy", "set", "birth.notify_days", "1", "--division", "99", "--from", "2027-01-01"), "division: "),
    (("policy", "adopt", "national-2021", "--division", "440300000000", "--from", "2022-01-01"), "province"),
    (("policy", "adopt", "national-2021", "--division", GUANGDONG, "--from", "2022/01/01"), "valid_from: "),
    (("policy", "show", "--on", "2026-02-30"), "on: "),
    (("policy", "show", "--division", "99"), "99"),
])
def test_policy_errors(world, unchanged, args, needle):
    with unchanged(), pytest.raises(CommandError) as e:
        run(*args)
    text = str(e.value)
    assert needle in text
    if args[1] != "show":
        assert "未写入任何数据 / nothing was written" in text


@pytest.mark.django_db
def test_policy_show_and_sets(world):
    out = run("policy", "show", "--division", TONGJIANG_T, "--on", "2012-05-01")
    line = next(x for x in out.splitlines() if x.startswith("birth.verify_request_days"))
    assert " 7 " in line and "national-2009" in line and "000000000000" in line
    assert "诺江镇" in out.splitlines()[0]
    out = run("policy", "sets")
    for code in ("national-2009", "national-2016", "national-2021", "residence-permit-2016", "residence-registration"):
        assert f"{code}:" in out
    assert "case_open.fee_consultation = false" in out


@pytest.mark.django_db
def test_calendar_load_replace_and_show(world, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    with pytest.raises(CommandError) as e:
        run("calendar", "load", str(path), "--year", "2028")
    assert "year: " in str(e.value) and "2027" in str(e.value)
    out = run("calendar", "load", str(path), "--year", "2027", "--source", "国办发明电〔2026〕测试号")
    assert "已载入 / loaded 2027" in out and "节假日 11 天，调休上班 4 天" in out
    assert add_working_days(datetime.date(2026, 12, 24), 7) == datetime.date(2027, 1, 5)
    with pytest.raises(CommandError) as e:
        run("calendar", "load", str(path), "--year", "2027")
    assert "replace" in str(e.value)
    path.write_text(CSV_2027.replace("2027-02-20,workday", "2027-02-07,workday"), encoding="utf-8")
    out = run("calendar", "load", str(path), "--year", "2027", "--replace")
    assert "2027-02-07" in out and "2027-02-20" in out
    assert CalendarYear.objects.get(year=2027).source == "文件 / file 2027.csv"
    assert AuditEvent.objects.filter(action="calendar.replace", actor_name="system").exists()
    out = run("calendar", "show")
    assert "2027" in out and "2027-12-31" in out
    out = run("calendar", "show", "--year", "2026")
    assert "2026-02-14" in out and "2026-10-10" in out and "春节" in out and "国庆节" in out


@pytest.mark.django_db
def test_calendar_load_reports_bad_rows_and_missing_files(world, tmp_path, unchanged):
    path = tmp_path / "bad.csv"
    path.write_text("date,kind\n2027-01-01,holiday\n2027-01-02,holiday\n2027-01-04,workday\n", encoding="utf-8")
    with unchanged(), pytest.raises(CommandError) as e:
        run("calendar", "load", str(path), "--year", "2027")
    text = str(e.value)
    assert "第3行" in text and "line 3" in text and "第4行" in text and "第2行" not in text
    with pytest.raises(CommandError) as e:
        run("calendar", "load", str(tmp_path / "missing.csv"), "--year", "2027")
    assert "cannot open" in str(e.value)
    assert "已载入至 2026-12-31" in run("calendar", "show")
