"""`turnstile door test|close`: what an installer needs to see the relay answer."""

from __future__ import annotations

import argparse
import time
from typing import Any

from turnstile.access.door import DoorResult, SerialDoor, build_door
from turnstile.cli.common import database_path, emit, load_config
from turnstile.config import Config

#: Seconds beyond the pulse that `door test` waits for the relay to be closed again.
CLOSE_GRACE_S = 5.0
#: Seconds beyond libosdp's offline timeout that `door test` waits for an OSDP panel's polls.
PANEL_GRACE_S = 4.0


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    door = subparsers.add_parser("door", help="test the door relay")
    actions = door.add_subparsers(dest="action", metavar="ACTION", required=True)
    test = actions.add_parser("test", parents=[parent],
                              help="close the relay, pulse it once and report what it answered")
    test.set_defaults(func=run_test)
    close = actions.add_parser("close", parents=[parent], help="drive the relay closed")
    close.set_defaults(func=run_close)


def _line(step: str, result: DoorResult) -> dict[str, Any]:
    return {"step": step, "ok": result.opened, "detail": result.detail}


def _wait_closed(door: object, pulse_s: float) -> DoorResult:
    if not isinstance(door, SerialDoor) or not door.close_bytes:
        return DoorResult(True, "the relay times its pulse itself")
    deadline = time.monotonic() + pulse_s + CLOSE_GRACE_S
    while door.closed is not True and time.monotonic() < deadline:
        time.sleep(0.05)
    if door.closed:
        return DoorResult(True, f"the relay closed again after the pulse ({door.port})")
    return DoorResult(False, f"the relay did not confirm closing within "
                             f"{pulse_s + CLOSE_GRACE_S:g} s ({door.port}); still retrying")


def _test_panel(args: argparse.Namespace, config: Config) -> int:
    """An OSDP reader opens nothing itself: show whether the panel polls it (securely)."""
    from turnstile.access.osdpdoor import OFFLINE_AFTER_S, OsdpDoor

    door = build_door(config.door, config.osdp, database_path(args, config).parent)
    assert isinstance(door, OsdpDoor)
    try:
        deadline = time.monotonic() + OFFLINE_AFTER_S + PANEL_GRACE_S
        wanted = config.osdp.secure_channel
        while time.monotonic() < deadline and not (
                door.status.online and (door.status.secure or not wanted)):
            time.sleep(0.1)
        status = door.status
    finally:
        door.close()
    steps = [_line("panel polls the reader", DoorResult(status.online, status.describe()))]
    if wanted:
        steps.append(_line("secure channel", DoorResult(
            status.secure, "established with the key in the key file" if status.secure else
            "not established: check the key installed in the panel")))
    ok = all(step["ok"] for step in steps)
    emit(args, {"door": "osdp", "ok": ok, "steps": steps},
         "\n".join(f"{'ok  ' if s['ok'] else 'FAIL'} {s['step']}: {s['detail']}"
                   for s in steps))
    return 0 if ok else 1


def run_test(args: argparse.Namespace) -> int:
    config = load_config(args)
    if config.door.kind == "osdp":
        return _test_panel(args, config)
    door = build_door(config.door)  # a serial relay is driven closed here first
    try:
        steps: list[dict[str, Any]] = []
        if isinstance(door, SerialDoor) and door.close_bytes:
            steps.append(_line("closed at start", DoorResult(
                door.closed is True, "the relay took the close command" if door.closed
                else "the relay did not take the close command")))
        opened = door.open()
        steps.append(_line("pulse", opened))
        if opened.opened:
            steps.append(_line("closed after the pulse", _wait_closed(door, config.door.pulse_s)))
    finally:
        door.close()
    ok = all(step["ok"] for step in steps)
    emit(args, {"door": config.door.kind, "ok": ok, "steps": steps},
         "\n".join(f"{'ok  ' if s['ok'] else 'FAIL'} {s['step']}: {s['detail']}"
                   for s in steps))
    return 0 if ok else 1


def run_close(args: argparse.Namespace) -> int:
    config = load_config(args)
    if config.door.kind == "osdp":
        result = DoorResult(True, "an OSDP reader has no close command (the panel drives "
                            "the lock)")
        emit(args, _line("close", result), f"ok: {result.detail}")
        return 0
    door = build_door(config.door)
    try:
        result = door.secure() if isinstance(door, SerialDoor) else \
            DoorResult(True, f"a {config.door.kind} door has no close command")
    finally:
        door.close()
    emit(args, _line("close", result), f"{'ok' if result.opened else 'FAIL'}: {result.detail}")
    return 0 if result.opened else 1
