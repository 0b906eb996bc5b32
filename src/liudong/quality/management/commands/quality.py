"""`liudong quality synthetic --division CODE --people N [--seed S] --labels FILE`: register a
labelled synthetic population registered by a division (issue 15 part 6; a test or training
database only: `--for-real` is required) and write its labels (the twin pairs, as person ids).

`liudong quality measure --division CODE [--labels FILE]`: run the duplicate scan of a division
here (what the background job runs) and print the time, the pairs found and, with labels, the
precision and recall."""
import json
import time
from pathlib import Path

from liudong.cli import Subcommands, arg
from liudong.clock import today
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.quality import dedup, queries, services, synthetic


class Command(Subcommands):
    help = "数据质量 / data quality: a labelled synthetic set, and measuring the duplicate scan on it"
    subcommands = {
        "synthetic": ("register a labelled synthetic population (test databases only)",
                      arg("--division", required=True), arg("--people", type=int, default=10000), arg("--seed", type=int, default=15),
                      arg("--labels", required=True, help="where to write the labels (JSON)"),
                      arg("--for-real", action="store_true", help="write it; without this, only say what would be written")),
        "measure": ("run the duplicate scan of a division and print time, precision and recall",
                    arg("--division", required=True), arg("--labels", default=None)),
    }

    def _villages(self, code: str) -> list[str]:
        division = Division.objects.filter(code=code).first()
        if division is None:
            raise Invalid({"division": [f"区划代码 {code} 不存在 / no division has code {code}"]})
        codes = list(Division.objects.filter(level__gte=Level.COUNTY, code__startswith=division.prefix).values_list("code", flat=True))
        if not codes:
            raise Invalid({"division": ["该区划下没有县级以下区划 / no division of county level or below lies in it"]})
        return codes

    def handle_synthetic(self, *, division, people, seed, labels, for_real, **_):
        codes = self._villages(division)
        counties = {c[:6] for c in codes}
        if len(counties) < 2:
            # Look-alikes come from another county: add the counties beside it.
            codes += [d.code for d in Division.objects.filter(level=Level.COUNTY).exclude(code__startswith=division[:6])[:20]]
        made = synthetic.generate(people, seed=seed, hukou_codes=codes, today=today())
        self.stdout.write(f"{len(made.people)} 人，其中 / people, of them: {made.kinds}; 重复对 / twin pairs: {len(made.truth)}")
        if not for_real:
            self.stdout.write("未写入（加 --for-real 写入） / nothing written (add --for-real)")
            return
        ids = services.add_synthetic_people(actor=None, labelled=made, registered_by=division, today=today())
        pairs = sorted((min(ids[a], ids[b]), max(ids[a], ids[b])) for a, b in made.truth)
        Path(labels).write_text(json.dumps({"division": division, "seed": seed, "people": len(made.people), "pairs": pairs}), encoding="utf-8")
        self.stdout.write(f"已写入；标签见 / written; labels in {labels}")

    def handle_measure(self, *, division, labels, **_):
        t0 = time.perf_counter()
        rows = queries.rows_of(division)
        t1 = time.perf_counter()
        found = dedup.find_duplicates(rows)
        t2 = time.perf_counter()
        line = {"people": len(rows), "read_s": round(t1 - t0, 2), "dedup_s": round(t2 - t1, 2), "pairs": len(found)}
        if labels:
            truth = {tuple(p) for p in json.loads(Path(labels).read_text(encoding="utf-8"))["pairs"]}
            line["precision"], line["recall"] = (round(x, 4) for x in dedup.precision_recall(found, truth))
        self.stdout.write(json.dumps(line))
