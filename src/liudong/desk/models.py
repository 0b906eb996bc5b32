"""Q1-Q9: a request at the query desk, its documents, the subjects searched, the matches shown,
the consent tasks of the stations where the subjects live, and the answers.

An Inquiry is also its line in the query register (Q8): date, requester's name and unit, reason,
documents, the subjects' names and sex, the result and the file number. The register is kept for
the retention of the set in force (`query_register_retention_days`) and purged by
`liudong inquiries purge`; the audit log keeps its own record of every step.
"""
from django.conf import settings
from django.db import models

from liudong.divisions.models import Division

from .choices import State, SubjectState

NAME_MAX = 50


class Inquiry(models.Model):
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="受理单位 desk")
    file_number = models.CharField("档案编号 file number", max_length=30, unique=True)
    category = models.CharField("查询类别 category", max_length=40)
    rule_set = models.CharField("规则集 set", max_length=60)
    state = models.CharField("状态 state", max_length=20, choices=State.choices)
    received_on = models.DateField("查询日期 date", db_index=True)
    received_at = models.DateTimeField("受理时间 received at")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requester_name = models.CharField("查询人姓名 requester", max_length=NAME_MAX)
    requester_unit = models.CharField("查询人单位 unit", max_length=200, blank=True)
    requester_id_document = models.CharField("证件名称 document", max_length=40, blank=True)
    requester_id_number = models.CharField("证件号码 document number", max_length=40, blank=True)
    requester_phone = models.CharField("联系电话 phone", max_length=20, blank=True)
    requester_address = models.CharField("联系地址 address", max_length=200, blank=True)
    reason = models.TextField("查询原因 reason", blank=True)
    relationship = models.CharField("与被查询人关系 relationship", max_length=200, blank=True)
    refusal_reason = models.TextField("不予受理原因 refusal reason", blank=True)
    routing = models.CharField("告知去向 routing", max_length=200, blank=True)
    notice_acknowledged_at = models.DateTimeField("已告知注意事项并签字 notice acknowledged", null=True, blank=True)
    approved_at = models.DateTimeField("批准时间 approved at", null=True, blank=True)
    approved = models.BooleanField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_on = models.DateField("答复日期 answered on", null=True, blank=True)
    flagged = models.BooleanField("短期内查询多人 flagged", default=False)

    class Meta:
        ordering = ["received_on", "id"]
        indexes = [models.Index(fields=["division", "received_on"], name="inquiry_desk_day")]
        verbose_name = "人口信息查询 inquiry"

    def __str__(self):
        return self.file_number


class InquiryDocument(models.Model):
    """Q2: a document the desk ticked as shown."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="documents")
    document = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inquiry", "document"], name="inquiry_document_once")]


class InquiryScan(models.Model):
    """Q8: the scan of a paper kept with the register (letter, card copy, agreement)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="scans")
    document = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    data = models.BinaryField()


class Subject(models.Model):
    """Q6: one person named by the requester (申请表: 被查询人信息), or the criteria of a count."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="subjects")
    position = models.PositiveSmallIntegerField()
    name = models.CharField("姓名 name", max_length=NAME_MAX, blank=True)
    match = models.CharField("同音/同字 match", max_length=12, blank=True)
    sex = models.CharField("性别 sex", max_length=1, blank=True)
    birth_date = models.DateField("出生日期 birth date", null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    id_number = models.CharField("身份证号码 ID number", max_length=18, blank=True)
    native_place = models.CharField("籍贯或出生地 native place", max_length=100, blank=True)
    area_or_occupation = models.CharField("居住地址或单位职业 area or occupation", max_length=200, blank=True)
    population = models.CharField("常住/暂住 population", max_length=10, blank=True)
    state = models.CharField("状态 state", max_length=20, choices=SubjectState.choices, default=SubjectState.PENDING)
    match_count = models.PositiveIntegerField(null=True, blank=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    count = models.PositiveIntegerField("统计数字 count", null=True, blank=True)
    answer = models.JSONField("答复内容 answer", null=True, blank=True)

    class Meta:
        ordering = ["inquiry_id", "position"]
        constraints = [models.UniqueConstraint(fields=["inquiry", "position"], name="subject_position_once")]


class Candidate(models.Model):
    """Q6: one of several persons matching a subject, shown masked for the desk to choose."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["subject", "person"], name="candidate_once")]


class ConsentTask(models.Model):
    """Q7: the police station where the subject lives asks her whether she consents (Q3 (f)).

    Issue 16: where she lives on another node, the desk's task leaves for that node (a `consent`
    envelope, desk.node_consent) under `global_id`, and the station's node keeps a copy under the
    same id: no subject there (the request stays with the desk, Q7: 首接负责), her record on that
    node as `person`, and what the station shows her (the desk, file number, requester,
    relationship, reason, the fields the category may tell). The answer goes back; the desk's
    clock decides whether it came in time."""

    subject = models.OneToOneField(Subject, null=True, blank=True, on_delete=models.CASCADE, related_name="consent_task")
    station = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+", verbose_name="派出所 station")
    created_on = models.DateField()
    due_on = models.DateField("答复期限 due on")
    answered_on = models.DateField(null=True, blank=True)
    granted = models.BooleanField(null=True, blank=True)
    fields = models.JSONField(default=list, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Issue 16: the envelope that carried the task between the desk's node and the station's.
    global_id = models.CharField("全局编号 global id", max_length=32, null=True, blank=True, unique=True)
    # The copy on the station's node (subject is None): her record here and what the desk sent.
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    desk = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="受理单位 desk")
    file_number = models.CharField("档案编号 file number", max_length=30, blank=True)
    requester_name = models.CharField("查询人姓名 requester", max_length=NAME_MAX, blank=True)
    relationship = models.CharField("与被查询人关系 relationship", max_length=200, blank=True)
    reason = models.TextField("查询原因 reason", blank=True)
    offered = models.JSONField("可提供的字段 fields the category may tell", default=list, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["station", "answered_on"], name="consent_station_open")]

    # What the station sees, from the request here or from the copy's own fields.
    @property
    def whom(self):
        return self.subject.person if self.subject_id else self.person

    @property
    def whom_id(self):
        return self.subject.person_id if self.subject_id else self.person_id

    @property
    def request(self) -> dict:
        if self.subject_id:
            i = self.subject.inquiry
            return {"file_number": i.file_number, "desk": i.division_id, "requester_name": i.requester_name, "relationship": i.relationship, "reason": i.reason}
        return {"file_number": self.file_number, "desk": self.desk_id, "requester_name": self.requester_name, "relationship": self.relationship, "reason": self.reason}
