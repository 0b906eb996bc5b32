"""R8: document numbers as the services now store and compare them (identifiers.normalise_document_number:
full-width forms folded, spaces removed, upper case), so that E99887766 and e99887766 are one passport.

Collisions. Two stored rows of one document type whose numbers become equal (a person registered
twice, once as "e99887766" and once as "E99887766") cannot both take the normalised number: the
constraint person_unique_document allows one. The migration never merges people (merging with the
history kept is the data-quality work of R8): a row already stored in the normalised form keeps
it, otherwise the row registered first (lowest id) takes it; the others keep their number exactly
as stored, and every such group is listed on the migration's output and in one audit event
"person.document_collision" per row left as it was, so that the duplicates can be found and merged
later (a search by the normalised number finds the row that holds it).

Each number changed is audited too ("person.document_normalise", {document_number: [old, new]}),
as every change to a person's record is (invariant 1). Reversing restores nothing: a normalised
number is the same document, so the reverse migration is a no-op.
"""
from collections import defaultdict

from django.db import migrations
from django.utils import timezone

from liudong.identifiers import normalise_document_number

SYSTEM = "system"
RESIDENT_ID = "resident_id"
CHUNK = 1000


def normalise(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    now = timezone.now()  # the audit events' timestamp (the one reading of the clock allowed outside the edge)
    # Only the rows whose number changes are kept in memory: on a national table they are few.
    changes = []
    for pk, doc_type, number in Person.objects.order_by("id").values_list("id", "document_type", "document_number").iterator(chunk_size=5000):
        clean = normalise_document_number(number)
        if clean != number:
            changes.append((pk, doc_type, number, clean))
    kept = defaultdict(list)  # (type, normalised) -> rows left as they were
    events = []
    for start in range(0, len(changes), CHUNK):
        chunk = changes[start:start + CHUNK]
        taken = set()
        for doc_type in {c[1] for c in chunk}:
            wanted = [c[3] for c in chunk if c[1] == doc_type]
            taken.update((doc_type, n) for n in Person.objects.filter(document_type=doc_type, document_number__in=wanted).values_list("document_number", flat=True))
        for pk, doc_type, number, clean in chunk:
            if not clean or (doc_type, clean) in taken:
                kept[(doc_type, clean)].append((pk, number))
                events.append(AuditEvent(at=now, actor_name=SYSTEM, action="person.document_collision", object_type="person", object_id=str(pk),
                                         person_id=pk, fields={"document_type": doc_type, "document_number": number, "normalised": clean}))
                continue
            taken.add((doc_type, clean))
            Person.objects.filter(pk=pk).update(document_number=clean, **({"id_number": clean} if doc_type == RESIDENT_ID else {}))
            events.append(AuditEvent(at=now, actor_name=SYSTEM, action="person.document_normalise", object_type="person", object_id=str(pk),
                                     person_id=pk, fields={"document_number": [number, clean]}))
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    if kept:
        print(f"\n  people.0006: {sum(len(v) for v in kept.values())} 条证件号码规范化后与另一条记录相同，保留原样待合并 / "
              f"rows whose normalised document number another row holds, kept as stored for merging (R8):")
        for (doc_type, clean), rows in sorted(kept.items()):
            holder = Person.objects.filter(document_type=doc_type, document_number=clean).values_list("id", flat=True).first()
            shown = ", ".join(f"#{pk} {number!r}" for pk, number in rows)
            print(f"    {doc_type} {clean}: #{holder} holds it; kept as stored: {shown}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_j2_floating"),
        ("accounts", "0004_audit_delete_only_by_purge"),
    ]
    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
