"""The report context cleaned for a template: control characters XML cannot hold removed from
strings, ``None`` as empty text — only in the parts of the context the template can read.

A large plan's context holds hundreds of thousands of values the report never shows (each
task's report from every unit, for the Excel summary); cleaning them all was most of the Word
rendering time at national scale. :func:`read_paths` finds, from the parsed template, every
path of keys it may read (``chapters.*.heading``: each chapter's heading); :func:`clean_read`
cleans the values under those paths and leaves the others as they are. A template whose
reading cannot be followed exactly (``{% set %}``, macros, includes, ``loop.previtem`` …)
gets the whole context cleaned, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import nodes

from ..formatting import clean_text

Path = tuple[str, ...]
EACH = "*"  # in a path: every item of a list
_WHOLE = object()  # a path read as a whole: everything under it is cleaned
# What a loop's ``loop`` variable gives without reading the data (previtem, nextitem, cycle… read it).
_LOOP_COUNTERS = {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
# Statements that bind names or bring in other templates: reading through them is not followed.
_UNFOLLOWED = (nodes.Assign, nodes.AssignBlock, nodes.With, nodes.Macro, nodes.CallBlock, nodes.FilterBlock,
               nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Block, nodes.Scope,
               nodes.ScopedEvalContextModifier, nodes.OverlayScope)


def clean_context(value: Any) -> Any:
    """Recursively: strings without control characters, ``None`` as empty text."""
    if isinstance(value, str):
        return clean_text(value)
    if value is None:
        return ""
    if isinstance(value, int | float):  # most of a large context: answered before the slower checks
        return value
    if isinstance(value, dict | Mapping):
        return {k: clean_context(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_context(v) for v in value]
    return value


class _Unfollowed(Exception):
    """The template reads the context in a way this module does not follow."""


def read_paths(templates: list[nodes.Template]) -> set[Path] | None:
    """Every path the templates may read as a whole (``("chapters", "*", "heading")``), or None
    when their reading cannot be followed."""
    found: set[Path] = set()
    try:
        for template in templates:
            _statements(template.body, {}, found)
    except _Unfollowed:
        return None
    return found


def _statements(body: list[nodes.Node], names: dict[str, Path | None], found: set[Path]) -> None:
    """``names``: loop variables, each bound to the path of its items (None: not from the context,
    or from a path read whole already)."""
    for node in body:
        if isinstance(node, _UNFOLLOWED):
            raise _Unfollowed
        if isinstance(node, nodes.For):
            _loop(node, names, found)
            continue
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                _read(child, names, found)
            else:
                _statements([child], names, found)


def _loop(node: nodes.For, names: dict[str, Path | None], found: set[Path]) -> None:
    if node.recursive:
        raise _Unfollowed
    source = _path(node.iter, names)
    items: Path | None = None
    if source is None or not isinstance(node.target, nodes.Name):
        _read(node.iter, names, found)  # a filter, a call, or unpacked items: read whole
    elif source is not _WHOLE:
        items = (*source, EACH)
    targets = [n.name for n in node.target.find_all(nodes.Name)] if not isinstance(node.target, nodes.Name) \
        else [node.target.name]
    inner = {**names, **dict.fromkeys(targets), "loop": None}
    if isinstance(node.target, nodes.Name):
        inner[node.target.name] = items
    if node.test is not None:
        _read(node.test, inner, found)
    _statements(node.body, inner, found)
    _statements(node.else_, names, found)


def _read(node: nodes.Node, names: dict[str, Path | None], found: set[Path]) -> None:
    """Each path an expression reads, added to ``found``."""
    path = _path(node, names) if isinstance(node, nodes.Expr) else None
    if path is None:
        for child in node.iter_child_nodes():
            _read(child, names, found)
    elif path is not _WHOLE:
        found.add(path)


def _path(node: nodes.Node, names: dict[str, Path | None]) -> Any:
    """The path ``node`` reads (a tuple), ``_WHOLE`` when what it reads is covered already or
    is not the context's, None when it is not a path (a filter, a call, an operator…)."""
    keys: list[str] = []
    while not isinstance(node, nodes.Name):
        if isinstance(node, nodes.Getattr) and not hasattr(dict, node.attr):
            keys.append(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str) and not hasattr(dict, node.arg.value):
            keys.append(node.arg.value)
        else:
            return None  # a dict method (``d.items()``), an index…: the value below is read whole
        node = node.node
    keys.reverse()
    if node.name not in names:
        return (node.name, *keys)
    if node.name == "loop" and names["loop"] is None:
        if len(keys) == 1 and keys[0] in _LOOP_COUNTERS:
            return _WHOLE
        raise _Unfollowed
    bound = names[node.name]
    return _WHOLE if bound is None else (*bound, *keys)


def clean_read(context: Mapping[str, Any], paths: set[Path]) -> dict[str, Any]:
    """A copy of ``context`` with the values under ``paths`` cleaned (:func:`clean_context`) and
    the rest as it is."""
    return _clean_along(context, _tries(paths))


def _tries(paths: set[Path]) -> Any:
    """The paths as nested dicts; a path's end is ``_WHOLE`` (and covers any longer path)."""
    trie: dict[str, Any] = {}
    for path in sorted(paths, key=len):
        node: Any = trie
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if node is _WHOLE:
                break
        else:
            node[path[-1]] = _WHOLE
    return trie


def _clean_along(value: Any, trie: Any) -> Any:
    if trie is _WHOLE:
        return clean_context(value)
    if isinstance(value, dict | Mapping):
        if EACH in trie:  # a loop over a mapping's keys: read whole
            return clean_context(value)
        out = dict(value)
        for key, below in trie.items():
            if key in out:
                out[key] = _clean_along(out[key], below)
        return out
    if isinstance(value, list | tuple):
        if set(trie) != {EACH}:  # a list's attribute or method: read whole
            return clean_context(value)
        return [_clean_along(item, trie[EACH]) for item in value]
    return clean_context(value)
