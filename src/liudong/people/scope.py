"""Invariant 2 for persons: the one person scope, as NetBox's `restrict()`. Every read of people,
in every app, filters `Person` by division through here and nowhere else (a test walks src/ and
fails on any other filter on residence_division or hukou_division).

A staff member acts for one division: she sees the persons who live in its subtree or are
registered there (a hukou place sees its outflow people wherever they live); with `history`, also
those who once lived there (a place that someone lived in can open her history).
"""
from django.db.models import Exists, OuterRef, Q

from liudong.accounts.permissions import is_system
from liudong.divisions.queries import in_range

from .models import Person, Residence


# R8 (issue 15): a record merged into its twin is no one's any more; its id answers 404 (with
# `merged_into` where the survivor is in scope: people.queries.get_person). It lives nowhere (its
# residences went to the survivor, so lives_in never finds it) and is not floating; every scoped
# read (division_q, scope_q) and the search leave it out, and so do the home page's counts of people
# at home (R5), through a partial index over live records (person_hukou_home_live).
NOT_MERGED = Q(merged_into__isnull=True)


def lives_in(code: str) -> Q:
    """Persons whose current residence lies in the subtree of `code` (J2: the residence side)."""
    return in_range("residence_division_id", code)


def registered_in(code: str) -> Q:
    """Persons whose hukou (household registration) lies in the subtree of `code` (J2: the hukou side)."""
    return in_range("hukou_division_id", code)


def lived_in(code: str) -> Q:
    """Persons with a residence period, past or present, in the subtree of `code`."""
    return Q(Exists(Residence.objects.filter(in_range("division_id", code), person_id=OuterRef("pk"))))


def registered_by(code: str) -> Q:
    """Persons registered by a division in the subtree of `code` who live nowhere yet: no residence
    period at all (issue 9 item 2: a registration left half-way, her arrival not recorded yet).
    The one who registered her and her division see her at once and finish the arrival."""
    return (in_range("created_by_division", code) & Q(residence_division__isnull=True) & NOT_MERGED
            & ~Q(Exists(Residence.objects.filter(person_id=OuterRef("pk")))))


def division_q(code: str, *, history: bool = False) -> Q:
    """The persons of a division: living or registered in its subtree, or registered by it and
    living nowhere yet; with history, also those who once lived there. Never a merged-away record."""
    q = lives_in(code) | registered_in(code) | registered_by(code)
    if history:
        q |= lived_in(code)
    return q & NOT_MERGED


def scope_q(actor, *, history: bool = False) -> Q:
    """The persons the actor may see: those of its division (division_q). The system (actor None,
    a command) sees everyone but merged-away records."""
    if is_system(actor):
        return NOT_MERGED
    return division_q(actor.division_id, history=history)


def write_q(actor) -> Q:
    """The persons whose residence history and family the actor may add to (hole 1): those of its
    scope, history included (which holds those its place registered that live nowhere yet: an
    inflow person registered a moment ago, her arrival recorded next)."""
    return scope_q(actor, history=True)


def persons(actor, *, history: bool = False):
    """The Person queryset of the actor's scope: start every read of people from here."""
    return Person.objects.filter(scope_q(actor, history=history))


def persons_living_in(actor, code: str):
    """persons(actor) narrowed to those living in the subtree of `code` (a division's residents:
    the technical services' due list). Where the actor's division holds `code`, living there is
    itself one of the scope's terms, so that term alone gives the same rows and the database reads
    one index range instead of the scope's OR (issue 11: a county's due list under 500 ms)."""
    if is_system(actor) or actor.in_scope(code):
        return Person.objects.filter(lives_in(code))
    return persons(actor).filter(lives_in(code))


def reaches(actor, person_id, *, history: bool = True) -> bool:
    return persons(actor, history=history).filter(pk=person_id).exists()


def writable(actor):
    """The Person queryset the actor may record residences and family links for (write_q)."""
    return Person.objects.filter(write_q(actor))


def desk_population(area_code: str, population: str = "", temporary_if: Q | None = None):
    """Q9: the persons the query desk of an area (a city; a county for statistics) may find: those
    whose hukou lies there (permanent population) and those living there on an open residence,
    their temporary residence registration (temporary population). `population` narrows to one;
    `temporary_if` is what a temporary resident must also satisfy (a completed residence
    registration where the place requires one)."""
    permanent = registered_in(area_code)
    temporary = lives_in(area_code) & ~registered_in(area_code)
    if temporary_if is not None:
        temporary &= temporary_if
    q = {"permanent": permanent, "temporary": temporary}.get(population, permanent | temporary)
    return Person.objects.filter(q)


def from_places(codes) -> Q:
    """Q6 (籍贯或出生地): persons registered in one of the divisions `codes` or whose resident ID
    number was issued there (its six leading digits)."""
    q = Q(pk__in=[])
    for code in codes:
        q |= registered_in(code)
        six = code[:6]
        if six.endswith("00") and not six.endswith("0000"):
            q |= Q(id_number__startswith=six[:4])
        elif not six.endswith("0000"):
            q |= Q(id_number__startswith=six)
        else:
            q |= Q(id_number__startswith=six[:2])
    return q
