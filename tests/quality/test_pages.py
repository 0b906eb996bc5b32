"""R8 on the web: the candidates list, the two records side by side (each opening logged), the merge
and its undo through the pages; roles without the right get 403, others' candidates 404."""
from django.test import Client

from liudong.accounts.models import AuditEvent
from liudong.people.models import Person, Residence
from liudong.quality.models import Merge
from tests.conftest import password


def login(staff) -> Client:
    c = Client()
    assert c.login(username=staff.username, password=password())
    return c


def test_R8_review_merge_and_undo_through_the_pages(clerk, twins, candidate):
    first, second, _, _ = twins
    web = login(clerk)
    listing = web.get("/quality/duplicates/")
    assert listing.status_code == 200 and f"/quality/duplicates/{candidate.pk}/" in listing.content.decode()
    page = web.get(f"/quality/duplicates/{candidate.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "E12345678" in text and "红花园社区" in text and "大汪山社区" in text
    assert AuditEvent.objects.filter(action="person.view", person_id__in=[first.pk, second.pk], fields__via="duplicate_review").count() == 2
    # Both have an open residence: without a choice the merge is refused, nothing written.
    refused = web.post(f"/quality/duplicates/{candidate.pk}/", {"act": "merge", "keep": first.pk})
    assert refused.status_code == 422 and "请选择保留哪一条" in refused.content.decode() and not Merge.objects.exists()
    keep_open = Residence.objects.get(person=second, left_on__isnull=True).pk
    done = web.post(f"/quality/duplicates/{candidate.pk}/", {"act": "merge", "keep": first.pk, "open_residence": keep_open})
    merge = Merge.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/quality/merges/{merge.pk}/"
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk
    shown = web.get(f"/quality/merges/{merge.pk}/").content.decode()
    assert "字段来源" in shown and "13800138000" in shown
    undone = web.post(f"/quality/merges/{merge.pk}/")
    assert undone.status_code == 302 and Person.objects.get(pk=second.pk).merged_into_id is None
    assert web.post(f"/quality/merges/{merge.pk}/").status_code == 422  # undone already


def test_R8_pages_refuse_other_roles_and_hide_other_places(world, twins, candidate):
    assert login(world["village_collector"]).get("/quality/duplicates/").status_code == 403
    assert login(world["police_officer"]).get(f"/quality/duplicates/{candidate.pk}/").status_code == 403
    assert login(world["futian_clerk"]).get(f"/quality/duplicates/{candidate.pk}/").status_code == 404
    assert login(world["futian_clerk"]).get("/quality/duplicates/").status_code == 200


def test_invariant3_the_candidates_list_logs_the_people_it_shows(clerk, twins, candidate):
    seen = AuditEvent.objects.filter(action="person.duplicate_list", actor=clerk)
    assert login(clerk).get("/quality/duplicates/").status_code == 200
    event = seen.get()
    assert sorted(event.fields["shown"]) == sorted([candidate.a_id, candidate.b_id])
