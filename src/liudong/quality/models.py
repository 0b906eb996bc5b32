"""R8: probable twins found by a scan, and merges (with what each moved, so it can be undone)."""
from django.db import models

from liudong.people.models import Person

from .choices import BackcheckKind, BatchState, HoldState, BackcheckResult, CandidateState, Decision, MergeState, ReconSide, ReconSource, ReviewObject, ReviewState, ReviewStep


class Candidate(models.Model):
    """A probable duplicate pair found by a scan of a division (dedup.py); a < b."""

    a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="人员甲 person a")
    b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="人员乙 person b")
    score = models.FloatField("相似度 score")
    division = models.CharField("查重区划 division", max_length=12, help_text="the division whose scan found it")
    state = models.CharField("状态 state", max_length=10, choices=CandidateState.choices, default=CandidateState.OPEN)
    found_on = models.DateField("发现日期 found on")
    decided_on = models.DateField("处理日期 decided on", null=True, blank=True)
    decided_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["division", "state", "score"], name="candidate_division_state")]
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="candidate_unique_pair"),
            models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="candidate_a_before_b"),
        ]
        verbose_name = "疑似重复 duplicate candidate"


class Merge(models.Model):
    """One merge of `merged` into `survivor` (history, not an overwrite: invariant 6). `moved`
    lists every row pointed at the survivor ([model, id, field]) and `kept` those left on the
    merged-away record; `fields` the provenance of each field the survivor took from her
    ({field: {"from": person id, "value": ..., "was": ...}}); `closed` the open residence the
    reviewer ended. An undo puts all of it back, except what changed on the survivor since."""

    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="merges")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="保留记录 survivor")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="被合并记录 merged away")
    state = models.CharField("状态 state", max_length=10, choices=MergeState.choices, default=MergeState.DONE)
    merged_on = models.DateField("合并日期 merged on")
    merged_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=list)
    kept = models.JSONField(default=list)
    fields = models.JSONField(default=dict)
    closed = models.JSONField(default=list)
    undone_on = models.DateField("撤销日期 undone on", null=True, blank=True)
    undone_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    undo_report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-merged_on", "-id"]
        indexes = [models.Index(fields=["merged", "state"], name="merge_merged_state")]
        verbose_name = "合并 merge"


class Review(models.Model):
    """R6: one collected form going through the review chain. `steps` is the chain in force for
    its village on the day it was submitted (policy value review.chain); `step_index` the step
    whose signature is awaited. The record itself is usable at once and shows this state."""

    object_type = models.CharField("表单 form", max_length=10, choices=ReviewObject.choices)
    object_id = models.PositiveBigIntegerField()
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="人员 person")
    division = models.CharField("采集村居 village", max_length=12)
    collector = models.ForeignKey("accounts.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="信息员 collector")
    steps = models.JSONField(default=list)
    township_signatures = models.PositiveSmallIntegerField(default=2)
    step_index = models.PositiveSmallIntegerField(default=0)
    state = models.CharField("状态 state", max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING)
    reason = models.CharField("退回原因 reason", max_length=200, blank=True)
    submitted_on = models.DateField("提交日期 submitted on")
    waiting_since = models.DateField("本步开始 waiting since")
    submissions = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["waiting_since", "id"]
        indexes = [models.Index(fields=["division", "state", "step_index"], name="review_queue")]
        verbose_name = "审核 review"

    @property
    def step(self) -> str:
        return self.steps[self.step_index] if self.state == ReviewState.PENDING and self.step_index < len(self.steps) else ""


class Signature(models.Model):
    """R6: who signed (or returned) which step, and when; never changed."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="signatures")
    submission = models.PositiveSmallIntegerField(default=1)
    step = models.CharField(max_length=20, choices=ReviewStep.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.CharField(max_length=200, blank=True)
    signed_by = models.ForeignKey("accounts.Staff", on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField()
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["review_id", "signed_at", "id"]


class BackcheckDraw(models.Model):
    """R7: one month's draw for a division; `seed` drawn again gives the same items (shown to an
    inspector)."""

    division = models.CharField("区划 division", max_length=12)
    period = models.CharField("月份 period", max_length=7, help_text="YYYY-MM")
    seed = models.BigIntegerField("随机种子 seed")
    sample_percent = models.PositiveSmallIntegerField("抽样比例 % sample")
    drawn_on = models.DateField()
    drawn_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [models.UniqueConstraint(fields=["division", "period", "seed"], name="backcheck_draw_unique")]


class BackcheckItem(models.Model):
    """R7: one record to re-visit, with its result field by field."""

    draw = models.ForeignKey(BackcheckDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=14, choices=BackcheckKind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    collector = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    village = models.CharField(max_length=12)
    housing = models.ForeignKey("people.RentalHousing", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=7)
    result = models.CharField(max_length=10, choices=BackcheckResult.choices, blank=True)
    corrected_fields = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=200, blank=True)
    checked_on = models.DateField(null=True, blank=True)
    checked_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["village", "period"], name="backcheck_village_period")]


class ColumnMapping(models.Model):
    """Issue 15 parts 4-5: the column mapping saved for a source's files in a division."""

    division = models.CharField(max_length=12)
    source = models.CharField(max_length=20)
    mapping = models.JSONField(default=dict)
    saved_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["division", "source"], name="column_mapping_unique")]


class Reconciliation(models.Model):
    """R9: one source's births of a township and month checked against the registry."""

    division = models.CharField("乡镇 township", max_length=12)
    period = models.CharField("月份 period", max_length=7)
    source = models.CharField("来源 source", max_length=20, choices=ReconSource.choices)
    file_name = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    uploaded_on = models.DateField()
    uploaded_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period", "-id"]


class ReconItem(models.Model):
    """R9: a birth one side has and the other lacks: a to-do for the clerk."""

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.PROTECT, related_name="items")
    side = models.CharField(max_length=14, choices=ReconSide.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    row_number = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(max_length=50, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    mother_name = models.CharField(max_length=50, blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    resolved_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reconciliation_id", "side", "id"]


class ImportMapping(models.Model):
    """Issue 15 part 4: how the people files of one source (another system's export) name their
    columns, saved by a division for its staff: {our field: the file's column header}."""

    division = models.CharField("所属区划 owner division", max_length=12)
    source = models.CharField("来源 source", max_length=60)
    mapping = models.JSONField(default=dict)
    # The source's own values of a field, as ours: {field: {its value: our value}} (sex as 1/2, its
    # codes of education ...); a value of a mapped field it does not list refuses the row.
    values = models.JSONField("取值映射 value mappings", default=dict, blank=True)
    saved_on = models.DateField()
    saved_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["division", "source"]
        constraints = [models.UniqueConstraint(fields=["division", "source"], name="import_mapping_unique")]
        verbose_name = "导入列映射 import mapping"


class ImportBatch(models.Model):
    """Issue 15 part 4: one people import kept as a whole. Every person and residence it created,
    every registered person it gave a period and every row its listeners wrote is an ImportLink;
    `rollback` removes them together within the policy window (import.rollback_days)."""

    division = models.CharField("导入单位 division", max_length=12)
    source = models.CharField("来源 source", max_length=60, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    state = models.CharField("状态 state", max_length=12, choices=BatchState.choices, default=BatchState.DONE)
    imported_on = models.DateField("导入日期 imported on")
    imported_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField("新建 new", default=0)
    matched = models.PositiveIntegerField("匹配 matched", default=0)
    held = models.PositiveIntegerField("待定 uncertain", default=0)
    refused = models.PositiveIntegerField("拒绝 refused", default=0)
    residences = models.PositiveIntegerField(default=0)
    refused_rows = models.JSONField(default=list, blank=True, help_text="[[row, [messages]], ...] (capped)")
    rolled_back_on = models.DateField(null=True, blank=True)
    rolled_back_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rollback_report = models.JSONField(default=dict, blank=True)
    # The background job (liudong.jobs) that imported a file too long for the request, if any: its
    # page turns into this batch's once the job is done.
    job = models.PositiveIntegerField("后台任务 job", null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-imported_on", "-id"]
        indexes = [models.Index(fields=["division", "imported_on"], name="import_batch_division")]
        verbose_name = "导入批次 import batch"


class ImportLink(models.Model):
    """One row an import batch created ("created") or one registered person whose current place
    it changed ("changed", `was` = [residence division, floating] before). `fingerprint` is a hash
    of the row as the batch left it: a row changed since is a later act the rollback respects."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="links")
    model = models.CharField(max_length=60)
    object_id = models.BigIntegerField()
    change = models.CharField(max_length=8)
    was = models.JSONField(null=True, blank=True)
    fingerprint = models.BigIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["model", "object_id"], name="import_link_object"),
                   models.Index(fields=["batch", "model"], name="import_link_batch")]


class ImportHold(models.Model):
    """A row an import kept back instead of creating a new record: a registered person has the
    same-sound name, birth date, sex and hukou county and no ID number tells them apart. The row
    (as read) waits for a clerk, who takes it as that person or as a new one."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="holds")
    row_number = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    candidates = models.JSONField(default=list, help_text="person ids")
    state = models.CharField("状态 state", max_length=10, choices=HoldState.choices, default=HoldState.OPEN)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["batch_id", "row_number"]
        indexes = [models.Index(fields=["state", "batch"], name="import_hold_state")]
        verbose_name = "导入待定 held import row"


class OutsideTwin(models.Model):
    """R8 with the structure issue's arrival claim: a sure twin outside the area of the clerk who
    met it - a held import row's candidate she does not see, or a scan's sure pair whose other
    record lies elsewhere. Never merged silently: her place is asked through an arrival claim
    (`claim`); when whoever met it may not claim arrivals (a county officer's scan), the row is a
    to-do for a township clerk of `division` (the place of the record inside), who claims from it.
    Once the claim is accepted, the held row is taken as that person (the claim wrote her
    residence) and a scan's pair is an ordinary candidate of both records' place."""

    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="outside_twins")
    hold = models.ForeignKey(ImportHold, null=True, blank=True, on_delete=models.PROTECT, related_name="outside_twins")
    inside = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="the record in the area (a scan's pair)")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name="区外记录 the record outside")
    division = models.CharField("待申报的区划 division to claim from", max_length=12)
    claim = models.ForeignKey("exchange.ArrivalClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_on = models.DateField()
    created_by = models.ForeignKey("accounts.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["division", "claim"], name="outside_twin_todo")]
        constraints = [models.CheckConstraint(condition=models.Q(candidate__isnull=False) | models.Q(hold__isnull=False), name="outside_twin_of_something")]
        verbose_name = "区外疑似重复 sure twin outside the area"
