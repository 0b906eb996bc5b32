import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from .choices import Role, allowed


class Staff(AbstractUser):
    """J3: an account acts for one division with one role."""

    role = models.CharField("角色 role", max_length=32, choices=Role.choices)
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="staff", verbose_name="所属区划 division")
    # R6 (issue 15): the review marks (group leader, experienced reviewer) are StaffMark periods,
    # set by whoever manages accounts (accounts.staff.set_review_marks, audited).

    class Meta:
        verbose_name = "工作人员 staff"

    REQUIRED_FIELDS = ["role", "division"]

    def can(self, action: str) -> bool:
        return self.is_active and allowed(self.role, action)

    @property
    def code_range(self):
        return self.division.code_range

    def in_scope(self, code: str | None) -> bool:
        return self.division.contains(code)

    def holds_mark(self, mark: str, on) -> bool:
        """R6: whether the account held a review mark (StaffMark.MARKS) on that day. Cached on the
        instance per (mark, day): a queue page asks it for every form it shows."""
        cache = self.__dict__.setdefault("_marks_on", {})
        if (mark, on) not in cache:
            cache[(mark, on)] = self.marks.filter(StaffMark.valid_on(on), mark=mark).exists()
        return cache[(mark, on)]


class StaffMark(models.Model):
    """R6 (issue 15): a review mark held over a period - a village collector as her collection
    group's leader (组长), a township clerk or head as an experienced reviewer. History, not an
    overwrite (invariant 6): the review chain asks for the mark valid on the signing day. valid_from
    empty: held since before marks had dates (the former yes/no mark, migrated); valid_until empty:
    until further notice. Set through accounts.staff.set_review_marks, audited as staff.mark."""

    MARKS = (("group_leader", "采集小组组长 group leader"), ("experienced_reviewer", "乡镇审核人 experienced reviewer"))

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="marks")
    mark = models.CharField("标记 mark", max_length=24, choices=MARKS)
    valid_from = models.DateField("起始日期 from", null=True, blank=True)
    valid_until = models.DateField("截止日期 until", null=True, blank=True)

    class Meta:
        # An open start first, on SQLite and PostgreSQL alike (PostgreSQL puts NULL last by default).
        ordering = ["staff_id", "mark", models.F("valid_from").asc(nulls_first=True)]
        indexes = [models.Index(fields=["staff", "mark"], name="staff_mark_staff")]
        constraints = [models.CheckConstraint(condition=models.Q(valid_from__isnull=True) | models.Q(valid_until__isnull=True) | models.Q(valid_from__lte=models.F("valid_until")),
                                              name="staff_mark_from_before_until")]
        verbose_name = "审核标记 review mark"

    @staticmethod
    def valid_on(on) -> models.Q:
        return (models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on)) & (models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on))


class AuditEvent(models.Model):
    """Append-only record of every change and every opening, printing or export of a person
    (invariants 1 and 3). Database triggers refuse UPDATE; only the purge command deletes."""

    at = models.DateTimeField("时间 at", db_index=True)
    actor = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField("操作 action", max_length=40, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    fields = models.JSONField(default=dict, blank=True, help_text="fields read, or {field: [old, new]} changed")
    reason = models.CharField(max_length=200, blank=True)
    division_code = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    # Keys whose values say what was done, not who someone is: shown to auditors as recorded.
    STRUCTURAL_KEYS = frozenset({
        "shown", "count", "kind", "division", "start", "end", "rows", "created", "matched", "first_id", "last_id",
        "relation", "relative", "closed", "housing", "employer", "owner", "person_ids", "edition", "added", "renamed",
        "deleted", "retention_days", "on", "cutoff", "role", "username", "village", "collector", "skipped", "residences",
        "bad_rows", "arrived_on", "left_on", "closed_on",
        # policy and calendar (P1, X4): not personal data
        "rule_set", "valid_from", "year", "holidays", "workdays", "removed", "source", "policy_name", "policy_value",
        # exchange (X1-X5): where a message went and its clock, never its body
        "receiver", "route", "channel", "due", "late", "state", "reply", "on_time", "box", "attachment",
        # cases (B1-B6, F1-F4): which case and which file, never its contents
        "case_id", "format", "bytes",
        # issue 7: probes, duplicates, arrival claims and proposed family links
        "via", "in_scope", "found", "document_type", "claim", "proposal", "recorded_by", "message",
        # export jobs (liudong.jobs): which job and file, never their contents
        "job", "orphans",
        # log-in throttling (J3): the client address of a failed log-in, what an unlock cleared
        "address", "attempts", "cleared", "throttles",
        # review marks of a staff account (R6)
        "group_leader", "experienced_reviewer", "valid_until", "periods",
    })
    WITHHELD = "（已隐去 / withheld）"

    @property
    def fields_for_auditor(self) -> dict:
        """Invariant 2: auditors see who did what to which record, not the person's data. Values
        under other keys (names, ID numbers, phones, old and new values) are withheld; the keys
        still say which fields were read or changed."""
        def hide(key, value):
            if key in self.STRUCTURAL_KEYS:
                return value
            if isinstance(value, dict):
                return {k: hide(k, v) for k, v in value.items()}
            return self.WITHHELD
        return {k: hide(k, v) for k, v in (self.fields or {}).items()}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """Bearer token for the API; only the SHA-256 of the token is stored."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()
    expires = models.DateTimeField()

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class LoginThrottle(models.Model):
    """Log-in attempts of one account name (J3): from one client address, or, with address
    ACCOUNT (""), from all addresses together. accounts.login claims an attempt with a conditional
    UPDATE before the password is checked, so parallel attempts cannot pass the limit. A row goes
    with a successful log-in (its address), an administrator's unlock, or the audit purge."""

    ACCOUNT = ""

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=45, blank=True, help_text="client IP address; empty: the account across all addresses")
    attempts = models.PositiveIntegerField(default=0, help_text="attempts claimed since the window began (failed or still being checked)")
    window_start = models.DateTimeField(help_text="a pair: the first attempt of the window; the account: its latest attempt")
    locked_until = models.DateTimeField(null=True, blank=True, help_text="no attempt is checked before this instant")
    notified = models.BooleanField(default=False, help_text="the account: administrators were told that it is slowed down")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["username", "address"], name="login_throttle_unique_name_address")]
        indexes = [models.Index(fields=["address", "attempts"], name="login_throttle_slowed")]
