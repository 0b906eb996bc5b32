"""R7: each month a seeded random sample of each collector's records is drawn for a re-visit (the
same seed draws the same items), every tenant of a sampled rental home comes with it, spot checks
are recorded as unannounced, and results give an error rate per collector and village by month."""
import pytest

from liudong.errors import Invalid, NotFound
from liudong.quality import services_backchecks as backchecks
from liudong.quality.models import BackcheckDraw, BackcheckItem
from tests.conftest import NANTOU, NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .conftest import api_client, post


@pytest.fixture
def collected(world, clerk):
    """Twenty people registered by the 红花园 collector this month; two of them rent one home."""
    from liudong.people import services, services_places

    collector = world["village_collector"]
    people = []
    for i in range(20):
        p, _ = services.register_person(actor=collector, data={"id_number": make_id("511921", f"199{i % 10}0{1 + i % 9}1{i % 9}", 100 + 2 * i), "name": f"张{'一二三四五六七八九十'[i % 10]}{'甲乙'[i // 10]}",
                                                              "hukou_division": TONGJIANG_V}, today=TODAY)
        people.append(p)
    owner = people[0]
    home = services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园9栋", "owner_id": owner.pk, "registered_on": "2026-01-01"}, today=TODAY)
    for p in people[:2]:
        services.record_arrival(actor=clerk, person=p, data={"division": NANTOU_V1, "address": "红花园9栋", "arrived_on": "2026-11-01", "housing_id": home.pk, "reason": "work"}, today=TODAY)
    return people, home


def test_R7_same_seed_same_sample_and_the_whole_rental_home(clerk, collected):
    people, home = collected
    one = backchecks.draw(actor=clerk, data={"division": NANTOU, "period": "2026-11", "seed": 42}, today=TODAY)
    again = backchecks.draw(actor=clerk, data={"division": NANTOU, "period": "2026-11", "seed": 42}, today=TODAY)
    assert again.pk == one.pk
    # Drawn afresh (another database would not have the row): the same items from the same seed.
    sampled = [p for p in one.items.filter(kind="sample").values_list("person_id", flat=True)]
    assert len(sampled) == 1  # 5 % of 20, the policy's system default
    from liudong.quality.models import Review

    pop = {}
    for c, pid in Review.objects.filter(object_type="person").values_list("collector_id", "person_id"):
        pop.setdefault(c, []).append(pid)
    assert [pid for _, pid in backchecks.sample(pop, seed=42, percent=5)] == sampled
    assert [pid for _, pid in backchecks.sample(pop, seed=43, percent=50)] != [pid for _, pid in backchecks.sample(pop, seed=42, percent=50)]
    other = backchecks.draw(actor=clerk, data={"division": NANTOU, "period": "2026-11"}, today=TODAY)
    assert other.seed != 42 and other.pk != one.pk  # no seed given: one is drawn and recorded
    # A sampled tenant brings the whole home.
    for d in (one, other):
        ids = set(d.items.values_list("person_id", flat=True))
        if ids & {people[0].pk, people[1].pk}:
            assert {people[0].pk, people[1].pk} <= ids


def test_R7_results_give_error_rates_and_bad_input_writes_nothing(clerk, world, collected):
    people, _ = collected
    d = backchecks.draw(actor=clerk, data={"division": NANTOU, "period": "2026-11", "seed": 7, }, today=TODAY)
    item = d.items.first()
    before = list(BackcheckItem.objects.values_list("result", flat=True))
    for data, field in [({"result": "corrected", "checked_on": "2026-11-20"}, "fields"), ({"result": "maybe", "checked_on": "2026-11-20"}, "result"),
                        ({"result": "correct", "checked_on": "2026-12-20"}, "checked_on"), ({"result": "corrected", "fields": ["salary"], "checked_on": "2026-11-20"}, "fields")]:
        with pytest.raises(Invalid) as e:
            backchecks.record_result(actor=clerk, item_id=item.pk, data=data, today=TODAY)
        assert field in e.value.errors
    with pytest.raises(NotFound):
        backchecks.record_result(actor=world["futian_clerk"], item_id=item.pk, data={"result": "correct", "checked_on": "2026-11-20"}, today=TODAY)
    with pytest.raises(Invalid) as e:
        backchecks.draw(actor=clerk, data={"division": NANTOU, "period": "2026-13"}, today=TODAY)
    assert "period" in e.value.errors
    assert list(BackcheckItem.objects.values_list("result", flat=True)) == before
    backchecks.record_result(actor=clerk, item_id=item.pk, data={"result": "corrected", "fields": ["phone"], "checked_on": "2026-11-20"}, today=TODAY)
    spot = backchecks.spot_check(actor=clerk, data={"person_id": people[5].pk, "result": "correct", "checked_on": "2026-11-21"}, today=TODAY)
    assert spot.kind == "spot" and spot.collector_id == world["village_collector"].pk
    rates = backchecks.error_rates(actor=clerk, division=clerk.division)
    assert item.kind == "sample" and rates == [{"who": "village_collector", "period": "2026-11", "checked": 2, "corrected": 1, "rate": 0.5}]
    by_village = backchecks.error_rates(actor=clerk, division=clerk.division, by="village")
    assert sum(r["checked"] for r in by_village) == 2 and all(r["who"].startswith(NANTOU[:9]) for r in by_village)


def test_R7_api_draw_is_reproducible_and_spot_checks_are_recorded(clerk, world, collected):
    people, _ = collected
    api = api_client(clerk)
    r = post(api, "/api/v1/backchecks/draw", {"division": NANTOU, "period": "2026-11", "seed": 99})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["seed"] == 99 and body["items"] and all("person_id" in i for i in body["items"])
    assert post(api, "/api/v1/backchecks/draw", {"division": NANTOU, "period": "2026-11", "seed": 99}).json()["items"] == body["items"]
    item = body["items"][0]["id"]
    ok = post(api, f"/api/v1/backchecks/{item}/result", {"result": "correct", "checked_on": "2026-11-25"})
    assert ok.status_code == 200 and ok.json()["result"] == "correct"
    assert post(api, f"/api/v1/backchecks/{item}/result", {"result": "correct", "checked_on": "2026-11-25"}).status_code == 422
    assert post(api, "/api/v1/backchecks/spot", {"person_id": people[3].pk, "result": "corrected", "fields": ["phone"], "checked_on": "2026-11-26"}).status_code == 201
    rates = api.get("/api/v1/backchecks/rates?by=village")
    assert rates.status_code == 200 and sum(r["checked"] for r in rates.json()) == 2
    assert post(api_client(world["village_collector"]), "/api/v1/backchecks/draw", {"period": "2026-11"}).status_code == 403
    assert post(api, "/api/v1/backchecks/draw", {"division": "440304001000", "period": "2026-11"}).status_code == 422
