"""Issue 16: what the layers above learn of a message, inside the transaction of the act.

exchange imports none of them: an app above (liudong.federation: the node's outbox) registers a
handler here when it starts (its AppConfig.ready), and exchange's services call `sent(message)`
once a message has left its sender (saved, sent_at set) and in the same transaction, so that
what the handler writes commits or rolls back with the act itself (the transactional outbox).
A handler raising aborts the act: nothing is written."""
SENT: list = []
# Issue 16: messages from another node, written here by exchange.remote.delivered (a report
# passed up by a level on another node is mirrored by statistics, for its approval here).
DELIVERED: list = []


def on_sent(fn) -> None:
    """Register fn(message), called inside the sending transaction for every message sent."""
    if fn not in SENT:
        SENT.append(fn)


def sent(message) -> None:
    for fn in SENT:
        fn(message)


def on_delivered(fn) -> None:
    """Register fn(messages), called inside the receiving node's transaction with the messages
    from other nodes it has just written (each with its pk). fn must not raise for one bad
    message: the whole batch would be undone and redelivered."""
    if fn not in DELIVERED:
        DELIVERED.append(fn)


def delivered(messages) -> None:
    for fn in DELIVERED:
        fn(messages)


# Issue 16, hole 1: arrival claims between places on different nodes. federation registers:
# ELSEWHERE, fn(code, on) -> bool: the division is on another node on that day; CLAIMED, fn(claim): a claim sent to
# a place on another node was saved (its fields follow its message there); DECIDED,
# fn(claim, act, answer, now=): a claim from another node was accepted, disputed or let lapse here.
ELSEWHERE: list = []
CLAIMED: list = []
DECIDED: list = []


def on_claims(*, elsewhere, claimed, decided) -> None:
    for table, fn in ((ELSEWHERE, elsewhere), (CLAIMED, claimed), (DECIDED, decided)):
        if fn not in table:
            table.append(fn)


def elsewhere(code: str, on) -> bool:
    return any(fn(code, on) for fn in ELSEWHERE)


def claimed(claim) -> None:
    for fn in CLAIMED:
        fn(claim)


def claim_decided(claim, act: str, answer: str = "", *, now) -> None:
    for fn in DECIDED:
        fn(claim, act, answer, now=now)


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


# Issue 16: a message the sender withdrew (exchange.services.close) after it was sent. federation
# registers fn(message): a message to a place on another node takes the withdrawal there, and the
# hub learns it (a state event), in the transaction of the act.
WITHDRAWN: list = []


def on_withdrawn(fn) -> None:
    if fn not in WITHDRAWN:
        WITHDRAWN.append(fn)


def withdrawn(message) -> None:
    for fn in WITHDRAWN:
        fn(message)
