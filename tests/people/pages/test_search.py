"""The search page (Q6-style criteria over the actor's people), paged and sortable."""
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from tests.conftest import NANTOU_V1

from .helpers import register


def _people(clerk):
    register(clerk, "章伟", birth="19900101", seq=10, female=False, hukou=NANTOU_V1)
    register(clerk, "张玮", birth="19910101", seq=12, hukou=NANTOU_V1)
    register(clerk, "李娜", birth="19920101", seq=14, hukou=NANTOU_V1)


def test_same_sound_finds_homophones(client, clerk):
    _people(clerk)
    client.force_login(clerk)
    response = client.get(reverse("person_search"), {"name": "张伟", "match": "same_sound"})
    assert response.status_code == 200
    assert sorted(p.name for p in response.context["rows"]) == sorted(["章伟", "张玮"])
    html = response.content.decode()
    assert all(f'href="{reverse("person_detail", args=[p.pk])}"' in html for p in response.context["rows"])
    assert AuditEvent.objects.filter(action="person.search", actor=clerk).exists()
    exact = client.get(reverse("person_search"), {"name": "张伟", "match": "exact"})
    assert exact.context["rows"] == [] and "共找到 0 人" in exact.content.decode()


def test_results_link_to_the_detail_page_and_sort(client, clerk):
    _people(clerk)
    client.force_login(clerk)
    response = client.get(reverse("person_search"), {"flow": "all", "order": "-birth_date"})
    rows = response.context["rows"]
    assert [p.name for p in rows] == ["李娜", "张玮", "章伟"]
    assert reverse("person_detail", args=[rows[0].pk]) in response.content.decode()


def test_paging_keeps_the_query(client, clerk):
    for i in range(23):
        register(clerk, "王芳", birth=f"1980{(i % 12) + 1:02d}{(i % 27) + 1:02d}", seq=100 + 2 * i, hukou=NANTOU_V1)
    client.force_login(clerk)
    first = client.get(reverse("person_search"), {"name": "王芳", "match": "exact"})
    assert first.context["count"] == 23 and len(first.context["rows"]) == 20 and first.context["pages"] == 2
    assert "name=%E7%8E%8B%E8%8A%B3" in first.content.decode() and "page=2" in first.content.decode()
    second = client.get(reverse("person_search"), {"name": "王芳", "match": "exact", "page": "2"})
    assert len(second.context["rows"]) == 3
    beyond = client.get(reverse("person_search"), {"name": "王芳", "match": "exact", "page": "999"})
    assert beyond.context["rows"] == [] and "回到第一页" in beyond.content.decode()


def test_bad_criteria_show_errors_not_500(client, clerk):
    client.force_login(clerk)
    for params in ({"age_min": "abc"}, {"age_min": "50", "age_max": "20"}, {"on": "2999-01-01"}, {"birth_date": "1990-02-30"},
                   {"division": "440304001000"}, {"page": "-3"}, {"page": "x"}, {"match": "nonsense"}, {"name": "张" * 60}):
        response = client.get(reverse("person_search"), params)
        assert response.status_code == 200, params
    html = client.get(reverse("person_search"), {"age_min": "50", "age_max": "20"}).content.decode()
    assert "最大年龄小于最小年龄" in html
    html = client.get(reverse("person_search"), {"on": "2999-01-01"}).content.decode()
    assert "日期不能晚于今天" in html
