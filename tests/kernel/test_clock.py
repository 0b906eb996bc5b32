"""Invariant 4, checked from the source: only liudong.clock reads the clock, and only the edges
(pages, API, commands) read liudong.clock. Services and queries take `today`, `on` or `now` as
arguments, so that every rule can be tested on any date (issue 7, item 10).

The few other readings are listed below with the reason each may read the real time."""
import ast
from pathlib import Path

import liudong

SRC = Path(liudong.__file__).parent

# (module, function): the moment something happens to the system itself, never the date of an act.
ALLOWED = {
    ("accounts/audit.py", "event"): "an audit event's own timestamp",
    ("accounts/login.py", "log_in"): "the log-in lock-out counts failures of the last minutes",
    ("accounts/tokens.py", "issue_token"): "a token's expiry",
    ("accounts/tokens.py", "staff_for_token"): "a token's expiry",
    ("federation/handlers_person.py", "residence_changed"): "the moment an outbox row is written (a residence act gives a date only)",
    ("federation/handlers_person.py", "residences_imported"): "the moment the outbox rows of a bulk import are written (it gives dates only)",
}
# Every reading: called or passed on (a model default), except localdate()/localtime() of a given moment.
READS = {"django.utils.timezone.now", "datetime.date.today", "datetime.datetime.now", "datetime.datetime.today",
         "datetime.datetime.utcnow", "time.time", "time.time_ns"}
READS_WITHOUT_ARGUMENT = {"django.utils.timezone.localdate", "django.utils.timezone.localtime"}


def modules():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" not in rel:  # a migration runs once; its audit rows carry the moment it ran
            yield rel, ast.parse(path.read_text(), filename=rel)


def is_edge(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    # tasks.py: the task queue's entry points (liudong.jobs), the worker's edge as a command is the command line's
    return (name.startswith(("views", "api", "tasks")) or "/management/commands/" in rel or rel in ("clock.py", "cli.py", "web.py"))


class Readings(ast.NodeVisitor):
    """Qualified names of the clock readings in one module, with the function they are in."""

    def __init__(self):
        self.aliases: dict[str, str] = {}
        self.where: list[str] = []
        self.found: list[tuple[str, str, int]] = []

    def visit_Import(self, node):
        for a in node.names:
            self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]

    def visit_ImportFrom(self, node):
        for a in node.names:
            self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"

    def visit_FunctionDef(self, node):
        self.where.append(node.name)
        self.generic_visit(node)
        self.where.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def qualname(self, node) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.aliases:
            return None
        return ".".join([self.aliases[node.id], *reversed(parts)])

    def note(self, name, node):
        self.found.append((name, self.where[0] if self.where else "<module>", node.lineno))

    def visit_Call(self, node):
        name = self.qualname(node.func)
        if name in READS_WITHOUT_ARGUMENT and not node.args and not node.keywords:
            self.note(name, node)
        self.generic_visit(node)

    def visit_Attribute(self, node):
        name = self.qualname(node)
        if name in READS:
            self.note(name, node)
        else:
            self.generic_visit(node)

    def visit_Name(self, node):
        if self.aliases.get(node.id) in READS:
            self.note(self.aliases[node.id], node)


def test_invariant_4_only_liudong_clock_reads_the_clock():
    offenders = []
    for rel, tree in modules():
        if rel == "clock.py":
            continue
        visitor = Readings()
        visitor.visit(tree)
        offenders += [f"{rel}:{line} {function}() reads {name}" for name, function, line in visitor.found if (rel, function) not in ALLOWED]
    assert not offenders, "read the time through liudong.clock at the edge and pass it on:\n" + "\n".join(offenders)


def test_invariant_4_domain_code_does_not_import_the_clock():
    offenders = []
    for rel, tree in modules():
        if is_edge(rel):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == "liudong.clock" for a in node.names):
                offenders.append(f"{rel}:{node.lineno}")
            elif isinstance(node, ast.ImportFrom) and (node.module == "liudong.clock" or (node.module == "liudong" and any(a.name == "clock" for a in node.names))):
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, "only pages, the API and commands read liudong.clock; services take today/now:\n" + "\n".join(offenders)


def test_the_check_finds_a_reading():
    """The checker itself: each way of reading the clock is found, a moment's own date is not."""
    source = (
        "import datetime\nfrom datetime import date\nfrom django.utils import timezone\nfrom django.utils.timezone import now as right_now\n"
        "def f(m):\n    a = timezone.now()\n    b = date.today()\n    c = datetime.datetime.now()\n    d = timezone.localdate()\n"
        "    e = right_now()\n    g = timezone.localdate(m)\n    return timezone.now\n"
    )
    visitor = Readings()
    visitor.visit(ast.parse(source))
    assert sorted(line for _, _, line in visitor.found) == [6, 7, 8, 9, 10, 12]


def test_every_allowed_reading_exists():
    """The allow-list stays short and true: an entry whose function no longer reads the clock goes."""
    readers = set()
    for rel, tree in modules():
        visitor = Readings()
        visitor.visit(tree)
        readers |= {(rel, function) for _, function, _ in visitor.found}
    assert set(ALLOWED) <= readers, set(ALLOWED) - readers
