"""The demo certificates (demo/certificates.py): every state on the world date, through the
services; running it twice adds nothing."""
from liudong.certificates.models import Certificate
from liudong.demo.cases import build_demo_cases
from liudong.demo.certificates import build_demo_certificates
from liudong.demo.dating import OfficeDays
from liudong.demo.world import DemoWorld
from liudong.policy.calendar import working_calendar
from tests.conftest import TODAY


def test_demo_certificates_in_every_state(db):
    DemoWorld(seed=7, people=150, today=TODAY, log=lambda *a: None).build()
    lines = []
    build_demo_cases(OfficeDays(working_calendar(), TODAY), log=lines.append)
    counts = build_demo_certificates(log=lines.append)
    assert counts.get("certificates skipped") == 0, (counts, lines)
    states = {c.state_on(TODAY) for c in Certificate.objects.all()}
    assert states == {"valid", "expired", "long_term", "revoked", "replaced", "surrendered"}
    # 上门 (C1): 新华村's door-to-door applications, one in each state, when the world holds three
    # women of its hukou without a certificate; B1: 何丽's 2015 registration cites her status proof.
    from liudong.cases.models import BirthRegistration
    from liudong.certificates.models import DoorApplication, StatusProof

    apps = DoorApplication.objects.all()
    assert sorted(a.state for a in apps) == (["issued", "pending", "refused"] if apps else [])
    assert all(a.certificate_id for a in apps if a.state == "issued")
    proof = StatusProof.objects.get()
    case = BirthRegistration.objects.get(status_proof=proof)
    assert case.state == "registered" and "proof" in case.documents and case.woman_id == proof.person_id
    assert build_demo_certificates(log=lines.append) == {}
