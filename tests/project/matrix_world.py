"""The objects the permission matrix requests: one of each kind that a URL names by id, all inside
the scope of the roles of the shared `world` (李娜 lives in 南头街道红花园社区, 南山区, 深圳市, 广东省),
and the way to fill a URL's parameters and an API body with them."""
import datetime
import re
from functools import lru_cache

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import FUTIAN_V, NANTOU, NANTOU_V1, TONGJIANG_T, TONGJIANG_V, make_id

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def build(world, migrant, husband, woman_2014) -> dict:
    """Ids by kind of object. Dates lie in the past of any run: the matrix uses the real clock."""
    from liudong.cases import services as cases
    from liudong.territory import services as divisions
    from liudong.exchange import services as exchange
    from liudong.people import services as people
    from liudong.people import services_places as places
    from liudong.policy.services import set_value
    from tests.cases.conftest import decide, open_birth

    clerk, officer, hukou_clerk = world["township_clerk"], world["county_officer"], world["tongjiang_clerk"]
    today = timezone.localdate()
    housing = places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": "红花园2栋", "owner_id": migrant.pk}, today=today)
    employer = places.register_employer(actor=clerk, data={"division": NANTOU_V1, "name": "南头电子厂"}, today=today)
    grid = divisions.add_grid(actor=clerk, village_code=NANTOU_V1, name="第一网格")
    message = exchange.send_message(actor=clerk, data={"kind": "verification", "topic": "marriage", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实婚育情况", "body": "请核实"},
                                    now=at("2026-09-28"), attachments=[SimpleUploadedFile("结婚证.pdf", PDF, content_type="application/pdf")])
    # B4: a refused registration (its letter), and one whose requests wait as drafts (case_message_send)
    refused = open_birth(clerk, woman_2014, "2015-12-01", child=2, documents=["woman_id", "husband_id", "marriage", "proof"])
    reason = cases.registration_check(refused)["refusal_reason"]
    decide(clerk, refused, "refuse", "2015-12-02", reasons=reason)
    drafted = open_birth(clerk, migrant, "2026-09-28", husband=husband, send_now=False)
    from liudong.exchange.models import Message

    draft = Message.objects.filter(case_type="birth_registration", case_id=drafted.pk, sender_id=NANTOU).order_by("id").first()
    set_value(actor=None, name="case_open.second_birth_approval", raw_value="true", division_code="510000000000", valid_from="2026-01-01",
              source="测试 / test override")
    second = cases.record_second_birth(actor=hukou_clerk, data={"woman": migrant.pk, "decision": "approved", "decided_on": "2026-02-13", "certificate_number": "通再〔2026〕18号"},
                                       now=at("2026-02-13", 15))
    from liudong.cases.services_fee import create_fee_consultation

    fee = create_fee_consultation(actor=officer, data={"person": migrant.pk, "started_on": "2020-06-01", "basic_facts": "已婚", "actual_income": "96000", "urban_income": "64878",
                                            "rural_income": "28300", "proposed_levy": 1000}, now=at("2020-06-01"))
    residence = migrant.residences.order_by("-id").first()
    people.link_family(actor=clerk, person=migrant, relative_id=husband.pk, relation="spouse")
    from liudong.jobs import services as jobs

    job = jobs.request_export(actor=clerk, kind="inflow_register", format="xlsx", params={"start": "2026-01-01", "end": str(today)}, today=today, now=timezone.now())
    # Holes 1 and 3: 刘强 lives in 福田区 (another county); 南头街道 claims his arrival and proposes
    # him as 李娜's father: both wait for 福田's answer.
    from liudong.exchange import claims

    liu, _ = people.register_person(actor=world["futian_clerk"], data={"id_number": make_id("440304", "19700101", 77, female=False), "name": "刘强",
                                                                      "hukou_division": TONGJIANG_V}, today=today)
    people.record_arrival(actor=world["futian_clerk"], person=liu, data={"division": FUTIAN_V, "arrived_on": "2020-01-01", "reason": "work"}, today=today)
    claim = claims.submit_arrival_claim(actor=clerk, data={"document_number": liu.id_number, "division": NANTOU_V1, "arrived_on": str(today)},
                                        today=today, now=timezone.now())
    proposal = claims.propose_family_link(actor=clerk, person_id=migrant.pk, data={"relative_document_number": liu.id_number, "relation": "parent"},
                                          now=timezone.now())
    # Q1-Q9: the query-desk rules adopted for 广东, and a request the desk of 南山区 took.
    from liudong.desk import services as desk
    from liudong.policy.services import adopt_rule_set

    adopt_rule_set(actor=None, code="query-desk-2010", division_code="440000000000", valid_from="2020-01-01")
    inquiry = desk.create_inquiry(actor=world["query_desk"], data={"category": "vetting", "requester": {"name": "王明", "unit": "某单位"},
                                                                   "documents": ["introduction_letter", "work_card", "id_card"], "reason": "政审",
                                                                   "subjects": [{"name": "李娜", "match": "exact"}]}, now=timezone.now())
    # Issue 13: 李娜's residence permit (granted by 南头街道's police) and a residence registration
    # (Guangdong takes the Zhejiang values here so that an arrival in 南头街道 opens one).
    from liudong.permits import services as permits

    police = world["police_officer"]
    for name, raw in (("residence_registration.required", "true"), ("residence_registration.report_working_days", "3")):
        set_value(actor=None, name=name, raw_value=raw, division_code="440000000000", valid_from="2026-01-01", source="测试 / test override")
    permit = permits.apply_permit(actor=police, data={"person_id": migrant.pk, "applied_on": "2026-09-28", "basis": "employment", "proof": "劳动合同"},
                                  today=today, now=timezone.now())
    permits.decide_permit(actor=police, permit_id=permit.pk, data={"decided_on": "2026-10-09", "granted": True}, today=today)
    newcomer, _ = people.register_person(actor=clerk, data={"id_number": make_id("511921", "19960101", 91), "name": "陈静", "hukou_division": TONGJIANG_V},
                                         today=today)
    people.record_arrival(actor=clerk, person=newcomer, data={"division": NANTOU_V1, "arrived_on": "2026-11-02", "reason": "work"}, today=today)
    from liudong.permits.models import ResidenceRegistration

    registration = ResidenceRegistration.objects.get(person=newcomer)
    from liudong.certificates import services as certificates

    certificate = certificates.issue_certificate(actor=hukou_clerk, data={"person_id": migrant.pk, "issued_on": "2020-01-02"}, now=at("2020-01-02"))
    proof = certificates.issue_status_proof(actor=hukou_clerk, data={"person_id": migrant.pk, "issued_on": str(today), "requested_by": "residence"}, now=timezone.now())
    # 上门 (C1): an application for 陈静 taken at her hukou village, waiting for 诺江镇.
    from liudong.certificates import services_door

    application = services_door.take_application(actor=None, data={"person_id": newcomer.pk, "taken_on": "2021-01-05", "place": "诺江村"}, now=at("2021-01-05"))
    # S2: a check of 李娜 with its report slip (the slip PDF, her services page, the public slip check)
    from liudong.technical import services as technical

    check = technical.record_check(actor=clerk, data={"person_id": migrant.pk, "checked_on": "2026-01-05", "items": ["iud"], "result": "normal"}, now=timezone.now())
    # T4: 广东's bulletin of October 2026
    from liudong.statistics import bulletins

    bulletin = bulletins.make_bulletin(actor=None, division_code="440000000000", period="2026-10", now=timezone.now())
    # Issue 15: a collector's form in the review chain, an open duplicate pair, a merge, a back-check
    # of this month and a births reconciliation to-do (R6-R9).
    import io

    from liudong.quality import services as quality
    from liudong.quality import services_backchecks, services_recon
    from liudong.quality.models import Candidate, Review

    collected, _ = people.register_person(actor=world["village_collector"], data={"id_number": make_id("511921", "19970707", 56), "name": "周敏", "hukou_division": TONGJIANG_V},
                                          today=today)
    review = Review.objects.get(person=collected, object_type="person")
    twins = []
    for name, number in (("吴芳", "E55555551"), ("吴芳", "E55555552"), ("郑洁", "E55555553"), ("郑洁", "E55555554")):
        twin, _ = people.register_person(actor=clerk, data={"document_type": "passport", "document_number": number, "name": name, "sex": "F", "birth_date": "1988-08-08",
                                                            "hukou_division": TONGJIANG_V}, today=today)
        twins.append(twin)
    candidate = Candidate.objects.create(a=twins[0], b=twins[1], score=1.0, division=NANTOU, found_on=today)
    merge = quality.merge_people(actor=clerk, survivor_id=twins[2].pk, merged_id=twins[3].pk, today=today)
    drawn = services_backchecks.draw(actor=clerk, data={"division": NANTOU, "period": today.strftime("%Y-%m"), "seed": 1}, today=today)
    backcheck = drawn.items.first()
    listed = f"姓名,性别,出生日期\n赵新,女,{today.replace(day=1).isoformat()}\n".encode()
    todo = services_recon.reconcile(actor=clerk, data={"division": NANTOU, "period": today.strftime("%Y-%m"), "source": "immunisation"}, fileobj=io.BytesIO(listed),
                                    today=today).items.first()
    # Issue 15 part 4: a saved column mapping and an import batch with one row held (it sounds as 吴芳).
    from liudong.quality import services_imports

    mapping = services_imports.save_mapping(actor=clerk, data={"source": "外系统", "mapping": {"id_number": "公民身份号码", "name": "姓名", "hukou_division": "户籍地",
                                                                                          "division": "现住地", "arrived_on": "来本地日期"}},
                                            today=today)
    held_row = f"公民身份号码,姓名,户籍地,现住地,来本地日期\n{make_id('511921', '19880808', 64)},吴芳,{TONGJIANG_V},{NANTOU_V1},2026-01-05\n".encode()
    batch = services_imports.import_file(actor=clerk, fileobj=io.BytesIO(held_row), name="外系统导出.csv", today=today, mapping_id=mapping.pk).batch_id
    hold = services_imports.ImportHold.objects.get(batch_id=batch).pk
    return {
        "batch": batch, "hold": hold, "mapping": mapping.pk,
        "outside_twin": 2**31 - 1,  # none in this world: the door answers 404 to whoever may claim arrivals, 403 to the rest
        "consent_task": 2**31 - 1,  # none either: 404 (or the page's message) to whoever may answer consent, 403 to the rest
        "review": review.pk, "candidate": candidate.pk, "merge": merge.pk, "backcheck": backcheck.pk, "todo": todo.pk, "draw": drawn.pk, "reconciliation": todo.reconciliation_id,
        "check": check.pk, "slip_token": check.report_token, "bulletin": bulletin.pk,
        "certificate": certificate.pk, "token": certificate.token, "proof": proof.pk, "application": application.pk, "inquiry": inquiry.pk, "permit": permit.pk, "registration": registration.pk, "permit_token": permit.public_token,
        "person": migrant.pk, "residence": residence.pk, "housing": housing.pk, "employer": employer.pk, "grid": grid.pk,
        "message": message.pk, "attachment": message.attachments.get().pk, "draft": draft.pk,
        "birth": refused.pk, "second_birth": second.pk, "fee": fee.pk, "division": NANTOU, "kind": "inflow", "period": "2026-10", "year": "2026",
        "claim": claim.pk, "proposal": proposal.pk, "relative": husband.pk, "export": job.pk,
    }


# Which object a URL parameter names: by the parameter, or for `pk` and `case_id` by the path.
PARAM_KINDS = {"person_id": "person", "residence_id": "residence", "housing_id": "housing", "employer_id": "employer", "grid_id": "grid",
               "message_id": "message", "attachment_id": "attachment", "aid": "attachment", "code": "division", "kind": "kind",
               "division": "division", "period": "period", "year": "year",
               "claim_id": "claim", "proposal_id": "proposal", "relative_id": "relative", "job_id": "export", "inquiry_id": "inquiry",
               "permit_id": "permit", "registration_id": "registration", "certificate_id": "certificate", "token": "token", "proof_id": "proof",
               "application_id": "application",
               "permit_token": "permit_token", "slip_token": "slip_token", "bulletin_id": "bulletin", "scan_id": "attachment",
               "candidate_id": "candidate", "merge_id": "merge", "review_id": "review", "backcheck_id": "backcheck", "todo_id": "todo",
               "draw_id": "draw", "reconciliation_id": "reconciliation",
               "batch_id": "batch", "hold_id": "hold", "mapping_id": "mapping",
               "twin_id": "outside_twin", "task_id": "consent_task"}
PATH_KINDS = [("quality/imports/", "batch"), ("quality/import-jobs/", "export"), ("quality/import-mappings/", "mapping"), ("quality/duplicates/", "candidate"), ("quality/merges/", "merge"), ("quality/reviews/", "review"), ("statistics/bulletins/", "bulletin"), ("services/checks/", "check"), ("services/women/", "person"), ("permits/registrations/", "registration"), ("permits/", "permit"), ("certificates/applications/", "application"), ("certificates/", "certificate"), ("desk/consent/task/", "consent_task"), ("desk/", "inquiry"), ("exports/", "export"), ("cases/messages/", "draft"), ("cases/second-birth", "second_birth"), ("cases/birth", "birth"), ("cases/fee", "fee"),
              ("people/", "person"), ("housing/", "housing"), ("employers/", "employer"), ("grids/", "grid"), ("exchange/", "message")]


def fill(route: str, ids: dict) -> str:
    """`people/<id:pk>/residences/<id:residence_id>/departure/` -> `/people/7/residences/9/departure/`."""
    def value(match):
        name = match.group(1).split(":")[-1]
        kind = PARAM_KINDS.get(name)
        if kind is None:
            kind = next(k for prefix, k in PATH_KINDS if prefix in route.replace("second-births", "second-birth").replace("births", "birth")
                        .replace("fee-consultations", "fee"))
        return str(ids[kind])

    return "/" + re.sub(r"<([^>]+)>", value, route)


@lru_cache(maxsize=None)
def _components():
    from tests.openapi_contract import document

    return document()


def example_body(method: str, path_template: str):
    """A body that satisfies the operation's documented schema (its required fields, from each
    field's example or first choice), so that the request reaches the role check instead of
    stopping at a 422 for its shape. None when the operation takes no body."""
    doc = _components()
    operation = doc["paths"].get(path_template, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    return _example(content["schema"], doc)


def _example(schema, doc):
    if "$ref" in schema:
        return _example(doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], doc)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return _example(next(s for s in schema[key] if s.get("type") != "null"), doc)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _example(sub, doc) for name, sub in schema.get("properties", {}).items() if name in schema.get("required", ())}
    if schema.get("format") == "date":
        return "2026-09-28"
    return {"string": "测试", "integer": 1, "number": 1, "boolean": True, "array": []}.get(kind, "测试")
