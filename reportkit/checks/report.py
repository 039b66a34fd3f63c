"""The coordinator's outputs of a validation run: one table of every finding
(``审核结果.xlsx``), the same as JSON, and the annotated copies for the units."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from xlsxwriter.workbook import Workbook

from ..fileio import json_writer, write_via_temp
from ..intake.types import STATE_LABELS, ReturnData
from ..sheettext import new_xlsx
from .feedback import feedback_name, status_label, write_feedback
from .run import ValidationRun

SUMMARY_NAME = "审核结果.xlsx"
JSON_NAME = "审核结果.json"
FEEDBACK_DIR = "反馈"
FINDING_HEADERS = ("单位编码", "单位名称", "文件", "工作表", "单元格", "指标/任务", "年份", "审核类别", "状态",
                   "代码", "问题", "修改建议", "说明", "是否采用")
UNIT_HEADERS = ("单位编码", "单位名称", "文件数", "强制性", "核实性", "其中已说明", "提示性", "审核结论")


@dataclass
class ValidationOutputs:
    summary: Path
    json: Path
    feedback: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"summary": str(self.summary), "json": str(self.json), "feedback": [str(p) for p in self.feedback]}


def write_outputs(run: ValidationRun, out_dir: Path) -> ValidationOutputs:
    """Write 审核结果.xlsx, 审核结果.json and 反馈/*-审核意见.xlsx into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = out_dir / SUMMARY_NAME
    write_via_temp(summary, lambda tmp: write_summary(run, tmp))
    json_path = out_dir / JSON_NAME
    write_via_temp(json_path, json_writer(run.to_dict, ensure_ascii=False, indent=2, default=str))
    outputs = ValidationOutputs(summary, json_path)
    used: set[str] = set()
    clean: set[str] = set()
    for data in run.active:
        if data.findings:
            outputs.feedback.append(write_feedback(data, out_dir / FEEDBACK_DIR, _unique(feedback_name(data), used)))
        else:
            clean.add(feedback_name(data))
    for name in clean - used:  # an earlier return's feedback must not outlive the clean return replacing it
        (out_dir / FEEDBACK_DIR / name).unlink(missing_ok=True)
    return outputs


def _unique(name: str, used: set[str]) -> str:
    stem, n = name.removesuffix(".xlsx"), 2
    while name in used:
        name, n = f"{stem}（{n}）.xlsx", n + 1
    used.add(name)
    return name


def write_summary(run: ValidationRun, path: Path | IO[bytes]) -> None:
    wb = new_xlsx(path)
    try:
        head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        _findings_sheet(wb, run, head, wrap)
        _units_sheet(wb, run, head)
    finally:
        wb.close()


def finding_rows(run: ValidationRun) -> list[list[Any]]:
    rows = []
    for data in run.returns:
        unit = data.unit or ""
        name = run.units.get(unit, data.meta.unit_name if data.meta else "")
        used = "否（重复报送，未采用）" if data.superseded_by else "是"
        for f in data.findings:
            loc = f.location
            rows.append([unit, name, Path(data.path).name, loc.sheet or "", loc.cell or "", loc.indicator or "",
                         loc.year or "", f.severity.label, status_label(f), f.code, f.message, f.hint,
                         f.explanation, used])
    return rows


def _findings_sheet(wb: Workbook, run: ValidationRun, head: Any, wrap: Any) -> None:
    ws = wb.add_worksheet("审核结果")
    widths = (10, 16, 28, 10, 8, 10, 6, 8, 12, 22, 60, 44, 30, 12)
    for c, (h, w) in enumerate(zip(FINDING_HEADERS, widths, strict=True)):
        ws.write_string(0, c, h, head)
        ws.set_column(c, c, w, wrap if w >= 30 else None)
    rows = finding_rows(run)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            if isinstance(v, int):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), len(FINDING_HEADERS) - 1)


def _units_sheet(wb: Workbook, run: ValidationRun, head: Any) -> None:
    ws = wb.add_worksheet("按单位汇总")
    for c, h in enumerate(UNIT_HEADERS):
        ws.write_string(0, c, h, head)
        ws.set_column(c, c, 18 if c == 1 else 10)
    r = 1
    for row in run.counts_by_unit().values():
        values = [row["unit"], row["unit_name"], row["files"], row["error"], row["warning"], row["accepted"],
                  row["info"], STATE_LABELS.get(row["state"], row["state"])]
        _write_row(ws, r, values)
        r += 1
    for code in run.missing_units:
        _write_row(ws, r, [code, run.units[code], 0, "", "", "", "", "未报送"])
        r += 1
    ws.freeze_panes(1, 0)


def _write_row(ws: Any, r: int, values: list[Any]) -> None:
    for c, v in enumerate(values):
        if isinstance(v, int):
            ws.write_number(r, c, v)
        else:
            ws.write_string(r, c, str(v))


def state_label(data: ReturnData) -> str:
    return STATE_LABELS.get(data.state, data.state)
