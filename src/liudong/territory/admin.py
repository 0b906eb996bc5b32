"""Divisions and grids in the Django admin: read-only (J1). Codes are loaded with
`liudong divisions load` and grids added through territory.services.add_grid (invariant 1)."""
from django.contrib import admin

from liudong.accounts.admin import RoleReadOnlyAdmin
from liudong.accounts.choices import Action

from liudong.divisions.models import Division, Grid
from liudong.divisions.queries import in_range


@admin.register(Division)
class DivisionAdmin(RoleReadOnlyAdmin):
    view_action = Action.MANAGE_DIVISIONS
    list_display = ("code", "name", "level", "parent", "edition")
    list_filter = ("level",)
    search_fields = ("=code", "name")  # the code exactly (an index lookup), the name by substring
    fields = ("code", "name", "level", "parent", "edition")
    list_select_related = ("parent",)
    ordering = ("code",)


@admin.register(Grid)
class GridAdmin(RoleReadOnlyAdmin):
    view_action = Action.MANAGE_GRIDS
    list_display = ("name", "village", "collector")
    search_fields = ("name", "village__name", "=village__code")
    fields = ("village", "name", "collector")
    list_select_related = ("village", "collector")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(in_range("village_id", request.user.division_id))
