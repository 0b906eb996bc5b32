"""Shared helpers of the UI tests: people registered through the service (R1)."""
from liudong.people import services
from tests.conftest import TODAY, make_id


def register(actor, name, *, area="440305", birth="19900101", seq=10, female=True, hukou="440305001001", **extra):
    data = {"id_number": make_id(area, birth, seq, female), "name": name, "hukou_division": hukou, **extra}
    person, _ = services.register_person(actor=actor, data=data, today=TODAY)
    return person
