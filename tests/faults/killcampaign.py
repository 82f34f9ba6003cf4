"""Kill -9 at random moments: enrolment, import, event writing with door pulses, a door test.

Each trial starts a child process doing real work on a real database file (and a relay board
behind a pty), waits for it to be busy, kills it with SIGKILL after a random delay and then
checks what a restart would find: SQLite's integrity check passes, every enrolment the child
reported as committed is there in full, no person exists without templates (half an
enrolment), no door was opened without a committed event, and the relay is closed once the
door driver starts again. `python -m tests.faults.killcampaign child WORKLOAD ...` is the
child; benchmarks/kill_campaign.py runs the full campaign.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from tests.faults.fakerelay import CLOSE, OPEN, FakeRelay

ROOT = Path(__file__).resolve().parents[2]
WORKLOADS = ("enrol", "import", "events", "door")
#: How long after the child reports "ready" it may be killed, per workload (seconds).
WINDOW_S = {"enrol": 1.5, "import": 4.0, "events": 2.0, "door": 1.5}


@dataclass
class Trial:
    workload: str
    delay_s: float
    problems: list[str] = field(default_factory=list)
    #: Whether the kill left the relay energised (the restart then had to close it).
    left_open: bool = False
    #: Enrolments (or granted door pulses) the child reported committed before the kill.
    committed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Site:
    """What persists across trials: the database and everything children said they committed."""

    folder: Path
    relay: FakeRelay
    photos: Path | None = None
    #: Per workload: person id -> templates, as the children reported them committed.
    committed: dict[str, dict[int, int]] = field(default_factory=dict)

    def database(self, workload: str) -> Path:
        """One database per workload (the scripted events use a 4-dimension gallery)."""
        return self.folder / f"{workload}.db"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}


def _spawn(site: Site, workload: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.faults.killcampaign", "child", workload,
               str(site.database(workload)), site.relay.port, str(site.photos or "")]
    return subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=ROOT)


def _wait_ready(child: subprocess.Popen[str], seen: list[str],
                timeout: float = 60.0) -> bool:
    """Read until the child says "ready"; what it said before (commits) goes to `seen`."""
    assert child.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            return False
        if line.strip() == "ready":
            return True
        seen.append(line.rstrip("\n"))
    return False


def trial(site: Site, workload: str, rng: random.Random) -> Trial:
    """One child, killed at a random moment, then the checks."""
    result = Trial(workload, round(rng.uniform(0.0, WINDOW_S[workload]), 3))
    opens_before = sum(c.what == "open" for c in site.relay.commands)
    child = _spawn(site, workload)
    early: list[str] = []
    try:
        if not _wait_ready(child, early):
            result.problems.append("the child never became ready")
            return result
        time.sleep(result.delay_s)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        else:
            # A child that failed on its own was killed by nothing: its trial proves nothing.
            result.problems.append(f"the child ended by itself (exit {child.returncode}) "
                                   "before the kill")
        output, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    result.left_open = site.relay.energised
    lines = early + output.splitlines()
    result.committed = sum(line.startswith(("person ", "door ")) for line in lines)
    committed = site.committed.setdefault(workload, {})
    for line in lines:
        parts = line.split()
        if parts[:1] == ["person"]:
            committed[int(parts[1])] = int(parts[2])
    opened = sum(c.what == "open" for c in site.relay.commands) - opens_before
    result.problems.extend(check(site, workload, opened, lines))
    return result


def check(site: Site, workload: str, opened: int, lines: list[str]) -> list[str]:
    """What a restart finds, as a list of problems (empty: all good)."""
    problems: list[str] = []
    if not site.database(workload).exists():
        return _restart_closes(site)
    conn = sqlite3.connect(site.database(workload))
    try:
        found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if found != ["ok"]:
            problems.append(f"integrity_check: {found[:3]}")
        templates = dict(conn.execute(
            "SELECT p.id, COUNT(t.id) FROM people p LEFT JOIN templates t"
            " ON t.person_id = p.id GROUP BY p.id").fetchall())
        granted = {row[0] for row in conn.execute(
            "SELECT id FROM events WHERE outcome = 'granted' OR reason = 'door_failed'")}
    finally:
        conn.close()
    for pid, count in site.committed.get(workload, {}).items():
        # A later import may add templates to the same person, never take any away.
        if templates.get(pid, 0) < count:
            problems.append(f"committed person {pid} has {templates.get(pid)} of {count} "
                            "templates")
    half = [pid for pid, count in templates.items() if count == 0]
    if half:
        problems.append(f"half enrolments visible: people {half} have no template")
    # Record, then open: every relay pulse of this trial has its event committed before it.
    reported = [int(line.split()[1]) for line in lines if line.startswith("door ")]
    if opened > len(reported) + 1:
        problems.append(f"{opened} pulses but {len(reported)} reported grants")
    missing = [eid for eid in reported if eid not in granted]
    if missing:
        problems.append(f"door opened for events {missing} that are not in the log")
    problems.extend(_restart_closes(site))
    return problems


def _restart_closes(site: Site) -> list[str]:
    """Start the door driver as a restarted kiosk does: the relay must end up closed."""
    from turnstile.access.door import build_door
    from turnstile.config import DoorConfig

    door = build_door(DoorConfig(kind="serial", serial_port=site.relay.port, pulse_s=0.3,
                                 serial_open_hex=OPEN.hex(), serial_close_hex=CLOSE.hex()))
    try:
        deadline = time.monotonic() + 3.0
        while site.relay.energised and time.monotonic() < deadline:
            time.sleep(0.02)
        return ["the relay is still energised after a restart"] if site.relay.energised else []
    finally:
        door.close()


def campaign(folder: Path, trials: int, seed: int, photos: Path | None,
             progress: Callable[[Trial], None] = lambda _t: None) -> list[Trial]:
    """`trials` kills spread over the workloads in turn ("import" needs `photos`)."""
    rng = random.Random(seed)
    relay = FakeRelay()
    site = Site(folder, relay, photos)
    workloads = [w for w in WORKLOADS if w != "import" or photos is not None]
    results: list[Trial] = []
    try:
        for number in range(trials):
            results.append(trial(site, workloads[number % len(workloads)], rng))
            progress(results[-1])
    finally:
        relay.close()
    return results


# The child side -------------------------------------------------------------------------------


def _say(line: str) -> None:
    print(line, flush=True)


def _people_admin(database: Path, ready_after_first_save: bool = False) -> object:
    """The admin service, saying what it committed; optionally "ready" after its first save
    (the import: kills before any save would test nothing it commits)."""
    from datetime import datetime

    from turnstile.admin.audit import AuditLog
    from turnstile.admin.people import PeopleAdmin
    from turnstile.store.sqlite import SQLiteStore

    class Reporting(PeopleAdmin):
        announced = not ready_after_first_save

        def _saved(self) -> None:
            if not Reporting.announced:
                Reporting.announced = True
                _say("ready")

        def enrol(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            person = super().enrol(*args, **kwargs)  # type: ignore[arg-type]
            _say(f"person {person.id} {person.templates}")
            self._saved()
            return person

        def add_templates(self, *args: object, **kwargs: object) -> None:
            super().add_templates(*args, **kwargs)  # type: ignore[arg-type]
            self._saved()

    store = SQLiteStore.open(database)
    return Reporting(store, AuditLog(store.connection, datetime.now), "campaign", datetime.now)


def child_enrol(database: Path) -> None:
    import numpy as np

    from turnstile.store.gallery import Gallery
    from turnstile.store.records import NewTemplate

    people = _people_admin(database)
    # Templates are stored for a model: a 128-dimensional one of the campaign's own.
    people.gallery = Gallery(people.store, "campaign", 128)  # type: ignore[attr-defined]
    rng = np.random.default_rng(os.getpid())
    _say("ready")
    for number in range(10**6):
        templates = []
        for shot in range(3):
            vector = rng.standard_normal(128).astype(np.float32)
            templates.append(NewTemplate(vector / np.linalg.norm(vector), f"shot {shot}", 0.9,
                                         os.urandom(3000)))
        people.enrol(f"Person {os.getpid()}-{number}", None, templates,  # type: ignore[attr-defined]
                     consent=True)


def child_import(database: Path, photos: Path) -> None:
    from turnstile.admin.enrolment import Enroller
    from turnstile.admin.importer import Importer, plan_folder
    from turnstile.config import Config
    from turnstile.vision.engine import Engine

    people = _people_admin(database, ready_after_first_save=True)
    config = Config()
    engine = Engine.from_config(config)
    gallery = engine.gallery(people.store)  # type: ignore[attr-defined]
    people.gallery = gallery  # type: ignore[attr-defined]
    importer = Importer(Enroller(engine, gallery, config), people, consent=True)  # type: ignore[arg-type]
    # Each child starts at another person, so kills land in every part of the import.
    items = plan_folder(photos)
    names = sorted({item.name for item in items})
    start = random.Random(os.getpid()).randrange(len(names))
    order = {name: (i - start) % len(names) for i, name in enumerate(names)}
    items = sorted(items, key=lambda item: order[item.name])
    importer.run(items)  # says "ready" once its first group is saved


def child_events(database: Path, port: str) -> None:
    import numpy as np

    from tests.access.test_pipeline import VECTORS, Script, ScriptDetector, ScriptEmbedder
    from turnstile.access.camera import Frame
    from turnstile.access.door import SerialDoor
    from turnstile.access.liveness.verdict import AssumeLive
    from turnstile.access.pipeline import Pipeline, run
    from turnstile.config import CameraConfig, Config, PolicyConfig
    from turnstile.store.gallery import Gallery
    from turnstile.store.records import NewTemplate
    from turnstile.store.sqlite import SQLiteStore
    from turnstile.vision.engine import Engine

    store = SQLiteStore.open(database)
    gallery = Gallery(store, "script", 4)
    if not store.people.all():
        for pid in (1, 2):
            person = store.people.add(f"Person {pid}")
            store.templates.add(person.id, "script", 4,
                                [NewTemplate(np.array(VECTORS[pid], np.float32))])
    door = SerialDoor(port, 9600, OPEN, CLOSE, 0.3, open_ack=OPEN, close_ack=CLOSE)
    door.secure()
    config = Config(policy=PolicyConfig(agreement_frames=3, cooldown_s=2.0))
    pipeline = Pipeline.build(config, Engine(ScriptDetector(), ScriptEmbedder()), gallery, door,
                              AssumeLive())
    cycle = Script([1, 1, 1, 1] + [0] * 25 + [2, 2, 2, 2] + [0] * 25).frames_

    class Endless:
        """The cycle again and again, time running on (frames made as they are read)."""

        name = "endless"

        def frames(self) -> Iterator[Frame]:
            for index in range(10**9):
                frame = cycle[index % len(cycle)]
                step = timedelta(seconds=index / 10.0)
                yield Frame(frame.image, index, index / 10.0, cycle[0].at + step)

    script = Endless()
    _say("ready")

    def report(result: object) -> None:
        door_result = getattr(result, "door", None)
        if door_result is not None and door_result.opened:
            _say(f"door {getattr(result, 'event_id', 0)}")

    run(script, pipeline, report, camera=CameraConfig())


def child_door(port: str) -> None:
    from turnstile.access.door import SerialDoor

    door = SerialDoor(port, 9600, OPEN, CLOSE, 5.0, open_ack=OPEN, close_ack=CLOSE)
    door.secure()
    _say("ready")
    while True:
        door.open()
        time.sleep(0.4)


def main(argv: list[str]) -> None:
    _, workload, database, port, photos = argv
    if workload == "enrol":
        child_enrol(Path(database))
    elif workload == "import":
        child_import(Path(database), Path(photos))
    elif workload == "events":
        child_events(Path(database), port)
    else:
        child_door(port)


if __name__ == "__main__":
    main(sys.argv[1:])
