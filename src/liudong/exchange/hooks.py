"""Issue 16: what the layers above learn of a message, inside the transaction of the act.

exchange imports none of them: an app above (liudong.federation: the node's outbox) registers a
handler here when it starts (its AppConfig.ready), and exchange's services call `sent(message)`
once a message has left its sender (saved, sent_at set) and in the same transaction, so that
what the handler writes commits or rolls back with the act itself (the transactional outbox).
A handler raising aborts the act: nothing is written."""
SENT: list = []


def on_sent(fn) -> None:
    """Register fn(message), called inside the sending transaction for every message sent."""
    if fn not in SENT:
        SENT.append(fn)


def sent(message) -> None:
    for fn in SENT:
        fn(message)


# Issue 16: T3 on a node that holds no messages (the hub, LIUDONG_NODE=000000000000) is counted
# from the state events it received. An app above registers fn(period, today) -> None (not this
# node) or {"received": rows, "sent": rows, "duty": rows}, each row a tuple (place, counterpart
# province's two digits, topic, *counts) in the order of exchange.timeliness's *_COUNTS.
TIMELINESS: list = []


def on_timeliness(fn) -> None:
    if fn not in TIMELINESS:
        TIMELINESS.append(fn)


def timeliness_rows(period, today):
    for fn in TIMELINESS:
        rows = fn(period, today)
        if rows is not None:
            return rows
    return None
