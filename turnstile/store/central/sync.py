"""The sync loop: pull roster changes into the replica, push the outbox, follow NOTIFY.

The kiosk runs it on a background thread; `turnstile sync` runs it in the foreground. The
server being away never stops the kiosk: it keeps deciding on the replica it has, queues its
events, and the loop catches up on both sides when the link returns.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg

from turnstile.store import database as storage
from turnstile.store.central import accounts as central_accounts
from turnstile.store.central import events as central_events
from turnstile.store.central.connection import Central
from turnstile.store.central.replica import ChangeBatch, ModelId, Replica, ReplicaError, fetch
from turnstile.store.central.roster import CHANNEL, Conn, RosterModelError
from turnstile.store.central.schema import require_current
from turnstile.store.outbox import Outbox

log = logging.getLogger(__name__)

#: The outbox sink name of the central database.
SINK = "central"
#: Queued records sent per transaction.
PUSH_BATCH = 500
#: Seconds between reconnect attempts while the server is away (doubling up to the maximum).
RETRY_S, RETRY_MAX_S = 0.25, 5.0
#: Seconds between two `central status` heartbeats while nothing else happens.
HEARTBEAT_S = 5.0
#: Seconds between two notes that the replica's accounts are current, while none changes.
ACCOUNTS_CHECK_S = 60.0


@dataclass(frozen=True)
class SyncReport:
    """What one round did: people updated and erased, records pushed, where the replica is."""

    updated: int
    erased: int
    pushed: int
    change_number: int
    outbox: int


@dataclass
class SyncState:
    """What the kiosk and `central status` show about the link (read from other threads)."""

    connected: bool = False
    change_number: int = 0
    outbox: int = 0
    #: Why the roster is refused or the link is down ("" when all is well).
    problem: str = ""
    last_sync: float = 0.0


class Synchronizer:
    """Keeps one kiosk's SQLite file in step with the central database."""

    def __init__(self, central: Central, database: Path, model: ModelId,
                 poll_s: float = 0.5) -> None:
        self.central = central
        self.database = database
        self.model = model
        self.poll_s = poll_s
        self.state = SyncState()
        self._heartbeat_at = 0.0
        self._accounts_revision, self._accounts_at = -1, 0.0
        #: Called on the sync thread after each batch is committed into the replica.
        self.listeners: list[Callable[[ChangeBatch], None]] = []

    def _open_local(self) -> tuple[sqlite3.Connection, Replica, Outbox]:
        conn = storage.connect(self.database)
        replica = Replica(conn, self.model)  # refuses a replica of another model
        outbox = Outbox(conn, SINK)
        outbox.register()
        return conn, replica, outbox

    def once(self) -> SyncReport:
        """Pull every change, push every queued record, report; raises when unreachable."""
        local, replica, outbox = self._open_local()
        try:
            with self.central.connect(autocommit=True) as conn:
                require_current(conn)
                return self._round(conn, replica, outbox)
        finally:
            local.close()

    def _round(self, conn: Conn, replica: Replica, outbox: Outbox) -> SyncReport:
        updated = erased = 0
        try:
            while True:
                batch = fetch(conn, replica.change_number, self.model)
                if batch.upto == batch.since:
                    break
                erased += replica.apply(batch)
                for listener in self.listeners:
                    listener(batch)
                updated += len(batch.people)
                if not batch.more:
                    break
            self.state.problem = ""
        except (RosterModelError, ReplicaError) as exc:
            # Never match against a roster this replica cannot take (another model, another
            # central database); still deliver the events it has queued.
            self.state.problem = str(exc)
            log.error("%s", exc)
        self._accounts(conn, replica)
        pushed = 0
        while True:
            items = outbox.pending(PUSH_BATCH)
            if not items:
                break
            central_events.ingest(conn, self.central.kiosk_id, items)
            outbox.acknowledge(items[-1].seq)
            pushed += len(items)
        report = SyncReport(updated, erased, pushed, replica.change_number, outbox.size())
        self.state.change_number, self.state.outbox = report.change_number, report.outbox
        self.state.last_sync = time.time()
        if updated or pushed or time.monotonic() - self._heartbeat_at >= HEARTBEAT_S:
            central_events.heartbeat(conn, self.central.kiosk_id, report.change_number,
                                     report.outbox, str(self.model))
            self._heartbeat_at = time.monotonic()
        return report

    def _accounts(self, conn: Conn, replica: Replica) -> None:
        """Copy the central accounts when they changed, and note now and then that the copy
        is current (offline sign-in trusts it only for a while)."""
        current = central_accounts.revision(conn)
        if current != self._accounts_revision \
                or time.monotonic() - self._accounts_at >= ACCOUNTS_CHECK_S:
            central_accounts.copy_accounts(conn, replica.connection, datetime.now(), current)
            self._accounts_revision, self._accounts_at = current, time.monotonic()

    def run(self, stop: threading.Event) -> None:
        """Follow the centre until `stop` is set, reconnecting with back-off."""
        local, replica, outbox = self._open_local()
        delay = RETRY_S
        try:
            while not stop.is_set():
                try:
                    with self.central.connect(autocommit=True) as conn:
                        require_current(conn)
                        conn.execute(f"LISTEN {CHANNEL}")
                        self.state.connected, delay = True, RETRY_S
                        log.info("connected to the central database as %s",
                                 self.central.kiosk_id)
                        while not stop.is_set():
                            self._round(conn, replica, outbox)
                            for _ in conn.notifies(timeout=self.poll_s, stop_after=1):
                                pass
                except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                    if self.state.connected or not self.state.problem:
                        log.warning("central database unreachable, deciding on the replica "
                                    "(%s)", str(exc).strip().splitlines()[0] if str(exc) else exc)
                    self.state.connected = False
                    self.state.problem = "central database unreachable"
                    stop.wait(delay)
                    delay = min(delay * 2.0, RETRY_MAX_S)
        finally:
            self.state.connected = False
            local.close()

    def start(self, stop: threading.Event) -> threading.Thread:
        """Run the loop on a daemon thread (the kiosk's background sync)."""
        thread = threading.Thread(target=self._run_logged, args=(stop,), name="central-sync",
                                  daemon=True)
        thread.start()
        return thread

    def _run_logged(self, stop: threading.Event) -> None:
        try:
            self.run(stop)
        except Exception as exc:  # the kiosk keeps deciding; the reason goes to the log
            self.state.problem = str(exc)
            log.exception("central sync stopped")
