"""Template filters of the exchange pages (issue 9 item 4): a case a message belongs to by its name
and number ("出生登记 第 1 号"), a code by its label (accounts.labels, the one table)."""
from django import template

from liudong.accounts import labels

register = template.Library()


@register.filter
def case_label(case_type, case_id):
    """"birth_registration", 1 -> "出生登记 第 1 号" (English: "birth registration no. 1")."""
    noun = labels.value_label(case_type)
    if not case_id:
        return noun
    return f"{noun} 第 {case_id} 号" if labels.pick_label("是 yes") == "是" else f"{noun} no. {case_id}"


register.filter("code_label", labels.value_label)
