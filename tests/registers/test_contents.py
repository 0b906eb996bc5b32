"""R3, J2: who is in the inflow and outflow registers of a division for a period; scope and role."""
import pytest

from liudong.accounts.choices import Action
from liudong.errors import Denied, Invalid, NotFound
from liudong.registers import queries
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, TONGJIANG, TONGJIANG_T

from tests.registers.conftest import PERIOD, day


def rows(actor, kind, division, start=PERIOD["start"], end=PERIOD["end"]):
    req = queries.parse(actor=actor, action=Action.VIEW_REGISTERS, kind=kind, division=division, start=start, end=end)
    return queries.all_rows(req)


def names(rs):
    return [r["name"] for r in rs]


def test_inflow_of_a_village_for_2026(clerk, people):
    # R3: 赵丽 left on the first day (listed); 王强 left before 2026 (absent); 张敏 arrived during
    # it (present); 李娜 lived here until her move on 2026-07-01; 陈刚 lives at home (not floating, J2).
    rs = rows(clerk, "inflow", NANTOU_V1)
    assert sorted(names(rs)) == ["张敏", "李娜", "赵丽"]
    li = next(r for r in rs if r["name"] == "李娜")
    assert li["arrived_on"] == day("2025-03-01") and li["left_on"] == day("2026-07-01")
    assert li["hukou_place"] == "四川省巴中市通江县诺江镇诺江村"
    assert li["address"] == "南头街道红花园1栋101"
    assert li["recorded_by"] == "南头街道"
    assert li["id_number"] == people["li"].id_number
    assert [r["seq"] for r in rs] == [1, 2, 3]
    assert "王强" not in names(rs) and "陈刚" not in names(rs)


def test_a_move_within_the_county_shows_in_both_villages(clerk, people):
    v2 = rows(clerk, "inflow", NANTOU_V2)
    assert names(v2) == ["李娜"]  # 王强 left 大汪山社区 on 2025-12-31, before the period
    assert v2[0]["arrived_on"] == day("2026-07-01") and v2[0]["left_on"] is None
    township = rows(clerk, "inflow", NANTOU)
    assert names(township).count("李娜") == 2  # one row per residence period


def test_the_period_decides_who_is_listed(clerk, people):
    assert "王强" in names(rows(clerk, "inflow", NANTOU_V2, "2025-01-01", "2025-12-31"))
    assert "王强" in names(rows(clerk, "inflow", NANTOU_V2, "2025-12-31", "2026-01-31"))  # left on the first day
    assert "王强" not in names(rows(clerk, "inflow", NANTOU_V2, "2026-01-01", "2026-01-31"))
    # arrived after the period ends: absent; arrived on its last day: present
    assert "张敏" not in names(rows(clerk, "inflow", NANTOU_V1, "2026-01-01", "2026-06-09"))
    assert "张敏" in names(rows(clerk, "inflow", NANTOU_V1, "2026-01-01", "2026-06-10"))


def test_outflow_of_the_hukou_township(world, people):
    # J2: the hukou township sees its people wherever they live.
    tongjiang = world["tongjiang_clerk"]
    rs = rows(tongjiang, "outflow", TONGJIANG_T)
    assert sorted(names(rs)) == ["张敏", "李娜", "李娜", "赵丽"]
    li = [r for r in rs if r["name"] == "李娜"]
    assert [r["residence_place"] for r in li] == ["广东省深圳市南山区南头街道红花园社区", "广东省深圳市南山区南头街道大汪山社区"]
    assert [(r["left_home_on"], r["left_on"]) for r in li] == [(day("2025-03-01"), day("2026-07-01")), (day("2026-07-01"), None)]
    zhang = next(r for r in rs if r["name"] == "张敏")
    assert zhang["hukou_address"] == "通江县诺江镇诺江村3组"
    assert li[0]["hukou_address"] == "四川省巴中市通江县诺江镇诺江村"  # no address recorded: the place
    assert "王强" not in names(rs)


def test_a_township_cannot_read_its_countys_register(world, people):
    with pytest.raises(NotFound):  # invariant 2: only the actor's subtree
        rows(world["tongjiang_clerk"], "outflow", TONGJIANG)


def test_the_residence_county_has_no_outflow_of_these_migrants(world, people):
    assert rows(world["county_officer"], "outflow", NANSHAN) == []


def test_division_defaults_to_the_actors_own(clerk, people):
    req = queries.parse(actor=clerk, action=Action.VIEW_REGISTERS, kind="inflow", division="", start="2026-01-01", end="2026-11-28")
    assert req.division.code == NANTOU


def test_out_of_scope_division_is_not_found(world, people):
    with pytest.raises(NotFound):
        rows(world["futian_clerk"], "inflow", NANTOU)
    with pytest.raises(NotFound):  # a village collector sees only her village
        rows(world["village_collector"], "inflow", NANTOU_V2)


def test_roles_without_the_right_are_refused(world, people):
    for role in ("auditor", "query_desk", "admin"):
        with pytest.raises(Denied):
            rows(world[role], "inflow", NANSHAN)


@pytest.mark.parametrize("data, field", [
    ({"kind": "both"}, "kind"),
    ({"start": "2026-02-30"}, "start"),
    ({"start": ""}, "start"),
    ({"end": "28/11/2026"}, "end"),
    ({"start": "2026-11-28", "end": "2026-01-01"}, "end"),
    ({"start": "2020-01-01", "end": "2025-01-01"}, "end"),  # five years and a day
    ({"division": "440305009999"}, "division"),
    ({"division": "44030"}, "division"),  # not a code nor the 2, 4, 6 or 9 digits of one (J1)
])
def test_bad_input_gives_field_errors(clerk, data, field):
    args = {"kind": "inflow", "division": NANTOU, **PERIOD, **data}
    with pytest.raises(Invalid) as e:
        queries.parse(actor=clerk, action=Action.VIEW_REGISTERS, **args)
    assert field in e.value.errors


def test_far_dates_are_no_error(clerk, world):
    assert rows(clerk, "inflow", NANTOU, "9999-01-01", "9999-12-31") == []
    assert rows(clerk, "inflow", NANTOU, "0001-01-01", "0001-12-31") == []


def test_five_years_is_allowed(clerk, people):
    assert rows(clerk, "inflow", NANTOU, "2021-11-29", "2026-11-28")


def test_view_is_logged_with_the_persons_shown(clerk, people):
    from liudong.accounts.models import AuditEvent

    req, count, page = queries.view_register(actor=clerk, kind="inflow", division=NANTOU, **PERIOD, limit=2, offset=0)
    assert count == 4 and len(page) == 2
    event = AuditEvent.objects.get(action="register.view")
    assert event.actor == clerk and event.object_type == "register"
    assert event.fields["person_ids"] == [r["person_id"] for r in page]
    assert event.fields["count"] == 4 and event.fields["kind"] == "inflow" and event.fields["division"] == NANTOU
    assert "phone" not in event.fields["columns"]


def test_full_names_skip_placeholders(world):
    from liudong.divisions.queries import DivisionNames

    names_ = DivisionNames(["110101000000"])
    assert names_.full("110101000000") == "北京市东城区"
