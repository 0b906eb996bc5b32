"""T2 (issue 14): the figures of a monthly report, defined in one place: the registry's figures of
people.figures (the names the home page uses too) and the certificate and service figures of the
period. `compute(code, start, end)` gives one division's figures; `compute_tree(root, start, end)`
every division's of a subtree at once (one aggregate query per figure, summed level by level).

Definitions, with the rules they come from, are in FIGURES (shown on the report page and in the
README)."""
import datetime

from django.db.models import Count

from liudong.certificates.models import Certificate, Verification
from liudong.codes import prefix
from liudong.divisions.queries import in_range
from liudong.federation.directory import held_elsewhere
from liudong.people import figures as people_figures
from liudong.technical.models import Check

from .models import Report

FIGURES = people_figures.FIGURES + [
    ("certificates_issued", "发放婚育证明 certificates issued",
     "本期内本辖区乡镇发放的婚育证明（含换发、补办） / marriage and childbearing certificates the townships here issued in the period "
     "(renewals and reissues included)", "C1-C3"),
    ("certificates_verified", "查验婚育证明 certificates verified",
     "本期内本辖区查验婚育证明的次数 / verifications of certificates made here in the period", "C6"),
    ("certificates_expired", "到期未换发 certificates expired, not renewed",
     "期末已过有效期、未终止、未长期有效的本辖区发放的婚育证明 / certificates issued here past their term at the period's end, not ended and "
     "not long-term", "C3"),
    ("checks_done", "技术服务检查 checks done",
     "本期内在本辖区居住的妇女做的孕情、环情检查和妇女病普查次数 / pregnancy, IUD and screening checks of women living here, in the period",
     "S2, S4"),
]
NAMES = [name for name, *_ in FIGURES]
LABELS = {name: label for name, label, *_ in FIGURES}


def _grouped(qs, field) -> dict[str, int]:
    return dict(qs.values(field).annotate(n=Count("pk")).values_list(field, "n"))


FLOWS = ("births", "certificates_issued", "certificates_verified", "checks_done")


def by_code(root: str, start: datetime.date, end: datetime.date, *, flows_only: bool = False, failed: dict | None = None) -> dict:
    """{name: {12-digit code: count}} for the subtree of `root`, every figure of FIGURES (with
    `flows_only`, only those counted within the period: FLOWS; with `failed`, the R6 counts of
    records not passed under ("failed", name): people.figures.by_code)."""
    out = people_figures.by_code(root, start, end, flows_only=flows_only, failed=failed)
    out.update(_flows(root, start, end))
    if not flows_only:
        out["certificates_expired"] = _expired(root, end)
    return from_their_nodes(out, root, start, end)


def from_their_nodes(per_code: dict, root: str, start: datetime.date, end: datetime.date) -> dict:
    """Issue 16: under `root`, a division another node holds (南头 as a node of its own, under
    南山 here) has its people in that node's database; what this one keeps of them (a mirrored
    period, a copy) is not its figures. Its codes' counts are replaced, figure by figure, by the
    figures that node sent with its reports (mirrored here: statistics.services_remote): a stock
    from the report of `end`'s month, a flow (FLOWS) summed over the months from `start`'s to
    `end`'s. A month whose report has not come counts nothing for it. The R6 counts of records not
    passed (`("failed", name)`) leave its subtree out (its node's page has its reviewed shares).
    Changes `per_code` in place and returns it; nothing happens without LIUDONG_NODE."""
    foreign = held_elsewhere(root, end)
    if not foreign:
        return per_code
    month = end.replace(day=1)
    sent = list(Report.objects.filter(division_id__in=foreign, period__gte=start.replace(day=1), period__lte=month, message_id__isnull=False)
                .values_list("division_id", "period", "figures"))
    heads = tuple(prefix(f) for f in foreign)
    for name, counts in list(per_code.items()):
        if counts is None:
            continue
        kept = {code: n for code, n in counts.items() if not code.startswith(heads)}
        figure = name if isinstance(name, str) else None
        for f in foreign if figure is not None else ():
            values = [fig.get(figure) for division, period, fig in sent if division == f and (figure in FLOWS or period == month)]
            n = sum(v for v in values if isinstance(v, int) and not isinstance(v, bool))
            if n:
                kept[f] = kept.get(f, 0) + n
        per_code[name] = kept
    return per_code


def _expired(root: str, end: datetime.date) -> dict[str, int]:
    return _grouped(Certificate.objects.filter(in_range("township_id", root), valid_until__lt=end, ended_on__isnull=True, issued_on__lte=end,
                                               long_term_from__isnull=True), "township_id")


def _flows(root: str, start: datetime.date, end: datetime.date) -> dict[str, dict]:
    """The certificate and service flows of [start, end] (FLOWS but births)."""
    return {
        "certificates_issued": _grouped(Certificate.objects.filter(in_range("township_id", root), issued_on__gte=start, issued_on__lte=end), "township_id"),
        "certificates_verified": _grouped(Verification.objects.filter(in_range("division_id", root), verified_on__gte=start, verified_on__lte=end), "division_id"),
        "checks_done": _grouped(Check.objects.filter(in_range("village", root), checked_on__gte=start, checked_on__lte=end), "village"),
    }


def close_trees(root: str, start: datetime.date, end: datetime.date, year_starts: tuple[datetime.date, ...]) -> tuple[tuple, dict]:
    """The month close's figures of every division under `root`, set-based: each figure counted
    once for all the subtree's villages (grouped by code, as of `end`), the women's births of the
    month and of each year (from each of `year_starts` to `end`) in the same pass over them, then
    summed up the tree in Python (people.figures.rollup). Returns (month tree, {year start: flows
    tree}), trees for `figures_of`; the same figures as `compute_tree(root, start, end)` and
    `compute_tree(root, s, end, flows_only=True)`, in fewer passes over the registry."""
    from . import reviewed

    year_starts = tuple(dict.fromkeys(year_starts))
    # R6: the records not passed on `end` counted in the same passes (stored by the close: the
    # reviewed share of every division, the R5 figures and the levels above the county included).
    per_code = people_figures.by_code(root, start, end, births_from=year_starts, failed=reviewed.failed_q(end))
    years = {}
    for s in year_starts:
        flows = {"births": per_code.pop(("births", s))}
        flows.update(_flows(root, s, end))
        from_their_nodes(flows, root, s, end)
        years[s] = (flows, people_figures.rollup(flows))
    per_code.update(_flows(root, start, end))
    per_code["certificates_expired"] = _expired(root, end)
    from_their_nodes(per_code, root, start, end)
    return (per_code, people_figures.rollup(per_code)), years


def compute(code: str, start: datetime.date, end: datetime.date, *, flows_only: bool = False) -> dict[str, int | None]:
    per_code = by_code(code, start, end, flows_only=flows_only)
    return {name: (None if per_code[name] is None else sum(per_code[name].values())) for name in per_code}


def compute_reviewed(code: str, start: datetime.date, end: datetime.date) -> tuple[dict[str, int | None], dict[str, dict]]:
    """(figures, reviewed shares) of one division, the R6 counts in the same passes as the figures
    (the report page of a village or township, on request)."""
    from . import reviewed

    per_code = by_code(code, start, end, failed=reviewed.failed_q(end))
    totals = {name: (None if counts is None else sum(counts.values())) for name, counts in per_code.items()}
    return {name: totals[name] for name in totals if isinstance(name, str)}, reviewed.from_totals(totals)


def compute_tree(root: str, start: datetime.date, end: datetime.date, *, flows_only: bool = False) -> tuple[dict, dict]:
    """(per_code, totals) for `people.figures.figures_of(code, totals, per_code)`."""
    per_code = by_code(root, start, end, flows_only=flows_only)
    return per_code, people_figures.rollup(per_code)


def figures_of(code: str, tree: tuple[dict, dict]) -> dict[str, int | None]:
    per_code, totals = tree
    return {name: value for name, value in people_figures.figures_of(code, totals, per_code).items() if isinstance(name, str)}


def reviewed_of(code: str, tree: tuple[dict, dict]) -> dict[str, dict]:
    """R6: the reviewed shares of one division from a tree counted with `failed` (close_trees)."""
    from . import reviewed

    per_code, totals = tree
    return reviewed.from_totals(people_figures.figures_of(code, totals, per_code))


def year_figures(month_figures: dict, flows: dict) -> dict:
    """A year's figures up to a month's end: the month's stocks and the year's flows."""
    return {name: (flows[name] if name in FLOWS else month_figures.get(name)) for name in NAMES}


def difference(stored: dict, live: dict) -> dict[str, int | None]:
    """Live minus stored for each figure (None where either is missing)."""
    return {name: (live[name] - stored[name] if isinstance(live.get(name), int) and isinstance(stored.get(name), int) else None) for name in NAMES}
