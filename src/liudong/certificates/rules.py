"""C1-C6 as dated policy (P1): the values a certificate act reads, on its date and at its place.

The term (C3), long-term validity (C4), the verification interval and the hand-in days (C6), the
ages of childbearing and whether certificates are issued at all (national-2021 repealed the duty)
are policy values; nothing here is a literal rule number. Date arithmetic of terms lives here too.
"""
import datetime

from liudong.dates import months_before
from liudong.errors import Invalid
from liudong.policy.services import PolicyMissing, value_row

ONE_DAY = datetime.timedelta(days=1)


def row(name: str, code: str, on: datetime.date, field: str):
    """The policy row in force, or a field error saying no rule applies on that day."""
    try:
        return value_row(name, code, on)
    except PolicyMissing:
        raise Invalid({field: [f"{on} 时没有适用的规定（{name}） / no rule in force on {on} ({name})"]}) from None


def value(name: str, code: str, on: datetime.date, field: str):
    return row(name, code, on, field).value


def value_or(name: str, code: str, on: datetime.date, default=None):
    try:
        return value_row(name, code, on).value
    except PolicyMissing:
        return default


def require_open(code: str, on: datetime.date, field: str):
    """P1: under national-2021 the certificate duty is repealed: new certificates and renewals are
    refused with the date and the reason (existing ones can still be verified and printed)."""
    r = row("certificate.required", code, on, field)
    if not r.value:
        raise Invalid({field: [f"自 {r.valid_from:%Y-%m-%d} 起不再办理婚育证明（{r.rule_set}：{r.source}） / "
                               f"no certificates are issued or renewed from {r.valid_from:%Y-%m-%d}: the duty was repealed ({r.rule_set})"]})
    return r


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def term_end(issued_on: datetime.date, years: int) -> datetime.date:
    """C3: a term of N years ends the day before the Nth anniversary (2020-02-29 + 3 years: valid
    until 2023-02-28)."""
    return add_years(issued_on, years) - ONE_DAY


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def childbearing_ages(code: str, on: datetime.date, field: str) -> tuple[int, int]:
    return value("childbearing_age_min", code, on, field), value("childbearing_age_max", code, on, field)


def birth_bounds(code: str, on: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """Birth dates of women of childbearing age on `on` (inclusive), or None without a rule."""
    low_age, high_age = value_or("childbearing_age_min", code, on), value_or("childbearing_age_max", code, on)
    if low_age is None or high_age is None:
        return None
    latest = add_years(on, -low_age) if not (on.month == 2 and on.day == 29) else datetime.date(on.year - low_age, 2, 28)
    earliest = add_years(on, -(high_age + 1)) + ONE_DAY
    return earliest, latest


def rule_set_of(*rows) -> str:
    latest = max(rows, key=lambda r: r.valid_from)
    return latest.rule_set or f"{latest.division_id}@{latest.valid_from}"


def interval_months(code: str, on: datetime.date) -> int | None:
    return value_or("certificate.verify_interval_months", code, on)


def hand_in_days(code: str, on: datetime.date) -> int | None:
    return value_or("certificate.hand_in_days", code, on)


def add_months(day: datetime.date, months: int) -> datetime.date:
    return months_before(day, -months)
