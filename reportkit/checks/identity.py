"""Can the file be read, is it a reportkit form, of this plan, from current definitions?"""

from __future__ import annotations

from ..definitions.rounds import period_round_label
from ..findings import Severity, register
from ..forms import layout as L
from ..forms.meta import period_of
from ..forms.rows import form_codes
from ..intake.extent import MAX_COLS, MAX_ROWS
from ..intake.form import norm
from ..intake.sniff import FileKind
from ..intake.workbook import WorkbookData
from .context import CheckContext

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

register("file.empty", E, "空文件", "文件为空（0 字节），无法读取。",
         "请重新从 Excel/WPS 保存填报表后再发送，注意邮件附件是否完整下载。")
register("file.not-spreadsheet", E, "不是电子表格", "文件内容不是 Excel 工作簿（可能是网页、文本或其他格式被改了扩展名）。",
         "请在 Excel 或 WPS 中打开原填报表，另存为“Excel 工作簿（*.xlsx）”后重新报送。")
register("file.corrupt", E, "文件已损坏", "文件已损坏，无法打开（{detail}）。",
         "请重新保存并发送；若为邮件附件，请确认下载完整。")
register("file.encrypted", E, "文件已加密", "工作簿设置了打开密码，无法读取。",
         "请在 Excel/WPS 中取消“用密码进行加密”（文件→信息→保护工作簿）后重新报送。")
register("file.too-large", E, "文件过大", "文件过大（{detail}），不像是填报表，未读取。",
         "填报表通常不足 1 MB。请确认没有在表中粘贴大量图片或数据，用下发的填报表重新填写后报送。")
register("file.unreadable", E, "无法读取文件", "无法读取文件：{detail}。", "请检查文件是否存在且有读取权限。")
register("file.link", E, "文件是链接", "这是指向“{detail}”的链接（快捷方式），不是文件本身，未读取。",
         "请把填报表文件本身放入回收目录，而不是链接。")
register("file.folder-link", E, "文件夹链接", "这是指向文件夹“{detail}”的链接（快捷方式），未进入读取，其中的文件没有登记。",
         "如需报送其中的填报表，请把文件本身复制到回收目录，并删除这个链接。")
register("file.broken-link", E, "链接已失效", "这是指向“{detail}”的链接，但目标文件不存在，未读取。",
         "请把填报表文件本身放入回收目录，并删除失效的链接。")
register("file.legacy-format", INFO, "旧版格式", "文件为旧版 Excel（.xls）或 WPS（.et）格式，已按内容读取。",
         "今后请直接在下发的 .xlsx 填报表中填写并保存为 .xlsx。")
register("sheet.far-cells", W, "表格范围外有内容",
         "工作表“{sheet}”在远离表格的 {cell} 单元格处还有内容，超出填报表的读取范围"
         "（{max_rows} 行 × {max_cols} 列），这些内容未读取。",
         "请删除表格以外误输入的内容（按 Ctrl+End 可定位到最后一个单元格）后重新报送。")
register("file.macros", W, "含有宏", "工作簿中含有宏代码，宏不会被运行，只读取单元格中保存的内容。",
         "请另存为不含宏的“Excel 工作簿（*.xlsx）”后重新报送。")
register("file.external-links", W, "含外部链接", "工作簿中有 {count} 个指向其他文件的外部链接{dde}，链接不会被更新，"
         "数值来自外部链接的单元格不予采用。",
         "请将引用其他文件的公式改为数值（复制→选择性粘贴→数值）后重新报送。")
register("file.links-unchecked", W, "外部链接未能检查", "未能确认工作簿中的公式是否引用了其他文件或程序（{detail}），"
         "各单元格按保存的数值读取。",
         "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿（*.xlsx）”后重新报送。")
register("file.no-visible-sheet", W, "没有可见的工作表", "工作簿中所有工作表都被隐藏，打开时看不到任何内容，表格可能被改动过。",
         "请使用下发的填报表填写，不要隐藏工作表。")
register("form.not-a-form", E, "不是填报表", "文件是电子表格，但不是本系统下发的填报表（找不到表样标识信息）。",
         "请使用下发的填报表填写，不要复制到新建的工作簿中。")
register("form.other-plan", E, "其他规划的填报表", "该填报表属于规划“{other}”（编号 {plan_id}），不是本次的“{plan}”。",
         "请确认报送的是本次下发的填报表。")
register("form.other-period", E, "其他期次的填报表",
         "该填报表是本规划{period}的填报表，本次为{current}，其中的数据不作为本期数据使用。",
         "请使用本期下发的填报表填写；如为补报往期数据，请与牵头部门联系。")
register("form.unknown-unit", E, "未知填报单位", "填报表中的填报单位编码“{unit}”不在本规划的填报单位中。",
         "请使用本单位的填报表；如单位有调整，请联系牵头部门重新下发。")
register("form.outdated", W, "表样已过期",
         "填报表根据旧版指标定义生成（表样版本 {version}），此后有变化：{changes}。",
         "请使用最新下发的填报表重新填写；已填数据仍按编码读取，变化的指标请重点核对。")
register("form.version", W, "表样版本不同", "填报表版式版本为 {version}，当前为 {current}。",
         "请使用最新下发的填报表重新填写。")
register("form.identity-conflict", E, "标识信息不一致",
         "填报表标识的填报单位为“{unit_name}”（{unit}），但{evidence}。标识信息可能被改动过，本表数据可能不属于该单位。",
         "请使用本单位下发的原表填写，不要修改隐藏的标识信息；如确属本单位数据，请与牵头部门联系。")
register("form.unit-name-differs", INFO, "单位名称与规划不同",
         "填报表标识中的单位名称为“{claimed}”，本规划中编码 {unit} 的单位为“{name}”，以规划为准。",
         "如单位名称有调整，请以规划定义为准；今后请使用最新下发的填报表。")
register("form.meta-sheet-missing", INFO, "标识表被删除",
         "填报表中隐藏的标识表已被删除，已按文件属性识别为“{unit_name}”的填报表，锁定内容按当前规划核对。",
         "今后请直接在下发的填报表中填写，不要删除或复制工作表。")
register("sheet.renamed", INFO, "工作表被改名", "工作表“{expected}”被改名为“{actual}”，已按表头识别。",
         "请不要修改工作表名称。")
register("sheet.missing", E, "缺少工作表", "找不到“{expected}”工作表（按表头“{header}”也未找到），其中内容无法读取。",
         "请使用下发的填报表，不要删除工作表或其表头。")

_FILE_CODES = {
    FileKind.EMPTY.value: "file.empty",
    FileKind.NOT_SPREADSHEET.value: "file.not-spreadsheet",
    FileKind.CORRUPT.value: "file.corrupt",
    FileKind.ENCRYPTED.value: "file.encrypted",
    FileKind.TOO_LARGE.value: "file.too-large",
    "unreadable": "file.unreadable",
    "link": "file.link",
    "broken-link": "file.broken-link",
    "folder-link": "file.folder-link",
}


def check_readable(ctx: CheckContext) -> None:
    problem = ctx.content.problem
    if problem:
        ctx.add(_FILE_CODES.get(problem, "file.corrupt"), detail=_short(ctx.content.detail) or "格式无法识别")
        ctx.stop = True
    elif ctx.content.kind is FileKind.LEGACY:
        ctx.add("file.legacy-format")
    wb = ctx.content.workbook
    if wb is not None:
        _workbook_features(ctx, wb)
    for e in wb.clipped if wb else []:
        ctx.add("sheet.far-cells", ctx.loc(sheet=e.sheet, cell=e.far_cell), sheet=e.sheet, cell=e.far_cell,
                max_rows=MAX_ROWS, max_cols=MAX_COLS)


def _workbook_features(ctx: CheckContext, wb: WorkbookData) -> None:
    """What a workbook holds besides cells: noted, never run or followed."""
    if wb.macros:
        ctx.add("file.macros")
    if wb.external_links:
        ctx.add("file.external-links", count=wb.external_links, dde="（其中有 DDE 链接，可调用其他程序）" if wb.dde else "")
    if wb.links_unchecked:
        ctx.add("file.links-unchecked", detail=wb.links_unchecked)
    if wb.sheets and not wb.visible_sheets:
        ctx.add("file.no-visible-sheet")


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def check_is_form(ctx: CheckContext) -> None:
    if ctx.content.meta is None:
        ctx.add("form.not-a-form")
        ctx.stop = True


def check_plan(ctx: CheckContext) -> None:
    meta, info = ctx.content.meta, ctx.plan.info
    assert meta is not None
    if meta.get("plan_id") != info.id:
        ctx.add("form.other-plan", other=meta.get("plan_name") or meta.get("plan_id"),
                plan_id=meta.get("plan_id"), plan=info.name)
        ctx.stop = True
    elif meta.get("period") and meta.get("period") != period_of(ctx.plan):
        ctx.add("form.other-period", period=period_text(meta.get("period")),
                current=period_text(period_of(ctx.plan)), value=meta.get("period"))
        ctx.stop = True
    elif ctx.plan.unit(meta.get("unit")) is None:
        ctx.add("form.unknown-unit", unit=meta.get("unit"))
        ctx.stop = True


def period_text(period: str) -> str:
    """``2023-中期评估`` as a person says it: ``“2023年中期评估”``."""
    return f"“{period_round_label(period)}”"


def check_fingerprint(ctx: CheckContext) -> None:
    meta = ctx.content.meta
    assert meta is not None
    if meta.get("form_version") and meta.get("form_version") != L.FORM_VERSION:
        ctx.add("form.version", version=meta.get("form_version"), current=L.FORM_VERSION)
    if not meta.get("fingerprint") or meta.get("fingerprint") == ctx.plan.fingerprint():
        return
    changes = describe_changes(ctx, meta.fingerprint_parts, ctx.plan.fingerprint_parts())
    ctx.add("form.outdated", version=meta.get("generated_at") or meta.get("fingerprint"), changes=changes)


def describe_changes(ctx: CheckContext, old: dict[str, str], new: dict[str, str]) -> str:
    unit = ctx.unit or ""
    relevant = set(ctx.specs) | {t.code for t in ctx.plan.tasks_for(unit)} | set(old) - {"@plan"}
    changed = sorted(c for c in relevant if c in old and c in new and old[c] != new[c])
    added = sorted(c for c in relevant if c in new and c not in old and c != "@plan")
    removed = sorted(c for c in old if c not in new and c != "@plan")
    parts = []
    if old.get("@plan") and old.get("@plan") != new.get("@plan"):
        parts.append("规划基本信息有调整")
    if changed:
        parts.append("定义有修改的：" + _names(ctx, changed))
    if added:
        parts.append("新增：" + _names(ctx, added))
    if removed:
        parts.append("已删除：" + "、".join(removed))
    return "；".join(parts) or "定义有调整（旧表未记录逐项指纹）"


def _names(ctx: CheckContext, codes: list[str]) -> str:
    out = []
    for c in codes[:12]:
        x = ctx.plan.indicator(c) or ctx.plan.item(c)
        task = next((t for t in ctx.plan.tasks if t.code == c), None)
        name = x.name if x else (task.title if task else "")
        out.append(f"{c} {name}".strip())
    more = f" 等 {len(codes)} 项" if len(codes) > 12 else ""
    return "、".join(out) + more


def check_sheets(ctx: CheckContext) -> None:
    sheets = ctx.content.sheets
    for expected, actual in sheets.renamed.items():
        ctx.add("sheet.renamed", ctx.loc(sheet=actual), expected=expected, actual=actual)
    if sheets.indicators is None and ctx.specs:
        ctx.add("sheet.missing", ctx.loc(sheet=L.SHEET_INDICATORS), expected=L.SHEET_INDICATORS,
                header=L.CODE_HEADER)
    if sheets.tasks is None and ctx.plan.tasks_for(ctx.unit or ""):
        ctx.add("sheet.missing", ctx.loc(sheet=L.SHEET_TASKS), expected=L.SHEET_TASKS,
                header=L.TASK_CODE_HEADER)
    if sheets.narrative is None:
        ctx.add("sheet.missing", ctx.loc(sheet=L.SHEET_NARRATIVE), severity=W,
                expected=L.SHEET_NARRATIVE, header=L.NARRATIVE_FIELDS[0][1])


def check_identity(ctx: CheckContext) -> None:
    """Does everything that names the unit agree with the metadata? Districts' forms have the
    same rows, so a form whose metadata was edited to another unit is told apart only by
    what the edit missed: the document properties, the row list, the sheet title."""
    meta = ctx.content.meta
    assert meta is not None
    unit = meta.get("unit")
    name = ctx.plan.unit_name(unit)
    if meta.source == "properties":
        ctx.add("form.meta-sheet-missing", unit_name=name)
    evidence = (_property_conflicts(ctx) + _name_conflict(ctx, unit, name) + _rows_conflict(ctx)
                + _title_conflict(ctx, name))
    if evidence:
        ctx.add("form.identity-conflict", unit=unit, unit_name=name, evidence="；".join(evidence))


def _name_conflict(ctx: CheckContext, unit: str, name: str) -> list[str]:
    """The unit name stored in the form is never shown (names come from the plan); naming another
    unit of the plan is evidence of an edit, any other difference only a note."""
    meta = ctx.content.meta
    claimed = meta.get("unit_name") if meta else ""
    if not claimed or not name or norm(claimed) == norm(name):
        return []
    other = next((u for u in ctx.plan.units if u.code != unit and norm(u.name) == norm(claimed)), None)
    if other is not None:
        return [f"标识中的单位名称为另一单位“{other.name}”（{other.code}）"]
    ctx.add("form.unit-name-differs", unit=unit, claimed=claimed, name=name)
    return []


_PROPERTY_LABELS = {"plan_id": "规划编号", "fingerprint": "指标定义指纹", "form_version": "表样版本",
                    "unit": "填报单位", "period": "填报期"}


def _property_conflicts(ctx: CheckContext) -> list[str]:
    meta = ctx.content.meta
    wb = ctx.content.workbook
    if meta is None or meta.source != "sheet" or wb is None:
        return []
    out = []
    for key in L.DOC_PROPERTIES:
        prop = wb.doc_properties.get(L.DOC_PROPERTY_PREFIX + key, "").strip()
        if prop and meta.get(key) and prop != meta.get(key):
            shown = f"“{ctx.plan.unit_name(prop)}”（{prop}）" if key == "unit" else f"“{prop}”"
            out.append(f"文件属性中的{_PROPERTY_LABELS.get(key, key)}为{shown}")
    return out


def _rows_conflict(ctx: CheckContext) -> list[str]:
    """A form made from the current definitions lists exactly the unit's rows, in form order."""
    meta = ctx.content.meta
    if meta is None or not meta.rows or meta.get("fingerprint") != ctx.plan.fingerprint():
        return []
    if meta.rows != form_codes(ctx.plan, meta.get("unit")):
        return ["标识中记录的指标行与该单位应填报的指标不一致"]
    return []


def _title_conflict(ctx: CheckContext, name: str) -> list[str]:
    """The title rows above the 指标数据 header name the unit the form was made for."""
    table = ctx.content.sheets.indicators
    if table is None or not name:
        return []
    title = "".join(norm(c) for r in table.sheet.grid[:table.header_row] for c in r)
    if not title or norm(name) in title:
        return []
    others = [u.name for u in ctx.plan.units if u.name and norm(u.name) in title]
    return [f"“{table.sheet.name}”表的标题写的是“{others[0]}”"] if others else []
