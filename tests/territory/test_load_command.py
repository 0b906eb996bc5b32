"""J1: `liudong divisions load FILE.csv` (all or nothing; level and parent from the code) and
`liudong divisions show CODE`."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liudong.accounts.models import AuditEvent
from liudong.codes import code_range, level_of_code, parent_code
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.territory import services

GOOD = """code,name
440305003000,西丽街道
440305003001,西丽社区
440305003002,大磡社区
440305004000,桃源街道
440305004001,平山社区
440305003003,白芒社区
"""

UNKNOWN_PARENT = """code,name
440305005000,沙河街道
440305005001,白石洲社区
440305006001,无主社区
"""


def write(tmp_path, text, name="codes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_code_arithmetic():
    assert level_of_code("440305003001") == 5 and parent_code("440305003001") == "440305003000"
    assert level_of_code("440305003000") == 4 and parent_code("440305003000") == "440305000000"
    assert level_of_code("440305000000") == 3 and parent_code("440300000000") == "440000000000"
    assert parent_code("440000000000") == "000000000000" and parent_code("000000000000") is None
    assert code_range("440305003000") == ("440305003000", "440305003999")


def test_load_townships_and_villages(db, tmp_path, capsys):
    call_command("divisions", "load", str(write(tmp_path, GOOD)), "--edition", "南山 2025")
    assert "added 6, renamed 0" in capsys.readouterr().out
    xili = Division.objects.get(code="440305003000")
    assert xili.level == 4 and xili.parent_id == "440305000000" and xili.edition == "南山 2025"
    village = Division.objects.get(code="440305003003")  # listed after its sibling township: order does not matter
    assert village.level == 5 and village.parent_id == "440305003000"
    assert sorted(d.code for d in xili.children.all()) == ["440305003001", "440305003002", "440305003003"]
    event = AuditEvent.objects.get(action="divisions.load")
    assert event.actor_name == "system" and event.fields == {"edition": "南山 2025", "added": 6, "renamed": 0}


def test_reload_renames_and_adds(db, tmp_path, capsys):
    call_command("divisions", "load", str(write(tmp_path, GOOD)))
    capsys.readouterr()
    changed = GOOD.replace("大磡社区", "大磡村社区") + "440305004002,龙联社区\n"
    call_command("divisions", "load", str(write(tmp_path, changed, "v2.csv")))
    assert "added 1, renamed 1" in capsys.readouterr().out
    d = Division.objects.get(code="440305003002")
    assert d.name == "大磡村社区" and d.edition == "v2.csv"  # default edition: the file name


def test_unknown_parent_names_the_row_and_writes_nothing(db, tmp_path):
    before = Division.objects.count()
    with pytest.raises(CommandError) as e:
        call_command("divisions", "load", str(write(tmp_path, UNKNOWN_PARENT)))
    message = str(e.value)
    assert "row 4" in message and "440305006000" in message and "无主社区" in message
    assert "row 2" not in message and "row 3" not in message
    assert "nothing was written" in message
    assert Division.objects.count() == before
    assert not Division.objects.filter(code="440305005000").exists()
    assert not AuditEvent.objects.filter(action="divisions.load").exists()


@pytest.mark.parametrize("text, expected", [
    ("name,code\n440305003000,西丽街道\n", "row 1 must be the header code,name"),
    ("code,name\n4403050030,西丽街道\n", "row 2: code '4403050030' must be 12 digits"),
    ("code,name\n440305003000,\n", "row 2: a name of 1-100 characters is required"),
    ("code,name\n440305003000,西丽街道\n440305003000,西丽\n", "row 3: code 440305003000 repeats"),
    ("", "row 1 must be the header"),
])
def test_bad_files_are_refused_whole(db, tmp_path, text, expected):
    before = Division.objects.count()
    with pytest.raises(CommandError, match=expected):
        call_command("divisions", "load", str(write(tmp_path, text)))
    assert Division.objects.count() == before


def test_every_bad_row_is_reported(db):
    text = "code,name\n440305005000,沙河街道\n44030500X001,坏代码\n440305007001,孤村\n440305005001,白石洲\n"
    with pytest.raises(Invalid) as e:
        services.load_divisions_csv(actor=None, text=text, edition="x")
    assert any("row 3" in m for m in e.value.errors["file"])  # parsing errors come first...
    text = "code,name\n440305005000,沙河街道\n440305007001,孤村\n440305008001,孤村二\n"
    with pytest.raises(Invalid) as e:
        services.load_divisions_csv(actor=None, text=text, edition="x")
    messages = e.value.errors["file"]
    assert len(messages) == 2 and "row 3" in messages[0] and "row 4" in messages[1]  # ...then every unknown parent


def test_missing_file_and_non_utf8(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("divisions", "load", str(tmp_path / "absent.csv"))
    path = tmp_path / "gbk.csv"
    path.write_bytes("code,name\n440305003000,西丽街道\n".encode("gbk"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("divisions", "load", str(path))


def test_a_bom_is_accepted(db, tmp_path, capsys):
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + GOOD).encode("utf-8"))
    call_command("divisions", "load", str(path))
    assert "added 6" in capsys.readouterr().out


def test_show(db, tmp_path, capsys):
    call_command("divisions", "load", str(write(tmp_path, GOOD)))
    capsys.readouterr()
    call_command("divisions", "show", "440305003000")
    out = capsys.readouterr().out
    assert "440305003000 西丽街道" in out
    assert "中华人民共和国 000000000000 > 广东省 440000000000 > 深圳市 440300000000 > 南山区 440305000000" in out
    assert "divisions below: 3" in out and "children: 3" in out and "440305003002 大磡社区" in out
    call_command("divisions", "show", "440305")  # a short prefix is padded
    out = capsys.readouterr().out
    assert "南山区" in out and "divisions below: 6" in out and "children: 2" in out
    with pytest.raises(CommandError, match="no division has code 440305009000"):
        call_command("divisions", "show", "440305009000")


def test_the_shipped_code_list_is_loaded(db):
    # Migration divisions/0002: the nation, 31 provinces and every county-level division.
    assert Division.objects.get(code="000000000000").level == 0
    assert Division.objects.filter(level=1).count() >= 31
    assert Division.objects.filter(level=3).count() > 2800
    assert not Division.objects.exclude(code="000000000000").filter(parent__isnull=True).exists()
