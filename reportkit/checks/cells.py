"""Each input cell as typed: numbers as text, full-width digits, units, percent scale,
no-data marks, blanks, dates, formulas without a cached value, merged cells.

The reading rules, stated in the messages too:
- a number written as text (with spaces, thousands separators or full-width digits) is
  read as that number and noted (提示性);
- in a percent cell the value is the number of percent: ``98.5`` and ``98.5%`` both mean
  98.5%. A value between 0 and 1 (how Excel stores a typed ``98.5%``) is read as a
  fraction and multiplied by 100 when the row's reference level (the previous year, the
  baseline or the target) is at least 10, and flagged for confirmation (核实性);
- a unit typed after the number is accepted when it is the row's unit, else an error;
- ``—`` ``/`` ``无`` ``不适用`` mean "no data" and need a 说明;
- the baseline-year column (the unit's own baseline value) may stay blank: that is no
  error, only one note per return that the unit's progress cannot be judged there.
"""

from __future__ import annotations

from ..findings import Severity, register
from ..forms.layout import year_header
from ..intake.external import EXTERNAL_REFERENCE
from ..intake.rows import IndicatorRow, InputCell
from ..intake.types import Observation, make_observation, make_row_note
from ..intake.values import NO_DATA_MARKS, ParsedValue, ValueKind, format_number, parse_input, same_unit
from .context import CheckContext, RowSpec

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
MAX_LISTED = 20  # codes named in the baseline note before "等 n 行"

register("value.text-number", INFO, "数字存为文本", "“{value}”是文本格式的数字{how}，已按 {number} 读取。",
         "请在单元格中直接填写数字。")
register("value.fullwidth", INFO, "全角字符", "“{value}”含全角数字或符号，已按 {number} 读取。",
         "请使用半角（英文输入法）数字和小数点。")
register("value.with-unit", INFO, "数值后带单位", "“{value}”在数字后写了单位“{typed}”，本行单位为“{unit}”，已按 {number} 读取。",
         "单元格中只填数字，单位见“单位”列。")
register("value.unit-mismatch", E, "单位不一致", "“{value}”写的单位“{typed}”与本行单位“{unit}”不一致，未采用。",
         "请换算为“{unit}”后只填写数字。")
register("value.percent-scale", W, "百分数写法", "“{value}”按小数读取为 {number}%（本行为百分比，参考水平 {reference}%）。",
         "百分比指标请直接填写百分数的数值，如 98.5 表示 98.5%；如确为 {value}%，请在“说明”中注明。")
register("value.not-a-number", E, "不是数值", "“{value}”不是数值，未采用。",
         "请只填写数字（如 98.5）；无数据时填“—”并在“说明”中写明原因。")
register("value.too-large", E, "数值超出可处理范围", "“{value}”超出可处理的数值范围（绝对值应小于 10 的 15 次方），未采用。",
         "请检查是否多输了数字或误用了科学计数法，填写实际数值。")
register("value.no-data", W, "标记为无数据", "{year}年填写了“{value}”（无数据）。",
         "无数据须在本行“说明”中写明原因；有数据请填写数字。")
register("value.missing", E, "未填写", "{year}年数据未填写。",
         "请填写数字；确无数据时填“—”并在“说明”中写明原因。")
register("value.formula-no-cache", E, "公式无计算结果",
         "单元格为公式“{formula}”，但没有保存计算结果（读到 {value}），无法确认数值。",
         "请将公式改为数值（复制→选择性粘贴→数值），或在 Excel/WPS 中重新计算后保存。")
register("value.error-value", E, "错误值", "单元格显示错误值“{value}”{source}，没有可用的数值。",
         "请检查公式（如除数为零、引用的行列已删除、引用了其他工作表或文件），或改为直接填写数值。")
register("value.external-link", E, "引用外部数据", "单元格为公式“{formula}”，数值取自其他文件或程序（外部链接/DDE），无法核实，未采用。",
         "请将公式改为本单位核实过的数值（复制→选择性粘贴→数值）后重新报送。")
register("value.date", E, "日期格式", "单元格是日期（{value}），不是数值。",
         "请将单元格格式改为“常规”或“数值”后重新填写数字。")
register("value.baseline-missing", INFO, "未填写基期值",
         "未填写 {year} 年基期值的行：{codes}。基期值用于评估本单位的完成进度，这些行将无法评估本单位进度。",
         "如掌握本单位 {year} 年的数据，请在“{header}”列补填；确实无法取得的可以不填。")
register("cell.merged", E, "合并了输入单元格", "输入单元格被合并（{range}），合并区域内其余年份的数据无法读取。",
         "请取消合并单元格，逐年分别填写。")


def check_cells(ctx: CheckContext) -> None:
    table = ctx.content.indicators
    if table is None:
        return
    years = report_years(ctx)
    prefilled = ctx.prefilled
    unit = ctx.unit or ""
    observations = ctx.observations
    done: set[str] = set()
    no_baseline: list[str] = []
    for row in table.rows:
        code = row.code
        spec = ctx.specs.get(code)
        if spec is None or code in done:
            continue
        done.add(code)
        ctx.notes[code] = make_row_note(unit, code, row.data_source, row.explanation, row.explanation_address)
        previous: float | None = spec.baseline if spec.sole_reporter else None
        base_year = _base_year(ctx, code)
        for year in years:
            cell = row.cells.get(year)
            locked = (code, year) in prefilled
            if year <= base_year and _optional_blank(cell, locked):
                if year == base_year:
                    no_baseline.append(code)
                observations.append(_blank(ctx, spec, cell, year))
                continue
            obs = _check_cell(ctx, spec, row, cell, year, locked, previous)
            if obs is not None:
                observations.append(obs)
                previous = obs.value if obs.value is not None else previous
    _baseline_note(ctx, no_baseline)


def report_years(ctx: CheckContext) -> list[int]:
    """The year columns to read: as the form's metadata lists them (a form made before the
    baseline-year column existed lists only the reported years, and is read as such)."""
    meta_years = ctx.content.meta.years if ctx.content.meta else ()
    if meta_years:
        return list(meta_years)
    table = ctx.content.indicators
    present = table.table.year_columns if table is not None else {}
    form_years = ctx.plan.form_years
    return [y for y in form_years if y in present] or list(ctx.plan.info.years)


def _base_year(ctx: CheckContext, code: str) -> int:
    """The row's baseline year: an indicator's own (2019 in a 2020 plan), else the plan's.
    Cells up to it may be left blank; an earlier column belongs to another indicator's years."""
    ind = ctx.plan.indicator(code)
    return ctx.plan.base_year(ind) if ind is not None else ctx.plan.info.baseline_year


def _optional_blank(cell: InputCell | None, prefilled: bool) -> bool:
    """A baseline-year cell the unit left blank (or marked no-data): allowed, not an error."""
    if prefilled:
        return False
    if cell is None:
        return True
    if cell.formula or cell.merged:
        return False  # judged like any other cell
    return parse_input(cell.raw).kind in (ValueKind.BLANK, ValueKind.NO_DATA)


def _blank(ctx: CheckContext, spec: RowSpec, cell: InputCell | None, year: int) -> Observation:
    if cell is None:
        return make_observation(ctx.unit or "", spec.code, year, None, "", "", False, False)
    parsed = parse_input(cell.raw)
    return make_observation(ctx.unit or "", spec.code, year, None, parsed.raw, cell.address,
                            parsed.kind is ValueKind.NO_DATA, False)


def _baseline_note(ctx: CheckContext, codes: list[str]) -> None:
    """At most one note per return: which rows have no baseline-year value."""
    if not codes:
        return
    year = ctx.plan.info.baseline_year
    shown = "、".join(codes[:MAX_LISTED]) + (f" 等 {len(codes)} 行" if len(codes) > MAX_LISTED else "")
    ctx.add("value.baseline-missing", ctx.loc(sheet=ctx.indicator_sheet, year=year), year=year, codes=shown,
            header=year_header(year))


def _check_cell(ctx: CheckContext, spec: RowSpec, row: IndicatorRow, cell: InputCell | None, year: int,
                prefilled: bool, previous: float | None) -> Observation | None:
    unit = ctx.unit or ""
    if cell is None:
        return Observation(unit, spec.code, year, None, prefilled=prefilled)
    parsed = parse_input(cell.raw)
    if parsed.kind is ValueKind.NUMBER and not (parsed.as_text or cell.merged or cell.formula or parsed.unit
                                                  or parsed.percent_sign or spec.percent):
        # the usual cell (a number typed as a number into a plain row): nothing to say about it
        return make_observation(unit, spec.code, year, parsed.value, parsed.raw, cell.address, False, prefilled)
    loc = ctx.cell_loc(cell.address, spec.code, year)
    if cell.merged:
        _merged(ctx, loc, cell)
        if not cell.merged.startswith(cell.address + ":"):
            return Observation(unit, spec.code, year, None, "", cell.address, prefilled=prefilled)
    if cell.formula and EXTERNAL_REFERENCE.search(cell.formula):
        ctx.add("value.external-link", loc, value=parsed.raw, formula=cell.formula)
        return Observation(unit, spec.code, year, None, parsed.raw, cell.address, prefilled=prefilled)
    if cell.formula and (parsed.kind is ValueKind.BLANK or (parsed.value == 0 and not _computed(ctx))):
        ctx.add("value.formula-no-cache", loc, value=parsed.raw or "空", formula=cell.formula)
        return Observation(unit, spec.code, year, None, parsed.raw, cell.address, prefilled=prefilled)
    value = _judge(ctx, loc, spec, parsed, year, previous, cell.formula)
    no_data = parsed.kind is ValueKind.NO_DATA
    return Observation(unit, spec.code, year, value, parsed.raw, cell.address, no_data, prefilled)


def _computed(ctx: CheckContext) -> bool:
    """Were formula results stored by a spreadsheet application (so a stored 0 is a real 0)?"""
    wb = ctx.content.workbook
    return wb is not None and wb.computed


def _merged(ctx: CheckContext, loc, cell: InputCell) -> None:  # noqa: ANN001
    """One finding per merged range, however many input cells it covers."""
    if not any(f.code == "cell.merged" and f.value == cell.merged for f in ctx.findings):
        ctx.add("cell.merged", loc, value=cell.merged, range=cell.merged)


def _judge(ctx: CheckContext, loc, spec: RowSpec, parsed: ParsedValue, year: int,  # noqa: ANN001
           previous: float | None, formula: str | None = None) -> float | None:
    kind = parsed.kind
    if kind is ValueKind.BLANK:
        ctx.add("value.missing", loc, year=year)
        return None
    if kind is ValueKind.NO_DATA:
        ctx.add("value.no-data", loc, value=parsed.raw.strip(), year=year)
        return None
    if kind is ValueKind.ERROR:
        ctx.add("value.error-value", loc, value=parsed.raw.strip(), source=f"（公式“{formula}”）" if formula else "")
        return None
    if kind is ValueKind.DATE:
        ctx.add("value.date", loc, value=parsed.raw)
        return None
    if kind is ValueKind.INVALID:
        ctx.add("value.not-a-number", loc, value=parsed.raw)
        return None
    if kind is ValueKind.OUT_OF_RANGE:
        ctx.add("value.too-large", loc, value=parsed.raw.strip())
        return None
    return _number(ctx, loc, spec, parsed, previous)


def _number(ctx: CheckContext, loc, spec: RowSpec, parsed: ParsedValue,  # noqa: ANN001
            previous: float | None) -> float | None:
    value = parsed.value
    assert value is not None
    if parsed.unit and not same_unit(parsed.unit, spec.unit):
        ctx.add("value.unit-mismatch", loc, value=parsed.raw.strip(), typed=parsed.unit, unit=spec.unit or "无")
        return None
    if parsed.percent_sign and not spec.percent:
        ctx.add("value.unit-mismatch", loc, value=parsed.raw.strip(), typed="%", unit=spec.unit or "无")
        return None
    _notes(ctx, loc, spec, parsed)
    if spec.percent and not parsed.percent_sign:
        value = _percent_scale(ctx, loc, spec, parsed, value, previous)
    return value


def _notes(ctx: CheckContext, loc, spec: RowSpec, parsed: ParsedValue) -> None:  # noqa: ANN001
    if not (parsed.unit or parsed.fullwidth or parsed.as_text):
        return
    number = format_number(parsed.value or 0.0)
    text = parsed.raw.strip()
    if parsed.unit:
        ctx.add("value.with-unit", loc, value=text, typed=parsed.unit, unit=spec.unit, number=number)
    elif parsed.fullwidth:
        ctx.add("value.fullwidth", loc, value=text, number=number)
    else:
        ctx.add("value.text-number", loc, value=parsed.raw, number=number, how=_how(parsed))


def _how(parsed: ParsedValue) -> str:
    bits = []
    if parsed.spaces:
        bits.append("前后有空格")
    if parsed.thousands:
        bits.append("带千位分隔符")
    if parsed.percent_sign:
        bits.append("带百分号")
    return "（" + "、".join(bits) + "）" if bits else ""


def _percent_scale(ctx: CheckContext, loc, spec: RowSpec, parsed: ParsedValue, value: float,  # noqa: ANN001
                   previous: float | None) -> float:
    if not 0 < abs(value) <= 1:
        return value
    refs = [abs(x) for x in (previous, spec.baseline, spec.target) if x]
    reference = refs[0] if refs else None
    if reference is None or reference < 10:
        return value
    scaled = round(value * 100, 10)
    ctx.add("value.percent-scale", loc, value=parsed.raw.strip(), number=format_number(scaled),
            reference=format_number(reference))
    return scaled


def is_explanation(text: str) -> bool:
    """Does a 说明 cell actually explain something (not blank, not just a no-data mark)?"""
    t = text.strip()
    return bool(t) and t.lower() not in NO_DATA_MARKS and t not in {"0", "否", "没有"}
