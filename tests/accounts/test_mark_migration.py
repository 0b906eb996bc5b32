"""R6: the former yes/no review marks become dated periods (accounts 0007): a mark set to yes
starts on the day the audit log shows it set, else it is open at the start; no mark, no period."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0006_staff_review_marks")]
AFTER = [("accounts", "0007_dated_review_marks")]


@pytest.mark.django_db(transaction=True)
def test_r6_yes_no_marks_migrate_to_periods_started_on_the_audited_day(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Staff, AuditEvent = apps.get_model("accounts", "Staff"), apps.get_model("accounts", "AuditEvent")
    Staff.objects.filter(username="township_clerk").update(experienced_reviewer=True)
    Staff.objects.filter(username="village_collector").update(group_leader=True)
    clerk = Staff.objects.get(username="township_clerk")
    AuditEvent.objects.create(at=timezone.make_aware(datetime.datetime(2026, 3, 2, 9)), action="staff.mark", object_type="staff", object_id=str(clerk.pk),
                              fields={"username": "township_clerk", "experienced_reviewer": [False, True]})
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    from liudong.accounts.models import StaffMark

    marks = sorted(StaffMark.objects.values_list("staff__username", "mark", "valid_from", "valid_until"))
    assert marks == [("township_clerk", "experienced_reviewer", datetime.date(2026, 3, 2), None), ("village_collector", "group_leader", None, None)]
