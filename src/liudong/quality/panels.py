"""R6: the review state of a person's collected forms on her record (people.panels): the record is
usable at once and shows where its review stands."""
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .choices import ReviewStep
from .models import Review


def review_panel(*, actor, person, today) -> str:
    forms = list(Review.objects.filter(person=person).order_by("-id")[:10])
    if not forms:
        return ""
    for r in forms:
        r.step_label = ReviewStep(r.step).label if r.step else ""
    return mark_safe(render_to_string("quality/_review_panel.html", {"forms": forms}))
