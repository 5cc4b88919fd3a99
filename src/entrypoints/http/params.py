"""Path and query values, bounded: no integer beyond what a BIGINT holds, no free text where a code is meant."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from domain.shared.ids import MAX_ID

MAX_PAGE_SIZE = 200

Id = Annotated[int, Parameter(ge=1, le=MAX_ID)]
PageSize = Annotated[int, Parameter(ge=1, le=MAX_PAGE_SIZE)]
Page = Annotated[int, Parameter(ge=1, le=MAX_ID // MAX_PAGE_SIZE)]  # so that the offset stays a BIGINT too
CurrencyCode = Annotated[str | None, Parameter(pattern="^[A-Za-z]{3}$", description="ISO 4217, e.g. XOF")]


def limit_and_offset(page: int, page_size: int) -> tuple[int, int]:
    return page_size, (page - 1) * page_size
