"""Policy values (P1) and the working-day calendar (X4) in the Django admin: read-only. A value is
changed by a new dated row (policy.services.set_value / adopt_rule_set: the policy page or
`liudong policy`), never by editing a row in force: the rule applied to an act on a given date
must stay reproducible. A calendar year is loaded through policy.services_calendar.load_calendar_year (the
calendar page or `liudong calendar load`), audited."""
from django.contrib import admin

from liudong.accounts.admin import POLICY_VIEW_ROLES, RoleReadOnlyAdmin

from .models import CalendarDay, CalendarYear, PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(RoleReadOnlyAdmin):
    view_roles = POLICY_VIEW_ROLES
    list_display = ("name", "division", "valid_from", "valid_to", "value", "rule_set")
    list_filter = ("rule_set", "name")
    search_fields = ("name", "=division__code")
    fields = ("name", "division", "valid_from", "valid_to", "value", "rule_set", "source")
    list_select_related = ("division",)


@admin.register(CalendarYear)
class CalendarYearAdmin(RoleReadOnlyAdmin):
    view_roles = POLICY_VIEW_ROLES
    list_display = ("year", "source", "loaded_at", "loaded_by")
    fields = ("year", "source", "loaded_at", "loaded_by")


@admin.register(CalendarDay)
class CalendarDayAdmin(RoleReadOnlyAdmin):
    view_roles = POLICY_VIEW_ROLES
    list_display = ("date", "kind", "name", "year")
    list_filter = ("kind", "year")
    date_hierarchy = "date"
    fields = ("date", "year", "kind", "name")
