"""B6: a second-birth result recorded at the woman's hukou township reaches her residence township
within 15 working days (2026 calendar: see test_birth_registration for the holidays).

national-2021 closed second-birth approvals from 2021-08-20; the 2026 cases below are made under a
Sichuan override that keeps them open (fixture sichuan_keeps_approvals), 2009-2016 ones without."""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.cases import services
from liudong.cases.models import SecondBirthResult
from liudong.errors import Denied, Invalid
from liudong.exchange.models import Kind, State
from tests.cases.conftest import at, case_messages, d
from tests.conftest import NANTOU, TONGJIANG_T, TONGJIANG_V, make_id


def record(actor, woman, on: str, *, now=None, **extra):
    data = {"woman": woman.pk, "decision": "approved", "decided_on": on, "certificate_number": "通再〔2026〕18号", **extra}
    return services.record_second_birth(actor=actor, data=data, now=now or at(on, 15))


def test_b6_result_notified_to_the_residence_township_across_the_spring_festival(world, migrant, sichuan_keeps_approvals):
    result = record(world["tongjiang_clerk"], migrant, "2026-02-13", send_now=False)
    assert result.division_id == TONGJIANG_T and result.residence_place_id == NANTOU and result.rule_set == "override"
    [notice] = case_messages(result)
    # 15 working days after Fri 02-13: Sat 02-14 make-up (1), 02-16..20 and 02-23 off, 02-24..27 (5),
    # Sat 02-28 make-up (6), 03-02..06 (11), 03-09, 03-10, 03-11, 03-12 (15).
    assert notice.kind == Kind.NOTIFICATION and notice.receiver_id == NANTOU and notice.state == State.DRAFT
    assert notice.send_due_on == d("2026-03-12") and notice.person_id == migrant.pk and result.number in notice.subject
    assert AuditEvent.objects.filter(action="second_birth.record", person_id=migrant.pk).exists()


def test_b6_across_national_day_and_sent_at_once(world, migrant, sichuan_keeps_approvals):
    result = record(world["tongjiang_clerk"], migrant, "2026-09-18", decision="not_approved", certificate_number="")
    [notice] = case_messages(result)
    # 15 working days after Fri 09-18: Sun 09-20 make-up (1), 09-21..24 (5), 09-25..27 off, 09-28..30 (8),
    # 10-01..07 off, 10-08, 10-09, Sat 10-10 (11), 10-12..15 (15).
    assert notice.send_due_on == d("2026-10-15")
    assert notice.state == State.SENT and notice.sent_on == d("2026-09-18") and "不批准" in notice.body


def test_b6_only_the_hukou_township_records(world, migrant, unchanged):
    with unchanged(), pytest.raises(Invalid) as e:
        record(world["township_clerk"], migrant, "2026-02-13")
    assert "户籍地" in e.value.errors["woman"][0]
    with unchanged(), pytest.raises(Invalid) as e:
        record(world["futian_clerk"], migrant, "2026-02-13")
    assert "不在您的管辖范围内" in e.value.errors["woman"][0]
    with unchanged(), pytest.raises(Denied):
        record(world["village_collector"], migrant, "2026-02-13")


def test_b6_without_a_known_residence_township_is_refused(world, unchanged):
    from liudong.people import services as people

    hukou_clerk = world["tongjiang_clerk"]
    woman, _ = people.register_person(actor=hukou_clerk, data={"id_number": make_id("511921", "19920707", 90), "name": "何英", "hukou_division": TONGJIANG_V}, today=d("2026-11-28"))
    with unchanged(), pytest.raises(Invalid) as e:
        record(hukou_clerk, woman, "2026-02-13")
    assert "现居住地" in e.value.errors["woman"][0]


def test_b6_under_national_2016_without_any_override(world, migrant):
    result = record(world["tongjiang_clerk"], migrant, "2019-09-27", child_order=3)   # 2016: approval is for a third child
    assert result.rule_set == "national-2016"
    # 15 working days after Fri 2019-09-27: 09-29 (Sun make-up), 09-30, 10-01..07 National Day off,
    # 10-08..11 (6), Sat 10-12 make-up (7), 10-14..18 (12), 10-21..23 (15).
    assert case_messages(result)[0].send_due_on == d("2019-10-23")


def test_b6_every_bad_field_and_a_closed_case_type(world, migrant, unchanged):
    hukou_clerk = world["tongjiang_clerk"]
    with unchanged(), pytest.raises(Invalid) as e:
        services.record_second_birth(actor=hukou_clerk, data={"woman": migrant.pk, "decision": "approved", "decided_on": "2026-12-01"}, now=at("2026-11-28"))
    assert set(e.value.errors) == {"decided_on", "certificate_number"}
    # national-2021 abolished approvals: a result dated after 2021-08-20 is refused with that date (P1).
    with unchanged(), pytest.raises(Invalid) as e:
        record(hukou_clerk, migrant, "2022-01-04")
    message = e.value.errors["decided_on"][0]
    assert "2021-08-20" in message and "national-2021" in message


def test_b6_notice_beyond_the_loaded_calendar_is_an_error(world, migrant, unchanged, sichuan_keeps_approvals):
    # 15 working days after Sun 12-20: 12-21..25, 12-28..31 (9), then 2027, not loaded (X4).
    with unchanged(), pytest.raises(Invalid) as e:
        record(world["tongjiang_clerk"], migrant, "2026-12-20", now=at("2026-12-21"))
    assert "2027" in e.value.errors["decided_on"][0]
    assert not SecondBirthResult.objects.exists()


def test_b6_from_2016_only_third_and_later_children_are_approved(world, migrant):
    """P1: under national-2016 first and second births are registered, so an approval of a second
    child is refused with the set and its source; a third child is approved. Under 2009 a second
    child is approved."""
    clerk = world["tongjiang_clerk"]
    with pytest.raises(Invalid) as e:
        record(clerk, migrant, "2017-03-01", child_order=2)
    assert "national-2016" in e.value.errors["child_order"][0]
    assert record(clerk, migrant, "2017-03-01", child_order=3).child_order == 3
    assert record(clerk, migrant, "2015-06-01").child_order == 2
