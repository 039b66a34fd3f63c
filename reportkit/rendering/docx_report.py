"""Render a report template with docxtpl, safely.

* every string in the context is cleaned of control characters XML cannot hold;
* rendering uses ``autoescape=True`` so ``<``, ``&`` and ``>`` come out as typed;
* values are never re-parsed as template text, so ``{{x}}`` typed by a unit stays text;
* ``StrictUndefined`` turns a misspelt variable into an error naming it, and ``finalize``
  makes sure ``None`` never appears as the word "None";
* a template is checked (syntax, unknown variables, a trial render) before anything is
  written, and a syntax error names the tag and the text around it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import meta, nodes

from ..errors import TemplateError
from .cleaning import read_paths
from .docprops import CoreProperties
from .fast_rows import finalize_none
from .row_loops import RowLoopTemplate
from .word_chart import BarChart, WordChart

CHART_WIDTH_CM = 15.0


def make_env() -> jinja2.Environment:
    """A sandbox: a template shared between offices can read the report data, never reach Python
    internals (``__class__``, ``__globals__``) or change the data it is given."""
    return jinja2.sandbox.ImmutableSandboxedEnvironment(
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=finalize_none)


@dataclass
class TemplateCheck:
    """The result of checking a template against a context."""

    path: str
    syntax_error: str = ""
    missing: list[str] = field(default_factory=list)  # top-level names the context lacks
    render_error: str = ""

    @property
    def ok(self) -> bool:
        return not (self.syntax_error or self.missing or self.render_error)

    def messages(self) -> list[str]:
        out = []
        if self.syntax_error:
            out.append(self.syntax_error)
        out.extend(f"模板使用了报告数据中没有的变量“{name}”。" for name in self.missing)
        if self.render_error:
            out.append(self.render_error)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, "syntax_error": self.syntax_error,
                "missing": self.missing, "render_error": self.render_error, "messages": self.messages()}


def load_template(path: Path) -> RowLoopTemplate:
    """The template, rendered with the context cleaned (``row_loops.clean_context``)."""
    try:
        tpl = RowLoopTemplate(str(path), clean=True)
        tpl.init_docx()  # opened here (docxtpl opens lazily): a missing or broken file is this error
    except Exception as exc:  # missing, or not a docx at all: zip/XML errors of several kinds
        raise TemplateError(f"无法打开报告模板 {path}：{exc}") from exc
    return tpl


def _template_xml(tpl: DocxTemplate) -> list[tuple[str, str]]:
    """(part name, patched XML) for the body, headers and footers, as docxtpl renders them."""
    tpl.init_docx()
    parts = [("正文", tpl.patch_xml(tpl.get_xml()))]
    for rel in tpl.docx.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI):
            name = "页眉" if rel.reltype == tpl.HEADER_URI else "页脚"
            parts.append((name, tpl.patch_xml(tpl.xml_to_string(tpl.docx.part.rels[rel.rId].target_part._element))))
    return parts


_TAGS = re.compile(r"\{[{%].*?[}%]\}")


def _plain(xml_line: str) -> str:
    return re.sub(r"<[^>]+>", "", xml_line).strip()


def describe_syntax_error(xml: str, exc: jinja2.TemplateSyntaxError, part: str) -> str:
    """Name the offending tag and the document text around it (not the XML)."""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).splitlines()
    idx = max((exc.lineno or 1) - 1, 0)
    here = _plain(lines[idx]) if idx < len(lines) else ""
    before = " ".join(_plain(s) for s in lines[max(idx - 2, 0):idx] if _plain(s))
    after = " ".join(_plain(s) for s in lines[idx + 1:idx + 3] if _plain(s))
    tags = _TAGS.findall(here)
    tag = tags[-1] if tags else here[:60]
    return (f"报告模板（{part}）有语法错误：{exc.message}。出错的标签：“{tag}”；所在文字：“{here[:120]}”；"
            f"前文：“{before[-80:]}”；后文：“{after[:80]}”。")


def _parse_parts(tpl: DocxTemplate, env: jinja2.Environment) -> tuple[list[nodes.Template], str]:
    """Each part parsed as docxtpl renders it, or the description of the first syntax error."""
    parsed = []
    for part, xml in _template_xml(tpl):
        try:
            parsed.append(env.parse(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)))
        except jinja2.TemplateSyntaxError as exc:
            return [], describe_syntax_error(xml, exc, part)
    return parsed, ""


def _render_error(exc: Exception) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"模板使用了报告数据中没有的内容：{exc.message}。"
    if isinstance(exc, jinja2.sandbox.SecurityError):
        return f"模板试图访问报告数据以外的内容，已被拒绝：{exc}。"
    return f"模板无法生成报告：{exc}。"


# A template can fail at render time in jinja (undefined names, filters) or in the Python
# its expressions call (iterating a non-list, arithmetic on text).
_RENDER_ERRORS = (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError)


def _static_check(tpl: DocxTemplate, context: Mapping[str, Any], env: jinja2.Environment,
                  result: TemplateCheck) -> None:
    parsed, result.syntax_error = _parse_parts(tpl, env)
    if not result.syntax_error:
        result.missing = sorted(_undeclared(parsed, env) - set(context))


def _undeclared(parsed: list[nodes.Template], env: jinja2.Environment) -> set[str]:
    """The names the parts read from the context (not jinja's globals): the first keys of the paths
    they read, or, when their reading is not followed (``set``, macros…), jinja's own answer for
    the parts read as one template (as docxtpl's ``get_undeclared_template_variables`` reads them)."""
    paths = read_paths(parsed)
    if paths is not None:
        return {path[0] for path in paths} - set(env.globals)
    whole = nodes.Template([node for part in parsed for node in part.body])
    whole.set_environment(env)
    return meta.find_undeclared_variables(whole)


def check_template(path: Path, context: Mapping[str, Any]) -> TemplateCheck:
    """Syntax, unknown variables and a trial render in memory; writes nothing."""
    result = TemplateCheck(str(path))
    env = make_env()
    _static_check(load_template(path), context, env, result)
    if result.ok:
        try:
            _render(load_template(path), _without_images(context), env)
        except _RENDER_ERRORS as exc:
            result.render_error = _render_error(exc)
    return result


def _with_images(tpl: DocxTemplate, context: Mapping[str, Any]) -> dict[str, Any]:
    """``context['charts']``: a chart (:class:`BarChart`) becomes a native Word chart, a picture's
    bytes or path an InlineImage at a fixed width; anything else (None, empty) shows nothing."""
    ctx = dict(context)
    charts: dict[str, Any] = {}
    for key, value in dict(ctx.get("charts", {})).items():
        if isinstance(value, BarChart) and value:
            charts[key] = WordChart(tpl, value)
        elif isinstance(value, bytes) and value:
            charts[key] = InlineImage(tpl, io.BytesIO(value), width=Cm(CHART_WIDTH_CM))
        elif isinstance(value, str | Path) and value and Path(value).is_file():
            charts[key] = InlineImage(tpl, str(value), width=Cm(CHART_WIDTH_CM))
        else:
            charts[key] = ""
    ctx["charts"] = charts
    return ctx


def _render(tpl: DocxTemplate, context: Mapping[str, Any], env: jinja2.Environment) -> DocxTemplate:
    tpl.render(_with_images(tpl, context), jinja_env=env, autoescape=True)
    return tpl


def render_docx(template: Path, context: Mapping[str, Any], properties: CoreProperties | None = None) -> bytes:
    """Check, then render in memory; returns the .docx bytes (the caller writes them atomically).
    ``properties`` replace the template's title, author, dates…"""
    env = make_env()
    check = TemplateCheck(str(template))
    tpl = load_template(template)
    _static_check(tpl, context, env, check)
    if check.ok:
        try:
            _render(tpl, context, env)
        except _RENDER_ERRORS as exc:
            check.render_error = _render_error(exc)
    if not check.ok:
        raise TemplateError("；".join(check.messages()))
    if properties is not None:
        properties.apply(tpl.docx)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _without_images(context: Mapping[str, Any]) -> dict[str, Any]:
    ctx = dict(context)
    ctx["charts"] = dict.fromkeys(dict(ctx.get("charts", {})), "")
    return ctx
