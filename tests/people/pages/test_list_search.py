"""Issue 9, item 8 (R4): the rental homes and employers lists have a search box; a search keeps
the status filter, finds by address, owner or document, name or credit code, and the owners a
search shows are logged with what was searched for (invariant 3)."""
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.identifiers import credit_check_char
from liudong.people import services_places
from tests.conftest import NANTOU_V1, TODAY

from .helpers import register

CREDIT = "91440300MA5ABCDE1" + credit_check_char("91440300MA5ABCDE1")
CREDIT2 = "91440300MA5FGHJK2" + credit_check_char("91440300MA5FGHJK2")


def _places(clerk):
    zheng = register(clerk, "郑国强", birth="19600101", seq=11, female=False, hukou=NANTOU_V1)
    wu = register(clerk, "吴秀兰", birth="19620101", seq=13, hukou=NANTOU_V1)
    for owner, address in ((zheng, "红花园3栋101"), (wu, "大汪山5栋202"), (wu, "大汪山6栋303")):
        services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": address, "owner_id": owner.pk, "registered_on": "2025-01-01"}, today=TODAY)
    for name, code in (("南头电子厂", CREDIT), ("红花园餐饮有限公司", CREDIT2)):
        services_places.register_employer(actor=clerk, data={"division": NANTOU_V1, "name": name, "credit_code": code, "registered_on": "2025-01-01"}, today=TODAY)
    return zheng, wu


def _addresses(response):
    return sorted(h.address for h in response.context["page"])


def test_R4_the_rental_homes_list_is_searched_by_address_owner_or_document(client, world):
    zheng, wu = _places(world["township_clerk"])
    client.force_login(world["township_clerk"])
    url = reverse("housing_list")
    assert _addresses(client.get(url, {"q": "大汪山"})) == ["大汪山5栋202", "大汪山6栋303"]
    assert _addresses(client.get(url, {"q": "郑国强"})) == ["红花园3栋101"]
    assert _addresses(client.get(url, {"q": wu.id_number.lower()})) == ["大汪山5栋202", "大汪山6栋303"]
    event = AuditEvent.objects.filter(action="housing.list").order_by("-id").first()
    assert event.fields["query"] == wu.id_number.lower() and event.fields["person_ids"] == [wu.pk]
    html = client.get(url, {"q": "不存在的地址"}).content.decode()
    assert "没有符合查找条件的记录" in html and 'value="不存在的地址"' in html
    # The status links keep the search; a search of control characters and 10,000 letters answers.
    html = client.get(url, {"q": "红花园"}).content.decode()
    assert "?q=%E7%BA%A2%E8%8A%B1%E5%9B%AD&amp;status=closed" in html
    assert client.get(url, {"q": "\x00" + "x" * 10000}).status_code == 200


def test_R4_the_employers_list_is_searched_by_name_or_credit_code(client, world):
    _places(world["township_clerk"])
    client.force_login(world["village_collector"])
    url = reverse("employer_list")
    assert [e.name for e in client.get(url, {"q": "电子"}).context["page"]] == ["南头电子厂"]
    assert [e.name for e in client.get(url, {"q": CREDIT2[:12].lower()}).context["page"]] == ["红花园餐饮有限公司"]
    assert len(client.get(url, {"q": ""}).context["page"]) == 2
    html = client.get(url).content.decode()
    assert 'type="search"' in html and 'name="q"' in html
