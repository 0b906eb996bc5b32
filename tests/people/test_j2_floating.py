"""J2 (2009 条例 第二条): who counts as floating.

Floating = living in another county-level division than the hukou, except between districts (区)
of one 直辖市 or 设区的市 (a county of the city does count), and except a short stay (business trip,
medical treatment, study, tourism, family visit) with a return expected, which is recorded but
not counted."""
import pytest

from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.people import queries, services
from liudong.people.models import Residence
from liudong.registers import queries as registers
from tests.conftest import FUTIAN_T, FUTIAN_V, NANTOU, NANTOU_V1, TODAY, TONGJIANG_V, make_id


def _person(actor, name, area, hukou, seq=11, birth="19900101", female=True, **extra):
    person, _ = services.register_person(actor=actor, data={"id_number": make_id(area, birth, seq, female), "name": name, "hukou_division": hukou, **extra}, today=TODAY)
    return person


def _arrive(actor, person, division, **extra):
    return services.record_arrival(actor=actor, person=person, data={"division": division, "arrived_on": "2026-03-01", **extra}, today=TODAY)


def _register_names(actor, kind, division):
    _req, _count, rows = registers.view_register(actor=actor, kind=kind, division=division, start="2026-01-01", end="2026-11-28")
    return [row["name"] for row in rows]


def test_J2_a_district_resident_living_in_another_district_of_the_city_is_not_floating(world):
    clerk = world["township_clerk"]
    person = _person(clerk, "周敏", "440304", FUTIAN_V)          # hukou 福田区, lives in 南山区
    residence = _arrive(clerk, person, NANTOU_V1, reason="work")
    person.refresh_from_db()
    assert residence.floating is False and person.floating is False
    assert person.residence_division_id == NANTOU_V1            # recorded all the same
    assert queries.home_counts(actor=clerk, today=TODAY)["inflow"] == 0
    count, _ = queries.search_persons(actor=clerk, flow="inflow", today=TODAY)
    assert count == 0


@pytest.mark.parametrize("hukou, residence, floating", [
    ("500101000000", "500103000000", False),   # 万州区 -> 渝中区: two districts of 重庆 (直辖市)
    ("500229000000", "500103000000", True),    # 城口县 -> 渝中区: a county of the city counts
    ("320505000000", "320581000000", True),    # 苏州 虎丘区 -> 常熟市 (a county-level city)
    ("320581000000", "320505000000", True),
    ("440304000000", "440305000000", False),   # 福田区 -> 南山区
    ("440106000000", "440305000000", True),    # 广州 天河区 -> 深圳 南山区: another city
    ("429021000000", "429004000000", True),    # 神农架林区 -> 仙桃市: not districts
    ("520203000000", "520201000000", True),    # 六枝特区 -> 钟山区 (六盘水): a 特区 counts like a county
    ("511921100001", "511921000000", False),   # inside 通江县
])
def test_J2_is_floating_follows_the_division_kinds(db, hukou, residence, floating):
    assert services.is_floating(residence, hukou) is floating


def test_J2_moving_between_townships_of_a_city_without_districts_is_not_floating(db):
    for code, name in [("441900003000", "东城街道"), ("441900101000", "石龙镇")]:
        Division.objects.create(code=code, name=name, level=4, parent_id="441900000000")
    assert services.is_floating("441900101000", "441900003000") is False     # within 东莞
    assert services.is_floating("440305000000", "441900003000") is True      # 东莞 -> 深圳南山


def test_J2_a_short_stay_with_a_return_expected_is_recorded_but_not_counted(world):
    clerk = world["township_clerk"]
    person = _person(clerk, "吴芳", "511921", TONGJIANG_V, seq=13)
    residence = _arrive(clerk, person, NANTOU_V1, reason="visit", expects_return=True, address="红花园5栋")
    person.refresh_from_db()
    assert Residence.objects.get(pk=residence.pk).expects_return is True
    assert residence.floating is False and person.floating is False
    assert queries.home_counts(actor=clerk, today=TODAY)["inflow"] == 0
    # The same reason without a return expected counts; so does a long stay for work.
    other = _person(clerk, "吴刚", "511921", TONGJIANG_V, seq=15, female=False)
    assert _arrive(clerk, other, NANTOU_V1, reason="visit").floating is True


@pytest.mark.parametrize("reason", ["trip", "medical", "study", "tourism", "visit"])
def test_J2_each_short_stay_reason_of_the_text_is_not_floating_with_a_return_expected(db, reason):
    assert services.is_floating("440305001001", TONGJIANG_V, reason=reason, expects_return=True) is False


def test_J2_only_a_short_stay_can_be_marked_as_expected_to_return(world):
    clerk = world["township_clerk"]
    person = _person(clerk, "吴强", "511921", TONGJIANG_V, seq=17, female=False)
    with pytest.raises(Invalid) as e:
        _arrive(clerk, person, NANTOU_V1, reason="work", expects_return=True)
    assert "expects_return" in e.value.errors
    assert not Residence.objects.filter(person=person).exists()


def test_J2_a_short_stay_that_ended_does_not_leave_her_floating(world):
    clerk = world["township_clerk"]
    person = _person(clerk, "吴丽", "511921", TONGJIANG_V, seq=19)
    r = _arrive(clerk, person, NANTOU_V1, reason="medical", expects_return=True)
    services.record_departure(actor=clerk, residence_id=r.pk, left_on="2026-04-01", today=TODAY)
    person.refresh_from_db()
    assert person.floating is False


def test_J2_the_api_records_the_reason_and_the_expected_return(world):
    from django.test import Client

    from liudong.accounts.tokens import issue_token

    clerk = world["township_clerk"]
    person = _person(clerk, "郑洁", "511921", TONGJIANG_V, seq=21)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(clerk)}")
    response = api.post(f"/api/v1/persons/{person.pk}/residences", {"division": NANTOU_V1, "arrived_on": "2026-03-01", "reason": "tourism", "expects_return": True},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["expects_return"] is True and body["floating"] is False and body["reason"] == "tourism"


def test_J2_the_registers_leave_out_people_who_are_not_floating(world, migrant):
    clerk, futian = world["township_clerk"], world["futian_clerk"]
    local = _person(clerk, "周敏", "440304", FUTIAN_V)
    _arrive(clerk, local, NANTOU_V1, reason="work")
    assert _register_names(clerk, "inflow", NANTOU) == ["李娜"]
    assert _register_names(futian, "outflow", FUTIAN_T) == []


def test_J2_the_arrival_form_records_a_short_stay(client, world):
    from django.urls import reverse

    clerk = world["tongjiang_clerk"]   # the hukou side records where she went
    person = _person(clerk, "郑洁", "511921", TONGJIANG_V, seq=23)
    client.force_login(clerk)
    response = client.post(reverse("person_arrival", args=[person.pk]),
                           {"division_other": NANTOU_V1, "arrived_on": "2026-03-01", "reason": "medical", "expects_return": "on"}, follow=True)
    assert response.status_code == 200
    residence = Residence.objects.get(person=person)
    assert residence.expects_return is True and residence.floating is False
    assert "预期返回" in response.content.decode()


def test_J2_T2_births_are_inflow_married_women_of_childbearing_age_who_gave_birth(client, world, monkeypatch):
    """Part 10 reports "当年生育的已婚育龄妇女": the figure is restricted to floating adults of
    childbearing age (条例 第二条); a newborn living here is not herself counted."""
    monkeypatch.setattr("liudong.people.views.today", lambda: TODAY)
    clerk = world["township_clerk"]
    mother = _person(clerk, "李娜", "511921", TONGJIANG_V, seq=51, birth="19960101", marital_status="20")
    single = _person(clerk, "李梅", "511921", TONGJIANG_V, seq=53, birth="19970101", marital_status="10")
    baby = _person(clerk, "李小花", "511921", TONGJIANG_V, seq=55, birth=TODAY.strftime("%Y%m%d"))
    other_baby = _person(clerk, "李小草", "511921", TONGJIANG_V, seq=57, birth=TODAY.strftime("%Y%m%d"))
    for p in (mother, single, baby, other_baby):
        services.record_arrival(actor=clerk, person=p, data={"division": NANTOU_V1, "arrived_on": TODAY.isoformat(), "reason": "work"}, today=TODAY)
    services.link_family(actor=clerk, person=mother, relative_id=baby.pk, relation="child")
    services.link_family(actor=clerk, person=single, relative_id=other_baby.pk, relation="child")
    client.force_login(clerk)
    response = client.get("/")
    assert response.context["counts"]["births"] == 1
    assert "本年出生" in response.content.decode()
