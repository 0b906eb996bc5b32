"""Shared helpers of the UI tests: log in as a role of the `world` fixture, people to find."""
from liudong.people import services
from tests.conftest import TODAY, make_id


def client_for(client, staff):
    client.force_login(staff)
    return client


def register(actor, name, *, area="440305", birth="19900101", seq=10, female=True, hukou="440305001001", **extra):
    data = {"id_number": make_id(area, birth, seq, female), "name": name, "hukou_division": hukou, **extra}
    person, _ = services.register_person(actor=actor, data=data, today=TODAY)
    return person


def page_text(response) -> str:
    return response.content.decode()
