"""people.imports.files: a .csv or .xlsx file read into import_people (R1, R8), every bad row named
by its spreadsheet row number and nothing written unless the good rows were chosen (invariant 7);
the template (imports.template) and the `liudong people import` command."""
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid
from liudong.people.imports import files as import_files
from liudong.people.imports.columns import CONVERT, LOST_DIGITS
from liudong.people.imports.files import REJECT, read_and_import
from liudong.people.imports.template import build_template
from liudong.people.imports.rows import import_people
from liudong.people.models import Person, Residence
from tests.conftest import NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id

HEADER = ["身份证号", "姓名", "性别", "出生日期", "民族", "文化程度", "婚姻状况", "联系电话", "户籍地代码", "户籍地址",
          "居住地代码", "居住地址", "到达日期", "流动原因", "拟居住时间", "离开日期"]


def line(seq=101, name="李娜", *, birth="19990315", female=True, sex=None, ethnicity="汉族", education="初中", marital="未婚",
         hukou="511921", division=NANTOU_V1, arrived="2025-03-01", reason="务工经商", stay="一年以上", left="", id_number=None):
    return [id_number or make_id("511921", birth, seq, female), name, sex if sex is not None else ("女" if female else "男"),
            "", ethnicity, education, marital, "13800138000", hukou, "四川省通江县诺江镇", division, "南头街道红花园1栋101", arrived,
            reason, stay, left]


def csv_bytes(rows, header=HEADER, *, encoding="utf-8-sig"):
    text = "\r\n".join(",".join(str(c) for c in r) for r in [header, *rows]) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(actor, data, *, good_rows_only=False, name="people.csv"):
    return read_and_import(actor=actor, fileobj=io.BytesIO(data), name=name, today=TODAY, good_rows_only=good_rows_only)


def imports():
    return AuditEvent.objects.filter(action="person.import").count()


def test_csv_with_bom_chinese_labels_become_codes(clerk):
    result = run(clerk, csv_bytes([line(101), line(103, "王强", female=False, ethnicity="回族", education="大学本科", marital="已婚", reason="随迁家属", stay="六个月至一年")]))
    assert result.written and result.created == 2 and result.residences == 2 and result.bad_rows == []
    li = Person.objects.get(name="李娜")
    assert (li.sex, li.ethnicity, li.education, li.marital_status, li.hukou_division_id) == ("F", "01", "70", "10", "511921000000")
    assert li.residence_division_id == NANTOU_V1 and li.floating
    wang = Person.objects.get(name="王强")
    assert (wang.sex, wang.ethnicity, wang.education, wang.marital_status) == ("M", "03", "20", "20")
    residence = Residence.objects.get(person=wang)
    assert (residence.reason, residence.intended_stay, residence.arrived_on) == ("family", "6to12m", datetime.date(2025, 3, 1))
    assert imports() == 1


def test_csv_without_bom_in_gb18030_and_excel_unicode_text(clerk):
    assert run(clerk, csv_bytes([line(101)], encoding="utf-8")).created == 1
    assert run(clerk, csv_bytes([line(103)], encoding="gb18030")).created == 1
    tab_separated = "\r\n".join("\t".join(r) for r in [HEADER, line(105)]).encode("utf-16")
    assert run(clerk, tab_separated, name="people.txt").created == 1
    assert set(Person.objects.values_list("name", flat=True)) == {"李娜"}
    assert Person.objects.count() == 3


def test_xlsx_round_trip_with_excel_dates_numbers_and_english_column_names(clerk):
    header = ["id_number", "name", "sex", "ethnicity", "education", "marital_status", "phone", "hukou_division", "division", "arrived_on", "reason", "intended_stay", "left_on"]
    rows = [
        [make_id("511921", "19990315", 101), "李娜", "F", 1, 70, 10, 13800138000, 511921100001, int(NANTOU_V1), datetime.datetime(2024, 1, 1), "work", "gt1y", datetime.date(2025, 3, 1)],
        [make_id("511921", "19980101", 103), "张芳", "女", "08", "高中", "已婚", "", "511921", NANTOU_V2, "2025/3/1", "学习培训", "1to6m", None],
    ]
    result = run(clerk, xlsx_bytes(rows, header), name="people.xlsx")
    assert result.written and result.created == 2 and result.residences == 2, result.messages
    li = Person.objects.get(name="李娜")
    assert (li.ethnicity, li.education, li.marital_status, li.phone, li.hukou_division_id) == ("01", "70", "10", "13800138000", TONGJIANG_V)
    assert li.residence_division_id is None  # left on 2025-03-01
    period = Residence.objects.get(person=li)
    assert (period.arrived_on, period.left_on) == (datetime.date(2024, 1, 1), datetime.date(2025, 3, 1))
    zhang = Person.objects.get(name="张芳")
    assert (zhang.ethnicity, zhang.education, zhang.marital_status) == ("08", "60", "20")
    assert Residence.objects.get(person=zhang).arrived_on == datetime.date(2025, 3, 1)


def test_bad_rows_are_named_by_spreadsheet_row_and_nothing_is_written(clerk):
    bad_id = make_id("511921", "19990315", 105)
    bad_id = bad_id[:17] + ("0" if bad_id[17] != "0" else "1")
    rows = [
        line(101),                                  # row 2: good
        line(103, sex="男女"),                       # row 3: a label that means nothing
        line(id_number=bad_id, ethnicity="火星族"),    # row 4: bad check digit and a bad label: both reported
        [""] * len(HEADER),                         # row 5: empty, left out (not an error)
        line(107, arrived="2027-01-01"),            # row 6: in the future (the service's check)
        line(109, arrived="2025-02-30"),            # row 7: no such date
    ]
    result = run(clerk, csv_bytes(rows))
    assert not result.written and result.stopped
    assert result.bad_rows == [3, 4, 6, 7] and result.blank_rows == 1 and result.rows == 5
    assert result.created == 1  # what the good row would have done
    assert result.messages[3] == ["第3行 性别：无效取值 '男女'（可填：男、女） / row 3 sex: not a valid value '男女' (use: 男, 女, M or F)"]
    row4 = "\n".join(result.messages[4])
    assert "第4行 民族：无效取值 '火星族'" in row4 and "第4行 身份证号：身份证号校验码错误" in row4
    assert "性别应为" not in row4  # no follow-on noise from the sex the bad number would have given
    assert any(m.startswith("第6行 到达日期") for m in result.messages[6])
    assert result.messages[7] == ["第7行 到达日期：日期 '2025-02-30' 不存在 / row 7 arrived_on: '2025-02-30' is not a real date"]
    assert 5 not in result.messages
    assert Person.objects.count() == 0 and Residence.objects.count() == 0 and imports() == 0


def test_good_rows_only_writes_the_good_rows(clerk):
    rows = [line(101), line(103, sex="X"), line(105, "王芳")]
    result = run(clerk, csv_bytes(rows), good_rows_only=True)
    assert result.written and not result.stopped
    assert result.created == 2 and result.bad_rows == [3] and result.messages[3][0].startswith("第3行 性别")
    assert set(Person.objects.values_list("name", flat=True)) == {"李娜", "王芳"}
    assert imports() == 1


def test_an_existing_id_number_is_matched_not_twinned(clerk, migrant):
    # migrant (李娜, 1999-03-15) lives in 红花园社区 since 2025-03-01: the file has her earlier home.
    rows = [line(id_number=migrant.id_number, division=NANTOU_V2, arrived="2024-01-01", left="2025-03-01")]
    result = run(clerk, csv_bytes(rows))
    assert result.written and result.created == 0 and result.matched == 1 and result.residences == 1
    assert Person.objects.count() == 1 and Residence.objects.filter(person=migrant).count() == 2


def test_empty_rows_in_an_xlsx_keep_the_row_numbers(clerk):
    rows = [line(101), [], line(103, marital="离异了")]
    result = run(clerk, xlsx_bytes(rows), name="people.xlsx")
    assert result.bad_rows == [4] and result.messages[4][0].startswith("第4行 婚姻状况：无效取值")
    assert result.blank_rows == 1 and Person.objects.count() == 0


def test_an_id_number_excel_stored_as_a_number_is_explained(clerk):
    rows = [line(101)]
    rows[0][0] = int(rows[0][0][:17] + "1") if rows[0][0][17] == "X" else int(rows[0][0])
    result = run(clerk, xlsx_bytes(rows), name="people.xlsx")
    assert result.bad_rows == [2] and result.messages[2] == [f"第2行 身份证号：{LOST_DIGITS.split(' / ')[0]} / row 2 id_number: {LOST_DIGITS.split(' / ')[1]}"]
    scientific = csv_bytes([["5.11921E+17", "李娜", "511921"]], ["身份证号", "姓名", "户籍地代码"])
    assert "Excel" in run(clerk, scientific).messages[2][0]


def test_a_passport_holder_by_document_type_and_number(clerk):
    header = ["证件类型", "证件号码", "姓名", "性别", "出生日期", "户籍地代码", "居住地代码", "到达日期"]
    result = run(clerk, csv_bytes([["护照", "E12345678", "Anna Smith", "女", "1990-01-02", "511921", NANTOU_V1, "2025-03-01"]], header))
    person = Person.objects.get()
    assert result.created == 1 and (person.document_type, person.document_number, person.id_number) == ("passport", "E12345678", None)
    # A resident ID given only as 证件号码 is read as the ID number.
    result = run(clerk, csv_bytes([["", make_id("511921", "19990315"), "李娜", "", "", "511921", NANTOU_V1, "2025-03-01"]], header))
    assert result.created == 1 and Person.objects.filter(id_number=make_id("511921", "19990315")).exists()
    result = run(clerk, csv_bytes([["", "E999", "Bob", "男", "1990-01-02", "511921", "", ""]], header))
    assert result.bad_rows == [2] and result.messages[2][0].startswith("第2行 证件类型")
    assert len(result.messages[2]) == 1  # no "number required", "birth date required" noise


@pytest.mark.parametrize("header, expected", [
    (HEADER + ["备注"], "未知的列：备注"),
    (HEADER[:1] + ["姓名"] + HEADER[1:], "列重复：姓名"),
    ([h for h in HEADER if h not in ("姓名", "户籍地代码")], "缺少必需的列：姓名、户籍地代码"),
    (HEADER[1:], "缺少必需的列：身份证号 或 证件号码"),
])
def test_unknown_repeated_and_missing_columns_stop_the_import(clerk, header, expected):
    with pytest.raises(Invalid) as e:
        run(clerk, csv_bytes([line(101)[: len(header)]], header))
    assert any(m.startswith(expected) for m in e.value.errors["file"]), e.value.errors
    assert Person.objects.count() == 0 and imports() == 0


def test_a_running_number_column_is_allowed_and_headers_are_read_loosely(clerk):
    header = ["序号", "身份证号 *", "姓名（必填）", "ＨＵＫＯＵ_ＤＩＶＩＳＩＯＮ"]
    # No residence: a person of 南头 itself (the hukou place must then be in the clerk's scope).
    assert run(clerk, csv_bytes([["1", make_id("440305", "19990315"), "李娜", NANTOU_V1]], header)).created == 1


def test_a_value_under_no_column_name_stops_the_import(clerk):
    with pytest.raises(Invalid) as e:
        run(clerk, csv_bytes([line(101) + ["extra"]]))
    assert "第2行第 Q 列有内容" in e.value.errors["file"][0]


def test_files_that_cannot_be_imported(clerk):
    cases = [
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "不支持旧的 .xls 格式"),
        (b"PK\x03\x04 not really a zip", "无法读取 .xlsx 文件"),
        (csv_bytes([]), "文件中没有数据行"),
        (csv_bytes([[""] * len(HEADER)] * 3), "文件中没有数据行"),
        (",".join(HEADER).encode() + b"\r\n\x80\x80,\xff", "无法识别文件编码"),
        (b"\n\n", "第1行应为列名"),
    ]
    for data, expected in cases:
        with pytest.raises(Invalid) as e:
            run(clerk, data)
        assert e.value.errors["file"][0].startswith(expected), (expected, e.value.errors)
    assert Person.objects.count() == 0 and imports() == 0


def test_a_file_over_the_size_limit(clerk):
    data = csv_bytes([line(101)])
    with pytest.raises(Invalid) as e:
        run(clerk, data + b" " * (import_files.MAX_FILE_BYTES - len(data) + 1))
    assert e.value.errors["file"][0].startswith("文件超过 20 MB")


def test_a_file_over_the_row_limit_writes_nothing(clerk):
    header = ["身份证号", "姓名", "户籍地代码"]
    good = f"{make_id('511921', '19990315')},李娜,511921\r\n"
    filler = ",张三,511921\r\n"  # filled but bad rows: each still counts
    data = ("\ufeff" + ",".join(header) + "\r\n" + good + filler * (import_files.MAX_ROWS - 1) + filler).encode()
    with pytest.raises(Invalid) as e:
        run(clerk, data, good_rows_only=True)
    assert e.value.errors["file"][0].startswith(f"一个文件最多 {import_files.MAX_ROWS} 行数据，第 {import_files.MAX_ROWS + 2} 行超出")
    assert Person.objects.count() == 0 and imports() == 0


def test_staff_without_the_import_actions_cannot_import(world):
    with pytest.raises(Denied):
        run(world["township_head"], csv_bytes([line(101)]))


@pytest.mark.parametrize("field", sorted(CONVERT))
def test_the_reject_value_makes_the_service_refuse_the_row(clerk, field):
    """import_files passes a cell it could not read as REJECT; the service must refuse that row
    whatever the field (the contract the module's row numbering rests on)."""
    data = {"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V, "division": NANTOU_V1,
            "arrived_on": "2025-03-01", field: REJECT}
    if field == "document_number":
        data.update(document_type="passport", id_number="", birth_date="1999-03-15", sex="F")
    result = import_people(actor=clerk, rows=[data], today=TODAY, good_rows_only=True)
    assert result["bad_rows"] == [1], field


def test_the_template_imports_as_it_is(clerk):
    data = build_template(actor=clerk, today=TODAY)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet, codes = wb.worksheets[0], wb.worksheets[1]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["身份证号", "姓名", "性别"] and "户籍地代码" in header and "拟居住时间" in header
    listed = {c.value for c in codes["B"]}
    assert {"汉族", "回族", "基诺族"} <= listed
    result = run(clerk, data, name="template.xlsx")
    assert result.written and result.created == 1 and result.residences == 1 and result.bad_rows == [], result.messages
    person = Person.objects.get()
    assert person.name == "张三" and person.residence_division_id == clerk.division_id and person.floating


# -- the command ----------------------------------------------------------------------------------

def write(tmp_path, data, name="people.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_imports_as_the_staff_account(clerk, tmp_path, capsys):
    call_command("people", "import", write(tmp_path, csv_bytes([line(101), line(103, "王芳")])), "--as", clerk.username)
    assert "新登记 2 人" in capsys.readouterr().out
    assert Person.objects.count() == 2
    assert AuditEvent.objects.get(action="person.import").actor_name == clerk.username


def test_command_with_bad_rows_exits_1_and_writes_nothing(clerk, tmp_path, capsys):
    path = write(tmp_path, csv_bytes([line(101), line(103, sex="?")]))
    with pytest.raises(CommandError) as e:
        call_command("people", "import", path, "--as", clerk.username)
    assert "未导入任何行" in str(e.value) and e.value.returncode == 1
    assert "第3行 性别" in capsys.readouterr().err
    assert Person.objects.count() == 0 and imports() == 0
    call_command("people", "import", path, "--as", clerk.username, "--good-rows-only")
    assert Person.objects.count() == 1


def test_command_refuses_unknown_accounts_roles_and_files(world, tmp_path):
    path = write(tmp_path, csv_bytes([line(101)]))
    with pytest.raises(CommandError, match="no staff account"):
        call_command("people", "import", path, "--as", "nobody")
    with pytest.raises(CommandError, match="your role may not do this"):
        call_command("people", "import", path, "--as", "township_head")
    with pytest.raises(CommandError, match="unknown columns"):
        call_command("people", "import", write(tmp_path, csv_bytes([line(101) + ["x"]], HEADER + ["备注"])), "--as", "township_clerk")
    with pytest.raises(CommandError, match="cannot open"):
        call_command("people", "import", str(tmp_path / "missing.csv"), "--as", "township_clerk")
    assert Person.objects.count() == 0
