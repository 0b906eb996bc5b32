"""R6 beside T2 (issue 14 part 1): the report shows, beside the inflow and outflow figures, the
share of the counted records that passed review as of the period's end: a residence period whose
own form and whose person's registration form each completed the review chain by that day, or
never entered it (not entered by a village collector). Dated data across a month's end: a form
signed after the end has not passed for that month; a returned one has not passed."""
import pytest

from liudong.accounts.staff import set_review_marks
from liudong.quality import services_reviews as reviews
from liudong.quality.models import Review
from liudong.statistics import queries, reviewed
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, TONGJIANG, password
from tests.people.api.conftest import ApiClient

from .conftest import arrive, at, d, register


@pytest.fixture(autouse=True)
def experienced(world):
    """R6: the township step is signed by reviewers marked experienced (quality's rule), marked by
    the account manager as in tests/quality/test_reviews.py."""
    for name in ("township_clerk", "township_head"):
        world[name] = set_review_marks(actor=world["admin"], username=name, experienced_reviewer=True)


def sign_all(world, review, day):
    for who in ("village_cadre", "police_officer", "township_clerk", "township_head"):
        reviews.sign(actor=world[who], review_id=review.pk, decision="approve", today=d(day), now=at(day))


def forms_of(person):
    return list(Review.objects.filter(person=person).order_by("id"))


def scene(world, clerk, collector):
    """A: entered by the township clerk (never in the chain). B: entered by the collector in
    September, every form approved on 15 October. C: the collector's, October, returned."""
    a = register(clerk, seq=120, on=d("2026-09-05"))
    arrive(clerk, a, "2026-09-05", on=d("2026-09-05"))
    b = register(collector, seq=122, on=d("2026-09-10"))
    arrive(collector, b, "2026-09-10", on=d("2026-09-10"))
    c = register(collector, seq=124, on=d("2026-10-03"))
    arrive(collector, c, "2026-10-03", on=d("2026-10-03"))
    assert [f.object_type for f in forms_of(b)] == ["person", "arrival"]
    for form in forms_of(b):
        sign_all(world, form, "2026-10-15")
    reviews.sign(actor=world["village_cadre"], review_id=forms_of(c)[0].pk, decision="return", reason="地址不全", today=d("2026-10-05"), now=at("2026-10-05"))
    return a, b, c


def test_R6_T2_reviewed_share_as_of_the_period_end_across_a_month_boundary(world, clerk, collector):
    scene(world, clerk, collector)
    september = reviewed.shares(NANTOU, d("2026-09-30"))["inflow"]
    assert september == {"counted": 2, "passed": 1, "share": 0.5}          # B was signed only in October
    october = reviewed.shares(NANTOU, d("2026-10-31"))["inflow"]
    assert october == {"counted": 3, "passed": 2, "share": 0.6667}         # C returned: not passed
    # The hukou side counts the same periods as outflow, with the same forms.
    assert reviewed.shares(TONGJIANG, d("2026-10-31"))["outflow"] == {"counted": 3, "passed": 2, "share": 0.6667}
    # One form of two approved is not enough: C's arrival approved, its registration still returned.
    c_arrival = [f for f in Review.objects.filter(object_type="arrival").order_by("id")][-1]
    sign_all(world, c_arrival, "2026-10-20")
    assert reviewed.shares(NANTOU, d("2026-10-31"))["inflow"]["passed"] == 2
    assert reviewed.shares(NANTOU, d("2026-08-31"))["inflow"] == {"counted": 0, "passed": 0, "share": None}


def test_R6_T2_the_share_is_on_the_report_page_and_api_and_leaves_the_figures_alone(client, world, clerk, collector):
    from liudong.accounts.tokens import issue_token

    scene(world, clerk, collector)
    data = queries.report(actor=clerk, division_code=NANTOU, period="2026-10", now=at("2026-11-28"))
    assert data["live"]["inflow"] == 3 and data["reviewed"]["inflow"]["share"] == 0.6667    # every record counted, the share beside
    assert queries.report(actor=world["county_officer"], division_code=NANSHAN, period="2026-10", now=at("2026-11-28"))["reviewed"]["inflow"]["passed"] == 2
    body = ApiClient(issue_token(clerk)).get(f"/reports/{NANTOU}/2026-09").json()
    assert body["reviewed"]["inflow"] == {"counted": 2, "passed": 1, "share": 0.5} and body["reviewed"]["outflow"]["counted"] == 0
    assert client.login(username=clerk.username, password=password())
    text = client.get(f"/statistics/{NANTOU}/2026-10/").content.decode()
    assert 'id="reviewed-definition"' in text and "审核通过占比" in text and "2/3" in text and "67%" in text


def test_R6_a_form_resubmitted_after_a_return_passes_on_the_day_its_chain_completes(world, clerk, collector):
    _, _, c = scene(world, clerk, collector)
    registration = forms_of(c)[0]
    reviews.resubmit(actor=collector, review_id=registration.pk, today=d("2026-11-02"))
    sign_all(world, Review.objects.get(pk=registration.pk), "2026-11-04")
    sign_all(world, forms_of(c)[1], "2026-11-04")
    assert reviewed.shares(NANTOU, d("2026-11-03"))["inflow"]["passed"] == 2
    assert reviewed.shares(NANTOU, d("2026-11-04"))["inflow"]["passed"] == 3
    assert reviewed.shares(NANTOU, d("2026-10-31"))["inflow"]["passed"] == 2        # October's share does not change afterwards
