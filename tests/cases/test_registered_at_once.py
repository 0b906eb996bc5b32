"""B4 "即时办理" (1-六-(二)-1-(2)-①: 证明材料齐全的，即时办理): a registration records the day its
materials were complete and the day it was made, and the ones not made on that working day are
shown (list, page, API).

Working days of 2026 (X4): Mon 03-02 .. Fri 03-06, Sat 03-07 and Sun 03-08 rest, Mon 03-09."""
import pytest
from django.urls import reverse

from liudong.cases import queries
from liudong.cases.models import BirthRegistration
from liudong.errors import Invalid
from tests.people.api.conftest import ApiClient
from tests.cases.conftest import COMMITMENT, at, d, decide, open_birth

MISSING_COMMITMENT = ["woman_id", "husband_id", "marriage"]


def late(clerk):
    return list(queries.birth_registrations(actor=clerk, status=queries.LATE))


def test_B4_complete_at_receipt_and_registered_two_working_days_later_is_not_at_once(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-03-02", documents=COMMITMENT)
    assert case.complete_on == d("2026-03-02")
    decide(clerk, case, "register", "2026-03-04")
    case.refresh_from_db()
    assert (case.complete_on, case.decided_on, case.registered_at_once) == (d("2026-03-02"), d("2026-03-04"), False)
    assert late(clerk) == [case]


def test_B4_registered_the_day_the_materials_were_complete_is_at_once(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-03-02", documents=COMMITMENT)
    decide(clerk, case, "register", "2026-03-02")
    case.refresh_from_db()
    assert case.registered_at_once is True and late(clerk) == []


def test_B4_materials_complete_on_a_rest_day_are_registered_at_once_on_the_next_working_day(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-03-07", documents=COMMITMENT)   # Saturday
    decide(clerk, case, "register", "2026-03-09")                          # Monday
    case.refresh_from_db()
    assert case.register_by == d("2026-03-09") and case.registered_at_once is True and late(clerk) == []


def test_B4_postponed_then_completed_counts_from_the_day_the_missing_paper_came(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-03-02", documents=MISSING_COMMITMENT)
    assert case.complete_on is None
    decide(clerk, case, "postpone", "2026-03-02", reasons="缺承诺书")
    case.refresh_from_db()
    assert case.complete_on is None and case.registered_at_once is None
    # The commitment came in on Friday; the registration was made on Monday: not at once.
    decide(clerk, case, "register", "2026-03-09", documents=COMMITMENT, complete_on="2026-03-06")
    case.refresh_from_db()
    assert (case.complete_on, case.registered_at_once) == (d("2026-03-06"), False)
    assert late(clerk) == [case]


def test_B4_completed_at_the_registration_itself_is_at_once(world, migrant):
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-03-02", documents=MISSING_COMMITMENT)
    decide(clerk, case, "register", "2026-03-05", documents=COMMITMENT)
    case.refresh_from_db()
    assert (case.complete_on, case.registered_at_once) == (d("2026-03-05"), True)


def test_B4_a_postponement_clears_the_day_materials_were_complete(world, migrant):
    """Complete but wrong (有误) is postponed: the materials were not complete and correct."""
    clerk = world["township_clerk"]
    case = open_birth(clerk, migrant, "2026-03-02", documents=COMMITMENT)
    decide(clerk, case, "postpone", "2026-03-03", reasons="结婚证信息有误")
    case.refresh_from_db()
    assert case.complete_on is None


def test_B4_the_day_materials_were_complete_is_checked_and_nothing_written(world, migrant, unchanged):
    clerk = world["township_clerk"]
    complete = open_birth(clerk, migrant, "2026-03-02", documents=COMMITMENT)
    incomplete = open_birth(clerk, migrant, "2026-03-02", documents=MISSING_COMMITMENT)
    bad = [
        (complete, {"decision": "register", "complete_on": "2026-03-03"}, "已于 2026-03-02 齐全"),
        (incomplete, {"decision": "register", "documents": COMMITMENT, "complete_on": "2026-03-05"}, "不能晚于登记日期"),
        (incomplete, {"decision": "register", "documents": COMMITMENT, "complete_on": "2026-03-01"}, "不能早于材料受理日期"),
        (incomplete, {"decision": "postpone", "reasons": "缺", "complete_on": "2026-03-03"}, "只在登记时填写"),
    ]
    for case, data, needle in bad:
        with unchanged(), pytest.raises(Invalid) as e:
            decide(clerk, case, on="2026-03-04", now=at("2026-03-10"), **data)
        assert needle in e.value.errors["complete_on"][0], needle


def test_B4_the_list_page_and_the_api_show_registrations_not_made_at_once(client, world, migrant, monkeypatch):
    from liudong.accounts.tokens import issue_token

    clerk = world["township_clerk"]
    slow = open_birth(clerk, migrant, "2026-03-02", documents=COMMITMENT)
    decide(clerk, slow, "register", "2026-03-04")
    prompt = open_birth(clerk, migrant, "2026-03-02", documents=COMMITMENT)
    decide(clerk, prompt, "register", "2026-03-02")
    monkeypatch.setattr("liudong.cases.views.today", lambda: d("2026-03-10"))
    client.force_login(clerk)
    html = client.get(reverse("cases_index"), {"kind": "birth_registration", "status": "late"}).content.decode()
    assert "未即时登记" in html and slow.number in html and prompt.number not in html
    html = client.get(reverse("case_birth_detail", args=[slow.pk])).content.decode()
    assert "材料齐全日期" in html and "未在材料齐全的工作日登记" in html
    api = ApiClient(issue_token(clerk))
    body = api.get("/cases/births", {"status": "late"}).json()
    assert [r["id"] for r in body["results"]] == [slow.pk]
    assert body["results"][0]["complete_on"] == "2026-03-02" and body["results"][0]["registered_at_once"] is False
    assert api.get(f"/cases/births/{prompt.pk}").json()["registered_at_once"] is True
