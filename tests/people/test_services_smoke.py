import pytest

from liudong.errors import Invalid
from liudong.people import services
from liudong.people.models import Person
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id


def test_registering_twice_returns_the_same_person(clerk):
    data = {"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V}
    a, created_a = services.register_person(actor=clerk, data=data, today=TODAY)
    b, created_b = services.register_person(actor=clerk, data=data, today=TODAY)
    assert created_a and not created_b and a.pk == b.pk
    assert Person.objects.count() == 1


def test_arrival_makes_her_floating_in_the_village(migrant):
    assert migrant.residence_division_id == NANTOU_V1
    assert migrant.floating is True


def test_wrong_check_digit_writes_nothing(clerk):
    good = make_id("511921", "19990315")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(Invalid) as e:
        services.register_person(actor=clerk, data={"id_number": bad, "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    assert "id_number" in e.value.errors
    assert Person.objects.count() == 0
