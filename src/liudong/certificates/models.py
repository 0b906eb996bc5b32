"""C1-C6: the marriage and childbearing certificate (流动人口婚育证明).

A certificate is numbered per issuing township and year. Its contents (条例 第七条) are fixed when
it is issued; every later change is a CertificateEntry (C5), never an overwrite (invariant 6).
Its term is fixed at issue and never shortened (C3): a renewal, a reissue (补办) or the end of a
long-term validity (C4) is a new certificate linked to the old one, which is then surrendered or
replaced. `last_verified_on` is kept in step with the verifications (C6) in the same transaction,
so that the due lists of a county are date comparisons on an index.
"""
from django.conf import settings
from django.db import models

from liudong.divisions.models import Division
from liudong.people.models import Person


class Status(models.TextChoices):
    """What happened to a certificate; `state` (valid, expired, long-term) is derived on a day."""
    ACTIVE = "active", "在用 in use"
    REVOKED = "revoked", "已撤销 revoked"
    REPLACED = "replaced", "已补换 replaced"
    SURRENDERED = "surrendered", "已交回换发 surrendered"


class State(models.TextChoices):
    VALID = "valid", "有效 valid"
    EXPIRED = "expired", "已过期 expired"
    LONG_TERM = "long_term", "长期有效 long-term"
    REVOKED = "revoked", "已撤销 revoked"
    REPLACED = "replaced", "已补换 replaced"
    SURRENDERED = "surrendered", "已交回换发 surrendered"


class Applicant(models.TextChoices):
    SELF = "self", "本人 herself"
    FAMILY = "family", "家属代办 a family member"


class EntryKind(models.TextChoices):
    SERVICE = "service", "技术服务 service received"
    CHECK = "check", "孕情环情检查 pregnancy/IUD check"
    MARRIAGE = "marriage", "婚姻变化 change of marriage"
    BIRTH = "birth", "生育 birth"
    CONTRACEPTION = "contraception", "避孕节育 contraception"
    STERILISATION = "sterilisation", "绝育 sterilisation"
    CHANGE = "change", "查验发现变化 change found at verification"
    OTHER = "other", "其他 other"


# C4: a change of marital or childbearing status ends a long-term validity.
STATUS_CHANGES = (EntryKind.MARRIAGE, EntryKind.BIRTH, EntryKind.CHANGE)


class Result(models.TextChoices):
    OK = "ok", "无变化 no change"
    CHANGED = "changed", "有变化 changed"


class Certificate(models.Model):
    number = models.CharField("编号 number", max_length=40, unique=True)
    township = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="发证乡镇 issuing township")
    year = models.PositiveSmallIntegerField("年度 year")
    sequence = models.PositiveIntegerField("序号 sequence")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    issued_on = models.DateField("发证日期 issued on")
    # C3: the end of the term fixed at issue (inclusive); null for an electronic certificate of a
    # set without a term (valid until revoked). Never changed after issue.
    valid_until = models.DateField("有效期至 valid until", null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(null=True, blank=True)
    rule_set = models.CharField("规则集 rule set", max_length=60, blank=True)
    electronic = models.BooleanField("电子证明 electronic", default=False)
    # C4: long-term validity from the day sterilisation was entered, until a status change.
    long_term_from = models.DateField("长期有效起 long-term from", null=True, blank=True)
    long_term_to = models.DateField("长期有效止 long-term to", null=True, blank=True)
    status = models.CharField("状态 status", max_length=12, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField("终止日期 ended on", null=True, blank=True)
    end_reason = models.CharField("终止原因 reason", max_length=200, blank=True)
    renewed_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals", verbose_name="换发自 renewed from")
    reissued_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reissues", verbose_name="补办自 reissued from")
    # C3 (凭原婚育证明和本人居民身份证): a renewal is made against the surrendered certificate and her
    # resident ID card, whose number the clerk reads off the card and the service checks against hers.
    renewed_with_id_card = models.BooleanField("换发时已查验本人居民身份证 ID card checked at renewal", default=False)
    # C2: who applied.
    applicant = models.CharField("申请人 applicant", max_length=8, choices=Applicant.choices, default=Applicant.SELF)
    applicant_name = models.CharField("代办人 applicant name", max_length=50, blank=True)
    relationship = models.CharField("与本人关系 relationship", max_length=20, blank=True)
    status_verification = models.CharField("婚育情况核实 how her status was verified", max_length=200, blank=True)
    # 条例 第七条: the contents, as on the day of issue.
    name = models.CharField("姓名 name", max_length=50)
    id_number = models.CharField("身份证号 ID number", max_length=40, blank=True)
    birth_date = models.DateField("出生日期 birth date")
    marital_status = models.CharField("婚姻状况 marital status", max_length=20, blank=True)
    spouse_name = models.CharField("配偶 spouse", max_length=50, blank=True)
    spouse_id_number = models.CharField("配偶身份证号 spouse ID", max_length=40, blank=True)
    childbearing = models.CharField("生育状况 childbearing status", max_length=200, blank=True)
    contraception = models.CharField("避孕节育 contraception", max_length=200, blank=True)
    # The public check (C6, issue 10): unguessable, never derived from the id or number.
    token = models.CharField(max_length=64, unique=True)
    # C6, kept in step with Verification (invariant 6).
    last_verified_on = models.DateField("最近查验 last verified", null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "婚育证明 certificate"
        indexes = [
            models.Index(fields=["person", "status"], name="certificate_person_status"),
            models.Index(fields=["township", "issued_on"], name="certificate_township_issued"),
            models.Index(fields=["status", "person", "valid_until", "last_verified_on"], name="certificate_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["township", "year", "sequence"], name="certificate_number_per_township_year"),
        ]

    def __str__(self):
        return self.number

    def long_term_on(self, day) -> bool:
        return self.long_term_from is not None and self.long_term_from <= day and (self.long_term_to is None or day < self.long_term_to)

    def state_on(self, day) -> str:
        """C3, C4: the state on a day (a certificate ended later was in use before that)."""
        if self.status != Status.ACTIVE and self.ended_on is not None and self.ended_on <= day:
            return self.status
        if self.long_term_on(day):
            return State.LONG_TERM
        if self.valid_until is not None and self.valid_until < day:
            return State.EXPIRED
        return State.VALID

    def get_state_display_on(self, day) -> str:
        return dict(State.choices)[self.state_on(day)]

    def valid_until_on(self, day):
        """The API's valid_until: null while long-term (C4)."""
        return None if self.long_term_on(day) else self.valid_until


class CertificateEntry(models.Model):
    """C5: one entry on the certificate, stamped by the unit that entered it."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="entries")
    entered_on = models.DateField("日期 entered on")
    kind = models.CharField("类别 kind", max_length=16, choices=EntryKind.choices)
    text = models.CharField("内容 text", max_length=500)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="盖章单位 stamped by")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certificate_id", "entered_on", "id"]
        verbose_name = "婚育证明记载 entry"


class Verification(models.Model):
    """C6: a verification of the certificate by the residence township (or village)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="verifications")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    verified_on = models.DateField("查验日期 verified on")
    result = models.CharField("结果 result", max_length=8, choices=Result.choices)
    notes = models.CharField("说明 notes", max_length=500, blank=True)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="查验单位 verified by")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certificate_id", "verified_on", "id"]
        verbose_name = "婚育证明查验 verification"
        indexes = [models.Index(fields=["person", "verified_on"], name="verification_person_day")]


class StatusProof(models.Model):
    """3-八-1: a proof of marital and childbearing status (婚育情况证明) by the hukou township."""

    number = models.CharField("编号 number", max_length=40, unique=True)
    township = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField("出具日期 issued on")
    requested_by = models.CharField("申请方 requested by", max_length=10, choices=[("self", "本人 herself"), ("residence", "现居住地乡镇 her residence township")])
    receiver = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="送达 sent to")
    marital_status = models.CharField(max_length=20, blank=True)
    spouse_name = models.CharField(max_length=50, blank=True)
    childbearing = models.CharField(max_length=200, blank=True)
    contraception = models.CharField(max_length=200, blank=True)
    message_id = models.IntegerField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-id"]


class ApplicationState(models.TextChoices):
    PENDING = "pending", "待乡镇办理 waiting for the township"
    ISSUED = "issued", "已发证 issued"
    REFUSED = "refused", "不予办理 refused"


class DoorApplication(models.Model):
    """C1, C2 (1-四-(二)), part 8 四: a certificate application a village took door to door (上门
    免费办理). The village records who took it, where and when, and, when a family member applies
    for a woman already gone, the applicant, the relationship and how her status was verified (C2);
    it waits in her hukou township's queue until the township issues against it (the certificate
    is linked) or refuses with a reason. Decided once: the state is never set back."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="申请人员 the woman")
    village = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="代收村（居） village that took it")
    township = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="发证乡镇 issuing township")
    taken_on = models.DateField("上门受理日期 taken on")
    place = models.CharField("上门地点 where", max_length=200)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="受理人 taken by")
    applicant = models.CharField("申请人 applicant", max_length=8, choices=Applicant.choices, default=Applicant.SELF)
    applicant_name = models.CharField("代办人 applicant name", max_length=50, blank=True)
    relationship = models.CharField("与本人关系 relationship", max_length=20, blank=True)
    status_verification = models.CharField("婚育情况核实 how her status was verified", max_length=200, blank=True)
    contraception = models.CharField("避孕节育 contraception", max_length=200, blank=True)
    notes = models.CharField("备注 notes", max_length=500, blank=True)
    state = models.CharField("状态 state", max_length=10, choices=ApplicationState.choices, default=ApplicationState.PENDING)
    decided_on = models.DateField("办理日期 decided on", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    refusal_reason = models.CharField("不予办理理由 reason", max_length=200, blank=True)
    certificate = models.OneToOneField(Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="door_application", verbose_name="所发证明 certificate")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "id"]
        verbose_name = "上门代收婚育证明申请 door-to-door application"
        indexes = [models.Index(fields=["township", "state", "taken_on"], name="door_app_queue")]
        constraints = [
            # One application at a time: a woman has at most one waiting.
            models.UniqueConstraint(fields=["person"], condition=models.Q(state="pending"), name="door_app_one_pending"),
            models.CheckConstraint(condition=~models.Q(state="issued") | models.Q(certificate__isnull=False), name="door_app_issued_has_certificate"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"上门〔{self.taken_on.year}〕第{self.pk}号"
