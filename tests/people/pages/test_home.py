"""The home page counts (T2, R5) and the R2 follow-up list."""

from django.urls import reverse

from liudong.people import services
from tests.conftest import NANTOU, NANTOU_V1, SHEKOU_V1, TODAY, TONGJIANG_V, make_id

from .helpers import register


def _arrive(clerk, person, division, on):
    services.record_arrival(actor=clerk, person=person, data={"division": division, "arrived_on": on}, today=TODAY)


def test_counts_on_both_sides(client, world):
    nantou, tongjiang = world["township_clerk"], world["tongjiang_clerk"]
    today = TODAY  # the suite's pinned day: the page reads the same through liudong.clock
    # A married mother of 30 from 通江 (Sichuan) working in 南头; her son (8) and her mother (65)
    # stay at home; a married woman from 广东 itself (兴宁市, a county of another city) also works
    # in 南头 (J2: one from another district of 深圳 would not count).
    mother = register(nantou, "李娜", area="511921", birth=f"{today.year - 30}0101", seq=20, hukou=TONGJIANG_V, marital_status="20")
    son = register(tongjiang, "李小宝", area="511921", birth=f"{today.year - 8}0101", seq=21, female=False, hukou=TONGJIANG_V)
    grandmother = register(tongjiang, "王秀英", area="511921", birth=f"{today.year - 65}0101", seq=22, hukou=TONGJIANG_V)
    local = register(nantou, "陈静", area="441481", birth=f"{today.year - 28}0101", seq=24, hukou="441481000000", marital_status="21")
    _arrive(nantou, mother, NANTOU_V1, "2020-01-01")
    _arrive(nantou, local, NANTOU_V1, today.isoformat())
    services.link_family(actor=tongjiang, person=mother, relative_id=son.pk, relation="child")
    services.link_family(actor=tongjiang, person=grandmother, relative_id=mother.pk, relation="child")

    client.force_login(nantou)
    counts = client.get("/").context["counts"]
    assert counts["inflow"] == 2 and counts["outflow"] == 0
    assert counts["women_childbearing_inflow_other_province"] == 1 and counts["women_childbearing_inflow_same_province"] == 1

    client.force_login(tongjiang)
    response = client.get("/")
    counts = response.context["counts"]
    assert counts["outflow"] == 1 and counts["inflow"] == 0
    assert counts["left_behind_children"] == 1 and counts["empty_nest_elderly"] == 1
    html = response.content.decode()
    assert "留守儿童" in html and "空巢老人" in html


def test_follow_up_todo_lists_villages_with_stale_records(client, world, migrant):
    # The migrant fixture arrived on 2025-03-01; one newcomer arrives today.
    nantou = world["township_clerk"]
    newcomer = register(nantou, "赵磊", area="511921", birth="19950101", seq=40, female=False, hukou=TONGJIANG_V)
    _arrive(nantou, newcomer, NANTOU_V1, TODAY.isoformat())
    client.force_login(nantou)
    response = client.get("/")
    todo = response.context["todo"]
    # R2, on the pinned day (2026-11-28): her record is more than a quarter old (part 8 四); the
    # newcomer's is not
    assert sum(item["count"] for item in todo) == 1
    assert todo[0]["name"] == "红花园社区" and "红花园社区" in response.content.decode()


def test_drill_down_into_a_village_and_not_outside(client, world):
    client.force_login(world["township_clerk"])
    response = client.get("/", {"division": NANTOU_V1})
    assert response.status_code == 200 and response.context["division"].code == NANTOU_V1
    assert client.get("/", {"division": SHEKOU_V1}).status_code == 404
    assert client.get("/", {"division": "nonsense"}).status_code == 404
    client.force_login(world["county_officer"])
    response = client.get("/")
    assert any(c["code"] == NANTOU for c in response.context["children"])


def test_home_page_query_count_is_bounded(client, world, migrant, django_assert_max_num_queries):
    client.force_login(world["township_clerk"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("home")).status_code == 200


def test_make_id_is_valid():
    assert len(make_id("440305", "19900101")) == 18
