"""C1-C6 in the services: issue, term, long-term validity, renewal, reissue, revocation, entries,
verification, and the dated sets (P1: national-2009, e-certificate, national-2021)."""
import datetime

import pytest

from liudong.certificates import services
from liudong.certificates.models import Certificate, State, Status
from liudong.errors import Invalid, NotFound
from tests.conftest import NANTOU_V1, SHEKOU_V1, TONGJIANG_V, make_id

from .conftest import at, counts, counts_without_audit, d, issue


# ---------------------------------------------------------------- C1, C2

def test_c1_hukou_township_issues_free_with_a_number_per_township_and_year(hukou_clerk, woman):
    a = issue(hukou_clerk, woman, "2019-04-02")
    assert a.number == "511921100-2019-00001"
    assert a.township_id == "511921100000" and a.valid_until == d("2022-04-01") and a.rule_set == "national-2009"
    assert a.name == "王芳" and a.marital_status == "已婚" and a.childbearing == "未生育"
    other, _ = __import__("liudong.people.services", fromlist=["x"]).register_person(
        actor=hukou_clerk, data={"id_number": make_id("511921", "19920101", 86), "name": "赵敏", "hukou_division": TONGJIANG_V}, today=d("2026-11-28"))
    b = issue(hukou_clerk, other, "2019-12-30")
    c = issue(hukou_clerk, other.__class__.objects.create(name="钱红", sex="F", birth_date=d("1995-01-01"), hukou_division_id=TONGJIANG_V,
                                                          created_on=d("2020-01-01"), document_number="X1"), "2020-01-02")
    assert b.number == "511921100-2019-00002" and c.number == "511921100-2020-00001"
    from liudong.accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="certificate.issue", object_id=str(a.pk), fields__fee=0).exists()  # J4: free


def test_c1_a_leap_day_issue_runs_to_28_february(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2020-02-29")
    assert cert.valid_until == d("2023-02-28")
    assert cert.state_on(d("2023-02-28")) == State.VALID and cert.state_on(d("2023-03-01")) == State.EXPIRED


def test_c1_refuses_a_man_a_woman_outside_childbearing_age_dates_before_birth_or_in_the_future(hukou_clerk, woman):
    from liudong.people import services as people

    man, _ = people.register_person(actor=hukou_clerk, data={"id_number": make_id("511921", "19900101", 87, female=False), "name": "张强", "hukou_division": TONGJIANG_V},
                                    today=d("2026-11-28"))
    old, _ = people.register_person(actor=hukou_clerk, data={"id_number": make_id("511921", "19600101", 88), "name": "李秀", "hukou_division": TONGJIANG_V},
                                    today=d("2026-11-28"))
    before = counts()
    for person, day, field in [(man, "2019-01-01", "person_id"), (old, "2019-01-01", "issued_on"), (woman, "1989-01-01", "issued_on")]:
        with pytest.raises(Invalid) as e:
            issue(hukou_clerk, person, day)
        assert field in e.value.errors, e.value.errors
    with pytest.raises(Invalid) as e:
        services.issue_certificate(actor=hukou_clerk, data={"person_id": woman.pk, "issued_on": "2026-12-01"}, now=at("2026-11-28"))
    assert "issued_on" in e.value.errors
    assert counts() == before


def test_c1_only_her_hukou_township_issues(clerk, woman, world):
    """南头街道 sees her (she lives there) but is not her hukou township: a field error, nothing written."""
    before = counts()
    with pytest.raises(Invalid) as e:
        issue(clerk, woman, "2019-01-01")
    assert "person_id" in e.value.errors
    with pytest.raises(Invalid) as e:
        issue(world["futian_clerk"], woman, "2019-01-01")  # not in 福田's scope at all
    assert "person_id" in e.value.errors
    assert counts() == before


def test_c1_one_current_certificate_at_a_time(hukou_clerk, woman):
    issue(hukou_clerk, woman, "2019-01-01")
    with pytest.raises(Invalid) as e:
        issue(hukou_clerk, woman, "2019-06-01")
    assert "person_id" in e.value.errors


def test_c2_a_family_member_applies_for_a_woman_already_gone_with_the_applicant_recorded(hukou_clerk, woman):
    with pytest.raises(Invalid) as e:
        issue(hukou_clerk, woman, "2019-01-01", applicant="family")
    assert set(e.value.errors) == {"applicant_name", "relationship", "verification"}
    with pytest.raises(Invalid) as e:  # C2: her status verified, and how, recorded
        issue(hukou_clerk, woman, "2019-01-01", applicant="family", applicant_name="王大山", relationship="父亲")
    assert set(e.value.errors) == {"verification"}
    cert = issue(hukou_clerk, woman, "2019-01-01", applicant="family", applicant_name="王大山", relationship="父亲", verification="村委会电话核实婚育情况")
    assert (cert.applicant, cert.applicant_name, cert.relationship, cert.status_verification) == ("family", "王大山", "父亲", "村委会电话核实婚育情况")


def test_c2_no_family_application_for_a_woman_still_at_home(hukou_clerk):
    from liudong.people import services as people

    home, _ = people.register_person(actor=hukou_clerk, data={"id_number": make_id("511921", "19950101", 90), "name": "孙丽", "hukou_division": TONGJIANG_V},
                                     today=d("2026-11-28"))
    with pytest.raises(Invalid) as e:
        issue(hukou_clerk, home, "2019-01-01", applicant="family", applicant_name="孙父", relationship="父亲", verification="电话核实")
    assert "applicant" in e.value.errors


# ---------------------------------------------------------------- C3: term, renewal, shortening

def test_c3_renewal_at_expiry_surrenders_the_old_one_and_links_the_new(hukou_clerk, woman):
    old = issue(hukou_clerk, woman, "2017-05-01")
    new = services.renew_certificate(actor=hukou_clerk, certificate_id=old.pk, data={"issued_on": "2020-04-30", "id_number": old.person.id_number}, now=at("2020-04-30"))
    old.refresh_from_db()
    assert old.status == Status.SURRENDERED and old.ended_on == d("2020-04-30") and new.renewed_from_id == old.pk
    assert new.valid_until == d("2023-04-29") and new.state_on(d("2020-05-01")) == State.VALID
    assert old.state_on(d("2020-05-01")) == State.SURRENDERED and old.state_on(d("2020-04-29")) == State.VALID


def test_c3_renewal_needs_her_resident_id_card_and_records_it(hukou_clerk, woman):
    """C3 "凭原婚育证明和本人居民身份证": no number read off her card, or another person's number,
    is a field error and nothing is written; her own number is recorded as checked on the new one."""
    old = issue(hukou_clerk, woman, "2017-05-01")
    before = counts()
    for typed, words in (("", "身份证"), (make_id("511921", "19900101", 77), "不符")):
        with pytest.raises(Invalid) as e:
            services.renew_certificate(actor=hukou_clerk, certificate_id=old.pk, data={"issued_on": "2020-04-30", "id_number": typed}, now=at("2020-04-30"))
        assert words in e.value.errors["id_number"][0]
    assert counts() == before
    new = services.renew_certificate(actor=hukou_clerk, certificate_id=old.pk, data={"issued_on": "2020-04-30", "id_number": " " + woman.id_number.lower() + " "},
                                     now=at("2020-04-30"))
    assert new.renewed_with_id_card and not old.renewed_with_id_card


def test_c3_renewal_of_a_revoked_or_replaced_certificate_is_refused(hukou_clerk, woman):
    old = issue(hukou_clerk, woman, "2017-05-01")
    services.reissue_certificate(actor=hukou_clerk, certificate_id=old.pk, data={"issued_on": "2018-01-01"}, now=at("2018-01-01"))
    before = counts()
    with pytest.raises(Invalid) as e:
        services.renew_certificate(actor=hukou_clerk, certificate_id=old.pk, data={"issued_on": "2020-04-30", "id_number": old.person.id_number}, now=at("2020-04-30"))
    assert "certificate" in e.value.errors
    assert counts() == before
    current = Certificate.objects.get(person=woman, status=Status.ACTIVE)
    services.revoke_certificate(actor=hukou_clerk, certificate_id=current.pk, data={"reason": "错发"}, now=at("2018-02-01"))
    with pytest.raises(Invalid) as e:
        services.renew_certificate(actor=hukou_clerk, certificate_id=current.pk, data={"issued_on": "2020-04-30", "id_number": current.person.id_number}, now=at("2020-04-30"))
    assert "certificate" in e.value.errors


def test_c3_a_shortening_is_refused_and_audited_with_nothing_else_written(hukou_clerk, woman):
    from liudong.accounts.models import AuditEvent

    cert = issue(hukou_clerk, woman, "2019-01-01")
    before = counts_without_audit()
    with pytest.raises(Invalid) as e:
        services.reissue_certificate(actor=hukou_clerk, certificate_id=cert.pk, data={"issued_on": "2019-06-01", "valid_until": "2020-12-31"}, now=at("2019-06-01"))
    assert "valid_until" in e.value.errors and "C3" in e.value.errors["valid_until"][0]
    with pytest.raises(Invalid) as e:
        services.renew_certificate(actor=hukou_clerk, certificate_id=cert.pk, data={"issued_on": "2019-06-01", "id_number": cert.person.id_number, "valid_until": "2021-01-01"}, now=at("2019-06-01"))
    assert "valid_until" in e.value.errors
    assert counts_without_audit() == before
    assert AuditEvent.objects.filter(action="certificate.shortening_refused", object_id=str(cert.pk)).count() == 2
    cert.refresh_from_db()
    assert cert.valid_until == d("2021-12-31") and cert.status == Status.ACTIVE


def test_c3_renewal_across_a_rule_set_change_takes_the_new_set_e_certificate(hukou_clerk, woman):
    """P1: 四川 adopts the e-certificate set from 2019-01-01: a renewal after that is electronic and
    valid until she leaves childbearing age (her 50th birthday), the old one kept its 3 years."""
    from liudong.policy.services import adopt_rule_set

    old = issue(hukou_clerk, woman, "2017-05-01")
    adopt_rule_set(actor=None, code="e-certificate", division_code="510000000000", valid_from="2019-01-01")
    new = services.renew_certificate(actor=hukou_clerk, certificate_id=old.pk, data={"issued_on": "2020-04-30", "id_number": old.person.id_number}, now=at("2020-04-30"))
    assert (old.rule_set, old.electronic, old.valid_until) == ("national-2009", False, d("2020-04-30"))
    assert new.rule_set == "e-certificate" and new.electronic and new.term_years is None and new.valid_until == d("2040-05-09")
    assert new.state_on(d("2026-11-28")) == State.VALID


def test_c3_p1_renewal_into_national_2021_is_refused_with_the_date_and_reason(hukou_clerk, woman):
    old = issue(hukou_clerk, woman, "2018-09-01")
    before = counts()
    with pytest.raises(Invalid) as e:
        services.renew_certificate(actor=hukou_clerk, certificate_id=old.pk, data={"issued_on": "2021-08-31", "id_number": old.person.id_number}, now=at("2021-08-31"))
    message = e.value.errors["issued_on"][0]
    assert "2021-08-20" in message and "national-2021" in message and "555" in message
    with pytest.raises(Invalid) as e:
        issue(hukou_clerk, woman, "2021-09-01")
    assert "2021-08-20" in e.value.errors["issued_on"][0]
    assert counts() == before
    # existing ones can still be verified
    v = services.verify_certificate(actor=None, certificate_id=old.pk, data={"verified_on": "2021-08-25", "result": "ok"}, now=at("2021-08-25"))
    assert v.pk


# ---------------------------------------------------------------- C4: long-term validity

def test_c4_sterilisation_makes_it_long_term_and_a_status_change_ends_it_with_a_new_term(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2018-01-10")
    services.add_entry(actor=clerk, certificate_id=cert.pk, data={"entered_on": "2019-03-01", "kind": "sterilisation", "text": "输卵管结扎"}, now=at("2019-03-01"))
    cert.refresh_from_db()
    assert cert.state_on(d("2026-11-28")) == State.LONG_TERM and cert.valid_until_on(d("2026-11-28")) is None
    assert cert.valid_until == d("2021-01-09")  # the term she had is kept, never shortened
    services.add_entry(actor=clerk, certificate_id=cert.pk, data={"entered_on": "2020-06-01", "kind": "marriage", "text": "离婚"}, now=at("2020-06-01"))
    cert.refresh_from_db()
    assert cert.status == Status.REPLACED and cert.long_term_to == d("2020-06-01")
    new = Certificate.objects.get(renewed_from=cert)
    assert new.issued_on == d("2020-06-01") and new.valid_until == d("2023-05-31") and new.state_on(d("2020-06-02")) == State.VALID


def test_c4_long_term_is_not_renewed(hukou_clerk, woman):
    cert = issue(hukou_clerk, woman, "2018-01-10")
    services.add_entry(actor=hukou_clerk, certificate_id=cert.pk, data={"entered_on": "2019-03-01", "kind": "sterilisation", "text": "结扎"}, now=at("2019-03-01"))
    with pytest.raises(Invalid) as e:
        services.renew_certificate(actor=hukou_clerk, certificate_id=cert.pk, data={"issued_on": "2021-01-09", "id_number": cert.person.id_number}, now=at("2021-01-09"))
    assert "C4" in e.value.errors["certificate"][0]


# ---------------------------------------------------------------- reissue, revocation

def test_reissue_keeps_the_term_and_entries_and_links(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    services.add_entry(actor=clerk, certificate_id=cert.pk, data={"entered_on": "2019-02-01", "kind": "check", "text": "孕情检查正常"}, now=at("2019-02-01"))
    new = services.reissue_certificate(actor=hukou_clerk, certificate_id=cert.pk, data={"issued_on": "2019-07-01", "reason": "遗失"}, now=at("2019-07-01"))
    cert.refresh_from_db()
    assert cert.status == Status.REPLACED and new.reissued_from_id == cert.pk and new.valid_until == cert.valid_until
    assert [e.text for e in new.entries.all()] == ["孕情检查正常"] and new.number == "511921100-2019-00002"


def test_revocation_by_the_issuing_township_only_with_a_reason(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    with pytest.raises(Invalid) as e:
        services.revoke_certificate(actor=clerk, certificate_id=cert.pk, data={"reason": "错发"}, now=at("2019-02-01"))
    assert "certificate" in e.value.errors
    with pytest.raises(Invalid) as e:
        services.revoke_certificate(actor=hukou_clerk, certificate_id=cert.pk, data={}, now=at("2019-02-01"))
    assert "reason" in e.value.errors
    services.revoke_certificate(actor=hukou_clerk, certificate_id=cert.pk, data={"reason": "错发"}, now=at("2019-02-01"))
    cert.refresh_from_db()
    assert cert.state_on(d("2019-02-01")) == State.REVOKED and cert.valid_until == d("2021-12-31")  # not a shortening


# ---------------------------------------------------------------- C5: entries

def test_c5_entries_are_stamped_by_the_unit_and_never_overwrite(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    services.add_entry(actor=hukou_clerk, certificate_id=cert.pk, data={"entered_on": "2019-01-02", "kind": "service", "text": "发放避孕药具"}, now=at("2019-01-02"))
    services.add_entry(actor=clerk, certificate_id=cert.pk, data={"entered_on": "2019-05-02", "kind": "birth", "text": "生育一孩"}, now=at("2019-05-02"))
    assert [(e.division_id, e.kind) for e in cert.entries.order_by("id")] == [("511921100000", "service"), ("440305001000", "birth")]


def test_c5_record_entry_for_other_apps_returns_none_without_a_current_certificate(hukou_clerk, clerk, woman):
    assert services.record_entry(actor=clerk, person=woman, entered_on=d("2019-01-05"), kind="check", text="环情检查", now=at("2019-01-05")) is None
    cert = issue(hukou_clerk, woman, "2019-01-01")
    entry = services.record_entry(actor=clerk, person=woman, entered_on=d("2019-01-05"), kind="check", text="环情检查", now=at("2019-01-05"))
    assert entry.certificate_id == cert.pk and entry.division_id == "440305001000"
    assert services.record_entry(actor=clerk, person=woman, entered_on=d("2022-06-01"), kind="service", text="x", now=at("2022-06-01")) is None  # expired


def test_c5_outsiders_cannot_make_entries(hukou_clerk, world, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    with pytest.raises(NotFound):
        services.add_entry(actor=world["futian_clerk"], certificate_id=cert.pk, data={"entered_on": "2019-01-02", "kind": "check", "text": "x"}, now=at("2019-01-02"))


# ---------------------------------------------------------------- C6: verification

def test_c6_verification_sets_the_next_due_date_a_year_on(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    assert services.next_verification_due_on(cert, d("2019-01-02")) == d("2019-01-31")  # 30 days after arrival or issue
    services.verify_certificate(actor=clerk, certificate_id=cert.pk, data={"verified_on": "2019-01-10", "result": "ok"}, now=at("2019-01-10"))
    cert.refresh_from_db()
    assert cert.last_verified_on == d("2019-01-10")
    assert services.next_verification_due_on(cert, d("2019-02-01")) == d("2020-01-10")


def test_c6_changed_result_is_entered_and_needs_notes(hukou_clerk, clerk, woman):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    with pytest.raises(Invalid) as e:
        services.verify_certificate(actor=clerk, certificate_id=cert.pk, data={"verified_on": "2019-01-10", "result": "changed"}, now=at("2019-01-10"))
    assert "notes" in e.value.errors
    services.verify_certificate(actor=clerk, certificate_id=cert.pk, data={"verified_on": "2019-01-10", "result": "changed", "notes": "已生育一孩"}, now=at("2019-01-10"))
    assert cert.entries.get().kind == "change"


def test_c6_a_township_where_she_does_not_live_cannot_verify(hukou_clerk, woman, world):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    before = counts()
    with pytest.raises(Invalid) as e:
        services.verify_certificate(actor=hukou_clerk, certificate_id=cert.pk, data={"verified_on": "2019-01-10", "result": "ok"}, now=at("2019-01-10"))
    assert "verified_on" in e.value.errors
    with pytest.raises(NotFound):  # 南山街道 never had her: not even the certificate is shown
        services.verify_certificate(actor=world["shekou_clerk"], certificate_id=cert.pk, data={"verified_on": "2019-01-10", "result": "ok"}, now=at("2019-01-10"))
    assert counts() == before


def test_c6_the_verification_history_passes_to_her_new_residence(hukou_clerk, clerk, woman, world):
    """Journey step 7: she moves from 南头街道 to 南山街道; 南山街道 sees the history, verifies on
    arrival, and 南头街道 no longer may."""
    from liudong.certificates import queries
    from liudong.people import services as people

    cert = issue(hukou_clerk, woman, "2019-01-01")
    services.verify_certificate(actor=clerk, certificate_id=cert.pk, data={"verified_on": "2019-01-10", "result": "ok"}, now=at("2019-01-10"))
    from liudong.accounts.models import Staff

    county_police = Staff.objects.create(username="nanshan_police", role="police_officer", division_id="440305000000")  # records moves across the county
    people.record_move(actor=county_police, person=woman, data={"division": SHEKOU_V1, "address": "南山社区8栋", "arrived_on": "2019-06-01", "reason": "work"}, today=d("2026-11-28"))
    shekou = world["shekou_clerk"]
    seen = queries.get_certificate(actor=shekou, certificate_id=cert.pk)
    assert [v.division_id for v in queries.verifications_of(seen)] == ["440305001000"]
    assert services.next_verification_due_on(seen, d("2019-06-02")) == d("2019-07-01")  # promptly on arrival
    with pytest.raises(Invalid):
        services.verify_certificate(actor=clerk, certificate_id=cert.pk, data={"verified_on": "2019-06-20", "result": "ok"}, now=at("2019-06-20"))
    services.verify_certificate(actor=shekou, certificate_id=cert.pk, data={"verified_on": "2019-06-20", "result": "ok"}, now=at("2019-06-20"))
    cert.refresh_from_db()
    assert services.next_verification_due_on(cert, d("2019-07-02")) == d("2020-06-20")
    assert [v.division_id for v in queries.verifications_of(cert)] == ["440305001000", "440305002000"]


def test_roles_police_and_desk_may_not_act_on_or_see_certificates(hukou_clerk, woman, world):
    from liudong.certificates import queries
    from liudong.errors import Denied

    cert = issue(hukou_clerk, woman, "2019-01-01")
    for role in ("police_officer", "query_desk"):
        with pytest.raises(Denied):
            queries.get_certificate(actor=world[role], certificate_id=cert.pk)
        with pytest.raises(Denied):
            services.verify_certificate(actor=world[role], certificate_id=cert.pk, data={"verified_on": "2019-01-10", "result": "ok"}, now=at("2019-01-10"))
        assert not queries.certificates_of_person(actor=world[role], person=woman).exists()
