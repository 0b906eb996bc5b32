"""Domain errors shared by services, views and the API (invariant 7).

Services raise `Invalid({field: [message, ...]})` for bad input (nothing is written, the
transaction rolls back), `Denied` when the role may not act, and `NotFound` both for "does not
exist" and "not in your scope" so that a scope never leaks what lies outside it.
"""
from django.core.exceptions import PermissionDenied, ValidationError


class Invalid(ValidationError):
    def __init__(self, errors: dict[str, list[str] | str]):
        super().__init__({k: v if isinstance(v, list) else [v] for k, v in errors.items()})

    @property
    def errors(self) -> dict[str, list[str]]:
        return {k: [str(m) for e in v for m in e.messages] for k, v in self.error_dict.items()}


class Denied(PermissionDenied):
    pass


class NotFound(LookupError):
    """`extra` holds what the 404 may add for a caller entitled to it (R8: `merged_into`, the
    record a merged-away id lives on in, only when it is in the caller's scope)."""

    def __init__(self, *args, extra: dict | None = None):
        super().__init__(*args)
        self.extra = extra or {}


def invalid(field: str, message: str):
    return Invalid({field: [message]})
