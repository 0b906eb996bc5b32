"""Issue 7, item 10: every service takes the acting staff member as the keyword `actor` (as
Zulip's do_* functions take acting_user), so that no call can swap the actor with the record it
acts on. Checked from the source over every services, documents and helpers module, and every
write anywhere (a function run in a transaction, @transaction.atomic)."""
import ast
from pathlib import Path

import liudong

SRC = Path(liudong.__file__).parent
# The two primitives every module calls as (actor, action), and the audit query built on them.
PRIMITIVES = {"record", "require", "audit_events"}


def is_service_module(name: str) -> bool:
    return name.startswith("services") or name in ("documents.py", "helpers.py")


def is_write(node: ast.FunctionDef) -> bool:
    return any(ast.unparse(d).startswith(("transaction.atomic", "atomic")) for d in node.decorator_list)


def functions():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel:
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and (is_service_module(path.name) or is_write(node)):
                yield rel, node


def test_actor_is_keyword_only_in_every_service():
    positional = []
    found = 0
    for rel, node in functions():
        if node.name in PRIMITIVES:
            continue
        args = node.args
        if any(a.arg == "actor" for a in args.kwonlyargs):
            found += 1
        elif any(a.arg == "actor" for a in args.posonlyargs + args.args):
            positional.append(f"{rel}: {node.name}")
    assert not positional, "take actor keyword-only (def f(*, actor, ...)):\n" + "\n".join(positional)
    assert found > 30  # the check sees the services (people, places, exchange, cases, policy, registers ...)
