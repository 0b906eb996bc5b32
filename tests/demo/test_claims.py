"""The demo's arrival claims and family link to confirm (demo/claims.py, holes 1 and 3 of issue 7):
pending, accepted and disputed claims and a pending proposal, in the demo logins' inboxes and
lists, through the services; a second run adds nothing."""
from django.test import Client

from liudong.accounts.models import Staff
from liudong.demo.claims import DISPUTE_REASON, build_demo_claims
from liudong.demo.dating import OfficeDays
from liudong.demo.world import DemoWorld
from liudong.exchange.models import ArrivalClaim, ClaimState, FamilyProposal
from liudong.policy.calendar import working_calendar
from tests.conftest import TODAY

NANTOU_STREET = "440305001000"


def test_demo_claims_fill_the_inbox_and_the_lists(db):
    DemoWorld(seed=7, people=300, today=TODAY, log=lambda *a: None).build()
    office = OfficeDays(working_calendar(), TODAY)
    lines = []
    counts = build_demo_claims(office, log=lines.append)
    assert counts == {"arrival claims pending": 2, "arrival claims accepted": 1, "arrival claims disputed": 1, "family proposals pending": 1, "claims skipped": 0}, lines
    states = sorted(ArrivalClaim.objects.values_list("state", flat=True))
    assert states == sorted([ClaimState.PENDING, ClaimState.PENDING, ClaimState.ACCEPTED, ClaimState.DISPUTED])
    accepted = ArrivalClaim.objects.get(state=ClaimState.ACCEPTED)
    assert accepted.residence.arrived_on == accepted.arrived_on and accepted.person.residence_division_id.startswith("440305001")
    assert ArrivalClaim.objects.get(state=ClaimState.DISPUTED).answer == DISPUTE_REASON
    proposal = FamilyProposal.objects.get()
    assert proposal.state == ClaimState.PENDING and proposal.message.receiver_id == NANTOU_STREET
    # What nantou_clerk sees: the claim and the proposal to answer in the inbox, its own claims, the proposal to confirm.
    client = Client()
    client.force_login(Staff.objects.get(username="nantou_clerk"))
    inbox = client.get("/exchange/?box=inbox").content.decode()
    assert "到达申报" in inbox and "亲属关系确认" in inbox
    mine = client.get("/arrival-claims/?state=").content.decode()
    assert "已确认" in mine and DISPUTE_REASON in mine
    assert proposal.relative.name in client.get("/family-proposals/").content.decode()
    # Idempotent.
    assert build_demo_claims(office, log=lines.append) == {}
    assert ArrivalClaim.objects.count() == 4
