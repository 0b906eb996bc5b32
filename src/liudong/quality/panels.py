"""R6: the review state of collected forms on the record they concern (people.panels): a person's
forms on her page, a rental home's or an employer's form on its page. The record is usable at once
and shows where its review stands: the step awaited, a return with its reason, the approval, and
every signature with who and when."""
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .choices import ReviewObject, ReviewStep
from .models import Review

SHOWN = 10


def _render(forms: list) -> str:
    if not forms:
        return ""
    for r in forms:
        r.step_label = ReviewStep(r.step).label if r.step else ""
        r.signed = list(r.signatures.all())
    return mark_safe(render_to_string("quality/_review_panel.html", {"forms": forms}))


def review_panel(*, actor, person, today) -> str:
    return _render(list(Review.objects.filter(person=person).prefetch_related("signatures__signed_by").order_by("-id")[:SHOWN]))


def place_review_panel(*, actor, obj, today) -> str:
    """A rental home's or an employer's form (they come in through people.services_places' listener)."""
    kind = ReviewObject.HOUSING if obj._meta.model_name == "rentalhousing" else ReviewObject.EMPLOYER
    return _render(list(Review.objects.filter(object_type=kind, object_id=obj.pk).prefetch_related("signatures__signed_by").order_by("-id")[:SHOWN]))
