"""Sheet and column names of the definitions workbook (Chinese headers, English aliases).

This table is the one place that says which header means which field; the loader, the
writer (``reportkit init``) and the YAML loader all use it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # canonical Chinese header
    aliases: tuple[str, ...] = ()
    width: int = 12
    help: str = ""
    required: bool = False


@dataclass(frozen=True)
class SheetSpec:
    key: str  # YAML key
    title: str  # canonical Chinese sheet name
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]

    def names(self) -> tuple[str, ...]:
        return (self.title, self.key, *self.aliases)


PLAN_FIELDS: tuple[Column, ...] = (
    Column("id", "规划编号", ("id", "plan_id", "编号"), help="英文字母、数字或拼音，用于识别回收的填报表", required=True),
    Column("name", "规划名称", ("name", "名称"), required=True),
    Column("region", "地区", ("region", "行政区划")),
    Column("issuer", "印发机关", ("issuer", "发布机关", "印发单位")),
    Column("lead_agency", "牵头部门", ("lead_agency", "牵头单位", "组织单位")),
    Column("plan_type", "规划类型", ("plan_type", "文件类型", "类型"),
           help="规划 / 工作要点；工作要点只有一个年度（目标年），不填基期年，按报送期次逐轮督办"),
    Column("baseline_year", "基期年", ("baseline_year", "基期年份", "基准年"), help="工作要点不填（按上一年比较）",
           required=True),
    Column("target_year", "目标年", ("target_year", "规划期末年", "目标年份", "年度", "工作年度"), required=True),
    Column("round", "报送期次", ("round", "期次", "督办期次", "报送轮次"),
           help="一季度 / 上半年 / 前三季度 / 全年，或截止日期如 2020-09-30；填写后评估截止日期可不填"),
    Column("cutoff", "评估截止日期", ("cutoff", "评估截止", "截止日期"), help="如 2023-12-31；年中评估写 2023-06-30", required=True),
    Column("evaluation_kind", "评估类型", ("evaluation_kind", "评估类别"), help="年度监测 / 中期评估 / 总结评估"),
    Column("deadline", "填报截止日期", ("deadline", "报送截止日期", "报送时限")),
    Column("contact", "联系人及电话", ("contact", "联系人", "联系方式")),
    Column("form_version", "表样版本", ("form_version", "版本")),
    Column("tolerance", "进度容差", ("tolerance", "容差"), help="完成进度与时间进度相差在此百分点以内视为基本符合预期，默认 5"),
    Column("yoy_threshold", "同比变动阈值", ("yoy_threshold", "变动阈值"), help="同比变动超过此百分比需填写说明，默认 50"),
    Column("yoy_min_change", "同比最小变动量", ("yoy_min_change", "最小变动量"),
           help="件数、户数等整数指标同比变动不超过此数时不作同比检查（如 0→1、2→4），默认 3"),
    Column("partial_ok", "允许部分汇总", ("partial_ok",), help="是/否：部分单位未报时是否仍评估，默认 是"),
    Column("cumulative_brackets", "累计数括号", ("cumulative_brackets",), help="默认 〔〕 []"),
    Column("new_brackets", "新增数括号", ("new_brackets",), help="默认 〈〉 （） ()"),
    Column("note", "备注", ("note", "注")),
)

INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("code", "指标编码", ("code", "编码", "指标代码", "代码"), 10, "唯一，如 A01", True),
    Column("category", "类别", ("category", "指标类别", "领域"), 12),
    Column("name", "指标名称", ("name", "主要指标", "名称", "指标"), 34, "单位可写在名称括号内", True),
    Column("unit", "单位", ("unit", "计量单位"), 10),
    Column("baseline", "基期值", ("baseline", "基期", "基期数", "2020年"), 10, "按规划原文，如 〔1.89〕、≥95%、—"),
    Column("target", "目标值", ("target", "规划值", "规划目标", "目标", "2025年"), 10, "按规划原文，如 ≥99、〈5〉、≤2"),
    Column("attribute", "属性", ("attribute", "指标属性"), 8, "预期性 / 约束性"),
    Column("kind", "类型", ("kind", "指标类型"), 10, "水平值 / 累计值 / 期间新增 / 比率 / 里程碑"),
    Column("decimals", "小数位", ("decimals", "小数位数"), 7),
    Column("lower", "合理下限", ("lower", "下限", "min"), 9),
    Column("upper", "合理上限", ("upper", "上限", "max"), 9),
    Column("definition", "指标口径", ("definition", "口径", "指标解释", "统计口径"), 40),
    Column("lead_unit", "牵头单位", ("lead_unit", "牵头部门", "责任单位"), 16),
    Column("reporters", "填报单位", ("reporters", "填报范围"), 20, "单位编码或名称，用、分隔；“全部区县”表示所有区县"),
    Column("aggregation", "汇总方式", ("aggregation", "汇总", "合计方式"), 12, "求和 / 公式 / 平均 / 最大值 / 最小值 / 牵头单位填报"),
    Column("formula", "计算公式", ("formula", "公式"), 30, "用数据项名称，如 合格批次 / 抽检批次 * 100"),
    Column("direction", "方向", ("direction", "目标方向"), 8, "不填则按目标值的 ≥/≤ 或基期与目标比较确定"),
    Column("note", "备注", ("note", "说明"), 20),
    Column("baseline_year", "基期年", ("baseline_year", "指标基期年", "基期年份"), 8,
           "本指标自己的基期年，不填则为规划基期年；如规划写“到2024年……在2019年基础上翻一番”填 2019"),
    Column("target_year", "目标年", ("target_year", "指标目标年", "目标年份"), 8,
           "本指标自己的目标年，不填则为规划目标年；如“到2024年”填 2024"),
    Column("baseline_source", "基期值来源", ("baseline_source", "基期来源"), 10,
           "规划 / 填报汇总。规划未列基期值（—）时填“填报汇总”：按汇总方式合计各单位填报的基期年数值作为基期值"),
    Column("due", "完成时限", ("due", "时限", "截止时间"), 12,
           "里程碑指标的完成时限，如 2023年底前、2023年二季度、2023-06-30；不填则为目标年年底"),
    Column("parent", "上级指标", ("parent", "所属指标", "分指标of"), 10,
           "分指标填所属指标的编码，如“标准”下的“国家标准”填标准指标的编码"),
    Column("integer", "整数", ("integer", "是否整数"), 7,
           "是 / 否：填报值是否必须为整数；不填则按单位（件、户、个……）且规划数值均为整数时视为整数"),
)

ITEM_COLUMNS: tuple[Column, ...] = (
    Column("code", "数据项编码", ("code", "编码", "代码"), 10, required=True),
    Column("name", "数据项名称", ("name", "名称", "数据项"), 28, required=True),
    Column("unit", "单位", ("unit", "计量单位"), 10),
    Column("decimals", "小数位", ("decimals", "小数位数"), 7),
    Column("integer", "整数", ("integer", "是否整数"), 7, "是/否"),
    Column("lower", "合理下限", ("lower", "下限", "min"), 9),
    Column("upper", "合理上限", ("upper", "上限", "max"), 9),
    Column("definition", "口径", ("definition", "指标口径", "统计口径", "解释"), 40),
    Column("reporters", "填报单位", ("reporters", "填报范围"), 20),
    Column("aggregation", "汇总方式", ("aggregation", "汇总"), 10),
)

UNIT_COLUMNS: tuple[Column, ...] = (
    Column("code", "单位编码", ("code", "编码", "代码"), 12, required=True),
    Column("name", "单位名称", ("name", "名称", "单位"), 30, required=True),
    Column("type", "单位类型", ("type", "类型"), 10, "区县 / 部门"),
    Column("parent", "上级单位", ("parent", "上级"), 20),
    Column("contact", "联系人", ("contact", "联系方式"), 20),
)

TASK_COLUMNS: tuple[Column, ...] = (
    Column("code", "任务编码", ("code", "编码", "代码"), 10, required=True),
    Column("chapter", "规划章节", ("chapter", "章节", "章"), 30, required=True),
    Column("section", "小节", ("section", "节"), 26),
    Column("title", "任务名称", ("title", "任务", "名称", "项目名称"), 36, required=True),
    Column("kind", "任务类型", ("kind", "类型"), 10, "重点任务 / 专栏项目"),
    Column("milestone", "目标要求", ("milestone", "里程碑", "预期目标"), 40),
    Column("due_year", "完成年限", ("due_year", "完成年份", "时限", "完成时限"), 12,
           "如 2023、2023年底前、2023年二季度、2023-06-30；年度工作要点可只写“二季度”“年初”"),
    Column("lead_unit", "牵头单位", ("lead_unit", "牵头部门"), 16),
    Column("reporters", "填报单位", ("reporters", "责任单位", "配合单位"), 20),
)

RULE_COLUMNS: tuple[Column, ...] = (
    Column("code", "规则编码", ("code", "编码"), 10, required=True),
    Column("left", "左式", ("left", "左边"), 24, required=True),
    Column("operator", "运算符", ("operator", "比较"), 8, "<= < >= > == !=", True),
    Column("right", "右式", ("right", "右边"), 24, required=True),
    Column("severity", "审核类别", ("severity", "严重程度", "级别"), 10, "强制性 / 核实性 / 提示性"),
    Column("message", "提示信息", ("message", "说明", "信息"), 40),
)

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("plan", "规划信息", ("plan", "规划", "基本信息"), PLAN_FIELDS),
    SheetSpec("indicators", "指标", ("indicators", "主要指标", "指标表"), INDICATOR_COLUMNS),
    SheetSpec("items", "数据项", ("items", "data_items", "采集项"), ITEM_COLUMNS),
    SheetSpec("units", "填报单位", ("units", "单位"), UNIT_COLUMNS),
    SheetSpec("tasks", "重点任务", ("tasks", "任务", "重点任务和专栏项目"), TASK_COLUMNS),
    SheetSpec("rules", "校验规则", ("rules", "审核规则"), RULE_COLUMNS),
)

SHEET_BY_KEY = {s.key: s for s in SHEETS}


def header_map(columns: tuple[Column, ...]) -> dict[str, str]:
    """normalised header text → field."""
    out: dict[str, str] = {}
    for c in columns:
        for h in (c.header, c.field, *c.aliases):
            out.setdefault(norm_header(h), c.field)
    return out


def norm_header(text: object) -> str:
    s = str(text or "").strip().lower()
    for ch in " \t\r\n*＊:：()（）":
        s = s.replace(ch, "")
    return s


ATTRIBUTE_WORDS = {"预期性": "预期性", "预期": "预期性", "expected": "预期性", "indicative": "预期性",
                   "约束性": "约束性", "约束": "约束性", "binding": "约束性"}
KIND_WORDS = {"水平值": "level", "水平": "level", "level": "level", "总量": "level", "存量": "cumulative",
              "累计值": "cumulative", "累计": "cumulative", "cumulative": "cumulative",
              "期间新增": "new", "新增": "new", "new": "new", "规划期新增": "new",
              "比率": "rate", "比例": "rate", "率": "rate", "rate": "rate", "人均": "rate",
              "里程碑": "milestone", "是否": "milestone", "milestone": "milestone"}
AGG_WORDS = {"求和": "sum", "合计": "sum", "加总": "sum", "sum": "sum",
             "公式": "formula", "按公式": "formula", "按公式由汇总数据项计算": "formula", "formula": "formula",
             "平均": "mean", "平均值": "mean", "mean": "mean", "average": "mean",
             "最大": "max", "最大值": "max", "max": "max", "最小": "min", "最小值": "min", "min": "min",
             "牵头单位": "lead", "牵头单位填报": "lead", "仅牵头单位": "lead", "lead": "lead", "市级填报": "lead"}
UNIT_TYPE_WORDS = {"区县": "district", "区": "district", "县": "district", "镇街": "district", "街道": "district",
                   "镇": "district", "district": "district", "部门": "department", "科室": "department",
                   "局": "department", "department": "department"}
DIRECTION_WORDS = {"≥": "floor", "越大越好": "floor", "正向": "floor", "floor": "floor", "不低于": "floor",
                   "≤": "ceiling", "越小越好": "ceiling", "逆向": "ceiling", "ceiling": "ceiling", "不高于": "ceiling",
                   "持平": "exact", "exact": "exact", "等于": "exact"}
SEVERITY_WORDS = {"强制性": "error", "error": "error", "错误": "error", "核实性": "warning",
                  "warning": "warning", "警告": "warning", "提示性": "info", "info": "info", "提示": "info"}
YES_WORDS = {"是", "yes", "true", "1", "y", "√", "对"}
NO_WORDS = {"否", "no", "false", "0", "n", "×", ""}
ALL_DISTRICTS = {"全部区县", "各区县", "各区", "所有区县", "全部区", "各镇街", "全部镇街", "全部监管所", "各监管所",
                 "各市场监管所", "全部市场监管所", "all_districts", "districts"}
ALL_DEPARTMENTS = {"全部部门", "各部门", "all_departments", "departments"}
LEAD_ONLY = {"牵头单位", "lead"}
BASELINE_SOURCE_WORDS = {"规划": "plan", "规划文本": "plan", "plan": "plan", "规划值": "plan",
                         "填报汇总": "returns", "填报": "returns", "各单位填报": "returns", "汇总": "returns",
                         "returns": "returns", "填报数据": "returns"}
COUNT_UNITS = frozenset({"件", "个", "项", "户", "家", "人", "批次", "张", "次", "所", "辆", "起", "名", "座"})
