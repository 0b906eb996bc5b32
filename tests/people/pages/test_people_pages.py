"""Registering, opening and changing a person through the web pages (R1, R2, R5, R8; inv. 3, 7)."""
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.people.models import FamilyLink, Person, Residence
from tests.conftest import NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id

from .helpers import register


def test_bad_check_digit_shows_the_field_error_keeps_input_and_writes_nothing(client, clerk):
    good = make_id("511921", "19990315")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    client.force_login(clerk)
    response = client.post(reverse("person_register"), {"id_number": bad, "name": "李娜", "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "身份证号校验码错误" in html            # the service's message, in Chinese
    assert "the ID number's check digit" not in html  # ... and only in the user's language
    assert "性别应为" not in html  # no follow-on error for the sex the number would have given
    assert f'value="{bad}"' in html and 'value="李娜"' in html  # input kept
    assert 'aria-invalid="true"' in html
    assert Person.objects.count() == 0


def test_registering_creates_the_person_and_opens_her_record(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("person_register"), {"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": "511921", "document_type": "resident_id", "ethnicity": "01"})
    person = Person.objects.get()
    assert response.status_code == 200 and "登记居住地" in response.content.decode()
    assert person.hukou_division_id == "511921000000"  # a 6-digit county code is padded (J1)
    # A person registered in the clerk's own area opens at once.
    response = client.post(reverse("person_register"), {"id_number": make_id("440305", "19800101", 33, female=False), "name": "郑国强", "hukou_division": NANTOU_V1, "document_type": "resident_id", "ethnicity": "01"})
    local = Person.objects.get(name="郑国强")
    assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[local.pk])


def test_registering_an_inflow_person_asks_where_she_lives(client, clerk, monkeypatch):
    monkeypatch.setattr("liudong.exchange.views_claims.today", lambda: TODAY)
    client.force_login(clerk)
    response = client.post(reverse("person_register"), {"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"})
    html = response.content.decode()
    assert response.status_code == 200 and "登记居住地" in html and "已登记 李娜" in html
    person = Person.objects.get()
    # Registered here a moment ago and living nowhere yet: her arrival is this place's to record.
    response = client.post(reverse("arrival_claim_new"), {"document_type": "resident_id", "document_number": person.id_number, "division": NANTOU_V1, "arrived_on": "2026-11-01"})
    assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[person.pk])
    assert client.get(response["Location"]).status_code == 200


def test_registering_an_existing_id_number_leads_to_the_existing_record(client, clerk, migrant):
    client.force_login(clerk)
    response = client.post(reverse("person_register"), {"id_number": migrant.id_number, "name": "李娜", "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("person_detail", args=[migrant.pk])
    assert "已登记" in response.content.decode()
    assert Person.objects.count() == 1  # R8: never a twin


def test_a_clerk_of_another_county_gets_404(client, world, migrant):
    client.force_login(world["futian_clerk"])
    for name in ("person_detail", "person_edit"):
        response = client.get(reverse(name, args=[migrant.pk]))
        assert response.status_code == 404
        assert "不存在或不在您的管辖范围内" in response.content.decode()
    assert client.post(reverse("person_move", args=[migrant.pk]), {"division": NANTOU_V2, "arrived_on": "2026-11-01"}).status_code == 404
    assert client.get(reverse("person_detail", args=[99999999])).status_code == 404
    assert client.get("/people/99999999999999999999999/").status_code == 404  # no overflow, no 500


def test_the_detail_page_is_a_logged_read(client, clerk, migrant):
    client.force_login(clerk)
    response = client.get(reverse("person_detail", args=[migrant.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "李娜" in html and "红花园社区" in html and "诺江村" in html
    event = AuditEvent.objects.get(action="person.view", person_id=migrant.pk)
    assert event.actor == clerk and "phone" in event.fields["shown"]


def test_police_see_no_sensitive_fields(client, world, migrant):
    client.force_login(world["police_officer"])
    html = client.get(reverse("person_detail", args=[migrant.pk])).content.decode()
    assert "家庭成员" not in html and "联系电话" not in html
    html = client.get(reverse("person_edit", args=[migrant.pk])).content.decode()
    assert 'name="phone"' not in html


def test_move_departure_and_return_are_events(client, world, migrant):
    clerk = world["township_clerk"]
    client.force_login(clerk)
    url = reverse("person_move", args=[migrant.pk])
    bad = client.post(url, {"division": NANTOU_V2, "arrived_on": "2024-01-01"})  # before the current period began
    assert bad.status_code == 200 and "早于当前居住的开始日期" in bad.content.decode()
    assert Residence.objects.filter(person=migrant).count() == 1
    assert client.post(url, {"division": NANTOU_V2, "address": "大汪山2号", "arrived_on": "2025-06-01", "reason": "work"}).status_code == 302
    current = Residence.objects.get(person=migrant, left_on__isnull=True)
    assert current.division_id == NANTOU_V2
    response = client.post(reverse("person_departure", args=[migrant.pk, current.pk]), {"left_on": "2025-09-01"})
    assert response.status_code == 302
    assert "返回户籍地" not in client.get(reverse("person_detail", args=[migrant.pk])).content.decode()  # the hukou side records it
    client.force_login(world["tongjiang_clerk"])
    assert client.post(reverse("person_return", args=[migrant.pk]), {"arrived_on": "2025-10-01"}).status_code == 302
    migrant.refresh_from_db()
    assert not migrant.floating and migrant.residence_division_id == TONGJIANG_V
    assert Residence.objects.filter(person=migrant).count() == 3  # history, not overwrites (R2)
    html = client.get(reverse("person_detail", args=[migrant.pk])).content.decode()
    assert "大汪山社区" in html and "返回户籍地" in html


def test_arrival_with_another_division_code_and_errors_next_to_fields(client, clerk):
    person = register(clerk, "王芳", area="440305", birth="19850101", hukou=NANTOU_V1)
    client.force_login(clerk)
    url = reverse("person_arrival", args=[person.pk])
    response = client.post(url, {"division_other": "999999999999", "arrived_on": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "区划代码 999999999999 不存在" in html and "必填" in html
    assert 'value="999999999999"' in html
    assert client.post(url, {"division": NANTOU_V2, "arrived_on": "2026-01-01"}).status_code == 302
    person.refresh_from_db()
    assert person.residence_division_id == NANTOU_V2 and not person.floating


def test_family_link_by_id_number(client, world, migrant):
    clerk = world["township_clerk"]
    # Registered by this clerk (a relative recorded by another place is proposed to it: tests/exchange/test_claims_pages.py).
    child = register(clerk, "李小宝", area="511921", birth="20180601", seq=30, female=False, hukou=TONGJIANG_V)
    client.force_login(clerk)
    url = reverse("person_family", args=[migrant.pk])
    response = client.post(url, {"relation": "child", "relative": "511921201806010000"})
    assert response.status_code == 200 and "请先登记该亲属" in response.content.decode()
    assert client.post(url, {"relation": "child", "relative": child.id_number}).status_code == 302
    assert FamilyLink.objects.filter(person=migrant, relative=child, relation="child").exists()
    response = client.post(url, {"relation": "child", "relative": child.id_number})
    assert "已存在该亲属关系" in response.content.decode()
    html = client.get(reverse("person_detail", args=[migrant.pk])).content.decode()
    assert "李小宝" in html


def test_edit_descriptive_fields(client, clerk, migrant):
    client.force_login(clerk)
    url = reverse("person_edit", args=[migrant.pk])
    response = client.post(url, {"name": "李娜", "ethnicity": "01", "phone": "123"})
    assert response.status_code == 200 and "电话号码格式不正确" in response.content.decode()
    assert client.post(url, {"name": "李娜", "ethnicity": "01", "phone": "13800138000", "marital_status": "20"}).status_code == 302
    migrant.refresh_from_db()
    assert migrant.phone == "13800138000" and migrant.marital_status == "20"
    assert AuditEvent.objects.filter(action="person.update", person_id=migrant.pk).exists()


def test_get_on_post_only_urls_is_405_not_500(client, clerk, migrant):
    client.force_login(clerk)
    assert client.get(reverse("person_arrival", args=[migrant.pk])).status_code == 405
    assert client.get(reverse("logout")).status_code == 405
