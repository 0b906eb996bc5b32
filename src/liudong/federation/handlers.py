"""Issue 16: the envelope types beyond the exchange's message and its receipt (federation.receive),
each with its handler, in one table. A handler runs inside the receiving savepoint of its
envelope: handler(received, routing, payload, now=, cache=) writes what the envelope changes here
(through the services of the app it concerns), may set `received.person` (the identity it carried),
and raises envelope.Refused to quarantine it; the receiver then writes `received` under its global
id (a redelivery is a duplicate and never reaches the handler)."""
from . import handlers_claims, handlers_person, handlers_reports, handlers_state
from .choices import EnvelopeType

HANDLERS = {
    EnvelopeType.PERSON: handlers_person.apply,
    EnvelopeType.STATE: handlers_state.apply,
    EnvelopeType.REPORT: handlers_reports.apply,
    EnvelopeType.CLAIM: handlers_claims.apply,
}
