"""Issue 9, item 7 (J1): every form that asks for a division code offers the picker (search by
code, name or pinyin, narrowed to the user's area where the field is, with the code and full
name shown), still taking a typed code without JavaScript; the arrival form starts on the
collector's own community."""
import pytest
from django.urls import reverse

from liudong.divisions.queries import pick
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, TONGJIANG, TONGJIANG_T, TONGJIANG_V, make_id


def _codes(results):
    return [r["code"] for r in results]


def test_J1_pick_by_code_name_or_pinyin_within_a_subtree(world):
    assert _codes(pick("440305001", within=NANSHAN)) == [NANTOU, NANTOU_V1, NANTOU_V2]
    assert _codes(pick("南头", within=NANSHAN)) == [NANTOU]
    assert _codes(pick("nantou", within=NANSHAN)) == [NANTOU]                 # full pinyin
    assert _codes(pick("NT jd", within=NANSHAN)) == [NANTOU]                  # initials, spaces and case ignored
    assert _codes(pick("hhy", within=NANSHAN)) == [NANTOU_V1]
    assert pick("hhy", within=NANSHAN)[0]["full"] == "广东省深圳市南山区南头街道红花园社区"
    # Narrowed to the subtree asked for, and to the levels the field takes.
    assert pick("诺江", within=NANSHAN) == []
    assert _codes(pick("诺江", within="000000000000", min_level=4, max_level=4)) == [TONGJIANG_T]
    # Two counties read tongjiang (同江市, 通江县): the full names tell them apart.
    same_sound = {r["code"]: r["full"] for r in pick("tongjiang", within="000000000000", min_level=3, max_level=3)}
    assert same_sound[TONGJIANG] == "四川省巴中市通江县" and len(same_sound) == 2
    assert pick("", within=NANSHAN) == [] and pick("  ", within=NANSHAN) == []


def test_J1_the_look_up_keeps_to_the_users_area_unless_the_field_takes_any_place(client, world):
    client.force_login(world["village_collector"])
    url = reverse("division_pick")
    mine = client.get(url, {"q": "nt"}).json()["results"]
    assert _codes(mine) == []                                                   # 南头街道 is above her community
    assert _codes(client.get(url, {"q": "hhy"}).json()["results"]) == [NANTOU_V1]
    anywhere = client.get(url, {"q": "诺江", "scope": "all", "min": "4", "max": "5"}).json()["results"]
    assert _codes(anywhere) == [TONGJIANG_T, TONGJIANG_V] and anywhere[0]["name"] == "诺江镇"
    assert client.get(url, {"q": "x" * 500, "min": "nine", "max": "-1"}).status_code == 200   # bad input: no answer, never an error
    client.logout()
    assert client.get(url, {"q": "nt"}).status_code == 302                      # staff only


@pytest.mark.parametrize("url_name, field", [
    ("person_register", "hukou_division"), ("exchange_new", "receiver"), ("registers", "division"),
])
def test_J1_the_division_fields_carry_the_picker_and_its_script(client, world, url_name, field):
    client.force_login(world["township_clerk"])
    html = client.get(reverse(url_name)).content.decode()
    assert 'data-division-pick=' in html and f'name="{field}"' in html and "liudong-divisions.js" in html
    assert f'data-pick-url="{reverse("division_pick")}"' in html


def test_J1_the_arrival_form_starts_on_the_collectors_own_community(client, world):
    data = {"id_number": make_id("511921", "19950101", 11), "name": "李娜", "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"}
    client.force_login(world["village_collector"])
    response = client.post(reverse("person_register"), data)     # an inflow person: her arrival is asked next
    form = response.context["form"]
    assert form.initial["division"] == NANTOU_V1
    assert f'<option value="{NANTOU_V1}" selected>' in response.content.decode()
    # A township clerk chooses among her villages: no default.
    client.force_login(world["township_clerk"])
    data["id_number"], data["name"] = make_id("511921", "19950101", 13), "王芳"
    form = client.post(reverse("person_register"), data).context["form"]
    assert "division" not in form.initial
