"""The kinds of export a job can make. An app registers its kinds in its `exports.py` (found by
JobsConfig.ready), e.g. registers/exports.py for the inflow and outflow registers; certificate
batches and bulletins will register theirs the same way.

A kind answers three questions:

- `prepare(actor, params)`: may this actor make this export, and what exactly is it? Checks the
  role, the input and the scope as the actor (raises Denied, Invalid or NotFound, like a service)
  and returns a `Prepared` with the normalised parameters and a title. It is asked when the job is
  requested, again when the worker runs it (a right withdrawn meanwhile stops the job), and for
  every read and download of the finished file: whoever passes it for the job's parameters may
  fetch the file (the one who asked, and staff allowed to make the same export in the same scope).
- `build(actor, params, fmt, path, progress, generated_on)`: write the file at `path` as the
  actor, calling `progress(done, total)` as it goes; returns a `Built` with what the file holds.
- `file_name(params, fmt)`: the name a downloaded file gets (Chinese, with an ASCII fallback).
"""
import dataclasses
from collections.abc import Callable

from liudong.errors import Invalid

FORMATS = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclasses.dataclass(frozen=True)
class Prepared:
    params: dict       # normalised: what is stored on the job and given to build()
    title: str         # e.g. "南头街道 流入人口登记册 2026-01-01 至 2026-11-28"


@dataclasses.dataclass(frozen=True)
class Built:
    rows: int                       # rows in the file
    person_ids: list[int]           # the persons in it, for the audit of every download (invariant 3)
    audit_action: str               # the event logged when the file is made, as the synchronous export logs it
    audit_object: tuple[str, str]   # (object_type, object_id) of that event, e.g. ("register", "inflow:440305001000")
    audit_fields: dict              # structural fields of that event (the job, count and person ids are added)


class Progress:
    """What build() calls: progress(done, total) while it reads and writes. The job runner gives an
    object that also stops the build when the job is cancelled (it raises JobCancelled)."""

    def __call__(self, done: int, total: int, *, stage: str = "write") -> None:  # pragma: no cover - interface
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class ExportKind:
    code: str
    label: str
    formats: tuple[str, ...]
    prepare: Callable[..., Prepared]
    build: Callable[..., Built]
    file_name: Callable[[dict, str], tuple[str, str]]   # (ASCII fallback, Chinese name)


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    unknown = [f for f in kind.formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export formats {unknown} for kind {kind.code}")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> ExportKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[ExportKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)


def require_kind(code, fmt) -> ExportKind:
    """The kind and format of a request, or every field error at once."""
    errors = {}
    kind = _KINDS.get(str(code or "").strip())
    if kind is None:
        errors["kind"] = [f"应为 {'、'.join(_KINDS)} 之一 / must be one of {', '.join(_KINDS)}"]
    fmt = str(fmt or "").strip()
    allowed = kind.formats if kind else tuple(FORMATS)
    if fmt not in allowed:
        errors["format"] = [f"应为 {' 或 '.join(allowed)} / must be {' or '.join(allowed)}"]
    if errors:
        raise Invalid(errors)
    return kind

