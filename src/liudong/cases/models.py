"""B1-B6, F1-F4: the birth and fee cases, built on the exchange (messages carry case_type/case_id).

Each case keeps the date whose rules judge it (`rules_on`, P1: the day it began) and the name of
the rule set in force then, so a case opened under one set keeps that set's deadlines and basis.
Decisions are history (invariant 6): every decision of a birth registration is a row of
BirthDecision, and the case's current state is kept in step in the same transaction.
"""
from django.conf import settings
from django.db import models

# Message.case_type of the messages each case opens.
BIRTH = "birth_registration"
SECOND_BIRTH = "second_birth"
FEE = "fee_consultation"
CASE_TYPES = (BIRTH, SECOND_BIRTH, FEE)


class Basis(models.TextChoices):
    """B1 / national-2016: what a registration rests on (policy value birth.registration_basis)."""

    DOCUMENTS = "documents", "证明材料 documents"
    COMMITMENT = "commitment", "本人承诺 commitment"


class Document(models.TextChoices):
    """B1: the documents checklist. Under a commitment basis the hukou place's proof is replaced by
    the applicant's signed commitment (承诺书)."""

    WOMAN_ID = "woman_id", "女方身份证 woman's ID card"
    HUSBAND_ID = "husband_id", "男方身份证 husband's ID card"
    MARRIAGE = "marriage", "结婚证 marriage certificate"
    PROOF = "proof", "户籍地婚育情况证明 hukou place's marital/childbearing proof"
    COMMITMENT = "commitment", "本人签署的承诺书 applicant's signed commitment"


# The documents each basis requires (B1; national-2016 承诺制).
REQUIRED_DOCUMENTS = {
    Basis.DOCUMENTS: (Document.WOMAN_ID, Document.HUSBAND_ID, Document.MARRIAGE, Document.PROOF),
    Basis.COMMITMENT: (Document.WOMAN_ID, Document.HUSBAND_ID, Document.MARRIAGE, Document.COMMITMENT),
}


class BirthState(models.TextChoices):
    RECEIVED = "received", "已受理 received"
    POSTPONED = "postponed", "暂缓登记 postponed"
    REGISTERED = "registered", "已登记 registered"
    REFUSED = "refused", "不予登记 refused"


OPEN_BIRTH_STATES = (BirthState.RECEIVED, BirthState.POSTPONED)


class Decision(models.TextChoices):
    """B4: complete and correct: register; incomplete or wrong: postpone; against the policy: refuse."""

    REGISTER = "register", "登记 register"
    POSTPONE = "postpone", "暂缓 postpone"
    REFUSE = "refuse", "不予登记 refuse"


DECISION_STATE = {Decision.REGISTER: BirthState.REGISTERED, Decision.POSTPONE: BirthState.POSTPONED, Decision.REFUSE: BirthState.REFUSED}


class BirthRegistration(models.Model):
    """B1-B5: a birth service registration recorded by the woman's residence township (or, B5's
    second clause, by her hukou township)."""

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="登记单位 registering township")
    woman = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="女方 woman")
    husband = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="男方 husband")
    husband_hukou = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="男方户籍地 husband's hukou place")
    # Where the requests and notifications go (B2, B5), fixed when the materials were received.
    woman_hukou_place = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="女方户籍地乡镇 woman's hukou township")
    husband_hukou_place = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="男方户籍地乡镇 husband's hukou township")
    residence_place = models.ForeignKey("divisions.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="现居住地乡镇 residence township")
    at_hukou_place = models.BooleanField("在户籍地登记 registered at the hukou place", default=False)
    received_on = models.DateField("材料受理日期 materials received on")
    child_order = models.PositiveSmallIntegerField("孩次 child order")
    expected_birth_on = models.DateField("预产期 expected birth", null=True, blank=True)
    birth_on = models.DateField("出生日期 actual birth", null=True, blank=True)
    doc_woman_id = models.BooleanField(Document.WOMAN_ID.label, default=False)
    doc_husband_id = models.BooleanField(Document.HUSBAND_ID.label, default=False)
    doc_marriage = models.BooleanField(Document.MARRIAGE.label, default=False)
    doc_proof = models.BooleanField(Document.PROOF.label, default=False)
    doc_commitment = models.BooleanField(Document.COMMITMENT.label, default=False)
    # B1: the hukou township's proof of marital and childbearing status (3-八-1) the case cites,
    # when the system holds it (certificates.StatusProof): the proof paper is then not asked again.
    status_proof = models.ForeignKey("certificates.StatusProof", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="所引婚育情况证明 cited status proof")
    notes = models.TextField("备注 notes", blank=True)
    # P1: judged by the rules of the day the materials were received.
    rules_on = models.DateField("适用规则日期 rules of")
    rule_set = models.CharField("规则集 rule set", max_length=60)
    basis = models.CharField("登记依据 basis", max_length=12, choices=Basis.choices)
    state = models.CharField("状态 state", max_length=12, choices=BirthState.choices, default=BirthState.RECEIVED)
    decided_on = models.DateField("决定日期 decided on", null=True, blank=True)
    # B4 "即时办理": the day the materials became complete for the basis (at receipt, or when the
    # missing paper came in); a postponement (incomplete or wrong) clears it. With decided_on of a
    # registration it shows whether the registration was made on that working day.
    complete_on = models.DateField("材料齐全日期 materials complete on", null=True, blank=True)
    reasons = models.TextField("理由/所缺材料 reasons or missing papers", blank=True)
    created_at = models.DateTimeField("创建时间 created at")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "生育服务登记 birth service registration"
        indexes = [
            models.Index(fields=["division", "state", "received_on"], name="birth_division_state"),
            models.Index(fields=["woman"], name="birth_woman"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(child_order__gte=1), name="birth_child_order_positive"),
            models.CheckConstraint(condition=models.Q(decided_on__isnull=True) | models.Q(decided_on__gte=models.F("received_on")), name="birth_decided_after_received"),
            models.CheckConstraint(condition=models.Q(complete_on__isnull=True) | models.Q(complete_on__gte=models.F("received_on")), name="birth_complete_after_received"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        """The case number printed on letters: 生登〔YEAR〕第N号."""
        return f"生登〔{self.received_on.year}〕第{self.pk}号"

    @property
    def documents(self) -> list[str]:
        return [d.value for d in Document if getattr(self, f"doc_{d.value}")]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_BIRTH_STATES

    @property
    def register_by(self):
        """B4 "即时办理": a case complete for its basis is registered on that working day (materials
        completed on a rest day: the next working day). None while the materials are not complete."""
        if self.complete_on is None:
            return None
        from liudong.policy.calendar import add_working_days, is_working_day

        return self.complete_on if is_working_day(self.complete_on) else add_working_days(self.complete_on, 1)

    @property
    def registered_at_once(self) -> bool | None:
        """B4: was the registration made on the working day the materials were complete? None for a
        case not registered (or registered before this was recorded)."""
        if self.state != BirthState.REGISTERED or self.complete_on is None or self.decided_on is None:
            return None
        return self.decided_on <= self.register_by


class BirthDecision(models.Model):
    """B4: one decision on a registration, kept as history (invariant 6)."""

    case = models.ForeignKey(BirthRegistration, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField("决定 decision", max_length=10, choices=Decision.choices)
    decided_on = models.DateField("决定日期 decided on")
    reasons = models.TextField("理由/所缺材料 reasons or missing papers", blank=True)
    documents = models.JSONField("当时的材料 documents at the time", default=list)
    decided_at = models.DateTimeField("办理时间 recorded at")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case_id", "decided_on", "id"]
        verbose_name = "生育服务登记决定 registration decision"


class SecondBirthDecision(models.TextChoices):
    APPROVED = "approved", "批准 approved"
    NOT_APPROVED = "not_approved", "不批准 not approved"


class SecondBirthResult(models.Model):
    """B6: a second-birth (再生育) decision made at the woman's hukou township, whose result reaches
    her residence township within the policy's working days."""

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="审批单位 hukou township")
    woman = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="女方 woman")
    residence_place = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="现居住地乡镇 residence township")
    decision = models.CharField("审批结果 decision", max_length=12, choices=SecondBirthDecision.choices)
    child_order = models.PositiveSmallIntegerField("孩次 child order", default=2)
    decided_on = models.DateField("审批日期 decided on")
    certificate_number = models.CharField("证明编号 certificate number", max_length=40, blank=True)
    notes = models.TextField("备注 notes", blank=True)
    rules_on = models.DateField("适用规则日期 rules of")
    rule_set = models.CharField("规则集 rule set", max_length=60)
    created_at = models.DateTimeField("创建时间 created at")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = "再生育审批结果 second-birth result"
        indexes = [models.Index(fields=["division", "decided_on"], name="second_birth_division")]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"再审〔{self.decided_on.year}〕第{self.pk}号"


class FeeConsultation(models.Model):
    """F1-F4: before deciding a levy, the residence (or discovering) county consults the party's
    hukou county, which answers within the policy's working days of receiving the documents."""

    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="征询县 consulting county")
    hukou_county = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="户籍地县 hukou county")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="当事人 party")
    started_on = models.DateField("协商开始日期 started on")
    # F3: the contents of the consultation.
    basic_facts = models.TextField("当事人基本情况 basic facts")
    actual_income = models.DecimalField("实际收入（元/年） actual income (yuan/year)", max_digits=14, decimal_places=2)
    urban_income = models.DecimalField("当地城镇居民人均可支配收入 urban per-capita disposable income", max_digits=14, decimal_places=2)
    rural_income = models.DecimalField("当地农村居民人均纯收入 rural per-capita net income", max_digits=14, decimal_places=2)
    proposed_levy = models.DecimalField("拟征收数额（元） proposed levy (yuan)", max_digits=14, decimal_places=2)
    other_matters = models.TextField("其他事项 other matters", blank=True)
    # F4: the consultation letter itself (channel, arrival per X5, evidence, the F2 deadline).
    message = models.OneToOneField("exchange.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="协商函 consultation letter")
    answer_agrees = models.BooleanField("户籍地意见：同意 hukou county agrees", null=True, blank=True)
    answer_opinion = models.TextField("户籍地意见 hukou county's opinion", blank=True)
    answered_on = models.DateField("回复日期 answered on", null=True, blank=True)
    rules_on = models.DateField("适用规则日期 rules of")
    rule_set = models.CharField("规则集 rule set", max_length=60)
    created_at = models.DateTimeField("创建时间 created at")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "社会抚养费协商征收 fee consultation"
        indexes = [
            models.Index(fields=["division", "started_on"], name="fee_division"),
            models.Index(fields=["hukou_county", "started_on"], name="fee_hukou_county"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(proposed_levy__gte=0), name="fee_levy_not_negative")]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"协征〔{self.started_on.year}〕第{self.pk}号"
