"""The background worker: SAQ tasks that call application job use cases, and the outbox relay."""

from entrypoints.worker.app import build_worker, start_worker, stop_worker

__all__ = ["build_worker", "start_worker", "stop_worker"]
