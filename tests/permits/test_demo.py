"""Issue 13 item 3: the demo world's registrations and permits, so that each police account sees
them: 北山街道's station and 西湖区's county police see registrations overdue and completed (opened
by people's bulk import where `residence-registration` is in force) and permits in every state;
南头街道's police see theirs. Every write goes through the services."""
import pytest

from liudong.accounts.models import Staff
from liudong.demo.permits import RECENT, SETTLED, build_demo_permits, build_demo_registrations
from liudong.demo.world import DemoWorld
from liudong.permits import queries, services
from liudong.divisions.queries import in_range
from liudong.permits.models import ResidencePermit, ResidenceRegistration
from tests.conftest import TODAY


@pytest.mark.django_db
def test_the_demo_has_registrations_overdue_and_completed_and_permits_in_every_state():
    world = DemoWorld(seed=7, people=150, today=TODAY, log=lambda *a: None)
    world.build()
    build_demo_permits(TODAY, log=lambda *a: None)
    counts = build_demo_registrations(world, TODAY, log=lambda *a: None)
    station, county = Staff.objects.get(username="beishan_police"), Staff.objects.get(username="xihu_police")

    def listed(actor, state):
        return list(queries.registrations(actor=actor, data={"state": state}, today=TODAY)[0])

    # one registration for every recent arrival but the exempt stay, and one for each settled resident
    assert ResidenceRegistration.objects.filter(in_range("division_id", "330106000000")).count() == len(RECENT) - 1 + SETTLED
    overdue_station, overdue_county = listed(station, "overdue"), listed(county, "overdue")
    assert overdue_station and len(overdue_county) > len(overdue_station)   # 西溪街道's show in the county's list only
    done = listed(station, "completed")
    assert any(r.completed_on > r.due_on for r in done) and any(r.completed_on <= r.due_on for r in done)
    assert counts["residence registrations completed late"] >= 1 and counts["residence registrations completed in time"] >= 1
    mine = ResidencePermit.objects.filter(in_range("division_id", "330106000000"))
    states = {services.state_on(p, TODAY) for p in mine}
    assert states == {"granted", "suspended", "pending"}
    assert mine.filter(endorsements__late=True, state="granted").exists()   # restored by a late endorsement
    assert queries.endorsements_due(actor=station, division_code=None, month_of=TODAY).exists()
    # 南头街道's police see theirs (Shenzhen: permits, no registrations)
    nantou = Staff.objects.get(username="nantou_police")
    assert queries.permits(actor=nantou).exists() and not listed(nantou, "all")
