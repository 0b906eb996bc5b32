"""Q8: the query register: every request, refused or answered, is a line with its file number;
purged after the retention of the set in force (2 years under query-desk-2010), dry run first,
the purge logged."""
import datetime

import pytest
from django.core.management import call_command

from liudong.accounts.models import AuditEvent
from liudong.desk import services
from liudong.desk.models import Inquiry, InquiryDocument, Subject

from .conftest import at, body


def make(desk, day, category="vetting", **kw):
    return services.create_inquiry(actor=desk, data=body(category, **kw), now=at(day))


def test_Q8_every_request_is_a_register_line_with_a_file_number(people, desk):
    a = make(desk, "2026-11-27")
    b = make(desk, "2026-11-28", "media", documents=[])
    assert a.file_number == "440305-2026-000001" and b.file_number == "440305-2026-000002"
    assert b.state == "refused" and b.routing
    assert list(InquiryDocument.objects.filter(inquiry=a).values_list("document", flat=True)) == ["id_card", "introduction_letter", "work_card"]
    assert Subject.objects.get(inquiry=a).name == "张伟"


def test_Q8_purge_removes_what_is_past_two_years_dry_run_first(people, desk, capsys):
    old = make(desk, "2024-11-27")
    kept = make(desk, "2024-11-28")
    assert services.purge(actor=None, today=datetime.date(2026, 11, 28), for_real=False)["count"] == 1
    assert Inquiry.objects.count() == 2
    call_command("inquiries", "purge", "--on", "2026-11-28")
    assert "试运行：1" in capsys.readouterr().out and Inquiry.objects.count() == 2
    call_command("inquiries", "purge", "--for-real", "--on", "2026-11-28")
    assert "已删除 1" in capsys.readouterr().out
    assert list(Inquiry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Subject.objects.filter(inquiry_id=old.pk).exists()
    event = AuditEvent.objects.filter(action="inquiry.purge").get()
    assert event.fields["count"] == 1 and event.actor_name == "system"
    # a day later the second one goes too
    assert services.purge(actor=None, today=datetime.date(2026, 11, 29), for_real=True)["deleted"] == 1


def test_Q8_purge_needs_the_right(people, world):
    from liudong.errors import Denied

    with pytest.raises(Denied):
        services.purge(actor=world["query_desk"], today=datetime.date(2026, 11, 28), for_real=True)
