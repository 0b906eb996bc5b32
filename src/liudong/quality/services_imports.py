"""Issue 15 part 4: imports from other systems, as services (invariant 1).

The people import itself (reading a .csv/.xlsx, every check of the one-record services, the writing)
is people.imports; quality sits above people and adds, through that import's hooks, what needs the
duplicates' rules and a record of the import:

- saved column mappings per source (`save_mapping`): {our field: the file's column header}; a
  mapping naming a column the file lacks is a field error (`mapping.<field>`) and nothing is read;
- matching of each row: the document (resident ID number or other document) first, in the import
  itself (the row adds its period to that person: a new residence period through the same rules as
  record_arrival, never overwriting one; her own fields are not changed); a row that would create
  a person is then compared with the registered people of the same-sound name, birth date, sex and
  hukou county, scored as the duplicates scan scores (dedup.score, threshold dedup.THRESHOLD): two
  valid ID numbers more than one edit apart are two people (a new record), else the row is held
  (`ImportHold`, its data kept) for a clerk, who takes it as that person or as a new one
  (`decide_hold`, again through the import's checks);
- the batch (`ImportBatch`): every person and residence it created, every registered person whose
  current place it changed and every row its listeners wrote (a residence registration) is an
  `ImportLink` with a fingerprint of the row as the batch left it; `rollback` removes them all
  within the policy window (import.rollback_days), or refuses, naming each later act that depends
  on the batch: a row added since that points at one of its persons or residences (a family link, a
  visit, a merge, a further residence ...) or one of its rows changed since (an edit, a departure).

Bad input raises Invalid and writes nothing; a batch, mapping or held row outside the actor's area is
NotFound, the same as an absent one (invariant 2).
"""
import datetime
import hashlib

from django.apps import apps
from django.db import connection, models, transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import is_system, require
from liudong.divisions.queries import in_range
from liudong.errors import Invalid, NotFound
from liudong.people import scope
from liudong.people.imports import files
from liudong.people.imports.columns import CONVERT, BadCell, loose_key
from liudong.people.imports.rows import import_people, insert_sql
from liudong.people.models import Person, PersonNameKey
from liudong.policy.services import value as policy_value

from . import dedup
from .choices import BATCH_NEXT, HOLD_NEXT, BatchState, HoldState
from .models import ImportBatch, ImportHold, ImportLink, ImportMapping

MAPPABLE = tuple(CONVERT)
# Fields whose values a source may write its own way (its codes, 1/2 for sex ...): value mappings.
VALUE_FIELDS = ("sex", "ethnicity", "education", "marital_status", "reason", "intended_stay", "document_type", "expects_return")
VALUE_MAX = 60
MAX_VALUES = 200  # source values a field may list
SOURCE_MAX = 60
HEADER_MAX = 60
CHUNK = 500
MAX_REFUSED = 1000  # refused rows kept on the batch with their messages (the count is complete)
MAX_PROBLEMS = 20
NO_BATCH = "导入批次不存在或不在您的管辖范围内 / no such import batch in your area"
NO_MAPPING = "列映射不存在或不在您的管辖范围内 / no such column mapping in your area"
NO_HOLD = "待定行不存在或不在您的管辖范围内 / no such held row in your area"
PERSON, RESIDENCE = "people.Person", "people.Residence"
CREATED, CHANGED = "created", "changed"


def _require(actor):
    require(actor, Action.REGISTER_PERSON)
    require(actor, Action.RECORD_RESIDENCE)


def _next(table, state, act, field="state"):
    nxt = table.get((state, act))
    if nxt is None:
        raise Invalid({field: [f"当前状态为 {state}，不能执行 {act} / the state is {state}: cannot {act}"]})
    return nxt


# -- mappings -------------------------------------------------------------------------------------

def clean_mapping(raw, errors) -> dict:
    """{field: header} with known fields and non-empty headers, no header named twice."""
    if raw in (None, "", {}):
        fields.add(errors, "mapping", "至少映射一列 / map at least one column")
        return {}
    if not isinstance(raw, dict):
        fields.add(errors, "mapping", "应为 {字段: 列名} / must be {field: column header}")
        return {}
    out, seen = {}, {}
    for field, header in raw.items():
        if field not in MAPPABLE:
            fields.add(errors, f"mapping.{field}", f"未知字段，可映射：{', '.join(MAPPABLE)} / unknown field; these can be mapped: {', '.join(MAPPABLE)}")
            continue
        if header in (None, ""):
            continue  # a field left blank is not mapped
        if not isinstance(header, str) or not header.strip() or len(header.strip()) > HEADER_MAX:
            fields.add(errors, f"mapping.{field}", f"列名应为不超过 {HEADER_MAX} 个字符的文字 / a column header is text of at most {HEADER_MAX} characters")
            continue
        header = header.strip()
        if header in seen:
            fields.add(errors, f"mapping.{field}", f"“{header}”列已映射到 {seen[header]} / the column “{header}” is mapped to {seen[header]} already")
            continue
        seen[header] = field
        out[field] = header
    if not out and not errors:
        fields.add(errors, "mapping", "至少映射一列 / map at least one column")
    return out


def clean_values(raw, errors) -> dict:
    """{field: {the source's value: ours}}: a value-mappable field, each source value a short text
    listed once (compared loosely, as the file's cells are), each of ours a value the import
    takes for that field (stored as its code: "1" -> "M")."""
    if raw in (None, "", {}):
        return {}
    if not isinstance(raw, dict):
        fields.add(errors, "values", "应为 {字段: {来源取值: 本系统取值}} / must be {field: {source value: our value}}")
        return {}
    out: dict = {}
    for field, table in raw.items():
        key = f"values.{field}"
        if field not in VALUE_FIELDS:
            fields.add(errors, key, f"该字段不能映射取值，可映射：{', '.join(VALUE_FIELDS)} / no value mapping for this field; these can have one: {', '.join(VALUE_FIELDS)}")
            continue
        if table in (None, "", {}):
            continue
        if not isinstance(table, dict):
            fields.add(errors, key, "应为 {来源取值: 本系统取值} / must be {source value: our value}")
            continue
        if len(table) > MAX_VALUES:
            fields.add(errors, key, f"最多 {MAX_VALUES} 个取值 / {MAX_VALUES} values at most")
            continue
        clean, seen = {}, {}
        for theirs, ours in table.items():
            theirs = str(theirs).strip() if isinstance(theirs, (str, int)) else ""
            if not theirs or len(theirs) > VALUE_MAX:
                fields.add(errors, key, f"来源取值应为不超过 {VALUE_MAX} 个字符的文字 / a source value is text of at most {VALUE_MAX} characters")
                continue
            loose = loose_key(theirs)
            if loose in seen:
                fields.add(errors, key, f"来源取值“{theirs}”与“{seen[loose]}”重复 / the source value “{theirs}” repeats “{seen[loose]}”")
                continue
            seen[loose] = theirs
            try:
                if ours in (None, "") or not isinstance(ours, (str, int, bool)):
                    raise BadCell("应填本系统的取值 / give our value")
                clean[theirs] = CONVERT[field](ours)
            except BadCell as e:
                zh, _, en = str(e).partition(" / ")
                fields.add(errors, key, f"“{theirs}”对应的取值无效：{zh} / “{theirs}” maps to an invalid value: {en or zh}")
        if clean:
            out[field] = clean
    return out


@transaction.atomic
def save_mapping(*, actor, data: dict, today: datetime.date, mapping_id=None) -> ImportMapping:
    """Create (or, with `mapping_id`, edit) the column mapping of a source for the actor's division,
    with its value mappings (`values`, see clean_values)."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    existing = None
    if mapping_id is not None:
        existing = ImportMapping.objects.select_for_update().filter(pk=mapping_id, division=actor.division_id).first()
        if existing is None:
            raise NotFound(NO_MAPPING)
    source = fields.text(data, "source", errors, max_length=SOURCE_MAX, required=True)
    mapping = clean_mapping(data.get("mapping"), errors)
    values = clean_values(data.get("values"), errors)
    if source and ImportMapping.objects.filter(division=actor.division_id, source=source).exclude(pk=getattr(existing, "pk", None)).exists():
        fields.add(errors, "source", f"本单位已有来源“{source}”的映射 / your division has a mapping for “{source}” already")
    if errors:
        raise Invalid(errors)
    saved = existing or ImportMapping(division=actor.division_id)
    saved.source, saved.mapping, saved.values, saved.saved_on = source, mapping, values, today
    saved.saved_by = actor if getattr(actor, "pk", None) else None
    saved.save()
    record(actor, "import.mapping", obj=saved, fields={"source": source, "mapping": mapping, "values": values})
    return saved


def usable_mappings(*, actor):
    """The mappings of the actor's division and of the divisions above it (a county's mapping
    serves its townships)."""
    code = actor.division_id
    above = {code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)}
    return ImportMapping.objects.filter(division__in=above)


def mapping_of(*, actor, mapping_id) -> ImportMapping:
    _require(actor)
    found = usable_mappings(actor=actor).filter(pk=mapping_id).first() if mapping_id else None
    if found is None:
        raise NotFound(NO_MAPPING)
    return found


# -- matching -------------------------------------------------------------------------------------

def _row(pid, name, key, sex, birth, id_number, hukou) -> tuple:
    """A person or a row as the duplicates' scorer reads it (dedup.Row)."""
    return (pid, name, key, sex, birth.strftime("%Y%m%d"), (id_number or "")[:17], (hukou or "")[:6])


def _iso(value) -> str:
    """A date as the raw cursor gives it (SQLite: text; PostgreSQL: a date) as YYYY-MM-DD."""
    return value if isinstance(value, str) else value.isoformat()


def same_sound_twins(new_people: dict) -> dict:
    """The `hold` of the people import: of the persons a batch would create, those with a
    registered person of the same-sound name, birth date, sex and hukou county whom the duplicates'
    scorer cannot tell apart ({key: [person ids]}).

    One raw query a chunk with the names and the birth dates in its WHERE (SQLite walks the
    birth-date index: at a million people about 1,000 rows come back for a chunk of 500, against
    17,000 for the name keys alone, measured 2026-12-03); read raw, without the ORM's conversions.
    Sex and county are compared here."""
    items = [(key, c) for key, c in new_people.items() if c.get("name_key") and c.get("birth_date") and c.get("sex")]
    held: dict = {}
    q = connection.ops.quote_name
    sql = (f"SELECT {q('id')}, {q('name')}, {q('name_key')}, {q('sex')}, {q('birth_date')}, {q('id_number')}, {q('hukou_division_id')}"
           f" FROM {q(Person._meta.db_table)} WHERE {q('name_key')} IN (%s) AND {q('birth_date')} IN (%s)"
           # merged_into is tested, not indexed: "IS NULL" matches nearly every row, and SQLite
           # would walk that index instead of the birth date's (hence the unary plus there).
           f" AND {'+' if connection.vendor == 'sqlite' else ''}{q('merged_into_id')} IS NULL")
    with connection.cursor() as cur:
        for start in range(0, len(items), CHUNK):
            chunk = items[start:start + CHUNK]
            births = {c["birth_date"].isoformat() for _, c in chunk}
            keys = sorted({c["name_key"] for _, c in chunk})
            days = sorted({c["birth_date"] for _, c in chunk})
            found: dict[tuple, list] = {}
            cur.execute(sql % (", ".join(["%s"] * len(keys)), ", ".join(["%s"] * len(days))), [*keys, *days])
            for pid, name, key, sex, birth, id_number, hukou in cur.fetchall():
                birth = _iso(birth)
                if birth in births:
                    found.setdefault((key, sex, birth, (hukou or "")[:6]), []).append(
                        (pid, name, key, sex, birth.replace("-", ""), (id_number or "")[:17], (hukou or "")[:6]))
            for key, c in chunk:
                hukou = c.get("hukou_division_id") or ""
                others = found.get((c["name_key"], c["sex"], c["birth_date"].isoformat(), hukou[:6]))
                if not others:
                    continue
                mine = _row(0, c["name"], c["name_key"], c["sex"], c["birth_date"], c.get("id_number"), hukou)
                twins = [o[0] for o in others if dedup.score(mine, o) >= dedup.THRESHOLD]
                if twins:
                    held[key] = sorted(twins)
    return held


# -- the batch ------------------------------------------------------------------------------------

def _fingerprint(values) -> int:
    return int.from_bytes(hashlib.blake2b(repr(tuple(values)).encode(), digest_size=8).digest(), "big", signed=True)


def _chunks(ids, size=CHUNK):
    ids = sorted(ids)
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _runs(ids, size=CHUNK * 10):
    """Sorted ids as (low, high) ranges of at most `size` ids: what an import creates is
    contiguous (its ids are reserved up front), so a range reads it with one index walk."""
    ids = sorted(ids)
    start = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i] != ids[i - 1] + 1 or i - start >= size:
            yield ids[start], ids[i - 1]
            start = i


def _raw_rows(model, names, ids):
    """(pk, *columns) of the rows `ids`, as the database driver gives them (no ORM conversion:
    a fingerprint only has to equal the one taken on the same database)."""
    q = connection.ops.quote_name
    table, pk = q(model._meta.db_table), q(model._meta.pk.column)
    columns = ", ".join(q(model._meta.get_field(n).column) for n in names)
    with connection.cursor() as cur:
        for low, high in _runs(ids):
            cur.execute(f"SELECT {pk}, {columns} FROM {table} WHERE {pk} BETWEEN %s AND %s", [low, high])
            yield from cur.fetchall()


def _fingerprints(label: str, ids) -> dict[int, int]:
    """Each row's fingerprint: every column as it is now, read raw (bench/people_import.py: the
    ORM's conversions of the ~200,000 rows a 100,000-row import writes cost seconds)."""
    model = apps.get_model(label)
    names = [f.name for f in model._meta.concrete_fields]
    return {row[0]: _fingerprint(row[1:]) for row in _raw_rows(model, names, ids)}


def _legacy_fingerprints(label: str, ids) -> dict[int, int]:
    """The fingerprints batches recorded before 2026-12-03, read through the ORM: a row whose raw
    fingerprint differs is compared with this one too, so those batches still roll back."""
    model = apps.get_model(label)
    names = [f.attname for f in model._meta.concrete_fields]
    out = {}
    for chunk in _chunks(ids):
        for row in model.objects.filter(pk__in=chunk).values_list("pk", *names):
            out[row[0]] = _fingerprint(row[1:])
    return out


def _current_places(ids) -> dict[int, int]:
    """Each registered person's (residence division, floating), fingerprinted; read raw, the
    floating flag as a bool (its fingerprint was taken on the ORM's bool before 2026-12-03)."""
    q = connection.ops.quote_name
    sql = f"SELECT {q('id')}, {q('residence_division_id')}, {q('floating')} FROM {q(Person._meta.db_table)} WHERE {q('id')} IN (%s)"
    out = {}
    with connection.cursor() as cur:
        for chunk in _chunks(ids):
            cur.execute(sql % ", ".join(["%s"] * len(chunk)), chunk)
            for pid, where, floating in cur.fetchall():
                out[pid] = _fingerprint((where, bool(floating)))
    return out


def _pointing(model) -> list[tuple[type[models.Model], str]]:
    """(model, field) of every foreign key to `model`, in every app (the model graph: nothing is
    imported from the apps above), related_name="+" ones included."""
    out = []
    for rel in model._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and isinstance(rel, models.ForeignObjectRel) and not rel.many_to_many:
            out.append((rel.related_model, rel.field.name))
    return sorted(out, key=lambda mf: (mf[0]._meta.label, mf[1]))


# Rows that belong to the batch's own records and go with them: a person's same-sound keys, and
# the batch's own bookkeeping.
OWN = (PersonNameKey, ImportHold, ImportLink)


def _referring(targets: dict[str, set]):
    """(label, pk, field, target label, target id) of every row pointing at one of `targets`
    ({label: ids}) from another table (one range query per foreign key)."""
    for target, ids in targets.items():
        if not ids:
            continue
        low, high = min(ids), max(ids)
        for model, field in _pointing(apps.get_model(target)):
            if model in OWN:
                continue
            column = model._meta.get_field(field).attname
            for pk, ref in model.objects.filter(**{f"{column}__gte": low, f"{column}__lte": high}).values_list("pk", column).iterator(chunk_size=5000):
                if ref in ids:
                    yield model._meta.label, pk, field, target, ref


def _write_links(batch, entries):
    """entries: (label, id, change, was, fingerprint)."""
    sql = insert_sql(ImportLink, ("batch", "model", "object_id", "change", "was", "fingerprint"))
    rows = [(batch.pk, label, pk, change, None if was is None else _json(was), fp) for label, pk, change, was, fp in entries]
    with connection.cursor() as cur:
        for start in range(0, len(rows), 5000):
            cur.executemany(sql, rows[start:start + 5000])


def _json(value) -> str:
    import json

    return json.dumps(value)


def link_written(batch, summary) -> int:
    """Link what one run of import_people wrote to `batch`: its persons and residences, the
    registered persons it gave a period (with their place before), and the rows its listeners
    wrote pointing at them (what those listeners made in the import's transaction). Returns how
    many links."""
    persons, residences = set(summary["created_ids"]), set(summary["residence_ids"])
    entries = []
    for pid, fp in _fingerprints(PERSON, persons).items():
        entries.append((PERSON, pid, CREATED, None, fp))
    for rid, fp in _fingerprints(RESIDENCE, residences).items():
        entries.append((RESIDENCE, rid, CREATED, None, fp))
    touched = summary["touched"]
    for pid, fp in _current_places(touched).items():
        where, floating = touched[pid]
        entries.append((PERSON, pid, CHANGED, [where, floating], fp))
    consequences: dict[str, set] = {}
    for label, pk, *_ in _referring({PERSON: persons, RESIDENCE: residences}):
        if label != RESIDENCE:
            consequences.setdefault(label, set()).add(pk)
    for label, ids in consequences.items():
        entries.extend((label, pk, CREATED, None, fp) for pk, fp in _fingerprints(label, ids).items())
    _write_links(batch, entries)
    return len(entries)


def _json_row(data: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in data.items() if v is not None}


def _record_batch(*, actor, today, summary, refused: dict, source: str, mapping: dict, file_name: str, refused_count: int, job=None) -> ImportBatch:
    held = summary["held"]
    batch = ImportBatch.objects.create(
        division=getattr(actor, "division_id", "") or "", source=source[:SOURCE_MAX], mapping=mapping or {}, file_name=file_name[:200],
        imported_on=today, imported_by=actor if getattr(actor, "pk", None) else None, rows=summary["rows"], created=summary["created"],
        matched=summary["matched"], held=len(held), refused=refused_count, residences=summary["residences"],
        refused_rows=[[n, list(m)] for n, m in list(refused.items())[:MAX_REFUSED]], job=job,
    )
    links = link_written(batch, summary)
    ImportHold.objects.bulk_create([ImportHold(batch=batch, row_number=n, data=_json_row(data), candidates=ids) for n, data, ids in held], batch_size=2000)
    record(actor, "import.batch", obj=batch, fields={"source": source, "file": file_name, "rows": batch.rows, "created": batch.created,
                                                     "matched": batch.matched, "held": batch.held, "refused": batch.refused, "links": links})
    return batch


def _columns(*, actor, mapping_id, mapping) -> tuple[str, dict, dict]:
    """(source, {field: header}, {field: {value: ours}}) of the saved mapping chosen, or of one
    given with the file (columns only)."""
    if mapping_id not in (None, ""):
        saved = mapping_of(actor=actor, mapping_id=mapping_id)
        return saved.source, dict(saved.mapping), dict(saved.values or {})
    if mapping in (None, "", {}):
        return "", {}, {}
    errors: dict = {}
    clean = clean_mapping(mapping, errors)
    if errors:
        raise Invalid(errors)
    return "", clean, {}


def import_file(*, actor, fileobj, name: str = "", today: datetime.date, good_rows_only: bool = False, mapping_id=None, mapping=None,
                source: str = "", background: bool = False, progress=None, job=None) -> files.FileImport:
    """Import a file of people as a batch (see the module doc). The result is the people import's
    report; `batch_id` names the batch when anything was written. A saved mapping's value mappings
    apply (a value they do not list refuses its row, naming row, column and value). `background`:
    the job's limits (files.MAX_JOB_ROWS, MAX_JOB_FILE_BYTES) instead of the request's; `progress`
    (done, total) is called as it goes, and once more inside the import's transaction just before
    it commits (a job cancelled or taken over meanwhile raises there: nothing is written); `job`
    is recorded on the batch."""
    _require(actor)
    saved_source, columns, values = _columns(actor=actor, mapping_id=mapping_id, mapping=mapping)

    def keep(summary, report):
        if progress is not None:
            progress(summary["rows"], summary["rows"], force=True)
        return _record_batch(actor=actor, today=today, summary=summary, refused=report, source=source or saved_source, mapping=columns,
                             file_name=name, refused_count=len(summary["bad_rows"]), job=job)

    limits = {"max_rows": files.MAX_JOB_ROWS, "max_bytes": files.MAX_JOB_FILE_BYTES} if background else {}
    result = files.read_and_import(actor=actor, fileobj=fileobj, name=name, today=today, good_rows_only=good_rows_only, columns=columns or None,
                                   hold=same_sound_twins, after=keep, values=values, progress=progress, **limits)
    result.batch_id = result.kept.pk if result.kept is not None else None
    return result


@transaction.atomic
def import_rows(*, actor, rows, today: datetime.date, source: str = "", good_rows_only: bool = False, first_row: int = 1) -> ImportBatch:
    """The same for rows already read (dicts of import_people's fields): the command line, the
    benchmark. Bad rows raise Invalid({"rows": ...}) unless `good_rows_only`."""
    _require(actor)
    summary = import_people(actor=actor, rows=rows, today=today, good_rows_only=good_rows_only, first_row=first_row, hold=same_sound_twins)
    refused: dict[int, list[str]] = {}
    for message in summary["errors"]:
        n = message.split("行", 1)[0].removeprefix("第")
        refused.setdefault(int(n) if n.isdigit() else 0, []).append(message)
    return _record_batch(actor=actor, today=today, summary=summary, refused=refused, source=source, mapping={}, file_name="",
                         refused_count=len(summary["bad_rows"]))


# -- reads ----------------------------------------------------------------------------------------

def batch_of(*, actor, batch_id, lock: bool = False) -> ImportBatch:
    _require(actor)
    qs = ImportBatch.objects.select_for_update() if lock else ImportBatch.objects.all()
    found = qs.filter(pk=batch_id).first() if batch_id else None
    if found is None or not (is_system(actor) or actor.in_scope(found.division) or actor.pk == found.imported_by_id):
        raise NotFound(NO_BATCH)
    return found


def batches(*, actor):
    """The batches imported in the actor's subtree (and her own), newest first."""
    _require(actor)
    return ImportBatch.objects.filter(in_range("division", actor.division_id) | models.Q(imported_by_id=getattr(actor, "pk", None))).order_by("-imported_on", "-id")


def window_days(batch: ImportBatch, today: datetime.date) -> int:
    return int(policy_value("import.rollback_days", batch.division or "000000000000", on=today))


# -- rollback -------------------------------------------------------------------------------------

def _problems(links) -> list[str]:
    """Every later act that depends on the batch (see the module doc), as bilingual messages."""
    created: dict[str, set] = {}
    changed: dict[int, int] = {}
    prints: dict[tuple, int] = {}
    for label, pk, change, _, fp in links:
        if change == CREATED:
            created.setdefault(label, set()).add(pk)
            prints[(label, pk)] = fp
        else:
            changed[pk] = fp
    problems = []
    for label, pk, field, target, ref in _referring({PERSON: created.get(PERSON, set()), RESIDENCE: created.get(RESIDENCE, set())}):
        if pk in created.get(label, ()):
            continue
        what = apps.get_model(label)._meta.verbose_name
        whom = f"人员 {ref} / person {ref}" if target == PERSON else f"居住登记 {ref} / residence {ref}"
        zh, en = whom.split(" / ")
        problems.append(f"导入后新增的 {what} {pk}（{field}）指向本批次的{zh} / {what} {pk} ({field}), added after the import, points at the batch's {en}")
    for label, ids in created.items():
        now = _fingerprints(label, ids)
        differ = [pk for pk in ids if pk in now and now[pk] != prints[(label, pk)]]
        if differ:
            now.update((pk, fp) for pk, fp in _legacy_fingerprints(label, differ).items() if fp == prints[(label, pk)])
        what = apps.get_model(label)._meta.verbose_name
        for pk in sorted(ids):
            if pk not in now:
                problems.append(f"{what} {pk} 已被删除 / {what} {pk} was deleted since the import")
            elif now[pk] != prints[(label, pk)]:
                problems.append(f"{what} {pk} 在导入后被修改 / {what} {pk} was changed after the import")
    now = _current_places(changed)
    for pid in sorted(changed):
        if now.get(pid) != changed[pid]:
            problems.append(f"人员 {pid} 的现居住地在导入后有变动 / person {pid}'s current residence changed after the import")
    return problems


def _delete(label: str, ids, column: str = "") -> None:
    model = apps.get_model(label)
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        for chunk in _chunks(ids):
            cur.execute(f"DELETE FROM {q(model._meta.db_table)} WHERE {q(column or model._meta.pk.column)} IN ({', '.join(['%s'] * len(chunk))})", chunk)


@transaction.atomic
def rollback(*, actor, batch_id, today: datetime.date) -> ImportBatch:
    """Remove everything the batch wrote (see the module doc); refused with every reason, and
    nothing changed, past the window or when a later act depends on it."""
    batch = batch_of(actor=actor, batch_id=batch_id, lock=True)
    state = _next(BATCH_NEXT, batch.state, "rollback")
    days = window_days(batch, today)
    if (today - batch.imported_on).days > days:
        raise Invalid({"state": [f"导入于 {batch.imported_on}，已超过 {days} 天的撤销期限 / imported on {batch.imported_on}: past the {days}-day window for a rollback"]})
    links = list(batch.links.values_list("model", "object_id", "change", "was", "fingerprint"))
    problems = _problems(links)
    if problems:
        more = [f"……共 {len(problems)} 处 / {len(problems)} in all"] if len(problems) > MAX_PROBLEMS else []
        raise Invalid({"rollback": ["以下记录依赖本批次，不能撤销 / later acts depend on this batch: it cannot be rolled back", *problems[:MAX_PROBLEMS], *more]})
    created: dict[str, set] = {}
    restore = []
    for label, pk, change, was, _ in links:
        if change == CREATED:
            created.setdefault(label, set()).add(pk)
        else:
            restore.append((was[0], was[1], pk))
    holds = list(batch.holds.select_for_update())
    for hold in holds:
        hold.state = _next(HOLD_NEXT, hold.state, "withdraw") if hold.state != HoldState.WITHDRAWN else hold.state
        hold.person = None
    ImportHold.objects.bulk_update(holds, ["state", "person"])
    # What points at residences and persons goes first, then the residences, then the persons
    # with their same-sound keys.
    for label in sorted(created, key=lambda lb: (lb == PERSON, lb == RESIDENCE)):
        if label == PERSON:
            _delete(PersonNameKey._meta.label, created[PERSON], column="person_id")
        _delete(label, created[label])
    if restore:
        q = connection.ops.quote_name
        with connection.cursor() as cur:
            cur.executemany(f"UPDATE {q(Person._meta.db_table)} SET {q('residence_division_id')} = %s, {q('floating')} = %s WHERE {q('id')} = %s", restore)
    report = {"persons_removed": len(created.get(PERSON, ())), "residences_removed": len(created.get(RESIDENCE, ())),
              "persons_restored": len(restore), "other_rows_removed": {lb: len(ids) for lb, ids in created.items() if lb not in (PERSON, RESIDENCE)},
              "holds_withdrawn": len(holds)}
    batch.state, batch.rolled_back_on = state, today
    batch.rolled_back_by = actor if getattr(actor, "pk", None) else None
    batch.rollback_report = report
    batch.save(update_fields=["state", "rolled_back_on", "rolled_back_by", "rollback_report"])
    record(actor, "import.rollback", obj=batch, fields=report)
    return batch


# -- held rows ------------------------------------------------------------------------------------

def hold_of(*, actor, hold_id, lock: bool = False) -> ImportHold:
    _require(actor)
    qs = ImportHold.objects.select_for_update() if lock else ImportHold.objects.all()
    found = qs.select_related("batch").filter(pk=hold_id).first() if hold_id else None
    if found is None or not actor.in_scope(found.batch.division):
        raise NotFound(NO_HOLD)
    return found


@transaction.atomic
def decide_hold(*, actor, hold_id, decision: str, today: datetime.date, person_id=None) -> ImportHold:
    """A clerk takes a held row as the registered person `person_id` (one of its candidates: the
    row's period is added to her record, her own fields and document stay) or as a new person.
    Either way the row goes through every check of the import again; what it writes joins the
    row's batch (and goes with its rollback)."""
    hold = hold_of(actor=actor, hold_id=hold_id, lock=True)
    errors: dict[str, list[str]] = {}
    if decision not in (HoldState.EXISTING, HoldState.NEW):
        fields.add(errors, "decision", "应为 existing 或 new / must be existing or new")
    elif hold.batch.state != BatchState.DONE:
        fields.add(errors, "state", "该批次已撤销 / the batch was rolled back")
    target = None
    if decision == HoldState.EXISTING:
        try:
            target = int(person_id)
        except (TypeError, ValueError):
            target = None
        if target not in hold.candidates:
            fields.add(errors, "person_id", f"应为 {', '.join(map(str, hold.candidates))} 之一 / must be one of {', '.join(map(str, hold.candidates))}")
        elif not scope.reaches(actor, target):
            fields.add(errors, "person_id", "该人员不在您的管辖范围内：请提交到达申报 / that person is outside your area: submit an arrival claim")
    if errors:
        raise Invalid(errors)
    state = _next(HOLD_NEXT, hold.state, decision)
    summary = import_people(actor=actor, rows=[hold.data], today=today, first_row=hold.row_number,
                            match={hold.row_number: target} if target is not None else None)
    link_written(hold.batch, summary)
    hold.state, hold.decided_on = state, today
    hold.decided_by = actor if getattr(actor, "pk", None) else None
    hold.person_id = target if target is not None else (summary["created_ids"] or [None])[0]
    hold.save(update_fields=["state", "decided_on", "decided_by", "person"])
    record(actor, "import.hold_decide", obj=hold, person_id=hold.person_id, fields={"batch": hold.batch_id, "row": hold.row_number, "decision": decision})
    return hold


# -- a file too long for the request: a background job -------------------------------------------

JOB_KIND = "people_import"


def upload_dir():
    """Where a file waits for its job: beside the export files (settings.EXPORTS_DIR), not among
    them (the exports' purge removes what is not a job's file)."""
    from django.conf import settings

    return settings.EXPORTS_DIR.parent / "import-uploads"


def needs_job(fileobj) -> bool:
    """A file of more than files.MAX_ROWS data rows, or larger than the request's limit, is
    imported by a background job (issue 15 part 4)."""
    return files._size(fileobj) > files.MAX_FILE_BYTES or files.data_rows(fileobj) > files.MAX_ROWS


def queue_import(*, actor, fileobj, name: str = "", today: datetime.date, now: datetime.datetime, good_rows_only: bool = False,
                 mapping_id=None, source: str = ""):
    """Keep the file and queue its import as a background job (liudong.jobs, kind people_import):
    the same import as import_file, run by the worker as the actor, with the job's limits. Checks
    the rights, the mapping and the file's kind and size now (nothing is kept on an error).
    Returns the job; its page turns into the batch's once the batch is written."""
    import secrets

    from liudong.jobs.services import request_export

    _require(actor)
    kind = files._kind(fileobj, files.MAX_JOB_FILE_BYTES)
    if mapping_id not in (None, ""):
        mapping_of(actor=actor, mapping_id=mapping_id)
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{kind}"
    path = folder / stored
    with open(path, "wb") as out:
        fileobj.seek(0)
        while chunk := fileobj.read(1 << 20):
            out.write(chunk)
    path.chmod(0o600)
    try:
        return request_export(actor=actor, kind=JOB_KIND, format="xlsx", today=today, now=now, params={
            "stored": stored, "file_name": (name or "")[:200], "good_rows_only": bool(good_rows_only),
            "mapping_id": int(mapping_id) if mapping_id not in (None, "") else None, "source": (source or "")[:SOURCE_MAX]})
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def batch_of_job(*, actor, job_id) -> ImportBatch | None:
    """The batch a background import wrote, if it is done and wrote one (NotFound outside the
    actor's area, as batch_of)."""
    found = ImportBatch.objects.filter(job=job_id).first() if job_id else None
    return batch_of(actor=actor, batch_id=found.pk) if found is not None else None
