"""Residence registration (居住登记) and residence permits (居住证), issue 13.

Both rest on the registry (people) and on dated policy (P1):

- `residence-registration` (Zhejiang's 2016 values ship): an arrival where the set is in force
  opens a ResidenceRegistration due within the set's working days (X4); the police station (the
  township-level division a police account acts for) completes it and prints the voucher.
- `residence-permit-2016` (nation-wide from 2016-01-01): a ResidencePermit application, its
  decision, the yearly endorsements (签注) and the state they leave it in. A permit keeps the date
  whose rules judge it (`rules_on`) and the set's name, like a case.

History, not overwrites (invariant 6): every endorsement is a row; the permit's state and dates
are kept in step in the same transaction.
"""
from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from liudong.divisions.models import Division


class RegistrationState(models.TextChoices):
    PENDING = "pending", "待登记 pending"
    COMPLETED = "completed", "已登记 completed"


class ResidenceRegistration(models.Model):
    """居住登记: opened by an arrival (a residence period) where `residence_registration.required`."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员 person")
    residence = models.OneToOneField("people.Residence", on_delete=models.PROTECT, related_name="+", verbose_name="居住记录 residence")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="居住地 division")
    # The police station responsible: the township-level division (J1 level 4) of the residence.
    station_code = models.CharField("派出所辖区 station", max_length=12)
    arrived_on = models.DateField("到达日期 arrived on")
    due_on = models.DateField("应登记日期 due on", null=True, blank=True, help_text="null while the working-day calendar cannot count it (X4)")
    state = models.CharField("状态 state", max_length=10, choices=RegistrationState.choices, default=RegistrationState.PENDING)
    completed_on = models.DateField("登记日期 completed on", null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rules_on = models.DateField("适用规定日期 rules of")
    rule_set = models.CharField("规则集 rule set", max_length=40, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "居住登记 residence registration"
        indexes = [
            models.Index(fields=["state", "division", "due_on"], name="regn_state_division_due"),
        ]


class Basis(models.TextChoices):
    """《居住证暂行条例》第二条: 有合法稳定就业、合法稳定住所、连续就读条件之一."""

    EMPLOYMENT = "employment", "合法稳定就业 stable employment"
    HOUSING = "housing", "合法稳定住所 stable home"
    STUDY = "study", "连续就读 continuous study"


class PermitState(models.TextChoices):
    PENDING = "pending", "待审核 pending"
    GRANTED = "granted", "有效 granted"
    REFUSED = "refused", "不予签发 refused"
    SUSPENDED = "suspended", "中止使用 suspended"
    ENDED = "ended", "已终止 ended"


# A person holds at most one permit in these states (in one city: a move ends it there).
LIVE_STATES = (PermitState.PENDING, PermitState.GRANTED, PermitState.SUSPENDED)


class ResidencePermit(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员 person")
    # The city (设区的市, J1 level 2) whose permit it is, and where she lived when she applied.
    city = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="签发城市 city")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="居住地 residence")
    residence_address = models.CharField("居住地址 residence address", max_length=200, blank=True)
    # The police station that took the application (the applying officer's division).
    station = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="受理派出所 station")
    basis = models.CharField("申领条件 basis", max_length=12, choices=Basis.choices)
    proof = models.TextField("证明材料 proof")
    resided_since = models.DateField("连续居住起始 resided since", help_text="the start of her continuous residence in the city when she applied")
    applied_on = models.DateField("申领日期 applied on")
    decision_due_on = models.DateField("应决定日期 decision due on")
    state = models.CharField("状态 state", max_length=10, choices=PermitState.choices, default=PermitState.PENDING)
    decided_on = models.DateField("决定日期 decided on", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    refusal_reason = models.CharField("不予签发理由 reason", max_length=500, blank=True)
    issued_on = models.DateField("签发日期 issued on", null=True, blank=True)
    # 第十五条: years of residence count from here: the issue date, or the day of a late endorsement.
    years_from = models.DateField("居住年限起算 years counted from", null=True, blank=True)
    # The next day a year of residence is full (years_from + k years); the window opens a month before.
    next_anniversary_on = models.DateField("下一居住满年日 next anniversary", null=True, blank=True)
    next_endorsement_due_on = models.DateField("应签注日期 endorsement due on", null=True, blank=True)
    suspended_on = models.DateField("中止日期 suspended on", null=True, blank=True)
    ended_on = models.DateField("终止日期 ended on", null=True, blank=True)
    end_reason = models.CharField("终止原因 end reason", max_length=200, blank=True)
    fee = models.PositiveIntegerField("收费（元） fee", default=0)
    items = models.JSONField("证件记载事项 card items", default=dict, blank=True)
    public_token = models.CharField(max_length=64, unique=True)
    rules_on = models.DateField("适用规定日期 rules of")
    rule_set = models.CharField("规则集 rule set", max_length=40, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = "居住证 residence permit"
        indexes = [
            # The daily job: granted permits whose anniversary came without an endorsement.
            models.Index(fields=["state", "next_anniversary_on"], name="permit_state_anniversary"),
            # Endorsements due in a month, for a county or a station: a range of due dates, then the division.
            models.Index(fields=["state", "next_endorsement_due_on", "division"], name="permit_state_due_division"),
            models.Index(fields=["person", "state"], name="permit_person_state"),
        ]


class PermitAttachment(models.Model):
    """A scan of the proof (like exchange's attachments: kept in the database with the application,
    written or refused together)."""

    permit = models.ForeignKey(ResidencePermit, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField("文件名 file name", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = "证明材料扫描件 proof scan"


class Endorsement(models.Model):
    """签注 (第十五条): one a year, in the month before the anniversary; a late one restores a
    suspended permit and restarts the count of residence years."""

    permit = models.ForeignKey(ResidencePermit, on_delete=models.PROTECT, related_name="endorsements")
    endorsed_on = models.DateField("签注日期 endorsed on")
    anniversary_on = models.DateField("所签居住满年日 anniversary")
    late = models.BooleanField("逾期补办 late", default=False)
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["permit_id", "endorsed_on"]
        verbose_name = "签注 endorsement"
