"""Generate the default 落实情况通报 template (``落实情况通报模板.docx``) for a work plan's round.

A few pages, as offices circulate them: no cover, the title, a lead paragraph, 一 总体情况,
二 逾期未完成任务 (named with their responsible units), 三 与上一轮比较, 四 下一轮到期任务,
五 工作要求; then 附件1 督办台账 and 附件2 分责任单位统计 as tables. Same GB/T 9704 styles as the
evaluation report. Regenerate the committed copies with::

    python -m reportkit.rendering.make_bulletin
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx.document import Document as DocxDocument

from .kinds import BULLETIN_TEMPLATE
from .make_template import (
    BODY,
    HEADING1,
    SUBTITLE,
    TABLE_TEXT,
    TITLE,
    blank_document,
    finish_document,
    loop_table,
    optional_para,
    para,
    plain_list,
    save_document,
    text_list,
)

LEDGER_HEADERS = ("序号", "任务", "完成时限", "牵头单位", "配合单位", "进展状态", "较上轮")
LEDGER_WIDTHS = (1.0, 5.0, 2.1, 2.2, 2.2, 1.7, 1.4)
LEDGER_CELLS = ("{{ t.code }}", "{{ t.title }}", "{{ t.due }}", "{{ t.lead }}", "{{ t.cooperating }}",
                "{% cellbg t.color %}{{ t.status }}", "{{ t.change }}")
UNIT_HEADERS = ("责任单位", "任务数", "已完成", "序时推进", "滞后", "逾期", "未启动", "未报送")
UNIT_WIDTHS = (4.4, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6)
UNIT_CELLS = ("{{ u.name }}", "{{ u.total }}", "{{ u.done }}", "{{ u.on_schedule }}", "{{ u.lagging }}",
              "{% cellbg u.overdue_color %}{{ u.overdue }}", "{{ u.not_started }}", "{{ u.unreported }}")


def body(doc: DocxDocument) -> None:
    para(doc, "{{ plan.name }}", TITLE)
    para(doc, "{{ bulletin.round }}落实情况通报", TITLE)
    para(doc, "", SUBTITLE)
    para(doc, "{{ report.author }}", SUBTITLE)
    para(doc, "（{{ report.date }}）", SUBTITLE)
    para(doc, "", SUBTITLE)
    para(doc, "{{ bulletin.intro }}")

    para(doc, "一、总体情况", HEADING1)
    para(doc, "{{ bulletin.overall }}")
    para(doc, "{{ bulletin.reporting }}")
    optional_para(doc, "bulletin.indicators")

    para(doc, "二、逾期未完成任务", HEADING1)
    text_list(doc, "t", "bulletin.overdue", "bulletin.no_overdue")
    optional_para(doc, "bulletin.lagging")

    para(doc, "三、与上一轮比较", HEADING1)
    para(doc, "{{ bulletin.comparison }}")
    plain_list(doc, "t", "bulletin.changes")

    para(doc, "四、下一轮到期任务", HEADING1)
    text_list(doc, "t", "bulletin.due_next", "bulletin.no_due_next")

    para(doc, "五、工作要求", HEADING1)
    text_list(doc, "r", "bulletin.requirements", "bulletin.no_requirements")
    para(doc, "附件：1. {{ bulletin.round }}督办台账", BODY)
    para(doc, "2. 分责任单位统计", BODY)


def _new_page(doc: DocxDocument, text: str) -> None:
    """An attachment heading that starts a page (no empty page when the body ends a page)."""
    para(doc, text, HEADING1).paragraph_format.page_break_before = True


def attachments(doc: DocxDocument) -> None:
    _new_page(doc, "附件1")
    para(doc, "{{ bulletin.round }}督办台账", TITLE)
    para(doc, "{{ bulletin.ledger_note }}", TABLE_TEXT)
    loop_table(doc, LEDGER_HEADERS, LEDGER_WIDTHS, "t in bulletin.ledger", LEDGER_CELLS,
               centred=(0, 2, 5, 6), margin_cm=0.05)
    _new_page(doc, "附件2")
    para(doc, "分责任单位统计", TITLE)
    para(doc, "{{ bulletin.units_note }}", TABLE_TEXT)
    loop_table(doc, UNIT_HEADERS, UNIT_WIDTHS, "u in bulletin.units", UNIT_CELLS,
               centred=tuple(range(1, 8)), margin_cm=0.05)


def build_bulletin_template() -> DocxDocument:
    doc = blank_document()
    body(doc)
    attachments(doc)
    return finish_document(doc, BULLETIN_TEMPLATE.removesuffix(".docx"))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = [str(Path(__file__).resolve().parents[1] / "data" / "templates" / BULLETIN_TEMPLATE)]
    save_document(build_bulletin_template(), *(Path(a) for a in args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
