"""The closed lists of the node's exchange (style 6)."""
from django.db import models


class EnvelopeType(models.TextChoices):
    MESSAGE = "message", "函件 message"
    ARRIVAL = "arrival", "送达回执 receipt of arrival"
    # Issue 16: an arrival, move, departure or return of a person whose hukou is on another node,
    # for her hukou node's outflow record (federation.handlers_person).
    PERSON = "person", "人员流动事件 person's residence event"
    # Issue 16: a message crossing nodes was sent, arrived or was answered: routing only, to the
    # hub for the national watch list and T3 by counterpart province (federation.handlers_state).
    STATE = "state", "函件状态 message state (to the hub)"
    # Issue 16: a monthly report approved or returned by the level above, on another node, back
    # to the node of the report (federation.handlers_reports).
    REPORT = "report", "报表审核结果 report approved or returned"
    # Issue 16: an arrival claim's fields to her place on another node, and that place's decision
    # back to the claimant's node (federation.handlers_claims).
    CLAIM = "claim", "跨节点到达申报 arrival claim across nodes"
    # Issue 16: a message its sender withdrew, to the receiving node (federation.handlers_withdraw).
    WITHDRAW = "withdraw", "发函方撤回 withdrawn by the sender"
    # Issue 16: objects of the apps above that one node has to see or act on for another; each
    # type's handler lives in its app (federation.handlers.register).
    # C6: her residence township's verification of her certificate, to the node that issued it
    # (certificates.node_verifications); and the certificate itself, passing with her to the node
    # where she lives, so that her residence township can verify it there.
    CERTIFICATE = "cert", "婚育证明 certificate (a copy where she lives)"
    VERIFICATION = "verify", "婚育证明查验 certificate verification"
    # S2: the report slip of a check, to her hukou node, which keeps it as hers (technical.node_slips).
    REPORT_SLIP = "slip", "避孕节育情况报告单 report slip"
    # Q7: a desk's consent task to her station on another node, and her answer back to the desk
    # (desk.node_consent).
    CONSENT = "consent", "征询被查询人意见 consent task and answer"


class Refusal(models.TextChoices):
    """Why an envelope was refused and kept in quarantine (issue 16)."""

    MALFORMED = "malformed", "格式错误 malformed"
    UNSIGNED = "unsigned", "未签名 unsigned"
    FORGED = "forged", "签名不符 forged signature"
    UNKNOWN_NODE = "unknown_node", "未知节点 unknown sending node"
    NOT_ITS_DIVISION = "not_its_division", "发件节点无权代表该单位 sender outside the sending node"
    MISADDRESSED = "misaddressed", "收件人不属本节点 misaddressed"
    UNDECRYPTABLE = "undecryptable", "无法解密 cannot be decrypted"
    REPLAYED = "replayed", "重复编号内容不同 replayed id with other content"
    UNKNOWN_DIVISION = "unknown_division", "本节点无此区划 division not in this node's table"
    UNKNOWN_MESSAGE = "unknown_message", "所指函件不存在 refers to an unknown message"
