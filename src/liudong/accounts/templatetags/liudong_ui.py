"""Template helpers: pick the user's language out of the bilingual "中文 / english" messages and
"中文 english" labels that services and models carry, and build page links that keep a query."""
import re

from django import template
from django.utils import translation

register = template.Library()

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LABEL = re.compile(r"^(\S*[\u3400-\u9fff\uf900-\ufaff]\S*)\s+(.*[A-Za-z].*)$")


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").lower().startswith("zh")


def pick_message(text) -> str:
    """"必填 / required" -> the part in the user's language (invariant 7)."""
    text = str(text)
    if " / " in text:
        zh, en = text.split(" / ", 1)
        if _CJK.search(zh):
            return zh if _chinese() else en
    return text


def pick_label(text) -> str:
    """"男 male" -> 男 in Chinese, male in English; a label without English stays whole."""
    text = str(text)
    m = _LABEL.match(text)
    if not m:
        return text
    return m.group(1) if _chinese() else m.group(2)


register.filter("msg", pick_message)
register.filter("label", pick_label)


@register.filter
def choice_label(value, choices):
    """The label of a stored code: {{ person.education|choice_label:education_choices }}."""
    for code, label in choices:
        if code == value:
            return pick_label(label)
    return value or ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (page links keep the search)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        return ""
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return "?" + encoded if encoded else "?"


@register.filter
def startswith(value, prefix):
    return str(value or "").startswith(str(prefix))


@register.simple_tag
def page_links(page):
    """Page numbers around the current one, with None for a gap: 1 … 7 8 9 10 11 … 50."""
    return [None if n == page.paginator.ELLIPSIS else n for n in page.paginator.get_elided_page_range(page.number, on_each_side=3, on_ends=1)]
