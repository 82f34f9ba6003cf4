"""Fixtures for the admin core: a clock the test moves, an audit log, a real file database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turnstile.access.policy import AccessPolicy
from turnstile.access.schedule import Directory
from turnstile.admin.audit import AuditLog
from turnstile.admin.enrolment import Enroller
from turnstile.admin.passwords import ScryptCost
from turnstile.admin.people import PeopleAdmin
from turnstile.admin.roles import SystemUser
from turnstile.config import Config, PolicyConfig
from turnstile.store import database as storage
from turnstile.store.gallery import Gallery
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Decision, Face, Image, Match
from turnstile.vision.engine import Engine

#: A cheap scrypt cost so account tests stay fast; the strong default is tested on its own.
CHEAP_COST = ScryptCost(2**8)
#: Whoever runs `turnstile accounts ...` on the PC (the installer, as the kiosk account).
INSTALLER = SystemUser("cli:installer")


class FakeClock:
    """A wall clock the test advances by hand (lockouts are about time)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def file_conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = storage.connect(db_path)
    yield connection
    connection.close()


@pytest.fixture
def file_store(file_conn: sqlite3.Connection) -> SQLiteStore:
    return SQLiteStore(file_conn)


@pytest.fixture
def audit(file_conn: sqlite3.Connection, clock: FakeClock) -> AuditLog:
    return AuditLog(file_conn, clock)


@pytest.fixture
def gallery(engine: Engine, file_store: SQLiteStore) -> Gallery:
    return engine.gallery(file_store)


@pytest.fixture
def people(file_store: SQLiteStore, gallery: Gallery, audit: AuditLog,
           clock: FakeClock) -> PeopleAdmin:
    return PeopleAdmin(file_store, audit, "alice", clock, gallery)


@pytest.fixture
def enroller(engine: Engine, gallery: Gallery, config: Config) -> Enroller:
    return Enroller(engine, gallery, config)


def decide(engine: Engine, gallery: Gallery, config: Config, image: Image,
           at: datetime) -> Decision:
    """The kiosk policy's final decision on one real photo (one agreeing frame suffices)."""
    policy = AccessPolicy(PolicyConfig(agreement_frames=1), config.recognition,
                          Directory(gallery.store))
    faces = engine.detector.detect(image)

    def recognise(face: Face) -> Match:
        match = engine.analyze(image, gallery, faces=[face])[0].match
        assert match is not None
        return match

    return policy.decide(at, faces, image, recognise)
