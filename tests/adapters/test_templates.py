"""The Jinja renderer of notification templates: plain text, missing values empty, never raising."""

from __future__ import annotations

import pytest

from adapters.templates.jinja import JinjaRenderer
from domain.notifications.kinds import KINDS


def test_it_fills_a_template_as_plain_text() -> None:
    renderer = JinjaRenderer()
    assert renderer.render("Bienvenue {{ first_name or username }} !", {"username": "awa"}) == "Bienvenue awa !"
    assert renderer.render("{{ a }} & <b>{{ b }}</b>", {"a": "<i>", "b": "Tom & Jerry"}) == "<i> & <b>Tom & Jerry</b>"
    assert renderer.render("Sans variable", {}) == "Sans variable"


def test_a_missing_value_renders_empty() -> None:
    renderer = JinjaRenderer()
    assert renderer.render("[{{ missing }}][{{ missing.deeper.still }}]", {}) == "[][]"
    assert renderer.render("{% if reason %}({{ reason }}){% endif %}fin", {}) == "fin"


@pytest.mark.parametrize("source", [
    "{{ unclosed", "{% for %}", "{{ 1 / 0 }}", "{{ range(10**9) | list | length }}"])
def test_a_broken_or_unsafe_template_gives_its_source_back(source: str) -> None:
    renderer = JinjaRenderer()
    assert renderer.render(source, {"x": object()}) == source
    assert renderer.render(source, {"x": object()}) == source  # also from the cache


@pytest.mark.parametrize("source", ["{{ ''.__class__.__mro__ }}", "{{ x.__init__.__globals__ }}",
                                    "{{ x.__class__.__subclasses__() }}"])
def test_the_sandbox_shows_no_internals(source: str) -> None:
    assert JinjaRenderer().render(source, {"x": object()}) in ("", source)  # empty, or refused


def test_compiled_templates_are_kept_within_the_cache_size() -> None:
    renderer = JinjaRenderer(cache_size=2)
    for n in range(5):
        assert renderer.render(f"{{{{ n }}}}-{n}", {"n": n}) == f"{n}-{n}"
    assert len(renderer._compiled) == 2


def test_every_kind_renders_with_its_data() -> None:
    renderer = JinjaRenderer()
    for kind in KINDS:
        for text in kind.texts.values():
            for source in (text.title, text.body):
                assert "{{" not in renderer.render(source, {"app": "SpotVibe", "username": "awa"})
