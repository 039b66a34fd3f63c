"""The layout of a return form: the contract between the form writer and intake.

Intake never relies on positions alone: it finds the header row by the text of
:data:`CODE_HEADER` (a unit may insert rows above it), finds columns by header text and
rows by the code in the code column. Positions here are where the writer puts things.
"""

from __future__ import annotations

FORM_VERSION = "1"  # bump when the layout below changes incompatibly

# sheet names ---------------------------------------------------------------
SHEET_INSTRUCTIONS = "填报说明"
SHEET_INDICATORS = "指标数据"
SHEET_TASKS = "重点任务"
SHEET_NARRATIVE = "总体情况"
SHEET_META = "_reportkit"  # very hidden
ALL_SHEETS = (SHEET_INSTRUCTIONS, SHEET_INDICATORS, SHEET_TASKS, SHEET_NARRATIVE, SHEET_META)

# 指标数据 -------------------------------------------------------------------
INDICATOR_HEADER_ROW = 3  # 1-based row of the header in a fresh form (title rows above it)
CODE_HEADER = "编码"
ROW_KIND_HEADER = "类型"  # 指标 / 数据项
CATEGORY_HEADER = "类别"
NAME_HEADER = "名称"
UNIT_HEADER = "单位"
DEFINITION_HEADER = "口径"
BASELINE_HEADER = "基期值"
TARGET_HEADER = "目标值"
SOURCE_HEADER = "数据来源"
EXPLANATION_HEADER = "说明"
ROW_KIND_INDICATOR = "指标"
ROW_KIND_ITEM = "数据项"
FIXED_HEADERS = (CODE_HEADER, ROW_KIND_HEADER, CATEGORY_HEADER, NAME_HEADER, UNIT_HEADER,
                 DEFINITION_HEADER, BASELINE_HEADER, TARGET_HEADER)


# Year columns follow the fixed ones: the baseline year (each unit's own baseline value;
# pre-filled and locked where the plan baseline is the unit's own), then baseline+1 to the
# cut-off year. The metadata "years" lists them; a form made before the baseline-year
# column lists only the reported years and is read as it is.
def year_header(year: int) -> str:
    return f"{year}年"


def parse_year_header(text: object) -> int | None:
    s = str(text or "").strip().replace(" ", "")
    if s.endswith("年"):
        s = s[:-1]
    if s.endswith(".0"):
        s = s[:-2]
    return int(s) if s.isdigit() and len(s) == 4 else None


# 重点任务 -------------------------------------------------------------------
TASK_HEADER_ROW = 3
TASK_CODE_HEADER = "任务编码"
TASK_HEADERS = ("任务编码", "规划章节", "任务名称", "目标要求", "完成年限", "牵头单位",
                "进展情况", "完成状态", "存在问题", "下一步打算")
TASK_INPUT_HEADERS = ("进展情况", "完成状态", "存在问题", "下一步打算")
TASK_STATUSES = ("已完成", "按进度推进", "滞后", "未启动")

# 总体情况 -------------------------------------------------------------------
# label in column A, free text in column B; intake finds rows by label.
NARRATIVE_FIELDS = (
    ("achievements", "主要成效"),
    ("problems", "存在问题"),
    ("suggestions", "意见建议"),
    ("filled_by", "填报人"),
    ("phone", "联系电话"),
    ("filled_on", "填报日期"),
)

# metadata sheet: key in column A, value in column B ----------------------------
META_KEYS = (
    "plan_id", "plan_name", "fingerprint", "form_version", "unit", "unit_name", "period",
    "years", "generated_at", "reportkit_version",
    "fingerprint_parts",  # JSON {code: short hash}
    "rows",  # JSON [code, ...] in form order
    "locked",  # JSON {code: {"baseline": text, "target": text, "name": text}}
    "prefilled",  # JSON {"code|year": value}
)
DOC_PROPERTY_PREFIX = "reportkit."  # custom document properties: reportkit.plan_id, ...
DOC_PROPERTIES = ("plan_id", "fingerprint", "form_version", "unit", "period")

# additions (backwards compatible) ------------------------------------------------
# Metadata values stored as JSON text; every other value is plain text.
META_JSON_KEYS = ("years", "fingerprint_parts", "rows", "locked", "prefilled")
INDICATOR_FIRST_DATA_ROW = INDICATOR_HEADER_ROW + 1  # 1-based row of the first indicator/item
TASK_FIRST_DATA_ROW = TASK_HEADER_ROW + 1
NO_DATA_MARK = "—"  # what a unit types when a figure does not exist (plus a 说明)
SHEET_PASSWORD = ""  # sheets are protected without a password: protection prevents accidents,
# the fingerprint in the metadata detects tampering
