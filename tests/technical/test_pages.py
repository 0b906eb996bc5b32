"""S2, S4, S5, S6 in the browser: Chinese pages by default, the check form, the public pages,
and the PDFs rendered to images (pdftoppm) and read back as text (pdftotext)."""
import re
import subprocess

import pytest
from django.test import Client

from .conftest import PNG, at

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png")), "the PDF rendered to no image"
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def record(clerk, woman, institution=None, day="2026-11-20"):
    from liudong.technical import services

    return services.record_check(actor=clerk, data={"person_id": woman.pk, "checked_on": day, "items": ["pregnancy", "iud"], "result": "normal",
                                                    "method": "iud", "institution_id": institution.pk if institution else None}, now=at("2026-11-28"))


def test_S2_the_page_records_a_check_in_chinese_and_shows_the_slip(world, woman, institution):
    c = client_for(world["township_clerk"])
    page = c.get("/services/")
    assert page.status_code == 200 and "登记孕情环情检查并出具报告单" in page.content.decode() and "Record a check" not in page.content.decode()
    bad = c.post("/services/checks/new/", {"person_id": woman.pk, "checked_on": "2030-01-01", "result": "normal"})
    assert bad.status_code == 422 and "日期不能晚于今天" in bad.content.decode()
    r = c.post("/services/checks/new/", {"person_id": woman.pk, "checked_on": "2026-11-20", "items": ["iud", "pregnancy"], "result": "normal",
                                         "institution_id": institution.pk})
    assert r.status_code == 302
    detail = c.get(r["Location"]).content.decode()
    assert "440305001-2026-00001" in detail and "南山区妇幼保健院" in detail


def test_S2_the_report_slip_has_its_stub_and_a_qr_code_to_a_public_check(world, woman, institution, tmp_path):
    check = record(world["township_clerk"], woman, institution)
    c = client_for(world["township_clerk"])
    r = c.get(f"/services/checks/{check.pk}/slip.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content, tmp_path)
    assert "流动人口避孕节育情况报告单" in text and "存根" in text and check.report_number in text and "王芳" in text and "南山区妇幼保健院" in text
    # the QR code's page, without log-in: authentic, date, township, masked name, nothing else
    public = Client().get(f"/services/slip/{check.report_token}/").content.decode()
    assert "真实有效" in public and "王*" in public and "南头街道" in public and "2026-11-28" in public
    assert "王芳" not in public and woman.id_number not in public
    assert Client().get("/services/slip/" + "x" * 32 + "/").status_code == 404
    # police never print it
    assert client_for(world["police_officer"]).get(f"/services/checks/{check.pk}/slip.pdf").status_code == 403


def test_S4_the_check_register_is_printed_in_booklets_per_village(world, woman, clerk, institution, tmp_path):
    from liudong.technical.documents import check_register

    from tests.conftest import NANTOU_V2, make_id

    from .conftest import person

    other = person(clerk, id_number=make_id("511921", "19920101", 48), name="赵敏", village=NANTOU_V2)
    record(clerk, woman, institution)
    record(clerk, other, institution, day="2026-11-21")
    data, _ = check_register(actor=clerk, period="2026-Q4", printed_on=at("2026-11-28").date())
    text = pdf_text(data, tmp_path)
    pages = text.split("\f")
    assert "红花园社区" in pages[0] and "王芳" in pages[0] and "赵敏" not in pages[0]
    assert "大汪山社区" in pages[1] and "赵敏" in pages[1]
    assert "孕情、环情检查登记簿" in text


def test_S5_the_distribution_page_and_book(world, woman, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(world["village_collector"])
    r = c.post("/services/distributions/", {"person_id": woman.pk, "distributed_on": "2026-11-02", "product": "condom", "quantity": "10", "confirmation_kind": "signature"})
    assert r.status_code == 422 and "领取人确认" in r.content.decode()
    r = c.post("/services/distributions/", {"person_id": woman.pk, "distributed_on": "2026-11-02", "product": "condom", "quantity": "10", "confirmation_kind": "signature",
                                            "confirmation": SimpleUploadedFile("签名.png", PNG, content_type="image/png")})
    assert r.status_code == 302
    page = c.get("/services/distributions/?month=2026-11").content.decode()
    assert "王芳" in page and "按村、按月合计" in page
    book = c.get("/services/distributions/book.pdf?month=2026-11")
    text = pdf_text(book.content, tmp_path)
    assert "避孕药具发放登记册" in text and "王芳" in text and "手写签名" in text


def test_S6_the_institution_list_is_public_on_a_page_and_in_print(institution, tmp_path):
    page = Client().get("/services/institutions/?province=440000000000")
    assert page.status_code == 200 and "南山区妇幼保健院" in page.content.decode() and "0755-26491000" in page.content.decode()
    pdf = Client().get("/services/institutions.pdf?province=44")
    text = pdf_text(pdf.content, tmp_path)
    assert "南山区妇幼保健院" in text and "深圳市南山区南山大道1001号" in text


def test_S3_the_hukou_side_works_in_its_pages_to_do_list_advice_and_mailed_reports(world, woman):
    from liudong.people import services as people
    from liudong.technical.models import Check, DepartureAdvice, ReturneeVisit

    from .conftest import d

    hukou = client_for(world["tongjiang_clerk"])
    # her record leads to her services page, which offers the hukou side's two forms
    assert f"/services/women/{woman.pk}/" in hukou.get(f"/people/{woman.pk}/").content.decode()
    mine = hukou.get(f"/services/women/{woman.pk}/").content.decode()
    assert "登记外出前指导" in mine and "没有外出前指导记录" in mine
    # advice without "told to attend checks where she lives": refused next to the form, nothing written
    bad = hukou.post("/services/outflow/", {"form": "advice", "person_id": woman.pk, "advised_on": "2025-02-20", "method": "iud"})
    assert bad.status_code == 422 and "按时参加现居住地的孕情、环情检查" in bad.content.decode() and not DepartureAdvice.objects.exists()
    ok = hukou.post("/services/outflow/", {"form": "advice", "person_id": woman.pk, "advised_on": "2025-02-20", "method": "iud", "told_to_attend_checks": "1"})
    assert ok.status_code == 302 and ok["Location"] == f"/services/women/{woman.pk}/"
    assert "2025-02-20" in hukou.get(ok["Location"]).content.decode()
    mailed = hukou.post("/services/outflow/", {"form": "mailed", "person_id": woman.pk, "checked_on": "2026-05-10", "received_on": "2026-05-20",
                                               "items": ["iud"], "result": "normal", "institution_text": "深圳某医院"})
    assert mailed.status_code == 302 and Check.objects.get().origin == "mailed"
    # she comes back: on the to-do list until the visit is recorded from it
    residence = woman.residences.get(left_on__isnull=True)
    people.record_departure(actor=world["township_clerk"], residence_id=residence.pk, left_on="2026-10-31", today=d("2026-11-28"))
    people.record_return(actor=world["tongjiang_clerk"], person=woman, data={"arrived_on": "2026-11-01"}, today=d("2026-11-28"))
    todo = hukou.get("/services/outflow/").content.decode()
    assert "待随访的返乡人员" in todo and "王芳" in todo and "2026-11-01" in todo
    early = hukou.post("/services/outflow/", {"form": "visit", "person_id": woman.pk, "visited_on": "2026-10-30"})
    assert early.status_code == 422 and not ReturneeVisit.objects.exists()
    assert hukou.post("/services/outflow/", {"form": "visit", "person_id": woman.pk, "visited_on": "2026-11-10"}).status_code == 302
    assert "没有待随访的返乡人员" in hukou.get("/services/outflow/").content.decode()
    # the residence side sees the list but has no forms; police never see the page
    assert "登记指导" not in client_for(world["county_officer"]).get("/services/outflow/").content.decode()
    assert client_for(world["police_officer"]).get("/services/outflow/").status_code == 403


def test_S1_the_catalogue_page_lists_the_free_items_and_sets_up_a_point(world):
    from liudong.technical.models import DistributionPoint

    c = client_for(world["township_clerk"])
    page = c.get("/services/catalogue/").content.decode()
    assert "输精管结扎术" in page and "本地还没有设置发放点" in page
    bad = c.post("/services/catalogue/", {"kind": "machine", "name": "", "address": "南头城地铁站A口", "opened_on": "2026-03-01"})
    assert bad.status_code == 422 and not DistributionPoint.objects.exists()
    ok = c.post("/services/catalogue/", {"kind": "machine", "name": "南头城地铁站售货机", "address": "南头城地铁站A口", "village": "440305001001", "opened_on": "2026-03-01"})
    assert ok.status_code == 302
    assert "南头城地铁站售货机" in client_for(world["county_officer"]).get("/services/catalogue/").content.decode()
    assert client_for(world["query_desk"]).get("/services/catalogue/").status_code == 403


def test_S6_a_province_publishes_an_institution_from_its_public_page(world):
    from django.test import Client

    from liudong.technical.models import Institution

    officer = client_for(world["province_officer"])
    page = officer.get("/services/institutions/")
    assert page.status_code == 200 and "公布技术服务机构" in page.content.decode() and "/services/institutions/" in page.content.decode()
    bad = officer.post("/services/institutions/", {"name": "深圳市计划生育服务中心", "address": "深圳市福田区", "phone": "12"})
    assert bad.status_code == 422 and not Institution.objects.exists()
    ok = officer.post("/services/institutions/", {"name": "深圳市计划生育服务中心", "address": "深圳市福田区", "phone": "0755-88888888", "published_on": "2026-11-01"})
    assert ok.status_code == 302 and ok["Location"] == "/services/institutions/?province=440000000000"
    public = Client().get(ok["Location"]).content.decode()
    assert "深圳市计划生育服务中心" in public and "公布技术服务机构" not in public  # the public sees the list, not the form
    assert Client().post("/services/institutions/", {"name": "x"}).status_code == 302  # to the log-in
    assert client_for(world["township_clerk"]).post("/services/institutions/", {"name": "x"}).status_code == 403
    assert Institution.objects.count() == 1
