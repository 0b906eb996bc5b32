"""Issue 9, item 8 (J3): a role refused a page (403) writes one line to the log, who and why,
never the PermissionDenied's traceback."""
import io
import logging

from django.urls import reverse


def test_J3_a_403_is_one_line_in_the_log(client, world):
    console = next(h for h in logging.getLogger().handlers if any(type(f).__name__ == "OneLineForbidden" for f in h.filters))
    stream = io.StringIO()
    old = console.setStream(stream)
    try:
        client.force_login(world["township_clerk"])
        assert client.get(reverse("audit")).status_code == 403
    finally:
        console.setStream(old)
    lines = stream.getvalue().strip().splitlines()
    assert len(lines) == 1, stream.getvalue()
    assert lines[0].startswith("Forbidden (Permission denied): /audit/") and "township_clerk" in lines[0] and "角色无权执行此操作" in lines[0]
    assert "Traceback" not in stream.getvalue()
