"""R8 (issue 15): the people side of merging two records of one person, and of undoing it.

The merge itself (who may, which pair, which record survives, which fields come from where) is
liudong.quality's service; these functions only move rows and keep Person in step, inside the
caller's transaction, and return what they did so that an undo can put exactly that back.

Every table that points at a person, in every app, is found from the model graph (nothing is
imported from the apps above people): residences, family links, visits, rental homes owned,
certificates, messages, cases, permits, services ... A row that cannot move without breaking a
rule of its table (a family link to the survivor herself, a second link to the same relative)
stays on the merged-away record, listed as kept, and returns with her on undo.
"""
import datetime

from django.db import IntegrityError, models, transaction

from .choices import ResidenceEnd
from .models import Person, PersonNameKey, Residence
from .services import _sync_current


def _links() -> list[tuple[type[models.Model], str]]:
    """(model, field) of every foreign key to Person but the name keys (they belong to a name)
    and merged_into itself; related_name="+" ones included (include_hidden)."""
    out = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and isinstance(rel, models.ForeignObjectRel)):
            continue
        if rel.related_model in (PersonNameKey, Person) or rel.many_to_many:
            continue
        out.append((rel.related_model, rel.field.name))
    return sorted(out, key=lambda mf: (mf[0]._meta.label, mf[1]))


def open_residences(person_id) -> list[Residence]:
    return list(Residence.objects.filter(person_id=person_id, left_on__isnull=True))


def close_residence(residence: Residence, left_on: datetime.date) -> dict:
    """Close a period the reviewer chose to end (two open residences cannot both stay open);
    returns what it was, for the undo."""
    was = {"id": residence.pk, "left_on": None, "end_kind": residence.end_kind}
    residence.left_on = max(left_on, residence.arrived_on)
    residence.end_kind = ResidenceEnd.MOVE
    residence.save(update_fields=["left_on", "end_kind"])
    return was


def reopen_residence(was: dict) -> None:
    Residence.objects.filter(pk=was["id"]).update(left_on=was["left_on"], end_kind=was["end_kind"])


def move_links(*, merged: Person, survivor: Person, skip: frozenset = frozenset()) -> tuple[list, list]:
    """Point every row of `merged` at `survivor`, but those of the models in `skip` (labels: the
    caller's own bookkeeping of merges). Returns (moved, kept): [model label, row id, field] of each
    row moved, and of each left where it was."""
    moved, kept = [], []
    for model, field in _links():
        if model._meta.label in skip:
            continue
        for pk in list(model.objects.filter(**{field: merged.pk}).values_list("pk", flat=True)):
            entry = [model._meta.label, pk, field]
            try:
                with transaction.atomic():
                    model.objects.filter(pk=pk).update(**{field: survivor.pk})
            except IntegrityError:
                kept.append(entry)
            else:
                moved.append(entry)
    return moved, kept


def restore_links(*, moved: list, merged: Person, survivor: Person) -> tuple[int, int]:
    """Undo move_links: each moved row that still points at the survivor goes back. A row moved
    on since (to a third record) stays where it is. Returns (restored, stayed)."""
    from django.apps import apps

    restored = stayed = 0
    for label, pk, field in moved:
        n = apps.get_model(label).objects.filter(pk=pk, **{field: survivor.pk}).update(**{field: merged.pk})
        restored += n
        stayed += 1 - n
    return restored, stayed


def mark_merged(*, merged: Person, survivor: Person) -> None:
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into"])
    _sync_current(merged)
    _sync_current(survivor)


def unmark_merged(*, merged: Person, survivor: Person) -> None:
    merged.merged_into = None
    merged.save(update_fields=["merged_into"])
    _sync_current(merged)
    _sync_current(survivor)


def set_fields(person: Person, values: dict) -> None:
    """Write descriptive fields chosen by the merge's reviewer (validated by the caller)."""
    for name, value in values.items():
        setattr(person, name, value)
    if values:
        person.save(update_fields=list(values))
