"""What tests of the SAQ queue share."""

from __future__ import annotations

from psycopg.sql import SQL
from saq import Queue
from saq.queue.postgres import PostgresQueue


async def finished_a_second_ago(queue: Queue, key: str) -> None:
    """SAQ takes a finished job's key again only with a later `scheduled` second (epoch seconds): the finished
    run is moved one second back, instead of the test waiting for the wall clock to reach the next second."""
    assert isinstance(queue, PostgresQueue)
    async with queue.pool.connection() as connection:
        await connection.execute(SQL("UPDATE {} SET scheduled = scheduled - 1 WHERE key = %s")
                                 .format(queue.jobs_table), [key])
