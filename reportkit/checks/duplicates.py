"""Two returns from one unit for one period: use the newest, mark the others superseded."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..findings import Finding, Location, Severity, make, register
from ..intake.types import ReturnData

register("form.duplicate-unit", Severity.INFO, "同一单位重复报送",
         "{unit_name}本期共收到 {count} 份填报表。采用“{used}”（{why}），本文件“{this}”不再采用。",
         "如需以本文件为准，请删除或移走“{used}”后重新审核。")


def resolve_duplicates(returns: list[ReturnData]) -> None:
    groups: dict[tuple[str, str, str], list[ReturnData]] = defaultdict(list)
    for r in returns:
        if r.meta is not None:
            groups[(r.meta.plan_id, r.meta.unit, r.meta.period)].append(r)
    for group in groups.values():
        if len(group) > 1:
            _resolve(group)


def _key(r: ReturnData) -> tuple[str, str, str]:
    generated = r.meta.generated_at if r.meta else ""
    return (generated, r.received_at, r.path)


def _resolve(group: list[ReturnData]) -> None:
    ordered = sorted(group, key=_key)
    used = ordered[-1]
    for r in ordered[:-1]:
        r.superseded_by = used.sha256
        f = _finding(r, used, len(group))
        r.findings.append(f)


def _why(r: ReturnData, used: ReturnData) -> str:
    if r.sha256 == used.sha256:
        return "两份文件内容完全相同"
    gen_r = r.meta.generated_at if r.meta else ""
    gen_u = used.meta.generated_at if used.meta else ""
    if gen_u and gen_r and gen_u != gen_r:
        return f"其填报表生成于 {gen_u}，较新"
    if used.received_at != r.received_at:
        return f"其文件保存时间 {used.received_at.replace('T', ' ')} 较晚"
    return "按文件名顺序取后者"


def _finding(r: ReturnData, used: ReturnData, count: int) -> Finding:
    assert r.meta is not None
    loc = Location(file=Path(r.path).name, unit=r.meta.unit)
    return make("form.duplicate-unit", loc, unit_name=r.meta.unit_name or r.meta.unit, count=count,
                used=Path(used.path).name, this=Path(r.path).name, why=_why(r, used))
