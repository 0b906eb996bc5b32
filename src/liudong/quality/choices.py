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
