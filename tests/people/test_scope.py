"""Invariant 2: one person scope. Every read of people filters `Person` by division through
people/scope.py (as NetBox's restrict()); no other module of src/ filters on a person's
residence_division or hukou_division. A new filter elsewhere fails here, naming file and line."""
import ast
import re
from pathlib import Path

import pytest

import liudong
from liudong.people import scope
from tests.conftest import NANTOU, NANTOU_V1

SRC = Path(liudong.__file__).parent
SCOPE_MODULE = SRC / "people" / "scope.py"
# A lookup on a person's division, directly or through a relation (woman__hukou_division__code...).
PERSON_DIVISION = re.compile(r"(^|__)(residence|hukou)_division(_id)?(__|$)")
FILTER_CALLS = {"filter", "exclude", "get", "get_or_create", "Q", "in_range"}


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def person_division_filters(source: str) -> list[int]:
    """Lines of `source` that filter on a person's residence or hukou division: a lookup keyword of
    filter/exclude/get/Q (or a **{...} of them), or the field name given to in_range."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node.func) not in FILTER_CALLS:
            continue
        keys = [kw.arg for kw in node.keywords if kw.arg]
        if _name(node.func) == "in_range":
            keys += [a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        keys += [k.value for a in node.keywords if a.arg is None and isinstance(a.value, ast.Dict)
                 for k in a.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        if any(PERSON_DIVISION.search(k) for k in keys):
            lines.append(node.lineno)
    return lines


def test_the_check_finds_a_filter_on_a_persons_division():
    # The check itself must be able to fail.
    assert person_division_filters('Person.objects.filter(residence_division__code__startswith="4403")') == [1]
    assert person_division_filters('x = 1\nQ(hukou_division_id__gte=low)') == [2]
    assert person_division_filters('in_range("residence_division_id", code)') == [1]
    assert person_division_filters('Birth.objects.filter(woman__hukou_division=d)') == [1]
    assert person_division_filters('Person.objects.filter(**{"hukou_division__in": codes})') == [1]
    assert person_division_filters('Residence.objects.filter(in_range("hukou_division_code", c))') == []
    assert person_division_filters('Person.objects.select_related("hukou_division", "residence_division")') == []
    assert person_division_filters('Person.objects.create(residence_division=d)') == []
    assert person_division_filters('data.get("hukou_division")') == []


def test_no_module_but_people_scope_filters_persons_by_division():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SCOPE_MODULE or "migrations" in path.parts:
            continue
        found += [f"{path.relative_to(SRC)}:{line}" for line in person_division_filters(path.read_text(encoding="utf-8"))]
    assert not found, "filter persons by division through liudong.people.scope only: " + ", ".join(found)


def test_the_scope_module_does_filter_there():
    # Guards the test above against a rename: the scope is where the filters are.
    assert person_division_filters(SCOPE_MODULE.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_the_scope_is_the_actors_subtree_and_the_system_sees_everyone(world, migrant):
    clerk, futian = world["township_clerk"], world["futian_clerk"]
    assert migrant.residence_division_id == NANTOU_V1 and NANTOU_V1.startswith(NANTOU[:9])
    assert scope.persons(clerk).filter(pk=migrant.pk).exists()
    assert not scope.persons(futian).filter(pk=migrant.pk).exists()
    assert scope.reaches(None, migrant.pk)
