"""Migrations match the models (style.md 11): a model changed without its migration fails here,
as `liudong makemigrations --check` does in .ci/run."""
import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as e:
        pytest.fail(f"makemigrations would write a migration (exit {e.code}):\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
