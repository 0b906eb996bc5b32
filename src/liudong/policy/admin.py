"""Policy values (P1) in the Django admin: read-only. A value is changed by a new dated row from a
data migration or a loader, never by editing a row in force: the rule applied to an act on a
given date must stay reproducible."""
from django.contrib import admin

from liudong.accounts.admin import POLICY_VIEW_ROLES, RoleReadOnlyAdmin

from .models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(RoleReadOnlyAdmin):
    view_roles = POLICY_VIEW_ROLES
    list_display = ("name", "division", "valid_from", "valid_to", "value", "rule_set")
    list_filter = ("rule_set", "name")
    search_fields = ("name", "=division__code")
    fields = ("name", "division", "valid_from", "valid_to", "value", "rule_set", "source")
    list_select_related = ("division",)
