"""Finding codes of ``reportkit plan import``."""

from __future__ import annotations

from ...findings import Severity, register

register("import.not-found", Severity.ERROR, "找不到规划文件", "找不到要导入的规划文件：{file}", "检查文件路径")
register("import.unsupported", Severity.ERROR, "不支持的文件类型", "不支持导入“{suffix}”类型的文件（{file}）",
         "请使用 .docx、带文字的 .pdf、.html/.htm 网页或 .txt 文本；.doc 文件请先在 Word/WPS 中另存为 .docx")
register("import.corrupt", Severity.ERROR, "文件已损坏", "无法读取 {file}：文件已损坏或不是所标示的格式（{reason}）",
         "重新下载或另存规划文件后再导入")
register("import.encrypted", Severity.ERROR, "文件已加密", "{file} 设有打开密码，无法读取",
         "在 Word/WPS 或 PDF 阅读器中取消密码后另存，再导入")
register("import.no-text", Severity.ERROR, "PDF 没有文字层", "{file} 共 {pages} 页，没有可读取的文字，可能是扫描件",
         "请改用规划的 Word 版或网页版，或先对 PDF 做文字识别（OCR）后再导入")
register("import.no-indicator-table", Severity.WARNING, "没有找到主要指标表",
         "{file} 中没有找到主要指标表（需有“序号”“指标名称/主要指标”和“基期值/目标值”或年份表头），只导入了规划信息和重点任务",
         "在“指标”工作表中按规划原文手工填写指标；若规划的指标表是图片，请对照原文录入")
register("import.nothing-found", Severity.ERROR, "没有可导入的内容",
         "{file} 中既没有找到主要指标表，也没有找到可作为重点任务的章节", "确认文件是规划正文，而不是通知或附件目录")
register("import.row-unread", Severity.WARNING, "指标表中有一行无法识别",
         "{where}的一行无法识别，未导入：{text}", "对照规划原文，在“指标”工作表中手工补录这一行")
register("import.part-unread", Severity.WARNING, "部分内容无法读取", "{file} 的{part}无法读取，未导入",
         "对照规划原文核对这一部分")
register("import.cell-uncertain", Severity.WARNING, "导入值需核对", "指标 {code}“{name}”的{header}：{reason}",
         "对照规划原文在“指标”工作表中填写或确认")
register("import.not-stated", Severity.INFO, "规划未载明、需补填", "规划原文没有载明{what}，已留空",
         "在工作簿中补填后运行 reportkit plan check")
register("import.output-exists", Severity.ERROR, "输出文件已存在", "{file} 已存在，未覆盖",
         "用 --out 指定新的文件名，或先移走原文件")
