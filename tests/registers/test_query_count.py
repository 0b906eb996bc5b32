"""R3: a township's inflow register builds its .xlsx in a fixed number of queries (no query per
row). Its time for 20,000 rows is measured by bench/registry.py, not asserted here."""
import datetime
import io

from openpyxl import load_workbook

from liudong.accounts.choices import Action
from liudong.people.models import Person, Residence
from liudong.registers import documents, queries
from tests.conftest import NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V

ROWS = 3_000


def test_register_export_has_every_row_in_a_fixed_number_of_queries(clerk, django_assert_max_num_queries):
    Person.objects.bulk_create([
        Person(name=f"测试{i}", sex="F" if i % 2 else "M", birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=i % 5000),
               document_type="other", document_number=f"T{i:08d}", hukou_division_id=TONGJIANG_V, created_on=TODAY)
        for i in range(ROWS)
    ], batch_size=2000)
    ids = list(Person.objects.filter(document_number__startswith="T").values_list("id", flat=True))
    Residence.objects.bulk_create([
        Residence(person_id=pid, division_id=NANTOU_V1 if n % 2 else NANTOU_V2, address=f"红花园{n}号", arrived_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300),
                  reason="work", floating=True, hukou_division_code=TONGJIANG_V, recorded_by_division=NANTOU)
        for n, pid in enumerate(ids)
    ], batch_size=2000)

    with django_assert_max_num_queries(7):  # the 7th: the certificate dates of the rows (certificates.registers)
        req = queries.parse(actor=clerk, action=Action.EXPORT_REGISTERS, kind="inflow", division=NANTOU, start="2026-01-01", end="2026-11-28")
        rows = queries.all_rows(req)
    data = documents.build_xlsx(req, rows, generated_on=TODAY)
    assert len(rows) == ROWS
    ws = load_workbook(io.BytesIO(data), read_only=True).active
    numbered = sum(1 for row in ws.iter_rows(min_row=3, max_col=1, values_only=True) if isinstance(row[0], int))
    assert numbered == ROWS
