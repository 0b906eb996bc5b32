"""J1, issue 9 item 7: the division picker's look-up. The forms that ask for a division code carry
`data-division-pick` (accounts.forms.division_picker); liudong-divisions.js asks this view as the
user types (a code's first digits, part of a name, or its pinyin) and offers the answers in a
<datalist>, each with its code and full name. Without JavaScript the code is typed as before.

Division names and codes are the official public code list, so the look-up is not an audited read
of persons; it is for logged-in staff only, and `scope=mine` keeps to the user's own subtree."""
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from liudong.accounts.views_support import int_or_none, staff_view
from liudong.codes import NATION_CODE
from liudong.divisions.queries import pick


@staff_view()
@require_safe
def division_pick(request):
    g = request.GET
    within = request.user.division_id if g.get("scope") != "all" else NATION_CODE
    low, high = int_or_none(g.get("min")), int_or_none(g.get("max"))
    low = low if low is not None and 0 <= low <= 5 else 1
    high = high if high is not None and low <= high <= 5 else 5
    # Issue 14: retired divisions (gone from the newest list) only when 含已撤销区划 is ticked.
    results = pick(g.get("q", ""), within=within, min_level=low, max_level=high, retired=g.get("retired") == "1")
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
