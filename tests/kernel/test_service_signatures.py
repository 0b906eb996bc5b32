"""Issue 7, item 10: every service and every query takes the acting staff member as the keyword
`actor` (as Zulip's do_* functions take acting_user), so that no call can swap the actor with the
record it acts on or reads. Checked from the source over every module below the edges (pages, API,
forms, admin, commands, the demo); a private helper behind a public function is the module's own.

Excepted: the permission and scope primitives every module calls as (actor, what) -
accounts.permissions (require, in_scope), accounts.audit (record, events), people.scope (scope_q,
persons) and the scope people registers with accounts (people/apps.py)."""
import ast
from pathlib import Path

import liudong

SRC = Path(liudong.__file__).parent
PRIMITIVE_MODULES = {"accounts/permissions.py", "accounts/audit.py", "people/scope.py", "people/apps.py"}


def is_edge(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.startswith(("views", "api", "forms", "admin")) or "/management/" in rel or rel.startswith("demo/") or "/migrations/" in rel


def functions():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if is_edge(rel) or rel in PRIMITIVE_MODULES:
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield rel, node


def test_actor_is_keyword_only_in_every_service_and_query():
    positional = []
    found = set()
    for rel, node in functions():
        args = node.args
        if any(a.arg == "actor" for a in args.kwonlyargs):
            found.add(rel)
        elif any(a.arg == "actor" for a in args.posonlyargs + args.args):
            positional.append(f"{rel}: {node.name}")
    assert not positional, "take actor keyword-only (def f(*, actor, ...)):\n" + "\n".join(positional)
    # the check sees the services and queries of every domain app
    assert {"people/services.py", "people/queries.py", "exchange/services.py", "exchange/queries.py", "cases/services.py",
            "cases/queries.py", "policy/services.py", "registers/queries.py"} <= found
