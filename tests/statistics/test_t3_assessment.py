"""T3 (issue 14 part 3, first cut): the yearly two-way assessment of a township, by the
statistical year that ends on 30 September, from what the other side knows; thresholds, weights
and the veto as policy (part 11's county: a 100% reply rate)."""
import pytest

from liudong.errors import Invalid, NotFound
from liudong.exchange import services as exchange
from liudong.statistics import assessment
from tests.conftest import NANTOU, NANTOU_V1, TONGJIANG_T
from tests.people.api.conftest import ApiClient

from .conftest import at


def _request_from_tongjiang(world, day):
    return exchange.send_message(actor=world["tongjiang_clerk"], data={"kind": "correspondence", "topic": "births", "receiver": NANTOU,
                                                                        "subject": "核实函", "channel": "system"}, now=at(day))


def by_name(sheet):
    return {i["name"]: i for i in sheet["indicators"]}


def test_t3_an_unanswered_request_fails_the_whole_assessment_by_the_reply_rate_veto(world, clerk):
    _request_from_tongjiang(world, "2026-03-02")
    sheet = assessment.assess(actor=clerk, division_code=NANTOU, year=2026, now=at("2026-11-28"))
    assert (sheet["start"].isoformat(), sheet["end"].isoformat()) == ("2025-10-01", "2026-09-30")
    rows = by_name(sheet)
    assert rows["reply_rate"]["value"] == 0 and rows["reply_rate"]["pass"] is False and rows["reply_rate"]["veto"] is True
    assert rows["registration_coverage"]["pass"] is None and rows["certificate_verification_rate"]["value"] is None
    assert rows["reports_on_time"]["value"] == 0 and rows["reports_on_time"]["basis"] == {"months": 12, "on_time": 0}
    assert sheet["vetoed"] is True and sheet["passed"] is False


def test_t3_answered_in_time_passes_and_a_request_after_30_september_is_next_years(world, clerk):
    message = _request_from_tongjiang(world, "2026-03-02")
    exchange.reply(actor=clerk, message_id=message.pk, data={"subject": "复函", "body": "已核实", "channel": "system"}, now=at("2026-03-04"))
    _request_from_tongjiang(world, "2026-10-08")           # statistical year 2027
    sheet = assessment.assess(actor=clerk, division_code=NANTOU, year=2026, now=at("2026-11-28"))
    rows = by_name(sheet)
    assert rows["reply_rate"]["value"] == 1.0 and rows["on_time_rate"]["value"] == 1.0
    # 30 + 20 of the 60 assessed weight (reports on time failed): 83.3, no veto.
    assert sheet["score"] == 83.3 and sheet["passed"] is True
    nxt = by_name(assessment.assess(actor=clerk, division_code=NANTOU, year=2027, now=at("2026-11-28")))
    assert nxt["reply_rate"]["basis"]["expected"] == 1


def test_t3_bad_input_and_scope(world, clerk):
    with pytest.raises(Invalid):
        assessment.assess(actor=clerk, division_code=NANTOU_V1, year=2026, now=at("2026-11-28"))    # a village is not assessed
    with pytest.raises(Invalid):
        assessment.assess(actor=clerk, division_code=NANTOU, year="26x", now=at("2026-11-28"))
    with pytest.raises(NotFound):
        assessment.assess(actor=clerk, division_code=TONGJIANG_T, year=2026, now=at("2026-11-28"))


def test_t3_api_and_sheet(client, world, clerk):
    from liudong.accounts.tokens import issue_token
    from tests.conftest import password

    _request_from_tongjiang(world, "2026-03-02")
    api = ApiClient(issue_token(clerk))
    r = api.get(f"/assessments/{NANTOU}/2026")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == body["score"] and body["vetoed"] is True
    assert {i["name"]: i["pass"] for i in body["indicators"]}["reply_rate"] is False
    assert api.get(f"/assessments/{TONGJIANG_T}/2026").status_code == 404
    assert api.get(f"/assessments/{NANTOU_V1}/2026").status_code == 422
    assert client.login(username=clerk.username, password=password())
    text = client.get(f"/statistics/assessment/{NANTOU}/2026/").content.decode()
    assert "一票否决，不合格" in text and "2025-10-01" in text and "日历年度" in text


def test_t3_by_the_other_sides_province_both_ways(world, clerk):
    m = _request_from_tongjiang(world, "2026-03-02")
    exchange.reply(actor=clerk, message_id=m.pk, data={"subject": "复函", "body": "已核实", "channel": "system"}, now=at("2026-03-20"))
    _request_from_tongjiang(world, "2026-04-02")                        # never answered
    ours = exchange.send_message(actor=clerk, data={"kind": "correspondence", "topic": "births", "receiver": TONGJIANG_T, "subject": "核实函",
                                                    "channel": "system"}, now=at("2026-05-06"))
    exchange.reply(actor=world["tongjiang_clerk"], message_id=ours.pk, data={"subject": "复函", "body": "已核实", "channel": "system"}, now=at("2026-05-07"))
    _request_from_tongjiang(world, "2026-10-02")                        # the next statistical year
    sheet = assessment.assess(actor=clerk, division_code=NANTOU, year=2026, now=at("2026-11-28"))
    [sichuan] = sheet["by_province"]
    assert sichuan["province"] == "510000000000" and sichuan["name"] == "四川省"
    assert (sichuan["as_receiver"]["expected"], sichuan["as_receiver"]["answered"], sichuan["as_receiver"]["reply_rate"]) == (2, 1, 0.5)
    assert (sichuan["as_sender"]["expected"], sichuan["as_sender"]["answered"], sichuan["as_sender"]["on_time_rate"]) == (1, 1, 1.0)


def test_t3_sheet_exports_xlsx_and_pdf_state_the_statistical_year_and_link_each_figure(client, world, clerk):
    import io
    import subprocess

    from openpyxl import load_workbook

    from tests.conftest import password

    _request_from_tongjiang(world, "2026-03-02")
    assert client.login(username=clerk.username, password=password())
    text = client.get(f"/statistics/assessment/{NANTOU}/2026/").content.decode()
    assert 'id="year-statement"' in text and "2025-10-01" in text and "2026-09-30" in text and "止于9月30日" in text and "日历年度" in text
    # One click from each figure to what it rests on.
    assert f'href="/timeliness/?division={NANTOU}&amp;start=2025-10-01&amp;end=2026-09-30"' in text
    assert f'href="/statistics/{NANTOU}/2026-09/#years"' in text and f'href="/statistics/tasks/{NANTOU}/2026-09/"' in text
    assert f'href="/statistics/{NANTOU}/2025-10/"' in text and 'data-province="510000000000"' in text
    x = client.get(f"/statistics/assessment/{NANTOU}/2026/assessment.xlsx")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames == ["考核表", "按对方省份", "年度数字"]
    rows = list(wb["考核表"].values)
    assert [r for r in rows if r and r[1] == "reply_rate"][0][2:7] == (0, 100, 30, "是", "未达标")
    assert any(r and r[0] and "统计年度 2026（2025-10-01 至 2026-09-30，计划生育统计年度止于9月30日" in str(r[0]) for r in rows)
    assert list(wb["按对方省份"].values)[1][:3] == ("四川省", "510000000000", 1)
    assert list(wb["年度数字"].values)[0][2].startswith("日历年度 2026")
    pdf = client.get(f"/statistics/assessment/{NANTOU}/2026/assessment.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    words = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "双向考核表" in words and "2025-10-01" in words and "止于9月30日" in words and "四川省" in words and "一票否决" in words
    assert client.get(f"/statistics/assessment/{NANTOU_V1}/2026/assessment.pdf").status_code == 404
    assert client.get(f"/statistics/assessment/{TONGJIANG_T}/2026/assessment.xlsx").status_code == 404
