"""Issue 16: the person travels with the message. The identifying fields (name, ID number, sex,
birth date, hukou division) come in the sealed envelope; the receiving clerk sees them on the
message's page and, where this node has no record of her, registers her from them in one step
(R8: an existing record with her ID number is used instead, never a twin). Audited, scoped: only
the receiver's clerks who may register people."""
import pytest
from django.test import Client

from liudong.accounts.models import AuditEvent
from liudong.exchange.models import Message
from liudong.federation.receive import receive
from liudong.people import services as people
from liudong.people.models import Person
from tests.conftest import TODAY, TONGJIANG_V, make_id
from tests.exchange.helpers import at

from .test_receive import PERSON, payload, sealed

LI_NA = make_id("511921", "19990315")


@pytest.fixture
def arrived(as_node, peer, world):
    """The Sichuan node has received a request about 李娜, whom it does not know."""
    me = as_node("510000000000")
    gd = peer("440000000000")
    ident = {**PERSON, "id_number": LI_NA, "document_number": LI_NA, "hukou_division": TONGJIANG_V}
    assert receive(sealed(gd, me, body=payload(person=ident)), now=at("2026-12-01")) == "accepted"
    return Message.objects.get()


def page(user, message):
    client = Client()
    client.force_login(user)
    return client, client.get(f"/exchange/{message.pk}/")


def test_x2_the_receiving_clerk_sees_the_fields_the_message_carried(arrived, world):
    assert arrived.person is None and arrived.carried["id_number"] == LI_NA
    _, response = page(world["tongjiang_clerk"], arrived)
    html = response.content.decode()
    assert response.status_code == 200 and "李娜" in html and LI_NA in html and "1999-03-15" in html and "诺江村" in html
    assert "/register-person/" in html


def test_r8_she_is_registered_from_the_message_in_one_step_and_audited(arrived, world):
    client, _ = page(world["tongjiang_clerk"], arrived)
    response = client.post(f"/exchange/{arrived.pk}/register-person/", follow=True)
    assert response.status_code == 200 and "已据函件所附身份信息登记" in response.content.decode()
    person = Person.objects.get(id_number=LI_NA)
    assert (person.name, person.sex, str(person.birth_date), person.hukou_division_id) == ("李娜", "F", "1999-03-15", TONGJIANG_V)
    arrived.refresh_from_db()
    assert arrived.person == person
    assert AuditEvent.objects.filter(action="message.register_person", object_id=str(arrived.pk), person_id=person.pk).exists()
    again = client.post(f"/exchange/{arrived.pk}/register-person/", follow=True)
    assert "已关联当事人" in again.content.decode() and Person.objects.count() == 1


def test_r8_a_record_this_node_has_already_is_used_not_doubled(arrived, world):
    known, _ = people.register_person(actor=world["tongjiang_clerk"], data={"id_number": LI_NA, "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    client, _ = page(world["tongjiang_clerk"], arrived)
    html = client.post(f"/exchange/{arrived.pk}/register-person/", follow=True).content.decode()
    arrived.refresh_from_db()
    assert arrived.person == known and Person.objects.count() == 1
    assert "本节点已有此人" in html and "已据函件所附身份信息登记" not in html  # the page says she was linked, not registered


def test_only_the_receivers_clerks_who_register_people_may(arrived, world):
    county = Client()
    county.force_login(world["county_officer"])
    assert county.post(f"/exchange/{arrived.pk}/register-person/").status_code == 403
    other, _ = page(world["futian_clerk"], arrived)
    response = other.post(f"/exchange/{arrived.pk}/register-person/")
    assert response.status_code == 404 and not Person.objects.exists()
