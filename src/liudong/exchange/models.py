"""X1-X5: a message between two places about a person, with the clock the law gives the receiver
(or, for a message the system opened on a case, the sender) to act.

One row per message. A reply is a message too, linked to the request it answers. The deadline in
force is `due_on` (the send-by date of a draft, the answer-by date of a request), so the daily tick
and every inbox are index range scans on (state, due_on).
"""
from django.conf import settings
from django.db import models

from liudong.people.choices import Relation


class Kind(models.TextChoices):
    VERIFICATION = "verification", "核实 verification request"
    REPLY = "reply", "反馈 reply"
    NOTIFICATION = "notification", "通报 notification"
    CONTRACEPTION_REPORT = "contraception_report", "避孕节育情况报告 contraception status report"
    POLICY_NOTICE = "policy_notice", "政策通报 policy notice"
    CLUE = "clue", "两非线索 clue (illegal sex identification or selection)"
    CORRESPONDENCE = "correspondence", "案件函件 case correspondence"
    FEE_CONSULTATION = "fee_consultation", "协商征收函 fee consultation"
    # Made by exchange.claims, never written freely: the receiver accepts or disputes them.
    ARRIVAL_CLAIM = "arrival_claim", "到达申报 arrival claim"
    FAMILY_LINK = "family_link", "亲属关系确认 family link to confirm"
    # Issue 14, T1: an approved statistical report passing up from the township to the county and
    # on; made by liudong.statistics, signed for, not answered.
    REPORT = "report", "统计报表 statistical report"
    # Issue 14, T4: a monthly bulletin on how the system is used, sent to the level below.
    BULLETIN = "bulletin", "工作通报 bulletin"


class Channel(models.TextChoices):
    SYSTEM = "system", "系统 system"
    LETTER = "letter", "挂号信 registered letter"
    FAX = "fax", "传真 fax"
    PHONE = "phone", "电话 phone"


class State(models.TextChoices):
    DRAFT = "draft", "待发送 to send"
    SENT = "sent", "已发送 sent"
    RECEIVED = "received", "已签收 received"
    ANSWERED = "answered", "已反馈 answered"
    OVERDUE = "overdue", "已超期 overdue"
    CLOSED = "closed", "已办结 closed"
    # B2: a county that received a request for one of its townships passed it on (exchange.forward).
    FORWARDED = "forwarded", "已转交 forwarded"


class Topic(models.TextChoices):
    """X1 (part 3, 三): what the hukou and residence places exchange about a married woman of
    childbearing age. A closed list on every message of the exchange, so that the figures can be
    counted by topic (T3); arrival claims and family links (registry confirmations) have none."""

    MARRIAGE = "marriage", "婚姻 marriage"
    BIRTHS = "births", "生育 births"
    REPRODUCTIVE_HEALTH = "reproductive_health", "生殖保健服务 reproductive health services"
    CONTRACEPTION = "contraception", "避孕节育 contraception"
    CERTIFICATE = "certificate", "持证 certificate"
    FEE = "fee", "缴纳社会抚养费 social maintenance fee"


class ClaimState(models.TextChoices):
    RECORDED = "recorded", "已直接登记 recorded (her place was the claimant's)"
    PENDING = "pending", "待确认 pending"
    ACCEPTED = "accepted", "已确认 accepted"
    DISPUTED = "disputed", "有异议 disputed"
    WITHDRAWN = "withdrawn", "已撤回 withdrawn"
    VOID = "void", "未生效 void"


# Registry confirmations (exchange.claims), not part 3's exchange: no topic.
UNTOPICAL_KINDS = ("arrival_claim", "family_link", "report", "bulletin")
OPEN_STATES = (State.DRAFT, State.SENT, State.RECEIVED, State.OVERDUE)
# States whose deadline can still pass: the daily tick looks only at these.
RUNNING_STATES = (State.DRAFT, State.SENT, State.RECEIVED)


class Message(models.Model):
    kind = models.CharField("类型 type", max_length=24, choices=Kind.choices)
    sender = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="发件单位 sender")
    receiver = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="收件单位 receiver")
    # X2: the divisions the message passes through, codes joined by ">" (sender > province [> nation > province] > receiver).
    route = models.CharField("路由 route", max_length=80)
    via_nation = models.BooleanField("经国家 via the nation", default=False)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="当事人 person")
    # Issue 16: the identifying fields a message from another node carried (name, ID number, sex,
    # birth date, hukou division), as that node sent them; the receiving clerk sees them and may
    # register her from them (exchange.remote.register_carried) where this node has no record.
    carried = models.JSONField("随函当事人身份 person as sent", default=dict, blank=True)
    subject = models.CharField("标题 subject", max_length=200)
    body = models.TextField("内容 body", blank=True)
    topic = models.CharField("主题 topic", max_length=24, choices=Topic.choices, blank=True)
    channel = models.CharField("方式 channel", max_length=10, choices=Channel.choices, blank=True)
    # X5: when it arrived, by channel: letter at the registered-mail signing date, fax at its marked
    # receiving time, phone at the call time, system at delivery. The clock counts from arrived_on.
    sent_at = models.DateTimeField("发出时间 sent at", null=True, blank=True)
    sent_on = models.DateField("发出日期 sent on", null=True, blank=True)
    arrived_at = models.DateTimeField("送达时间 arrived at", null=True, blank=True)
    arrived_on = models.DateField("送达日期 arrived on", null=True, blank=True)
    evidence = models.CharField("送达凭证 evidence", max_length=300, blank=True, help_text="挂号信单号、传真回执、通话记录 / mail number, fax report, call record")
    send_due_on = models.DateField("应发出日期 send by", null=True, blank=True)
    reply_due_on = models.DateField("应反馈日期 answer by", null=True, blank=True)
    due_on = models.DateField("期限 due", null=True, blank=True)
    state = models.CharField("状态 state", max_length=10, choices=State.choices)
    overdue_on = models.DateField("超期日期 overdue on", null=True, blank=True)
    received_at = models.DateTimeField("签收时间 signed for at", null=True, blank=True)
    answered_at = models.DateTimeField("反馈时间 answered at", null=True, blank=True)
    answered_on = models.DateField("反馈日期 answered on", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间 closed at", null=True, blank=True)
    close_reason = models.CharField("办结原因 close reason", max_length=200, blank=True)
    # X3: the day the sender withdrew it (exchange.services.close). Withdrawn after its deadline,
    # the miss stays a miss (overdue_on is kept, and T3 counts it overdue, not withdrawn).
    withdrawn_on = models.DateField("撤回日期 withdrawn on", null=True, blank=True)
    in_reply_to = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reply", verbose_name="答复的函件 answers")
    # B2: the request a county passed on to one of its townships, of which this is the copy.
    forwarded_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="forwarded_to", verbose_name="转交自 forwarded from")
    # P1: the date whose rules judge this message (the day its case began, else the day it was written).
    rules_on = models.DateField("适用规则日期 rules of")
    rule_set = models.CharField("规则集 rule set", max_length=60, blank=True)
    case_type = models.CharField("业务 case type", max_length=30, blank=True)
    case_id = models.BigIntegerField("业务编号 case id", null=True, blank=True)
    created_at = models.DateTimeField("创建时间 created at")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-id"]
        verbose_name = "函件 message"
        indexes = [
            models.Index(fields=["state", "due_on"], name="message_state_due"),
            models.Index(fields=["receiver", "state", "due_on"], name="message_inbox"),
            models.Index(fields=["sender", "state", "due_on"], name="message_outbox"),
            models.Index(fields=["receiver", "arrived_on"], name="message_received_on"),
            models.Index(fields=["sender", "sent_on"], name="message_sent_on"),
            models.Index(fields=["case_type", "case_id"], name="message_case"),
            # T3's indexes (and PostgreSQL statistics) differ by database: migration 0002_timeliness_indexes.
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(sender=models.F("receiver")), name="message_not_to_self"),
            models.CheckConstraint(condition=models.Q(arrived_at__isnull=True) | models.Q(sent_at__isnull=True) | models.Q(arrived_at__gte=models.F("sent_at")), name="message_arrives_after_sent"),
            # X1: every message of the exchange has its topic; only registry confirmations (and the
            # answers to them, which take their request's) have none.
            models.CheckConstraint(condition=~models.Q(topic="") | models.Q(kind__in=UNTOPICAL_KINDS + ("reply",)), name="message_has_topic"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject}"

    @property
    def expects_reply(self) -> bool:
        return self.reply_due_on is not None


class Attachment(models.Model):
    """A scan or the evidence of arrival (X5), kept in the database with the message, so a message
    and its papers are written or refused together."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField("文件名 file name", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    is_evidence = models.BooleanField("送达凭证 evidence of arrival", default=False)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = "附件 attachment"


class ArrivalClaim(models.Model):
    """Hole 1: a place where a person arrived, while her residence (or her record) lies with another
    place, claims her. Her open residence stays where it is until that place accepts (or lets the
    claim lapse); then the residence history records the claim's own dates and fields, with the
    claimant as the recording division. Until then the claimant sees her identity fields and what
    it collected, never her record."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="当事人 person")
    # What the claimant presented (she was in front of the collector), as the lookup normalised it.
    document_type = models.CharField("证件类型 document", max_length=20)
    document_number = models.CharField("证件号码 document number", max_length=40)
    claimant = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="申报单位 claimant")
    # The arrival as the claimant collected it (people.services.record_arrival's fields).
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="居住地 division")
    address = models.CharField("居住地址 address", max_length=200, blank=True)
    arrived_on = models.DateField("到达日期 arrived on")
    housing = models.ForeignKey("people.RentalHousing", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey("people.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("流动原因 reason", max_length=20, blank=True)
    intended_stay = models.CharField("拟居住时间 intended stay", max_length=10, blank=True)
    expects_return = models.BooleanField("预期返回户籍地 expected to return", default=False)
    state = models.CharField("状态 state", max_length=10, choices=ClaimState.choices)
    message = models.OneToOneField(Message, null=True, blank=True, on_delete=models.PROTECT, related_name="arrival_claim")
    residence = models.ForeignKey("people.Residence", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="登记的居住 residence opened")
    answer = models.CharField("答复 answer", max_length=200, blank=True, help_text="异议或未生效的原因 / the dispute's reason, or why it did not apply")
    created_at = models.DateTimeField("申报时间 claimed at")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间 decided at", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-id"]
        verbose_name = "到达申报 arrival claim"
        indexes = [
            models.Index(fields=["claimant", "state"], name="claim_claimant_state"),
            models.Index(fields=["person", "state"], name="claim_person_state"),
        ]


class FamilyProposal(models.Model):
    """Hole 3: a family link between a person in the proposer's scope and a relative recorded by
    another place; written (both ways) when the relative's place accepts."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="本人 person")
    relative = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="亲属 relative")
    relation = models.CharField("关系 relation", max_length=10, choices=Relation.choices, help_text="what the relative is to the person")
    proposer = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name="提出单位 proposer")
    state = models.CharField("状态 state", max_length=10, choices=ClaimState.choices)
    message = models.OneToOneField(Message, null=True, blank=True, on_delete=models.PROTECT, related_name="family_proposal")
    answer = models.CharField("答复 answer", max_length=200, blank=True)
    created_at = models.DateTimeField("提出时间 proposed at")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间 decided at", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-id"]
        verbose_name = "亲属关系确认 family link proposal"
        indexes = [models.Index(fields=["proposer", "state"], name="family_proposal_proposer")]
