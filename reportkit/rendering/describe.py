"""Generate ``docs/context.md``: every variable a report template can use, with an example.

The reference is produced by walking a context built from the sample evaluation, so it
cannot drift from the code; a test checks that the committed file is up to date::

    python -m reportkit.rendering.describe docs/context.md
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..fileio import generated_doc_main
from .context import build_context
from .sample import sample_inputs
from .word_chart import BarChart

SECTIONS = {
    "plan": "规划信息",
    "report": "报告信息（标题、署名、日期）",
    "counts": "指标状态统计与计数句",
    "charts": "图表（Word 原生图表，宽 15 厘米，可在 Word/WPS 中编辑数据；无可绘制内容时为空）",
    "indicators": "主要指标，每项一行（表格用 `{%tr for r in indicators %}`）",
    "indicator_groups": "按状态分组的指标（用于逐项评估句）",
    "overview": "一、规划实施总体情况",
    "tasks": "重点任务总体情况",
    "chapters": "三、重点任务推进情况（按规划章节）",
    "problems": "四、存在的问题",
    "suggestions": "五、下一步工作建议",
    "appendix": "附件：分单位数据、报送情况、审核情况",
}

HEADER = """# 报告模板可用变量

本文件由 `python -m reportkit.rendering.describe docs/context.md` 根据示例评估结果自动生成，请勿手工修改。

模板使用 docxtpl（Jinja2）语法：`{{ plan.name }}` 插入文字，`{%p for r in indicators %}` … `{%p endfor %}`
重复段落，`{%tr for r in indicators %}` … `{%tr endfor %}` 重复表格行。所有文字已按中文习惯格式化
（数值保留规定小数位，百分比保留一位小数，无数据为“—”），并已去除控制字符；单位填写的 `<`、`&`、
`{{ }}` 等内容按原样输出。`reportkit template check 模板.docx` 列出模板中使用、但下表没有的变量。

每个指标的评估句 `r.sentence` 同时以组成部分提供（`r.parts.*`），可在模板中改写措辞，例如：
`{{ r.parts.subject }}{{ r.parts.value }}，{{ r.parts.progress }}。`

| 变量 | 类型 | 示例 |
|---|---|---|
"""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, int | float):
        return "数值"
    if isinstance(value, BarChart):
        return "图表"
    if isinstance(value, dict):
        return "对象"
    if isinstance(value, list):
        return "列表"
    return "文字"


def _example(value: Any) -> str:
    if isinstance(value, dict | list | BarChart):
        return ""
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= 60 else text[:59] + "…"


def walk(value: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(path, kind, example) for every key; list items are described by their first element."""
    yield path, _kind(value), _example(value)
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from walk(sub, f"{path}.{key}")
    elif isinstance(value, list) and value:
        yield from walk(value[0], f"{path}[]")


def describe_context() -> str:
    ctx = build_context(sample_inputs())
    lines = [HEADER.rstrip("\n")]
    for key, value in ctx.items():
        lines.append(f"| **{key}** | {_kind(value)} | {SECTIONS.get(key, '')} |")
        for path, kind, example in list(walk(value, key))[1:]:
            lines.append(f"| `{path}` | {kind} | {example} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    return generated_doc_main(describe_context, argv)


if __name__ == "__main__":
    raise SystemExit(main())
