from django.contrib import admin

from .models import Outbox, Peer, Quarantined, Received


class ReadOnly(admin.ModelAdmin):
    """The directory changes by `liudong node trust` (audited); the rest is written by the relay
    and the receiver: the administrators read it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Peer)
class PeerAdmin(ReadOnly):
    list_display = ("code", "sign_key", "trusted_from", "revoked_on", "added_by")


@admin.register(Outbox)
class OutboxAdmin(ReadOnly):
    list_display = ("global_id", "type", "kind", "sender", "receiver", "to_node", "created_at", "published_at", "attempts", "last_error")
    exclude = ("payload",)


@admin.register(Received)
class ReceivedAdmin(ReadOnly):
    list_display = ("global_id", "type", "from_node", "sender", "receiver", "received_at")
    exclude = ("person",)


@admin.register(Quarantined)
class QuarantinedAdmin(ReadOnly):
    list_display = ("received_at", "reason", "detail", "global_id", "from_node", "subject")
    exclude = ("envelope",)
