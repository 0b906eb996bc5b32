"""R3: the inflow register's 持证时间 and the outflow register's 办证时间 come from the certificates."""
from liudong.registers import queries as registers

from .conftest import issue


def test_r3_inflow_and_outflow_registers_show_the_certificate_dates(hukou_clerk, clerk, woman):
    issue(hukou_clerk, woman, "2019-04-02")
    _, _, inflow = registers.view_register(actor=clerk, kind="inflow", division="440305001", start="2021-12-01", end="2026-11-28")
    row = next(r for r in inflow if r["person_id"] == woman.pk)
    assert str(row["certificate_held_on"]) == "2019-04-02"
    _, _, outflow = registers.view_register(actor=hukou_clerk, kind="outflow", division="511921100", start="2021-12-01", end="2026-11-28")
    row = next(r for r in outflow if r["person_id"] == woman.pk)
    assert str(row["certificate_issued_on"]) == "2019-04-02"
    _, _, early = registers.view_register(actor=clerk, kind="inflow", division="440305001", start="2018-01-01", end="2018-12-31")
    assert next(r for r in early if r["person_id"] == woman.pk)["certificate_held_on"] is None
