"""B4 "即时办理" (issue 8): a birth registration records the day its materials became complete.

Existing cases get it from their history: complete at receipt when the checklist recorded at
receipt (the birth.create audit event; failing that, the first decision's checklist) was complete
for the case's basis; a postponement (incomplete or wrong) clears it; a registration made while it
was clear completed the materials that day. Refused and open-but-incomplete cases keep none.
"""
from django.db import migrations, models

REQUIRED = {
    "documents": {"woman_id", "husband_id", "marriage", "proof"},
    "commitment": {"woman_id", "husband_id", "marriage", "commitment"},
}
DOCS = ("woman_id", "husband_id", "marriage", "proof", "commitment")


def fill(apps, schema_editor):
    BirthRegistration = apps.get_model("cases", "BirthRegistration")
    BirthDecision = apps.get_model("cases", "BirthDecision")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    for case in BirthRegistration.objects.all().iterator():
        decisions = list(BirthDecision.objects.filter(case_id=case.pk).order_by("decided_on", "id"))
        created = AuditEvent.objects.filter(action="birth.create", object_type="birthregistration", object_id=str(case.pk)).order_by("id").first()
        if created is not None and isinstance(created.fields.get("documents"), list):
            at_receipt = set(created.fields["documents"])
        elif decisions:
            at_receipt = set(decisions[0].documents)
        else:
            at_receipt = {d for d in DOCS if getattr(case, f"doc_{d}")}
        complete = case.received_on if REQUIRED.get(case.basis, {None}) <= at_receipt else None
        for decision in decisions:
            if decision.decision == "postpone":
                complete = None
            elif decision.decision == "register" and complete is None:
                complete = decision.decided_on
        if complete is not None:
            BirthRegistration.objects.filter(pk=case.pk).update(complete_on=complete)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_second_birth_child_order"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="birthregistration",
            name="complete_on",
            field=models.DateField(blank=True, null=True, verbose_name="材料齐全日期 materials complete on"),
        ),
        migrations.AddConstraint(
            model_name="birthregistration",
            constraint=models.CheckConstraint(condition=models.Q(("complete_on__isnull", True), ("complete_on__gte", models.F("received_on")), _connector="OR"), name="birth_complete_after_received"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
