"""`liudong staff add|list|disable` (J3): errors on stderr with exit status 1 and nothing written."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liudong.accounts.models import AuditEvent, Staff
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, password


def add(*args):
    call_command("staff", "add", *args)


def test_add_a_staff_account(world, capsys):
    add("wangwu", "--role", "village_collector", "--division", NANTOU_V1, "--password", password(), "--name", "王五")
    out = capsys.readouterr().out
    assert "added: wangwu" in out and NANTOU_V1 in out
    staff = Staff.objects.get(username="wangwu")
    assert staff.role == "village_collector" and staff.division_id == NANTOU_V1 and staff.first_name == "王五"
    assert staff.check_password(password())
    event = AuditEvent.objects.get(action="staff.add", object_id=str(staff.pk))
    assert event.actor is None and event.actor_name == "system"


def test_an_admin_account_may_enter_django_admin(world):
    add("boss", "--role", "admin", "--division", NANSHAN, "--password", password())
    assert Staff.objects.get(username="boss").is_staff


@pytest.mark.parametrize("args, field, text", [
    (["--role", "chief", "--division", NANTOU_V1], "role", "unknown role chief"),
    (["--role", "village_collector", "--division", "440305001999"], "division", "no division has code 440305001999"),
    (["--role", "village_collector", "--division", NANTOU], "division", "cannot act for a level-4 division"),
    (["--role", "nation_officer", "--division", NANSHAN], "division", "cannot act for a level-3 division"),
])
def test_bad_role_or_division_is_refused(world, args, field, text):
    with pytest.raises(CommandError) as e:
        add("wangwu", *args, "--password", password())
    message = str(e.value)
    assert f"  {field}: " in message and text in message and "nothing was written" in message
    assert not Staff.objects.filter(username="wangwu").exists()
    assert not AuditEvent.objects.filter(action="staff.add").exists()


def test_weak_password_is_refused_with_bilingual_errors(world):
    with pytest.raises(CommandError) as e:
        add("wangwu", "--role", "village_collector", "--division", NANTOU_V1, "--password", "123456")
    message = str(e.value)
    assert "password: 密码太短" in message and "too short" in message and "密码不能全是数字 / This password is entirely numeric." in message
    assert not Staff.objects.filter(username="wangwu").exists()


def test_every_error_is_reported_at_once(world):
    with pytest.raises(CommandError) as e:
        add("township_clerk", "--role", "chief", "--division", "1", "--password", "x")
    message = str(e.value)
    for field in ("username", "role", "division", "password"):
        assert f"  {field}: " in message


def test_missing_options_are_an_error(world):
    with pytest.raises(CommandError):
        add("wangwu", "--role", "village_collector")


def test_exit_status_and_stderr_from_the_real_command(tmp_path):
    """Through the `liudong` entry point: status 1 and the field errors on stderr."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "LIUDONG_ENV": "test"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "liudong.cli", *a], env=env, capture_output=True, text=True, timeout=120)
    assert run("migrate", "-v0").returncode == 0
    bad = run("staff", "add", "wangwu", "--role", "chief", "--division", "440305000000", "--password", "short")
    assert bad.returncode == 1
    assert "role: 未知角色 chief" in bad.stderr and "password: 密码太短" in bad.stderr and bad.stdout == ""
    good = run("staff", "add", "wangwu", "--role", "county_officer", "--division", "440305000000", "--password", password())
    assert good.returncode == 0 and "added: wangwu" in good.stdout


def test_list_all_and_by_division(world, capsys):
    call_command("staff", "list")
    out = capsys.readouterr().out
    assert "township_clerk" in out and "futian_clerk" in out and "tongjiang_clerk" in out
    call_command("staff", "list", "--division", NANTOU)
    out = capsys.readouterr().out
    lines = [line.split()[0] for line in out.strip().splitlines()[:-1]]
    assert set(lines) == {"village_collector", "village_cadre", "township_clerk", "township_head", "police_officer"}
    with pytest.raises(CommandError, match="no division has code"):
        call_command("staff", "list", "--division", "440305009000")


def test_disable_is_audited_and_idempotence_is_an_error(world, capsys):
    call_command("staff", "disable", "village_cadre", "--reason", "调离 transferred")
    assert "disabled: village_cadre" in capsys.readouterr().out
    assert not Staff.objects.get(username="village_cadre").is_active
    event = AuditEvent.objects.get(action="staff.disable")
    assert event.actor_name == "system" and event.reason == "调离 transferred"
    with pytest.raises(CommandError, match="disabled already"):
        call_command("staff", "disable", "village_cadre")
    with pytest.raises(CommandError, match="no account ghost"):
        call_command("staff", "disable", "ghost")
    call_command("staff", "list")
    assert "disabled" in capsys.readouterr().out


def test_disable_through_the_service_is_scoped(world):
    from liudong.accounts.staff import disable_staff
    from liudong.errors import Denied, Invalid, NotFound

    with pytest.raises(Denied):
        disable_staff(actor=world["township_head"], username="village_cadre")
    with pytest.raises(NotFound):  # 福田 is outside the 南山 administrator's subtree
        disable_staff(actor=world["admin"], username="futian_clerk")
    with pytest.raises(Invalid):
        disable_staff(actor=world["admin"], username="admin")
    assert disable_staff(actor=world["admin"], username="village_cadre").is_active is False


def test_a_username_with_spaces_or_markup_is_refused(db):
    import pytest

    from liudong.accounts.models import Staff
    from liudong.accounts.staff import add_staff
    from liudong.errors import Invalid

    for bad in ("li na", "<b>x</b>", "张三"):
        with pytest.raises(Invalid) as e:
            add_staff(actor=None, username=bad, role="auditor", division_code="440305000000", password="Liudong-test-pw-2026")
        assert "username" in e.value.errors
    assert not Staff.objects.exists()
