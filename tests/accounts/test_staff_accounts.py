"""accounts.staff.add_staff_accounts (J3): several accounts with one starting password, each
checked as add_staff checks it, all or nothing, one audit event per account (the demo's
collectors and clerks use it)."""
import pytest

from liudong.accounts.models import AuditEvent, Staff
from liudong.accounts.staff import add_staff_accounts
from liudong.errors import Denied, Invalid
from tests.conftest import NANTOU, NANTOU_V1, NANTOU_V2, SHEKOU

PASSWORD = "Liudong-start-pw-2026"


def test_J3_accounts_are_added_with_one_password_and_audited_each(world):
    admin = world["admin"]
    added = add_staff_accounts(actor=admin, accounts=[("collector_v1", "village_collector", NANTOU_V1), ("collector_v2", "village_collector", NANTOU_V2),
                                                      ("clerk_shekou", "township_clerk", SHEKOU)], password=PASSWORD)
    assert [s.username for s in added] == ["collector_v1", "collector_v2", "clerk_shekou"]
    for s in Staff.objects.filter(username__in=["collector_v1", "collector_v2", "clerk_shekou"]):
        assert s.check_password(PASSWORD) and not s.is_staff
    events = AuditEvent.objects.filter(action="staff.add", actor=admin)
    assert sorted(e.fields["username"] for e in events) == ["clerk_shekou", "collector_v1", "collector_v2"]


def test_J3_one_bad_account_writes_none(world):
    before = (Staff.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Invalid) as e:
        add_staff_accounts(actor=world["admin"], accounts=[("ok_one", "village_collector", NANTOU_V1), ("bad_level", "village_collector", NANTOU),
                                                           ("township_clerk", "township_clerk", NANTOU)], password=PASSWORD)
    assert any(m.startswith("bad_level: ") for m in e.value.errors["division"])
    assert any(m.startswith("township_clerk: ") and "taken" in m for m in e.value.errors["username"])
    with pytest.raises(Invalid) as e:
        add_staff_accounts(actor=None, accounts=[("twice", "village_collector", NANTOU_V1), ("twice", "village_collector", NANTOU_V2)], password=PASSWORD)
    assert e.value.errors["username"]
    with pytest.raises(Invalid) as e:
        add_staff_accounts(actor=None, accounts=[("weak", "village_collector", NANTOU_V1)], password="123")
    assert e.value.errors["password"]
    with pytest.raises(Denied):
        add_staff_accounts(actor=world["township_clerk"], accounts=[("x", "village_collector", NANTOU_V1)], password=PASSWORD)
    assert (Staff.objects.count(), AuditEvent.objects.count()) == before
