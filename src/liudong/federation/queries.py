"""Issue 16: the node's state, as `liudong node status` prints it and the administrators' home
page shows it: outbox backlog, oldest unpublished envelope, the consumer's pending count (from
the NATS server, asked with a short timeout: None when it cannot be reached), quarantine count."""
import asyncio

from django.conf import settings

from . import publishing
from .models import Quarantined
from .runner import status as consumer_status


def node_status(*, timeout: float = 2) -> dict:
    node = settings.LIUDONG_NODE
    return {"node": node, **publishing.backlog(), **asyncio.run(consumer_status(node, timeout=timeout)), "quarantined": Quarantined.objects.count()}
