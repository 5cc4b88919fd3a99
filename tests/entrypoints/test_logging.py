"""Logging is the process's: the faces leave it alone, JSON lines carry the access line's fields."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from entrypoints.http.faces.spotvibe.app import create_face
from entrypoints.logs import ACCESS, configure_logging


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """The process's handler writes to whatever sys.stderr is: capsys reads it."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield capsys
    root.setLevel(level)
    root.handlers[:] = handlers


def test_the_level_set_for_the_process_survives_building_the_faces(stderr: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING")
    create_face("/")
    assert logging.getLogger().level == logging.WARNING


def test_json_lines_carry_the_access_fields(stderr: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    ACCESS.info("%s %s %d %.1fms", "GET", "/x/", 200, 1.5,
                extra={"method": "GET", "path": "/x/", "status": 200, "ms": 1.5})
    line = json.loads(stderr.readouterr().err.strip().splitlines()[-1])
    assert line["logger"] == "agora.access" and line["message"] == "GET /x/ 200 1.5ms"
    assert (line["method"], line["path"], line["status"], line["ms"]) == ("GET", "/x/", 200, 1.5)


@pytest.mark.parametrize("access_log", [True, False])
async def test_the_access_line_can_be_turned_off_alone(stderr: pytest.CaptureFixture[str], access_log: bool) -> None:
    from entrypoints.http.app import PrefixDispatcher

    async def teapot(scope: object, receive: object, send: Any) -> None:
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    configure_logging("INFO", "json", access_log=access_log)
    dispatcher = PrefixDispatcher({"/tea": teapot}, {}, container=None, owns_container=False)  # type: ignore[arg-type]
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await dispatcher({"type": "http", "method": "GET", "path": "/tea/pot"}, None, send)  # type: ignore[arg-type]
    logging.getLogger("agora").info("still here")
    lines = [json.loads(line) for line in stderr.readouterr().err.strip().splitlines()]
    assert sent[0]["status"] == 418
    access = [(line["path"], line["status"]) for line in lines if line["logger"] == "agora.access"]
    assert access == ([("/tea/pot", 418)] if access_log else [])
    assert lines[-1]["message"] == "still here"
    configure_logging("INFO")
