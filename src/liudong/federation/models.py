"""Issue 16: the node's directory of peers, its outbox, what it received and what it refused.

The node's own private keys are never here: they live in the file LIUDONG_NODE_KEY_FILE names
(federation.keys). Peers' public keys are, each with the day it is trusted from and, once
replaced or withdrawn, the day it is revoked (key rotation)."""
from django.db import models

from .choices import EnvelopeType, Refusal


class Peer(models.Model):
    code = models.CharField("节点代码 node", max_length=12)
    sign_key = models.CharField("签名公钥 Ed25519 public key", max_length=64)
    box_key = models.CharField("加密公钥 X25519 public key", max_length=64)
    trusted_from = models.DateField("信任起始日 trusted from")
    revoked_on = models.DateField("吊销日 revoked on", null=True, blank=True)
    added_at = models.DateTimeField("登记时间 added at")
    added_by = models.CharField("登记人 added by", max_length=150)

    class Meta:
        ordering = ["code", "-trusted_from", "-id"]
        verbose_name = "节点目录 peer node"
        indexes = [models.Index(fields=["code", "trusted_from"], name="peer_code_from")]
        constraints = [
            models.UniqueConstraint(fields=["code", "sign_key"], name="peer_unique_key"),
            models.CheckConstraint(condition=models.Q(revoked_on__isnull=True) | models.Q(revoked_on__gte=models.F("trusted_from")), name="peer_revoked_after_trusted"),
        ]

    def __str__(self):
        return f"{self.code} {self.sign_key[:8]}…"


class Outbox(models.Model):
    """One envelope to send, written in the transaction of the act that makes it. The payload is
    kept in clear here (this node's own database already holds it); it is sealed to the receiving
    node when the relay publishes it, under the same global id, however often."""

    global_id = models.CharField("全局编号 global id", max_length=36, unique=True)
    type = models.CharField(max_length=10, choices=EnvelopeType.choices)
    message = models.ForeignKey("exchange.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sender = models.CharField("发件单位 sender", max_length=12)
    receiver = models.CharField("收件单位 receiver", max_length=12)
    to_node = models.CharField("收件节点 to node", max_length=12)
    kind = models.CharField(max_length=24, blank=True)
    payload = models.TextField()
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "待发信封 outbox envelope"
        indexes = [models.Index(fields=["published_at", "id"], name="outbox_unpublished"),
                   models.Index(fields=["message", "type"], name="outbox_message")]


class Received(models.Model):
    """An envelope committed here, under its global id (unique: a redelivery changes nothing).
    `digest` is of its signed content: the same id with other content is a replay. `person` is
    what the sender's node sent of her (name, ID number, sex, birth date, hukou division)."""

    global_id = models.CharField("全局编号 global id", max_length=36, unique=True)
    type = models.CharField(max_length=10, choices=EnvelopeType.choices)
    from_node = models.CharField("发件节点 from node", max_length=12)
    sender = models.CharField("发件单位 sender", max_length=12)
    receiver = models.CharField("收件单位 receiver", max_length=12)
    digest = models.CharField(max_length=64)
    message = models.ForeignKey("exchange.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.JSONField("当事人身份 person's identity", default=dict, blank=True)
    received_at = models.DateTimeField("接收时间 committed at")

    class Meta:
        ordering = ["-id"]
        verbose_name = "已接收信封 received envelope"
        indexes = [models.Index(fields=["message"], name="received_message")]


class Quarantined(models.Model):
    """An envelope refused (unsigned, forged, from an unknown node, replayed, misaddressed...),
    kept for the node's administrators and acknowledged so that it is not redelivered forever."""

    received_at = models.DateTimeField("接收时间 received at")
    reason = models.CharField("原因 reason", max_length=20, choices=Refusal.choices)
    detail = models.CharField("说明 detail", max_length=300, blank=True)
    global_id = models.CharField("全局编号 global id", max_length=100, blank=True)
    from_node = models.CharField("声称的发件节点 claimed from", max_length=40, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    envelope = models.BinaryField()

    class Meta:
        ordering = ["-id"]
        verbose_name = "隔离信封 quarantined envelope"
        indexes = [models.Index(fields=["received_at"], name="quarantine_received")]


class MirroredPeriod(models.Model):
    """A residence period another node recorded of a person whose hukou is here, and the period
    this node keeps for it (people.services_remote.mirror_period): `ref` is the other node's code
    and its own id of the period, so that a later event about the same period (its end) finds it."""

    ref = models.CharField("来源 from node:period", max_length=40, unique=True)
    residence = models.ForeignKey("people.Residence", on_delete=models.PROTECT, related_name="+")
    from_node = models.CharField("来源节点 from node", max_length=12)

    class Meta:
        verbose_name = "异地居住记录 period kept from another node"


class Watched(models.Model):
    """At the hub: one message crossing nodes, as its state events told it (sent, arrived,
    answered, overdue): routing only, never a body or a person. Overdue is the event the node
    holding the message sends when its answer-by date has passed unanswered (federation.overdue),
    not the hub's reading of the date. For the national watch list and, on the hub's node, T3 by
    counterpart province (`/timeliness/`: federation.watch.timeliness_rows)."""

    global_id = models.CharField("全局编号 global id", max_length=36, unique=True)
    kind = models.CharField(max_length=24, blank=True)
    sender = models.CharField("发件单位 sender", max_length=12, blank=True)
    receiver = models.CharField("收件单位 receiver", max_length=12, blank=True)
    sender_province = models.CharField(max_length=12, blank=True)
    receiver_province = models.CharField(max_length=12, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField("发出日期 sent on", null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    arrived_on = models.DateField("送达日期 arrived on", null=True, blank=True)
    due_on = models.DateField("应反馈日期 answer by", null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)
    # The first day overdue, as the holding node reported it (its answer-by date passed unanswered).
    overdue_on = models.DateField("超期日期 overdue from", null=True, blank=True)
    # The day its sender withdrew it (exchange.services.close on the sending node).
    withdrawn_on = models.DateField("撤回日期 withdrawn on", null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "全国督办 message watched at the hub"
        indexes = [models.Index(fields=["answered_on", "due_on"], name="watched_open_due"),
                   models.Index(fields=["sender_province", "receiver_province"], name="watched_pair"),
                   models.Index(fields=["receiver", "arrived_on"], name="watched_received_on"),
                   models.Index(fields=["sender", "sent_on"], name="watched_sent_on")]
