"""R2: a collector records a visit (清理查验: seen, still here, details checked or corrected) as an
event on the person's history, from her record and from the follow-up list; the follow-up interval
is the 2009 set's quarterly clean-up check of inflow people (part 8 四), and the to-do counts the
records with neither a visit nor an update within it."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.accounts.tokens import issue_token
from liudong.errors import Invalid, NotFound
from liudong.people import queries_follow_up as follow_up
from liudong.people import services, services_visits
from liudong.people.models import Residence, Visit
from liudong.policy.models import PolicyValue
from liudong.policy.services import value_row
from tests.conftest import NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id

D = datetime.date


def _migrant(clerk, name, seq, arrived):
    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19950101", seq), "name": name, "hukou_division": TONGJIANG_V}, today=TODAY)
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "arrived_on": arrived, "reason": "work"}, today=TODAY)
    return person


def _waiting(actor, today=TODAY):
    months, rows = follow_up.follow_up_todo(actor=actor, today=today)
    return months, sum(r["count"] for r in rows)


def test_R2_the_2009_interval_is_a_quarterly_clean_up_check_from_part_8(db):
    row = value_row("follow_up_months", NANTOU, D(2012, 1, 1))
    assert (row.value, row.rule_set) == (3, "national-2009")
    assert "每季度进行一次清理查验" in row.source and "8-四" in row.source
    assert not PolicyValue.objects.filter(name="follow_up_days").exists()


def test_R2_the_to_do_counts_records_not_visited_or_updated_for_a_quarter(world):
    clerk = world["township_clerk"]
    _migrant(clerk, "李娜", 11, "2026-08-28")   # exactly three months before 2026-11-28: waits
    _migrant(clerk, "王芳", 13, "2026-08-29")   # less than three months: not yet
    months, waiting = _waiting(clerk)
    assert (months, waiting) == (3, 1)          # the old 365 days would list neither


def test_R2_a_visit_is_an_event_on_her_history_and_takes_her_off_the_to_do(world):
    clerk = world["village_collector"]
    person = _migrant(world["township_clerk"], "李娜", 11, "2025-03-01")
    assert _waiting(clerk)[1] == 1
    visit = services_visits.record_visit(actor=clerk, person=person, data={"visited_on": "2026-11-20"}, today=TODAY)
    assert (visit.result, visit.visited_by, visit.residence.division_id) == ("checked", clerk, NANTOU_V1)
    assert Residence.objects.get(pk=visit.residence_id).checked_on == D(2026, 11, 20)
    assert _waiting(clerk)[1] == 0
    assert _waiting(clerk, today=D(2027, 2, 20))[1] == 1      # due again a quarter later
    event = AuditEvent.objects.get(action="person.visit")
    assert event.person_id == person.pk and event.fields["visited_on"] == "2026-11-20"
    # An older visit recorded later does not move the last check back.
    services_visits.record_visit(actor=clerk, person=person, data={"visited_on": "2026-10-01", "result": "corrected", "note": "电话号码已更正"}, today=TODAY)
    assert Residence.objects.get(pk=visit.residence_id).checked_on == D(2026, 11, 20)
    assert [v.visited_on for v in follow_up.visits_of(person)] == [D(2026, 11, 20), D(2026, 10, 1)]


@pytest.mark.parametrize("data, field", [
    ({}, "visited_on"),
    ({"visited_on": "2026-11-29"}, "visited_on"),                       # in the future
    ({"visited_on": "2025-02-28"}, "visited_on"),                       # before she arrived
    ({"visited_on": "2026-11-20", "result": "gone"}, "result"),
    ({"visited_on": "2026-11-20", "result": "corrected"}, "note"),      # say what was corrected
    ({"visited_on": "2026-11-20", "note": "x" * 201}, "note"),
])
def test_R2_a_bad_visit_is_refused_and_nothing_written(world, data, field):
    person = _migrant(world["township_clerk"], "李娜", 11, "2025-03-01")
    with pytest.raises(Invalid) as e:
        services_visits.record_visit(actor=world["village_collector"], person=person, data=data, today=TODAY)
    assert field in e.value.errors
    assert not Visit.objects.exists() and not AuditEvent.objects.filter(action="person.visit").exists()


def test_R2_one_visit_a_day_and_none_without_a_current_residence_or_outside_scope(world):
    clerk = world["township_clerk"]
    person = _migrant(clerk, "李娜", 11, "2025-03-01")
    services_visits.record_visit(actor=clerk, person=person, data={"visited_on": "2026-11-20"}, today=TODAY)
    with pytest.raises(Invalid):
        services_visits.record_visit(actor=clerk, person=person, data={"visited_on": "2026-11-20"}, today=TODAY)
    with pytest.raises(NotFound):
        services_visits.record_visit(actor=world["futian_clerk"], person=person, data={"visited_on": "2026-11-21"}, today=TODAY)
    services.record_departure(actor=clerk, residence_id=Residence.objects.get(person=person).pk, left_on="2026-11-25", today=TODAY)
    with pytest.raises(Invalid) as e:
        services_visits.record_visit(actor=world["tongjiang_clerk"], person=person, data={"visited_on": "2026-11-26"}, today=TODAY)
    assert "visited_on" in e.value.errors


def test_R2_the_api_records_a_visit_and_shows_it_on_the_record(world):
    clerk = world["township_clerk"]
    person = _migrant(clerk, "李娜", 11, "2025-03-01")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(clerk)}")
    r = api.post(f"/api/v1/persons/{person.pk}/visits", {"visited_on": "2026-11-20", "result": "corrected", "note": "住址门牌已更正"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["result"] == "corrected" and r.json()["visited_on"] == "2026-11-20"
    bad = api.post(f"/api/v1/persons/{person.pk}/visits", {"visited_on": "2030-01-01"}, content_type="application/json")
    assert bad.status_code == 422 and "visited_on" in bad.json()["errors"]
    detail = api.get(f"/api/v1/persons/{person.pk}").json()
    assert [v["visited_on"] for v in detail["visits"]] == ["2026-11-20"]


def test_R2_the_record_page_has_a_visit_button(client, world, monkeypatch):
    monkeypatch.setattr("liudong.people.views_person.today", lambda: TODAY)
    monkeypatch.setattr("liudong.people.views_visits.today", lambda: TODAY)
    clerk = world["village_collector"]
    person = _migrant(world["township_clerk"], "李娜", 11, "2025-03-01")
    client.force_login(clerk)
    html = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert reverse("person_visit", args=[person.pk]) in html
    response = client.post(reverse("person_visit", args=[person.pk]), {"visited_on": "2026-11-27", "result": "checked"})
    assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[person.pk])
    html = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "2026-11-27" in html and "清理查验" in html
    bad = client.post(reverse("person_visit", args=[person.pk]), {"visited_on": "2026-11-30", "result": "checked"})
    assert bad.status_code == 200 and "日期不能晚于今天" in bad.content.decode()


def test_R2_the_follow_up_list_has_a_visit_button_per_record(client, world, monkeypatch):
    monkeypatch.setattr("liudong.people.views.today", lambda: TODAY)
    monkeypatch.setattr("liudong.people.views_visits.today", lambda: TODAY)
    clerk = world["township_clerk"]
    li = _migrant(clerk, "李娜", 11, "2025-03-01")
    wang = _migrant(clerk, "王芳", 13, "2026-01-01")
    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19950101", 15), "name": "张敏", "hukou_division": TONGJIANG_V}, today=TODAY)
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V2, "arrived_on": "2026-11-01"}, today=TODAY)  # new: not waiting
    client.force_login(clerk)
    home = client.get("/").content.decode()
    assert reverse("person_follow_up") in home
    page = client.get(reverse("person_follow_up"), {"division": NANTOU})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("李娜") < html.index("王芳") and "张敏" not in html   # longest waiting first
    assert AuditEvent.objects.filter(action="person.follow_up_list").get().fields["shown"] == [li.pk, wang.pk]
    here = f"{reverse('person_follow_up')}?division={NANTOU}"
    response = client.post(reverse("person_visit", args=[li.pk]), {"visited_on": "2026-11-28", "result": "checked", "next": here})
    assert response.status_code == 302 and response["Location"] == here
    assert Visit.objects.get().person == li
    html = client.get(here).content.decode()
    assert "李娜" not in html and "王芳" in html
