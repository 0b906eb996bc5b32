"""Issue 9, item 8 (invariant 3): a print button on a person's record opens a print view with the
record's history, and opening it is logged as a print."""
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.people import services_visits
from tests.conftest import TODAY


def test_the_record_offers_a_print_view_with_its_history_logged_as_a_print(client, world, migrant):
    clerk = world["township_clerk"]
    services_visits.record_visit(actor=clerk, person=migrant, data={"visited_on": "2026-11-20", "result": "corrected", "note": "电话号码已更正"}, today=TODAY)
    client.force_login(clerk)
    record = client.get(reverse("person_detail", args=[migrant.pk])).content.decode()
    assert f'href="{reverse("person_print", args=[migrant.pk])}"' in record and ">打印<" in record
    response = client.get(reverse("person_print", args=[migrant.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "流动人口个人档案" in html and migrant.name in html and migrant.id_number in html
    assert "南头街道红花园1栋101" in html and "2025-03-01" in html and "电话号码已更正" in html   # residences and visits
    assert "本次打印已记录" in html and "liudong-print.js" in html
    event = AuditEvent.objects.filter(action="person.print").get()
    assert event.person_id == migrant.pk and event.actor_name == clerk.username and "residences" in event.fields["shown"]


def test_the_print_view_keeps_to_the_scope_and_to_what_the_role_sees(client, world, migrant):
    client.force_login(world["futian_clerk"])
    assert client.get(reverse("person_print", args=[migrant.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="person.print").exists()
    client.force_login(world["village_collector"])
    html = client.get(reverse("person_print", args=[migrant.pk])).content.decode()
    assert ("联系电话" in html) == AuditEvent.objects.filter(action="person.print").get().fields["shown"].count("phone")
