"""Hole 1 of issue 7, item 1's last part: "until then [acceptance] the arriving place sees only the
identity fields and what it collected itself; the earlier places' sensitive fields stay in their
scope. While a claim is pending the old place keeps counting her and the new one lists her as a
pending arrival; on acceptance the history records the real dates."

李娜 lives in 南头 (红花园, since 2025-03-01, with a phone and a husband recorded there); 福田
claims her on 2026-11-23 for an arrival on 2026-11-20."""
import datetime
import json

import pytest
from django.test import Client

from liudong.accounts.tokens import issue_token
from liudong.exchange import claims
from liudong.exchange.models import ClaimState
from liudong.people import queries, services as people
from liudong.registers import queries as registers
from tests.conftest import FUTIAN, FUTIAN_V, NANSHAN, NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .helpers import at

D = datetime.date.fromisoformat


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    for module in ("liudong.people.api", "liudong.exchange.api_claims"):
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)
    monkeypatch.setattr("liudong.exchange.api_claims.now", lambda: at(TODAY.isoformat()))


@pytest.fixture
def her(world, migrant):
    """Her record in 南头 holds sensitive fields: a phone and a husband."""
    nantou = world["township_clerk"]
    people.update_person(actor=nantou, person=migrant, data={"phone": "13812345678"}, today=TODAY)
    husband, _ = people.register_person(actor=nantou, data={"id_number": make_id("511921", "19960101", 31, female=False), "name": "张伟", "hukou_division": TONGJIANG_V}, today=TODAY)
    people.link_family(actor=nantou, person=migrant, relative_id=husband.pk, relation="spouse")
    migrant.refresh_from_db()
    return migrant


@pytest.fixture
def pending(world, her):
    data = {"document_type": her.document_type, "document_number": her.document_number, "division": FUTIAN_V, "address": "园岭新村5栋",
            "arrived_on": "2026-11-20", "reason": "work", "intended_stay": "gt1y"}
    return claims.submit_arrival_claim(actor=world["futian_clerk"], data=data, today=D("2026-11-23"), now=at("2026-11-23"))


def api(staff):
    token = issue_token(staff)

    def get(path, **params):
        return Client().get("/api/v1" + path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

    return get


def test_hole1_while_pending_the_arriving_place_sees_her_identity_and_what_it_collected_only(world, her, pending):
    assert pending.state == ClaimState.PENDING
    get = api(world["futian_clerk"])
    claim = get(f"/arrival-claims/{pending.pk}").json()
    # Identity fields only: no phone, no family, no history, no record id, not her place's address.
    assert set(claim["person"]) == {"name", "sex", "birth_date", "document_type", "document_number"}
    assert claim["person_id"] is None
    # What it collected itself.
    assert (claim["division"], claim["address"], claim["arrived_on"], claim["reason"], claim["intended_stay"]) == (FUTIAN_V, "园岭新村5栋", "2026-11-20", "work", "gt1y")
    text = json.dumps(claim, ensure_ascii=False)
    for secret in ("13812345678", "张伟", "红花园", "南头街道红花园1栋101", "2025-03-01", NANTOU_V1):
        assert secret not in text
    # Her record, her history, her family: not found, as for an unknown id.
    assert get(f"/persons/{her.pk}").status_code == 404
    assert get("/persons", id_number=her.id_number).json()["count"] == 0
    assert get("/persons", name="李娜").json()["count"] == 0


def test_hole1_while_pending_her_pages_tell_the_arriving_place_nothing_more(world, her, pending):
    client = Client()
    client.force_login(world["futian_clerk"])
    assert client.get(f"/people/{her.pk}/").status_code == 404
    for url in ("/arrival-claims/", f"/exchange/{pending.message_id}/"):
        html = client.get(url).content.decode()
        assert "李娜" in html
        for secret in ("13812345678", "张伟", "红花园1栋", "2025-03-01"):
            assert secret not in html, (url, secret)


def test_hole1_while_pending_the_old_place_counts_her_and_the_new_one_lists_her_as_pending(world, her, pending):
    officer = world["county_officer"]  # 南山区
    nanshan = queries.home_counts(actor=officer, today=TODAY)
    assert nanshan["inflow"] == 1
    her.refresh_from_db()
    assert her.residence_division_id == NANTOU_V1 and her.floating
    # 南头 still serves her: her record, with its phone and family, and its registers.
    detail = api(world["township_clerk"])(f"/persons/{her.pk}").json()
    assert detail["phone"] == "13812345678" and [f["name"] for f in detail["family"]] == ["张伟"]
    req = registers.parse(actor=officer, action="view_registers", kind="inflow", division=NANSHAN, start="2026-11-01", end="2026-11-28")
    assert [r.person_id for r in registers.residences(req)] == [her.pk]
    # 福田 does not count her; it lists her as a pending arrival.
    futian_officer = _futian_officer()
    assert queries.home_counts(actor=futian_officer, today=TODAY)["inflow"] == 0
    listed = api(world["futian_clerk"])("/arrival-claims", state="pending").json()
    assert listed["count"] == 1 and listed["results"][0]["person"]["name"] == "李娜"


def _futian_officer():
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    s = Staff(username="futian_officer", role=Role.COUNTY_OFFICER, division_id=FUTIAN)
    s.set_password("Liudong-test-pw-2026")
    s.save()
    return s


def test_hole1_on_acceptance_the_history_records_the_real_dates_and_counts_follow_it(world, her, pending):
    claims.accept(actor=world["township_clerk"], message_id=pending.message_id, now=at("2026-11-26"))
    get = api(world["futian_clerk"])
    history = get(f"/persons/{her.pk}").json()["residences"]
    assert [(h["division"], h["arrived_on"], h["left_on"], h["end_kind"]) for h in history] == [
        (NANTOU_V1, "2025-03-01", "2026-11-20", "move"), (FUTIAN_V, "2026-11-20", None, None)]
    # The days between the arrival and the acceptance are 福田's in the history, not 南头's.
    on_21 = get("/persons", on="2026-11-21", flow="inflow").json()
    assert [p["id"] for p in on_21["results"]] == [her.pk]
    assert api(world["township_clerk"])("/persons", on="2026-11-21", flow="inflow").json()["count"] == 0
    assert api(world["township_clerk"])("/persons", on="2026-11-19", flow="inflow").json()["count"] == 1
    officer = world["county_officer"]
    assert queries.home_counts(actor=officer, today=TODAY)["inflow"] == 0
    assert queries.home_counts(actor=_futian_officer(), today=TODAY)["inflow"] == 1
    # The claim now names her record for the place that serves her.
    assert get(f"/arrival-claims/{pending.pk}").json()["person_id"] == her.pk
