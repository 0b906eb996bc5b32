"""Issue 13 pages and printed documents: Chinese by default; the lists of the station and its county;
a permit's page (its read logged); the application, decision, permit (QR code to the public page)
and registration voucher render as PDFs whose text is checked on images made by pdftoppm (and
read with pypdf); the public page shows only validity and a masked name, without log-in, and is
rate-limited per client address."""
import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader

from liudong.accounts.models import AuditEvent
from liudong.permits import services
from tests.conftest import TODAY

from .conftest import BEISHAN_V, _now, arrive, grant


@pytest.fixture
def as_police(police):
    c = Client()
    c.force_login(police)
    return c


def pdf_text(data: bytes) -> str:
    """The text without white space (the titles are letter-spaced)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def render_pages(data: bytes, stem: str, dpi: int = 80) -> list[Path]:
    """pdftoppm the PDF to PNGs under /tmp (looked at by hand; never committed)."""
    out = Path(tempfile.gettempdir()) / "permits-pdf"
    out.mkdir(exist_ok=True)
    src = out / f"{stem}.pdf"
    src.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(out / stem)], check=True)
    images = sorted(out.glob(f"{stem}*.png"))
    assert images and all(p.stat().st_size > 2000 for p in images)
    return images


def test_permit_page_is_chinese_and_logged(as_police, police, migrant):
    permit = grant(police, migrant, applied_on="2026-11-20", decided_on="2026-11-27")
    r = as_police.get(f"/permits/{permit.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "居住证" in html and "连续居住年限" in html and "打印居住证" in html and "2027-10-27" in html
    assert not re.search(r">\s*(granted|employment|pending)\s*<", html)
    assert AuditEvent.objects.filter(action="residence_permit.view", person_id=migrant.pk).exists()


def test_decide_and_endorse_through_the_page_with_errors_shown(as_police, police, newcomer):
    permit = services.apply_permit(actor=police, data={"person_id": newcomer.pk, "applied_on": "2026-11-28", "basis": "study", "proof": "学籍证明"},
                                   today=TODAY, now=_now())
    r = as_police.post(f"/permits/{permit.pk}/decide/", {"decide-decided_on": "2026-11-28", "decide-granted": "0", "decide-reason": ""}, follow=True)
    assert "不予签发应说明理由" in r.content.decode()
    permit.refresh_from_db()
    assert permit.state == "pending"
    as_police.post(f"/permits/{permit.pk}/decide/", {"decide-decided_on": "2026-11-28", "decide-granted": "1"})
    permit.refresh_from_db()
    assert permit.state == "granted"
    r = as_police.post(f"/permits/{permit.pk}/endorse/", {"endorse-endorsed_on": "2026-11-28"}, follow=True)
    assert "签注期自 2027-10-28 起" in r.content.decode()


def test_lists_overdue_registrations_for_station_and_county_and_endorsements_due(zhejiang, police, settled, as_police):
    arrive(zhejiang["station"], name="吴静", seq=22, division=BEISHAN_V, arrived_on="2026-11-02")
    for who in ("station", "county_police"):
        c = Client()
        c.force_login(zhejiang[who])
        html = c.get("/permits/?tab=overdue").content.decode()
        assert "吴静" in html and "2026-11-05" in html and "逾期未办居住登记" in html
        # RR2: the station completes, the county only lists (no button it could not use)
        assert ("/complete/" in html) == (who == "station")
    # 刘洋's permit, issued 2025-12-15: its window closes on 2026-12-14, so not this month (November) ...
    grant(police, settled, applied_on="2025-12-08", decided_on="2025-12-15")
    assert "刘洋" not in as_police.get("/permits/?tab=endorsements").content.decode()


def test_endorsements_due_this_month(police, settled, as_police):
    grant(police, settled, applied_on="2025-11-25", decided_on="2025-11-30")   # window closes 2026-11-29
    html = as_police.get("/permits/?tab=endorsements").content.decode()
    assert "刘洋" in html and "2026-11-29" in html and "本月应签注" in html


def test_printed_documents_render_with_their_text(as_police, police, migrant, zhejiang):
    permit = grant(police, migrant, applied_on="2026-11-20", decided_on="2026-11-27")
    expected = {
        "application": ["居住证申领登记表", "李娜", "合法稳定就业", "2026年12月5日"],
        "decision": ["居住证签发决定书", "李娜", "2026年11月27日", "居住证暂行条例"],
        "card": ["居住证", "李娜", "南头街道派出所", "签注有效至", "2027年11月26日"],
    }
    for kind, words in expected.items():
        r = as_police.get(f"/permits/{permit.pk}/{kind}.pdf")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf", (kind, r.content[:300])
        text = pdf_text(r.content)
        for w in words:
            assert w in text, (kind, w, text[:500])
        render_pages(r.content, f"permit-{kind}")
        assert AuditEvent.objects.filter(action=f"residence_permit.print_{kind}", person_id=migrant.pk).exists()
    p = arrive(zhejiang["station"], name="陈静", seq=10, division=BEISHAN_V, arrived_on="2026-09-30")
    from liudong.permits.models import ResidenceRegistration

    reg = ResidenceRegistration.objects.get(person=p)
    station = Client()
    station.force_login(zhejiang["station"])
    assert station.get(f"/permits/registrations/{reg.pk}/voucher.pdf").status_code == 404   # not completed yet
    station.post(f"/permits/registrations/{reg.pk}/complete/", {"completed_on": "2026-11-28"})
    r = station.get(f"/permits/registrations/{reg.pk}/voucher.pdf")
    text = pdf_text(r.content)
    for w in ("居住登记凭证", "陈静", "2026年10月10日", "2026年11月28日", "北山街道派出所"):
        assert w in text, (w, text[:500])
    render_pages(r.content, "registration-voucher")


def test_card_qr_opens_the_public_page_with_only_validity_and_a_masked_name(police, migrant, as_police):
    permit = grant(police, migrant, applied_on="2026-11-20", decided_on="2026-11-27")
    data = as_police.get(f"/permits/{permit.pk}/card.pdf").content
    images = render_pages(data, "permit-card-qr")
    url = f"/check/permit/{permit.public_token}/"
    decoded = _decode_qr(render_pages(data, "permit-card-qr-300dpi", dpi=300)[0])   # 17 mm: read at print resolution; zbarimg (zbar-tools, installed by scripts/system-deps.sh)
    assert decoded is not None and decoded.endswith(url), decoded
    cache.clear()
    anonymous = Client()
    r = anonymous.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and "李*" in html and "有效" in html and "李娜" not in html and migrant.id_number not in html
    # every read of a permit is logged, this one too: with the client address, in the permit's place
    look = AuditEvent.objects.filter(action="residence_permit.public_check", person_id=migrant.pk).get()
    assert look.fields["address"] == "127.0.0.1" and look.division_code == permit.division_id and look.actor is None
    assert anonymous.get("/check/permit/not-a-token/").status_code == 404
    for _ in range(25):
        last = anonymous.get(url)
    assert last.status_code == 429 and "查询过于频繁" in last.content.decode()
    cache.clear()


def _decode_qr(image: Path):
    out = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, timeout=30)
    return out.stdout.strip() or None


def test_masked_name():
    from liudong.permits.documents import masked_name

    assert (masked_name("刘洋"), masked_name("欧阳娜娜"), masked_name("李")) == ("刘*", "欧***", "李*")


# ---------------------------------------------------------------- the application page (RP1, item 1)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def test_rp1_the_application_page_shows_eligibility_as_checked_and_the_decision_due_date(as_police, newcomer):
    """王芳 arrived on 2026-05-28: on 2026-11-27 half a year is not full (refused next to the date),
    on 2026-11-28 it is (eligible from that day), and the decision is due 15 calendar days later."""
    html = as_police.get(f"/permits/apply/?person_id={newcomer.pk}&applied_on=2026-11-27").content.decode()
    assert "王芳" in html and "申领条件核验" in html and 'class="missing" data-check="months"' in html and "2026-11-28 起可申领" in html
    assert 'id="decision-due"' not in html
    r = as_police.post("/permits/apply/", {"check": "1", "person_id": newcomer.pk, "applied_on": "2026-11-28"})
    html = r.content.decode()
    assert 'class="have" data-check="months"' in html and 'class="have" data-check="hukou"' in html and 'class="optional" data-check="basis"' in html
    assert re.search(r'id="decision-due">[^<]*<strong>2026-12-13</strong>', html)
    from liudong.permits.models import ResidencePermit

    assert not ResidencePermit.objects.exists()   # checking writes nothing
    assert AuditEvent.objects.filter(action="residence_permit.eligibility", person_id=newcomer.pk).count() == 2


def test_rp1_a_refused_application_keeps_the_input_with_errors_next_to_the_fields(as_police, newcomer):
    from liudong.permits.models import ResidencePermit

    r = as_police.post("/permits/apply/", {"person_id": newcomer.pk, "applied_on": "2026-11-27", "basis": "employment", "proof": ""})
    html = r.content.decode()
    assert r.status_code == 200 and "请更正标出的项目；尚未保存任何内容" in html
    date_field = re.search(r'<div class="field has-error">\s*<label for="id_applied_on">.*?</div>', html, re.S).group(0)
    assert "在本市连续居住不满6个月" in date_field
    assert re.search(r'<div class="field has-error[^"]*">\s*<label for="id_proof">', html)
    assert 'value="2026-11-27"' in html and 'value="employment"' in html and "checked" in html
    assert not ResidencePermit.objects.exists()
    r = as_police.get("/permits/apply/?person_id=999999")   # the number typed on the page: said next to it, the same for out of scope
    assert r.status_code == 200 and "人员不存在或不在您的管辖范围内" in re.search(r'<label for="id_person_id">.*?</div>', r.content.decode(), re.S).group(0)
    r = as_police.post("/permits/apply/", {"person_id": "999999", "applied_on": "2026-11-28", "basis": "study", "proof": "学籍证明"})
    assert r.status_code == 200 and "人员不存在或不在您的管辖范围内" in re.search(r'<label for="id_person_id">.*?</div>', r.content.decode(), re.S).group(0)


def test_rp1_apply_with_scans_then_decide_with_field_errors_and_download_a_scan(as_police, newcomer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liudong.permits.models import ResidencePermit

    bad = SimpleUploadedFile("合同.png", b"not a png", content_type="image/png")
    r = as_police.post("/permits/apply/", {"person_id": newcomer.pk, "applied_on": "2026-11-28", "basis": "employment", "proof": "劳动合同", "attachments": [bad]})
    assert "文件内容不是所标明的" in r.content.decode() and not ResidencePermit.objects.exists()
    scans = [SimpleUploadedFile("劳动合同.png", PNG, content_type="image/png"), SimpleUploadedFile("社保记录.png", PNG, content_type="image/png")]
    r = as_police.post("/permits/apply/", {"person_id": newcomer.pk, "applied_on": "2026-11-28", "basis": "employment", "proof": "劳动合同", "attachments": scans})
    permit = ResidencePermit.objects.get(person=newcomer)
    assert r.status_code == 302 and r["Location"] == f"/permits/{permit.pk}/"
    html = as_police.get(r["Location"]).content.decode()
    assert "申请已受理" in html and '<dd id="decision-due">2026-12-13' in html and "劳动合同.png" in html and "社保记录.png" in html
    scan = permit.attachments.order_by("id").first()
    r = as_police.get(f"/permits/{permit.pk}/scans/{scan.pk}/")
    assert r.status_code == 200 and r.content == PNG and r["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="residence_permit.scan", person_id=newcomer.pk).exists()
    # A refusal without its reason: said under the reason's field, the permit still pending.
    r = as_police.post(f"/permits/{permit.pk}/decide/", {"decide-decided_on": "2026-11-28", "decide-granted": "0", "decide-reason": ""})
    assert re.search(r'<div class="field has-error[^"]*">\s*<label for="id_decide-reason">.*?不予签发应说明理由', r.content.decode(), re.S)
    permit.refresh_from_db()
    assert permit.state == "pending"


def test_rp3_rp4_the_permit_page_says_the_endorsement_state_and_counts_the_years(as_police, police, settled):
    """刘洋's permit issued 2024-11-20: endorsed in its 2025 window; its 2026-11-20 anniversary came
    without one: suspended (the page says so on 2026-11-28); a late endorsement restores it and
    the count of residence years starts again from 0."""
    permit = grant(police, settled, applied_on="2024-11-12", decided_on="2024-11-20")
    services.endorse_permit(actor=police, permit_id=permit.pk, data={"endorsed_on": "2025-11-01"}, today=TODAY)
    html = as_police.get(f"/permits/{permit.pk}/").content.decode()
    assert "逾期未签注" in html and "自 2026-11-20 起中止使用" in html and re.search(r'id="residence-years">2\b', html)
    r = as_police.post(f"/permits/{permit.pk}/endorse/", {"endorse-endorsed_on": "2026-11-28"})
    assert r.status_code == 302
    html = as_police.get(f"/permits/{permit.pk}/").content.decode()
    assert "签注已记录" in html
    assert re.search(r'id="residence-years">0\b', html) and "未到签注期" in html and "逾期补办" in html


def test_the_person_page_shows_her_permit_to_the_police_and_only_whether_one_exists_to_family_planning(world, police, migrant, as_police):
    permit = grant(police, migrant, applied_on="2026-11-20", decided_on="2026-11-27")
    html = as_police.get(f"/people/{migrant.pk}/").content.decode()
    assert f'href="/permits/{permit.pk}/"' in html and "申领居住证" in html
    assert AuditEvent.objects.filter(action="residence_permit.list", fields__via="person_page", fields__permits=[permit.pk]).exists()
    clerk = Client()
    clerk.force_login(world["township_clerk"])
    html = clerk.get(f"/people/{migrant.pk}/").content.decode()
    assert "持有居住证" in html and f"/permits/{permit.pk}/" not in html and "劳动合同" not in html
    assert AuditEvent.objects.filter(action="residence_permit.exists", person_id=migrant.pk, actor_name=world["township_clerk"].username).exists()
