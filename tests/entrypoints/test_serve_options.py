"""`agora serve`'s own refusals, before any process or database starts."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from entrypoints.cli import build_parser, main
from entrypoints.supervisor import ServeOptions, bind_api_port, default_workers


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("AGORA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AGORA_SECRET_KEY", "test-secret-key-0123456789abcdef")


def test_one_api_process_per_core_by_default() -> None:
    args = build_parser().parse_args(["serve"])
    assert args.workers == default_workers() >= 1
    assert args.no_worker is False
    assert build_parser().parse_args(["worker", "--concurrency", "3"]).concurrency == 3


@pytest.mark.parametrize("argv", [["serve", "--workers", "0"], ["worker", "--concurrency", "0"]])
def test_counts_below_one_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("shared", [False, True])
def test_a_port_already_taken_stops_the_start_with_status_1(env: None, shared: bool,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["serve", "--port", str(port), *(["--shared-socket"] if shared else [])])
    assert status == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_another_agora_serve_on_the_port_is_not_joined_through_so_reuseport() -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as an API process of another agora serve
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            bind_api_port(ServeOptions(port=taken.getsockname()[1], reuse_port=True)).close()
