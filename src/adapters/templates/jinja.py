"""The TemplateRenderer on Jinja's sandbox: plain text (no HTML escaping), a missing value renders empty (also
`{{ a.b }}` when `a` is missing), and a template that does not compile or fails while rendering gives its own source
back rather than raising: a notification with a raw placeholder beats a job that fails for every recipient."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

log = logging.getLogger("agora.templates")

CACHE_SIZE = 512


class JinjaRenderer:
    def __init__(self, cache_size: int = CACHE_SIZE) -> None:
        self._env = SandboxedEnvironment(autoescape=False, undefined=ChainableUndefined, keep_trailing_newline=True,
                                         cache_size=0)
        self._compiled: OrderedDict[str, Template | None] = OrderedDict()
        self._cache_size = cache_size

    def _template(self, source: str) -> Template | None:
        """The compiled template, or None when the source does not compile (remembered as well)."""
        if source in self._compiled:
            self._compiled.move_to_end(source)
            return self._compiled[source]
        compiled: Template | None
        try:
            compiled = self._env.from_string(source)
        except TemplateError as error:
            log.warning("template does not compile (%s): %r", error, source[:200])
            compiled = None
        self._compiled[source] = compiled
        if len(self._compiled) > self._cache_size:
            self._compiled.popitem(last=False)
        return compiled

    def render(self, source: str, data: Mapping[str, Any]) -> str:
        if "{" not in source:
            return source
        template = self._template(source)
        if template is None:
            return source
        try:
            return template.render(data)
        except Exception as error:  # any error of the data or the template (sandbox, type, zero division)
            log.warning("template failed to render (%s: %s): %r", type(error).__name__, error, source[:200])
            return source
