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
    r = as_police.post(f"/permits/{permit.pk}/decide/", {"decided_on": "2026-11-28", "granted": "0", "reason": ""}, follow=True)
    assert "不予签发应说明理由" in r.content.decode()
    permit.refresh_from_db()
    assert permit.state == "pending"
    as_police.post(f"/permits/{permit.pk}/decide/", {"decided_on": "2026-11-28", "granted": "1"})
    permit.refresh_from_db()
    assert permit.state == "granted"
    r = as_police.post(f"/permits/{permit.pk}/endorse/", {"endorsed_on": "2026-11-28"}, follow=True)
    assert "签注期自 2027-10-28 起" in r.content.decode()


def test_lists_overdue_registrations_for_station_and_county_and_endorsements_due(zhejiang, police, settled, as_police):
    arrive(zhejiang["station"], name="吴静", seq=22, division=BEISHAN_V, arrived_on="2026-11-02")
    for who in ("station", "county_police"):
        c = Client()
        c.force_login(zhejiang[who])
        html = c.get("/permits/?tab=overdue").content.decode()
        assert "吴静" in html and "2026-11-05" in html and "逾期未办居住登记" in html
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
