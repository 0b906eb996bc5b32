"""Issue 14 pages: a division's report with its figures, definitions, children and actions; the
.xlsx export of its tables."""
import io

from openpyxl import load_workbook

from liudong.statistics.models import Report
from tests.conftest import NANTOU, NANTOU_V1, password

from .conftest import arrive, register

OCT = "2026-10"


def login(client, staff):
    assert client.login(username=staff.username, password=password())
    return client


def test_t1_report_page_submit_and_return_with_reason_in_the_page(client, world, clerk, collector, head):
    arrive(clerk, register(clerk, seq=120), "2026-10-05")
    login(client, collector)
    page = client.get(f"/statistics/{NANTOU_V1}/{OCT}/")
    text = page.content.decode()
    assert page.status_code == 200 and "流入人口" in text and "期末在本辖区居住" in text and "id=\"submit-report\"" in text
    assert "统计年度" in text and "日历年度" in text
    r = client.post(f"/statistics/{NANTOU_V1}/{OCT}/submit/", {"back": NANTOU_V1})
    assert r.status_code == 302 and Report.objects.get(division_id=NANTOU_V1).state == "submitted"
    client.logout()
    login(client, head)
    text = client.get(f"/statistics/{NANTOU}/{OCT}/").content.decode()
    assert "红花园社区" in text and "statistics_return" not in text and f"/statistics/{NANTOU_V1}/{OCT}/return/" in text
    client.post(f"/statistics/{NANTOU_V1}/{OCT}/return/", {"reason": ""})
    assert Report.objects.get(division_id=NANTOU_V1).state == "submitted"     # no reason: nothing written
    client.post(f"/statistics/{NANTOU_V1}/{OCT}/return/", {"reason": "数字有误"})
    client.logout()
    login(client, collector)
    text = client.get(f"/statistics/{NANTOU_V1}/{OCT}/").content.decode()
    assert "数字有误" in text and "id=\"submit-report\"" in text
    assert client.get("/statistics/").status_code == 302


def test_t1_report_xlsx_has_every_table(client, world, clerk, head):
    arrive(clerk, register(clerk, seq=120), "2026-10-05")
    login(client, head)
    r = client.get(f"/statistics/{NANTOU}/{OCT}/report.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["报表数字", "下级报表", "年度数字"]
    rows = list(wb["报表数字"].values)
    inflow = [row for row in rows if row[1] == "inflow"][0]
    assert inflow[3] == 1     # live
    assert [row[1] for row in list(wb["下级报表"].values)[1:]] == [NANTOU_V1, "440305001002"]


def test_t1_pages_are_scoped(client, world):
    login(client, world["futian_clerk"])
    assert client.get(f"/statistics/{NANTOU}/{OCT}/").status_code == 404
    client.logout()
    login(client, world["police_officer"])
    assert client.get(f"/statistics/{NANTOU}/{OCT}/").status_code == 403


def test_part5_charts_beside_their_tables_and_pivots_by_division_and_month(client, world, clerk, head):
    import json
    import re
    from pathlib import Path


    from liudong.statistics import services
    from tests.conftest import NANSHAN

    from .conftest import at

    arrive(clerk, register(clerk, seq=120), "2026-09-05")
    arrive(clerk, register(clerk, seq=122), "2026-10-05")
    services.close_month(actor=None, period="2026-09", now=at("2026-10-01", 1), root=NANSHAN)
    services.close_month(actor=None, period=OCT, now=at("2026-11-01", 1), root=NANSHAN)
    login(client, head)
    text = client.get(f"/statistics/{NANTOU}/{OCT}/").content.decode()
    # ECharts is served from our static files (CSP: script-src 'self'), with our own script.
    assert "vendor/echarts-6.1.0/echarts.min.js" in text and "liudong-charts.js" in text
    assert (Path(__file__).resolve().parents[2] / "src/liudong/static/vendor/echarts-6.1.0/echarts.min.js").stat().st_size > 500_000
    charts = [json.loads(m.replace("&quot;", '"')) for m in re.findall(r'data-chart-data="([^"]*)"', text)]
    children, trend = charts
    assert children["names"] == ["红花园社区", "大汪山社区"] and children["series"][0]["data"] == [2, 0]
    assert trend["periods"] == ["2026-09", OCT] and trend["series"][0]["data"] == [1, 2]
    assert 'id="pivot-children"' in text and 'id="pivot-months"' in text
    wb = load_workbook(io.BytesIO(client.get(f"/statistics/{NANTOU}/{OCT}/report.xlsx").content))
    assert wb.sheetnames == ["报表数字", "下级报表", "年度数字", "逐月数字"]
    months = list(wb["逐月数字"].values)
    assert months[0] == ("指标", "2026-09", OCT) and months[1] == ("流入人口", 1, 2)
