from pathlib import Path

from reportkit.catalogue import all_codes, markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "findings.md"


def test_committed_catalogue_is_generated_from_the_code():
    assert DOC.read_text(encoding="utf-8") == markdown(), "run: python -m reportkit.catalogue docs/findings.md"


def test_every_code_has_a_chinese_message_and_a_hint():
    codes = all_codes()
    assert len({s.code for s in codes}) == len(codes) > 50
    for s in codes:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in s.template), s.code
        assert s.hint, s.code
