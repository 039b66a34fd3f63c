"""The context cleaned only where a template reads it renders exactly as the whole context cleaned."""

from __future__ import annotations

import pytest
from jinja2 import meta

from reportkit.rendering.cleaning import clean_context, clean_read, read_paths
from reportkit.rendering.docx_report import _undeclared, make_env

CONTEXT = {
    "title": "标\x0b题",
    "none": None,
    "a": {"b": "甲\x01乙", "c": None, "items": ["键\x0c"], "n": 3},
    "items": [
        {"name": "一\x0b", "flag": True, "kids": ["子\x01", None], "tags": ["x\x02", "y"]},
        {"name": None, "flag": False, "kids": [], "tags": []},
        {"name": "三", "flag": True, "kids": ["孙"], "tags": ["z\x1f"]},
    ],
    "d": {"k": "值\x0b", "other": None},
    "unread": [{"big": "不\x0b读"}] * 3,
}

FOLLOWED = [
    "{{ title }}{{ a.b }}{{ a['c'] }}",
    "{% for x in items %}{{ x.name }}；{% endfor %}",
    "{% for x in items %}{{ loop.index }}{% for y in x.kids %}{{ y }}{% endfor %}{% endfor %}",
    "{% for x in items if x.flag %}{{ x.name }}{% else %}{{ none }}{% endfor %}",
    "{{ items|map(attribute='name')|join('、') }}",
    "{% for x in items|selectattr('flag') %}{{ x.name }}{{ x.tags|join }}{% endfor %}",
    "{{ items|length }}{{ a.n }}{{ none ~ title }}",
    "{% for k, v in d.items() %}{{ k }}={{ v }}{% endfor %}",
    "{{ d.get('k') }}{% if a['items'] %}{{ a['items'] }}{% endif %}",
    "{% for x in items %}{{ x.name.upper() if x.name else '' }}{{ x.tags.0 if x.tags else '' }}{% endfor %}",
    "{% for x in a['items'] %}{{ x }}{% endfor %}{% for x in range(2) %}{{ x }}{% endfor %}",
    "{% if none is none %}空{% else %}{{ none|length }}{% endif %}",
]


@pytest.mark.parametrize("source", FOLLOWED)
def test_a_context_cleaned_where_read_renders_as_the_whole_context_cleaned(source: str) -> None:
    env = make_env()
    paths = read_paths([env.parse(source)])
    assert paths is not None
    cleaned = clean_read(CONTEXT, paths)
    assert env.from_string(source).render(cleaned) == env.from_string(source).render(clean_context(CONTEXT))
    assert cleaned["unread"] is CONTEXT["unread"]  # what is never read is not copied


@pytest.mark.parametrize("source", [
    "{% set x = a %}{{ x.b }}",
    "{% for x in items %}{{ loop.previtem }}{% endfor %}",
    "{% macro m(v) %}{{ v }}{% endmacro %}{{ m(title) }}",
    "{% with x = items %}{{ x }}{% endwith %}",
    "{% for x in items recursive %}{{ x.name }}{% endfor %}",
])
def test_reading_that_is_not_followed_cleans_everything(source: str) -> None:
    assert read_paths([make_env().parse(source)]) is None


def test_paths_name_each_item_and_stop_at_dict_methods() -> None:
    env = make_env()
    paths = read_paths([env.parse("{% for ch in chapters %}{{ ch.heading }}{% for t in ch.lagging %}"
                                  "{{ t.text }}{% endfor %}{% endfor %}{{ d.items() }}{{ a.b.c }}")])
    assert paths == {("chapters", "*", "heading"), ("chapters", "*", "lagging", "*", "text"), ("d",),
                     ("a", "b", "c")}


def test_only_the_paths_read_are_cleaned_and_the_rest_is_shared() -> None:
    cleaned = clean_read(CONTEXT, {("items", "*", "name"), ("a", "b")})
    assert [r["name"] for r in cleaned["items"]] == ["一", "", "三"]
    assert cleaned["items"][0]["kids"] is CONTEXT["items"][0]["kids"]
    assert cleaned["a"] == {**CONTEXT["a"], "b": "甲乙"}
    assert cleaned["d"] is CONTEXT["d"] and cleaned["title"] == "标\x0b题"


@pytest.mark.parametrize("source", [*FOLLOWED, "{{ range(3)|join }}{{ cycler }}{{ loop.index }}",
                                    "{% for x in items %}{{ x }}{% else %}{{ x }}{% endfor %}{{ x }}",
                                    "{% for k, v in pairs %}{{ k }}{{ v.name }}{% endfor %}{{ v }}"])
def test_the_names_a_template_reads_are_jinjas_undeclared_variables(source: str) -> None:
    env = make_env()
    parsed = env.parse(source)
    assert read_paths([parsed]) is not None
    assert _undeclared([parsed], env) == meta.find_undeclared_variables(parsed)
