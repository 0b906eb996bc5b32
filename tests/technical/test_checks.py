"""S2, S3, S6, J4: checks where she lives, the numbered report slip sent to her hukou township,
which files it; reports mailed back; bad input refused with nothing written."""
import pytest

from tests.conftest import NANTOU, SHEKOU_V1, TONGJIANG_T

from .conftest import at, d

pytestmark = pytest.mark.django_db


def counts():
    from liudong.exchange.models import Message
    from liudong.technical.models import Check

    return Check.objects.count(), Message.objects.count()


def test_S2_a_check_issues_a_numbered_report_that_reaches_the_hukou_townships_inbox_and_is_filed(api, woman, institution):
    r = api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["pregnancy", "iud"],
                                                      "result": "normal", "institution_id": institution.pk, "method": "iud"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["report_number"] == "440305001-2026-00001"
    assert body["hukou_place"] == TONGJIANG_T and body["items"] == ["pregnancy", "iud"] and body["institution_name"] == "南山区妇幼保健院"
    # ...the second slip of the year is numbered next
    again = api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-21", "items": ["iud"], "result": "normal"})
    assert again.json()["report_number"] == "440305001-2026-00002"
    # 诺江镇 finds it in its inbox as a contraception report (X1 topic contraception) and files it
    inbox = api("tongjiang_clerk").get("/api/v1/messages", box="inbox").json()
    mine = [m for m in inbox["results"] if m["id"] == body["message_id"]]
    assert mine and mine[0]["kind"] == "contraception_report" and mine[0]["topic"] == "contraception"
    message = api("tongjiang_clerk").get(f"/api/v1/messages/{body['message_id']}").json()
    assert "440305001-2026-00001" in message["body"] and "王芳" in message["body"] and "南山区妇幼保健院" in message["body"]
    filed = api("tongjiang_clerk").post(f"/api/v1/messages/{body['message_id']}/acknowledge", {})
    assert filed.status_code == 200 and filed.json()["state"] == "closed"
    # the hukou side sees her checks with the report filed (its outflow woman, J2)
    seen = api("tongjiang_clerk").get("/api/v1/checks", person_id=woman.pk).json()
    assert seen["count"] == 2 and {c["message_state"] for c in seen["results"]} == {"closed", "sent"}


def test_S2_every_read_of_her_checks_is_logged(api, woman):
    from liudong.accounts.models import AuditEvent

    api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal"})
    api("township_head").get("/api/v1/checks", person_id=woman.pk)
    event = AuditEvent.objects.filter(action="check.list").latest("id")
    assert event.actor_name == "township_head" and event.person_id == woman.pk and len(event.fields["shown"]) == 1


@pytest.mark.parametrize("role", ["police_officer", "query_desk"])
def test_S2_police_and_the_query_desk_never_see_technical_services(api, woman, role):
    for path, params in [("/api/v1/checks", {"person_id": woman.pk}), ("/api/v1/checks/due", {}), ("/api/v1/distributions", {}),
                         ("/api/v1/service-items", {}), ("/api/v1/distribution-points", {})]:
        assert api(role).get(path, **params).status_code == 403, path
    r = api(role).post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal"})
    assert r.status_code == 403 and counts() == (0, 0)


def test_S2_a_pregnancy_check_for_a_man_is_a_field_error_and_nothing_is_written(api, man):
    r = api("township_clerk").post("/api/v1/checks", {"person_id": man.pk, "checked_on": "2026-11-20", "items": ["pregnancy"], "result": "normal"})
    assert r.status_code == 422 and "items" in r.json()["errors"]
    assert counts() == (0, 0)


def test_S2_J4_a_person_outside_the_scope_or_not_living_in_the_township_is_a_field_error(api, woman, world):
    # 南山街道's clerk: 王芳 lives in 南头街道, outside his scope
    r = api("shekou_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal"})
    assert r.status_code == 422 and r.json()["errors"]["person_id"][0].startswith("人员不存在或不在您的管辖范围内")
    # 诺江镇 sees her (her hukou) but she does not live there: the residence records her checks (J4, 3-七)
    r = api("tongjiang_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal"})
    assert r.status_code == 422 and "不住在本乡镇" in r.json()["errors"]["person_id"][0]
    r = api("township_clerk").post("/api/v1/checks", {"person_id": 999999, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal"})
    assert r.status_code == 422 and "person_id" in r.json()["errors"]
    assert counts() == (0, 0)


def test_S2_a_result_before_her_arrival_or_in_the_future_is_a_field_error(api, woman):
    early = api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2025-02-28", "items": ["iud"], "result": "normal"})
    assert early.status_code == 422 and "2025-03-01" in early.json()["errors"]["checked_on"][0]
    future = api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-29", "items": ["iud"], "result": "normal"})
    assert future.status_code == 422 and "checked_on" in future.json()["errors"]
    bad = api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-02-30", "items": ["x"], "result": "fine"})
    assert bad.status_code == 422 and {"checked_on", "items", "result"} <= set(bad.json()["errors"])
    assert counts() == (0, 0)


def test_S2_a_village_collector_does_not_issue_report_slips(api, woman):
    r = api("village_collector").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal"})
    assert r.status_code == 422 and "division" in r.json()["errors"] and counts() == (0, 0)


def test_S2_after_a_move_the_new_residence_township_records_her_check(api, woman, world, clerk):
    from liudong.accounts.models import Staff
    from liudong.people import services as people

    # the county's police desk records the move between its streets (R2)
    police = Staff.objects.create(username="nanshan_police", role="police_officer", division_id="440305000000")
    people.record_move(actor=police, person=woman, data={"division": SHEKOU_V1, "address": "南山社区3栋", "arrived_on": "2026-10-01", "reason": "work"}, today=d("2026-11-28"))
    old = api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal"})
    assert old.status_code == 422 and "person_id" in old.json()["errors"]  # she is no longer in 南头街道's scope
    before = api("shekou_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-09-30", "items": ["iud"], "result": "normal"})
    assert before.status_code == 422 and "2026-10-01" in before.json()["errors"]["checked_on"][0]
    r = api("shekou_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-02", "items": ["iud", "pregnancy"], "result": "normal"})
    assert r.status_code == 201
    assert r.json()["village"] == SHEKOU_V1 and r.json()["report_number"] == "440305002-2026-00001" and r.json()["hukou_place"] == TONGJIANG_T


def test_S6_a_check_names_an_institution_of_the_province_on_the_published_list(api, woman, world):
    from liudong.technical import services

    elsewhere = services.publish_institution(actor=None, data={"name": "通江县妇幼保健院", "address": "通江县诺江镇", "phone": "0827-7222222",
                                                               "division": "511921000000", "published_on": "2020-01-01"}, now=at("2026-01-05"))
    r = api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["iud"], "result": "normal", "institution_id": elsewhere.pk})
    assert r.status_code == 422 and "本省" in r.json()["errors"]["institution_id"][0] and counts() == (0, 0)


def test_S6_each_province_publishes_its_institutions_on_a_public_list(api, institution, world):
    anonymous = api(None).get("/api/v1/institutions", province="44")
    assert anonymous.status_code == 200
    assert [(i["name"], i["address"], i["phone"]) for i in anonymous.json()["results"]] == [("南山区妇幼保健院", "深圳市南山区南山大道1001号", "0755-26491000")]
    assert api(None).get("/api/v1/institutions", province="51").json()["count"] == 0
    assert api(None).get("/api/v1/institutions", province="440300").status_code == 422
    # a province publishes; a township may not
    new = api("province_officer").post("/api/v1/institutions", {"name": "深圳市计划生育服务中心", "address": "深圳市福田区", "phone": "0755-88888888"})
    assert new.status_code == 201 and new.json()["province"] == "440000000000"
    assert api("township_clerk").post("/api/v1/institutions", {"name": "x", "address": "y", "phone": "0755-88888888"}).status_code == 403
    bad = api("province_officer").post("/api/v1/institutions", {"name": "", "address": "y", "phone": "12"})
    assert bad.status_code == 422 and {"name", "phone"} <= set(bad.json()["errors"])


def test_S1_the_catalogue_lists_the_free_items_with_their_exams(api):
    r = api("village_collector").get("/api/v1/service-items")
    names = [i["name"] for i in r.json()["results"]]
    assert r.status_code == 200 and names[:3] == ["发放避孕药具", "孕情检查", "环情检查"] and "输精管结扎术" in names and "计划生育手术并发症诊治" in names
    assert all(i["exams"] for i in r.json()["results"] if i["category"] in ("iud", "abortion", "sterilisation"))


def test_S1_a_township_sets_up_distribution_points_and_vending_machines(api):
    r = api("township_clerk").post("/api/v1/distribution-points", {"kind": "machine", "name": "南头城地铁站售货机", "address": "南头城地铁站A口",
                                                                    "village": "440305001001", "opened_on": "2026-03-01"})
    assert r.status_code == 201 and r.json()["township"] == NANTOU
    listed = api("nation_officer").get("/api/v1/distribution-points")
    assert listed.status_code == 403
    assert api("county_officer").get("/api/v1/distribution-points").json()["count"] == 1
    bad = api("township_clerk").post("/api/v1/distribution-points", {"kind": "kiosk", "name": "", "address": "x", "opened_on": "2030-01-01"})
    assert bad.status_code == 422 and {"kind", "name", "opened_on"} <= set(bad.json()["errors"])


def test_S3_the_hukou_side_records_advice_before_leaving_and_reports_mailed_back(api, woman):
    r = api("tongjiang_clerk").post("/api/v1/departure-advice", {"person_id": woman.pk, "advised_on": "2025-02-20", "method": "iud", "told_to_attend_checks": True})
    assert r.status_code == 201 and r.json()["method"] == "iud"
    untold = api("tongjiang_clerk").post("/api/v1/departure-advice", {"person_id": woman.pk, "advised_on": "2025-02-20", "method": "iud"})
    assert untold.status_code == 422 and "told_to_attend_checks" in untold.json()["errors"]
    # the residence township is not her hukou township
    assert api("township_clerk").post("/api/v1/departure-advice", {"person_id": woman.pk, "advised_on": "2025-02-20", "method": "iud",
                                                                   "told_to_attend_checks": True}).status_code == 422
    mailed = api("tongjiang_clerk").post("/api/v1/mailed-reports", {"person_id": woman.pk, "checked_on": "2026-05-10", "received_on": "2026-05-20",
                                                                    "items": ["iud"], "result": "normal", "institution_text": "深圳某医院"})
    assert mailed.status_code == 201 and mailed.json()["origin"] == "mailed" and mailed.json()["message_id"] is None
    late = api("tongjiang_clerk").post("/api/v1/mailed-reports", {"person_id": woman.pk, "checked_on": "2026-05-10", "received_on": "2026-05-01",
                                                                  "items": ["iud"], "result": "normal"})
    assert late.status_code == 422 and "received_on" in late.json()["errors"]
    assert [c["origin"] for c in api("township_clerk").get("/api/v1/checks", person_id=woman.pk).json()["results"]] == ["mailed"]


def test_S3_a_returnee_is_on_the_to_do_list_until_her_follow_up_visit(api, woman, world):
    from liudong.people import services as people

    residence = woman.residences.get(left_on__isnull=True)
    people.record_departure(actor=world["township_clerk"], residence_id=residence.pk, left_on="2026-10-31", today=d("2026-11-28"))
    people.record_return(actor=world["tongjiang_clerk"], person=woman, data={"arrived_on": "2026-11-01"}, today=d("2026-11-28"))
    todo = api("tongjiang_clerk").get("/api/v1/returnees").json()
    assert [r["person_id"] for r in todo["results"]] == [woman.pk] and todo["results"][0]["returned_on"] == "2026-11-01"
    early = api("tongjiang_clerk").post("/api/v1/returnee-visits", {"person_id": woman.pk, "visited_on": "2026-10-31"})
    assert early.status_code == 422 and "visited_on" in early.json()["errors"]
    assert api("tongjiang_clerk").post("/api/v1/returnee-visits", {"person_id": woman.pk, "visited_on": "2026-11-10", "notes": "已随访"}).status_code == 201
    assert api("tongjiang_clerk").get("/api/v1/returnees").json()["count"] == 0



def test_S2_C5_the_check_is_entered_on_her_certificate(api, clerk, world):
    from liudong.accounts.models import AuditEvent
    from liudong.certificates import services as certificates
    from liudong.certificates.models import CertificateEntry

    from tests.conftest import make_id

    from .conftest import person

    woman = person(clerk, id_number=make_id("511921", "19900202", 52), name="孙丽", arrived="2018-03-01")
    certificates.issue_certificate(actor=world["tongjiang_clerk"], data={"person_id": woman.pk, "issued_on": "2019-01-02"}, now=at("2019-01-02"))
    r = api("township_clerk").post("/api/v1/checks", {"person_id": woman.pk, "checked_on": "2020-06-01", "items": ["iud"], "result": "normal"})
    assert r.status_code == 201
    entry = CertificateEntry.objects.get()
    assert entry.kind == "check" and r.json()["report_number"] in entry.text and str(entry.entered_on) == "2020-06-01"
    assert AuditEvent.objects.filter(action="check.record").latest("id").fields["certificate_entry"] == entry.pk
