"""R1, R8: bulk import of persons with their residence periods.

The path that file imports, the demo data and the benchmarks use. Every row goes through the same
checks as a single registration (`services.validate_person`, with the division table preloaded so
that no row costs a query), plus the residence rules of `record_arrival`, the same code
(`residence_rules.check_period`: scope, dates against birth and today, rental home and employer in
scope, not closed, the home in that division, no overlap with her periods) on what each batch
preloads (homes and employers with their closing dates, the matched persons' periods); a division
that exists at county level or below, and a grid in that village.

Invariant 7: every bad row is reported with its row number ("第N行 … / row N: …") and nothing is
written, unless the caller chose `good_rows_only`, in which case the good rows are written and the
bad ones listed in the summary. R8: a row whose document is already registered (in the database or
earlier in the same import) matches that person instead of creating a twin; its residence is added
only if it does not overlap the periods she already has, else the row is reported.

Writes are raw `executemany` inside one transaction (measured.md: Django's bulk_create is ~8x
slower). Person ids are reserved up front: on SQLite the transaction holds the write lock from its
start (BEGIN IMMEDIATE), so `max(id)+1 ...` is ours; on PostgreSQL they are drawn from the
identity sequence with one `nextval` over `generate_series`. Either way no row is read back, and
residence and name-key rows can name their person at once. One audit event per import.
"""
import contextlib
import datetime

from django.db import connection, transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import is_system, require
from liudong.codes import Level
from liudong.divisions.models import Division, Grid
from liudong.divisions.queries import all_county_kinds
from liudong.errors import Invalid
from liudong.identifiers import row_id

from ..choices import SHORT_STAY_REASONS, DocumentType, IntendedStay, MoveReason, ResidenceEnd, ResidenceStart
from ..models import ADDRESS_MAX, Employer, Person, PersonNameKey, RentalHousing, Residence
from ..pinyin import name_keys
from ..residence_rules import Place, check_period
from ..scope import writable
from ..services import is_floating, tell_import_listeners, validate_person

PERSON_FIELDS = ("id_number", "document_type", "document_number", "name", "sex", "birth_date", "ethnicity", "education",
                 "marital_status", "phone", "hukou_division", "hukou_address")
RESIDENCE_FIELDS = ("division", "address", "arrived_on", "reason", "intended_stay", "housing_id", "employer_id", "grid_id", "left_on", "expects_return")
LABELS = {
    "id_number": "身份证号", "document_type": "证件类型", "document_number": "证件号码", "name": "姓名", "sex": "性别",
    "birth_date": "出生日期", "ethnicity": "民族", "education": "文化程度", "marital_status": "婚姻状况", "phone": "联系电话",
    "hukou_division": "户籍地", "hukou_address": "户籍地址", "division": "居住地", "address": "居住地址", "arrived_on": "到达日期",
    "reason": "流动原因", "intended_stay": "拟居住时间", "housing_id": "出租房屋", "employer_id": "用工单位", "grid_id": "网格",
    "left_on": "离开日期", "expects_return": "预期返回", "row": "整行",
}
REASONS, STAYS = frozenset(MoveReason.values), frozenset(IntendedStay.values)
MAX_MESSAGES = 1000
CLAIM_ROW = ("已由其他地方登记管理：其到达请提交到达申报，由其现居住地或户籍地确认 / registered and recorded by another place: "
             "submit an arrival claim for her, which her place confirms")
LOOKUP_CHUNK = 500


def row_message(n: int, field: str, message: str) -> str:
    zh, _, en = message.partition(" / ")
    if not en:
        en = zh
    return f"第{n}行 {LABELS.get(field, field)}：{zh} / row {n} {field}: {en}"


def _chunks(seq, size):
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_PLAIN = {str, type(None), datetime.date}
_SCALAR = {str, type(None), datetime.date, int, bool}


def _as_text(value):
    """Spreadsheet cells arrive as numbers: a code or an ID typed as a number becomes its digits."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def reserve_ids(cursor, model, n: int) -> list[int]:
    """n fresh primary keys for `model`, valid until the transaction ends (see module doc)."""
    if n == 0:
        return []
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [n])
        return [r[0] for r in cursor.fetchall()]
    cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
    top = cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + n))


def insert_sql(model, fields) -> str:
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"


PERSON_COLUMNS = ("id", "id_number", "document_type", "document_number", "name", "name_key", "sex", "birth_date", "ethnicity",
                  "education", "marital_status", "phone", "hukou_division", "hukou_address", "residence_division", "floating",
                  "created_on", "created_by_division")
RESIDENCE_COLUMNS = ("id", "person", "division", "address", "housing", "employer", "grid", "arrived_on", "start_kind", "reason",
                     "intended_stay", "expects_return", "left_on", "end_kind", "floating", "hukou_division_code", "recorded_by_division")
NAME_KEY_COLUMNS = ("person", "key")


class _Period:
    """One residence period while the import decides kinds and the person's current place."""

    __slots__ = ("arrived", "left", "division", "floating", "end_kind", "new", "fields", "short_stay")

    def __init__(self, arrived, left, division, floating, end_kind="", new=False, fields=None, short_stay=False):
        self.arrived, self.left, self.division, self.floating = arrived, left, division, floating
        self.end_kind, self.new, self.fields = end_kind, new, fields
        self.short_stay = short_stay  # J2: a short stay with a return expected (not floating, not home)

    def overlaps(self, other) -> bool:
        far = datetime.date.max
        return self.arrived < (other.left or far) and other.arrived < (self.left or far)


def _current(periods):
    """Invariant 6, as `services._sync_current`: (residence division, floating) from the periods."""
    if not periods:
        return None, False
    open_ = [p for p in periods if p.left is None]
    if open_:
        return open_[0].division, open_[0].floating
    last = max(periods, key=lambda p: p.arrived)
    return None, bool(not last.short_stay and (last.floating or last.end_kind == ResidenceEnd.DEPARTURE))


class _Importer:
    def __init__(self, *, actor, today, good_rows_only, recorded_by, hold=None, match=None):
        self.actor, self.today, self.good_rows_only = actor, today, good_rows_only
        self.hold, self.match = hold, match or {}
        self.held: list[tuple] = []  # (row number, the row as given, person ids): rows `hold` kept back
        self.created_ids: list[int] = []
        self.residence_ids: list[int] = []
        self.touched: dict[int, tuple] = {}  # existing person -> (residence division, floating) before the import
        self.division_code = recorded_by if recorded_by is not None else (getattr(actor, "division_id", "") or "")
        self.levels = dict(Division.objects.values_list("code", "level"))
        self.kinds = all_county_kinds()  # J2: district or not, for is_floating without a query a row
        levels = self.levels
        self.area_exists = lambda area6: (area6 + "000000") in levels
        self.grids = dict(Grid.objects.values_list("id", "village_id"))
        self.housing: dict[int, str] = {}
        self.employers: dict[int, str] = {}
        self.name_cache: dict[str, list[str]] = {}
        self.errors: list[str] = []
        self.bad_rows: list[int] = []
        self.rows = self.created = self.matched = self.residences = 0
        self.first_id = self.last_id = None
        self.cursor = connection.cursor()
        self.sql_person = insert_sql(Person, PERSON_COLUMNS)
        self.sql_residence = insert_sql(Residence, RESIDENCE_COLUMNS)
        self.sql_name_key = insert_sql(PersonNameKey, NAME_KEY_COLUMNS)
        q = connection.ops.quote_name
        self.sql_current = (f"UPDATE {q(Person._meta.db_table)} SET {q('residence_division_id')} = %s, {q('floating')} = %s WHERE {q('id')} = %s")

    # -- checks ---------------------------------------------------------------------------------

    def in_scope(self, *codes) -> bool:
        return is_system(self.actor) or any(code and self.actor.in_scope(code) for code in codes)

    def _preload_refs(self, batch):
        """Rental homes and employers the batch names, with their divisions and closing dates
        (what residence_rules needs; one query per chunk)."""
        for attr, model in (("housing", RentalHousing), ("employers", Employer)):
            cache = getattr(self, attr)
            key = "housing_id" if attr == "housing" else "employer_id"
            wanted = {pk for _, r in batch if isinstance(r, dict) and (pk := row_id(_as_text(r.get(key))))} - cache.keys()
            for chunk in _chunks(sorted(wanted), LOOKUP_CHUNK):
                cache.update((pk, Place(division, closed)) for pk, division, closed in model.objects.filter(pk__in=chunk).values_list("id", "division_id", "closed_on"))

    def _residence(self, data, errors):
        """The residence fields of a row, parsed (their rules are checked with the person's, in
        `process`), or None when the row carries none."""
        if not any(data.get(f) not in (None, "") for f in RESIDENCE_FIELDS):
            return None
        res: dict = {}
        code = data.get("division")
        if not code:
            errors.setdefault("division", []).append("有居住信息时居住地必填 / required when a row has a residence")
        elif code not in self.levels:
            errors.setdefault("division", []).append(f"区划代码 {code} 不存在 / no division has code {code}")
        elif self.levels[code] < Level.COUNTY:
            errors.setdefault("division", []).append(f"应为第 {Level.COUNTY} 级或以下的区划 / must be a division of level {Level.COUNTY} or below")
        else:
            res["division"] = code
        res["address"] = fields.text(data, "address", errors, max_length=ADDRESS_MAX)
        res["arrived_on"] = fields.date(data, "arrived_on", errors, required=True)
        res["left_on"] = fields.date(data, "left_on", errors)
        res["reason"] = fields.choice(data, "reason", errors, choices=REASONS)
        res["intended_stay"] = fields.choice(data, "intended_stay", errors, choices=STAYS)
        expects_return = data.get("expects_return") or False
        if not isinstance(expects_return, bool):
            errors.setdefault("expects_return", []).append("应为 是 或 否 / must be yes or no")
        elif expects_return and res["reason"] not in SHORT_STAY_REASONS:
            errors.setdefault("expects_return", []).append(
                "仅出差、就医、学习、旅游、探亲访友的短期居住可标记预期返回 / only a business trip, medical treatment, study, tourism or a family visit can be marked as a stay with a return expected")
        res["expects_return"] = expects_return is True
        for field in ("housing_id", "employer_id"):
            raw = data.get(field)
            res[field] = None if raw in (None, "") else (row_id(raw) or raw)  # a bad id is refused by the rules
        raw = data.get("grid_id")
        res["grid_id"] = None
        if raw not in (None, ""):
            pk = int(raw) if str(raw).isdigit() else None
            if pk not in self.grids:
                errors.setdefault("grid_id", []).append("网格不存在 / no such grid")
            elif res.get("division") and self.grids[pk] != res["division"]:
                errors.setdefault("grid_id", []).append("网格不在该居住地村居内 / the grid is not in that village")
            else:
                res["grid_id"] = pk
        return res

    def _bad(self, n, errors):
        self.bad_rows.append(n)
        for field, messages in errors.items():
            for m in messages:
                if len(self.errors) < MAX_MESSAGES:
                    self.errors.append(row_message(n, field, m))

    # -- one batch ------------------------------------------------------------------------------

    def process(self, batch):
        self._preload_refs(batch)
        parsed = []  # (n, clean, residence, errors): the fields of each row, parsed
        for n, raw in batch:
            self.rows += 1
            if not isinstance(raw, dict):
                self._bad(n, {"row": ["行格式错误 / the row is not a record of fields"]})
                continue
            odd = [k for k, v in raw.items() if type(v) not in _PLAIN and not (type(v) is int and k.endswith("_id"))]
            data = {**raw, **{k: _as_text(raw[k]) for k in odd}} if odd else raw
            shapeless = {k: ["应为文字、数字或日期 / must be text, a number or a date"] for k in odd if type(data[k]) not in _SCALAR}
            if shapeless:
                self._bad(n, shapeless)
                continue
            clean, errors = validate_person(data, today=self.today, area_exists_fn=self.area_exists, divisions=self.levels)
            parsed.append((n, clean, self._residence(data, errors), errors, data))
        if not parsed:
            return
        existing = self._existing([c for _, c, _, e, _ in parsed if _identified(c, e)])
        forced = self._forced([n for n, *_ in parsed if n in self.match])
        existing.update({("forced", e["id"]): e for e in forced.values()})
        periods: dict[int, list[_Period]] = {}
        if existing:
            for pid, arrived, left, division, floating, end_kind, short_stay in Residence.objects.filter(
                person_id__in=[e["id"] for e in existing.values()]
            ).values_list("person_id", "arrived_on", "left_on", "division_id", "floating", "end_kind", "expects_return").iterator():
                periods.setdefault(pid, []).append(_Period(arrived, left, division, floating, end_kind, short_stay=short_stay))
        # Hole 1: a row adds a period only to persons the actor may record (people.scope.writable);
        # someone another place records is claimed, not taken over by a file.
        others = self._not_writable([e["id"] for e in existing.values()])
        new_people: dict[tuple, dict] = {}  # key -> clean (with "periods")
        touched: set[int] = set()  # existing persons with a new period
        for n, clean, res, errors, data in parsed:
            identified = _identified(clean, errors)
            key = (clean["document_type"], clean["document_number"]) if identified else None
            known = forced.get(n) or existing.get(key)
            person = new_people.get(key)
            hukou = known["hukou"] if known else (person["hukou_division_id"] if person else clean.get("hukou_division_id"))
            birth = known["birth"] if known else (person["birth_date"] if person else clean.get("birth_date"))
            if res is None:
                if identified and known is None and person is None and "hukou_division" not in errors and not self.in_scope(hukou):
                    errors.setdefault("hukou_division", []).append("无居住信息时户籍地应在您的管辖范围内 / without a residence the hukou place must be in your scope")
            elif known is not None and known["id"] in others:
                # Nothing of her record is compared either (hole 2): only this.
                field = "id_number" if key[0] == DocumentType.RESIDENT_ID else "document_number"
                errors.setdefault(field, []).append(CLAIM_ROW)
            else:
                # The rules of record_arrival (residence_rules), on what the batch preloaded.
                mine = (periods.get(known["id"]) if known else (person["periods"] if person else [])) if identified else None
                check_period(errors, actor=self.actor, division=res.get("division"), hukou=hukou, birth=birth, arrived=res["arrived_on"], left=res["left_on"],
                             today=self.today, housing_id=res["housing_id"], employer_id=res["employer_id"], homes=self.housing,
                             employers=self.employers, periods=mine or ())
            if errors:
                self._bad(n, errors)
                continue
            period = None
            if res is not None:
                period = _Period(res["arrived_on"], res["left_on"], res["division"], is_floating(res["division"], hukou, reason=res["reason"], expects_return=res["expects_return"], kinds=self.kinds),
                                 new=True, fields=res, short_stay=res["expects_return"])
            if known is not None:
                self.matched += 1
                if period is not None:
                    periods.setdefault(known["id"], []).append(period)
                    touched.add(known["id"])
            elif person is not None:
                self.matched += 1
                person["rows"].append((n, data))
                if period is not None:
                    person["periods"].append(period)
            else:
                clean["periods"] = [period] if period is not None else []
                clean["rows"] = [(n, data)]
                new_people[key] = clean
        if self.hold is not None and new_people:
            self._hold(new_people)
        self._write(new_people, {pid: periods[pid] for pid in touched}, existing={e["id"]: e for e in existing.values()})

    def _hold(self, new_people):
        """Issue 15 part 4: the caller's `hold` sees the persons the batch would create (each
        clean dict with its usual reading as "name_key") and names those it keeps back ({key:
        [person ids]}, a probable twin of those): their rows are not written but returned."""
        for clean in new_people.values():
            name = clean["name"]
            keys = self.name_cache.get(name)
            if keys is None:
                keys = self.name_cache[name] = name_keys(name)
            clean["name_key"] = keys[0] if keys else ""
        for key, ids in self.hold(new_people).items():
            clean = new_people.pop(key)
            self.matched -= len(clean["rows"]) - 1
            self.held.extend((n, data, list(ids)) for n, data in clean["rows"])

    def _forced(self, numbers) -> dict[int, dict]:
        """Rows the caller matched to a person herself (`match`: row number -> person id; a clerk
        accepting a held row as that person), as `_existing` gives them."""
        if not numbers:
            return {}
        found = {pid: {"id": pid, "hukou": hukou, "birth": birth, "where": where, "floating": floating}
                 for pid, hukou, birth, where, floating in Person.objects.filter(pk__in={self.match[n] for n in numbers}).values_list(
                     "id", "hukou_division_id", "birth_date", "residence_division_id", "floating")}
        return {n: found[self.match[n]] for n in numbers if self.match[n] in found}

    def _not_writable(self, ids) -> set[int]:
        """Of the persons `ids` (already registered), those the actor may not add a period to."""
        if is_system(self.actor) or not ids:
            return set()
        mine: set[int] = set()
        for chunk in _chunks(sorted(ids), LOOKUP_CHUNK):
            mine.update(writable(self.actor).filter(pk__in=chunk).values_list("pk", flat=True))
        return set(ids) - mine

    def _existing(self, cleans) -> dict[tuple, dict]:
        """R8: persons already registered under the batch's documents (earlier batches included).
        Raw queries on the unique indexes (the ORM's conversions cost more than the look-up)."""
        found: dict[tuple, dict] = {}
        q = connection.ops.quote_name
        select = (f"SELECT {q('id')}, {q('id_number')}, {q('document_number')}, {q('hukou_division_id')}, {q('birth_date')},"
                  f" {q('residence_division_id')}, {q('floating')} FROM {q(Person._meta.db_table)} WHERE ")
        day = datetime.date.fromisoformat
        cur = self.cursor

        def read(where, params, key):
            cur.execute(select + where, params)
            for pid, number, document, hukou, birth, where_, floating in cur.fetchall():
                found[key(number, document)] = {"id": pid, "hukou": hukou, "birth": day(birth) if isinstance(birth, str) else birth,
                                                "where": where_, "floating": bool(floating)}

        ids = sorted({c["id_number"] for c in cleans if c.get("id_number")})
        for chunk in _chunks(ids, LOOKUP_CHUNK):
            read(f"{q('id_number')} IN ({', '.join(['%s'] * len(chunk))})", chunk, lambda number, _: (DocumentType.RESIDENT_ID, number))
        others: dict[str, set] = {}
        for c in cleans:
            if not c.get("id_number"):
                others.setdefault(c["document_type"], set()).add(c["document_number"])
        for doc_type, numbers in others.items():
            for chunk in _chunks(sorted(numbers), LOOKUP_CHUNK):
                read(f"{q('document_type')} = %s AND {q('document_number')} IN ({', '.join(['%s'] * len(chunk))})", [doc_type, *chunk],
                     lambda _, document, t=doc_type: (t, document))
        return found

    # -- writing --------------------------------------------------------------------------------

    def _kinds(self, periods):
        """start_kind/end_kind of the new periods among all of a person's periods (R2)."""
        ordered = sorted(periods, key=lambda p: p.arrived)
        for i, p in enumerate(ordered):
            if not p.new:
                continue
            prev = ordered[i - 1] if i else None
            nxt = ordered[i + 1] if i + 1 < len(ordered) else None
            if prev is not None and prev.left == p.arrived:
                p.fields["start_kind"] = ResidenceStart.MOVE
            elif prev is not None and not p.floating and not p.short_stay:
                p.fields["start_kind"] = ResidenceStart.RETURN
            else:
                p.fields["start_kind"] = ResidenceStart.ARRIVAL
            if p.left is None:
                p.end_kind = ""
            elif nxt is not None and nxt.arrived == p.left:
                p.end_kind = ResidenceEnd.MOVE
            else:
                p.end_kind = ResidenceEnd.DEPARTURE

    def _residence_row(self, pid, hukou, p):
        f = p.fields
        return (pid, p.division, f["address"], f["housing_id"], f["employer_id"], f["grid_id"], p.arrived, f["start_kind"],
                f["reason"], f["intended_stay"], f["expects_return"], p.left, p.end_kind, p.floating, hukou, self.division_code)

    def _write(self, new_people, touched, *, existing):
        cur = self.cursor
        ids = reserve_ids(cur, Person, len(new_people))
        person_rows, key_rows, residence_rows = [], [], []
        cache = self.name_cache
        for pid, clean in zip(ids, new_people.values()):
            name = clean["name"]
            keys = cache.get(name)
            if keys is None:
                keys = cache[name] = name_keys(name)
            periods = clean["periods"]
            if periods:
                self._kinds(periods)
            where, floating = _current(periods)
            person_rows.append((
                pid, clean["id_number"], clean["document_type"], clean["document_number"], name, keys[0] if keys else "",
                clean["sex"], clean["birth_date"], clean["ethnicity"], clean["education"], clean["marital_status"], clean["phone"],
                clean["hukou_division_id"], clean["hukou_address"], where, floating, self.today, self.division_code,
            ))
            key_rows.extend((pid, k) for k in keys)
            hukou = clean["hukou_division_id"]
            residence_rows.extend(self._residence_row(pid, hukou, p) for p in periods)
        updates = []
        for pid, periods in touched.items():
            self._kinds(periods)
            hukou = existing[pid]["hukou"]
            self.touched.setdefault(pid, (existing[pid]["where"], existing[pid]["floating"]))
            residence_rows.extend(self._residence_row(pid, hukou, p) for p in periods if p.new)
            where, floating = _current(periods)
            updates.append((where, floating, pid))
        if person_rows:
            cur.executemany(self.sql_person, person_rows)
            cur.executemany(self.sql_name_key, key_rows)
            self.created += len(person_rows)
            self.created_ids.extend(ids)
            self.first_id = self.first_id if self.first_id is not None else ids[0]
            self.last_id = ids[-1]
        if residence_rows:
            residence_ids = reserve_ids(cur, Residence, len(residence_rows))
            cur.executemany(self.sql_residence, [(rid, *row) for rid, row in zip(residence_ids, residence_rows)])
            self.residence_ids.extend(residence_ids)
            self.residences += len(residence_rows)
        if updates:
            cur.executemany(self.sql_current, updates)

    def summary(self) -> dict:
        out = {"rows": self.rows, "created": self.created, "matched": self.matched, "residences": self.residences,
               "skipped": len(self.bad_rows), "first_id": self.first_id, "last_id": self.last_id}
        return out


def _identified(clean, errors) -> bool:
    """The row's document parsed, so it can be matched to a registered person (R8)."""
    return bool(clean.get("document_number")) and not errors.keys() & {"document_type", "id_number", "document_number"}


# SQLite page cache while importing (KiB). Every row touches a random leaf of each index of
# Person (ID number, name, pinyin, birth date, residence, hukou); the default 64 MB stops holding
# them near a million rows and inserts then wait on page reads. Given back after the import.
IMPORT_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _bulk_cache():
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        if before < 0 and -before >= IMPORT_CACHE_KIB:
            before = None
        else:
            cur.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        if before is not None:
            with connection.cursor() as cur:
                cur.execute(f"PRAGMA cache_size = {int(before)}")


def import_people(*, actor, rows, today: datetime.date, good_rows_only: bool = False, first_row: int = 1,
                  batch_size: int = 5000, recorded_by: str | None = None, hold=None, match=None, progress=None) -> dict:
    """Import persons (and optionally one residence period each) from an iterable of dicts.

    `actor` is the staff member importing (None only for the command line: demo data, loads);
    `first_row` is the number shown for the first row (2 for a file with a header line).
    Returns {"rows", "created", "matched", "residences", "skipped", "first_id", "last_id",
    "errors", "bad_rows"}; raises `Invalid({"rows": [...]})` on any bad row unless
    `good_rows_only`. Also, for the caller that keeps a record of the import (liudong.quality's
    import batch): "created_ids", "residence_ids" (what it wrote), "touched" ({person id:
    (residence division, floating) before the import} of the registered persons it gave a period)
    and "held".

    Issue 15 part 4, two hooks for the apps above: `hold(new_people)` is shown, batch by batch,
    the persons about to be created ({document key: clean fields with "name_key"}) and returns
    those to keep back ({key: [person ids of their probable twins]}): their rows are not written
    and come back in "held" as (row number, the row as given, person ids). `match` ({row number:
    person id}) takes a row as that registered person, whatever its document (a clerk's decision
    on a held row); every other check applies as to any row. `progress(rows done)` is called after
    each batch (a background job's bar).
    """
    require(actor, Action.REGISTER_PERSON)
    require(actor, Action.RECORD_RESIDENCE)
    with transaction.atomic(), _bulk_cache():
        # The periods this import writes are those above the highest id before it (on SQLite the
        # import holds the write lock from its start; on PostgreSQL a period another transaction
        # commits meanwhile was told to the listeners by its own writer, and they skip it).
        before = Residence.objects.order_by("-id").values_list("id", flat=True).first() or 0
        imp = _Importer(actor=actor, today=today, good_rows_only=good_rows_only, recorded_by=recorded_by, hold=hold, match=match)
        try:
            for batch in _batches(enumerate(rows, start=first_row), batch_size):
                imp.process(batch)
                if progress is not None:
                    progress(imp.rows)
        finally:
            imp.cursor.close()
        if imp.bad_rows and not good_rows_only:
            messages = list(imp.errors)
            if len(imp.errors) >= MAX_MESSAGES:
                messages.append(f"……共 {len(imp.bad_rows)} 行有错 / {len(imp.bad_rows)} bad rows in all")
            messages.append(f"未导入任何行（共 {imp.rows} 行，{len(imp.bad_rows)} 行有错） / nothing was imported ({imp.rows} rows, {len(imp.bad_rows)} bad)")
            raise Invalid({"rows": messages})
        summary = imp.summary()
        if imp.held:
            summary["held"] = len(imp.held)
        if imp.residences:
            tell_import_listeners(actor=actor, residences=Residence.objects.filter(id__gt=before))
        record(actor, "person.import", object_type="person", fields=summary)
    summary.update(errors=imp.errors, bad_rows=imp.bad_rows, held=imp.held, created_ids=imp.created_ids, residence_ids=imp.residence_ids,
                   touched=imp.touched)
    return summary
