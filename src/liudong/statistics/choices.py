"""T1: the states of a monthly report and the one table of (state, act) -> next state that every
service consults (style 13)."""
from django.db import models


class State(models.TextChoices):
    OPEN = "open", "未报送 open"
    SUBMITTED = "submitted", "已报送待审核 submitted"
    APPROVED = "approved", "已审核 approved"
    RETURNED = "returned", "已退回 returned"


class Act(models.TextChoices):
    CLOSE = "close", "月结计算 month closed"
    SUBMIT = "submit", "报送 submit"
    APPROVE = "approve", "审核通过 approve"
    RETURN = "return", "退回 return"


TRANSITIONS = {
    (State.OPEN, Act.CLOSE): State.OPEN,
    (State.RETURNED, Act.CLOSE): State.RETURNED,
    (State.OPEN, Act.SUBMIT): State.SUBMITTED,
    (State.RETURNED, Act.SUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Act.APPROVE): State.APPROVED,
    (State.SUBMITTED, Act.RETURN): State.RETURNED,
    # T1: a return with a reason reopens an approved report (while its parent's is not submitted).
    (State.APPROVED, Act.RETURN): State.RETURNED,
}

WRONG_STATE = {
    Act.SUBMIT: "报表已报送或已审核，不能再次报送 / the report is already submitted or approved",
    Act.APPROVE: "报表未处于待审核状态（未报送、已审核或已退回） / the report is not waiting for approval (not submitted, already approved or returned)",
    Act.RETURN: "报表未报送，无需退回 / the report is not submitted: nothing to return",
}


def next_state(state: str, act: str) -> str | None:
    return TRANSITIONS.get((state, act))


class TaskPeriod(models.TextChoices):
    """Part 11: the period a township's submission task counts over (the year is the
    family-planning statistical year, 1 October - 30 September)."""
    MONTH = "month", "每月 a month"
    QUARTER = "quarter", "每季度 a quarter"
    YEAR = "year", "每统计年度 a statistical year"
