"""What the push and SMS fakes add to the payments fakes' server: scripted answers with headers (Retry-After)."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any

from adapters.payments.fakes.server import FakeProvider, Reply, Request


@dataclass
class _Scripted:
    status: int
    headers: dict[str, str]
    body: Any
    path: str | None


class ScriptedFake(FakeProvider):
    def __init__(self, *, port: int = 0) -> None:
        super().__init__(port=port)
        self._scripted: list[_Scripted] = []

    def answer_next(self, n: int, status: int, body: Any, *, headers: dict[str, str] | None = None,
                    path: str | None = None) -> None:
        """The next `n` requests (to `path`, or any) get this answer instead of the protocol's."""
        with self._lock:
            self._scripted.extend(_Scripted(status, dict(headers or {}), body, path) for _ in range(n))

    def handle(self, request: Request) -> Reply:
        with self._lock:
            for index, scripted in enumerate(self._scripted):
                if scripted.path in (None, request.path):
                    del self._scripted[index]
                    return scripted.status, scripted.headers, scripted.body
        return self.respond(request)

    @abstractmethod
    def respond(self, request: Request) -> Reply:
        """The provider's answer."""
