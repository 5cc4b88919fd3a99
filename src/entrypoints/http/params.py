"""Integer path and query values, bounded so that none reaches the database beyond what a BIGINT holds."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from domain.shared.ids import MAX_ID

MAX_PAGE_SIZE = 200

Id = Annotated[int, Parameter(ge=1, le=MAX_ID)]
PageSize = Annotated[int, Parameter(ge=1, le=MAX_PAGE_SIZE)]
Page = Annotated[int, Parameter(ge=1, le=MAX_ID // MAX_PAGE_SIZE)]  # so that the offset stays a BIGINT too


def limit_and_offset(page: int, page_size: int) -> tuple[int, int]:
    return page_size, (page - 1) * page_size
