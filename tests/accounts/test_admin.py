"""The Django admin (django-admin/): read-mostly for the admin role, the audit log read-only for
everyone, person data absent (privacy: see people/admin.py)."""
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from liudong.accounts import audit
from liudong.accounts.models import AuditEvent, Staff
from liudong.divisions.models import Division, Grid
from liudong.policy.models import PolicyValue
from tests.conftest import NANTOU_V1


@pytest.fixture
def site_users(world):
    for name in ("admin", "auditor"):  # as accounts.staff.add_staff sets it for these roles
        Staff.objects.filter(username=name).update(is_staff=True)
        world[name].refresh_from_db()
    return world


def as_user(client, staff):
    client.force_login(staff)
    return client


def test_no_person_data_is_registered():
    people_models = set(apps.get_app_config("people").get_models())
    assert people_models, "the people app has models"
    assert not people_models & set(admin.site._registry)


def test_registered_models():
    for model in (Division, Grid, Staff, PolicyValue, AuditEvent):
        assert model in admin.site._registry
    from django.contrib.auth.models import Group

    assert Group not in admin.site._registry


def test_nothing_is_addable_changeable_or_deletable(site_users, rf):
    superuser = Staff.objects.create(username="root", role="admin", division_id="000000000000", is_staff=True, is_superuser=True)
    for user in (site_users["admin"], site_users["auditor"], superuser):
        request = rf.get("/")
        request.user = user
        for model_admin in admin.site._registry.values():
            assert not model_admin.has_add_permission(request), (user, model_admin)
            assert not model_admin.has_change_permission(request), (user, model_admin)
            assert not model_admin.has_delete_permission(request), (user, model_admin)


def test_staff_without_a_site_role_cannot_enter(world, client):
    as_user(client, world["township_clerk"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_role_sees_divisions_grids_staff_and_policy(site_users, client):
    as_user(client, site_users["admin"])
    for name in ("divisions_division", "divisions_grid", "accounts_staff", "policy_policyvalue"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "accounts/auditevent" not in index


def test_division_pages_are_read_only(site_users, client):
    as_user(client, site_users["admin"])
    url = reverse("admin:divisions_division_change", args=[NANTOU_V1])
    page = client.get(url)
    assert page.status_code == 200 and "红花园社区" in page.content.decode() and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"name": "改名"}).status_code == 403
    assert Division.objects.get(code=NANTOU_V1).name == "红花园社区"
    assert client.get(reverse("admin:divisions_division_add")).status_code == 403
    assert client.post(reverse("admin:divisions_division_delete", args=[NANTOU_V1]), {"post": "yes"}).status_code == 403


def test_staff_list_is_scoped_and_shows_no_password(site_users, client):
    as_user(client, site_users["admin"])
    page = client.get(reverse("admin:accounts_staff_changelist")).content.decode()
    assert "township_clerk" in page and "futian_clerk" not in page and "tongjiang_clerk" not in page
    detail = client.get(reverse("admin:accounts_staff_change", args=[site_users["township_clerk"].pk])).content.decode()
    assert "md5$" not in detail and "pbkdf2" not in detail
    assert client.get(reverse("admin:accounts_staff_change", args=[site_users["futian_clerk"].pk])).status_code == 302  # not found: back to the list


def test_disable_action_goes_through_the_service(site_users, client):
    as_user(client, site_users["admin"])
    target = site_users["village_cadre"]
    response = client.post(reverse("admin:accounts_staff_changelist"), {"action": "disable_accounts", "_selected_action": [target.pk]})
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    event = AuditEvent.objects.get(action="staff.disable")
    assert event.actor == site_users["admin"] and event.reason == "django-admin"


def test_auditor_reads_the_audit_log_and_nothing_else(site_users, client):
    audit.record(site_users["township_clerk"], "person.view", person_id=42)
    as_user(client, site_users["auditor"])
    page = client.get(reverse("admin:accounts_auditevent_changelist"))
    assert page.status_code == 200 and "person.view" in page.content.decode()
    event = AuditEvent.objects.get(action="person.view")
    url = reverse("admin:accounts_auditevent_change", args=[event.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "tampered"}).status_code == 403
    assert client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:accounts_auditevent_changelist"), {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}).status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk, action="person.view").exists()
    for name in ("divisions_division", "accounts_staff"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403
    assert client.get(reverse("admin:policy_policyvalue_changelist")).status_code == 200
