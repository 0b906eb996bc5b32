"""Divisions and grids in the Django admin: read-only (J1). Codes are loaded with
`liudong divisions load` and grids added through divisions.services.add_grid (invariant 1)."""
from django.contrib import admin

from liudong.accounts.admin import RoleReadOnlyAdmin
from liudong.accounts.choices import Action

from .models import Division, Grid


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
        low, high = request.user.code_range
        return super().get_queryset(request).filter(village_id__gte=low, village_id__lte=high)
