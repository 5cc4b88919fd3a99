"""Limits a process starts with. One PostgreSQL connection budget per deployment: every pool of a process bounded
by its share, no overflow, so a rush waits for a connection instead of PostgreSQL refusing new ones ("too many
clients", answered as 500s). A media size limit the faces can read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.database import MIN_CONNECTIONS, ConnectionShare, per_process
from adapters.sql.reads import ReadPool
from entrypoints.di.container import make_container
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings
from tests.http.conftest import test_settings as settings_for


@given(st.integers(min_value=MIN_CONNECTIONS, max_value=2_000))
def test_a_share_never_opens_more_than_it_was_given(connections: int) -> None:
    share = ConnectionShare.of(connections)
    assert share.total <= connections
    assert min(share.orm, share.reads, share.queue) >= 2


@given(st.integers(min_value=MIN_CONNECTIONS, max_value=2_000), st.integers(min_value=1, max_value=64))
def test_the_processes_of_one_serve_stay_within_the_total(total: int, processes: int) -> None:
    each = per_process(total, processes)
    assert each * processes <= total or each == MIN_CONNECTIONS


def test_the_budget_is_read_from_the_environment(tmp_path: Path) -> None:
    base = {"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k"}
    settings = Settings.from_env({**base, "AGORA_DB_CONNECTIONS": "12", "AGORA_DB_CONNECTIONS_TOTAL": "40"})
    assert (settings.db_connections, settings.db_connections_total) == (12, 40)
    for name, value in (("AGORA_DB_CONNECTIONS", "many"), ("AGORA_DB_CONNECTIONS_TOTAL", "3")):
        with pytest.raises(ValueError, match=name):
            Settings.from_env({**base, name: value})


async def test_the_process_pools_are_sized_from_its_share(data_dir: Path, database_url: str, queue_url: str) -> None:
    settings = settings_for(data_dir, database_url, db_connections=12)
    container = make_container(Runtime(settings=settings, database_url=database_url, queue_url=queue_url))
    try:
        share = ConnectionShare.of(12)
        engine = await container.get(AsyncEngine)
        assert (engine.pool.size(), engine.pool._max_overflow) == (share.orm, 0)  # type: ignore[attr-defined]
        reads = await container.get(ReadPool)
        assert reads.pool.get_max_size() == share.reads
    finally:
        await container.close()


def test_a_media_limit_the_faces_could_not_read_is_refused_at_start(tmp_path: Path) -> None:
    base = {"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k"}
    assert Settings.from_env({**base, "AGORA_MEDIA_MAX_BYTES": "7000000"}).media_max_bytes == 7_000_000
    for value in ("9000000", "0", "big"):
        with pytest.raises(ValueError, match="AGORA_MEDIA_MAX_BYTES"):
            Settings.from_env({**base, "AGORA_MEDIA_MAX_BYTES": value})


def test_the_messaging_mail_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    base = {"AGORA_DATA_DIR": str(tmp_path), "AGORA_SECRET_KEY": "k"}
    settings = Settings.from_env({**base, "AGORA_MESSAGING_REPLY_DOMAIN": "reponses.mairie.fr",
                                  "AGORA_MESSAGING_INBOUND_SECRET": "s3cret"})
    assert (settings.messaging_reply_domain, settings.messaging_inbound_secret) == ("reponses.mairie.fr", "s3cret")
    assert Settings.from_env(base).messaging_inbound_secret is None
