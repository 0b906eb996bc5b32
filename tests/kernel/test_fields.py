"""The field kit (liudong.fields, divisions.queries.parse_division): one meaning for each kind of
field (required, stripping, length, control characters, the bilingual message, the field named)."""
import datetime

import pytest
from django.utils import timezone

from liudong import fields
from liudong.codes import Level
from liudong.divisions.queries import parse_division
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, TONGJIANG

NOW = timezone.make_aware(datetime.datetime(2026, 11, 28, 10, 0))


def parsed(parser, value, *args, **kwargs):
    errors = {}
    result = parser({"f": value}, "f", errors, *args, **kwargs)
    for message in errors.get("f", []):
        assert " / " in message and any("\u4e00" <= c <= "\u9fff" for c in message.split(" / ")[0]), message
    assert set(errors) <= {"f"}  # the error names the field, and only it
    return result, errors.get("f", [])


# ---------------------------------------------------------------- text

@pytest.mark.parametrize("value, expected", [("  南头 1栋 ", "南头 1栋"), ("\u3000红花园\u3000", "红花园"), (None, ""), ("", "")])
def test_text_is_stripped(value, expected):
    assert parsed(fields.text, value, max_length=20) == (expected, [])


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_required_text_refuses_blank(value):
    assert parsed(fields.text, value, max_length=20, required=True)[1] == [fields.REQUIRED]


def test_text_length_counts_characters_after_stripping():
    assert parsed(fields.text, " 一二三 ", max_length=3)[1] == []
    [message] = parsed(fields.text, "一二三四", max_length=3)[1]
    assert "at most 3 characters (got 4)" in message


@pytest.mark.parametrize("value", [3, 3.5, ["a"], {"a": 1}, True])
def test_text_must_be_text(value):
    assert parsed(fields.text, value, max_length=20)[1] == [fields.NOT_TEXT]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u202e", "\u2066", "\ud800"])
def test_single_line_text_refuses_control_characters(char):
    [message] = parsed(fields.text, f"红花园{char}1栋", max_length=20)[1]
    assert f"U+{ord(char):04X}" in message and "character 4" in message


def test_multi_line_text_keeps_newlines_and_tabs_only():
    assert parsed(fields.text, "一、材料不全\r\n二、\t证明过期\r", max_length=50, multiline=True) == ("一、材料不全\n二、\t证明过期", [])
    for char in ("\x00", "\x1b", "\x0b", "\x0c", "\x85", "\u202e"):
        assert parsed(fields.text, f"一{char}二", max_length=50, multiline=True)[1], repr(char)


def test_document_numbers_are_folded_spaced_and_cased_as_stored():
    assert parsed(fields.document_number, " ｅ 9988\u30007766 ") == ("E99887766", [])
    assert parsed(fields.document_number, "")[1] == [fields.REQUIRED]
    assert parsed(fields.document_number, "E\x1b1")[1]
    assert "at most 40" in parsed(fields.document_number, "E" * 41)[1][0]


# ---------------------------------------------------------------- choices and flags

def test_choice():
    sexes = {"M", "F"}
    assert parsed(fields.choice, " M ", choices=sexes) == ("M", [])
    assert parsed(fields.choice, "", choices=sexes, default="F") == ("F", [])
    assert parsed(fields.choice, None, choices=sexes, required=True)[1] == [fields.REQUIRED]
    assert "not a valid choice" in parsed(fields.choice, "X" * 500, choices=sexes)[1][0]
    assert len(parsed(fields.choice, "X" * 500, choices=sexes)[1][0]) < 200  # the value quoted, shortened
    assert parsed(fields.choice, 1, choices=sexes)[1]


@pytest.mark.parametrize("value, expected", [("on", True), (" Yes ", True), ("1", True), (True, True), ("0", False), ("", False), (False, False)])
def test_flag(value, expected):
    assert fields.flag({"f": value}, "f") is expected
    assert fields.flag({}, "f", True) is True


# ---------------------------------------------------------------- days and moments

TODAY = datetime.date(2026, 11, 28)


@pytest.mark.parametrize("value", ["2025-03-01", " 2025-03-01 ", datetime.date(2025, 3, 1), datetime.datetime(2025, 3, 1, 23, 0)])
def test_a_day(value):
    assert parsed(fields.date, value) == (datetime.date(2025, 3, 1), [])


@pytest.mark.parametrize("value", ["2025-02-30", "20250301", "2025-W10-1", "2025/03/01", "01.03.2025", "2025-3-1", "x" * 100])
def test_a_day_is_a_real_date_written_yyyy_mm_dd(value):
    [message] = parsed(fields.date, value)[1]
    assert "YYYY-MM-DD" in message and len(message) < 120


def test_day_bounds():
    assert parsed(fields.date, "2026-11-29", today=TODAY)[1] == [fields.FUTURE_DAY]
    assert parsed(fields.date, "2026-11-28", today=TODAY)[1] == []
    assert "cannot precede 2026-01-01" in parsed(fields.date, "2025-12-31", not_before=datetime.date(2026, 1, 1), before_label="受理日")[1][0]
    assert "must lie between" in parsed(fields.date, "1979-12-31", between=(datetime.date(1980, 1, 1), datetime.date(2100, 12, 31)))[1][0]
    assert parsed(fields.date, None, required=True)[1] == [fields.REQUIRED]
    assert parsed(fields.date, None) == (None, [])


def test_a_moment():
    local = timezone.make_aware(datetime.datetime(2026, 11, 27, 8, 30))
    assert parsed(fields.moment, "2026-11-27 08:30", now=NOW) == (local, [])
    assert parsed(fields.moment, "2026-11-27T08:30", now=NOW) == (local, [])
    nine = timezone.make_aware(datetime.datetime(2026, 11, 27, 9, 0))
    assert parsed(fields.moment, "2026-11-27", now=NOW) == (nine, [])  # a day alone is 09:00, as a date object is
    assert parsed(fields.moment, datetime.date(2026, 11, 27), now=NOW) == (nine, [])
    assert parsed(fields.moment, "2026-11-28T10:04", now=NOW)[1] == []  # a client's clock a little fast
    assert parsed(fields.moment, "2026-11-28T10:06", now=NOW)[1] == [fields.FUTURE_MOMENT]
    assert "before 2000" in parsed(fields.moment, "1999-12-31 10:00", now=NOW)[1][0]
    for typed in ("yesterday", "20261127T0830", "2026-11-27 8:30"):
        assert "YYYY-MM-DD HH:MM" in parsed(fields.moment, typed, now=NOW)[1][0]
    assert parsed(fields.moment, "2026-11-27T00:30:00Z", now=NOW)[0] == datetime.datetime(2026, 11, 27, 0, 30, tzinfo=datetime.timezone.utc)
    assert parsed(fields.moment, "", now=NOW, required=True, missing="请填写 / say when")[1] == ["请填写 / say when"]


# ---------------------------------------------------------------- division codes

@pytest.mark.parametrize("typed, code", [("44", "440000000000"), ("4403", "440300000000"), ("440305", NANSHAN), ("440305001", NANTOU),
                                         (" 440305001001 ", NANTOU_V1)])
def test_a_division_code_may_be_typed_short(typed, code):
    assert parsed(fields.division_code, typed) == (code, [])


@pytest.mark.parametrize("typed", ["44030", "4403050010011", "44030500100X", "４４０３０５００１００１", "南山区"])
def test_a_division_code_has_12_digits(typed):
    assert "12 digits" in parsed(fields.division_code, typed)[1][0]


def test_parse_division(world):
    clerk = world["township_clerk"]  # 南头街道
    assert parsed(parse_division, "440305001")[0].code == NANTOU
    assert "no division has code 440305009999" in parsed(parse_division, "440305009999")[1][0]
    assert "level 3 or below" in parsed(parse_division, "4403", min_level=Level.COUNTY)[1][0]
    assert parsed(parse_division, NANTOU_V1, actor=clerk)[1] == []
    assert "outside your scope" in parsed(parse_division, TONGJIANG, actor=clerk)[1][0]
    assert parsed(parse_division, "", required=False) == (None, [])


# ---------------------------------------------------------------- forms read dates with the kit

@pytest.mark.parametrize("typed", ["03/01/2025", "2025/03/01", "2025-02-30", "20250301"])
def test_filter_pages_read_dates_as_the_services_do(client, world, typed):
    """The search and audit pages took any date Django's locale formats allow (03/01/2025 read
    as 1 March); they read YYYY-MM-DD with the kit's message, in the page's language."""
    from django.urls import reverse

    client.force_login(world["township_clerk"])
    response = client.get(reverse("person_search"), {"on": typed})
    assert response.status_code == 200 and not response.context["searched"]
    assert "YYYY-MM-DD" in " ".join(response.context["form"].errors["on"]) and "不存在或格式不对" in response.content.decode()
    client.force_login(world["auditor"])
    response = client.get(reverse("audit"), {"date_from": typed})
    assert response.status_code == 200 and response.context["page"] is None
    assert "YYYY-MM-DD" in " ".join(response.context["form"].errors["date_from"])


def test_filter_pages_take_a_real_date(client, world):
    from django.urls import reverse

    client.force_login(world["township_clerk"])
    response = client.get(reverse("person_search"), {"on": "2025-03-01", "birth_date": ""})
    assert response.status_code == 200 and response.context["searched"]
    assert response.context["form"].cleaned_data["on"] == datetime.date(2025, 3, 1)
