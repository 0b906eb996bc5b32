"""Done when: the demo shows checks and reports, on both sides (S2, S3)."""
import io

import pytest

from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_S2_S3_the_demo_shows_checks_with_reports_sent_home_and_the_hukou_sides_records(db):
    from django.core.management import call_command

    from liudong.exchange.models import Message
    from liudong.technical.models import Check, DepartureAdvice

    out = io.StringIO()
    call_command("demo", people=500, seed=7, on=TODAY.isoformat(), stdout=out)
    slips = Check.objects.filter(origin="residence").exclude(report_number="")
    assert slips.count() > 10 and "checks with report slips" in out.getvalue()
    assert Message.objects.filter(kind="contraception_report", pk__in=slips.values("message_id")).count() == slips.count()
    assert DepartureAdvice.objects.filter(told_to_attend_checks=True).exists()
    assert Check.objects.filter(origin="mailed").exists()
