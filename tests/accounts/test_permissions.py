"""J3: the role x action table, in the README and cell by cell at the service layer.

Every (role, action) pair is checked: `staff.can(action)` equals PERMISSIONS, and a service that
needs the action raises Denied exactly when the role lacks it. A role holding the action may still
be refused for scope or input (Invalid, NotFound): that is not a permission failure. The view and
API layers get their own matrices; here is the one door every write and read goes through."""
import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from liudong.accounts.choices import PERMISSIONS, Action, Role, permission_table_markdown
from liudong.errors import Denied, Invalid, NotFound
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id, password

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_readme_holds_exactly_the_permission_table():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = permission_table_markdown()
    assert table in readme, "README.md's permission table differs from `liudong permissions --markdown`: paste the command's output"
    # ...and no stale extra rows: the table in the README ends where the generated one does.
    lines = readme.splitlines()
    start = lines.index(table.splitlines()[0])
    following = lines[start + len(table.splitlines())] if start + len(table.splitlines()) < len(lines) else ""
    assert not following.startswith("|"), f"README.md has an extra table row after the generated table: {following!r}"


def test_permissions_command_prints_the_markdown_table(capsys):
    call_command("permissions", "--markdown")
    assert capsys.readouterr().out.strip() == permission_table_markdown()


def test_permissions_command_plain_lists_every_role(capsys):
    call_command("permissions")
    out = capsys.readouterr().out
    for role in Role:
        assert role.value in out
    assert "take_queries" in out  # the query desk browses nothing: Q1-Q9 run through their own procedure


def test_every_role_and_action_is_in_the_table():
    assert set(PERMISSIONS) == set(Role.values)
    table = permission_table_markdown().splitlines()
    assert len(table) == 2 + len(Action)
    for line in table[2:]:
        assert line.count("|") == len(Role) + 2


def test_police_and_query_desk_never_see_sensitive_fields():
    # Invariant 2: police at the query desk never see fertility, contraception, health.
    assert Action.VIEW_SENSITIVE not in PERMISSIONS[Role.POLICE_OFFICER]
    assert PERMISSIONS[Role.QUERY_DESK] == {Action.TAKE_QUERIES}  # Q1-Q9 through the desk's procedure, no browsing
    assert not {Action.VIEW_PERSON, Action.VIEW_SENSITIVE} & (PERMISSIONS[Role.AUDITOR] | PERMISSIONS[Role.ADMIN])


# --- the matrix at the service layer ------------------------------------------------------------

def _person_data(n: int) -> dict:
    return {"id_number": make_id("511921", "19900101", seq=100 + 2 * n), "name": "王芳", "hukou_division": TONGJIANG_V}


def _call(action, staff, migrant, world, n):
    """Call one service that needs `action`, as `staff`."""
    from liudong.accounts import audit
    from liudong.accounts.staff import add_staff
    from liudong.territory import services as territory
    from liudong.people import queries as people_q
    from liudong.people import services as people
    from liudong.people import services_places as places

    if action == Action.REGISTER_PERSON:
        return people.register_person(actor=staff, data=_person_data(n), today=TODAY)
    if action == Action.RECORD_RESIDENCE:
        return people.record_arrival(actor=staff, person=migrant, data={"division": NANTOU_V1, "arrived_on": "2025-06-01"}, today=TODAY)
    if action == Action.MANAGE_HOUSING:
        return places.register_housing(actor=staff, data={"division": NANTOU_V1, "address": "红花园2栋", "owner_id": migrant.pk}, today=TODAY)
    if action == Action.MANAGE_EMPLOYER:
        return places.register_employer(actor=staff, data={"division": NANTOU_V1, "name": "南头电子厂"}, today=TODAY)
    if action == Action.MANAGE_FAMILY:
        relative, _ = people.register_person(actor=world["township_clerk"], data=_person_data(50 + n) | {"sex": "F"}, today=TODAY)
        return people.link_family(actor=staff, person=migrant, relative_id=relative.pk, relation="spouse")
    if action == Action.MANAGE_GRIDS:
        return territory.add_grid(actor=staff, village_code=NANTOU_V1, name=f"第{n}网格")
    if action == Action.MANAGE_STAFF:
        return add_staff(actor=staff, username=f"new{n}", role=Role.VILLAGE_COLLECTOR, division_code=NANTOU_V1, password=password())
    if action == Action.MANAGE_DIVISIONS:
        return territory.load_divisions_csv(actor=staff, text="code,name\n440305001009,新社区\n", edition="test")
    if action == Action.VIEW_PERSON:
        return people_q.get_person(actor=staff, person_id=migrant.pk)
    if action == Action.VIEW_AUDIT:
        return list(audit.events(staff))
    if action == Action.PURGE_AUDIT:
        return audit.purge(actor=staff, on=timezone.localdate(), today=timezone.localdate(), retention_days=1825, for_real=False)
    if action == Action.VIEW_DASHBOARD:
        return people_q.dashboard_division(actor=staff)
    if action == Action.VIEW_REGISTERS:
        from liudong.registers import queries as registers_q

        return registers_q.view_register(actor=staff, kind="inflow", division="", start="2025-01-01", end="2025-12-31")
    if action == Action.EXPORT_REGISTERS:
        from liudong.registers import documents

        return documents.export(actor=staff, kind="inflow", division="", start="2025-01-01", end="2025-12-31", fmt="xlsx", generated_on=TODAY)
    if action == Action.VIEW_EXCHANGE:
        from liudong.exchange import queries as exchange_q

        return exchange_q.box_page(actor=staff, box="watch", today=TODAY)
    if action == Action.HANDLE_EXCHANGE:
        from liudong.exchange import services as exchange

        return exchange.send_message(actor=staff, data={"kind": "policy_notice", "topic": "births", "receiver": "511921100000", "subject": "政策通报"}, now=timezone.now())
    if action == Action.HANDLE_CASES:
        from liudong.cases import queries as cases_q

        return list(cases_q.birth_registrations(actor=staff))
    if action == Action.VIEW_TIMELINESS:
        from liudong.exchange import timeliness

        return timeliness.figures(actor=staff, start=datetime.date(2026, 1, 1), end=TODAY, today=TODAY)
    if action == Action.VIEW_SERVICES:
        from liudong.technical import queries as technical_q

        return technical_q.service_items(actor=staff)
    if action == Action.HANDLE_SERVICES:
        from liudong.technical import services as technical

        return technical.record_check(actor=staff, data={"person_id": migrant.pk, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal"}, now=timezone.now())
    if action == Action.PUBLISH_INSTITUTIONS:
        from liudong.technical import services as technical

        return technical.publish_institution(actor=staff, data={"name": "南山区妇幼保健院", "address": "南山大道", "phone": "0755-26491000"}, now=timezone.now())
    if action == Action.MANAGE_POLICY:
        from liudong.policy import services as policy

        return policy.set_value(actor=staff, name="birth.notify_days", raw_value="10", division_code=staff.division_id, valid_from=f"2027-01-{n + 1:02d}")
    if action == Action.MANAGE_CALENDAR:
        from liudong.divisions.models import Division
        from liudong.policy import services_calendar

        # the official schedule is loaded by the nation's or a province's administrator
        staff.division = Division.objects.get(code="000000000000")

        return services_calendar.load_calendar_year(actor=staff, year=2027, rows=[("2027-01-01", "holiday")], source="test", now=timezone.now())
    if action in (Action.TAKE_QUERIES, Action.ANSWER_CONSENT, Action.APPROVE_QUERY_STATISTICS):
        from liudong.desk import services as desk

        if action == Action.TAKE_QUERIES:
            return desk.create_inquiry(actor=staff, data={"category": "vetting", "requester": {"name": "王明"}}, now=timezone.now())
        if action == Action.ANSWER_CONSENT:
            return desk.answer_consent(actor=staff, inquiry_id=1, data={"person_id": migrant.pk, "granted": True}, now=timezone.now())
        return desk.approve(actor=staff, inquiry_id=1, data={"approved": True}, now=timezone.now())
    if action == Action.HANDLE_RESIDENCE:
        from liudong.permits import queries as permits_q

        return list(permits_q.registrations(actor=staff, data={}, today=TODAY)[0])
    if action == Action.VIEW_PERMIT_EXISTS:
        from liudong.permits import queries as permits_q

        return permits_q.permit_exists(actor=staff, person_id=migrant.pk)
    if action in (Action.VIEW_CERTIFICATES, Action.ISSUE_CERTIFICATES, Action.VERIFY_CERTIFICATES):
        from liudong.certificates import queries as certificates_q
        from liudong.certificates import services as certificates

        if action == Action.VIEW_CERTIFICATES:
            return list(certificates_q.certificates(actor=staff, on=TODAY))
        if action == Action.ISSUE_CERTIFICATES:
            return certificates.issue_certificate(actor=staff, data={"person_id": migrant.pk, "issued_on": "2020-01-02"}, now=timezone.now())
        return certificates.record_entry(actor=staff, person=migrant, entered_on=TODAY, kind="check", text="环情检查", now=timezone.now())
    if action == Action.TAKE_CERTIFICATE_APPLICATIONS:
        from liudong.certificates import services_door

        return services_door.take_application(actor=staff, data={"person_id": migrant.pk, "taken_on": "2020-01-02", "place": "上门"}, now=timezone.now())
    if action in (Action.VIEW_REPORTS, Action.SUBMIT_REPORTS, Action.APPROVE_REPORTS):
        from liudong.divisions.models import Division
        from liudong.statistics import queries as statistics_q
        from liudong.statistics import services as statistics

        if action == Action.VIEW_REPORTS:
            return statistics_q.report(actor=staff, division_code=staff.division_id, period="2026-10", now=timezone.now(), years=False)
        if action == Action.SUBMIT_REPORTS:
            return statistics.submit(actor=staff, division_code=staff.division_id, period="2026-10", now=timezone.now())
        child = Division.objects.filter(parent_id=staff.division_id).order_by("code").values_list("code", flat=True).first() or NANTOU_V1
        return statistics.approve(actor=staff, division_code=child, period="2026-10", now=timezone.now())
    if action == Action.RUN_BACKCHECKS:
        from liudong.quality import services_backchecks

        return services_backchecks.error_rates(actor=staff, division=staff.division)
    if action == Action.MERGE_PEOPLE:
        from liudong.quality import queries as quality_q

        return list(quality_q.candidates(actor=staff, division=staff.division))
    raise AssertionError(f"no representative service for {action}")


# Every action's check lives in a service or query function; VIEW_SENSITIVE is checked below
# (an omission of fields, not a refusal).
SERVICE_ACTIONS = [a for a in Action.values if a != Action.VIEW_SENSITIVE]


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("action", Action.values)
def test_can_matches_the_table(world, role, action):
    assert world[role].can(action) is (action in PERMISSIONS[role])


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("action", SERVICE_ACTIONS)
def test_service_refuses_exactly_without_the_action(world, migrant, role, action):
    staff = world[role]
    allowed = action in PERMISSIONS[role]
    n = Role.values.index(role)
    if allowed:
        try:
            _call(action, staff, migrant, world, n)
        except Denied as e:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{role} holds {action} but the service refused: {e}")
        except (Invalid, NotFound):
            pass  # scope or input, not permission
        except Exception as e:  # pragma: no cover
            pytest.fail(f"{role} / {action}: {type(e).__name__}: {e}")
    else:
        with pytest.raises(Denied):
            _call(action, staff, migrant, world, n)


@pytest.mark.parametrize("role", Role.values)
def test_family_is_shown_exactly_with_view_sensitive(world, migrant, role):
    """Invariant 2: sensitive fields are left out (not refused) for roles without VIEW_SENSITIVE."""
    from liudong.people import queries, services

    relative, _ = services.register_person(actor=world["township_clerk"], data=_person_data(99), today=TODAY)
    services.link_family(actor=world["township_clerk"], person=migrant, relative_id=relative.pk, relation="spouse")
    shown = queries.family_of(actor=world[role], person=migrant)
    assert bool(shown) is (Action.VIEW_SENSITIVE in PERMISSIONS[role])


@pytest.mark.parametrize("role", Role.values)
def test_a_disabled_account_can_do_nothing(world, role):
    staff = world[role]
    staff.is_active = False
    assert not any(staff.can(a) for a in Action.values)
