"""J1 grids (网格): a part of a village with its responsible collector, added through
territory.services.add_grid (scope-checked and audited)."""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.divisions.models import Grid
from liudong.errors import Denied, Invalid
from liudong.territory.services import add_grid
from tests.conftest import FUTIAN_V, NANTOU, NANTOU_V1, NANTOU_V2


def test_add_a_grid_with_its_collector(world):
    collector = world["village_collector"]
    grid = add_grid(actor=world["township_clerk"], village_code=NANTOU_V1, name="第一网格", collector_id=collector.pk)
    assert grid.village_id == NANTOU_V1 and grid.collector == collector
    event = AuditEvent.objects.get(action="grid.add")
    assert event.actor == world["township_clerk"] and event.fields["village"] == NANTOU_V1


@pytest.mark.parametrize("code, text", [(NANTOU, "not a known village"), ("440305001999", "not a known village"), (FUTIAN_V, "outside your scope")])
def test_the_village_must_be_a_known_village_in_scope(world, code, text):
    with pytest.raises(Invalid) as e:
        add_grid(actor=world["township_clerk"], village_code=code, name="第一网格")
    assert any(text in m for m in e.value.errors["village"])
    assert not Grid.objects.exists()


def test_names_are_unique_within_a_village(world):
    add_grid(actor=world["township_clerk"], village_code=NANTOU_V1, name="第一网格")
    add_grid(actor=world["township_clerk"], village_code=NANTOU_V2, name="第一网格")  # another village: fine
    with pytest.raises(Invalid) as e:
        add_grid(actor=world["township_clerk"], village_code=NANTOU_V1, name="第一网格")
    assert "name" in e.value.errors
    with pytest.raises(Invalid):
        add_grid(actor=world["township_clerk"], village_code=NANTOU_V1, name="  ")


def test_the_collector_must_work_in_that_village(world):
    with pytest.raises(Invalid) as e:
        add_grid(actor=world["township_clerk"], village_code=NANTOU_V2, name="第二网格", collector_id=world["village_collector"].pk)
    assert "collector_id" in e.value.errors
    with pytest.raises(Invalid):
        add_grid(actor=world["township_clerk"], village_code=NANTOU_V1, name="第二网格", collector_id="x1")


def test_only_roles_that_manage_grids(world):
    for role in ("village_collector", "village_cadre", "police_officer", "auditor", "query_desk"):
        with pytest.raises(Denied):
            add_grid(actor=world[role], village_code=NANTOU_V1, name="网格")



def test_the_system_may_add_a_grid_and_is_audited_as_system(world):
    # actor None is the system (a management command: accounts.permissions), as for every service.
    grid = add_grid(actor=None, village_code=NANTOU_V1, name="网格")
    event = AuditEvent.objects.get(action="grid.add", object_id=str(grid.pk))
    assert event.actor is None and event.actor_name == "system"
