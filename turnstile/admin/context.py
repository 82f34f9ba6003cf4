"""Everything one admin session works with, wired once from the config and database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from turnstile.admin.accounts import Accounts
from turnstile.admin.audit import AuditLog
from turnstile.admin.enrolment import Enroller
from turnstile.admin.passwords import DEFAULT_COST, ScryptCost
from turnstile.admin.people import PeopleAdmin
from turnstile.admin.pins import PinAdmin, ScryptPins
from turnstile.admin.settings import CALIBRATION_FILE, FarCurve, SettingsStore, load_far_curve
from turnstile.config import Config
from turnstile.store import database as storage
from turnstile.store.accounts import AccountRecords
from turnstile.store.gallery import Gallery
from turnstile.store.sqlite import SQLiteStore
from turnstile.vision.engine import Engine, EngineFactory


@dataclass
class AdminContext:
    """The panel's store, engine, accounts, audit log and settings file."""

    config: Config
    config_path: Path
    database: Path
    conn: sqlite3.Connection
    engine: Engine
    clock: Callable[[], datetime] = datetime.now
    #: Password hashing cost (tests pass a cheap one; the default is the strong one).
    password_cost: ScryptCost = DEFAULT_COST
    #: Builds engines with the CLI's --model (the import page's, a reloaded config's).
    engines: EngineFactory = field(default_factory=EngineFactory)
    store: SQLiteStore = field(init=False)
    audit: AuditLog = field(init=False)
    accounts: Accounts = field(init=False)
    gallery: Gallery = field(init=False)
    enroller: Enroller = field(init=False)
    settings: SettingsStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = SQLiteStore(self.conn, self.config.events)
        self.audit = AuditLog(self.conn, self.clock, self.config.admin.audit_retention_days)
        self.accounts = Accounts(self.conn, self.config.admin, self.audit, self.clock,
                                 self.password_cost, self._central_accounts())
        self.gallery = self.engine.gallery(self.store)
        self.enroller = Enroller(self.engine, self.gallery, self.config)
        self.settings = SettingsStore(self.config_path, self.audit)

    def _central_accounts(self) -> AccountRecords | None:
        """With [central], accounts live in the central database (this file keeps a copy)."""
        if not self.config.central.configured:
            return None
        from turnstile.admin.central import account_store

        return account_store(self.config.central, self.conn, self.clock)

    @classmethod
    def open(cls, config: Config, config_path: Path, database: Path,
             engine: Engine | None = None,
             clock: Callable[[], datetime] = datetime.now,
             password_cost: ScryptCost = DEFAULT_COST,
             engines: EngineFactory | None = None) -> AdminContext:
        engines = engines or EngineFactory()
        return cls(config, config_path, database, storage.connect(database),
                   engine or engines(config), clock, password_cost, engines)

    def people(self, actor: str) -> PeopleAdmin:
        """Who changes people as `actor`: with [central], the central roster."""
        if self.config.central.configured:
            from turnstile.admin.central import CentralPeopleAdmin
            from turnstile.store.central.connection import resolve

            central = resolve(self.config.central)
            if central is not None:
                return CentralPeopleAdmin.open(self.store, self.audit, actor, self.clock,
                                               self.gallery, central, self.database)
        return PeopleAdmin(self.store, self.audit, actor, self.clock, self.gallery)

    def pins(self, actor: str) -> PinAdmin:
        """Who sets kiosk PINs as `actor` (always this kiosk's own file, central or not)."""
        return PinAdmin(self.store, self.store.pins, self.config.pin, self.audit, actor,
                        self.clock, ScryptPins(self.password_cost))
    def open_store(self) -> SQLiteStore:
        """The same database on a new connection, for a worker thread (connections stay
        per thread); the caller closes it."""
        return SQLiteStore.open(self.database, self.config.events)

    def far_curve(self) -> FarCurve | None:
        """Calibration's measured false-accept rates, kept beside the config file."""
        return load_far_curve(self.config_path.parent / CALIBRATION_FILE)

    def reload_config(self) -> None:
        """Pick up saved settings (the enroller's gate and threshold follow them)."""
        self.config = self.settings.load()
        self.enroller.config = self.config

    def close(self) -> None:
        self.conn.close()
