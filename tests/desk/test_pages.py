"""Q4, Q6, Q7, Q8 on screen and on paper: the desk's screen flow in Chinese, the station's consent
tasks, the register by date; the application form with its declaration, the confidentiality
agreement and the result sheet (the seal line only where Q4 allows) render as PDF pages."""
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from liudong.accounts.models import AuditEvent
from liudong.desk import documents, services
from liudong.desk.models import Inquiry

from .conftest import NOW, body

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def render_pages(data: bytes, name: str, dpi: int = 60) -> list[Path]:
    """pdftoppm renders the pages as images (kept under the temp folder to be looked at)."""
    out = Path(tempfile.gettempdir()) / "liudong-desk-pdfs"
    out.mkdir(exist_ok=True)
    (out / f"{name}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(out / f"{name}.pdf"), str(out / name)], check=True)
    pages = sorted(out.glob(f"{name}*.png"))
    assert pages and all(p.stat().st_size > 2000 for p in pages)
    return pages


@pytest.fixture
def desk_client(client, desk):
    client.force_login(desk)
    return client


def test_Q6_the_desk_screen_flow_in_chinese(people, desk_client):
    r = desk_client.get("/desk/new/?category=citizen_relative", **ZH)
    page = r.content.decode()
    assert r.status_code == 200 and "居民身份证" in page and "须经被查询人同意" in page and "查询人声明" not in page
    assert "注意事项" in page and "本人已认真阅读" in page
    r = desk_client.post("/desk/new/", {"category": "vetting", "documents": ["introduction_letter", "work_card", "id_card"], "requester_name": "王明",
                                        "requester_unit": "某单位", "reason": "政审", "s0_name": "张伟", "s0_match": "same_sound", "s0_named_in_letter": "on",
                                        # the empty rows as a browser sends them: their selects and checkboxes preset
                                        "s1_match": "same_sound", "s1_named_in_letter": "on", "s1_sex": "", "s2_match": "same_sound", "s2_named_in_letter": "on",
                                        "notice_acknowledged": "on"}, **ZH)
    assert r.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.state == "recorded" and inquiry.subjects.count() == 1, inquiry.refusal_reason
    desk_client.post(f"/desk/{inquiry.pk}/run/", **ZH)
    page = desk_client.get(f"/desk/{inquiry.pk}/", **ZH).content.decode()
    assert "多人符合" in page and "张*" in page and "张维" not in page
    desk_client.post(f"/desk/{inquiry.pk}/select/", {"person_id": people["zhang"].pk}, **ZH)
    page = desk_client.get(f"/desk/{inquiry.pk}/", **ZH).content.decode()
    assert "常住户籍登记地址" in page and "本系统登记" in page and "联系方式" not in page


def test_Q6_bad_input_on_the_page_keeps_the_form_and_writes_nothing(people, desk_client):
    r = desk_client.post("/desk/new/", {"category": "vetting", "requester_name": "王明", "s0_name": "张伟", "s0_sex": "X"}, **ZH)
    assert r.status_code == 422 and "未保存任何内容" in r.content.decode()
    assert not Inquiry.objects.exists()


def test_Q5_the_page_sends_an_excluded_requester_elsewhere(people, desk_client):
    page = desk_client.get("/desk/new/?category=embassy", **ZH).content.decode()
    assert "外事部门" in page
    r = desk_client.post("/desk/new/", {"category": "embassy", "requester_name": "某使馆", "reason": "查询"}, **ZH)
    assert r.status_code == 302 and Inquiry.objects.get().state == "refused"


def test_Q7_the_station_sees_only_its_tasks_and_records_the_answer(people, desk, police, client):
    inquiry = services.create_inquiry(actor=desk, data=body("citizen_relative", subjects=[{"name": "李娜", "match": "exact"}], reason="寻找老同学"), now=NOW)
    services.run(actor=desk, inquiry_id=inquiry.pk, now=NOW)
    client.force_login(police)
    page = client.get("/desk/consent/", **ZH).content.decode()
    assert "李娜" in page and "寻找老同学" in page and "同学" in page and "13700137000" not in page and "红花园" not in page
    assert client.get(f"/desk/{inquiry.pk}/", **ZH).status_code == 403
    client.post(f"/desk/consent/{inquiry.pk}/", {"person_id": people["li"].pk, "granted": "yes"}, **ZH)
    inquiry.refresh_from_db()
    assert inquiry.state == "answered"


def _run_job(job_id):
    """The worker's code path (jobs.runner.run) in this test's transaction: the queue only carries the id."""
    from django.utils import timezone

    from liudong.jobs import runner
    from liudong.jobs.models import ExportJob

    job = ExportJob.objects.get(pk=job_id)
    assert runner.run(job.pk, job.ticket, now=timezone.now) == "done", ExportJob.objects.get(pk=job_id).message
    return ExportJob.objects.get(pk=job_id)


@pytest.fixture
def exports_dir(settings, tmp_path):
    settings.EXPORTS_DIR = (tmp_path / "exports").resolve()
    return settings.EXPORTS_DIR


def test_Q8_the_register_shows_and_prints_by_date_in_the_background(people, desk, desk_client, exports_dir):
    from liudong.jobs.models import ExportJob

    services.create_inquiry(actor=desk, data=body("vetting", subjects=[{"name": "张伟", "sex": "M"}]), now=NOW)
    services.create_inquiry(actor=desk, data=body("media", documents=[]), now=NOW)
    page = desk_client.get("/desk/register/?start=2026-11-01&end=2026-11-28", **ZH).content.decode()
    assert "440305-2026-000001" in page and "外宣" in page and "张伟（男）" in page
    assert 'name="kind" value="query_register"' in page and 'name="start" value="2026-11-01"' in page
    # The print button asks for an export job (liudong.jobs) and lands on its page.
    r = desk_client.post("/exports/new/", {"kind": "query_register", "format": "pdf", "division": desk.division_id, "start": "2026-11-01", "end": "2026-11-28"})
    assert r.status_code == 302
    job = _run_job(ExportJob.objects.get().pk)
    assert (job.row_count, job.file_name) == (2, "人口信息查询登记表_2026-11-01_2026-11-28.pdf")
    r = desk_client.get(f"/exports/{job.pk}/file")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    data = b"".join(r.streaming_content) if r.streaming else r.content
    text = pdf_text(data)
    for expected in ("人口信息查询登记表", "查询日期", "查询人姓名", "所持证件或证明", "档案编号", "440305-2026-000002", "王明", "不予受理", "共2件，被查询人2名"):
        assert expected in text, expected
    render_pages(data, "register")
    assert AuditEvent.objects.filter(action="inquiry.print.register").exists()


def test_Q8_Q7_another_desk_never_gets_the_register_job_of_this_desk(people, desk, api_as, exports_dir):
    from django.utils import timezone

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.errors import NotFound
    from liudong.jobs import services as jobs

    services.create_inquiry(actor=desk, data=body("vetting"), now=NOW)
    job = jobs.request_export(actor=desk, kind="query_register", format="pdf", params={"start": "2026-11-01", "end": "2026-11-28"}, today=NOW.date(), now=timezone.now())
    assert job.params == {"division": desk.division_id, "start": "2026-11-01", "end": "2026-11-28"}
    _run_job(job.pk)
    futian_desk = Staff.objects.create(username="futian_desk", role=Role.QUERY_DESK, division_id="440304000000")
    with pytest.raises(NotFound):
        jobs.open_file(actor=futian_desk, job_id=job.pk)
    with pytest.raises(NotFound):  # asking for another desk's register is "no such job", not a different error
        jobs.request_export(actor=futian_desk, kind="query_register", format="pdf", params={"division": desk.division_id, "start": "2026-11-01", "end": "2026-11-28"},
                            today=NOW.date(), now=timezone.now())
    assert api_as(futian_desk).get(f"/exports/{job.pk}").status_code == 404


def test_Q8_a_bad_period_is_a_field_error_and_no_job(people, desk):
    from django.utils import timezone

    from liudong.errors import Invalid
    from liudong.jobs import services as jobs
    from liudong.jobs.models import ExportJob

    with pytest.raises(Invalid) as e:
        jobs.request_export(actor=desk, kind="query_register", format="pdf", params={"start": "2026-11-28", "end": "2026-11-01"}, today=NOW.date(), now=timezone.now())
    assert "end" in e.value.errors and not ExportJob.objects.exists()


def test_Q8_the_scans_of_a_request_open_for_its_desk_only_and_are_logged(people, desk, desk_client, client):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    pdf = b"%PDF-1.4\n%%EOF\n"
    inquiry = services.create_inquiry(actor=desk, data=body("vetting"), now=NOW, scans=[("introduction_letter", "介绍信.pdf", "application/pdf", pdf)])
    scan = inquiry.scans.get()
    page = desk_client.get(f"/desk/{inquiry.pk}/", **ZH).content.decode()
    assert f"/desk/{inquiry.pk}/scans/{scan.pk}" in page
    register = desk_client.get("/desk/register/?start=2026-11-01&end=2026-11-28", **ZH).content.decode()
    assert f"/desk/{inquiry.pk}/scans/{scan.pk}" in register
    r = desk_client.get(f"/desk/{inquiry.pk}/scans/{scan.pk}")
    assert r.status_code == 200 and r.content == pdf and r["Content-Type"] == "application/pdf" and r["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="inquiry.scan.read", object_id=str(inquiry.pk)).exists()
    client.force_login(Staff.objects.create(username="futian_desk", role=Role.QUERY_DESK, division_id="440304000000"))
    assert client.get(f"/desk/{inquiry.pk}/scans/{scan.pk}").status_code == 404


def test_Q6_the_application_form_prints_for_signature_under_the_declaration(people, desk):
    inquiry = services.create_inquiry(actor=desk, data=body("citizen_relative", subjects=[{"name": "李娜", "match": "same_sound", "sex": "F", "age_min": 20, "age_max": 30,
                                                                                            "native_place": "四川", "area_or_occupation": "南头", "population": "temporary"}],
                                                             reason="因举办同学会查找小学同学", ack=False), now=NOW)
    data, disposition = documents.application_form(actor=desk, inquiry_id=inquiry.pk, printed_on=NOW.date())
    text = pdf_text(data)
    for expected in ("人口信息查询申请表", "申请查询人信息", "被查询人信息", "王明", "李娜", "☑同音", "☐同字", "20—30岁", "☑查询暂住人口", "☐查询常住人口",
                     "与被查询人关系及查询原因", "同学", "因举办同学会查找小学同学", "查询人声明", "本人已认真阅读", "申请人签字", inquiry.file_number):
        assert expected in text, expected
    render_pages(data, "application")


def test_Q2_the_confidentiality_agreement_of_a_statistics_query(people, desk):
    inquiry = services.create_inquiry(actor=desk, data=body("statistics", subjects=[{}], reason="流动人口服务规划"), now=NOW)
    data, _ = documents.agreement_form(actor=desk, inquiry_id=inquiry.pk, printed_on=NOW.date())
    text = pdf_text(data)
    for expected in ("保密协议书", "警务工作秘密", "不得将从公安机关获取的户籍登记信息向第三方", "流动人口服务规划", "公安机关（印章）", "使用单位（印章）", "主管领导签字"):
        assert expected in text, expected
    render_pages(data, "agreement")
    vetting = services.create_inquiry(actor=desk, data=body("vetting"), now=NOW)
    from liudong.errors import NotFound

    with pytest.raises(NotFound):
        documents.agreement_form(actor=desk, inquiry_id=vetting.pk, printed_on=NOW.date())


@pytest.mark.parametrize("category,sealed", [("lawyer", True), ("vetting", False)])
def test_Q4_the_result_sheet_has_the_seal_line_only_where_allowed(people, desk, category, sealed):
    inquiry = services.create_inquiry(actor=desk, data=body(category), now=NOW)
    services.run(actor=desk, inquiry_id=inquiry.pk, now=NOW)
    data, _ = documents.result_sheet(actor=desk, inquiry_id=inquiry.pk, printed_on=NOW.date(), today=NOW.date())
    text = pdf_text(data)
    assert "人口信息查询结果" in text and "常住户籍登记地址" in text and "本系统登记" in text
    assert ("派出所户口专用章" in text) is sealed
    assert ("身份证号码" in text) is (category == "lawyer")
    render_pages(data, f"result-{category}")
    # The QR code, read from the page at print resolution (zbarimg), opens the public check: genuine,
    # with the masked name and which items were told, none of their values (Q4).
    [image] = render_pages(data, f"result-{category}-300dpi", dpi=300)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, timeout=30).stdout.strip()
    code = documents.verify_code(Inquiry.objects.get(pk=inquiry.pk))
    assert decoded.endswith(f"/check/query-sheet/{code}/"), decoded
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    r = Client().get(decoded[decoded.index("/check/"):], **ZH)
    html = r.content.decode()
    assert r.status_code == 200 and "真实有效" in html and "张*" in html and "常住户籍登记地址" in html and inquiry.file_number in html
    assert "张伟" not in html and "大汪山" not in html and people["zhang"].id_number not in html
    assert Client().get("/check/query-sheet/LD-x-y/").status_code == 404
    tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert Client().get(f"/check/query-sheet/{tampered}/").status_code == 404
    for _ in range(25):  # codes cannot be tried in bulk: 20 checks a minute from one address
        last = Client().get(f"/check/query-sheet/{tampered}/")
    assert last.status_code == 429
    cache.clear()
    assert documents.check_code(actor=desk, code=code)["file_number"] == inquiry.file_number
    assert documents.check_code(actor=desk, code=code[:-1] + ("0" if code[-1] != "0" else "1")) is None
    assert AuditEvent.objects.filter(action="inquiry.print.result", person_id=people["zhang"].pk).exists()


def test_Q4_no_result_sheet_before_an_answer(people, desk):
    from liudong.errors import NotFound

    inquiry = services.create_inquiry(actor=desk, data=body("vetting"), now=NOW)
    with pytest.raises(NotFound):
        documents.result_sheet(actor=desk, inquiry_id=inquiry.pk, printed_on=NOW.date(), today=NOW.date())


def test_pdftoppm_is_there():
    assert shutil.which("pdftoppm")


def test_abuse_flags_reach_the_police_of_the_desks_county_only(people, desk, police, client):
    """Issue 12, part 6: many people asked about by one requester in a short window are flagged to
    the police accounts of the desk's county (thresholds: policy); another county's police see nothing."""
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.policy.services import set_value

    set_value(actor=None, name="query_desk.abuse_subjects", raw_value="2", division_code="440000000000", valid_from="2020-01-02", source="测试")
    first = services.create_inquiry(actor=desk, data=body("vetting"), now=NOW)
    second = services.create_inquiry(actor=desk, data=body("vetting"), now=NOW)
    assert (first.flagged, second.flagged) == (False, True)
    client.force_login(police)
    page = client.get("/desk/consent/", **ZH).content.decode()
    assert second.file_number in page and first.file_number not in page and "深圳市某某公司" in page
    client.force_login(Staff.objects.create(username="futian_police", role=Role.POLICE_OFFICER, division_id="440304001000"))
    assert second.file_number not in client.get("/desk/consent/", **ZH).content.decode()


def test_Q7_another_station_cannot_open_or_answer_the_request(people, desk, police, client):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.desk.models import ConsentTask

    inquiry = services.create_inquiry(actor=desk, data=body("citizen_relative", subjects=[{"name": "李娜", "match": "exact"}], reason="寻亲"), now=NOW)
    services.run(actor=desk, inquiry_id=inquiry.pk, now=NOW)
    client.force_login(Staff.objects.create(username="shekou_police", role=Role.POLICE_OFFICER, division_id="440305002000"))
    assert "李娜" not in client.get("/desk/consent/", **ZH).content.decode()
    assert client.post(f"/desk/consent/{inquiry.pk}/", {"person_id": people["li"].pk, "granted": "yes"}, **ZH).status_code == 404
    assert client.get(f"/desk/{inquiry.pk}/", **ZH).status_code == 403
    assert ConsentTask.objects.get().answered_on is None


def test_Q3_the_county_approves_the_categories_the_rules_send_it(people, desk, client, world):
    """Q3 (d): the approvals page lists the requests whose category needs approval under the set in
    force (`approval`), whatever the category is called."""
    stats = services.create_inquiry(actor=desk, data=body("statistics", subjects=[{}], reason="辖区人口统计"), now=NOW)
    services.run(actor=desk, inquiry_id=stats.pk, now=NOW)
    services.create_inquiry(actor=desk, data=body("vetting"), now=NOW)
    client.force_login(world["county_officer"])
    page = client.get("/desk/approvals/", **ZH).content.decode()
    assert stats.file_number in page and "440305-2026-000002" not in page
    client.post(f"/desk/approvals/{stats.pk}/", {"approved": "yes"}, **ZH)
    stats.refresh_from_db()
    assert stats.state == "answered" and stats.subjects.get().count is not None


def test_Q6_the_requesters_document_name_and_number_are_on_the_form(people, desk):
    data = body("lawyer")
    data["requester"]["id_document"] = "律师执业证"
    inquiry = services.create_inquiry(actor=desk, data=data, now=NOW)
    text = pdf_text(documents.application_form(actor=desk, inquiry_id=inquiry.pk, printed_on=NOW.date())[0])
    assert "证件名称律师执业证" in text and "证件号码" in text


def test_Q8_a_long_period_shows_its_first_lines_and_prints_them_all(people, desk, desk_client, monkeypatch):
    from liudong.desk import views

    monkeypatch.setattr(views, "REGISTER_SCREEN_ROWS", 1)
    first = services.create_inquiry(actor=desk, data=body("vetting"), now=NOW)
    second = services.create_inquiry(actor=desk, data=body("official"), now=NOW)
    page = desk_client.get("/desk/register/?start=2026-11-01&end=2026-11-28", **ZH).content.decode()
    assert first.file_number in page and second.file_number not in page and "仅显示前 1 件" in page
