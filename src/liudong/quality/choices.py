"""Workflow states of liudong.quality as named constants, and their tables (style 6, 13)."""
from django.db import models


class CandidateState(models.TextChoices):
    OPEN = "open", "待审核 open"
    MERGED = "merged", "已合并 merged"
    DISMISSED = "dismissed", "不是同一人 not the same person"


class MergeState(models.TextChoices):
    DONE = "done", "已合并 merged"
    UNDONE = "undone", "已撤销 undone"


# (state, act) -> next state (R8). An undone merge reopens its candidate.
CANDIDATE_NEXT = {
    (CandidateState.OPEN, "merge"): CandidateState.MERGED,
    (CandidateState.OPEN, "dismiss"): CandidateState.DISMISSED,
    (CandidateState.MERGED, "undo"): CandidateState.OPEN,
}
MERGE_NEXT = {(MergeState.DONE, "undo"): MergeState.UNDONE}


class ReviewState(models.TextChoices):
    PENDING = "pending", "待审核 pending"
    RETURNED = "returned", "已退回 returned"
    APPROVED = "approved", "已审核 approved"


class ReviewStep(models.TextChoices):
    """R6 (part 6 四-4): 小组组长 → 管区民警 → 乡流管办 (two experienced reviewers)."""
    GROUP_LEADER = "group_leader", "组长审核 group leader"
    POLICE = "police", "管区民警审核 area police officer"
    TOWNSHIP = "township", "乡镇审查 township office"


class ReviewObject(models.TextChoices):
    PERSON = "person", "人员登记 new person"
    ARRIVAL = "arrival", "到达登记 arrival"
    MOVE = "move", "迁移登记 move"
    RETURN = "return", "返回登记 return"
    HOUSING = "housing", "出租房屋登记 rental home"
    EMPLOYER = "employer", "用工单位登记 employer"


class Decision(models.TextChoices):
    APPROVE = "approve", "审核通过 approve"
    RETURN = "return", "退回 return"


# (state, act) -> next state of a review (style 13). "sign" moves a step on or ends approved; the
# last step's sign is the same act (services decides whether steps remain).
REVIEW_NEXT = {
    (ReviewState.PENDING, "approve"): ReviewState.PENDING,
    (ReviewState.PENDING, "return"): ReviewState.RETURNED,
    (ReviewState.RETURNED, "resubmit"): ReviewState.PENDING,
}


class BackcheckKind(models.TextChoices):
    SAMPLE = "sample", "抽样复核 sampled"
    RENTAL_GROUP = "rental_group", "出租房屋整组复核 every tenant of a sampled home"
    SPOT = "spot", "突击抽查 unannounced spot check"


class BackcheckResult(models.TextChoices):
    CORRECT = "correct", "准确 correct"
    CORRECTED = "corrected", "有误已更正 corrected"


class ReconSource(models.TextChoices):
    IMMUNISATION = "immunisation", "乡镇卫生院预防接种登记 clinics' immunisation list"
    POLICE = "police", "公安新生儿户口登记 police newborn registrations"


class ReconSide(models.TextChoices):
    SOURCE_ONLY = "source_only", "名单有、系统无 in the list, not in the registry"
    REGISTRY_ONLY = "registry_only", "系统有、名单无 in the registry, not in the list"


class BatchState(models.TextChoices):
    """Issue 15 part 4: an import batch, kept or rolled back as a whole."""
    DONE = "done", "已导入 imported"
    ROLLED_BACK = "rolled_back", "已撤销 rolled back"


BATCH_NEXT = {(BatchState.DONE, "rollback"): BatchState.ROLLED_BACK}


class HoldState(models.TextChoices):
    """A row an import kept back as a probable twin of a registered person, until a clerk decides."""
    OPEN = "open", "待处理 open"
    EXISTING = "existing", "已作为已登记人员导入 taken as the registered person"
    NEW = "new", "已作为新人员导入 taken as a new person"
    WITHDRAWN = "withdrawn", "随批次撤销 withdrawn with its batch"


HOLD_NEXT = {
    (HoldState.OPEN, "existing"): HoldState.EXISTING,
    (HoldState.OPEN, "new"): HoldState.NEW,
    (HoldState.OPEN, "withdraw"): HoldState.WITHDRAWN,
    (HoldState.EXISTING, "withdraw"): HoldState.WITHDRAWN,
    (HoldState.NEW, "withdraw"): HoldState.WITHDRAWN,
}
