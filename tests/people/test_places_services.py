"""R4: correcting and closing rental homes and employers (people.services_places), and arrivals
refused into a closed home or employer. Every refusal writes nothing, audit log included."""
from contextlib import contextmanager

import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid, NotFound
from liudong.identifiers import credit_check_char
from liudong.people import services, services_places
from liudong.people.models import Employer, RentalHousing, Residence
from tests.conftest import NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id


def credit(body17="91440300MA5ABCDE1"):
    return body17 + credit_check_char(body17)


@contextmanager
def unchanged():
    """Nothing written: the housing, employer and residence rows and the audit log stay as they were."""
    def snapshot():
        return (
            list(RentalHousing.objects.order_by("id").values()), list(Employer.objects.order_by("id").values()),
            list(Residence.objects.order_by("id").values()), AuditEvent.objects.count(),
        )

    before = snapshot()
    yield
    assert snapshot() == before


def refused(field, call):
    with unchanged(), pytest.raises(Invalid) as e:
        call()
    assert field in e.value.errors, e.value.errors
    for message in e.value.errors[field]:
        assert " / " in message and any("\u4e00" <= c <= "\u9fff" for c in message), message
    return e.value.errors[field]


def person(clerk, name, seq, *, female=False):
    p, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19800101", seq=seq, female=female), "name": name, "hukou_division": TONGJIANG_V}, today=TODAY)
    return p


@pytest.fixture
def owner(clerk):
    return person(clerk, "郑国强", 31)


@pytest.fixture
def housing(clerk, owner):
    return services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园3栋", "owner_id": owner.pk, "registered_on": "2025-01-01"}, today=TODAY)


@pytest.fixture
def employer(clerk):
    return services_places.register_employer(actor=clerk, data={"division": NANTOU_V1, "name": "南头电子厂", "credit_code": credit(), "registered_on": "2025-01-01"}, today=TODAY)


# ---------------------------------------------------------------- rental housing

def test_register_housing_lives_in_services_places_only(housing, owner):
    # Issue 7 item 10: no re-exports; callers import R4 from services_places itself.
    assert not hasattr(services, "register_housing") and not hasattr(services, "close_employer")
    assert housing.owner == owner and housing.rooms == 1 and housing.use == "residential"
    assert AuditEvent.objects.filter(action="housing.create", object_id=str(housing.pk)).exists()


def test_update_housing_changes_the_fields_and_audits_old_and_new(clerk, housing, owner):
    buyer = person(clerk, "陈建华", 33)
    services_places.update_housing(actor=clerk, housing_id=housing.pk, data={"address": "红花园3栋A", "owner_id": buyer.pk, "use": "shop", "business_category": "餐饮", "rooms": "5"}, today=TODAY)
    housing.refresh_from_db()
    assert (housing.address, housing.owner_id, housing.use, housing.business_category, housing.rooms) == ("红花园3栋A", buyer.pk, "shop", "餐饮", 5)
    event = AuditEvent.objects.get(action="housing.update")
    assert event.actor == clerk and event.object_id == str(housing.pk) and event.person_id == buyer.pk
    assert event.fields == {"address": ["红花园3栋", "红花园3栋A"], "owner_id": [owner.pk, buyer.pk], "use": ["residential", "shop"], "business_category": ["", "餐饮"], "rooms": [1, 5]}


def test_update_housing_changes_only_the_fields_sent(clerk, housing):
    services_places.update_housing(actor=clerk, housing_id=housing.pk, data={"rooms": 3}, today=TODAY)
    housing.refresh_from_db()
    assert housing.rooms == 3 and housing.address == "红花园3栋" and housing.use == "residential"
    assert AuditEvent.objects.get(action="housing.update").fields == {"rooms": [1, 3]}
    with unchanged():  # the same values again: nothing to record
        services_places.update_housing(actor=clerk, housing_id=housing.pk, data={"rooms": 3, "address": " 红花园3栋 "}, today=TODAY)


@pytest.mark.parametrize("data, field", [
    ({"owner_id": 999999}, "owner_id"),
    ({"owner_id": "abc"}, "owner_id"),
    ({"owner_id": 2**70}, "owner_id"),
    ({"owner_id": None}, "owner_id"),
    ({"address": "  "}, "address"),
    ({"address": "长" * 201}, "address"),
    ({"use": "castle"}, "use"),
    ({"use": None}, "use"),
    ({"rooms": 0}, "rooms"),
    ({"rooms": None}, "rooms"),
    ({"rooms": 2.5}, "rooms"),
    ({"business_category": "x" * 101}, "business_category"),
])
def test_update_housing_bad_input_changes_nothing(clerk, housing, data, field):
    refused(field, lambda: services_places.update_housing(actor=clerk, housing_id=housing.pk, data={"address": "新地址", **data}, today=TODAY))


def test_every_bad_field_is_reported_at_once(clerk, housing):
    with unchanged(), pytest.raises(Invalid) as e:
        services_places.update_housing(actor=clerk, housing_id=housing.pk, data={"owner_id": 999999, "rooms": -1, "use": "castle"}, today=TODAY)
    errors = e.value.errors
    assert {"owner_id", "rooms", "use"} <= set(errors)


def test_housing_outside_the_area_is_not_found_and_roles_without_the_action_are_refused(world, housing):
    futian = world["futian_clerk"]
    with unchanged():
        with pytest.raises(NotFound):
            services_places.update_housing(actor=futian, housing_id=housing.pk, data={"rooms": 2}, today=TODAY)
        with pytest.raises(NotFound):
            services_places.close_housing(actor=futian, housing_id=housing.pk, closed_on="2026-01-01", today=TODAY)
        with pytest.raises(NotFound):
            services_places.update_housing(actor=world["township_clerk"], housing_id=housing.pk + 1000, data={"rooms": 2}, today=TODAY)
        for role in ("township_head", "village_cadre", "auditor"):
            with pytest.raises(Denied):
                services_places.update_housing(actor=world[role], housing_id=housing.pk, data={"rooms": 2}, today=TODAY)
            with pytest.raises(Denied):
                services_places.close_housing(actor=world[role], housing_id=housing.pk, closed_on="2026-01-01", today=TODAY)
    # Police hold the action (J3) in their township.
    services_places.update_housing(actor=world["police_officer"], housing_id=housing.pk, data={"rooms": 2}, today=TODAY)


def test_close_housing(clerk, housing):
    services_places.close_housing(actor=clerk, housing_id=housing.pk, closed_on="2026-11-01", today=TODAY)
    housing.refresh_from_db()
    assert housing.closed_on.isoformat() == "2026-11-01"
    event = AuditEvent.objects.get(action="housing.close")
    assert event.actor == clerk and event.fields == {"closed_on": [None, "2026-11-01"]}


@pytest.mark.parametrize("closed_on, text", [
    ("2024-12-31", "before the record was registered"),
    ("2026-11-29", "cannot be in the future"),
    ("2026-02-30", "not a real date"),
    ("", "required"),
    (None, "required"),
])
def test_close_housing_bad_dates_change_nothing(clerk, housing, closed_on, text):
    messages = refused("closed_on", lambda: services_places.close_housing(actor=clerk, housing_id=housing.pk, closed_on=closed_on, today=TODAY))
    assert any(text in m for m in messages), messages


def test_a_home_is_closed_only_once(clerk, housing):
    services_places.close_housing(actor=clerk, housing_id=housing.pk, closed_on="2026-11-01", today=TODAY)
    messages = refused("closed_on", lambda: services_places.close_housing(actor=clerk, housing_id=housing.pk, closed_on="2026-11-20", today=TODAY))
    assert any("already" in m for m in messages)
    assert AuditEvent.objects.filter(action="housing.close").count() == 1


def test_a_home_with_tenants_after_the_date_is_not_closed(clerk, housing, migrant):
    services.record_move(actor=clerk, person=migrant, data={"division": NANTOU_V1, "arrived_on": "2026-01-10", "housing_id": housing.pk}, today=TODAY)
    messages = refused("closed_on", lambda: services_places.close_housing(actor=clerk, housing_id=housing.pk, closed_on="2026-11-01", today=TODAY))
    assert any("record their departure or move first" in m for m in messages)
    residence = Residence.objects.get(person=migrant, housing=housing)
    services.record_departure(actor=clerk, residence_id=residence.pk, left_on="2026-10-01", today=TODAY)
    refused("closed_on", lambda: services_places.close_housing(actor=clerk, housing_id=housing.pk, closed_on="2026-09-30", today=TODAY))
    services_places.close_housing(actor=clerk, housing_id=housing.pk, closed_on="2026-10-01", today=TODAY)


def test_a_closed_home_takes_no_new_tenants(clerk, housing, migrant):
    services_places.close_housing(actor=clerk, housing_id=housing.pk, closed_on="2026-11-01", today=TODAY)
    newcomer = person(clerk, "王强", 35)
    messages = refused("housing_id", lambda: services.record_arrival(actor=clerk, person=newcomer, data={"division": NANTOU_V1, "arrived_on": "2026-11-20", "housing_id": housing.pk}, today=TODAY))
    assert any("closed on 2026-11-01" in m for m in messages)
    refused("housing_id", lambda: services.record_move(actor=clerk, person=migrant, data={"division": NANTOU_V1, "arrived_on": "2026-11-20", "housing_id": str(housing.pk)}, today=TODAY))
    # Corrections of a closed record are still possible; an open home still takes tenants.
    services_places.update_housing(actor=clerk, housing_id=housing.pk, data={"address": "红花园3栋（旧）"}, today=TODAY)
    other = services_places.register_housing(actor=clerk, data={"division": NANTOU_V2, "address": "大汪山1号", "owner_id": newcomer.pk}, today=TODAY)
    services.record_arrival(actor=clerk, person=newcomer, data={"division": NANTOU_V2, "arrived_on": "2026-11-20", "housing_id": other.pk}, today=TODAY)


# ---------------------------------------------------------------- employers

def test_update_employer_rechecks_the_credit_code_and_audits(clerk, employer):
    new_code = credit("91440300MA5FGHJK2")
    services_places.update_employer(actor=clerk, employer_id=employer.pk, data={"name": "南头电子有限公司", "credit_code": new_code.lower(), "contact_phone": "0755-26661234"}, today=TODAY)
    employer.refresh_from_db()
    assert (employer.name, employer.credit_code, employer.contact_phone) == ("南头电子有限公司", new_code, "0755-26661234")
    event = AuditEvent.objects.get(action="employer.update")
    assert event.actor == clerk and event.fields == {"name": ["南头电子厂", "南头电子有限公司"], "credit_code": [credit(), new_code], "contact_phone": ["", "0755-26661234"]}
    # Its own code again is no duplicate; an empty code removes it.
    services_places.update_employer(actor=clerk, employer_id=employer.pk, data={"credit_code": new_code}, today=TODAY)
    services_places.update_employer(actor=clerk, employer_id=employer.pk, data={"credit_code": ""}, today=TODAY)
    employer.refresh_from_db()
    assert employer.credit_code is None


def test_update_employer_bad_input_changes_nothing(clerk, employer):
    other = services_places.register_employer(actor=clerk, data={"division": NANTOU_V1, "name": "南头五金厂", "credit_code": credit("91440300MA5FGHJK2")}, today=TODAY)
    bad = credit()[:17] + ("0" if credit()[17] != "0" else "1")
    messages = refused("credit_code", lambda: services_places.update_employer(actor=clerk, employer_id=employer.pk, data={"credit_code": bad}, today=TODAY))
    assert any("check character" in m for m in messages)
    messages = refused("credit_code", lambda: services_places.update_employer(actor=clerk, employer_id=employer.pk, data={"credit_code": other.credit_code}, today=TODAY))
    assert any("registered already" in m for m in messages)
    refused("name", lambda: services_places.update_employer(actor=clerk, employer_id=employer.pk, data={"name": ""}, today=TODAY))
    refused("contact_phone", lambda: services_places.update_employer(actor=clerk, employer_id=employer.pk, data={"contact_phone": "12"}, today=TODAY))


def test_employer_outside_the_area_is_not_found_and_roles_without_the_action_are_refused(world, employer):
    with unchanged():
        with pytest.raises(NotFound):
            services_places.update_employer(actor=world["futian_clerk"], employer_id=employer.pk, data={"name": "外"}, today=TODAY)
        with pytest.raises(NotFound):
            services_places.close_employer(actor=world["futian_clerk"], employer_id=employer.pk, closed_on="2026-01-01", today=TODAY)
        with pytest.raises(Denied):
            services_places.update_employer(actor=world["township_head"], employer_id=employer.pk, data={"name": "外"}, today=TODAY)
        with pytest.raises(Denied):
            services_places.close_employer(actor=world["township_head"], employer_id=employer.pk, closed_on="2026-01-01", today=TODAY)


def test_close_employer_checks_its_date_once(clerk, employer):
    refused("closed_on", lambda: services_places.close_employer(actor=clerk, employer_id=employer.pk, closed_on="2024-12-31", today=TODAY))
    refused("closed_on", lambda: services_places.close_employer(actor=clerk, employer_id=employer.pk, closed_on="2026-11-29", today=TODAY))
    services_places.close_employer(actor=clerk, employer_id=employer.pk, closed_on="2026-11-28", today=TODAY)
    employer.refresh_from_db()
    assert employer.closed_on.isoformat() == "2026-11-28"
    assert AuditEvent.objects.get(action="employer.close").fields == {"closed_on": [None, "2026-11-28"]}
    refused("closed_on", lambda: services_places.close_employer(actor=clerk, employer_id=employer.pk, closed_on="2026-11-28", today=TODAY))


def test_a_closed_employer_takes_no_new_employees_and_keeps_its_history(clerk, employer, migrant):
    services.record_move(actor=clerk, person=migrant, data={"division": NANTOU_V1, "arrived_on": "2026-06-01", "employer_id": employer.pk}, today=TODAY)
    # Nobody can have started working there after it closed.
    messages = refused("closed_on", lambda: services_places.close_employer(actor=clerk, employer_id=employer.pk, closed_on="2026-05-31", today=TODAY))
    assert any("2026-06-01" in m for m in messages)
    services_places.close_employer(actor=clerk, employer_id=employer.pk, closed_on="2026-10-01", today=TODAY)
    assert Residence.objects.filter(person=migrant, employer=employer, left_on__isnull=True).exists()
    newcomer = person(clerk, "王强", 35)
    messages = refused("employer_id", lambda: services.record_arrival(actor=clerk, person=newcomer, data={"division": NANTOU_V1, "arrived_on": "2026-11-20", "employer_id": employer.pk}, today=TODAY))
    assert any("closed on 2026-10-01" in m for m in messages)


def test_a_page_of_rental_homes_logs_the_owners_it_names(client, clerk, housing):
    """Invariant 3: the housing list shows owners' names, so it logs which owners it showed."""
    from liudong.accounts.models import AuditEvent

    client.force_login(clerk)
    assert client.get("/housing/").status_code == 200
    event = AuditEvent.objects.get(action="housing.list")
    assert event.fields["person_ids"] == [housing.owner_id]
    client.get(f"/housing/{housing.pk}/")
    assert AuditEvent.objects.get(action="housing.view").person_id == housing.owner_id
