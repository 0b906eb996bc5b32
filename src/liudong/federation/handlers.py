"""Issue 16: the envelope types beyond the exchange's message and its receipt (federation.receive),
each with its handler, in one table. A handler runs inside the receiving savepoint of its
envelope: handler(received, routing, payload, now=, cache=) writes what the envelope changes here
(through the services of the app it concerns), may set `received.person` (the identity it carried),
and raises envelope.Refused to quarantine it; the receiver then writes `received` under its global
id (a redelivery is a duplicate and never reaches the handler).

The objects of apps above federation (certificates, technical...) have their handler module in
that app, which registers it here when it starts (`register`, from its AppConfig.ready):
federation never imports them (the layers, import-linter)."""
from . import handlers_claims, handlers_person, handlers_reports, handlers_state, handlers_withdraw
from .choices import EnvelopeType

HANDLERS = {
    EnvelopeType.PERSON: handlers_person.apply,
    EnvelopeType.STATE: handlers_state.apply,
    EnvelopeType.REPORT: handlers_reports.apply,
    EnvelopeType.CLAIM: handlers_claims.apply,
    EnvelopeType.WITHDRAW: handlers_withdraw.apply,
}


def register(type_: str, handler) -> None:
    """An app above adds the handler of its envelope type (one of choices.EnvelopeType)."""
    if type_ not in EnvelopeType.values:
        raise ValueError(f"unknown envelope type {type_}")
    HANDLERS[type_] = handler
