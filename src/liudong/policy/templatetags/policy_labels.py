"""Template filters for policy codes shown on pages (issue 9 item 4): a rule set by its name in the
page's language, the code kept for the tooltip (`title="{{ code }}"`)."""
from django import template

from liudong.policy import labels

register = template.Library()

register.filter("rule_set_label", labels.set_label)
register.filter("policy_source", labels.source_label)


@register.filter
def rule_set_source(code: str) -> str:
    """The source of a shipped set in the page's language; an override says what it is."""
    from liudong.policy.rule_sets import RULE_SETS

    if code in RULE_SETS:
        return labels.source_label(RULE_SETS[code].source)
    return labels.source_label("省级或管理员调整的规定 / a provincial or administrator's override")


@register.filter
def calendar_source(text: str) -> str:
    """The shipped years name the package they were taken from before the notice they follow:
    "chinese-calendar 1.11.0（国务院办公厅 …通知）" shows the notice; the whole text is the tooltip."""
    import re

    m = re.fullmatch(r"[A-Za-z][\w.\-]* [\d.]+（(.+)）", text or "")
    return m.group(1) if m else labels.source_label(text or "")
