"""Issue 13 on her record (the person page; registered with people.panels.add_panel in apps.py):
the police see her permits (state, residence years) and residence registrations with the buttons
to apply and to print a voucher; the family-planning roles see only whether she holds a permit
(granted or suspended), and that look is logged. Nothing for other roles."""
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import queries, services


def person_panel(*, actor, person, today) -> str:
    found = queries.of_person(actor=actor, person=person)
    if not found:
        return ""
    for p in found.get("permits", ()):
        state = services.state_on(p, today)
        p.state_label = dict(p._meta.get_field("state").choices)[state]
        p.years = services.residence_years(p, today)
    return mark_safe(render_to_string("permits/_person_panel.html", {**found, "person": person}))
