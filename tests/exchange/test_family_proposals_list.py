"""Hole 3 of issue 7: the family link proposals have a list. `GET /api/v1/family-proposals` and the
page `/family-proposals/` show the proposals an area sent and those addressed to it (scoped, paged,
logged); the receiving place accepts or disputes them from the page."""
import json

import pytest
from django.test import Client

from liudong.accounts.models import AuditEvent
from liudong.accounts.tokens import issue_token
from liudong.exchange import claims
from liudong.exchange.models import ClaimState
from liudong.people import services as people
from liudong.people.models import FamilyLink
from tests.conftest import FUTIAN_T, FUTIAN_V, NANTOU, TODAY, make_id

from .helpers import at


@pytest.fixture
def proposal(world, migrant, husband):
    return claims.propose_family_link(actor=world["township_clerk"], person_id=migrant.pk, now=at("2026-11-23"),
                                      data={"relative_document_number": husband.document_number, "relation": "spouse"})


def api_get(staff, path, **params):
    return Client().get("/api/v1" + path, params, HTTP_AUTHORIZATION=f"Bearer {issue_token(staff)}")


def test_hole3_the_list_shows_proposals_sent_and_received_each_side_its_own_ids(world, migrant, husband, proposal):
    sent = api_get(world["township_clerk"], "/family-proposals")
    assert sent.status_code == 200
    body = sent.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["id"], row["state"], row["proposer"], row["receiver"], row["person_id"], row["relative_id"]) == (proposal.pk, "pending", NANTOU, FUTIAN_T, migrant.pk, None)
    assert row["answer_due_on"] == proposal.message.reply_due_on.isoformat()
    # The place it is addressed to sees it too, with its own person's id and not the proposer's.
    received = api_get(world["futian_clerk"], "/family-proposals", box="received").json()
    assert received["count"] == 1 and received["results"][0]["relative_id"] == husband.pk and received["results"][0]["person_id"] is None
    assert api_get(world["futian_clerk"], "/family-proposals", box="sent").json() == {"count": 0, "results": []}
    assert api_get(world["futian_clerk"], f"/family-proposals/{proposal.pk}").status_code == 200
    # Logged with both persons named (invariant 3).
    event = AuditEvent.objects.filter(action="family_proposal.list", actor=world["futian_clerk"]).first()
    assert event.fields["person_ids"] == sorted([migrant.pk, husband.pk])


def test_hole3_the_list_is_scoped_to_the_two_places(world, proposal):
    # A third place sees nothing of it, in the list or by id.
    assert api_get(world["tongjiang_clerk"], "/family-proposals").json() == {"count": 0, "results": []}
    assert api_get(world["tongjiang_clerk"], f"/family-proposals/{proposal.pk}").status_code == 404
    # The county above the proposer sees it; roles that may not see family links are refused.
    assert api_get(world["county_officer"], "/family-proposals").json()["count"] == 1
    assert api_get(world["police_officer"], "/family-proposals").status_code == 403


def test_hole3_the_list_filters_by_state_and_pages(world, migrant, husband, proposal):
    clerk = world["township_clerk"]
    child, _ = people.register_person(actor=world["futian_clerk"], data={"id_number": make_id("440304", "20200202", 47), "name": "王小丫", "hukou_division": FUTIAN_V}, today=TODAY)
    people.record_arrival(actor=world["futian_clerk"], person=child, data={"division": FUTIAN_V, "arrived_on": "2020-03-01"}, today=TODAY)
    second = claims.propose_family_link(actor=clerk, person_id=migrant.pk, now=at("2026-11-24"), data={"relative_document_number": child.document_number, "relation": "child"})
    claims.accept(actor=world["futian_clerk"], message_id=second.message_id, now=at("2026-11-25"))
    assert [r["id"] for r in api_get(clerk, "/family-proposals").json()["results"]] == [second.pk, proposal.pk]
    accepted = api_get(clerk, "/family-proposals", state="accepted").json()
    assert accepted["count"] == 1 and accepted["results"][0]["relative_id"] == child.pk  # written: both sides see both ids
    page = api_get(clerk, "/family-proposals", limit=1, offset=1).json()
    assert page["count"] == 2 and [r["id"] for r in page["results"]] == [proposal.pk]
    for params in ({"state": "nonsense"}, {"box": "mine"}, {"limit": 0}, {"limit": 201}, {"offset": -1}):
        r = api_get(clerk, "/family-proposals", **params)
        assert r.status_code == 422, params
        assert set(r.json()["errors"]) <= {"state", "box", "limit", "offset"}


def test_hole3_the_receiving_place_accepts_from_its_page(world, migrant, husband, proposal):
    futian = Client()
    futian.force_login(world["futian_clerk"])
    page = futian.get("/family-proposals/")
    html = page.content.decode()
    assert page.status_code == 200 and "亲属关系确认" in html and "王强" in html and "李娜" in html
    assert f'action="/exchange/{proposal.message_id}/accept/"' in html
    r = futian.post(f"/exchange/{proposal.message_id}/accept/", {"next": "/family-proposals/?box=received&state=pending"})
    assert r.status_code == 302 and r["Location"] == "/family-proposals/?box=received&state=pending"
    proposal.refresh_from_db()
    assert proposal.state == ClaimState.ACCEPTED and FamilyLink.objects.filter(person=husband, relative=migrant, relation="spouse").exists()
    assert "没有待确认的亲属关系" in futian.get("/family-proposals/").content.decode()
    # The proposer reads the answer in its "sent" tab.
    nantou = Client()
    nantou.force_login(world["township_clerk"])
    html = nantou.get("/family-proposals/?box=sent&state=").content.decode()
    assert "王强" in html and f'href="/people/{migrant.pk}/"' in html


def test_hole3_an_answer_from_the_list_never_redirects_off_site(world, proposal):
    futian = Client()
    futian.force_login(world["futian_clerk"])
    r = futian.post(f"/exchange/{proposal.message_id}/accept/", {"next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == f"/exchange/{proposal.message_id}/"


def test_hole3_the_inbox_leads_to_the_list(world, proposal):
    futian = Client()
    futian.force_login(world["futian_clerk"])
    assert 'href="/family-proposals/"' in futian.get("/exchange/").content.decode()
    police = Client()
    police.force_login(world["police_officer"])
    assert police.get("/family-proposals/").status_code == 403


def test_hole3_the_list_answers_in_its_documented_shape(world, proposal):
    body = json.loads(api_get(world["township_clerk"], "/family-proposals").content)
    assert set(body) == {"count", "results"}
