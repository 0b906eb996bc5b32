"""The demo's query desk (demo/desk.py): 广东 adopts query-desk-2010, and 南山区's desk has requests
in the states a user meets (Q1-Q9)."""
import datetime
import io

from django.core.management import call_command

from liudong.desk.models import ConsentTask, Inquiry

TODAY = datetime.date(2026, 11, 28)


def test_the_demo_desk_has_requests_in_every_state(db):
    call_command("demo", people=500, seed=7, on=TODAY.isoformat(), stdout=io.StringIO())
    states = dict(Inquiry.objects.values_list("category", "state"))
    assert states["vetting"] == "answered" and states["lawyer"] == "answered" and states["newborn_name"] == "answered"
    assert states["citizen_relative"] == "awaiting_consent" and ConsentTask.objects.get().station.level == 4
    assert states["statistics"] == "awaiting_approval" and states["media"] == "refused"
    assert all(i.division_id == "440305000000" for i in Inquiry.objects.all())
