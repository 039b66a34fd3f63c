"""The committed code reference is what ``python -m reportkit.catalogue`` writes: run in a fresh
interpreter, as a maintainer regenerates it, so codes a test registers for itself never show."""

import json
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "findings.md"
CODES = """
import json
from reportkit.catalogue import all_codes
print(json.dumps([[s.code, s.template, s.hint] for s in all_codes()], ensure_ascii=False))
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_committed_catalogue_is_generated_from_the_code():
    done = _run("-m", "reportkit.catalogue")
    assert done.returncode == 0, done.stderr
    assert DOC.read_text(encoding="utf-8") == done.stdout, "run: python -m reportkit.catalogue docs/findings.md"


def test_every_code_has_a_chinese_message_and_a_hint():
    codes = json.loads(_run("-c", CODES).stdout)
    assert len({code for code, _, _ in codes}) == len(codes) > 50
    for code, template, hint in codes:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in template), code
        assert hint, code


def test_help_is_not_taken_for_a_file_name(tmp_path):
    done = subprocess.run([sys.executable, "-m", "reportkit.catalogue", "--help"], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=tmp_path)
    assert done.returncode == 0 and "python -m reportkit.catalogue" in done.stdout
    assert list(tmp_path.iterdir()) == []
    wrong = subprocess.run([sys.executable, "-m", "reportkit.catalogue", "--out"], capture_output=True, text=True,
                           encoding="utf-8", timeout=120, cwd=tmp_path)
    assert wrong.returncode == 2 and list(tmp_path.iterdir()) == []
