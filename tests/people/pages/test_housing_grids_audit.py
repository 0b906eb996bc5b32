"""Rental housing and employers (R4), grids (J1), the audit page (invariant 3)."""
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.divisions.models import Grid
from liudong.identifiers import credit_check_char
from liudong.people.models import Employer, RentalHousing
from tests.conftest import NANTOU_V1, NANTOU_V2, SHEKOU_V1

from .helpers import register


def credit_code(body17="91440300MA5ABCDE1"):
    return body17 + credit_check_char(body17)


def test_register_housing_with_owner_by_id_number_and_see_tenants(client, clerk, migrant):
    owner = register(clerk, "郑国强", birth="19600101", seq=11, female=False, hukou=NANTOU_V1)
    client.force_login(clerk)
    url = reverse("housing_new")
    response = client.post(url, {"division": NANTOU_V1, "address": "红花园3栋", "owner_id_number": "440305196001010000", "use": "residential"})
    assert response.status_code == 200 and "房主应为已登记的人员" in response.content.decode()
    assert not RentalHousing.objects.exists()
    response = client.post(url, {"division": NANTOU_V1, "address": "红花园3栋", "owner_id_number": owner.id_number, "use": "residential", "rooms": "4"})
    housing = RentalHousing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("housing_detail", args=[housing.pk])
    # The migrant moves into it (R4: people through housing).
    assert client.post(reverse("person_move", args=[migrant.pk]), {"division": NANTOU_V1, "arrived_on": "2026-01-01", "housing_id": str(housing.pk)}).status_code == 302
    response = client.get(reverse("housing_detail", args=[housing.pk]))
    assert response.status_code == 200 and "李娜" in response.content.decode() and "郑国强" in response.content.decode()
    assert AuditEvent.objects.filter(action="housing.view", object_id=str(housing.pk)).exists()
    listing = client.get(reverse("housing_list")).content.decode()
    assert "红花园3栋" in listing


def test_housing_outside_scope_is_404(client, world):
    clerk = world["township_clerk"]
    owner = register(clerk, "郑国强", birth="19600101", seq=11, female=False, hukou=NANTOU_V1)
    from liudong.people import services_places
    from tests.conftest import TODAY
    housing = services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园3栋", "owner_id": owner.pk}, today=TODAY)
    client.force_login(world["shekou_clerk"])
    assert client.get(reverse("housing_detail", args=[housing.pk])).status_code == 404
    assert "红花园3栋" not in client.get(reverse("housing_list")).content.decode()


def test_register_employer(client, clerk):
    client.force_login(clerk)
    url = reverse("employer_new")
    bad = client.post(url, {"division": NANTOU_V1, "name": "南头电子厂", "credit_code": "91440300MA5ABCDE1Z"})
    assert bad.status_code == 200 and "统一社会信用代码" in bad.content.decode() and not Employer.objects.exists()
    response = client.post(url, {"division": NANTOU_V1, "name": "南头电子厂", "credit_code": credit_code(), "contact_phone": "13800138000"})
    employer = Employer.objects.get()
    assert response.status_code == 302
    html = client.get(reverse("employer_detail", args=[employer.pk])).content.decode()
    assert "南头电子厂" in html
    assert "南头电子厂" in client.get(reverse("employer_list")).content.decode()


def test_grids_list_and_add(client, world):
    client.force_login(world["township_clerk"])
    collector = world["village_collector"]
    response = client.post(reverse("grid_list"), {"village": NANTOU_V1, "name": "第一网格", "collector_id": str(collector.pk)})
    assert response.status_code == 302
    grid = Grid.objects.get()
    assert grid.collector == collector
    dup = client.post(reverse("grid_list"), {"village": NANTOU_V1, "name": "第一网格"})
    assert dup.status_code == 200 and "该村已有同名网格" in dup.content.decode()
    bad = client.post(reverse("grid_list"), {"village": SHEKOU_V1, "name": "外网格"})
    assert bad.status_code == 200 and Grid.objects.count() == 1
    assert "第一网格" in client.get(reverse("grid_list")).content.decode()
    client.force_login(world["village_collector"])  # may read, may not add
    assert client.get(reverse("grid_list")).status_code == 200
    assert client.post(reverse("grid_list"), {"village": NANTOU_V2, "name": "第二网格"}).status_code == 403


def test_audit_page_filters_and_is_read_only(client, world, migrant):
    clerk = world["township_clerk"]
    client.force_login(clerk)
    client.get(reverse("person_detail", args=[migrant.pk]))
    client.force_login(world["auditor"])
    response = client.get(reverse("audit"), {"person_id": migrant.pk, "action": "person.view"})
    assert response.status_code == 200
    events = list(response.context["events"])
    assert events and all(e.action == "person.view" and e.person_id == migrant.pk for e in events)
    assert client.get(reverse("audit"), {"actor": "township_clerk", "date_from": "2020-01-01", "date_to": "2099-12-31"}).status_code == 200
    bad = client.get(reverse("audit"), {"date_from": "2020-13-01", "person_id": "abc"})
    assert bad.status_code == 200 and bad.context["page"] is None
    assert client.post(reverse("audit")).status_code == 405
