"""The demo cases (demo/cases.py) build on a small demo world through the services: every state
shows up, and running it twice adds nothing."""
from liudong.cases.models import BirthRegistration, FeeConsultation, SecondBirthResult
from liudong.demo.cases import build_demo_cases
from liudong.demo.dating import OfficeDays
from liudong.demo.world import DemoWorld
from liudong.exchange.models import Message, State
from liudong.policy.calendar import working_calendar
from tests.conftest import TODAY


def test_demo_cases_fill_the_inboxes(db):
    DemoWorld(seed=7, people=150, today=TODAY, log=lambda *a: None).build()
    lines = []
    office = OfficeDays(working_calendar(), TODAY)
    counts = build_demo_cases(office, log=lines.append)
    assert counts["skipped"] == 0, lines
    states = set(BirthRegistration.objects.values_list("state", flat=True))
    assert states == {"received", "postponed", "registered", "refused"}
    assert SecondBirthResult.objects.filter(division_id="511921100000").count() == 1
    fees = list(FeeConsultation.objects.order_by("started_on"))
    assert [f.started_on.year for f in fees] == [2020, 2021] and fees[0].answer_agrees is True
    message_states = set(Message.objects.values_list("state", flat=True))
    assert {State.DRAFT, State.SENT, State.ANSWERED, State.OVERDUE} <= message_states
    assert Message.objects.filter(receiver_id="440305001000", state__in=(State.SENT, State.RECEIVED)).exists()  # 南头's inbox
    assert Message.objects.filter(receiver_id="511921100000").exists()  # 诺江's inbox
    before = Message.objects.count()
    assert build_demo_cases(office, log=lines.append) == {}
    assert Message.objects.count() == before
