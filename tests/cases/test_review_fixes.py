"""Defects found in review, each pinned by a test: a basis the code does not know (P1), a case's
message dated before the case began (B2), a birth before the mother's, a consultation begun before
national-2021 but sent after it (F1, P1)."""
import pytest

from liudong.errors import Invalid
from liudong.exchange import services as exchange
from liudong.exchange.models import Kind, Message
from liudong.policy.services import set_value
from tests.cases.conftest import at, case_messages, open_birth
from tests.cases.test_fee_consultation import consult


def test_a_basis_outside_the_known_values_is_refused_as_a_policy_value(world):
    with pytest.raises(Invalid) as e:
        set_value(actor=None, name="birth.registration_basis", raw_value='"bogus"', division_code="440000000000", valid_from="2026-01-01")
    assert "documents" in e.value.errors["value"][0] and "commitment" in e.value.errors["value"][0]


def test_a_case_message_cannot_be_sent_before_the_case_began(world, clerk, couple):
    woman, husband = couple
    case = open_birth(clerk, woman, "2026-09-24", husband=husband, send_now=False)
    draft = case_messages(case, Kind.VERIFICATION)[0]
    with pytest.raises(Invalid) as e:
        exchange.dispatch(actor=clerk, message_id=draft.pk, data={"channel": "letter", "sent_at": "2005-01-04 09:00", "evidence": "XA123"}, now=at("2026-09-25"))
    assert "sent_at" in e.value.errors
    draft.refresh_from_db()
    assert draft.sent_at is None and draft.state == "draft"


def test_a_birth_before_the_mothers_own_is_refused(world, clerk, couple):
    woman, husband = couple
    with pytest.raises(Invalid) as e:
        open_birth(clerk, woman, "2026-09-24", husband=husband, birth_on="0001-01-01", expected_birth_on="9999-12-31")
    assert {"birth_on", "expected_birth_on"} <= set(e.value.errors)


def test_a_consultation_begun_before_the_closing_date_is_not_sent_after_it(world, migrant):
    before = Message.objects.count()
    with pytest.raises(Invalid) as e:
        consult(world["county_officer"], migrant, "2021-08-19", now=at("2026-11-20"))
    assert "sent_at" in e.value.errors and "2021-08-20" in e.value.errors["sent_at"][0]
    assert Message.objects.count() == before


def test_the_api_refuses_an_unknown_status(client, world):
    from liudong.accounts.tokens import issue_token

    token = issue_token(world["township_clerk"])
    response = client.get("/api/v1/cases/births?status=x", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422 and "status" in response.json()["errors"]
