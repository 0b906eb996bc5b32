"""Render page 1 of every PDF the app prints, from the demo county, to small PNGs in docs/pdfs/
(the README's certificates section shows them). Run by `make pdf-samples`:

    .venv/bin/python scripts/render_pdf_samples.py [--db var/pdf-samples.sqlite3] [--dpi 60] [--out docs/pdfs]

It uses its own SQLite database (migrated and given the demo with `liudong demo --if-empty`, about a
minute the first time), asks for each PDF through the same URLs the pages and the API serve, as the
demo account that would print it, keeps page 1 at the given resolution (pdftoppm, poppler-utils)
and prints one line per document; a document that cannot be made is reported and the script exits
with status 1 at the end. Nothing here writes to the database but the demo and the audit rows of
the reads.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL_PAGES = {"certificate", "certificates-batch", "permit-card"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=str(ROOT / "var" / "pdf-samples.sqlite3"))
    ap.add_argument("--dpi", type=int, default=60)
    ap.add_argument("--out", default=str(ROOT / "docs" / "pdfs"))
    ap.add_argument("--only", default="", help="comma-separated names (certificate,status-proof,...): only these")
    args = ap.parse_args()
    db = Path(args.db).resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db}")
    os.environ.setdefault("LIUDONG_TASK_SQLITE", str(db.with_name(db.stem + "-tasks.sqlite3")))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected for this run
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", "--if-empty")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        only = set(args.only.split(",")) if args.only else None
        for name, title, fetch in samples():
            if only and name not in only:
                continue
            try:
                data = fetch()
            except Exception as e:  # reported, not hidden: the script fails at the end
                failed.append(name)
                print(f"FAIL {name}: {type(e).__name__}: {e}")
                continue
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(data)
            dpi = args.dpi * 2 if name in SMALL_PAGES else args.dpi  # A6 and card sizes: twice the resolution
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out / name)], check=True)
            png = out / f"{name}.png"
            print(f"ok   {name}: {title} ({len(data) // 1024} KB PDF -> {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}, {png.stat().st_size // 1024} KB)")
    return 1 if failed else 0


# ---------------------------------------------------------------- the documents

def _page(username: str, url: str) -> bytes:
    from django.test import Client

    from liudong.accounts.models import Staff

    c = Client()
    c.force_login(Staff.objects.get(username=username))
    return _pdf(c.get(url), url)


def _api(username: str, url: str) -> bytes:
    from django.test import Client

    from liudong.accounts.models import Staff
    from liudong.accounts.tokens import issue_token

    c = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(Staff.objects.get(username=username))}")
    return _pdf(c.get(url), url)


def _pdf(response, url) -> bytes:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if response.status_code != 200 or not body.startswith(b"%PDF"):
        raise RuntimeError(f"GET {url}: {response.status_code} {body[:200]!r}")
    return body


def _first(model, **filters):
    obj = model.objects.filter(**filters).order_by("pk").first()
    if obj is None:
        raise LookupError(f"no {model.__name__} {filters} in the demo")
    return obj


def samples():
    """(file name, what it is, how to get it): one of each PDF the app prints."""
    from liudong.certificates.models import Certificate, StatusProof

    def certificate():
        # the one 诺江镇 issued against 新华村's door-to-door application (valid, electronic), else the first
        cert = Certificate.objects.filter(door_application__isnull=False).order_by("pk").first() or _first(Certificate)
        return _page("nuojiang_clerk", f"/certificates/{cert.pk}/certificate.pdf")

    def batch():
        from liudong.certificates.documents import certificates_pdf
        from liudong.clock import today

        return certificates_pdf(list(Certificate.objects.select_related("township").order_by("pk")[:4]), printed_on=today())

    def proof():
        return _page("nuojiang_clerk", f"/certificates/status-proofs/{_first(StatusProof).pk}/proof.pdf")

    yield "certificate", "流动人口婚育证明 (C1, booklet with its QR code)", certificate
    yield "certificates-batch", "a township's certificates in one PDF (export kind certificates_batch)", batch
    yield "status-proof", "婚育情况证明 (3-八-1)", proof
    yield "certificate-register", "婚育证明登记表 of 诺江镇 (R3)", lambda: _api("nuojiang_clerk", "/api/v1/certificates-register.pdf?division=511921100000&year=2019")
    yield "card-collection", "计划生育信息采集卡 (R3)", lambda: _api("nantou_clerk", "/api/v1/certificate-cards/collection.pdf?division=440305001001")
    yield "card-floating-18-49", "18-49岁流动人口管理卡 (R3)", lambda: _api("nantou_clerk", "/api/v1/certificate-cards/floating_18_49.pdf?division=440305001001")
    yield "card-women", "育龄妇女管理卡 (R3)", lambda: _api("nantou_clerk", "/api/v1/certificate-cards/women.pdf?division=440305001001")
    yield "register-inflow", "流入人口持验证登记册 (R3)", lambda: _page("nantou_clerk", "/registers/inflow.pdf?division=440305001001")
    yield "register-outflow", "流出人口登记簿 (R3)", lambda: _page("nuojiang_clerk", "/registers/outflow.pdf?division=511921100000")
    yield from _other_samples()


def _other_samples():
    from liudong.cases.models import BirthRegistration

    def refusal():
        return _page("nantou_clerk", f"/cases/birth/{_first(BirthRegistration, state='refused').pk}/refusal.pdf")

    yield "refusal-letter", "不予登记告知书 (B4)", refusal
    yield "exchange-log", "函件收发登记 (X5)", lambda: _page("nantou_clerk", "/exchange/log.pdf")
    from liudong.technical.models import Check

    yield "report-slip", "流动人口避孕节育情况报告单 (S2)", lambda: _page("nantou_clerk", f"/services/checks/{_first(Check).pk}/slip.pdf")
    yield "services-register", "孕情环情检查登记簿 (R3, S2)", lambda: _page("nantou_clerk", "/services/register.pdf?division=440305001000&period=2026")
    yield "distribution-book", "避孕药具发放登记 (S5)", lambda: _page("nantou_clerk", "/services/distributions/book.pdf")
    yield "institutions", "技术服务机构名录 (S6)", lambda: _page("nantou_clerk", "/services/institutions.pdf")
    from liudong.desk.models import Inquiry

    def desk(kind):
        return lambda: _page("nanshan_desk", f"/desk/{_first(Inquiry, state='answered').pk}/{kind}.pdf")

    yield "desk-application", "查询申请表 (Q6)", desk("application")
    yield "desk-result", "查询结果单 (Q4)", desk("result")
    yield "desk-register", "查询登记簿 (Q8)", lambda: _page("nanshan_desk", "/desk/register.pdf")
    from liudong.permits.models import ResidencePermit as Permit

    def permit(kind):
        return lambda: _page("nantou_police", f"/permits/{_first(Permit).pk}/{kind}.pdf")

    yield "permit-application", "居住证申领登记表", permit("application")
    yield "permit-card", "居住证", permit("card")
    yield "permit-decision", "居住证申领决定", permit("decision")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
