"""Issue 7: the source holds no block of 6 or more lines written twice (pylint's duplicate-code
check, configured in pyproject.toml: min-similarity-lines 6, generated migrations left out). The
apps added later copy whatever pattern they find; a repeated block is where one piece of code
should serve both places (as accounts.views_support.figures_or_errors does for the pages of figures
and the registers)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pylint(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pylint", "--rcfile", str(ROOT / "pyproject.toml"), "--score=n", *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_issue7_no_repeated_block_of_six_lines_in_src():
    run = _pylint(ROOT / "src" / "liudong")
    assert "R0801" not in run.stdout, run.stdout
    assert run.returncode == 0, run.stdout + run.stderr


def test_issue7_the_check_finds_a_block_written_twice(tmp_path):
    """The check can fail: two modules sharing a six-line body are reported."""
    body = "".join(f"    total = total + {i} * value\n" for i in range(6))
    for name in ("first", "second"):
        (tmp_path / f"{name}.py").write_text(f'"""{name}"""\n\n\ndef {name}(value):\n    total = 0\n{body}    return total\n')
    run = _pylint(tmp_path / "first.py", tmp_path / "second.py")
    assert "R0801" in run.stdout
