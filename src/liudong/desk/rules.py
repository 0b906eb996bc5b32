"""Q1-Q5 as data: the categories of the rule set in force at a desk on a day (P1). Nothing here
names a category's documents or fields: they come from the policy values (`query_desk.*`)."""
import datetime

from liudong.errors import Invalid
from liudong.policy.services import PolicyMissing, value, value_row

NOT_IN_FORCE = ("本地未采用对外提供查询人口信息规范（query-desk-2010 或本地版本），不能受理 / "
                "no rules for outside queries of population information are in force here: the desk cannot take requests")

# Directly-governed cities (直辖市): the whole province-level division is the city (Q9).
MUNICIPALITIES = ("11", "12", "31", "50")


def city_of(code: str) -> str:
    """Q9: the city whose registered people a desk may find."""
    if code[:2] in MUNICIPALITIES:
        return code[:2].ljust(12, "0")
    return code[:4].ljust(12, "0")


def county_of(code: str) -> str:
    """The county-level office above a desk (the desk itself when it is a county or a city)."""
    return code[:6].ljust(12, "0") if code[6:] != "000000" else code


def in_force(division_code: str, on: datetime.date) -> bool:
    try:
        value("query_desk.categories", division_code, on)
        return True
    except PolicyMissing:
        return False


def category_codes(division_code: str, on: datetime.date, field: str = "category") -> list[str]:
    try:
        return list(value("query_desk.categories", division_code, on))
    except PolicyMissing:
        raise Invalid({field: [NOT_IN_FORCE]}) from None


def rule_set(division_code: str, on: datetime.date) -> str:
    return value_row("query_desk.categories", division_code, on).rule_set


def spec(division_code: str, on: datetime.date, category: str) -> dict:
    """The category's rules: documents (alternative sets), fields, consent, counts_only, count_of,
    approval, agreement, printed_sheet, named_in_letter, routing, source."""
    return dict(value(f"query_desk.category.{category}", division_code, on))


def number(name: str, division_code: str, on: datetime.date) -> int:
    return int(value(f"query_desk.{name}", division_code, on))


def categories(division_code: str, on: datetime.date) -> list[tuple[str, dict]]:
    return [(code, spec(division_code, on, code)) for code in category_codes(division_code, on)]


def required_documents(rules: dict) -> list[str]:
    """The documents of the first set (the usual case); `documents` lists every acceptable set."""
    return list(rules["documents"][0]) if rules["documents"] else []


def documents_complete(rules: dict, shown: set[str]) -> bool:
    return any(set(alternative) <= shown for alternative in rules["documents"])


def missing_documents(rules: dict, shown: set[str]) -> list[str]:
    """What the closest acceptable set still lacks."""
    if not rules["documents"]:
        return []
    best = min(rules["documents"], key=lambda alt: (len(set(alt) - shown), -len(set(alt) & shown)))
    return [d for d in best if d not in shown]
