"""T3, part 11 (篇十一: 完成县定提交信息任务数，信息回复率100%): the county sets each township's
submission task (messages a period, the kinds that count, the reply target), kept as history; the
township sees its progress, the county all its townships side by side (page, chart data, .xlsx,
API); the task's fulfilment is an indicator of the assessment. Dated data crossing month,
quarter and statistical-year boundaries."""
import io
import json
import re

import pytest
from openpyxl import load_workbook

from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange import services as exchange
from liudong.statistics import assessment, queries_submission, services_submission
from liudong.statistics.models import SubmissionTask
from tests.conftest import FUTIAN_T, NANSHAN, NANTOU, NANTOU_V1, SHEKOU, TONGJIANG_T, password
from tests.people.api.conftest import ApiClient

from .conftest import at, d


def set_task(county, *, today="2026-10-02", **data):
    base = {"division": NANTOU, "period": "month", "messages": 2, "valid_from": "2026-10-01"}
    return services_submission.set_task(actor=county, data={**base, **data}, now=at(today), today=d(today))


def send(clerk, day, kind="correspondence"):
    return exchange.send_message(actor=clerk, data={"kind": kind, "topic": "births", "receiver": TONGJIANG_T, "subject": "核实函", "channel": "system"},
                                 now=at(day))


def ask_nantou(world, day):
    return exchange.send_message(actor=world["tongjiang_clerk"], data={"kind": "correspondence", "topic": "births", "receiver": NANTOU,
                                                                        "subject": "核实函", "channel": "system"}, now=at(day))


def test_t3_part11_county_sets_a_task_changed_from_a_date_history_kept_and_audited(world, county):
    first = set_task(county, note="宁计生发(2011)22号")
    second = set_task(county, today="2026-10-20", messages=3, valid_from="2026-11-01")
    assert list(SubmissionTask.objects.filter(township_id=NANTOU).order_by("valid_from").values_list("messages", "valid_from")) == [
        (2, d("2026-10-01")), (3, d("2026-11-01"))]                     # not an overwrite
    history = [t.messages for t in SubmissionTask.objects.all()]
    assert queries_submission.in_force(list(SubmissionTask.objects.all()), d("2026-10-31")) == first
    assert queries_submission.in_force(list(SubmissionTask.objects.all()), d("2026-11-01")) == second and history == [2, 3]
    assert AuditEvent.objects.filter(action="submission_task.set").count() == 2


@pytest.mark.parametrize("data, field", [
    ({"messages": -1}, "messages"),
    ({"messages": "两条"}, "messages"),
    ({"division": FUTIAN_T}, "division"),                                # a township of another county
    ({"division": NANSHAN}, "division"),                                 # not a township
    ({"valid_from": "2026-10-15"}, "valid_from"),                        # not a month's first day
    ({"period": "quarter", "valid_from": "2026-11-01"}, "valid_from"),   # a quarter begins in Jan, Apr, Jul or Oct
    ({"period": "year", "valid_from": "2027-01-01"}, "valid_from"),      # the statistical year begins on 1 October
    ({"valid_from": "2026-09-01"}, "valid_from"),                        # the past is not rewritten
    ({"valid_from": "2026/10/01"}, "valid_from"),
    ({"period": "weekly"}, "period"),
    ({"kinds": ["reply"]}, "kinds"),                                     # answers count for the reply rate, not the task
    ({"reply_target": 1.5}, "reply_target"),
    ({"reply_target": 0}, "reply_target"),
])
def test_t3_part11_bad_input_is_a_field_error_and_writes_nothing(world, county, data, field):
    with pytest.raises(Invalid) as e:
        set_task(county, **data)
    assert field in e.value.errors
    assert not SubmissionTask.objects.exists() and not AuditEvent.objects.filter(action="submission_task.set").exists()


def test_t3_part11_every_bad_field_at_once_a_second_task_the_same_day_and_who_may_set(world, county, clerk):
    with pytest.raises(Invalid) as e:
        set_task(county, messages=-3, division=FUTIAN_T, period="daily")
    assert {"messages", "division", "period"} <= set(e.value.errors)
    set_task(county)
    with pytest.raises(Invalid) as e:
        set_task(county, messages=5)
    assert "valid_from" in e.value.errors and SubmissionTask.objects.count() == 1
    with pytest.raises(Denied):
        set_task(world["township_head"])                   # a township does not set its own task
    with pytest.raises(Denied):
        set_task(world["village_cadre"])


def test_t3_part11_township_progress_messages_against_the_task_and_reply_rate_against_the_target(world, county, clerk):
    set_task(county, messages=2, kinds=["correspondence"])
    set_task(county, today="2026-10-20", messages=3, valid_from="2026-11-01")
    send(clerk, "2026-09-30")                               # the month before: not October's
    send(clerk, "2026-10-08")
    send(clerk, "2026-10-31")
    send(clerk, "2026-10-15", kind="policy_notice")         # not a kind October's task counts
    send(clerk, "2026-11-03", kind="policy_notice")          # November's task counts every kind
    m = ask_nantou(world, "2026-10-12")
    exchange.reply(actor=clerk, message_id=m.pk, data={"subject": "复函", "body": "已核实", "channel": "system"}, now=at("2026-10-13"))
    ask_nantou(world, "2026-11-02")                         # unanswered, overdue by the 28th
    oct_ = queries_submission.progress(actor=clerk, division_code=NANTOU, period="2026-10", now=at("2026-11-28"))["townships"][0]
    assert (oct_["messages_task"], oct_["messages_sent"], oct_["task_met"]) == (2, 2, True)
    assert oct_["reply"]["reply_rate"] == 1.0 and oct_["reply_target"] == 1.0 and oct_["reply_met"] is True
    nov = queries_submission.progress(actor=clerk, division_code=NANTOU, period="2026-11", now=at("2026-11-28"))["townships"][0]
    assert (nov["messages_task"], nov["messages_sent"], nov["task_met"], nov["to"]) == (3, 1, False, d("2026-11-28"))
    assert nov["reply"]["reply_rate"] == 0.0 and nov["reply_met"] is False
    # The county sees each of its townships side by side; 南山街道 has no task.
    side = queries_submission.progress(actor=county, division_code=NANSHAN, period="2026-10", now=at("2026-11-28"))
    rows = {r["division"]: r for r in side["townships"]}
    assert set(rows) == {NANTOU, SHEKOU} and rows[SHEKOU]["task"] is None and rows[NANTOU]["messages_sent"] == 2
    assert (side["with_task"], side["task_met"], side["reply_met"]) == (1, 1, 1)


def test_t3_part11_a_quarter_and_a_statistical_year_task_count_their_whole_window(world, county, clerk):
    set_task(county, period="quarter", messages=3, valid_from="2026-10-01")
    for day in ("2026-09-29", "2026-10-08", "2026-11-08", "2026-12-08"):
        send(clerk, day)
    q = queries_submission.progress(actor=clerk, division_code=NANTOU, period="2026-11", now=at("2027-02-01"))["townships"][0]
    assert (q["start"], q["end"], q["messages_sent"], q["task_met"]) == (d("2026-10-01"), d("2026-12-31"), 3, True)
    set_task(county, today="2027-02-01", period="year", messages=10, valid_from="2027-10-01")
    y = queries_submission.progress(actor=clerk, division_code=NANTOU, period="2027-10", now=at("2027-11-02"))["townships"][0]
    assert (y["start"], y["end"], y["to"], y["messages_sent"]) == (d("2027-10-01"), d("2028-09-30"), d("2027-11-02"), 0)


def test_t3_part11_progress_scope_and_bad_period(world, county, clerk):
    with pytest.raises(NotFound):
        queries_submission.progress(actor=clerk, division_code=SHEKOU, period="2026-10", now=at("2026-11-28"))
    for bad in ("2026-13", "2026/10", "2027-01"):
        with pytest.raises(Invalid):
            queries_submission.progress(actor=clerk, division_code=NANTOU, period=bad, now=at("2026-11-28"))
    with pytest.raises(Invalid):
        queries_submission.progress(actor=world["village_collector"], division_code=NANTOU_V1, period="2026-10", now=at("2026-11-28"))


def test_t3_part11_task_fulfilment_is_an_indicator_of_the_assessment(world, county, clerk):
    set_task(county, messages=1, valid_from="2026-10-01")
    send(clerk, "2026-10-08")                                # October met, November not
    sheet = assessment.assess(actor=county, division_code=NANTOU, year=2027, now=at("2026-12-05"))
    row = {i["name"]: i for i in sheet["indicators"]}["submission_task"]
    assert row["value"] == 0.5 and row["basis"] == {"windows": 2, "met": 1} and row["pass"] is False and row["weight"] == 10
    # The county is assessed on all its townships' windows; the year before had no task: not assessed.
    assert {i["name"]: i for i in assessment.assess(actor=county, division_code=NANSHAN, year=2027, now=at("2026-12-05"))["indicators"]}[
        "submission_task"]["basis"] == {"windows": 2, "met": 1}
    assert {i["name"]: i for i in assessment.assess(actor=county, division_code=NANTOU, year=2026, now=at("2026-12-05"))["indicators"]}[
        "submission_task"]["pass"] is None


def test_t3_part11_api_set_list_progress_and_errors(world, county, clerk):
    from liudong.accounts.tokens import issue_token

    api = ApiClient(issue_token(county))
    r = api.post("/submission-tasks", {"division": NANTOU, "period": "month", "messages": 4, "valid_from": "2026-12-01", "kinds": ["correspondence"]})
    assert r.status_code == 201 and r.json()["messages"] == 4 and r.json()["reply_target"] == 1.0 and r.json()["division"] == NANTOU
    bad = api.post("/submission-tasks", {"division": FUTIAN_T, "period": "month", "messages": -1, "valid_from": "2026-12-15"})
    assert bad.status_code == 422 and {"division", "messages", "valid_from"} <= set(bad.json()["errors"])
    assert SubmissionTask.objects.count() == 1
    assert ApiClient(issue_token(clerk)).post("/submission-tasks", {"division": NANTOU, "period": "month", "messages": 4,
                                                                    "valid_from": "2027-01-01"}).status_code == 403
    listed = api.get("/submission-tasks", {"division": NANSHAN}).json()
    assert listed["count"] == 1 and listed["results"][0]["kinds"] == ["correspondence"]
    progress = ApiClient(issue_token(clerk)).get(f"/submission-progress/{NANTOU}/2026-11")
    assert progress.status_code == 200 and progress.json()["townships"][0]["task"] is None
    assert api.get(f"/submission-progress/{NANSHAN}/2026-11").json()["townships"][0]["division"] == NANTOU
    assert ApiClient(issue_token(clerk)).get(f"/submission-progress/{SHEKOU}/2026-11").status_code == 404
    assert api.get(f"/submission-progress/{NANSHAN}/2026-13").status_code == 422


def _login(client, staff):
    assert client.login(username=staff.username, password=password())
    return client


def test_t3_part11_pages_the_county_sets_and_sees_all_townships_the_township_its_own(client, world, county, clerk):
    send(clerk, "2026-11-03")
    _login(client, county)
    page = client.get(f"/statistics/tasks/{NANSHAN}/2026-11/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="task-form"' in text and "南头街道" in text and "南山街道" in text
    bad = client.post(f"/statistics/tasks/{NANSHAN}/2026-11/set/", {"division": NANTOU, "period": "month", "messages": "-2", "valid_from": "2026-11-01"})
    assert bad.status_code == 422 and "不能为负" in bad.content.decode() and not SubmissionTask.objects.exists()
    ok = client.post(f"/statistics/tasks/{NANSHAN}/2026-11/set/", {"division": NANTOU, "period": "month", "messages": "1", "valid_from": "2026-11-01",
                                                                   "reply_target": "1", "kinds": ["correspondence"]})
    assert ok.status_code == 302 and SubmissionTask.objects.get().kinds == ["correspondence"]
    text = client.get(f"/statistics/tasks/{NANSHAN}/2026-11/").content.decode()
    chart = [json.loads(m.replace("&quot;", '"')) for m in re.findall(r'data-chart-data="([^"]*)"', text)][0]
    assert chart["names"] == ["南头街道", "南山街道"] and chart["series"][0]["data"] == [1, None] and chart["series"][1]["data"] == [1, None]
    wb = load_workbook(io.BytesIO(client.get(f"/statistics/tasks/{NANSHAN}/2026-11/tasks.xlsx").content))
    rows = list(wb.active.values)
    assert rows[1][:2] == ("南头街道", NANTOU) and rows[1][6].date() == d("2026-11-30") and rows[1][7:12] == (1, 1, 0, 100.0, "是") and rows[2][2] == "无任务"
    client.logout()
    _login(client, clerk)
    text = client.get(f"/statistics/tasks/{NANTOU}/2026-11/").content.decode()
    assert "已完成" in text and 'id="task-form"' not in text and "南山街道" not in text
    assert client.post(f"/statistics/tasks/{NANTOU}/2026-11/set/", {"division": NANTOU, "period": "month", "messages": "9",
                                                                    "valid_from": "2026-12-01"}).status_code == 403    # a township sets no task
    assert SubmissionTask.objects.count() == 1
    assert client.get(f"/statistics/tasks/{SHEKOU}/2026-11/").status_code == 404
