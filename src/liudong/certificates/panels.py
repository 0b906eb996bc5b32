"""C6: her certificates on her record (the person page), with the next verification due date;
registered with people.panels.add_panel (certificates/apps.py). Nothing for a role that may not see
certificates (police, the query desk). The issuing roles also see the buttons to issue one (C1, C2)
and a status proof (3-八-1), and her status proofs."""
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import queries, services


def person_panel(*, actor, person, today) -> str:
    if not actor.can("view_certificates"):
        return ""
    certs = list(queries.certificates_of_person(actor=actor, person=person)[:20])
    if not certs and person.sex != "F":
        return ""
    for c in certs:
        c.state_label = c.get_state_display_on(today)
        c.shown_until = c.valid_until_on(today)
        c.next_due = services.next_verification_due_on(c, today)
    proofs = list(queries.status_proofs(actor=actor, person=person)[:10])
    return mark_safe(render_to_string("certificates/_person_panel.html", {
        "certificates": certs, "person": person, "proofs": proofs, "may_issue": actor.can("issue_certificates") and person.sex == "F",
        # 上门 (C1, part 8 四): the application waiting for her, and the village's button to take one.
        "waiting": queries.pending_application_of(actor=actor, person=person),
        "may_take": actor.can("take_certificate_applications") and person.sex == "F"}))
