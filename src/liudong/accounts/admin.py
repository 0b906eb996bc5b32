"""The Django admin (django-admin/) as a read-mostly window for administrators and auditors.

Every write goes through a service (invariant 1: one door for writes), so the admin adds, changes
and deletes nothing by itself: model admins here are read-only, and the one write offered
(disabling accounts) is an action that calls accounts.staff.disable_staff, audited like any
other. Who sees what follows the role (J3), not Django's per-model permission rows, and not
is_superuser either: the audit log stays read-only even for a superuser. Only the admin and
auditor roles get is_staff (accounts.staff.ADMIN_SITE_ROLES), which opens the site's door.

Person data (people app) is deliberately not registered: see people/admin.py.
"""
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.db.models import OuterRef, Subquery

from liudong.divisions.queries import in_range
from liudong.errors import Invalid, NotFound

from . import audit
from .choices import Action, Role
from .login import account_free_attempts, unlock
from .models import AuditEvent, LoginThrottle, Staff
from .staff import disable_staff, set_review_marks

admin.site.site_header = "流动人口服务管理信息系统 · 系统管理 / Liudong administration"
admin.site.site_title = "Liudong admin"
admin.site.index_title = "只读查看 / read-only views"

# Roles replace Django's groups and per-model permissions (J3): the group admin would only invite
# edits that change nothing the system checks.
try:
    admin.site.unregister(Group)
except admin.sites.NotRegistered:
    pass


class RoleReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by active staff whose role holds `view_action` (or is in `view_roles`);
    never addable, changeable or deletable through the admin."""

    view_action: str | None = None
    view_roles: tuple[str, ...] = ()
    show_full_result_count = False

    def may_view(self, request) -> bool:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return False
        return bool((self.view_action and user.can(self.view_action)) or user.role in self.view_roles)

    def has_module_permission(self, request):
        return self.may_view(request)

    def has_view_permission(self, request, obj=None):
        return self.may_view(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Staff)
class StaffAdmin(RoleReadOnlyAdmin):
    view_action = Action.MANAGE_STAFF
    list_display = ("username", "first_name", "role", "division", "is_active", "review_marks", "last_login", "failed_log_ins")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "division__code", "division__name")
    list_select_related = ("division",)
    fields = ("username", "first_name", "role", "division", "is_active", "is_staff", "review_marks", "last_login", "date_joined")  # never the password hash
    readonly_fields = ("review_marks",)
    actions = ("disable_accounts", "unlock_accounts", "mark_group_leader", "unmark_group_leader", "mark_experienced", "unmark_experienced")

    def get_queryset(self, request):
        # An administrator manages the accounts of his own subtree only. The failed log-ins across
        # all addresses come in the same query (accounts.login: a slowed-down account is marked).
        account = LoginThrottle.objects.filter(username=OuterRef("username"), address=LoginThrottle.ACCOUNT)
        return (super().get_queryset(request).filter(in_range("division_id", request.user.division_id))
                .annotate(login_attempts=Subquery(account.values("attempts")[:1]), login_wait=Subquery(account.values("locked_until")[:1])))

    @admin.display(description="审核标记（期间） / review marks (periods)")
    def review_marks(self, staff):
        """R6: each mark with its period (StaffMark); set with the actions below or `liudong staff mark`."""
        return "; ".join(f"{m.get_mark_display()} {m.valid_from or '…'}–{m.valid_until or '…'}" for m in staff.marks.all()) or ""

    @admin.display(description="登录失败（全部地址） / failed log-ins, all addresses")
    def failed_log_ins(self, staff):
        attempts = getattr(staff, "login_attempts", None) or 0
        if attempts > account_free_attempts():
            return f"{attempts}：已减速，可解锁 / {attempts}: slowed down, unlock to lift"
        return attempts or ""

    def each(self, request, queryset, act) -> int:
        """Run `act` on every selected account; a refusal is shown as a warning. Returns how many passed."""
        done = 0
        for staff in queryset:
            try:
                act(staff)
                done += 1
            except (Invalid, NotFound) as e:
                msgs = e.errors.values() if isinstance(e, Invalid) else [[str(e)]]
                self.message_user(request, f"{staff.username}: " + "; ".join(m for ms in msgs for m in ms), messages.WARNING)
        return done

    def has_disable_permission(self, request):
        return request.user.is_active and request.user.can(Action.MANAGE_STAFF)

    @admin.action(description="停用所选账号 / disable the selected accounts", permissions=["disable"])
    def disable_accounts(self, request, queryset):
        done = self.each(request, queryset, lambda staff: disable_staff(actor=request.user, username=staff.username, reason="django-admin"))
        if done:
            self.message_user(request, f"已停用 {done} 个账号 / disabled {done} accounts", messages.SUCCESS)

    @admin.action(description="解除所选账号的登录锁定与减速 / unlock the selected accounts' log-in", permissions=["disable"])
    def unlock_accounts(self, request, queryset):
        for staff in queryset:
            unlock(actor=request.user, username=staff.username, reason="django-admin")
        self.message_user(request, f"已解锁 {queryset.count()} 个账号 / unlocked {queryset.count()} accounts", messages.SUCCESS)


def _mark_action(mark: str, value: bool, description: str):
    """An admin action that sets one review mark (R6) through accounts.staff.set_review_marks, without
    dates: marked for all time, or unmarked for all time (a mistaken mark); a dated period (from,
    until) is set with `liudong staff mark … --from … --until …`."""
    def action(self, request, queryset):
        done = self.each(request, queryset, lambda staff: set_review_marks(actor=request.user, username=staff.username, reason="django-admin", **{mark: value}))
        if done:
            self.message_user(request, f"已更新 {done} 个账号 / updated {done} accounts", messages.SUCCESS)
    return admin.action(description=description, permissions=["disable"])(action)


StaffAdmin.mark_group_leader = _mark_action("group_leader", True, "标记为采集小组组长 / mark as group leader")
StaffAdmin.unmark_group_leader = _mark_action("group_leader", False, "取消采集小组组长 / no longer group leader")
StaffAdmin.mark_experienced = _mark_action("experienced_reviewer", True, "标记为乡镇审核人 / mark as experienced reviewer")
StaffAdmin.unmark_experienced = _mark_action("experienced_reviewer", False, "取消乡镇审核人 / no longer experienced reviewer")


@admin.register(AuditEvent)
class AuditEventAdmin(RoleReadOnlyAdmin):
    """Invariant 3: the audit log is append-only; here it can only be read, by auditors, within
    their subtree, through the same query as the audit page and the API (accounts.audit.events). Purging is `liudong audit purge`."""

    view_action = Action.VIEW_AUDIT
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "person_id", "division_code")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_id", "=person_id")
    fields = ("at", "actor_name", "action", "object_type", "object_id", "person_id", "fields", "reason", "division_code")

    def get_queryset(self, request):
        return audit.events(request.user)

    def get_actions(self, request):
        return {}


# For PolicyValueAdmin (policy/admin.py): policy values are public rules, read by both roles.
POLICY_VIEW_ROLES = (Role.ADMIN, Role.AUDITOR)
