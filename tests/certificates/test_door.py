"""上门: certificate applications a village takes door to door (C1, C2; seed part 1 四-(二),
part 8 四 "上门免费办理《流动人口婚育证明》"), issued or refused by the hukou township: the service,
the API and the pages, with bad input (scope, missing fields, deciding twice) changing nothing."""
import pytest
from django.test import Client

from liudong.accounts.choices import Role
from liudong.accounts.models import Staff
from liudong.certificates import services_door
from liudong.certificates.models import Certificate, DoorApplication
from liudong.errors import Denied, Invalid, NotFound
from tests.conftest import NANTOU_V1, TONGJIANG_V, make_id, password

from .conftest import api_client, at, counts, d, issue, post

TAKE = {"taken_on": "2019-03-05", "place": "诺江村3组王家院子"}
FAMILY = {"applicant": "family", "applicant_name": "王大山", "relationship": "父亲", "verification": "村委会入户核实，未婚未育"}


@pytest.fixture
def village(world):
    """The collector of 诺江村, the village of 王芳's hukou."""
    s = Staff(username="nuojiang_village", role=Role.VILLAGE_COLLECTOR, division_id=TONGJIANG_V)
    s.set_password(password())
    s.save()
    return s


def take(village, woman, **extra):
    data = {"person_id": woman.pk, **TAKE, **extra}
    return services_door.take_application(actor=village, data=data, now=at(data["taken_on"]))


def door_counts():
    return {**counts(), "DoorApplication": DoorApplication.objects.count()}


def test_c1_village_takes_the_application_and_the_township_issues_against_it(village, hukou_clerk, woman):
    app = take(village, woman)
    assert (app.state, app.village_id, app.township_id, app.taken_by, app.place) == ("pending", TONGJIANG_V, hukou_clerk.division_id, village, TAKE["place"])
    # It is in the township's queue (and the village's own list), not in another township's.
    from liudong.certificates import queries

    assert list(queries.applications(actor=hukou_clerk, state="pending")) == [app]
    assert list(queries.applications(actor=village)) == [app]
    cert = services_door.issue_from_application(actor=hukou_clerk, application_id=app.pk, data={"issued_on": "2019-03-08"}, now=at("2019-03-08"))
    app.refresh_from_db()
    assert (app.state, app.certificate, app.decided_on, app.decided_by) == ("issued", cert, d("2019-03-08"), hukou_clerk)
    assert cert.township_id == hukou_clerk.division_id and cert.issued_by == hukou_clerk and cert.valid_until == d("2022-03-07")


def test_c2_family_application_carries_the_applicant_relationship_and_verification_onto_the_certificate(village, hukou_clerk, woman):
    app = take(village, woman, **FAMILY)
    cert = services_door.issue_from_application(actor=hukou_clerk, application_id=app.pk, data={"issued_on": "2019-03-06"}, now=at("2019-03-06"))
    assert (cert.applicant, cert.applicant_name, cert.relationship, cert.status_verification) == ("family", "王大山", "父亲", FAMILY["verification"])


def test_c2_family_application_needs_name_relationship_and_verification(village, woman):
    before = door_counts()
    with pytest.raises(Invalid) as e:
        take(village, woman, applicant="family")
    assert {"applicant_name", "relationship", "verification"} <= set(e.value.errors)
    assert door_counts() == before


def test_c2_family_application_only_for_a_woman_already_gone(village, hukou_clerk):
    from liudong.people import services as people

    home, _ = people.register_person(actor=hukou_clerk, data={"id_number": make_id("511921", "19920101", 82), "name": "李梅", "hukou_division": TONGJIANG_V},
                                     today=d("2026-11-28"))
    with pytest.raises(Invalid) as e:
        take(village, home, **FAMILY)
    assert "applicant" in e.value.errors and not DoorApplication.objects.exists()


def test_c1_door_application_bad_input_is_a_field_error_and_nothing_is_written(village, hukou_clerk, woman):
    from liudong.people import services as people

    man, _ = people.register_person(actor=hukou_clerk, data={"id_number": make_id("511921", "19900101", 87, female=False), "name": "张强", "hukou_division": TONGJIANG_V},
                                    today=d("2026-11-28"))
    before = door_counts()
    cases = [
        ({"place": ""}, "place"),
        ({"taken_on": ""}, "taken_on"),
        ({"taken_on": "2027-01-01"}, "taken_on"),            # in the future
        ({"taken_on": "1989-01-01"}, "taken_on"),            # before her birth
        ({"taken_on": "2021-09-01"}, "taken_on"),            # national-2021: no more certificates
        ({"person_id": man.pk}, "person_id"),                # a man
        ({"person_id": 999999}, "person_id"),                # nobody in scope
        ({"applicant": "cousin"}, "applicant"),
    ]
    for extra, field in cases:
        data = {"person_id": woman.pk, **TAKE, **extra}
        with pytest.raises(Invalid) as e:
            services_door.take_application(actor=village, data=data, now=at("2019-03-05"))
        assert field in e.value.errors, (extra, e.value.errors)
    assert door_counts() == before


def test_c1_only_a_village_of_her_hukou_takes_it(world, woman, clerk):
    # 红花园社区 is where she lives, not her hukou: it verifies (C6) but does not take the application.
    with pytest.raises(Invalid) as e:
        take(world["village_collector"], woman)
    assert "person_id" in e.value.errors
    # A township account does not go door to door with this form, and a role without the action is refused.
    with pytest.raises(Denied):
        take(clerk, woman)
    with pytest.raises(Denied):
        take(world["police_officer"], woman)
    assert not DoorApplication.objects.exists()


def test_c1_one_application_waits_at_a_time_and_none_while_she_holds_a_certificate(village, hukou_clerk, woman):
    take(village, woman)
    with pytest.raises(Invalid) as e:
        take(village, woman, taken_on="2019-03-06")
    assert "person_id" in e.value.errors and DoorApplication.objects.count() == 1
    DoorApplication.objects.all().delete()
    issue(hukou_clerk, woman, "2019-01-02")
    with pytest.raises(Invalid) as e:
        take(village, woman)
    assert "person_id" in e.value.errors and not DoorApplication.objects.exists()


def test_c1_deciding_twice_is_refused_and_changes_nothing(village, hukou_clerk, woman):
    app = take(village, woman)
    services_door.issue_from_application(actor=hukou_clerk, application_id=app.pk, data={"issued_on": "2019-03-08"}, now=at("2019-03-08"))
    before = door_counts()
    with pytest.raises(Invalid) as e:
        services_door.issue_from_application(actor=hukou_clerk, application_id=app.pk, data={"issued_on": "2019-03-09"}, now=at("2019-03-09"))
    assert "application" in e.value.errors
    with pytest.raises(Invalid):
        services_door.refuse_application(actor=hukou_clerk, application_id=app.pk, data={"reason": "重复"}, now=at("2019-03-09"))
    assert door_counts() == before and Certificate.objects.count() == 1


def test_c1_refusal_needs_a_reason_and_is_final(village, hukou_clerk, woman):
    app = take(village, woman)
    with pytest.raises(Invalid) as e:
        services_door.refuse_application(actor=hukou_clerk, application_id=app.pk, data={"reason": ""}, now=at("2019-03-09"))
    assert "reason" in e.value.errors
    with pytest.raises(Invalid) as e:
        services_door.refuse_application(actor=hukou_clerk, application_id=app.pk, data={"reason": "x", "refused_on": "2019-03-01"}, now=at("2019-03-09"))
    assert "refused_on" in e.value.errors  # before the application was taken
    services_door.refuse_application(actor=hukou_clerk, application_id=app.pk, data={"reason": "本人已办理外省证明"}, now=at("2019-03-09"))
    app.refresh_from_db()
    assert (app.state, app.refusal_reason, app.decided_on) == ("refused", "本人已办理外省证明", d("2019-03-09"))
    with pytest.raises(Invalid):
        services_door.issue_from_application(actor=hukou_clerk, application_id=app.pk, data={"issued_on": "2019-03-10"}, now=at("2019-03-10"))
    assert not Certificate.objects.exists()


def test_c1_issue_before_the_application_or_by_another_township_is_refused(village, hukou_clerk, woman, world, clerk):
    app = take(village, woman)
    with pytest.raises(Invalid) as e:
        services_door.issue_from_application(actor=hukou_clerk, application_id=app.pk, data={"issued_on": "2019-03-01"}, now=at("2019-03-08"))
    assert "issued_on" in e.value.errors
    # Another township: absent or not yours (404); the village that took it does not issue (403).
    with pytest.raises(NotFound):
        services_door.issue_from_application(actor=clerk, application_id=app.pk, data={"issued_on": "2019-03-08"}, now=at("2019-03-08"))
    with pytest.raises(Denied):
        services_door.issue_from_application(actor=village, application_id=app.pk, data={"issued_on": "2019-03-08"}, now=at("2019-03-08"))
    assert not Certificate.objects.exists() and DoorApplication.objects.get().state == "pending"


# ---------------------------------------------------------------- the API

def test_c1_api_take_list_issue_and_refuse(village, hukou_clerk, woman, world):
    v, t = api_client(village), api_client(hukou_clerk)
    r = post(v, "/api/v1/certificate-applications", {"person_id": woman.pk, **TAKE, **FAMILY})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["state"], body["village"], body["taken_by"], body["relationship"], body["certificate_id"]) == ("pending", TONGJIANG_V, "nuojiang_village", "父亲", None)
    queue = t.get("/api/v1/certificate-applications?state=pending").json()
    assert queue["count"] == 1 and queue["results"][0]["id"] == body["id"]
    assert api_client(world["township_clerk"]).get("/api/v1/certificate-applications").json()["count"] == 0
    assert api_client(world["township_clerk"]).get(f"/api/v1/certificate-applications/{body['id']}").status_code == 404
    r = post(t, f"/api/v1/certificate-applications/{body['id']}/issue", {"issued_on": "2019-03-06"})
    assert r.status_code == 201, r.content
    assert r.json()["issued_on"] == "2019-03-06" and r.json()["applicant"] == "family"
    r = post(t, f"/api/v1/certificate-applications/{body['id']}/issue", {"issued_on": "2019-03-07"})
    assert r.status_code == 422 and "application" in r.json()["errors"]
    assert t.get(f"/api/v1/certificate-applications/{body['id']}").json()["state"] == "issued"


def test_c1_api_bad_input_and_roles(village, hukou_clerk, woman, world):
    v = api_client(village)
    before = door_counts()
    before.pop("AuditEvent")  # tokens and refused requests are audited; the records are what must not change
    r = post(v, "/api/v1/certificate-applications", {"person_id": woman.pk, "taken_on": "2019-03-05"})
    assert r.status_code == 422 and "place" in r.json()["errors"]
    r = post(v, "/api/v1/certificate-applications", {"person_id": woman.pk, **TAKE, "applicant": "family"})
    assert r.status_code == 422 and "relationship" in r.json()["errors"]
    for role in ("police_officer", "query_desk"):
        assert post(api_client(world[role]), "/api/v1/certificate-applications", {"person_id": woman.pk, **TAKE}).status_code == 403
        assert api_client(world[role]).get("/api/v1/certificate-applications").status_code == 403
    assert post(api_client(world["township_clerk"]), "/api/v1/certificate-applications", {"person_id": woman.pk, **TAKE}).status_code == 403
    assert api_client(hukou_clerk).get("/api/v1/certificate-applications?state=lost").status_code == 422
    after = door_counts()
    after.pop("AuditEvent")
    assert after == before
    app = post(v, "/api/v1/certificate-applications", {"person_id": woman.pk, **TAKE}).json()
    r = post(api_client(hukou_clerk), f"/api/v1/certificate-applications/{app['id']}/refuse", {"reason": ""})
    assert r.status_code == 422 and "reason" in r.json()["errors"]
    r = post(api_client(hukou_clerk), f"/api/v1/certificate-applications/{app['id']}/refuse", {"reason": "已在现居住地办理"})
    assert r.status_code == 200 and r.json()["state"] == "refused" and r.json()["refusal_reason"] == "已在现居住地办理"


# ---------------------------------------------------------------- the pages

def _client(staff):
    c = Client()
    c.force_login(staff)
    return c


def test_c1_pages_village_takes_township_issues(village, hukou_clerk, woman):
    vc = _client(village)
    html = vc.get(f"/people/{woman.pk}/").content.decode()
    assert f"/certificates/applications/new/{woman.pk}/" in html
    r = vc.get(f"/certificates/applications/new/{woman.pk}/")
    assert r.status_code == 200 and "上门地点" in r.content.decode()
    r = vc.post(f"/certificates/applications/new/{woman.pk}/", {"taken_on": "2019-03-05", "place": "", "applicant": "self"})
    assert r.status_code == 200 and "has-error" in r.content.decode() and not DoorApplication.objects.exists()
    r = vc.post(f"/certificates/applications/new/{woman.pk}/", {"taken_on": "2019-03-05", "place": "诺江村3组", "applicant": "self"}, follow=True)
    app = DoorApplication.objects.get()
    assert r.redirect_chain[-1][0] == f"/certificates/applications/{app.pk}/" and "诺江村3组" in r.content.decode()
    assert 'action="/certificates/applications/' not in r.content.decode()  # the village does not decide
    tc = _client(hukou_clerk)
    html = tc.get("/certificates/applications/").content.decode()
    assert app.number in html and woman.name in html
    r = tc.post(f"/certificates/applications/{app.pk}/issue/", {"issue-issued_on": "2019-03-01"})
    assert r.status_code == 200 and "has-error" in r.content.decode() and not Certificate.objects.exists()
    r = tc.post(f"/certificates/applications/{app.pk}/issue/", {"issue-issued_on": "2019-03-08"}, follow=True)
    cert = Certificate.objects.get()
    assert r.redirect_chain[-1][0] == f"/certificates/{cert.pk}/" and app.number in r.content.decode()
    r = tc.post(f"/certificates/applications/{app.pk}/issue/", {"issue-issued_on": "2019-03-09"})
    assert r.status_code == 200 and "不能再次办理" in r.content.decode() and Certificate.objects.count() == 1


def test_c1_pages_refuse_with_reason_and_scope(village, hukou_clerk, woman, world):
    app = take(village, woman)
    tc = _client(hukou_clerk)
    assert "1 件待办" in tc.get("/certificates/").content.decode()  # the queue, from the certificates page
    r = tc.post(f"/certificates/applications/{app.pk}/refuse/", {"refuse-reason": ""})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    r = tc.post(f"/certificates/applications/{app.pk}/refuse/", {"refuse-reason": "户籍已迁出"}, follow=True)
    assert "户籍已迁出" in r.content.decode() and DoorApplication.objects.get().state == "refused"
    assert "件待办" not in tc.get("/certificates/").content.decode()
    assert _client(world["township_clerk"]).get(f"/certificates/applications/{app.pk}/").status_code == 404
    assert _client(world["police_officer"]).get("/certificates/applications/").status_code == 403
    assert _client(world["township_clerk"]).post(f"/certificates/applications/new/{woman.pk}/", {}).status_code == 403
