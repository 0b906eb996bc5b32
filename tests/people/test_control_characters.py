"""Invariant 7, the outside test's hole: address and every other free-text field took control
characters (an escape sequence in an address ends up in registers, exports and printed letters).
The field kit refuses them with a field error, whichever door the text came through; nothing is
written."""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.accounts.tokens import issue_token
from liudong.errors import Invalid
from liudong.people import services, services_places
from liudong.people.models import Employer, Person, RentalHousing, Residence
from tests.people.api.conftest import ApiClient
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

# C0 (escape, NUL, newline, tab, CR), C1 (NEL), a bidirectional override; inside the text (at its
# ends, the whitespace among them is stripped like any space).
BAD = ["南头\x1b[31m1栋", "红花园\x00101", "1栋\n101", "1栋\t101", "红花园\x85101", "红花园\u202e101", "1栋\r101"]


def counts():
    return [m.objects.count() for m in (Person, Residence, RentalHousing, Employer, AuditEvent)]


@pytest.fixture
def api(clerk, monkeypatch):
    monkeypatch.setattr("liudong.people.api.today", lambda: TODAY)
    return ApiClient(issue_token(clerk))


@pytest.mark.parametrize("address", BAD)
def test_an_arrival_address_with_control_characters_is_a_field_error(api, clerk, address):
    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    before = counts()
    response = api.post(f"/persons/{person.pk}/residences", {"division": NANTOU_V1, "address": address, "arrived_on": "2025-03-01"})
    assert response.status_code == 422, response.content
    [message] = response.json()["errors"]["address"]
    assert " / " in message and ("control characters" in message or "NUL" in message)
    assert counts() == before


@pytest.mark.parametrize("field", ["hukou_address", "name"])
def test_a_person_with_control_characters_is_refused(api, field):
    data = {"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V, field: "李\x07娜"}
    before = counts()
    response = api.post("/persons", data)
    assert response.status_code == 422 and field in response.json()["errors"], response.content
    assert counts() == before


def test_rental_homes_and_employers_refuse_control_characters(clerk):
    owner, _ = services.register_person(actor=clerk, data={"id_number": make_id("440305", "19800101", 33, female=False), "name": "郑国强", "hukou_division": NANTOU_V1}, today=TODAY)
    before = counts()
    with pytest.raises(Invalid) as e:
        services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园\x1b3栋", "owner_id": owner.pk, "business_category": "餐饮\x7f"}, today=TODAY)
    assert {"address", "business_category"} <= set(e.value.errors)
    with pytest.raises(Invalid) as e:
        services_places.register_employer(actor=clerk, data={"division": NANTOU_V1, "name": "南头\x9b电子厂", "address": "南头\x00", "contact_name": "王\x08"}, today=TODAY)
    assert {"name", "address", "contact_name"} <= set(e.value.errors)
    assert counts() == before


def test_a_clean_address_is_stored_stripped(clerk):
    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V, "hukou_address": "\u3000四川省通江县 诺江镇 "}, today=TODAY)
    assert person.hukou_address == "四川省通江县 诺江镇"
