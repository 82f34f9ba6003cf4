"""Central roster to kiosk replicas: propagation, erasure, model refusal, concurrent edits."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import psycopg
import pytest

from tests.store.central.conftest import MODEL, Kiosk, templates, unit
from turnstile.store import database as storage
from turnstile.store.central import events as central_events
from turnstile.store.central.connection import Central
from turnstile.store.central.replica import ModelId, Replica, ReplicaError
from turnstile.store.central.roster import CentralRoster, EditConflictError, RosterModelError
from turnstile.store.central.schema import SCHEMA_VERSION, migrate, schema_version
from turnstile.store.central.sync import Synchronizer
from turnstile.store.outbox import Outbox
from turnstile.store.records import StoreError
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Outcome


def test_init_is_idempotent(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn) as conn:
        assert migrate(conn) == (SCHEMA_VERSION, SCHEMA_VERSION)
        assert schema_version(conn) == SCHEMA_VERSION


def test_enrolment_at_a_is_granted_at_b_within_a_second(
        pg_dsn: str, roster: CentralRoster, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    alice, bob = unit(rng), unit(rng)
    roster.enrol("Bob", "E2", templates(bob), MODEL.name, MODEL.dimension)
    a, b = Kiosk.open("door-a", tmp_path, pg_dsn), Kiosk.open("door-b", tmp_path, pg_dsn)
    stop = threading.Event()
    threads = [a.sync.start(stop), b.sync.start(stop)]
    try:
        _wait(lambda: b.sync.state.connected and b.sync.state.change_number > 0)
        assert b.decide(alice, log=False).outcome is Outcome.UNKNOWN
        # Kiosk A's panel enrols: the write goes to the centre in one transaction.
        CentralRoster(psycopg.connect(a.central.dsn), "panel:door-a", "door-a").enrol(
            "Alice", "E1", templates(alice), MODEL.name, MODEL.dimension)
        committed = time.monotonic()
        while b.decide(alice, log=False).outcome is not Outcome.GRANTED:
            assert time.monotonic() - committed < 1.0, "kiosk B did not grant within 1 s"
            time.sleep(0.01)
        decision = b.decide(alice)
        assert decision.outcome is Outcome.GRANTED and decision.match is not None
        assert decision.match.name == "Alice"
    finally:
        stop.set()
        for thread in threads:
            thread.join(5)
        a.close()
        b.close()


def test_erasure_at_the_centre_leaves_no_trace_at_b(
        pg_dsn: str, roster: CentralRoster, tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    vector = unit(rng)
    name, employee = "Zelda Quixotic-Erasure", "EMP-93817"
    person = roster.enrol(name, employee, templates(vector, "zelda.jpg"), MODEL.name,
                          MODEL.dimension)
    roster.set_groups(person.person.id, ["Staff"])
    b = Kiosk.open("door-b", tmp_path, pg_dsn)
    b.sync.once()
    assert b.decide(vector).outcome is Outcome.GRANTED
    b.sync.once()  # the event (with the name) reaches the centre
    with psycopg.connect(pg_dsn) as conn:
        assert [e.name for e in central_events.recent(conn)] == [name]

    roster.erase(person.person.id)
    report = b.sync.once()
    assert report.erased == 1
    assert b.decide(vector).outcome is Outcome.UNKNOWN
    b.close()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("door-b.db")]
    assert files
    traces = [name.encode(), employee.encode(), vector.tobytes(), b"thumbnail of zelda"]
    for path in files:
        data = path.read_bytes()
        for trace in traces:
            assert trace not in data, f"{path.name} still holds {trace[:20]!r}"
    with psycopg.connect(pg_dsn) as conn:
        assert all(e.name is None and e.person_id is None for e in central_events.recent(conn))
        assert conn.execute("SELECT count(*) FROM templates").fetchone() == (0,)


def test_a_roster_of_another_model_is_refused(
        pg_dsn: str, roster: CentralRoster, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    roster.enrol("Ann", None, templates(unit(rng)), MODEL.name, MODEL.dimension)
    other = ModelId("other-model", MODEL.dimension)
    with pytest.raises(RosterModelError):
        roster.enrol("Ben", None, templates(unit(rng)), other.name, other.dimension)
    path = tmp_path / "kiosk.db"
    sync = Synchronizer(Central(pg_dsn, "door-x"), path, other)
    report = sync.once()
    assert report.updated == 0 and "refuses the roster" in sync.state.problem
    kiosk = Kiosk.open("door-y", tmp_path, pg_dsn)
    kiosk.sync.once()
    kiosk.close()
    # The replica file made with MODEL cannot be opened by a kiosk running another model.
    conn = storage.connect(tmp_path / "door-y.db")
    with pytest.raises(ReplicaError, match="made with model test-model"):
        Replica(conn, other)
    conn.close()


def test_a_file_with_local_people_does_not_become_a_replica(
        pg_dsn: str, roster: CentralRoster, tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    roster.enrol("Ann", None, templates(unit(rng)), MODEL.name, MODEL.dimension)
    kiosk = Kiosk.open("door-z", tmp_path, pg_dsn)
    local = SQLiteStore(kiosk.conn)
    local.templates.add(local.people.add("Local").id, MODEL.name, MODEL.dimension,
                        templates(unit(rng)))
    Outbox(kiosk.conn, "central").register()
    kiosk.decide(unit(rng))  # decided on its own roster: the event still reaches the centre
    report = kiosk.sync.once()
    assert "enrolled locally" in kiosk.sync.state.problem
    assert report.updated == 0 and report.pushed == 1
    assert kiosk.conn.execute("SELECT name FROM people").fetchall() == [("Local",)]
    kiosk.close()


def test_two_administrators_edit_the_same_person_at_once(
        pg_dsn: str, roster: CentralRoster) -> None:
    """The first save wins; the second is refused whole and told to reload."""
    rng = np.random.default_rng(5)
    person = roster.enrol("Carl", "E7", templates(unit(rng)), MODEL.name, MODEL.dimension)
    version = person.version
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def edit(admin: str, new_name: str) -> None:
        with psycopg.connect(pg_dsn) as conn:
            mine = CentralRoster(conn, admin, "office")
            barrier.wait()
            try:
                results[admin] = mine.edit(person.person.id, version, name=new_name)
            except EditConflictError as exc:
                results[admin] = exc

    threads = [threading.Thread(target=edit, args=(admin, new))
               for admin, new in (("anna", "Carl Anna"), ("otto", "Carl Otto"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    conflicts = [a for a, r in results.items() if isinstance(r, EditConflictError)]
    winners = [a for a, r in results.items() if not isinstance(r, EditConflictError)]
    assert len(conflicts) == 1 and len(winners) == 1
    final = roster.person(person.person.id)
    assert final.person.name == {"anna": "Carl Anna", "otto": "Carl Otto"}[winners[0]]
    assert final.version == version + 1
    # The loser edits again on the fresh copy and succeeds.
    again = roster.edit(person.person.id, final.version, name="Carl Final")
    assert again.person.name == "Carl Final"
    with psycopg.connect(pg_dsn) as conn:
        edits = conn.execute("SELECT actor FROM audit_log WHERE action = 'edit'").fetchall()
    assert sorted(a for (a,) in edits) == sorted([winners[0], "cli:admin"])


def test_edits_reach_the_replica(pg_dsn: str, roster: CentralRoster, tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    vector = unit(rng)
    person = roster.enrol("Dora", "E9", templates(vector), MODEL.name, MODEL.dimension)
    kiosk = Kiosk.open("door-e", tmp_path, pg_dsn)
    kiosk.sync.once()
    roster.edit(person.person.id, person.version, active=False)
    kiosk.sync.once()
    decision = kiosk.decide(vector)
    assert decision.outcome is Outcome.DENIED
    roster.edit(person.person.id, person.version + 1, active=True)
    roster.set_schedule(person.person.id, [(d, "00:00", "00:01") for d in range(7)])
    kiosk.sync.once()
    assert kiosk.decide(vector).reason is not None
    kiosk.close()


def _wait(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_kiosk_background_sync_follows_the_centre(
        pg_dsn: str, roster: CentralRoster, tmp_path: Path) -> None:
    from turnstile.config import CentralConfig
    from turnstile.store.central.background import start_background

    assert start_background(CentralConfig(), tmp_path / "alone.db", "m", 4) is None
    path = tmp_path / "kiosk.db"
    halt = start_background(CentralConfig(dsn=pg_dsn, kiosk_id="door-bg"), path,
                            MODEL.name, MODEL.dimension)
    assert halt is not None
    rng = np.random.default_rng(7)
    vector = unit(rng)
    roster.enrol("Fay", None, templates(vector), MODEL.name, MODEL.dimension)
    conn = storage.connect(path)
    try:
        _wait(lambda: conn.execute("SELECT count(*) FROM people").fetchone() == (1,))
    finally:
        halt()
        conn.close()
    with psycopg.connect(pg_dsn) as central:
        assert central.execute("SELECT kiosk_id FROM kiosks").fetchall() == [("door-bg",)]


def test_the_replica_carries_the_central_version(pg_dsn: str, roster: CentralRoster,
                                                 tmp_path: Path) -> None:
    """Every saved change moves the version (groups and schedule too); a save over an older
    one writes nothing at all, and the replica holds the number the panel will name."""
    rng = np.random.default_rng(8)
    person = roster.enrol("Eve", "E11", templates(unit(rng)), MODEL.name, MODEL.dimension)
    pid, first = person.person.id, person.version
    roster.set_groups(pid, ["Staff"])
    roster.set_schedule(pid, [(0, "08:00", "18:00")])
    assert roster.person(pid).version == first + 2
    with pytest.raises(EditConflictError, match="changed by someone else meanwhile"):
        roster.save(pid, first, {"name": "Eve Stale"}, ["Night"], [(6, "00:00", "01:00")])
    now = roster.person(pid)
    assert (now.person.name, now.groups) == ("Eve", ("Staff",))
    saved = roster.save(pid, now.version, {"active": False}, ["Night"], [])
    assert saved.version == now.version + 1 and saved.groups == ("Night",)
    assert not saved.person.active
    kiosk = Kiosk.open("door-v", tmp_path, pg_dsn)
    kiosk.sync.once()
    replica = SQLiteStore(kiosk.conn)
    assert replica.people.get(pid).version == saved.version
    assert replica.schedules.windows(pid) == ()
    kiosk.close()


def test_a_template_removed_at_the_centre_leaves_every_replica(
        pg_dsn: str, roster: CentralRoster, tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    person = roster.enrol("Fay", None, [*templates(unit(rng), "a.jpg"),
                                        *templates(unit(rng), "b.jpg")],
                          MODEL.name, MODEL.dimension)
    kiosk = Kiosk.open("door-t", tmp_path, pg_dsn)
    kiosk.sync.once()
    replica = SQLiteStore(kiosk.conn)
    first, second = replica.templates.of(person.person.id)
    assert roster.remove_template(first.id) == person.person.id
    with pytest.raises(StoreError, match=f"no template with id {first.id}"):
        roster.remove_template(first.id)
    kiosk.sync.once()
    assert [t.id for t in replica.templates.of(person.person.id)] == [second.id]
    kiosk.close()


def test_card_numbers_reach_the_replica_and_stay_out_of_the_audit_log(
        pg_dsn: str, roster: CentralRoster, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    ada = roster.enrol("Ada", "C1", templates(unit(rng)), MODEL.name, MODEL.dimension)
    ben = roster.enrol("Ben", "C2", templates(unit(rng)), MODEL.name, MODEL.dimension)
    kiosk = Kiosk.open("door-c", tmp_path, pg_dsn)
    roster.edit(ada.person.id, ada.version, credential=4242)
    assert roster.person(ada.person.id).person.credential == 4242
    with pytest.raises(StoreError, match="card number 4242 already belongs to someone else"):
        roster.edit(ben.person.id, ben.version, credential=4242)
    kiosk.sync.once()
    store = SQLiteStore(kiosk.conn)
    assert store.people.get(ada.person.id).credential == 4242
    # Two people swap card numbers in one batch: the replica takes it.
    roster.edit(ben.person.id, ben.version, credential=77)
    roster.edit(ada.person.id, ada.version + 1, credential=None)
    roster.edit(ben.person.id, ben.version + 1, credential=4242)
    roster.edit(ada.person.id, ada.version + 2, credential=77)
    kiosk.sync.once()
    assert (store.people.get(ada.person.id).credential,
            store.people.get(ben.person.id).credential) == (77, 4242)
    with psycopg.connect(pg_dsn) as conn:
        details = [str(d) for (d,) in conn.execute(
            "SELECT detail FROM audit_log WHERE action = 'edit'").fetchall()]
    assert details and not any("4242" in d or "77" in d for d in details)
    kiosk.close()
