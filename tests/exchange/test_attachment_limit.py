"""Issue 7, item 4: scans are documented as 2 MB each, and the request limit lets a message carry
as many full-size scans as the API allows (the 2 MiB request limit stopped a base64 scan at about
1.55 MB). The limits live in liudong.limits; the request limit is derived from them."""
import base64
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from liudong.exchange.models import Attachment, Message
from liudong.limits import ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS, REQUEST_MAX_BYTES
from tests.people.api.conftest import ApiClient, assert_field_error
from tests.conftest import TONGJIANG_T


def pdf_of(size: int) -> bytes:
    head = b"%PDF-1.4\n"
    return head + b"0" * (size - len(head))


def scan(size: int, name: str = "结婚证.pdf") -> dict:
    return {"name": name, "content_type": "application/pdf", "data": base64.b64encode(pdf_of(size)).decode()}


@pytest.fixture
def clerk_api(world, clock):
    from liudong.accounts.tokens import issue_token

    return ApiClient(issue_token(world["township_clerk"]))


def message(migrant, attachments):
    return {"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": "核实婚育情况", "attachments": attachments}


def test_a_2_mb_scan_is_accepted_through_the_api(clerk_api, migrant):
    r = clerk_api.post("/messages", message(migrant, [scan(ATTACHMENT_MAX_BYTES)]))
    assert r.status_code == 201, r.content[:300]
    assert r.json()["attachments"][0]["size"] == ATTACHMENT_MAX_BYTES == 2 * 1024 * 1024
    assert bytes(Attachment.objects.get().data) == pdf_of(ATTACHMENT_MAX_BYTES)


@pytest.mark.parametrize("size", [ATTACHMENT_MAX_BYTES + 1, ATTACHMENT_MAX_BYTES + 3, 3 * 1024 * 1024])
def test_a_scan_over_2_mb_is_a_field_error_and_nothing_is_written(clerk_api, migrant, size):
    r = clerk_api.post("/messages", message(migrant, [scan(1000, "a.pdf"), scan(size, "b.pdf")]))
    assert "2 MB" in assert_field_error(r, "attachments.1.data")[0]
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_a_message_with_every_scan_at_full_size_fits_the_request_limit(clerk_api, migrant):
    """The largest body the API documents as valid is accepted (not a 413): MAX_ATTACHMENTS scans
    of 2 MB with the longest names, base64 in MIME lines, and the longest text."""
    scans = [scan(ATTACHMENT_MAX_BYTES, f"{i}" + "扫" * 199) for i in range(MAX_ATTACHMENTS)]
    for s in scans:
        s["data"] = "\r\n".join(s["data"][i:i + 76] for i in range(0, len(s["data"]), 76))
    body = json.dumps({**message(migrant, scans), "body": "\u4e00" * 20000, "subject": "\u4e00" * 200})
    assert len(body) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE == REQUEST_MAX_BYTES
    r = clerk_api.post("/messages", raw=body)
    assert r.status_code == 201, r.content[:300]
    assert Attachment.objects.count() == MAX_ATTACHMENTS


def test_one_scan_more_than_allowed_is_a_field_error(clerk_api, migrant):
    r = clerk_api.post("/messages", message(migrant, [scan(100, f"{i}.pdf") for i in range(MAX_ATTACHMENTS + 1)]))
    assert_field_error(r, "attachments")
    assert not Message.objects.exists()


def test_a_request_limit_below_what_a_message_needs_stops_the_start():
    env = {**os.environ, "LIUDONG_ENV": "test", "LIUDONG_MAX_REQUEST_BYTES": str(2 * 1024 * 1024)}
    run = subprocess.run([sys.executable, "-c", "import liudong.settings"], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "LIUDONG_MAX_REQUEST_BYTES must be at least" in run.stderr
    env["LIUDONG_MAX_REQUEST_BYTES"] = str(REQUEST_MAX_BYTES + 1)
    assert subprocess.run([sys.executable, "-c", "import liudong.settings"], env=env, capture_output=True, timeout=60).returncode == 0
