"""Issue 7, item 10: every service takes the acting staff member as the keyword `actor` (as
Zulip's do_* functions take acting_user), so that no call can swap the actor with the record it
acts on. Checked from the source over every services, documents and helpers module."""
import ast
from pathlib import Path

import liudong

SRC = Path(liudong.__file__).parent
# The two primitives every module calls as (actor, action), and the audit query built on them.
PRIMITIVES = {"record", "require", "audit_events"}


def service_modules():
    for path in sorted(SRC.rglob("*.py")):
        name = path.name
        if name.startswith("services") or name in ("documents.py", "helpers.py"):
            yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text())


def test_actor_is_keyword_only_in_every_service():
    positional = []
    found = 0
    for rel, tree in service_modules():
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_") or node.name in PRIMITIVES:
                continue
            args = node.args
            if any(a.arg == "actor" for a in args.kwonlyargs):
                found += 1
            elif any(a.arg == "actor" for a in args.posonlyargs + args.args):
                positional.append(f"{rel}: {node.name}")
    assert not positional, "take actor keyword-only (def f(*, actor, ...)):\n" + "\n".join(positional)
    assert found > 30  # the check sees the services (people, places, exchange, cases, policy, registers ...)
