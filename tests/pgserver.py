"""A fresh PostgreSQL database per test on the real server ($TURNSTILE_TEST_PG_DSN)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

DSN_ENV = "TURNSTILE_TEST_PG_DSN"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The server's DSN; the tests skip, saying why, only where no server answers."""
    psycopg = pytest.importorskip("psycopg",
                                  reason="psycopg is not installed (pip install -e .[central])")
    dsn = os.environ.get(DSN_ENV, DEFAULT_DSN)
    try:
        psycopg.connect(dsn, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at ${DSN_ENV} ({dsn}): "
                    f"{str(exc).strip().splitlines()[0]}")
    return dsn


@pytest.fixture
def pg_dsn(pg_server: str) -> Iterator[str]:
    """A new database with the current central schema for this test, dropped afterwards."""
    import psycopg
    from psycopg import conninfo

    from turnstile.store.central.schema import migrate

    name = f"turnstile_test_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = conninfo.make_conninfo(pg_server, dbname=name)
    try:
        with psycopg.connect(dsn) as conn:
            migrate(conn)
        yield dsn
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
