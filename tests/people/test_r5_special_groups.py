"""R5: left-behind children and empty-nest elderly. The 2009 set has no age for them; the system
ships one definition as a system default (本系统默认), dated from the State Council's text of
2016-02-04 (国发〔2016〕13号): a child under 16 whose parents are both away, or one away and the
other unable to care (recorded on the family link; until it is, both parents away); elderly of 60
and over whose children all live elsewhere (people with no child recorded are not counted)."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from liudong.accounts.tokens import issue_token
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.people import queries, services, services_visits
from liudong.people.models import FamilyLink
from liudong.policy.models import PolicyValue
from liudong.policy.services import value_row
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_T, TONGJIANG_V, make_id

D = datetime.date
OTHER_VILLAGE = "511921100002"


def _person(actor, name, seq, birth, female=True):
    person, _ = services.register_person(actor=actor, data={"id_number": make_id("511921", birth, seq, female), "name": name, "hukou_division": TONGJIANG_V}, today=TODAY)
    return person


def _away(actor, person):
    """The hukou side records where its outflow person went (J2)."""
    services.record_arrival(actor=actor, person=person, data={"division": NANTOU_V1, "arrived_on": "2024-03-01", "reason": "work"}, today=TODAY)


def _counts(actor, today=TODAY):
    return queries.home_counts(actor=actor, today=today)


@pytest.mark.parametrize("name, value", [("left_behind_child_max_age", 15), ("empty_nest_min_age", 60)])
def test_R5_ages_are_a_system_default_dated_from_the_2016_text_not_a_2009_value(db, name, value):
    row = value_row(name, TONGJIANG_T, D(2026, 1, 1))
    assert (row.value, row.rule_set, row.valid_from) == (value, "system-default", D(2016, 2, 4))
    assert "本系统默认" in row.source and "国发〔2016〕13号" in row.source
    assert not PolicyValue.objects.filter(name=name, rule_set="national-2009").exists()
    with pytest.raises(Exception):
        value_row(name, TONGJIANG_T, D(2016, 2, 3))


def test_R5_before_the_2016_definition_there_is_no_count(world):
    counts = _counts(world["tongjiang_clerk"], today=D(2015, 6, 1))
    assert counts["left_behind_children"] is None and counts["empty_nest_elderly"] is None


def test_R5_a_child_with_one_parent_away_and_the_other_caring_at_home_is_not_left_behind(world):
    hukou = world["tongjiang_clerk"]
    mother, father = _person(hukou, "李娜", 11, "19900101"), _person(hukou, "王强", 13, "19880101", female=False)
    child = _person(hukou, "王小宝", 15, "20180101", female=False)
    _away(hukou, mother)
    for parent in (mother, father):
        services.link_family(actor=hukou, person=child, relative_id=parent.pk, relation="parent")
    assert _counts(hukou)["left_behind_children"] == 0            # one parent away, the other at home
    services_visits.set_parent_unable_to_care(actor=hukou, person=child, relative_id=father.pk, unable=True)
    assert FamilyLink.objects.filter(parent_unable_to_care=True).count() == 2   # both directions of the link
    assert _counts(hukou)["left_behind_children"] == 1            # the other unable to care
    services_visits.set_parent_unable_to_care(actor=hukou, person=father, relative_id=child.pk, unable=False)
    assert _counts(hukou)["left_behind_children"] == 0
    _away(hukou, father)
    assert _counts(hukou)["left_behind_children"] == 1            # both parents away


def test_R5_age_limit_of_a_left_behind_child_is_under_16(world):
    hukou = world["tongjiang_clerk"]
    mother = _person(hukou, "李娜", 11, "19850101")
    _away(hukou, mother)
    for seq, birth in ((21, "20101129"), (23, "20101128")):       # 15 and 16 on 2026-11-28
        child = _person(hukou, "李小" + "甲乙"[seq == 23], seq, birth)
        services.link_family(actor=hukou, person=mother, relative_id=child.pk, relation="child")
    assert _counts(hukou)["left_behind_children"] == 1


def test_R5_unable_to_care_only_on_a_parent_child_link(world):
    hukou = world["tongjiang_clerk"]
    a, b = _person(hukou, "李娜", 11, "19900101"), _person(hukou, "王强", 13, "19880101", female=False)
    services.link_family(actor=hukou, person=a, relative_id=b.pk, relation="spouse")
    with pytest.raises(Invalid):
        services_visits.set_parent_unable_to_care(actor=hukou, person=a, relative_id=b.pk, unable=True)


def test_R5_empty_nest_elderly_have_every_child_living_elsewhere(world):
    hukou = world["tongjiang_clerk"]
    Division.objects.create(code=OTHER_VILLAGE, name="新华村", level=5, parent_id=TONGJIANG_T)
    away = _person(hukou, "王秀英", 31, "19580101")          # her son works in 南山
    son = _person(hukou, "王强", 33, "19880101", female=False)
    _away(hukou, son)
    services.link_family(actor=hukou, person=away, relative_id=son.pk, relation="child")
    nearby = _person(hukou, "张桂兰", 35, "19600101")        # her daughter lives in another village of the county
    daughter = _person(hukou, "张敏", 37, "19900101")
    services.record_arrival(actor=hukou, person=daughter, data={"division": OTHER_VILLAGE, "arrived_on": "2020-01-01"}, today=TODAY)
    services.link_family(actor=hukou, person=nearby, relative_id=daughter.pk, relation="child")
    at_home = _person(hukou, "刘翠花", 39, "19550101")       # her son lives in her village
    kid = _person(hukou, "刘刚", 41, "19850101", female=False)
    services.link_family(actor=hukou, person=at_home, relative_id=kid.pk, relation="child")
    _person(hukou, "赵大爷", 43, "19500101", female=False)   # no child recorded: not counted
    assert daughter.__class__.objects.get(pk=daughter.pk).floating is False
    assert _counts(hukou)["empty_nest_elderly"] == 2


def test_R5_the_api_and_the_page_record_a_parent_unable_to_care(client, world):
    hukou = world["tongjiang_clerk"]
    child, father = _person(hukou, "王小宝", 15, "20180101", female=False), _person(hukou, "王强", 13, "19880101", female=False)
    services.link_family(actor=hukou, person=child, relative_id=father.pk, relation="parent")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(hukou)}")
    r = api.patch(f"/api/v1/persons/{child.pk}/family/{father.pk}", {"parent_unable_to_care": True}, content_type="application/json")
    assert r.status_code == 200 and r.json()["parent_unable_to_care"] is True, r.content
    assert api.get(f"/api/v1/persons/{child.pk}").json()["family"][0]["parent_unable_to_care"] is True
    client.force_login(hukou)
    assert reverse("person_family_care", args=[child.pk, father.pk]) in client.get(reverse("person_detail", args=[child.pk])).content.decode()
    assert client.post(reverse("person_family_care", args=[child.pk, father.pk]), {"parent_unable_to_care": "0"}).status_code == 302
    assert not FamilyLink.objects.filter(parent_unable_to_care=True).exists()
