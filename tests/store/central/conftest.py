"""A fresh PostgreSQL database per test on the real server ($TURNSTILE_TEST_PG_DSN), kiosks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

psycopg = pytest.importorskip("psycopg",
                              reason="psycopg is not installed (pip install -e .[central])")
from psycopg import conninfo  # noqa: E402

from tests.netproxy import TcpProxy  # noqa: E402
from turnstile.access.policy import AccessPolicy  # noqa: E402
from turnstile.access.schedule import Directory  # noqa: E402
from turnstile.config import EventsConfig, PolicyConfig, RecognitionConfig  # noqa: E402
from turnstile.store import database as storage  # noqa: E402
from turnstile.store.central.connection import Central  # noqa: E402
from turnstile.store.central.replica import ModelId  # noqa: E402
from turnstile.store.central.roster import CentralRoster  # noqa: E402
from turnstile.store.central.sync import Synchronizer  # noqa: E402
from turnstile.store.gallery import Gallery  # noqa: E402
from turnstile.store.records import NewTemplate  # noqa: E402
from turnstile.store.sqlite import SQLiteStore  # noqa: E402
from turnstile.store.sqlite.events import EventLog  # noqa: E402
from turnstile.types import Box, Decision, Face  # noqa: E402

MODEL = ModelId("test-model", 16)


@pytest.fixture
def proxy(pg_dsn: str) -> Iterator[TcpProxy]:
    params = conninfo.conninfo_to_dict(pg_dsn)
    host = str(params.get("host") or "127.0.0.1")
    server = TcpProxy(host if not host.startswith("/") else "127.0.0.1",
                      int(str(params.get("port") or 5432)))
    yield server
    server.close()


def through(dsn: str, proxy: TcpProxy) -> str:
    """The same database reached through the test's proxy."""
    return conninfo.make_conninfo(dsn, host="127.0.0.1", port=str(proxy.port))


def unit(rng: np.random.Generator) -> np.ndarray:
    vector = rng.standard_normal(MODEL.dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


def templates(vector: np.ndarray, source: str = "photo.jpg") -> list[NewTemplate]:
    return [NewTemplate(vector, source, 0.9, b"\xff\xd8 thumbnail of " + source.encode())]


@dataclass
class Kiosk:
    """A kiosk as far as the roster goes: its replica file, sync loop, matcher and log."""

    name: str
    path: Path
    central: Central
    conn: sqlite3.Connection
    sync: Synchronizer

    @classmethod
    def open(cls, name: str, folder: Path, dsn: str, poll_s: float = 0.2) -> Kiosk:
        path = folder / f"{name}.db"
        central = Central(dsn, name)
        conn = storage.connect(path)
        return cls(name, path, central, conn, Synchronizer(central, path, MODEL, poll_s))

    def decide(self, vector: np.ndarray, at: datetime | None = None,
               log: bool = True) -> Decision:
        """One final decision as the kiosk makes it: replica match, policy, event log."""
        store = SQLiteStore(self.conn)
        gallery = Gallery(store, MODEL.name, MODEL.dimension)
        policy = AccessPolicy(PolicyConfig(agreement_frames=1, cooldown_s=0.0),
                              RecognitionConfig(), Directory(store))
        face = Face(Box(10, 10, 200, 200), ((60, 80), (140, 80), (100, 120), (70, 160),
                                            (130, 160)), 0.99)
        decision = policy.decide(at or datetime.now(), [face],
                                 np.zeros((240, 240, 3), np.uint8),
                                 lambda _: gallery.match(vector))
        if log:
            EventLog(self.conn, EventsConfig(retention_days=0)).record(decision)
        return decision

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def roster(pg_dsn: str) -> Iterator[CentralRoster]:
    conn = psycopg.connect(pg_dsn)
    yield CentralRoster(conn, "cli:admin", "office")
    conn.close()



def bulk_enrol(dsn: str, count: int, per_person: int, rng: np.random.Generator) -> None:
    """`count` people with `per_person` templates each, copied in at once."""
    with psycopg.connect(dsn) as conn:
        CentralRoster(conn, "cli:import", "office").bulk_enrol(
            [(f"P{n}", [unit(rng) for _ in range(per_person)]) for n in range(count)],
            MODEL.name, MODEL.dimension)
