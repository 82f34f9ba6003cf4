"""Shared fixtures: the real data sets (skipped when absent), models, engine, databases."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from turnstile.config import Config, ModelsConfig
from turnstile.store import database as storage
from turnstile.store.sqlite import SQLiteStore
from turnstile.vision import models
from turnstile.vision.engine import Engine

#: pg_server / pg_dsn: a database per test on the real PostgreSQL (central store tests).
pytest_plugins = ["tests.pgserver"]

ROOT = Path(__file__).resolve().parents[1]
#: Real face data lives beside the project, never inside it.
DATASETS = ROOT.parent / "shared" / "datasets"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def dataset(*parts: str) -> Path:
    """Path inside the shared data sets; skips the test when it is absent."""
    path = DATASETS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"data set file {'/'.join(parts)} is not available")
    return path


@pytest.fixture(scope="session")
def examples() -> Path:
    """face_recognition's example photos (Obama, Biden, two people, ...)."""
    return dataset("face_recognition_examples", "examples")


@pytest.fixture(scope="session")
def models_dir() -> Path:
    directory = ModelsConfig().models_dir()
    problems = models.verify(directory)
    if problems:
        pytest.skip("models not installed (run `turnstile models install`): " + problems[0])
    return directory


@pytest.fixture(scope="session")
def config(models_dir: Path) -> Config:
    return Config(models=ModelsConfig(dir=str(models_dir), device="cpu"))


@pytest.fixture(scope="session")
def engine(config: Config) -> Engine:
    """The real YuNet + SFace engine, built once per test session."""
    return Engine.from_config(config)


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    """A migrated in-memory database."""
    connection = storage.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def store(conn: sqlite3.Connection) -> SQLiteStore:
    """The store over the in-memory database."""
    return SQLiteStore(conn)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "turnstile.db"
