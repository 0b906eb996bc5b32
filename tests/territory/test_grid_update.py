"""J1 grids: renaming a grid or changing its collector (territory.services.update_grid), with the
checks of add_grid, scoped to the actor's area and audited as {field: [old, new]}."""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.divisions.models import Grid
from liudong.errors import Denied, Invalid, NotFound
from liudong.territory.services import add_grid, update_grid
from tests.conftest import NANTOU_V1, NANTOU_V2


@pytest.fixture
def grid(world):
    return add_grid(actor=world["township_clerk"], village_code=NANTOU_V1, name="第一网格")


def rows():
    return list(Grid.objects.order_by("id").values()), AuditEvent.objects.count()


def test_rename_and_change_the_collector(world, grid):
    clerk, collector, cadre = world["township_clerk"], world["village_collector"], world["village_cadre"]
    update_grid(actor=clerk, grid_id=grid.pk, name=" 红花园一格 ", collector_id=collector.pk)
    grid.refresh_from_db()
    assert grid.name == "红花园一格" and grid.collector == collector
    event = AuditEvent.objects.get(action="grid.update")
    assert event.actor == clerk and event.object_id == str(grid.pk)
    assert event.fields == {"name": ["第一网格", "红花园一格"], "collector_id": [None, collector.pk]}
    update_grid(actor=world["township_head"], grid_id=str(grid.pk), collector_id=str(cadre.pk))  # the name is left as it is
    grid.refresh_from_db()
    assert grid.name == "红花园一格" and grid.collector == cadre
    update_grid(actor=clerk, grid_id=grid.pk, collector_id="")  # "" removes the collector
    grid.refresh_from_db()
    assert grid.collector is None
    assert AuditEvent.objects.filter(action="grid.update").order_by("id").last().fields == {"collector_id": [cadre.pk, None]}


def test_nothing_to_change_records_nothing(world, grid):
    before = rows()
    update_grid(actor=world["township_clerk"], grid_id=grid.pk, name="第一网格")
    update_grid(actor=world["township_clerk"], grid_id=grid.pk)
    assert rows() == before


@pytest.mark.parametrize("kwargs, field", [
    ({"name": "  "}, "name"),
    ({"name": "格" * 101}, "name"),
    ({"name": "第二网格"}, "name"),  # taken in this village
    ({"collector_id": "x1"}, "collector_id"),
    ({"collector_id": 999999}, "collector_id"),
    ({"collector_id": "shekou_clerk"}, "collector_id"),  # staff of another place
])
def test_bad_input_changes_nothing(world, grid, kwargs, field):
    add_grid(actor=world["township_clerk"], village_code=NANTOU_V1, name="第二网格")
    add_grid(actor=world["township_clerk"], village_code=NANTOU_V2, name="第三网格")
    if kwargs.get("collector_id") == "shekou_clerk":
        kwargs = {"collector_id": world["shekou_clerk"].pk}
    before = rows()
    with pytest.raises(Invalid) as e:
        update_grid(actor=world["township_clerk"], grid_id=grid.pk, **kwargs)
    assert field in e.value.errors and all(" / " in m for m in e.value.errors[field])
    assert rows() == before


def test_a_name_used_in_another_village_is_fine(world, grid):
    add_grid(actor=world["township_clerk"], village_code=NANTOU_V2, name="第三网格")
    update_grid(actor=world["township_clerk"], grid_id=grid.pk, name="第三网格")
    assert Grid.objects.filter(name="第三网格").count() == 2


def test_outside_the_area_not_found_and_roles_without_the_action_refused(world, grid):
    before = rows()
    for grid_id in (grid.pk, grid.pk + 1000, "abc", 2**70):
        with pytest.raises(NotFound):
            update_grid(actor=world["futian_clerk"] if grid_id == grid.pk else world["township_clerk"], grid_id=grid_id, name="外网格")
    with pytest.raises(NotFound):
        update_grid(actor=world["shekou_clerk"], grid_id=grid.pk, name="外网格")
    for role in ("village_collector", "village_cadre", "police_officer", "auditor"):
        with pytest.raises(Denied):
            update_grid(actor=world[role], grid_id=grid.pk, name="外网格")
    assert rows() == before
