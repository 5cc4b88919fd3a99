"""A use case of the memory container, called as a request or a job would: each call in its own REQUEST scope."""

from __future__ import annotations

import inspect
from typing import Any

from dishka import AsyncContainer


class InScope:
    """`await InScope(container, RegisterUser)(command)` resolves RegisterUser in a fresh REQUEST scope and calls it;
    `InScope(container, PaymentQueries).payment(...)` does the same for one method (a synchronous method is
    resolved synchronously: the memory wiring of a read model awaits nothing)."""

    def __init__(self, container: AsyncContainer, use_case: type[Any]) -> None:
        self._container = container
        self._use_case = use_case

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        async with self._container() as request:
            return await (await request.get(self._use_case))(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if not inspect.iscoroutinefunction(getattr(self._use_case, name)):
            return getattr(self._container().get_sync(self._use_case), name)

        async def method(*args: Any, **kwargs: Any) -> Any:
            async with self._container() as request:
                return await getattr(await request.get(self._use_case), name)(*args, **kwargs)

        return method
