"""Issue 9, item 1 (R2): each to-do of the home page opens the records it counts (paged, sortable,
with the visit button), and a county's to-do shows its townships' totals, not every village."""
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.people import services
from liudong.people.models import Visit
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, SHEKOU, SHEKOU_V1, TODAY, TONGJIANG_V

from .helpers import register


def _migrant(clerk, name, seq, division, arrived, address=""):
    person = register(clerk, name, area="511921", birth="19950101", seq=seq, hukou=TONGJIANG_V)
    services.record_arrival(actor=clerk, person=person, data={"division": division, "arrived_on": arrived, "address": address}, today=TODAY)
    return person


def _stale_world(world):
    nantou, shekou = world["township_clerk"], world["shekou_clerk"]
    people = [
        _migrant(nantou, "李娜", 11, NANTOU_V1, "2025-03-01", "南头街道红花园社区深南大道213号10栋2007室"),
        _migrant(nantou, "王芳", 13, NANTOU_V2, "2024-06-01"),
        _migrant(nantou, "张敏", 15, NANTOU_V2, "2026-01-01"),
        _migrant(shekou, "赵磊", 17, SHEKOU_V1, "2025-05-01"),
    ]
    _migrant(nantou, "刘洋", 19, NANTOU_V1, "2026-11-01")  # arrived lately: not waiting
    return people


def test_R2_a_county_sees_its_townships_totals_not_every_village(client, world):
    _stale_world(world)
    client.force_login(world["county_officer"])
    response = client.get(reverse("home"))
    todo = response.context["todo"]
    assert [(t["code"], t["name"], t["count"]) for t in todo] == [(NANTOU, "南头街道", 3), (SHEKOU, "南山街道", 1)]
    assert response.context["todo_total"] == 4
    html = response.content.decode()
    # Each total opens its records; the division's name opens its overview.
    assert f'href="{reverse("person_follow_up")}?division={NANTOU}"' in html and f'href="?division={NANTOU}"' in html
    assert "待查验名单：4 条" in html and "红花园社区" not in html.split('id="todo-h"')[1].split("</section>")[0]
    # The township sees its villages.
    client.force_login(world["township_clerk"])
    todo = client.get(reverse("home")).context["todo"]
    assert [(t["code"], t["count"]) for t in todo] == [(NANTOU_V2, 2), (NANTOU_V1, 1)]


def test_R2_the_list_sorts_by_each_column_and_logs_the_page_shown(client, world):
    li, wang, zhang, _ = _stale_world(world)
    client.force_login(world["township_clerk"])
    url = reverse("person_follow_up")
    page = client.get(url, {"division": NANTOU})
    assert [r.person_id for r in page.context["page"]] == [wang.pk, li.pk, zhang.pk]      # longest waiting first
    html = page.content.decode()
    assert "南头街道红花园社区深南大道213号10栋2007室" in html and 'aria-sort="ascending"' in html
    assert [r.person_id for r in client.get(url, {"division": NANTOU, "order": "-last"}).context["page"]] == [zhang.pk, li.pk, wang.pk]
    assert [r.person_id for r in client.get(url, {"division": NANTOU, "order": "-arrived"}).context["page"]] == [zhang.pk, li.pk, wang.pk]
    assert [r.person_id for r in client.get(url, {"division": NANTOU, "order": "division"}).context["page"]][0] == li.pk
    assert client.get(url, {"division": NANTOU, "order": "nonsense"}).context["order"] == "last"   # an unknown order: the default
    event = AuditEvent.objects.filter(action="person.follow_up_list").order_by("-id").first()
    assert event.fields["shown"] == [wang.pk, li.pk, zhang.pk] and event.fields["order"] == "last"


def test_R2_the_list_is_paged_and_the_visit_keeps_the_page(client, world, monkeypatch):
    monkeypatch.setattr("liudong.people.views_visits.FOLLOW_UP_PER_PAGE", 2)
    li, wang, zhang, _ = _stale_world(world)
    client.force_login(world["township_clerk"])
    url = reverse("person_follow_up")
    second = client.get(url, {"division": NANTOU, "page": 2})
    assert [r.person_id for r in second.context["page"]] == [zhang.pk] and second.context["total"] == 3
    html = second.content.decode()
    assert 'rel="prev"' in html and "共 3 条" in html
    here = f"{url}?division={NANTOU}&page=2"
    response = client.post(reverse("person_visit", args=[zhang.pk]), {"visited_on": TODAY.isoformat(), "result": "checked", "next": here})
    assert response.status_code == 302 and response["Location"] == here
    assert Visit.objects.get().person == zhang
    assert client.get(url, {"division": NANTOU}).context["total"] == 2


def test_R2_the_list_stays_in_scope(client, world):
    _stale_world(world)
    client.force_login(world["township_clerk"])
    assert client.get(reverse("person_follow_up"), {"division": SHEKOU}).status_code == 404
    client.force_login(world["county_officer"])
    page = client.get(reverse("person_follow_up"), {"division": NANSHAN})
    assert page.context["total"] == 4 and "<button" not in page.content.decode().split("<tbody>")[1]   # an officer records no visit


def test_R2_the_to_do_and_the_list_speak_english_when_switched(client, world):
    _stale_world(world)
    client.force_login(world["county_officer"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert "Visit list: 4 records" in html and "Waiting for a visit" in html and "待查验" not in html
    html = client.get(reverse("person_follow_up"), {"division": NANTOU}).content.decode()
    assert "3 records waiting for a visit" in html
