"""Database: the engine for the app's life, one session and unit of work per request or job, the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, from_context, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.sql.database import ConnectionShare, make_engine, make_sessionmaker
from adapters.sql.reads import ReadPool
from adapters.sql.uow import SqlJobJournal, SqlOutbox, SqlOutboxStore, SqlUnitOfWork
from application.shared.events import EventTranslation
from application.shared.ports import JobJournal, Outbox, OutboxStore, UnitOfWork
from entrypoints.runtime import Runtime


class DatabaseProvider(Provider):
    translation = from_context(EventTranslation, scope=Scope.APP)

    @provide(scope=Scope.APP)
    async def engine(self, runtime: Runtime) -> AsyncIterator[AsyncEngine]:
        share = ConnectionShare.of(runtime.settings.db_connections)
        engine = make_engine(runtime.database_url, pool_size=share.orm, max_overflow=0, pool_timeout=30)
        yield engine
        await engine.dispose()

    @provide(scope=Scope.APP)
    async def reads(self, runtime: Runtime) -> AsyncIterator[ReadPool]:
        pool = await ReadPool.open(runtime.database_url,
                                   max_size=ConnectionShare.of(runtime.settings.db_connections).reads)
        yield pool
        await pool.close()

    @provide(scope=Scope.APP)
    def sessions(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return make_sessionmaker(engine)

    @provide(scope=Scope.REQUEST)
    async def session(self, factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
        async with factory() as session:
            yield session

    sql_outbox = provide(SqlOutbox, scope=Scope.REQUEST)
    uow = provide(SqlUnitOfWork, scope=Scope.REQUEST, provides=UnitOfWork)
    outbox_store = provide(SqlOutboxStore, scope=Scope.REQUEST, provides=OutboxStore)
    journal = provide(SqlJobJournal, scope=Scope.REQUEST, provides=JobJournal)

    @provide(scope=Scope.REQUEST)
    def outbox(self, writer: SqlOutbox) -> Outbox:
        return writer
