"""The catalogue of finding codes, generated from the code that declares them.

    python -m reportkit.catalogue docs/findings.md

Every check module registers its codes when imported; this module imports them all and
writes one table, so the reference never drifts from what reportkit actually reports.
"""

from __future__ import annotations

from .fileio import generated_doc_main
from .findings import CodeSpec, catalogue

CHECK_MODULES = ("reportkit.definitions.check", "reportkit.definitions.importing", "reportkit.checks.run", "reportkit.ledger")


def all_codes() -> list[CodeSpec]:
    import importlib

    for name in CHECK_MODULES:
        importlib.import_module(name)
    return catalogue()


def markdown() -> str:
    lines = [
        "# 审核问题编码表",
        "",
        "由 `python -m reportkit.catalogue docs/findings.md` 根据代码生成，请勿手工修改。",
        "",
        "类别：强制性（error，须修改，否则不纳入汇总）；核实性（warning，在该行“说明”栏写明原因即可通过）；"
        "提示性（info，仅提示）。",
        "",
        "| 编码 | 类别 | 名称 | 信息 | 修改建议 |",
        "|---|---|---|---|---|",
    ]
    for s in all_codes():
        cells = (f"`{s.code}`", s.severity.label, s.title, s.template, s.hint)
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    return generated_doc_main(markdown, argv)


if __name__ == "__main__":
    raise SystemExit(main())
