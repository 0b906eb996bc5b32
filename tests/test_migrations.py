"""Migrations match the models (style.md 11): a model changed without its migration fails here,
as `liudong makemigrations --check` does in .ci/run. In a subprocess: the suite pins
timezone.now (tests/conftest.py), which the migrations of date fields name as their default."""
import os
import subprocess
import sys
from pathlib import Path

import liudong


def test_no_model_change_lacks_its_migration(tmp_path):
    src = Path(liudong.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(src), "LIUDONG_ENV": "test", "LIUDONG_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # the check reads the migration files, not a database
    result = subprocess.run([sys.executable, "-m", "liudong.cli", "makemigrations", "--check", "--dry-run"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "No changes detected" in result.stdout
