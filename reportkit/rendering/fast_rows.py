"""Top-level table-row loops of plain data written without running jinja row by row.

A report's appendix loop (``{%tr for v in appendix.district_values %}`` with ``{{ v.unit }}`` in
its cells and ``{%tc for x in v.cells %}`` for the year columns) runs for thousands of rows. Such
a loop is compiled once, from jinja's own parse of it, into its literal text and the places its
values go; each row is then written with one string operation and each value escaped exactly as
the sandboxed environment's autoescape escapes it — without a ``Markup`` object per cell.

Only what is certain to come out the same is handled here: loops and ``{{ … }}`` outputs of
variables, their keys (``v.unit``, ``v['unit']``) and ``loop.index``/``loop.index0``; rows and
keyed values that are plain ``dict``s and lists; values that are text, numbers or ``None``.
Anything else — a filter, a condition, an ``{% if %}``, a key that is also a ``dict`` method
name, another type of value, a missing key — makes :func:`render` answer ``None`` and the loop
renders through jinja as before, which gives the same text or the same error. Reading keys of
plain dicts and items of lists is all this module does with the data: a template never reaches
Python through it.

The compiled loop is also checked once to be well-formed XML with every value in element text or
an attribute value, so the rows need no parsing; their cell count (docxtpl fits the table grid
to the widest row) is counted from the template's structure and the lengths of the cell loops.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2 import nodes
from lxml import etree

from ..formatting import clean_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TR, _TC, _TBL, _TCPR, _SPAN, _VAL = (f"{{{W_NS}}}{t}" for t in ("tr", "tc", "tbl", "tcPr", "gridSpan", "val"))
_SLOT = "\ue000"  # stands for a value in the probe of the loop's XML (a private-use character)
_LOOP_PI = "rk-loop"
# Characters a value may need handled: escaping, control characters, and what XML cannot hold.
_SPECIAL = re.compile("[&<>'\"{}\t\n\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LISTING_CHARS = ("\t", "\a", "\n", "\f")  # what docxtpl's resolve_listing rewrites
# Characters XML cannot hold. \a and \f too: docxtpl turns them into paragraphs in text, but in an
# attribute they would stay (jinja's rows are checked and left to docxtpl then; these go to jinja).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GETATTRS = (jinja2.Environment.getattr, jinja2.sandbox.SandboxedEnvironment.getattr)
_GETITEMS = (jinja2.Environment.getitem, jinja2.sandbox.SandboxedEnvironment.getitem)

Path = tuple[str, ...]
_STR = {str}


class _Fallback(Exception):
    """The data is not plain enough to be written here: the loop goes through jinja."""


@dataclass(frozen=True)
class _Value:
    """``{{ root.key.key }}``: a loop variable (``local``) or a context name, then dict keys."""

    root: str
    keys: Path
    local: bool


@dataclass(frozen=True)
class _Index:
    """``{{ loop.index }}`` (start 1) or ``{{ loop.index0 }}`` (start 0) of the innermost loop."""

    start: int


@dataclass
class _Loop:
    var: str
    source: _Value
    body: list[str | _Value | _Index | _Loop]
    # For a loop directly inside a row: the cells and grid columns one iteration adds.
    cells: int = 0
    width: int = 0


@dataclass
class _Row:
    """One ``<w:tr>`` of the loop's body: its own cells and grid columns, and its cell loops."""

    cells: int
    width: int
    loops: list[_Loop] = field(default_factory=list)


@dataclass
class RowProgram:
    """A compiled top-level row loop."""

    loop: _Loop
    rows: list[_Row]  # the template rows one iteration writes

    @property
    def path(self) -> tuple[str, ...]:
        """The context path the loop iterates (``("appendix", "district_values")``)."""
        return (self.loop.source.root, *self.loop.source.keys)


@dataclass
class RenderedRows:
    chunks: list[bytes]  # UTF-8, one per item (kept apart: joined once, into the part)
    cells: int  # the widest row's number of cells …
    width: int  # … and of grid columns (cells spanning n columns count n)
    braces: bool = True  # the text may hold docxtpl's escaped braces ("{_{")
    listing: bool = True  # the text may hold tabs, line breaks… docxtpl turns into runs


# ---------------------------------------------------------------- compiling
def compile_loop(source: str, env: jinja2.Environment, namespaces: str) -> RowProgram | None:
    """The program for ``{% for … %}<w:tr>…</w:tr>{% endfor %}``, or None when the loop needs jinja.
    ``namespaces`` are the body element's namespace declarations (to check the XML)."""
    if not _plain_environment(env):
        return None
    try:
        template = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return None
    if len(template.body) != 1 or not isinstance(template.body[0], nodes.For):
        return None
    loop = _loop(template.body[0], ())
    if loop is None:
        return None
    rows = _probe_rows(loop, namespaces)
    return None if rows is None else RowProgram(loop, rows)


def _plain_environment(env: jinja2.Environment) -> bool:
    """Values are written as this environment writes them: autoescaped, ``None`` as empty text,
    keys looked up as jinja itself looks them up."""
    return (env.autoescape is True and env.finalize is finalize_none
            and type(env).getattr in _GETATTRS and type(env).getitem in _GETITEMS)


def finalize_none(value: Any) -> Any:
    """The renderer's jinja ``finalize``: ``None`` is written as empty text. Rows are written here
    only for an environment with this finalize."""
    return "" if value is None else value


def _loop(node: nodes.For, scope: tuple[str, ...]) -> _Loop | None:
    if (not isinstance(node.target, nodes.Name) or node.target.name in (*scope, "loop") or node.else_
            or node.test is not None or node.recursive):
        return None
    source = _value(node.iter, scope)
    if not isinstance(source, _Value):
        return None
    body = _body(node.body, (*scope, node.target.name))
    return None if body is None else _Loop(node.target.name, source, body)


def _body(items: list[nodes.Node], scope: tuple[str, ...]) -> list[str | _Value | _Index | _Loop] | None:
    out: list[str | _Value | _Index | _Loop] = []
    for item in items:
        if isinstance(item, nodes.For):
            loop = _loop(item, scope)
            if loop is None:
                return None
            out.append(loop)
        elif isinstance(item, nodes.Output):
            for child in item.nodes:
                if isinstance(child, nodes.TemplateData):
                    out.append(child.data)
                    continue
                value = _value(child, scope)
                if value is None:
                    return None
                out.append(value)
        else:
            return None
    return out


def _value(node: nodes.Node, scope: tuple[str, ...]) -> _Value | _Index | None:
    keys: list[str] = []
    while not isinstance(node, nodes.Name):
        if isinstance(node, nodes.Getattr):
            key = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str):
            key = node.arg.value
        else:
            return None
        if hasattr(dict, key):  # jinja would find the dict's method before the key
            return None
        keys.append(key)
        node = node.node
    if node.ctx != "load":
        return None
    keys.reverse()
    if node.name == "loop":  # the innermost loop's counter; anything else of it is jinja's
        if scope and keys in (["index"], ["index0"]):
            return _Index(1 if keys == ["index"] else 0)
        return None
    return _Value(node.name, tuple(keys), node.name in scope)


# ---------------------------------------------------------------- checking the XML once
def _probe(body: list[str | _Value | _Index | _Loop]) -> tuple[str, int]:
    """The body's XML with a slot character for each value and a processing instruction for each
    inner loop; and the number of value slots."""
    parts: list[str] = []
    slots = 0
    for i, item in enumerate(body):
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, _Loop):
            parts.append(f"<?{_LOOP_PI} {i}?>")
        elif isinstance(item, _Index):
            parts.append("1")
        else:
            parts.append(_SLOT)
            slots += 1
    return "".join(parts), slots


def _parse_probe(body: list[str | _Value | _Index | _Loop], tag: str, namespaces: str) -> etree._Element | None:
    """The probe parsed inside ``tag``, if it is well-formed, holds every value slot in element
    text or an attribute value, and holds no picture or nested table."""
    xml, slots = _probe(body)
    if "docPr" in xml or _SLOT in "".join(s for s in body if isinstance(s, str)):
        return None
    try:
        root = etree.fromstring(f"<{tag} {namespaces}>{xml}</{tag}>".encode(), etree.XMLParser(huge_tree=True))
    except etree.XMLSyntaxError:
        return None
    found = 0
    for el in root.iter():
        found += (el.text or "").count(_SLOT) + (el.tail or "").count(_SLOT)
        if el.tag is etree.ProcessingInstruction or el.tag is etree.Comment:
            found -= (el.text or "").count(_SLOT)  # a value in a comment is not text
            continue
        found += sum(v.count(_SLOT) for v in el.attrib.values())
    if found != slots or next(root.iterdescendants(_TBL), None) is not None:
        return None
    return root


def _cells(parent: etree._Element) -> tuple[int, int] | None:
    """(cells, grid columns) of ``parent``'s own ``<w:tc>`` children, as docxtpl counts them."""
    cells = parent.findall(_TC)
    width = 0
    for tc in cells:
        span = tc.find(f"{_TCPR}/{_SPAN}")
        if span is None:
            width += 1
            continue
        try:
            width += int(span.get(_VAL, ""))
        except ValueError:  # a value in the span: the width is the data's
            return None
    return len(cells), width


def _inner_loops_fit(loop: _Loop, namespaces: str, in_row: bool) -> bool:
    """Check an inner loop's XML; one directly in a row must be whole cells (it widens the row),
    any other must hold no cell or row at all."""
    root = _parse_probe(loop.body, "rk-probe", namespaces)
    if root is None:
        return False
    if in_row:
        counted = _cells(root)
        if counted is None or (root.text or "").strip() or any(
                child.tag != _TC or (child.tail or "").strip() for child in root):
            return False
        loop.cells, loop.width = counted
    elif next(root.iterdescendants(_TC, _TR), None) is not None:
        return False
    for pi in root.iter(etree.ProcessingInstruction):
        inner = loop.body[int(pi.text)]
        if not isinstance(inner, _Loop) or pi.getparent() is root and in_row \
                or not _inner_loops_fit(inner, namespaces, False):
            return False
    return True


def _probe_rows(loop: _Loop, namespaces: str) -> list[_Row] | None:
    root = _parse_probe(loop.body, "w:tbl", namespaces)
    if root is None or (root.text or "").strip() or not len(root):
        return None
    rows = []
    for tr in root:
        counted = _cells(tr)
        if tr.tag != _TR or (tr.tail or "").strip() or counted is None:
            return None
        row = _Row(*counted)
        for pi in tr.iter(etree.ProcessingInstruction):
            inner = loop.body[int(pi.text)]
            in_row = pi.getparent() is tr
            if not isinstance(inner, _Loop) or not _inner_loops_fit(inner, namespaces, in_row):
                return None
            if in_row:
                row.loops.append(inner)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- writing rows
def render(program: RowProgram, context: Mapping[str, Any], *, clean: bool) -> RenderedRows | None:
    """The loop's rows as jinja would write them (before docxtpl's post-processing), or None when
    the data needs jinja. ``clean``: text loses the control characters XML cannot hold first."""
    text = _Text(clean)
    lengths: dict[int, list[int]] = {}
    try:
        items = _items(_lookup(program.loop.source, {}, context))
        body = _compile(program.loop, context, text, lengths)
        out = [body(item, i) for i, item in enumerate(items)]
    except _Fallback:
        return None
    cells, width = _widest(program, len(items), lengths)
    literal = "".join(_literals(program.loop))
    return RenderedRows(out, cells, width,
                        braces=text.braces or "{" in literal or "}" in literal,
                        listing=text.listing or any(ch in literal for ch in LISTING_CHARS))


def _literals(loop: _Loop) -> Iterator[str]:
    for item in loop.body:
        if isinstance(item, str):
            yield item
        elif isinstance(item, _Loop):
            yield from _literals(item)


Writer = Callable[[Any, int], bytes]


def _compile(loop: _Loop, context: Mapping[str, Any], text: _Text, lengths: dict[int, list[int]],
             outer: dict[str, Any] | None = None) -> Writer:
    """A function writing one iteration of ``loop`` from its item and index. ``outer`` holds the
    enclosing loops' variables (filled in as they run); ``lengths`` gets, for each inner loop
    (by ``id``), how many items it wrote each time.

    The item's own keys (``{{ v.unit }}``, most cells) are fetched together; when all of them
    are text with nothing to escape — nearly always — they go into the row as they are. Rows
    are written as UTF-8, the encoding of the part they go into."""
    scope = {} if outer is None else outer
    pieces: list[str] = []
    keyed: list[tuple[bytes, str]] = []  # (slot, key of the item)
    others: list[tuple[bytes, Callable[[Any, int], bytes]]] = []
    for item in loop.body:
        if isinstance(item, str):
            pieces.append(item.replace("%", "%%"))
            continue
        name = str(len(keyed) + len(others))
        pieces.append(f"%({name})s")
        slot = name.encode()
        if isinstance(item, _Value) and item.local and item.root == loop.var and len(item.keys) == 1:
            keyed.append((slot, item.keys[0]))
        else:
            others.append((slot, _getter(item, loop.var, scope, context, text, lengths)))
    fmt = "".join(pieces).encode()
    var = loop.var
    slots = tuple(slot for slot, _key in keyed)
    fetch = _fetch(tuple(key for _slot, key in keyed))

    def write(item: Any, index: int) -> bytes:
        scope[var] = item
        values = dict(zip(slots, text.many(fetch(item)), strict=True)) if slots else {}
        for slot, get in others:
            values[slot] = get(item, index)
        return fmt % values

    return write


def _fetch(keys: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The item's values at ``keys``, for a plain dict holding them all."""
    get = operator.itemgetter(*keys) if keys else None

    def fetch(item: Any) -> tuple[Any, ...]:
        if type(item) is not dict or get is None:
            raise _Fallback
        try:
            found = get(item)
        except KeyError:
            raise _Fallback from None
        return found if len(keys) > 1 else (found,)

    return fetch


def _getter(item: _Value | _Index | _Loop, var: str, scope: dict[str, Any], context: Mapping[str, Any],
            text: _Text, lengths: dict[int, list[int]]) -> Callable[[Any, int], bytes]:
    if isinstance(item, _Index):
        start = item.start
        return lambda _item, index: str(index + start).encode()
    if isinstance(item, _Loop):
        return _inner_loop(item, scope, context, text, lengths)
    if item.local and item.root == var and not item.keys:  # {{ x }}
        return lambda value, _index: text(value).encode()
    return lambda _item, _index: text(_lookup(item, scope, context)).encode()


def _inner_loop(loop: _Loop, scope: dict[str, Any], context: Mapping[str, Any], text: _Text,
                lengths: dict[int, list[int]]) -> Callable[[Any, int], bytes]:
    """All iterations of a loop inside the row; ``{% for x in v.cells %}…{{ x }}…`` over plain
    text is written with one string operation per item."""
    inner = _compile(loop, context, text, lengths, scope)
    source = loop.source
    counted = lengths.setdefault(id(loop), [])
    only = [v for v in loop.body if not isinstance(v, str)]
    single = None
    if only == [_Value(loop.var, (), True)]:
        single = "".join(v.replace("%", "%%") if isinstance(v, str) else "%s" for v in loop.body).encode()

    def write_all(_item: Any, _index: int) -> bytes:
        items = _items(_lookup(source, scope, context))
        counted.append(len(items))
        if single is not None and text.plain(items):
            return b"".join(map(single.__mod__, map(str.encode, items)))
        return b"".join([inner(x, i) for i, x in enumerate(items)])

    return write_all


def _lookup(value: _Value, scope: Mapping[str, Any], context: Mapping[str, Any]) -> Any:
    if value.local:
        found = scope[value.root]
    elif value.root in context:
        found = context[value.root]
    else:
        raise _Fallback
    for key in value.keys:
        if type(found) is not dict or key not in found:
            raise _Fallback
        found = found[key]
    return found


def _items(value: Any) -> list[Any] | tuple[Any, ...]:
    if type(value) is not list and type(value) is not tuple:
        raise _Fallback
    return value


class _Text:
    """Writes a value as ``{{ value }}`` with autoescape does (``markupsafe.escape(finalize(value))``),
    and notes what docxtpl's post-processing of the rows will have to look at."""

    def __init__(self, clean: bool) -> None:
        self.clean = clean
        self.braces = False  # a value holds "{" or "}" (docxtpl turns "{_{" into "{{")
        self.listing = False  # a value holds a tab, line break… (docxtpl turns them into runs)

    def many(self, values: tuple[Any, ...]) -> list[bytes]:
        """Several values, encoded (as they are when all are text with nothing to escape or clean)."""
        return list(map(str.encode, values if self.plain(values) else map(self, values)))

    @staticmethod
    def plain(values: tuple[Any, ...] | list[Any]) -> bool:
        """All text (``str`` itself), none holding a character that needs handling."""
        return set(map(type, values)) <= _STR and _SPECIAL.search("".join(values)) is None

    def __call__(self, value: Any) -> str:
        kind = type(value)
        if kind is str:
            return value if _SPECIAL.search(value) is None else self._special(value)
        if value is None:
            return ""
        if kind is int or kind is float or kind is bool:
            return str(value)
        raise _Fallback

    def _special(self, text: str) -> str:
        if self.clean:
            text = clean_text(text)
        if _NOT_XML.search(text):
            raise _Fallback
        self.braces = self.braces or "{" in text or "}" in text
        self.listing = self.listing or any(ch in text for ch in LISTING_CHARS)
        return _escape(text)


def _escape(text: str) -> str:
    """As ``markupsafe.escape`` writes text."""
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def _widest(program: RowProgram, count: int, lengths: dict[int, list[int]]) -> tuple[int, int]:
    """The widest written row's cells and grid columns (``count`` items; ``lengths`` of the
    loops inside them, as written)."""
    if not count:
        return 0, 0
    cells = width = 0
    for row in program.rows:
        if len(row.loops) == 1:  # the usual case: the widest row has the most items
            most = max(lengths[id(row.loops[0])])
            cells = max(cells, row.cells + most * row.loops[0].cells)
            width = max(width, row.width + most * row.loops[0].width)
            continue
        # How many items each loop in the row wrote, item by item.
        runs = list(zip(*(lengths[id(loop)] for loop in row.loops), strict=True)) or [()]
        cells = max(cells, *(row.cells + _dot(run, [loop.cells for loop in row.loops]) for run in runs))
        width = max(width, *(row.width + _dot(run, [loop.width for loop in row.loops]) for run in runs))
    return cells, width


def _dot(lengths: tuple[int, ...], per: list[int]) -> int:
    return sum(n * each for n, each in zip(lengths, per, strict=True))
