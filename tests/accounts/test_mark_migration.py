"""R6: the former yes/no review marks become dated periods (accounts 0007): a mark set to yes
starts on the day the audit log shows it set, else it is open at the start; no mark, no period."""
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0006_staff_review_marks")]
AFTER = [("accounts", "0007_dated_review_marks")]


@pytest.fixture
def counties(transactional_db):
    """The divisions above the world's townships. A transactional test empties every table when it
    ends, the shipped division list included, so one that ran earlier in the suite leaves none."""
    from liudong.divisions.models import Division

    for code, name, level, parent in [("000000000000", "中华人民共和国", 0, None), ("440000000000", "广东省", 1, "000000000000"),
                                      ("440300000000", "深圳市", 2, "440000000000"), ("440305000000", "南山区", 3, "440300000000"),
                                      ("440304000000", "福田区", 3, "440300000000"), ("510000000000", "四川省", 1, "000000000000"),
                                      ("511900000000", "巴中市", 2, "510000000000"), ("511921000000", "通江县", 3, "511900000000")]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})


@pytest.mark.django_db(transaction=True)
def test_r6_yes_no_marks_migrate_to_periods_started_on_the_audited_day(counties, world):
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
