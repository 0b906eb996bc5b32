"""Issue 13, residence permits under `residence-permit-2016` (《居住证暂行条例》):
RP1 eligibility (half a year of continuous residence in the city, a basis with proof), RP2 the
decision within 15 days, RP3 the endorsement in the month before each anniversary (before it:
refused), RP4 a missed endorsement suspends (the daily job) and a late one restores and restarts
the residence years, RP5 a move to another city ends the permit, RP6 free."""
import base64

import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid, NotFound
from liudong.permits import queries, services
from liudong.permits.models import Endorsement, PermitAttachment, ResidencePermit
from tests.conftest import FUTIAN_V, NANTOU_V1, SHEKOU_V1, TODAY, TONGJIANG_V

from .conftest import _now, arrive, d, grant, move_by_claim

PDF = base64.b64encode(b"%PDF-1.4 proof scan").decode()


def apply(police, person, **extra):
    data = {"person_id": person.pk, "applied_on": "2026-11-28", "basis": "employment", "proof": "劳动合同", **extra}
    return services.apply_permit(actor=police, data=data, today=TODAY, now=_now())


@pytest.mark.django_db
def test_rp1_eligible_at_exactly_half_a_year(police, newcomer):
    """Arrived 2026-05-28: on 2026-11-28 she has lived here exactly six months (第二条 居住半年以上)."""
    permit = apply(police, newcomer)
    assert (permit.state, permit.resided_since, permit.decision_due_on, permit.fee, permit.rule_set) == (
        "pending", d("2026-05-28"), d("2026-12-13"), 0, "residence-permit-2016")


@pytest.mark.django_db
def test_rp1_one_day_short_of_half_a_year_is_refused_with_the_day_she_becomes_eligible(police, newcomer):
    with pytest.raises(Invalid) as e:
        apply(police, newcomer, applied_on="2026-11-27")
    assert "2026-11-28" in e.value.errors["applied_on"][0]
    assert not ResidencePermit.objects.exists()


@pytest.mark.django_db
def test_rp1_a_move_inside_the_city_keeps_the_count_running(police, nanshan_police):
    from liudong.people import services as people

    p = arrive(nanshan_police, name="钱敏", seq=42, division=SHEKOU_V1, arrived_on="2026-03-01")
    people.record_move(actor=nanshan_police, person=p, data={"division": NANTOU_V1, "arrived_on": "2026-10-01"}, today=TODAY)
    permit = apply(police, p)
    assert permit.resided_since == d("2026-03-01")


@pytest.mark.django_db
def test_rp1_bad_applications_write_nothing(police, migrant, newcomer, world):
    cases = [
        ({"proof": ""}, "proof"),                       # without proof
        ({"basis": "friendship"}, "basis"),
        ({"basis": ""}, "basis"),
        ({"applied_on": "2026-11-29"}, "applied_on"),   # in the future
        ({"applied_on": "2026-02-30"}, "applied_on"),
    ]
    for extra, field in cases:
        with pytest.raises(Invalid) as e:
            apply(police, migrant, **extra)
        assert field in e.value.errors, (extra, e.value.errors)
    with pytest.raises(Invalid) as e:
        services.apply_permit(
            actor=police, data={"person_id": migrant.pk, "applied_on": "2026-11-28", "basis": "housing", "proof": "租赁合同"},
            attachments=[_upload(b"not a pdf", "application/pdf")], today=TODAY, now=_now())
    assert "attachments" in e.value.errors
    with pytest.raises(Denied):   # a family-planning clerk does not take applications
        apply(world["township_clerk"], migrant)
    assert not ResidencePermit.objects.exists() and not PermitAttachment.objects.exists()


@pytest.mark.django_db
def test_rp1_she_must_live_in_the_city(police, migrant, world):
    """李娜 left 南山 (a departure): she no longer lives in the city; her hukou place's police see her
    but she does not live there either."""
    from liudong.people import services as people

    residence = migrant.residences.get(left_on__isnull=True)
    people.record_departure(actor=world["township_clerk"], residence_id=residence.pk, left_on="2026-11-01", today=TODAY)
    with pytest.raises(Invalid) as e:
        apply(police, migrant)
    assert "person_id" in e.value.errors
    assert not ResidencePermit.objects.exists()


@pytest.mark.django_db
def test_rp1_another_stations_resident_is_not_found(police, world):
    p = arrive(world["shekou_clerk"], name="孙强", seq=44, division=SHEKOU_V1, arrived_on="2025-01-01")
    with pytest.raises(NotFound):
        apply(police, p)


@pytest.mark.django_db
def test_rp1_one_live_permit_at_a_time_and_scans_are_kept(police, migrant):
    permit = services.apply_permit(actor=police, data={"person_id": migrant.pk, "applied_on": "2026-11-20", "basis": "housing", "proof": "房屋租赁合同"},
                                   attachments=[_upload(b"%PDF-1.4 lease", "application/pdf")], today=TODAY, now=_now())
    assert [a.name for a in permit.attachments.all()] == ["scan.pdf"]
    with pytest.raises(Invalid) as e:
        apply(police, migrant)
    assert "person_id" in e.value.errors


def _upload(data, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.pdf", data, content_type=content_type)


@pytest.mark.django_db
def test_rp2_grant_carries_the_items_and_refusal_needs_a_reason(police, migrant, newcomer, world):
    permit = grant(police, migrant, applied_on="2026-11-20", decided_on="2026-11-27")
    assert (permit.state, permit.issued_on, permit.next_anniversary_on, permit.next_endorsement_due_on) == (
        "granted", d("2026-11-27"), d("2027-11-27"), d("2027-11-26"))
    assert permit.items["name"] == "李娜" and permit.items["issuing_office"] == "南头街道派出所" and permit.items["issued_on"] == "2026-11-27"
    assert set(permit.items) == {"name", "sex", "ethnicity", "birth_date", "id_number", "photo", "hukou_address", "residence_address", "issuing_office", "issued_on"}
    other = apply(police, newcomer)
    with pytest.raises(Invalid) as e:
        services.decide_permit(actor=police, permit_id=other.pk, data={"decided_on": "2026-11-28", "granted": False}, today=TODAY)
    assert "reason" in e.value.errors
    with pytest.raises(Denied):   # a decision by a role that may not decide
        services.decide_permit(actor=world["county_officer"], permit_id=other.pk, data={"decided_on": "2026-11-28", "granted": True}, today=TODAY)
    with pytest.raises(Invalid) as e:
        services.decide_permit(actor=police, permit_id=other.pk, data={"decided_on": "2026-11-27", "granted": True}, today=TODAY)
    assert "decided_on" in e.value.errors   # before the application
    other.refresh_from_db()
    assert other.state == "pending" and other.decided_on is None
    refused = services.decide_permit(actor=police, permit_id=other.pk, data={"decided_on": "2026-11-28", "granted": False, "reason": "劳动合同无法核实"}, today=TODAY)
    assert (refused.state, refused.refusal_reason) == ("refused", "劳动合同无法核实")
    with pytest.raises(Invalid) as e:
        services.decide_permit(actor=police, permit_id=other.pk, data={"decided_on": "2026-11-28", "granted": True}, today=TODAY)
    assert "state" in e.value.errors


@pytest.mark.django_db
def test_rp3_endorsement_in_its_window_runs_the_next_year_from_the_anniversary(police, migrant):
    """Issued 2025-12-10: the first year is full on 2026-12-10, the window is 2026-11-10..2026-12-09."""
    permit = grant(police, migrant, applied_on="2025-12-01", decided_on="2025-12-10")
    assert services.window_opens_on(permit) == d("2026-11-10")
    permit = services.endorse_permit(actor=police, permit_id=permit.pk, data={"endorsed_on": "2026-11-10"}, today=TODAY)
    assert (permit.state, permit.next_anniversary_on, permit.years_from) == ("granted", d("2027-12-10"), d("2025-12-10"))
    assert services.residence_years(permit, TODAY) == 0
    assert services.residence_years(permit, d("2026-12-10")) == 1


@pytest.mark.django_db
def test_rp3_endorsement_before_its_window_is_refused(police, migrant):
    permit = grant(police, migrant, applied_on="2025-12-01", decided_on="2025-12-10")
    with pytest.raises(Invalid) as e:
        services.endorse_permit(actor=police, permit_id=permit.pk, data={"endorsed_on": "2026-11-09"}, today=TODAY)
    assert "2026-11-10" in e.value.errors["endorsed_on"][0]
    assert not Endorsement.objects.exists()
    permit.refresh_from_db()
    assert permit.next_anniversary_on == d("2026-12-10")


@pytest.mark.django_db
def test_rp4_missed_endorsement_suspends_on_the_anniversary_and_a_late_one_restores_and_restarts_the_years(police, settled):
    """Issued 2024-10-15: endorsed in time on 2025-10-01 (year 1); the anniversary 2026-10-15
    passes without one: the daily job suspends it (2 years shown, frozen); endorsed late on
    2026-11-20: granted again, residence years count from 2026-11-20, next anniversary 2027-11-20."""
    permit = grant(police, settled, applied_on="2024-10-08", decided_on="2024-10-15")
    services.endorse_permit(actor=police, permit_id=permit.pk, data={"endorsed_on": "2025-10-01"}, today=TODAY)
    assert services.suspend_missed(on=d("2026-10-14")) == 0
    assert services.suspend_missed(on=d("2026-10-15")) == 1
    assert services.suspend_missed(on=d("2026-10-16")) == 0   # idempotent
    permit.refresh_from_db()
    assert (permit.state, permit.suspended_on) == ("suspended", d("2026-10-15"))
    assert services.residence_years(permit, TODAY) == 2   # the count stops at the missed anniversary
    permit = services.endorse_permit(actor=police, permit_id=permit.pk, data={"endorsed_on": "2026-11-20"}, today=TODAY)
    assert (permit.state, permit.years_from, permit.next_anniversary_on) == ("granted", d("2026-11-20"), d("2027-11-20"))
    assert services.residence_years(permit, TODAY) == 0
    assert services.residence_years(permit, d("2027-11-20")) == 1
    assert [(e.anniversary_on, e.late) for e in permit.endorsements.all()] == [(d("2025-10-15"), False), (d("2026-10-15"), True)]
    assert AuditEvent.objects.filter(action="residence_permit.suspend_missed").count() == 3


@pytest.mark.django_db
def test_rp4_the_exchange_tick_runs_the_permits_job(police, migrant):
    from io import StringIO

    from django.core.management import call_command

    permit = grant(police, migrant, applied_on="2025-10-08", decided_on="2025-10-15")
    out = StringIO()
    call_command("exchange", "tick", "--on", "2026-11-28", stdout=out)
    permit.refresh_from_db()
    assert permit.state == "suspended" and "1 张居住证" in out.getvalue()


@pytest.mark.django_db
def test_rp5_a_move_to_another_city_ends_the_permit_and_one_inside_carries_it(police, migrant):
    permit = grant(police, migrant, applied_on="2025-10-08", decided_on="2025-10-15")
    move_by_claim(migrant, FUTIAN_V, "2026-06-01")
    permit.refresh_from_db()
    assert (permit.state, permit.division_id) == ("granted", FUTIAN_V)   # 福田区: the same city
    move_by_claim(migrant, "330106000000", "2026-09-01")
    permit.refresh_from_db()
    assert (permit.state, permit.ended_on) == ("ended", d("2026-09-01"))


@pytest.mark.django_db
def test_who_sees_what_police_read_logged_and_family_planning_see_only_existence(police, migrant, world):
    permit = grant(police, migrant, applied_on="2026-11-20", decided_on="2026-11-27")
    assert queries.permit(actor=police, permit_id=permit.pk).pk == permit.pk
    assert AuditEvent.objects.filter(action="residence_permit.view", person_id=migrant.pk).count() == 1
    for role in ("township_clerk", "village_collector", "county_officer"):
        with pytest.raises(Denied):
            queries.permit(actor=world[role], permit_id=permit.pk)
        assert queries.permit_exists(actor=world[role], person_id=migrant.pk) is True
    assert AuditEvent.objects.filter(action="residence_permit.exists", person_id=migrant.pk).count() == 3
    with pytest.raises(Denied):
        queries.permit_exists(actor=world["auditor"], person_id=migrant.pk)
    with pytest.raises(NotFound):
        queries.permit_exists(actor=world["futian_clerk"], person_id=migrant.pk)
