"""R3: the certificate columns of the registers app's inflow and outflow registers (持证时间, 办证时间),
filled from the certificates. registers sits below certificates in the layers and never imports
it: certificates registers `fill_register_rows` with registers.queries.add_row_filler (apps.py).

Both columns are the issue date of the certificate she held in the period: the latest certificate
issued on or before the period's end (the day she left, or the register's last day), whatever
became of it later (a register is a record of the period). Empty when she held none."""
from .models import Certificate


def fill_register_rows(kind: str, rows: list[dict], end) -> None:
    if not rows:
        return
    person_ids = {r["person_id"] for r in rows}
    issued: dict[int, list] = {}
    for pid, day in Certificate.objects.filter(person_id__in=person_ids).order_by("person_id", "issued_on").values_list("person_id", "issued_on"):
        issued.setdefault(pid, []).append(day)
    column = "certificate_held_on" if kind == "inflow" else "certificate_issued_on"
    for row in rows:
        days = issued.get(row["person_id"])
        if not days:
            continue
        until = min(d for d in (row.get("left_on"), end) if d) if (row.get("left_on") or end) else None
        held = [d for d in days if until is None or d <= until]
        if held:
            row[column] = held[-1]
