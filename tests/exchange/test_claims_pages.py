"""Holes 1 and 3 on the pages: the registration page's duplicate path offers an arrival claim and
names nobody outside the clerk's scope; the claims list; her place accepts or disputes on the
message's page; a family link to a relative recorded elsewhere is proposed from the person's page."""
import pytest
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.exchange.models import ArrivalClaim, ClaimState, FamilyProposal
from liudong.people import services as people
from liudong.people.models import FamilyLink, Person, Residence
from tests.conftest import FUTIAN_T, FUTIAN_V, TODAY, TONGJIANG_V, make_id

from .helpers import at


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    """Invariant 4: the pages read the clock through their module; the tests pin it."""
    moment = at(TODAY.isoformat())
    for module in ("liudong.exchange.views_claims", "liudong.exchange.views"):
        monkeypatch.setattr(f"{module}.now", lambda: moment)
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)
    for module in ("liudong.people.views", "liudong.people.views_person"):
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)


def register_form(person):
    return {"id_number": person.id_number, "name": person.name, "hukou_division": TONGJIANG_V, "document_type": "resident_id", "ethnicity": "01"}


def test_hole1_the_duplicate_path_outside_the_scope_names_nobody_and_offers_the_claim(client, world, migrant):
    futian = world["futian_clerk"]
    client.force_login(futian)
    response = client.post(reverse("person_register"), register_form(migrant))
    html = response.content.decode()
    assert response.status_code == 200 and "已在他处登记" in html and "提交到达申报" in html
    # Neither her place, nor her record number, nor who registered her.
    assert "南头" not in html and "红花园" not in html and reverse("person_detail", args=[migrant.pk]) not in html
    assert AuditEvent.objects.filter(action="person.duplicate", actor=futian, person_id=migrant.pk, fields__in_scope=False).exists()
    # Bad input shows the errors and writes nothing.
    form = {"document_type": "resident_id", "document_number": migrant.id_number, "division": FUTIAN_V, "arrived_on": "2026-13-01"}
    response = client.post(reverse("arrival_claim_new"), form)
    assert response.status_code == 200 and "不存在或格式不对" in response.content.decode() and not ArrivalClaim.objects.exists()
    response = client.post(reverse("arrival_claim_new"), {**form, "arrived_on": "2026-11-20", "reason": "work"})
    assert response.status_code == 302 and response["Location"] == reverse("arrival_claims")
    claim = ArrivalClaim.objects.get()
    assert claim.state == ClaimState.PENDING and Residence.objects.get(person=migrant).left_on is None
    # The list of pending arrivals shows who she is, not her record.
    html = client.get(reverse("arrival_claims")).content.decode()
    assert "李娜" in html and migrant.id_number in html and "待确认" in html
    assert reverse("person_detail", args=[migrant.pk]) not in html


def test_hole1_her_place_accepts_on_the_messages_page(client, world, migrant):
    client.force_login(world["futian_clerk"])
    client.post(reverse("arrival_claim_new"), {"document_type": "resident_id", "document_number": migrant.id_number, "division": FUTIAN_V, "arrived_on": "2026-11-20"})
    claim = ArrivalClaim.objects.get()
    client.force_login(world["township_clerk"])
    html = client.get(reverse("exchange_detail", args=[claim.message_id])).content.decode()
    assert "到达申报" in html and "确认" in html and "提出异议" in html and "园东社区" in html
    response = client.post(reverse("exchange_dispute", args=[claim.message_id]), {"reason": ""})
    assert response.status_code == 200 and "请说明异议理由" in response.content.decode()
    assert client.post(reverse("exchange_accept", args=[claim.message_id])).status_code == 302
    claim.refresh_from_db()
    assert claim.state == ClaimState.ACCEPTED
    migrant.refresh_from_db()
    assert migrant.residence_division_id == FUTIAN_V
    # Now 福田's: the list links to her record.
    client.force_login(world["futian_clerk"])
    assert reverse("person_detail", args=[migrant.pk]) in client.get(reverse("arrival_claims") + "?state=").content.decode()


def test_hole1_a_place_that_sees_her_record_is_offered_the_claim_not_the_move(client, world, migrant):
    client.force_login(world["tongjiang_clerk"])
    html = client.get(reverse("person_detail", args=[migrant.pk])).content.decode()
    assert reverse("arrival_claim_new") in html and reverse("person_move", args=[migrant.pk]) not in html
    client.force_login(world["township_clerk"])
    html = client.get(reverse("person_detail", args=[migrant.pk])).content.decode()
    assert reverse("person_move", args=[migrant.pk]) in html and reverse("arrival_claim_new") not in html


def test_hole3_a_relative_recorded_elsewhere_is_proposed_from_the_persons_page(client, world, migrant):
    husband, _ = people.register_person(actor=world["futian_clerk"], data={"id_number": make_id("440304", "19970808", 45, female=False), "name": "王强",
                                                                           "hukou_division": FUTIAN_V}, today=TODAY)
    people.record_arrival(actor=world["futian_clerk"], person=husband, data={"division": FUTIAN_V, "arrived_on": "2020-01-01"}, today=TODAY)
    client.force_login(world["township_clerk"])
    response = client.post(reverse("person_family", args=[migrant.pk]), {"relation": "spouse", "relative": husband.id_number})
    html = response.content.decode()
    assert response.status_code == 200 and "提请对方确认亲属关系" in html and not FamilyLink.objects.exists()
    response = client.post(reverse("family_propose", args=[migrant.pk]), {"relation": "spouse", "relative_document_type": "resident_id",
                                                                          "relative_document_number": husband.id_number})
    assert response.status_code == 302
    proposal = FamilyProposal.objects.get()
    assert proposal.state == ClaimState.PENDING and proposal.message.receiver_id == FUTIAN_T and not FamilyLink.objects.exists()
    client.force_login(world["futian_clerk"])
    assert client.post(reverse("exchange_accept", args=[proposal.message_id])).status_code == 302
    assert FamilyLink.objects.count() == 2 and Person.objects.get(pk=husband.pk).family_links.get().relative_id == migrant.pk


def test_hole1_the_nav_links_the_claims_for_those_who_record_arrivals(client, world):
    client.force_login(world["village_collector"])
    assert reverse("arrival_claims") in client.get(reverse("home")).content.decode()
    assert client.get(reverse("arrival_claims")).status_code == 200
    client.force_login(world["auditor"])
    assert client.get(reverse("arrival_claims")).status_code == 403
