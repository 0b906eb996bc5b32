"""R3 (part 11): the inflow register (流入人口持验证登记册) shows 婚育状况, the certificate held (持证时间:
an empty column until certificates are recorded, never a made-up value) and the return records
(返乡流入记录); the outflow register (流出人口登记簿) shows 婚育状况, 办证时间 (empty likewise) and
返乡流出记录. Returns home are listed apart from moves, on screen, in the .xlsx and in the PDF."""
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from liudong.accounts.choices import Action
from liudong.exchange import claims
from liudong.people import services
from liudong.registers import documents, queries
from tests.conftest import NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_T, TONGJIANG_V, make_id
from tests.exchange.helpers import at
from tests.registers.conftest import PERIOD


@pytest.fixture
def travellers(world, migrant):
    """李娜 (married, one child recorded) moved within 南头 on 2026-07-01 (a move, not a return);
    张敏 came in on 2026-01-05, left on 2026-02-01 and was back home that day (a return recorded by
    the hukou side), and came back on 2026-03-01."""
    clerk, tongjiang = world["township_clerk"], world["tongjiang_clerk"]
    services.update_person(actor=clerk, person=migrant, data={"marital_status": "20"}, today=TODAY)
    child, _ = services.register_person(actor=tongjiang, data={"id_number": make_id("511921", "20200101", 61), "name": "李小宝", "hukou_division": TONGJIANG_V}, today=TODAY)
    services.link_family(actor=tongjiang, person=migrant, relative_id=child.pk, relation="child")
    services.record_move(actor=clerk, person=migrant, data={"division": NANTOU_V2, "arrived_on": "2026-07-01", "reason": "work"}, today=TODAY)
    zhang, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "20000202", 44), "name": "张敏", "hukou_division": TONGJIANG_V, "marital_status": "10"}, today=TODAY)
    services.record_arrival(actor=clerk, person=zhang, data={"division": NANTOU_V1, "arrived_on": "2026-01-05", "reason": "work"}, today=TODAY)
    # Issue 7, hole 1: each place closes only its own residence; coming back, 南头 claims her and 诺江 accepts.
    services.record_departure(actor=clerk, residence_id=zhang.residences.get().pk, left_on="2026-02-01", today=TODAY)
    services.record_return(actor=tongjiang, person=zhang, data={"arrived_on": "2026-02-01"}, today=TODAY)
    claim = claims.submit_arrival_claim(actor=clerk, data={"document_number": zhang.id_number, "division": NANTOU_V1, "arrived_on": "2026-03-01", "reason": "work"},
                                        today=TODAY, now=at(TODAY.isoformat()))
    claims.accept(actor=world["tongjiang_clerk"], message_id=claim.message_id, now=at(TODAY.isoformat(), 11))
    return {"li": migrant, "zhang": zhang}


def _rows(actor, kind, division):
    return queries.all_rows(queries.parse(actor=actor, action=Action.VIEW_REGISTERS, kind=kind, division=division, **PERIOD))


def test_R3_the_inflow_register_shows_marriage_returns_and_an_empty_certificate_column(clerk, travellers):
    rows = _rows(clerk, "inflow", NANTOU)
    by = {(r["name"], r["arrived_on"].isoformat()): r for r in rows}
    assert by[("李娜", "2025-03-01")]["marriage"] == "已婚，子女1人"
    assert by[("张敏", "2026-01-05")]["marriage"] == "未婚"
    # The move within 南头 is not a return; 张敏's trip home is, on both of her rows.
    assert by[("李娜", "2025-03-01")]["returns"] == "" and by[("李娜", "2026-07-01")]["returns"] == ""
    assert by[("张敏", "2026-01-05")]["returns"] == "2026-02-01 返乡"
    assert by[("张敏", "2026-03-01")]["returns"] == "2026-02-01 返乡后再流入"
    assert all(r["certificate_held_on"] is None for r in rows)
    headers = [c.header for c in queries.COLUMNS["inflow"]]
    assert {"婚育状况", "持证时间", "返乡流入记录"} <= set(headers)


def test_R3_the_outflow_register_shows_marriage_and_returns(world, travellers):
    rows = _rows(world["tongjiang_clerk"], "outflow", TONGJIANG_T)
    zhang = sorted((r for r in rows if r["name"] == "张敏"), key=lambda r: r["left_home_on"])
    assert [r["returns"] for r in zhang] == ["2026-02-01 返乡", "2026-02-01 返乡后再外出"]
    assert all(r["marriage"] == "未婚" and r["certificate_issued_on"] is None for r in zhang)
    headers = [c.header for c in queries.COLUMNS["outflow"]]
    assert {"婚育状况", "办证时间", "返乡流出记录", "离开日期"} <= set(headers) and "返回/离开日期" not in headers


def test_R3_returns_show_on_screen_in_the_xlsx_and_in_the_pdf(world, travellers):
    clerk = world["township_clerk"]
    web = Client()
    web.force_login(clerk)
    html = web.get("/registers/", {"show": 1, "kind": "inflow", "division": NANTOU, **PERIOD}).content.decode()
    assert "返乡流入记录" in html and "2026-02-01 返乡后再流入" in html and "已婚，子女1人" in html and "持证时间" in html

    _, data, _, _ = documents.export(actor=clerk, kind="inflow", division=NANTOU, **PERIOD, fmt="xlsx", generated_on=TODAY)
    ws = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[2]]
    returns, held = header.index("返乡流入记录"), header.index("持证时间")
    cells = [[c.value for c in r] for r in ws.iter_rows(min_row=3) if isinstance(r[0].value, int)]
    assert sorted(r[returns] for r in cells if r[returns]) == ["2026-02-01 返乡", "2026-02-01 返乡后再流入"]
    assert all(r[held] is None for r in cells)

    _, data, _, _ = documents.export(actor=world["tongjiang_clerk"], kind="outflow", division=TONGJIANG_T, **PERIOD, fmt="pdf", generated_on=TODAY)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert "返乡流出记录" in text and "返乡后再外出" in text and "婚育状况" in text
