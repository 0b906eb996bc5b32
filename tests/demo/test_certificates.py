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
    assert build_demo_certificates(log=lines.append) == {}
