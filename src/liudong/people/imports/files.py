"""R1, R8: importing people (and their residences) from a .csv or .xlsx file.

Villages collect in Excel; townships enter what they collect by uploading the sheet (R1). This module
reads the file into the rows of `rows.import_people`, which does every check and the writing
(invariant 1), and turns its answer into a report that names each bad row by its number in the
spreadsheet (the header is row 1; invariant 7).

Reading. A .csv is UTF-8 (with or without a BOM) or else GB18030 (what Chinese Excel writes as
"CSV"); an .xlsx is read with openpyxl in read-only mode, first sheet. Row 1 holds the column names
(Chinese, or the English field names); unknown, repeated or missing columns stop the import before
anything is read. Cells are mapped to codes here: 男/女, 汉族 or 01, labels or codes of education,
marital status, reason and intended stay, dates as Excel dates or YYYY-MM-DD text, a 6-digit
county code padded to 12. A file holds at most MAX_ROWS data rows and MAX_FILE_BYTES bytes.

Row numbers. `import_people` numbers the rows it is given one after another, so every spreadsheet
row from 2 to the last filled one is passed, in order: an empty row in the middle goes as None (the
service skips it as bad; this module drops it from the report and counts it as empty, not bad). A
cell that cannot be mapped gives its own message ("第N行 性别：无效取值 … / row N sex: …"); the
field is then passed as REJECT, a value every check of the service refuses, so the row is still
checked for its other fields and is never written. The service's message about REJECT itself is
replaced by ours.

All or nothing. The whole file is read and checked first, outside any transaction (reading a large
.xlsx takes longer than importing it, and SQLite's write lock should not wait on it). The rows are
then imported with the service's `good_rows_only=True` inside one outer transaction: when some rows
are bad and the user did not choose "import the good rows", that transaction is rolled back, so
nothing is written (not even the audit event), and the report lists every bad row (`bad_rows` is
complete; messages stop near rows.MAX_MESSAGES) together with what the good rows would have
done, which the all-or-nothing answer of the service alone cannot tell.
"""
import csv
import dataclasses
import datetime
import io
import re
import zipfile

from django.db import transaction

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.content_types import decoded
from liudong.errors import Invalid

from ..choices import DocumentType
from .columns import CONVERT, HEADER_INDEX, HEADER_NAMES, ID_LIKE, IGNORE, SPACES, BadCell, _code_text, _shown, loose_key
from .rows import LABELS, MAX_MESSAGES, import_people, row_message

MAX_ROWS = 50_000
MAX_FILE_BYTES = 20 * 1024 * 1024
# Issue 15 part 4: a longer file is imported by a background job (liudong.quality), up to these.
MAX_JOB_ROWS = 500_000
MAX_JOB_FILE_BYTES = 120 * 1024 * 1024
# An .xlsx is a zip: refuse one that unpacks to more than this (a zip bomb, or far more than
# MAX_ROWS rows could fill).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
FIRST_DATA_ROW = 2
REJECT = True  # see the module doc: a value every check of import_people refuses

# Fields whose service messages follow from the one we rejected: a bad document type sends the
# service down the "other document" branch, which then asks for a number and a birth date.
_DEPENDENT = {"document_type": ("document_number", "birth_date")}
_ROW_RE = re.compile(r"^第(\d+)行 ")
FIELDS = tuple(CONVERT)  # the order of a packed row


# -- reading the file -----------------------------------------------------------------------------

def _file_error(*messages):
    return Invalid({"file": list(messages)})


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _csv_cells(data: bytes):
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    text = decoded(data, encodings)
    if text is None:
        raise _file_error("无法识别文件编码，请保存为 UTF-8 或 GB18030（GBK）编码的 CSV / the file's encoding is not UTF-8 or GB18030 (GBK): save the CSV in one of them")
    if "\x00" in text:
        raise _file_error("不是 .csv 或 .xlsx 文件 / not a .csv or .xlsx file")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        # Rows are numbered by record; a quoted line break inside a cell does not make a new row,
        # as it does not in Excel.
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as e:
        raise _file_error(f"CSV 格式错误：{e} / the CSV is malformed: {e}") from None


def _xlsx_cells(fileobj):
    from openpyxl import load_workbook

    unreadable = "无法读取 .xlsx 文件（文件已损坏或不是 Excel 工作簿） / cannot read the .xlsx file (it is damaged or not an Excel workbook)"
    try:
        with zipfile.ZipFile(fileobj) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error(unreadable) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _file_error(f"工作簿解压后超过 {MAX_UNPACKED_BYTES // 2**20} MB / the workbook unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
    fileobj.seek(0)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors) for a bad file
        raise _file_error(unreadable) from None
    try:
        if not workbook.worksheets:
            raise _file_error(unreadable)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the stored dimension may be wrong; read every row there is
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a damaged sheet part
                raise _file_error(unreadable) from None
            yield row
    finally:
        workbook.close()


def _size(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    fileobj.seek(0)
    return size


def _kind(fileobj, max_bytes: int = MAX_FILE_BYTES) -> str:
    """"xlsx" or "csv", after the checks every file read as a sheet passes: its size, not empty, not
    the old .xls format."""
    if _size(fileobj) > max_bytes:
        raise _file_error(too_big_message(max_bytes))
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise _file_error("文件是空的 / the file is empty")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error("不支持旧的 .xls 格式，请在 Excel 中另存为 .xlsx / .xls files are not supported: save the sheet as .xlsx in Excel")
    return "xlsx" if head.startswith(b"PK\x03\x04") else "csv"


def sheet_rows(fileobj):
    """The cells of a .csv or .xlsx file, row by row with its header, under the same checks of size,
    encoding and kind as an import (issue 15: liudong.quality reads clinics' and police lists)."""
    return _xlsx_cells(fileobj) if _kind(fileobj) == "xlsx" else _csv_cells(fileobj.read())


def data_rows(fileobj) -> int:
    """About how many data rows a file holds, cheaply (issue 15 part 4: a file of more than
    MAX_ROWS goes to a background job): a .csv's lines, an .xlsx sheet's recorded dimension (or,
    when the sheet records none, its rows counted). At least what the import will read, give or
    take blank and multi-line rows."""
    kind = _kind(fileobj, MAX_JOB_FILE_BYTES)
    try:
        if kind == "csv":
            data = fileobj.read()
            return max(data.count(b"\n") - (0 if data.endswith(b"\n") else -1) - 1, 0)
        from openpyxl import load_workbook

        book = load_workbook(fileobj, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            top = sheet.max_row if sheet.max_row and sheet.max_row > 1 else sum(1 for _ in sheet.iter_rows(values_only=True))
            return max(top - 1, 0)
        finally:
            book.close()
    except Exception:  # an unreadable file: the import itself says why
        return 0
    finally:
        fileobj.seek(0)


def too_big_message(max_bytes: int = MAX_FILE_BYTES) -> str:
    mb = max_bytes // 2**20
    return f"文件超过 {mb} MB，请拆分成几个较小的文件 / the file is larger than {mb} MB: split it into smaller files"


class ImportFile:
    """A file opened for import: the header is checked at once; `read()` then gives one item per
    spreadsheet row from row 2 to the last filled row (a packed row, or None for an empty row)."""

    def __init__(self, fileobj, *, name: str = "", columns: dict | None = None, values: dict | None = None, max_rows: int = MAX_ROWS,
                 max_bytes: int = MAX_FILE_BYTES):
        self.kind = _kind(fileobj, max_bytes)
        self.name = name
        self.max_rows = max_rows
        self.columns = columns or {}  # a saved mapping (issue 15 part 4): field -> the file's column header
        # Its value mappings (issue 15 part 4): field -> {the source's value, loosely: ours}. A
        # field that has one takes only the values it lists.
        self.values = {field: {loose_key(_code_text(k)): v for k, v in table.items()} for field, table in (values or {}).items() if table}
        self._cells = _xlsx_cells(fileobj) if self.kind == "xlsx" else _csv_cells(fileobj.read())
        self.cell_errors: dict[int, dict[str, list[str]]] = {}  # row -> field -> messages (until the cap)
        self.rejected: dict[int, frozenset] = {}  # row -> fields passed as REJECT (every bad row)
        self.blank_rows: list[int] = []
        self._messages = 0
        try:
            self.fields = self._header()
            self._ahead = self._first_rows()
        except BaseException:
            self.close()
            raise

    def close(self):
        close = getattr(self._cells, "close", None)
        if close is not None:
            close()

    # -- header -----------------------------------------------------------------------------------

    def _header(self) -> list:
        header = next(self._cells, None)
        names = [None if v is None or not str(v).strip(SPACES) else str(v).strip(SPACES) for v in (header or ())]
        if not any(names):
            raise _file_error("第1行应为列名（见导入模板） / row 1 must hold the column names (see the template)")
        fields, unknown, seen, repeated = [], [], {}, []
        mapped = {loose_key(header): field for field, header in self.columns.items()}
        absent = {f"mapping.{field}": [f"文件中没有“{header}”列 / the file has no column “{header}”"]
                  for field, header in self.columns.items() if loose_key(header) not in {loose_key(n) for n in names if n}}
        if absent:
            raise Invalid(absent)
        for name in names:
            if name is None:
                fields.append(None)
                continue
            field = mapped.get(loose_key(name)) or HEADER_INDEX.get(loose_key(name))
            if self.columns and (field is None or (loose_key(name) not in mapped and field in self.columns)):
                field = IGNORE  # with a mapping, a column it does not name is the other system's: not read
            if field is None:
                unknown.append(name)
            elif field != IGNORE and field in seen:
                repeated.append(name)
            seen.setdefault(field, name)
            fields.append(field)
        errors = []
        if unknown:
            errors.append(f"未知的列：{'、'.join(unknown)}（可用的列名见导入模板） / unknown columns: {', '.join(unknown)} (see the template for the column names)")
        if repeated:
            errors.append(f"列重复：{'、'.join(repeated)} / columns given twice: {', '.join(repeated)}")
        missing = []
        if "id_number" not in seen and "document_number" not in seen:
            missing.append(("身份证号 或 证件号码", "id_number or document_number"))
        for field in ("name", "hukou_division"):
            if field not in seen:
                missing.append((HEADER_NAMES[field], field))
        if missing:
            errors.append(f"缺少必需的列：{'、'.join(zh for zh, _ in missing)} / required columns are missing: {', '.join(en for _, en in missing)}")
        if errors:
            raise _file_error(*errors)
        return fields

    # -- rows -------------------------------------------------------------------------------------

    def _first_rows(self) -> list:
        """Read (and convert) ahead to the first filled row, so that a file without data is
        refused before the import starts."""
        ahead = []
        for n, cells in enumerate(self._cells, start=FIRST_DATA_ROW):
            data = self._convert(n, cells)
            ahead.append((n, data))
            if data is not None:
                return ahead
        raise _file_error("文件中没有数据行（第1行为列名，数据从第2行起） / the file has no data rows (row 1 holds the column names, data start at row 2)")

    def _converted(self):
        ahead, self._ahead = self._ahead, []
        yield from ahead
        for n, cells in enumerate(self._cells, start=ahead[-1][0] + 1):
            yield n, self._convert(n, cells)

    def read(self) -> list[tuple | None]:
        """Every row from row 2 to the last filled one, in order: a packed row (see `unpack`), or
        None for an empty row. The whole file is read and checked before the import starts, so
        that a file too long or with a value under no column name is refused without touching the
        database, and the import holds the database's write lock only for the import itself
        (reading a 50,000-row .xlsx takes longer than importing it)."""
        packed, pending = [], []  # pending: empty rows not yet known to be followed by a filled one
        for n, data in self._converted():
            if data is None:
                pending.append(n)
                continue
            if n - 1 > self.max_rows:
                raise _file_error(f"一个文件最多 {self.max_rows} 行数据，第 {n} 行超出 / a file holds at most {self.max_rows} data rows; row {n} is beyond that")
            self.blank_rows.extend(pending)
            packed.extend([None] * len(pending))
            pending = []
            packed.append(tuple(data.get(f) for f in FIELDS))  # a tuple holds a row in half a dict's memory
        return packed

    @staticmethod
    def unpack(row: tuple | None) -> dict | None:
        return None if row is None else {f: v for f, v in zip(FIELDS, row) if v is not None}

    def _convert(self, n, cells) -> dict | None:
        data, errors = {}, {}
        fields = self.fields
        for i, value in enumerate(cells):
            if value is None or (isinstance(value, str) and not value.strip(SPACES)):
                continue
            field = fields[i] if i < len(fields) else None
            if field is None:
                letter = _column_letter(i)
                raise _file_error(f"第{n}行第 {letter} 列有内容，但该列没有列名 / row {n} has a value in column {letter}, which has no column name")
            if field == IGNORE:
                continue
            table = self.values.get(field)
            if table is not None:
                ours = table.get(loose_key(_code_text(value)))
                if ours is None:
                    column = self.columns.get(field) or HEADER_NAMES.get(field, field)
                    errors[field] = [f"“{column}”列的取值 {_shown(value)} 不在该来源的取值映射中 / "
                                     f"the value {_shown(value)} of column “{column}” is not in the source's value mapping"]
                    data[field] = REJECT
                    continue
                value = ours
            try:
                data[field] = CONVERT[field](value)
            except BadCell as e:
                errors[field] = [str(e)]
                data[field] = REJECT
        if not data:
            return None
        self._documents(data, errors)
        if errors:
            self.rejected[n] = frozenset(f for field in errors for f in (field, *_DEPENDENT.get(field, ())))
            if self._messages < MAX_MESSAGES:
                self.cell_errors[n] = errors
                self._messages += sum(len(m) for m in errors.values())
        return data

    @staticmethod
    def _documents(data, errors):
        """身份证号 or 证件类型 + 证件号码: a resident ID given only as 证件号码 is taken as the ID."""
        number, kind = data.get("document_number"), data.get("document_type")
        if number in (None, REJECT) or data.get("id_number") or kind is REJECT:
            return
        if kind == DocumentType.RESIDENT_ID or (kind is None and ID_LIKE.match(number)):
            data["id_number"] = data.pop("document_number")
            data["document_type"] = DocumentType.RESIDENT_ID.value  # a plain str: the service refuses other types
        elif kind is None:
            errors["document_type"] = ["填写证件号码时须填写证件类型（护照、港澳居民来往内地通行证等） / a document number needs its document type (passport, permit…)"]
            data["document_type"] = REJECT


# -- the import -----------------------------------------------------------------------------------

@dataclasses.dataclass
class FileImport:
    """What an import did (written) or, when bad rows stopped it, what the good rows would do."""

    file_name: str
    good_rows_only: bool
    written: bool
    rows: int  # data rows (empty rows not counted)
    created: int
    matched: int
    residences: int
    bad_rows: list[int]
    messages: dict[int, list[str]]  # row -> messages (rows past the message cap have none)
    blank_rows: int = 0
    first_id: int | None = None
    last_id: int | None = None
    held: int = 0  # rows kept back as probable twins of registered people (issue 15 part 4)
    batch_id: int | None = None  # the import batch that records it (liudong.quality)

    @property
    def bad(self) -> int:
        return len(self.bad_rows)

    @property
    def good(self) -> int:
        return self.rows - self.bad

    @property
    def stopped(self) -> bool:
        """Nothing was imported because of bad rows."""
        return bool(self.bad_rows) and (not self.written or self.good == 0)

    def row_messages(self, n: int) -> list[str]:
        return self.messages.get(n) or ["错误信息过多，本行未逐条列出 / too many errors: this row's are not listed one by one"]

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["bad_rows"] = _ranges(self.bad_rows)
        data["messages"] = [[n, m] for n, m in self.messages.items()]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "FileImport":
        data = dict(data)
        data["bad_rows"] = [n for a, b in data["bad_rows"] for n in range(a, b + 1)]
        data["messages"] = {int(n): list(m) for n, m in data["messages"]}
        return cls(**data)


def _ranges(numbers: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for n in numbers:
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


class _Rollback(Exception):
    def __init__(self, summary):
        super().__init__("bad rows")
        self.summary = summary


def _label_prefix(n, field) -> str:
    return f"第{n}行 {LABELS.get(field, field)}："


def _report(f: ImportFile, service_messages: list[str], blank: set[int]) -> dict[int, list[str]]:
    """Row -> messages: ours for the cells we could not read, the service's for the rest."""
    by_row: dict[int, list[str]] = {}
    id_prefix, sex_noise = LABELS["id_number"] + "：", LABELS["sex"] + "：性别应为 M 或 F"
    for message in service_messages:
        m = _ROW_RE.match(message)
        if not m:
            continue
        n = int(m.group(1))
        if n in blank:
            continue
        rejected = f.rejected.get(n, ())
        if any(message.startswith(_label_prefix(n, field)) for field in rejected):
            continue
        by_row.setdefault(n, []).append(message)
    for n, messages in by_row.items():
        # With a bad ID number and no sex given, "sex must be M or F" only repeats it.
        if any(msg.startswith(f"第{n}行 {id_prefix}") for msg in messages):
            by_row[n] = [msg for msg in messages if not msg.startswith(f"第{n}行 {sex_noise}")]
    for n, errors in f.cell_errors.items():
        ours = [row_message(n, field, message) for field, messages in errors.items() for message in messages]
        by_row[n] = ours + by_row.get(n, [])
    return dict(sorted(by_row.items()))


def read_and_import(*, actor, fileobj, name: str = "", today: datetime.date, good_rows_only: bool = False, columns: dict | None = None,
                    hold=None, after=None, values: dict | None = None, max_rows: int = MAX_ROWS, max_bytes: int = MAX_FILE_BYTES,
                    progress=None) -> FileImport:
    """Import the people of a .csv or .xlsx file as `actor` (scope and permissions apply).

    A file that cannot be read, or whose columns are wrong, raises `Invalid({"file": [...]})` and
    writes nothing; bad rows are reported in the result, which says whether anything was written.
    Issue 15 part 4 (liudong.quality's import batch): `columns` is a saved mapping {field: the
    file's column header} (a header the file lacks: `Invalid({"mapping.<field>": ...})`, nothing
    read or written; columns it does not name are not read); `hold` goes to `import_people`;
    `after(summary, report)` runs in the import's transaction once the rows are kept (the report
    is {row: messages} of the refused rows), and what it returns is the result's `kept`. `values`:
    the mapping's value mappings ({field: {the source's value: ours}}; a value not listed is a bad
    cell naming row, column and value). A background job (liudong.quality) raises `max_rows` and
    `max_bytes` and passes `progress(done, total)`, called as the rows are read and imported.
    """
    require(actor, Action.REGISTER_PERSON)
    require(actor, Action.RECORD_RESIDENCE)
    f = ImportFile(fileobj, name=name, columns=columns, values=values, max_rows=max_rows, max_bytes=max_bytes)
    try:
        packed = f.read()
    finally:
        f.close()
    step = None
    if progress is not None:
        total = len(packed)
        progress(0, total)

        def step(done):
            progress(done, total)
    blank = set(f.blank_rows)
    kept = None
    try:
        with transaction.atomic():
            summary = import_people(actor=actor, rows=map(ImportFile.unpack, packed), today=today, good_rows_only=True,
                                    first_row=FIRST_DATA_ROW, hold=hold, progress=step)
            if not good_rows_only and any(n not in blank for n in summary["bad_rows"]):
                raise _Rollback(summary)
            if after is not None:
                kept = after(summary, _report(f, summary["errors"], blank))
        written = True
    except _Rollback as rollback:
        summary, written = rollback.summary, False
    bad_rows = [n for n in summary["bad_rows"] if n not in blank]
    result = FileImport(
        file_name=name, good_rows_only=good_rows_only, written=written, rows=summary["rows"] - len(blank),
        created=summary["created"], matched=summary["matched"], residences=summary["residences"], bad_rows=bad_rows,
        messages=_report(f, summary["errors"], blank), blank_rows=len(blank),
        first_id=summary["first_id"] if written else None, last_id=summary["last_id"] if written else None,
        held=len(summary["held"]) if written else 0,
    )
    result.kept = kept
    return result
