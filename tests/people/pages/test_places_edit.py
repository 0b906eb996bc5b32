"""R4 and J1 in the web UI: the correct and close forms on the housing and employer detail pages,
the grid edit forms on the grid list, and the in use / closed / all filter of the lists."""
import pytest
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.divisions.models import Grid
from liudong.identifiers import credit_check_char
from liudong.people import services_places
from liudong.people.models import Employer, RentalHousing
from liudong.territory.services import add_grid
from tests.conftest import INLINE_SCRIPT, NANTOU_V1, TODAY

from .helpers import register

CREDIT = "91440300MA5ABCDE1" + credit_check_char("91440300MA5ABCDE1")
CREDIT2 = "91440300MA5FGHJK2" + credit_check_char("91440300MA5FGHJK2")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("liudong.people.views_housing.today", lambda: TODAY)


@pytest.fixture
def owner(clerk):
    return register(clerk, "郑国强", birth="19600101", seq=11, female=False, hukou=NANTOU_V1)


@pytest.fixture
def housing(clerk, owner):
    return services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园3栋", "owner_id": owner.pk, "registered_on": "2025-01-01"}, today=TODAY)


@pytest.fixture
def employer(clerk):
    return services_places.register_employer(actor=clerk, data={"division": NANTOU_V1, "name": "南头电子厂", "credit_code": CREDIT, "registered_on": "2025-01-01"}, today=TODAY)


def snapshot():
    return list(RentalHousing.objects.order_by("id").values()), list(Employer.objects.order_by("id").values()), list(Grid.objects.order_by("id").values())


def assert_clean_html(html):
    # The Content-Security-Policy forbids inline styles and scripts.
    assert ' style="' not in html and not INLINE_SCRIPT.search(html)


def test_housing_detail_shows_the_forms_only_to_roles_that_manage_housing(client, world, housing):
    client.force_login(world["township_clerk"])
    html = client.get(reverse("housing_detail", args=[housing.pk])).content.decode()
    assert reverse("housing_edit", args=[housing.pk]) in html and reverse("housing_close", args=[housing.pk]) in html
    assert "更正登记信息" in html and "停租日期" in html and "csrfmiddlewaretoken" in html
    assert_clean_html(html)
    client.force_login(world["township_head"])  # may read, may not manage housing
    html = client.get(reverse("housing_detail", args=[housing.pk])).content.decode()
    assert "红花园3栋" in html and reverse("housing_edit", args=[housing.pk]) not in html and reverse("housing_close", args=[housing.pk]) not in html


def test_correct_a_rental_home(client, clerk, housing, owner):
    buyer = register(clerk, "陈建华", birth="19700101", seq=13, female=False, hukou=NANTOU_V1)
    client.force_login(clerk)
    url = reverse("housing_edit", args=[housing.pk])
    before = snapshot()
    bad = client.post(url, {"address": "红花园3栋", "owner_id_number": "440305196001010000", "use": "residential", "rooms": "1"})
    assert bad.status_code == 200 and "房主应为已登记的人员" in bad.content.decode() and snapshot() == before
    bad = client.post(url, {"address": "", "owner_id_number": "", "use": "residential", "rooms": "1"})
    assert bad.status_code == 200 and "必填" in bad.content.decode() and snapshot() == before
    assert_clean_html(bad.content.decode())
    response = client.post(url, {"address": "红花园3栋A", "owner_id_number": buyer.id_number, "use": "shop", "business_category": "餐饮", "rooms": "4"})
    assert response.status_code == 302 and response["Location"] == reverse("housing_detail", args=[housing.pk])
    housing.refresh_from_db()
    assert (housing.address, housing.owner_id, housing.use, housing.rooms) == ("红花园3栋A", buyer.pk, "shop", 4)
    assert AuditEvent.objects.get(action="housing.update").fields["owner_id"] == [owner.pk, buyer.pk]
    # The owner's ID number left blank keeps the owner.
    client.post(url, {"address": "红花园3栋A", "owner_id_number": "", "use": "shop", "business_category": "餐饮", "rooms": "5"})
    housing.refresh_from_db()
    assert housing.owner_id == buyer.pk and housing.rooms == 5


def test_close_a_rental_home_and_filter_the_list(client, clerk, housing, migrant):
    client.force_login(clerk)
    url = reverse("housing_close", args=[housing.pk])
    before = snapshot()
    for day, text in (("2099-01-01", "日期不能晚于今天"), ("2024-12-31", "日期早于登记日期"), ("", "必填")):
        bad = client.post(url, {"closed_on": day})
        assert bad.status_code == 200 and text in bad.content.decode() and snapshot() == before
    assert client.post(url, {"closed_on": "2026-11-01"})["Location"] == reverse("housing_detail", args=[housing.pk])
    housing.refresh_from_db()
    assert housing.closed_on.isoformat() == "2026-11-01"
    assert AuditEvent.objects.filter(action="housing.close").count() == 1
    html = client.get(reverse("housing_detail", args=[housing.pk])).content.decode()
    assert "已停租" in html and url not in html  # closed: no close form any more
    again = client.post(url, {"closed_on": "2026-11-02"})
    assert again.status_code == 200 and "已于 2026-11-01 停租" in again.content.decode()
    # A closed home takes no new tenants.
    move = client.post(reverse("person_move", args=[migrant.pk]), {"division": NANTOU_V1, "arrived_on": "2026-11-20", "housing_id": str(housing.pk)})
    assert move.status_code == 200 and "停租" in move.content.decode()
    # The list shows homes in use by default.
    listing = reverse("housing_list")
    assert "红花园3栋" not in client.get(listing).content.decode()
    closed = client.get(listing, {"status": "closed"}).content.decode()
    assert "红花园3栋" in closed and "在用" in closed and "已停租" in closed and "全部" in closed
    assert "红花园3栋" in client.get(listing, {"status": "all"}).content.decode()
    assert "红花园3栋" not in client.get(listing, {"status": "nonsense"}).content.decode()


def test_housing_forms_are_scoped_and_need_the_action(client, world, housing):
    before = snapshot()
    client.force_login(world["futian_clerk"])
    assert client.post(reverse("housing_edit", args=[housing.pk]), {"address": "外", "use": "residential", "rooms": "1"}).status_code == 404
    assert client.post(reverse("housing_close", args=[housing.pk]), {"closed_on": "2026-11-01"}).status_code == 404
    client.force_login(world["township_head"])
    assert client.post(reverse("housing_edit", args=[housing.pk]), {"address": "外", "use": "residential", "rooms": "1"}).status_code == 403
    assert client.post(reverse("housing_close", args=[housing.pk]), {"closed_on": "2026-11-01"}).status_code == 403
    client.force_login(world["township_clerk"])
    assert client.get(reverse("housing_edit", args=[housing.pk])).status_code == 405
    assert snapshot() == before


def test_csrf_is_required(world, housing):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["township_clerk"])
    assert client.post(reverse("housing_close", args=[housing.pk]), {"closed_on": "2026-11-01"}).status_code == 403
    housing.refresh_from_db()
    assert housing.closed_on is None


def test_correct_and_close_an_employer(client, world, employer):
    clerk = world["township_clerk"]
    client.force_login(clerk)
    html = client.get(reverse("employer_detail", args=[employer.pk])).content.decode()
    assert reverse("employer_edit", args=[employer.pk]) in html and "注销日期" in html
    assert_clean_html(html)
    url = reverse("employer_edit", args=[employer.pk])
    before = snapshot()
    bad = client.post(url, {"name": "南头电子厂", "credit_code": CREDIT[:17] + ("0" if CREDIT[17] != "0" else "1")})
    assert bad.status_code == 200 and "统一社会信用代码校验码错误" in bad.content.decode() and snapshot() == before
    assert client.post(url, {"name": "南头电子有限公司", "credit_code": CREDIT2, "contact_phone": "13800138000"}).status_code == 302
    employer.refresh_from_db()
    assert (employer.name, employer.credit_code, employer.contact_phone) == ("南头电子有限公司", CREDIT2, "13800138000")
    assert AuditEvent.objects.filter(action="employer.update").exists()
    close = reverse("employer_close", args=[employer.pk])
    assert client.post(close, {"closed_on": "2099-01-01"}).status_code == 200
    assert client.post(close, {"closed_on": "2026-11-28"}).status_code == 302
    employer.refresh_from_db()
    assert employer.closed_on.isoformat() == "2026-11-28"
    listing = reverse("employer_list")
    assert "南头电子有限公司" not in client.get(listing).content.decode()
    assert "南头电子有限公司" in client.get(listing, {"status": "closed"}).content.decode()
    client.force_login(world["futian_clerk"])
    assert client.post(url, {"name": "外"}).status_code == 404
    client.force_login(world["township_head"])
    assert client.post(url, {"name": "外"}).status_code == 403
    assert client.post(close, {"closed_on": "2026-11-28"}).status_code == 403


def test_edit_a_grid_on_the_grid_list(client, world):
    clerk, collector = world["township_clerk"], world["village_collector"]
    grid = add_grid(actor=clerk, village_code=NANTOU_V1, name="第一网格")
    add_grid(actor=clerk, village_code=NANTOU_V1, name="第二网格")
    client.force_login(clerk)
    html = client.get(reverse("grid_list")).content.decode()
    assert reverse("grid_edit", args=[grid.pk]) in html
    assert_clean_html(html)
    url = reverse("grid_edit", args=[grid.pk])
    before = snapshot()
    dup = client.post(url, {"name": "第二网格", "collector_id": ""})
    assert dup.status_code == 200 and "该村已有同名网格" in dup.content.decode() and snapshot() == before
    response = client.post(url, {"name": "红花园一格", "collector_id": str(collector.pk)})
    assert response.status_code == 302 and response["Location"] == reverse("grid_list")
    grid.refresh_from_db()
    assert grid.name == "红花园一格" and grid.collector == collector
    assert AuditEvent.objects.get(action="grid.update").fields == {"name": ["第一网格", "红花园一格"], "collector_id": [None, collector.pk]}
    client.post(url, {"name": "红花园一格", "collector_id": ""})  # "—": no collector
    grid.refresh_from_db()
    assert grid.collector is None
    before = snapshot()
    client.force_login(collector)  # may read the grids, may not manage them
    html = client.get(reverse("grid_list")).content.decode()
    assert "红花园一格" in html and url not in html
    assert client.post(url, {"name": "外"}).status_code == 403
    client.force_login(world["futian_clerk"])
    assert client.post(url, {"name": "外"}).status_code == 404
    assert snapshot() == before


def test_a_refused_grid_edit_off_the_first_page_is_shown_above_the_list(client, world):
    clerk = world["township_clerk"]
    grids = [add_grid(actor=clerk, village_code=NANTOU_V1, name=f"网格{n:02d}") for n in range(22)]
    client.force_login(clerk)
    last = grids[-1]
    response = client.post(reverse("grid_edit", args=[last.pk]), {"name": "网格00"})
    html = response.content.decode()
    assert response.status_code == 200 and "修改网格 网格21" in html and "该村已有同名网格" in html
    assert_clean_html(html)
