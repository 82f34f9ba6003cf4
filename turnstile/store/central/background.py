"""The kiosk's background sync, started only where [central] is configured (psycopg loads then)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from turnstile.config import CentralConfig


def start_background(config: CentralConfig, database: Path, model: str,
                     dimension: int) -> Callable[[], None] | None:
    """Follow the central database on a daemon thread; returns the function that stops it,
    or None for a kiosk without [central]."""
    if not config.configured:
        return None
    from turnstile.store.central.connection import resolve
    from turnstile.store.central.replica import ModelId
    from turnstile.store.central.sync import Synchronizer

    central = resolve(config)
    if central is None:
        return None
    stop = threading.Event()
    thread = Synchronizer(central, database, ModelId(model, dimension)).start(stop)

    def halt() -> None:
        stop.set()
        thread.join(timeout=5)

    return halt
