"""`agora seed --demo` in-process: it prints what each context added, and a second run adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from entrypoints.cli import main


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, data_dir: Path, database_url: str, clean_database: None) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("AGORA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AGORA_SECRET_KEY", "test-secret-key-0123456789abcdef")
    monkeypatch.setenv("AGORA_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("AGORA_ARGON2_MEMORY_KIB", "1024")


def test_seed_demo_prints_what_it_added_once(env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "--demo"]) == 0
    first = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert first["ticketing.events"] == 50
    assert first["agenda.events"] == 12 and first["agenda.answers"] == 4
    assert main(["seed", "--demo"]) == 0
    second = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(second.values()) == {0}


def test_seed_wants_to_be_told_demo(env: None) -> None:
    with pytest.raises(SystemExit):
        main(["seed"])
