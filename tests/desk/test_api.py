"""Q1-Q9 through the API: the contract of issue 12. Refusals are 201 with state "refused", a
reason, the routing and a line in the register; 422 only for malformed input; other roles 403;
another desk or station 404."""
import itertools

import pytest

from liudong.accounts.models import AuditEvent
from liudong.desk.choices import DOCUMENTS, FIELDS
from liudong.desk.models import ConsentTask, Inquiry
from liudong.policy.rule_sets import QUERY_CATEGORIES
from tests.conftest import NANSHAN, NANTOU_V1, SHEKOU, TODAY, TONGJIANG_V, make_id

from .conftest import DOCS, body, person

PERSON_CATEGORIES = ["vetting", "official", "judicial", "lawyer", "citizen_relative", "foreigner_private"]


def create(api, data):
    r = api.post("/inquiries", data)
    assert r.status_code == 201, r.content
    return r.json()


def answered(api, police_api, data, who):
    """Create, run and (where consent is needed) consent: the answer about one person."""
    inq = create(api, data)
    r = api.post(f"/inquiries/{inq['id']}/run")
    assert r.status_code == 200, r.content
    out = r.json()
    if out["state"] == "awaiting_consent":
        c = police_api.post(f"/inquiries/{inq['id']}/consent", {"person_id": who.pk, "granted": True})
        assert c.status_code == 200, c.content
        out = api.get(f"/inquiries/{inq['id']}").json()
    return out


@pytest.fixture
def police_api(api_as, police):
    return api_as(police)


# ------------------------------------------------------------------ Q1: the categories

def test_Q1_categories_list_the_rules_in_force_at_the_desk(people, desk_api):
    r = desk_api.get("/inquiries/categories")
    assert r.status_code == 200
    rows = {c["category"]: c for c in r.json()["results"]}
    assert set(rows) == set(QUERY_CATEGORIES)
    assert rows["citizen_relative"]["consent"] and rows["statistics"]["counts_only"] and rows["statistics"]["approval"]
    assert rows["judicial"]["printed_sheet"] and rows["lawyer"]["printed_sheet"] and not rows["vetting"]["printed_sheet"]
    assert rows["judicial"]["document_sets"] == [["unit_proof"], ["police_line"], ["police_card", "faxed_letter"]]
    assert not rows["embassy"]["handled_at_desk"]
    assert rows["foreigner_private"]["treated_as"] == "citizen_relative" and rows["foreigner_private"]["consent"]


def test_Q1_no_rules_in_force_no_categories_and_no_request(world, api_as):
    api = api_as(world["query_desk"])
    assert api.get("/inquiries/categories").json() == {"count": 0, "results": []}
    r = api.post("/inquiries", body("vetting"))
    assert r.status_code == 422 and "category" in r.json()["errors"]
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("role", ["village_collector", "township_clerk", "county_officer", "police_officer", "auditor", "admin"])
def test_Q1_other_roles_may_not_take_queries(people, api_as, world, role):
    api = api_as(world[role])
    assert api.post("/inquiries", body("vetting")).status_code == 403
    assert api.get("/inquiries/categories").status_code == 403
    assert not Inquiry.objects.exists()


# ------------------------------------------------------------------ Q2: every document of every category

DOC_CASES = [(c, d) for c, docs in DOCS.items() for d in docs]


@pytest.mark.parametrize("category,missing", DOC_CASES)
def test_Q2_a_missing_document_refuses_the_request_and_lands_in_the_register(people, desk_api, category, missing):
    data = body(category, documents=[d for d in DOCS[category] if d != missing],
                subjects=[{}] if category == "statistics" else ([{"name": "张伟", "match": "exact"}]))
    out = create(desk_api, data)
    assert out["state"] == "refused" and DOCUMENTS[missing].split(" / ")[0] in out["reason"]
    assert out["answer"] is None
    inquiry = Inquiry.objects.get(pk=out["id"])
    assert inquiry.file_number and inquiry.refusal_reason
    assert AuditEvent.objects.filter(action="inquiry.refuse", object_id=str(inquiry.pk)).exists()
    assert desk_api.post(f"/inquiries/{out['id']}/run").status_code == 422


@pytest.mark.parametrize("documents", [["police_line"], ["police_card", "faxed_letter"], ["unit_proof"]])
def test_Q2_police_by_line_or_card_and_fax_procuratorate_by_proof(people, desk_api, documents):
    assert create(desk_api, body("judicial", documents=documents))["state"] == "recorded"


def test_Q2_police_card_without_the_fax_is_refused(people, desk_api):
    out = create(desk_api, body("judicial", documents=["police_card"]))
    assert out["state"] == "refused" and "传真" in out["reason"]


# ------------------------------------------------------------------ Q3: every category against every field

# What 第七条 lets each category be told, written out from the seed (not read from the policy data
# under test): (一) vetting and official business only the registered permanent or temporary
# address; (二) cases also the family members; (三) a citizen (and a foreigner asking privately) the
# address or contact, after consent; (五) lawyers name, sex, age, registered address, ethnicity, ID
# number, education; (四)(六) counts only; 第九条: embassies, media and letters are not answered.
ADDRESS = {"permanent_address", "temporary_address"}
Q3_TOLD = {
    "vetting": ADDRESS, "official": ADDRESS, "judicial": ADDRESS | {"family_members"},
    "lawyer": {"name", "sex", "age", "permanent_address", "ethnicity", "id_number", "education"},
    "citizen_relative": ADDRESS | {"contact"}, "foreigner_private": ADDRESS | {"contact"},
    "statistics": "count", "newborn_name": "count", "embassy": None, "media": None, "letter": None,
}
FIELD_CASES = list(itertools.product(Q3_TOLD, FIELDS))


def test_Q1_the_categories_are_those_of_the_seed():
    assert set(QUERY_CATEGORIES) == set(Q3_TOLD) and set(DOCS) | {"embassy", "media", "letter"} == set(Q3_TOLD)


@pytest.mark.parametrize("category,field", FIELD_CASES)
def test_Q3_every_category_against_every_field(people, desk_api, police_api, api_as, world, category, field):
    told = Q3_TOLD[category]
    if told is None:  # Q5: refused at the desk, nothing told
        out = create(desk_api, body(category, documents=[]))
        assert out["state"] == "refused" and out["answer"] is None and out["routing"]
        return
    if told == "count":  # Q3 (四)(六): a number, never a person's field
        subjects = [{}] if category == "statistics" else [{"name": "张伟"}]
        inq = create(desk_api, body(category, subjects=subjects, reason="统计"))
        desk_api.post(f"/inquiries/{inq['id']}/run")
        if category == "statistics":
            api_as(world["county_officer"]).post(f"/inquiries/{inq['id']}/approve", {"approved": True})
        out = desk_api.get(f"/inquiries/{inq['id']}").json()
        item = out["answer"]["subjects"][0]
        assert out["state"] == "answered" and item["person"] is None and isinstance(item["count"], int)
        assert field not in str(out["answer"])
        return
    out = answered(desk_api, police_api, body(category), people["zhang"])
    assert out["state"] == "answered"
    person = out["answer"]["subjects"][0]["person"]
    assert (field in person) == (field in told)
    if field in person and field in ("permanent_address", "contact", "name", "id_number", "family_members"):
        assert person[field]


def test_Q3_judicial_is_told_the_family_members(people, desk_api, police_api):
    out = answered(desk_api, police_api, body("judicial", documents=["unit_proof"]), people["zhang"])
    assert out["answer"]["subjects"][0]["person"]["family_members"] == [{"name": "陈静", "relation": "配偶"}] or \
        out["answer"]["subjects"][0]["person"]["family_members"][0]["name"] == "陈静"


def test_Q3_lawyer_is_told_name_sex_age_address_ethnicity_id_education(people, desk_api, police_api):
    told = answered(desk_api, police_api, body("lawyer"), people["zhang"])["answer"]["subjects"][0]["person"]
    assert told["name"] == "张伟" and told["sex"] == "男" and told["age"] == 36 and told["id_number"] == people["zhang"].id_number
    assert "contact" not in told and "family_members" not in told


def test_Q3_vetting_is_told_the_address_only(people, desk_api, police_api):
    told = answered(desk_api, police_api, body("vetting"), people["zhang"])["answer"]["subjects"][0]["person"]
    assert set(told) == {"permanent_address", "temporary_address"}
    assert "南山区" in told["permanent_address"]


def test_Q3_newborn_name_gives_a_count_only(people, desk_api, clerk):
    person(clerk, "张伟", make_id("440304", "20000101", 51, female=False), "440304001001")
    inq = create(desk_api, body("newborn_name", subjects=[{"name": "张伟"}], reason="为新生儿取名"))
    out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
    assert out["state"] == "answered"
    assert out["answer"]["subjects"][0] == {"position": 1, "result": "counted", "person": None, "count": 2}


def test_Q3_statistics_need_the_county_officers_approval_and_give_counts(people, desk_api, api_as, world):
    inq = create(desk_api, body("statistics", subjects=[{"population": "temporary"}], reason="辖区人口统计"))
    out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
    assert out["state"] == "awaiting_approval" and out["answer"]["subjects"][0]["count"] is None
    assert api_as(world["township_clerk"]).post(f"/inquiries/{inq['id']}/approve", {"approved": True}).status_code == 403
    r = api_as(world["county_officer"]).post(f"/inquiries/{inq['id']}/approve", {"approved": True})
    assert r.status_code == 200 and r.json()["state"] == "answered"
    out = desk_api.get(f"/inquiries/{inq['id']}").json()
    assert out["answer"]["subjects"][0] == {"position": 1, "result": "counted", "person": None, "count": 1}


def test_Q3_statistics_naming_a_person_is_refused(people, desk_api):
    out = create(desk_api, body("statistics", subjects=[{"name": "张伟"}], reason="统计"))
    assert out["state"] == "refused" and "统计数字" in out["reason"]


def test_Q3_statistics_of_another_county_cannot_be_approved_there(people, desk_api, api_as, world):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    other = Staff.objects.create(username="futian_officer", role=Role.COUNTY_OFFICER, division_id="440304000000")
    inq = create(desk_api, body("statistics", subjects=[{}], reason="统计"))
    assert api_as(other).post(f"/inquiries/{inq['id']}/approve", {"approved": True}).status_code == 404


def test_Q3_statistics_refused_approval_closes_with_nothing(people, desk_api, api_as, world):
    inq = create(desk_api, body("statistics", subjects=[{}], reason="统计"))
    desk_api.post(f"/inquiries/{inq['id']}/run")
    api_as(world["county_officer"]).post(f"/inquiries/{inq['id']}/approve", {"approved": False})
    out = desk_api.get(f"/inquiries/{inq['id']}").json()
    assert out["state"] == "closed" and out["answer"]["subjects"][0]["count"] is None


def test_Q3_only_persons_named_in_the_letter(people, desk_api):
    out = create(desk_api, body("vetting", subjects=[{"name": "张伟", "named_in_letter": False}]))
    assert out["state"] == "refused" and "介绍信" in out["reason"]


# ------------------------------------------------------------------ Q4: how the answer is given

def test_Q4_only_the_desk_that_took_it_reads_the_answer(people, desk_api, api_as, world, police_api):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    out = answered(desk_api, police_api, body("vetting"), people["zhang"])
    other_desk = Staff.objects.create(username="futian_desk", role=Role.QUERY_DESK, division_id="440304000000")
    assert api_as(other_desk).get(f"/inquiries/{out['id']}").status_code == 404
    assert police_api.get(f"/inquiries/{out['id']}").status_code == 403
    assert out["printed_sheet"] is False
    assert answered(desk_api, police_api, body("lawyer"), people["zhang"])["printed_sheet"] is True


# ------------------------------------------------------------------ Q5: not handled at the desk

@pytest.mark.parametrize("category,where", [("embassy", "外事"), ("media", "外宣"), ("letter", "信访")])
def test_Q5_excluded_categories_are_refused_with_their_routing(people, desk_api, category, where):
    out = create(desk_api, body(category, documents=[]))
    assert out["state"] == "refused" and where in out["routing"] and out["reason"]
    assert Inquiry.objects.get(pk=out["id"]).routing == out["routing"]


# ------------------------------------------------------------------ Q6: the procedure

def test_Q6_documents_then_notice_then_record_then_query(people, desk_api):
    inq = create(desk_api, body("vetting", ack=False))
    assert inq["state"] == "checked" and inq["notice_acknowledged_at"] is None
    assert desk_api.post(f"/inquiries/{inq['id']}/run").status_code == 422
    r = desk_api.post(f"/inquiries/{inq['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["state"] == "recorded"
    assert desk_api.post(f"/inquiries/{inq['id']}/run").json()["state"] == "answered"


@pytest.mark.parametrize("change,word", [
    ({"reason": ""}, "原因"),
    ({"subjects": [{"name": "张*"}]}, "通配符"),
    ({"subjects": [{"name": "张"}]}, "一个字"),
    ({"subjects": []}, "被查询人"),
    ({"subjects": [{"sex": "M"}]}, "姓名"),
])
def test_Q6_no_reason_wildcards_one_character_names_are_refused_and_registered(people, desk_api, change, word):
    data = body("vetting")
    data.update(change)
    out = create(desk_api, data)
    assert out["state"] == "refused" and word in out["reason"]
    assert Inquiry.objects.filter(pk=out["id"], state="refused").exists()


@pytest.mark.parametrize("change,field", [
    ({"category": "gossip"}, "category"),
    ({"documents": ["a_note"]}, "documents"),
    ({"subjects": [{"name": "张伟", "id_number": "440305199001011234"}]}, "subjects.0.id_number"),
    ({"subjects": [{"name": "张伟", "sex": "X"}]}, "subjects.0.sex"),
    ({"subjects": [{"name": "张伟", "birth_date": "1990-02-30"}]}, "subjects.0.birth_date"),
    ({"subjects": [{"name": "张伟3"}]}, "subjects.0.name"),
    ({"subjects": [{"name": "张伟", "age_min": 30, "age_max": 20}]}, "subjects.0.age_max"),
    ({"requester": {"name": ""}}, "requester.name"),
])
def test_Q6_malformed_input_is_422_and_writes_nothing(people, desk_api, change, field):
    data = body("vetting")
    data.update(change)
    r = desk_api.post("/inquiries", data)
    assert r.status_code == 422 and field in r.json()["errors"], r.content
    assert not Inquiry.objects.exists()


def test_Q6_same_sound_shows_masked_matches_then_the_chosen_one_is_answered(people, desk_api):
    inq = create(desk_api, body("vetting", subjects=[{"name": "张伟", "match": "same_sound"}]))
    out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
    assert out["state"] == "choosing" and out["answer"]["subjects"][0]["person"] is None
    cands = out["subjects"][0]["candidates"]
    assert sorted(c["masked_name"] for c in cands) == ["张*", "张*"]
    assert {c["person_id"] for c in cands} == {people["zhang"].pk, people["zhang2"].pk}
    assert desk_api.post(f"/inquiries/{inq['id']}/select", {"person_id": people["li"].pk}).status_code == 422
    out = desk_api.post(f"/inquiries/{inq['id']}/select", {"person_id": people["zhang2"].pk}).json()
    assert out["state"] == "answered" and out["answer"]["subjects"][0]["person"]["permanent_address"]


def test_Q6_same_character_birth_date_age_and_id_number_narrow_the_search(people, desk_api):
    for subject, state in [({"name": "张伟", "match": "same_char"}, "answered"),
                           ({"name": "张伟", "match": "same_sound", "birth_date": "1992-02-02"}, "answered"),
                           ({"name": "张伟", "match": "same_sound", "age_min": 30, "age_max": 35}, "answered"),
                           ({"name": "张伟", "match": "same_sound", "id_number": people["zhang"].id_number}, "answered"),
                           ({"name": "张伟", "match": "same_sound", "sex": "F"}, "answered")]:
        inq = create(desk_api, body("vetting", subjects=[subject]))
        out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
        assert out["state"] == state, subject
    # the last one found nobody: a woman named 张伟 is not registered
    assert out["answer"]["subjects"][0]["result"] == "not_found"


def test_Q6_native_place_and_known_area_or_employer_narrow_the_search(people, desk_api, clerk):
    # A second 李娜, hukou in 福田区 (深圳): same name, another native place and area.
    other = person(clerk, "李娜", make_id("440304", "19950101", 61), "440304001001")
    for extra, expected in [({}, None), ({"native_place": "四川"}, people["li"]), ({"native_place": "通江县"}, people["li"]),
                            ({"native_place": "广东省"}, other), ({"area_or_occupation": "红花园"}, people["li"]),
                            ({"area_or_occupation": "南头街道"}, people["li"]), ({"area_or_occupation": "福田区"}, other),
                            ({"area_or_occupation": "潘家园"}, "nobody")]:
        inq = create(desk_api, body("vetting", subjects=[{"name": "李娜", "match": "same_char", **extra}]))
        out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
        if expected is None:
            assert out["state"] == "choosing" and {c["person_id"] for c in out["subjects"][0]["candidates"]} == {people["li"].pk, other.pk}
        elif expected == "nobody":
            assert out["answer"]["subjects"][0]["result"] == "not_found"
        else:
            assert out["state"] == "answered", extra
            shown = AuditEvent.objects.get(action="inquiry.search", object_id=str(inq["id"])).fields["shown"]
            assert shown == [expected.pk], extra


def test_Q3_Q7_a_relatives_phone_is_not_told_without_her_consent_and_the_register_says_so(people, desk_api, police_api, desk):
    """Bad input and abuse: "a relative's phone asked without consent": nothing is disclosed while
    she has not answered, nor after she refuses; each step is a line of the register."""
    from liudong.desk import documents

    inq = create(desk_api, body("citizen_relative", subjects=[{"name": "李娜", "match": "exact"}], reason="想要她的电话号码"))
    out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
    assert out["state"] == "awaiting_consent" and out["answer"]["subjects"][0]["person"] is None
    assert "13700137000" not in desk_api.get(f"/inquiries/{inq['id']}").content.decode()
    rows = documents.register_rows(actor=desk, start=TODAY, end=TODAY, today=TODAY)
    assert rows[-1]["file_number"] == inq["file_number"] and "待被查询人同意" in rows[-1]["result"]
    police_api.post(f"/inquiries/{inq['id']}/consent", {"person_id": people["li"].pk, "granted": False})
    body_text = desk_api.get(f"/inquiries/{inq['id']}").content.decode()
    assert "13700137000" not in body_text and "红花园" not in body_text
    rows = documents.register_rows(actor=desk, start=TODAY, end=TODAY, today=TODAY)
    assert "被查询人不同意" in rows[-1]["result"]


def test_Q6_every_search_and_answer_is_logged_with_the_persons(people, desk_api):
    inq = create(desk_api, body("vetting"))
    desk_api.post(f"/inquiries/{inq['id']}/run")
    desk_api.get(f"/inquiries/{inq['id']}")
    search = AuditEvent.objects.get(action="inquiry.search", object_id=str(inq["id"]))
    assert search.fields["shown"] == [people["zhang"].pk]
    assert AuditEvent.objects.filter(action="inquiry.disclose", person_id=people["zhang"].pk).exists()
    assert AuditEvent.objects.filter(action="inquiry.read", person_id=people["zhang"].pk).exists()


# ------------------------------------------------------------------ Q7: first desk answers, consent by the station

def test_Q7_a_relative_waits_for_consent_obtained_by_the_station_where_she_lives(people, desk_api, police_api, api_as, world):
    inq = create(desk_api, body("citizen_relative", subjects=[{"name": "李娜", "match": "exact"}], reason="寻找失散的同学"))
    out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
    assert out["state"] == "awaiting_consent" and out["answer"]["subjects"][0]["person"] is None
    task = ConsentTask.objects.get()
    assert task.station_id == "440305001000" and str(task.due_on) == "2026-12-11"  # 10 working days
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    shekou_police = Staff.objects.create(username="shekou_police", role=Role.POLICE_OFFICER, division_id=SHEKOU)
    assert api_as(shekou_police).post(f"/inquiries/{inq['id']}/consent", {"person_id": people["li"].pk, "granted": True}).status_code == 404
    r = police_api.post(f"/inquiries/{inq['id']}/consent", {"person_id": people["li"].pk, "granted": True})
    assert r.status_code == 200 and "contact" not in r.content.decode() and "137" not in r.content.decode()
    out = desk_api.get(f"/inquiries/{inq['id']}").json()
    told = out["answer"]["subjects"][0]["person"]
    assert out["state"] == "answered" and told["contact"] == "13700137000" and "红花园" in told["temporary_address"]


def test_Q7_a_refusal_ends_it_with_nothing_disclosed(people, desk_api, police_api):
    inq = create(desk_api, body("citizen_relative", subjects=[{"name": "李娜", "match": "exact"}], reason="寻亲"))
    desk_api.post(f"/inquiries/{inq['id']}/run")
    police_api.post(f"/inquiries/{inq['id']}/consent", {"person_id": people["li"].pk, "granted": False})
    out = desk_api.get(f"/inquiries/{inq['id']}").json()
    assert out["state"] == "closed" and out["answer"]["subjects"][0] == {"position": 1, "result": "consent_refused", "person": None, "count": None}
    assert police_api.post(f"/inquiries/{inq['id']}/consent", {"person_id": people["li"].pk, "granted": True}).status_code == 422


def test_Q7_consent_may_cover_the_address_but_not_the_phone(people, desk_api, police_api):
    inq = create(desk_api, body("citizen_relative", subjects=[{"name": "李娜", "match": "exact"}], reason="寻亲"))
    desk_api.post(f"/inquiries/{inq['id']}/run")
    police_api.post(f"/inquiries/{inq['id']}/consent", {"person_id": people["li"].pk, "granted": True, "fields": ["temporary_address"]})
    told = desk_api.get(f"/inquiries/{inq['id']}").json()["answer"]["subjects"][0]["person"]
    assert set(told) == {"temporary_address"}


def test_Q7_no_consent_within_the_working_days_closes_it_on_the_day_after(people, desk_api, police_api, monkeypatch):
    import datetime

    from liudong.desk import api as desk_api_module

    inq = create(desk_api, body("citizen_relative", subjects=[{"name": "李娜", "match": "exact"}], reason="寻亲"))
    desk_api.post(f"/inquiries/{inq['id']}/run")
    monkeypatch.setattr(desk_api_module, "today", lambda: datetime.date(2026, 12, 11))
    assert desk_api.get(f"/inquiries/{inq['id']}").json()["state"] == "awaiting_consent"
    monkeypatch.setattr(desk_api_module, "today", lambda: datetime.date(2026, 12, 12))
    out = desk_api.get(f"/inquiries/{inq['id']}").json()
    assert out["state"] == "closed" and out["answer"]["subjects"][0]["result"] == "consent_lapsed"
    from django.utils import timezone

    monkeypatch.setattr(desk_api_module, "now", lambda: timezone.make_aware(datetime.datetime(2026, 12, 14, 10)))
    r = police_api.post(f"/inquiries/{inq['id']}/consent", {"person_id": people["li"].pk, "granted": True})
    assert r.status_code == 422 and "state" in r.json()["errors"]


def test_Q7_the_first_desk_answers_whatever_the_area(people, api_as, police_api):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    futian_desk = Staff.objects.create(username="futian_desk", role=Role.QUERY_DESK, division_id="440304001000")
    api = api_as(futian_desk)
    out = answered(api, police_api, body("vetting"), people["zhang"])  # 张伟 lives in 南山区, the desk is in 福田区
    assert out["state"] == "answered"


# ------------------------------------------------------------------ Q9: who can be found

def test_Q9_only_the_citys_permanent_and_temporary_residents_are_found(people, desk_api, clerk, world):
    from liudong.people import services

    zhao, _ = services.register_person(actor=world["tongjiang_clerk"], data={"id_number": make_id("511921", "19880808", 40), "name": "赵敏", "hukou_division": TONGJIANG_V}, today=people["li"].created_on)
    for name, population, result in [("赵敏", "", "not_found"), ("李娜", "temporary", "answered"), ("李娜", "permanent", "not_found"),
                                     ("张伟", "permanent", "answered"), ("张伟", "temporary", "not_found")]:
        subject = {"name": name, "match": "exact", **({"population": population} if population else {})}
        inq = create(desk_api, body("vetting", subjects=[subject]))
        out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
        assert out["answer"]["subjects"][0]["result"] == result, (name, population)
        assert "本系统登记" in out["answer"]["covers"]


def test_Q9_too_many_matches_show_nobody(people, desk_api, clerk):
    from liudong.policy.services import set_value

    set_value(actor=None, name="query_desk.max_matches", raw_value="1", division_code="440000000000", valid_from="2020-01-02", source="测试")
    inq = create(desk_api, body("vetting", subjects=[{"name": "张伟", "match": "same_sound"}]))
    out = desk_api.post(f"/inquiries/{inq['id']}/run").json()
    assert out["answer"]["subjects"][0]["result"] == "too_many" and out["subjects"][0]["candidates"] == []


# ------------------------------------------------------------------ abuse

def test_many_people_asked_by_one_requester_are_flagged_to_the_countys_police(people, desk_api):
    from liudong.policy.services import set_value

    set_value(actor=None, name="query_desk.abuse_subjects", raw_value="3", division_code="440000000000", valid_from="2020-01-02", source="测试")
    flags = []
    for _ in range(3):
        flags.append(create(desk_api, body("vetting"))["flagged"])
    assert flags == [False, False, True]
    event = AuditEvent.objects.get(action="inquiry.flagged")
    assert event.division_code == NANSHAN and event.fields["subjects_in_window"] == 3


def test_Q9_where_residence_registration_is_required_a_temporary_resident_is_found_once_registered(people, desk_api, clerk, world):
    from liudong.permits.models import ResidenceRegistration
    from liudong.permits.services import complete_registration
    from liudong.policy.services import set_value
    from tests.conftest import TODAY

    for name, raw in (("residence_registration.required", "true"), ("residence_registration.report_working_days", "3")):
        set_value(actor=None, name=name, raw_value=raw, division_code="440000000000", valid_from="2025-01-01", source="测试 / test override")
    newcomer = person(clerk, "周芳", make_id("511921", "19960101", 91), TONGJIANG_V, lives=NANTOU_V1)
    registration = ResidenceRegistration.objects.get(person=newcomer)

    def result():
        inq = create(desk_api, body("vetting", subjects=[{"name": "周芳", "match": "exact"}]))
        return desk_api.post(f"/inquiries/{inq['id']}/run").json()["answer"]["subjects"][0]["result"]

    assert result() == "not_found"
    complete_registration(actor=None, registration_id=registration.pk, data={"completed_on": str(TODAY)}, today=TODAY)
    assert result() == "answered"
