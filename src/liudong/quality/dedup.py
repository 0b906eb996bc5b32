"""R8: finding probable twins among people, fast enough for a county of a million (issue 15 part 3).

Pure functions over plain tuples, so that the scan of a division (services.scan) and the benchmark
(bench/quality.py) run the very same code. A person is a `Row`:

    (id, name, name_key, sex, birth "YYYYMMDD", id17, hukou6)

`name_key` is the same-sound key people.pinyin already stores on every Person (the usual toneless
reading, syllables space-separated); `id17` the first 17 digits of a resident ID number ("" for
another document); `hukou6` the county of the hukou place.

Blocking (several keys, so that one error never hides a twin; measured.md: birth date + sex alone
misses swapped birth-date digits):

- B1 same-sound name + sex + birth year (homophones, traditional characters, a typo in the day);
- B2 same-sound name + sex + the birth date's digits sorted (any swap of two birth-date digits);
- B3 birth date + sex + one syllable in common (a wrong character in the name: the other stays);
- B4 the resident ID number with its area, year or month-day left out: one typo there, or a swap
  inside one part, leaves the other parts equal (a typo in the sequence leaves name and birth date
  as they were: B1).

Each candidate pair is scored with rapidfuzz (string similarity of the readings and of the
characters, OSA distance of ID numbers and birth dates, where a swap of two neighbours is one edit).
"""
import functools
from collections.abc import Iterable, Sequence

import numpy as np
from rapidfuzz.distance import OSA, Levenshtein

Row = tuple  # (id, name, name_key, sex, birth8, id17, hukou6)

# A pair at or above this score is a probable duplicate (a candidate for the reviewer).
THRESHOLD = 0.9

# Weights when at least one of the two has no resident ID number (different documents).
W_NAME, W_BIRTH, W_HUKOU = 0.5, 0.3, 0.2


def _pairs(keys: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Every pair (i, j) of row positions whose keys are equal (only rows where `valid`), as
    codes i * n + j with i < j. Sorted once; equal keys are neighbours, and the pairs d places
    apart are found by following only the runs that reach that far, so the work is the number of
    pairs, not the square of a block."""
    n = len(keys)
    idx = np.nonzero(valid)[0]
    if len(idx) < 2:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(keys[idx], kind="stable")
    ks, ids = keys[idx][order], idx[order]
    out = []
    at = np.nonzero(ks[1:] == ks[:-1])[0]
    d = 1
    while len(at):
        a, b = ids[at], ids[at + d]
        out.append(np.minimum(a, b) * n + np.maximum(a, b))
        at = at[at + d + 1 < len(ks)]
        at = at[ks[at + d + 1] == ks[at]]
        d += 1
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def _hashes(values: Sequence) -> np.ndarray:
    return np.fromiter((hash(v) if v else 0 for v in values), dtype=np.int64, count=len(values))


def _digits(values: Sequence[str], width: int) -> np.ndarray:
    """Rows of digits (uint8), zeros where a value is missing."""
    blank = "0" * width
    raw = "".join(v if v else blank for v in values).encode("ascii")
    return (np.frombuffer(raw, dtype=np.uint8) - 48).reshape(len(values), width).astype(np.int64)


def _number(digits: np.ndarray) -> np.ndarray:
    out = np.zeros(len(digits), dtype=np.int64)
    for c in range(digits.shape[1]):
        out = out * 10 + digits[:, c]
    return out


M1, M2, M3 = np.int64(0x9E3779B1), np.int64(0x85EBCA77), np.int64(0xC2B2AE3D)


class Columns:
    """The columns of the rows that blocking and the vectorised screens use."""

    def __init__(self, rows: Sequence[Row]):
        self.n = len(rows)
        _, _, keys, sexes, births, id17s, _ = zip(*rows)  # columns, transposed in C
        self.has_key = np.fromiter(map(bool, keys), dtype=bool, count=self.n)
        self.name = _hashes(keys)
        self.first = _hashes([k.partition(" ")[0] for k in keys])
        self.last = _hashes([k.rpartition(" ")[2] if " " in k else "" for k in keys])
        self.sex = np.where(np.array(sexes, dtype="U1") == "M", 1, 2).astype(np.int64)
        birth = _digits(births, 8)
        self.birth = _number(birth)
        self.year = self.birth // 10000
        self.birth_sorted = _number(np.sort(birth, axis=1))
        ids = [d if len(d) == 17 and d.isdigit() else "" for d in id17s]
        self.has_id = np.fromiter(map(bool, ids), dtype=bool, count=self.n)
        self.id = _digits(ids, 17)
        area, year, mmdd, seq = (_number(self.id[:, a:b]) for a, b in ((0, 6), (6, 10), (10, 14), (14, 17)))
        self.id_no_area = (year * 10000 + mmdd) * 1000 + seq
        self.id_no_year = (area * 10000 + mmdd) * 1000 + seq
        self.id_no_mmdd = (area * 10000 + year) * 1000 + seq


def candidate_pairs(rows: Sequence[Row], columns: Columns | None = None) -> np.ndarray:
    """Codes i * n + j (i < j) of the row positions that share at least one blocking key."""
    c = columns or Columns(rows)
    mix = lambda *parts: functools.reduce(lambda acc, p: acc * M1 ^ p * M2, parts[1:], parts[0] * M3)  # noqa: E731
    found = [
        # B1, B2: same-sound name.
        _pairs(mix(c.name, c.sex, c.year), c.has_key),
        _pairs(mix(c.name, c.sex, c.birth_sorted), c.has_key),
        # B3: birth date + sex, refined by one syllable in common (the first or the last).
        _pairs(mix(c.birth, c.sex, c.first), c.has_key),
        _pairs(mix(c.birth, c.sex, c.last, np.int64(7)), c.has_key & (c.last != 0)),
        # B4: the ID number with its area, year or month-day left out.
        _pairs(c.id_no_area, c.has_id),
        _pairs(c.id_no_year, c.has_id),
        _pairs(c.id_no_mmdd, c.has_id),
    ]
    return np.unique(np.concatenate(found))


def _screen(c: Columns, codes: np.ndarray) -> np.ndarray:
    """The pairs that can reach the threshold, by vectorised necessary conditions: the same sex,
    and two ID numbers at most two digits apart (one typo, or two neighbours swapped) when both
    have one (two valid numbers further apart are two people: score() gives them at most 0.4)."""
    i, j = codes // c.n, codes % c.n
    keep = c.sex[i] == c.sex[j]
    both = c.has_id[i] & c.has_id[j]
    near = np.zeros(len(codes), dtype=bool)
    for start in range(0, len(codes), 200000):
        a, b = i[start:start + 200000], j[start:start + 200000]
        near[start:start + 200000] = (c.id[a] != c.id[b]).sum(axis=1) <= 2
    return codes[keep & (~both | near)]


def name_similarity(a: Row, b: Row) -> float:
    """The better of the readings' (syllable by syllable) and the characters' similarity, 0..1: a
    homophone or a traditional character reads the same; a different character with another
    reading costs its whole syllable, and syllables count in their places (luo ming jing and guo
    lin ting share no syllable, however many letters they share)."""
    if a[2] and a[2] == b[2]:
        return 1.0
    return max(Levenshtein.normalized_similarity(a[2].split(" "), b[2].split(" ")), Levenshtein.normalized_similarity(a[1], b[1]))


def birth_similarity(a: Row, b: Row) -> float:
    if a[4] == b[4]:
        return 1.0
    return 0.8 if OSA.distance(a[4], b[4]) <= 1 else 0.0


def score(a: Row, b: Row) -> float:
    """How likely two rows are one person, 0..1.

    Two valid resident ID numbers more than one edit apart are two people whatever their names
    (true look-alikes: same name, same birth date, different numbers): at most 0.4. One edit apart
    (a typo, two neighbouring digits swapped) the names decide. Without two ID numbers (a passport,
    another document), name, birth date and hukou county decide together."""
    if a[3] != b[3]:
        return 0.0
    name = name_similarity(a, b)
    if a[5] and b[5]:
        if OSA.distance(a[5], b[5]) <= 1:
            return round(0.55 + 0.45 * name, 4)
        return round(0.4 * name, 4)
    return round(W_NAME * name + W_BIRTH * birth_similarity(a, b) + W_HUKOU * (a[6] == b[6]), 4)


def find_duplicates(rows: Sequence[Row], *, threshold: float = THRESHOLD, progress=None) -> list[tuple[int, int, float]]:
    """Every pair (id a, id b, score), a < b, scoring at least `threshold`, best first.
    `progress(done, total)` is called while the pairs are scored."""
    if len(rows) < 2:
        return []
    with np.errstate(over="ignore"):
        columns = Columns(rows)
        codes = _screen(columns, candidate_pairs(rows, columns))
    n, total = columns.n, len(codes)
    found = []
    for k, code in enumerate(codes.tolist()):
        i, j = divmod(code, n)
        s = score(rows[i], rows[j])
        if s >= threshold:
            a, b = rows[i][0], rows[j][0]
            found.append((a, b, s) if a < b else (b, a, s))
        if progress is not None and k % 20000 == 0:
            progress(k, total)
    found.sort(key=lambda t: (-t[2], t[0], t[1]))
    return found


def closure(pairs: Iterable[tuple]) -> set[tuple[int, int]]:
    """Every pair (a < b) of the groups the pairs make: twins of one person are twins of each other
    (a typo'd and a swapped entry of one woman are two edits apart, each one edit from her)."""
    parent: dict = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, *_ in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict = {}
    for x in list(parent):
        groups.setdefault(root(x), []).append(x)
    out = set()
    for members in groups.values():
        members.sort()
        out.update((members[i], members[j]) for i in range(len(members)) for j in range(i + 1, len(members)))
    return out


def precision_recall(found: Iterable[tuple], truth: set[tuple[int, int]]) -> tuple[float, float]:
    """Pairwise precision and recall of the groups found against the labelled groups."""
    got = closure(found)
    truth = closure(truth)
    hits = len(got & truth)
    precision = hits / len(got) if got else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall
