"""Bodies that may come as JSON or as a form with files (profile updates with a photo)."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile

from application.shared.ports import Upload
from domain.shared.errors import InvalidInput
from entrypoints.http.errors import field_details

T = TypeVar("T")


async def read_body_and_files(request: Request[Any, Any, Any], *, file_fields: tuple[str, ...]
                              ) -> tuple[dict[str, Any], dict[str, Upload]]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        fields: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name in file_fields:
                    files[name] = Upload(filename=value.filename or "upload", content_type=value.content_type or "",
                                         data=await value.read())
            else:
                fields[name] = None if value == "" else value
        return fields, files
    if not (await request.body()).strip():
        return {}, {}
    decoded = await request.json()
    if not isinstance(decoded, dict):
        raise InvalidInput("Un objet JSON est attendu")
    return decoded, {}


def convert(fields: dict[str, Any], shape: type[T]) -> T:
    """Validates loose input (form strings included) into a Struct; field errors come back as InvalidInput."""
    try:
        return msgspec.convert(fields, shape, strict=False)
    except msgspec.ValidationError as error:
        raise InvalidInput("Les données fournies sont invalides", details=field_details(str(error))) from None
