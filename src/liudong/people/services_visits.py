"""R2 visits (清理查验) and R5's "unable to care" on a family link (invariant 1: one door for writes).

R2: part 1 asks villages and townships to patrol and follow up their inflow and outflow people
regularly and update the records (1-四-(一)-2, 1-五-(一)-2); part 8 四 makes it a quarterly clean-up
check of inflow people ("对流入人员要坚持每季度进行一次清理查验"). A collector who sees a person still
living where the record says, and checks her details (or corrects them), records a visit: an event
on her history, like an arrival or a move, that brings her record up to date for the follow-up
to-do (people.queries.follow_up_todo). A person found gone is a departure, not a visit.

R5: a child one of whose parents is away and the other at home but unable to care for her
(无监护能力) is a left-behind child (国发〔2016〕13号); that fact is recorded on the family link.
"""
import datetime

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id

from .choices import Relation, VisitResult
from .models import FamilyLink, Person, Residence, Visit

NOTE_MAX = 200


@transaction.atomic
def record_visit(*, actor, person: Person, data: dict, today: datetime.date) -> Visit:
    """R2: a clean-up check of the person where she lives now (her open residence). `data`:
    visited_on (required, not in the future, not before the residence began), result
    ("checked" or "corrected", default checked), note. The residence side records it for the
    people living in its subtree, the hukou side for its outflow people (as departures)."""
    require(actor, Action.RECORD_RESIDENCE)
    pk = row_id(getattr(person, "pk", person))
    person = Person.objects.select_for_update().filter(pk=pk).first() if pk else None
    residence = Residence.objects.select_for_update().filter(person=person, left_on__isnull=True).first() if person else None
    if person is None or not (
        (residence is not None and actor.in_scope(residence.division_id)) or actor.in_scope(person.hukou_division_id)
    ):
        raise NotFound("人员不存在或不在您的管辖范围内 / no such person in your scope")
    errors: dict[str, list[str]] = {}
    if residence is None:
        fields.add(errors, "visited_on", "此人没有正在居住的记录，无从查验；如已离开请登记离开 / she has no current residence to check: record where she lives first")
    visited_on = fields.date(data, "visited_on", errors, required=True, today=today,
                             not_before=residence.arrived_on if residence else None, before_label="本次居住的开始日期")
    result = fields.choice(data, "result", errors, choices=VisitResult.values, default=VisitResult.CHECKED)
    note = fields.text(data, "note", errors, max_length=NOTE_MAX)
    if result == VisitResult.CORRECTED and not note and "note" not in errors:
        fields.add(errors, "note", "信息已更正时请说明更正了什么 / say what was corrected")
    if residence is not None and visited_on is not None and "visited_on" not in errors and Visit.objects.filter(residence=residence, visited_on=visited_on).exists():
        fields.add(errors, "visited_on", f"{visited_on} 已登记过查验 / a visit on {visited_on} is recorded already")
    if errors:
        raise Invalid(errors)
    visit = Visit.objects.create(person=person, residence=residence, visited_on=visited_on, result=result, note=note,
                                 visited_by=actor if getattr(actor, "pk", None) else None, recorded_by_division=actor.division_id)
    if residence.checked_on is None or visited_on > residence.checked_on:
        residence.checked_on = visited_on
        residence.save(update_fields=["checked_on"])
    record(actor, "person.visit", obj=visit, person_id=person.pk,
           fields={"residence": residence.pk, "visited_on": str(visited_on), "result": result, "note": note})
    return visit


@transaction.atomic
def set_parent_unable_to_care(*, actor, person: Person, relative_id, unable: bool) -> FamilyLink:
    """R5: record (or withdraw) that a parent cannot care for the child (无监护能力). `person` and
    `relative_id` are the two ends of a parent-child link, in either order; both directions of the
    link carry the fact. Audited with the old and new value."""
    from .services import locked_person_in_scope

    require(actor, Action.MANAGE_FAMILY)
    person = locked_person_in_scope(actor=actor, person_id=getattr(person, "pk", person))
    pk = row_id(relative_id)
    link = FamilyLink.objects.select_for_update().filter(person=person, relative_id=pk).first() if pk else None
    if link is None:
        raise NotFound("该亲属关系不存在 / no such family link")
    if link.relation not in (Relation.PARENT, Relation.CHILD):
        raise Invalid({"relative_id": ["只有父母与子女之间可登记无监护能力 / only a parent-child link carries this"]})
    if not isinstance(unable, bool):
        raise Invalid({"parent_unable_to_care": ["应为 true 或 false / must be true or false"]})
    old = link.parent_unable_to_care
    if old != unable:
        FamilyLink.objects.filter(person_id__in=(person.pk, pk), relative_id__in=(person.pk, pk)).update(parent_unable_to_care=unable)
        link.parent_unable_to_care = unable
        parent = link.relative_id if link.relation == Relation.PARENT else person.pk
        record(actor, "family.care", obj=link, person_id=person.pk, fields={"relative": pk, "parent": parent, "parent_unable_to_care": [old, unable]})
    return link
