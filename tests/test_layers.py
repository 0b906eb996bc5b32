"""The layers hold (style.md 12, issue 7): the import-linter contracts of pyproject.toml are run on
src/ by `lint-imports` (also in .ci/run), so a wrong import fails `make test`. The second test
shows the check can fail: an import of people from accounts, put into a copy of the source."""
import shutil
import subprocess
import sys
from pathlib import Path

import liudong

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).parent / "lint-imports"


def lint(src: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache", str(ROOT / "pyproject.toml")], cwd=src, env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept():
    src = Path(liudong.__file__).resolve().parent.parent
    result = lint(src)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_an_import_against_the_layers_breaks_them(tmp_path):
    shutil.copytree(Path(liudong.__file__).resolve().parent, tmp_path / "liudong", ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale"))
    permissions = tmp_path / "liudong" / "accounts" / "permissions.py"
    permissions.write_text(permissions.read_text(encoding="utf-8") + "\nfrom liudong.people.models import Person  # noqa\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert "liudong.accounts.permissions -> liudong.people.models" in result.stdout
