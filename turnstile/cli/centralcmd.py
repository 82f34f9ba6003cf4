"""`turnstile central init|status` and `turnstile sync`: the central database and replicas."""

from __future__ import annotations

import argparse
import functools
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from turnstile.cli.common import add_model_option, database_path, emit, load_config
from turnstile.config import Config
from turnstile.errors import UsageError


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    central = subparsers.add_parser("central", help="the central database of several kiosks")
    actions = central.add_subparsers(dest="central_command", metavar="ACTION", required=True)
    init = actions.add_parser("init", parents=[parent],
                              help="create or upgrade the central schema (safe to repeat)")
    init.set_defaults(func=run_init)
    status = actions.add_parser("status", parents=[parent],
                                help="every kiosk's last contact, change number and outbox")
    status.set_defaults(func=run_status)

    sync = subparsers.add_parser("sync", parents=[parent],
                                 help="pull roster changes into this kiosk's replica and push "
                                      "its queued events to the central database and the "
                                      "event streams (keeps following unless --once)")
    sync.add_argument("--once", action="store_true",
                      help="pull and push everything queued, then exit (1 when anything "
                           "could not be delivered, with the reason)")
    sync.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                      help="with --once: how long a failing event stream is retried "
                           "(default 30)")
    add_model_option(sync)
    sync.set_defaults(func=run_sync)


@contextmanager
def central_errors() -> Iterator[None]:
    """A server that cannot be reached or refuses is one line of error, not a traceback."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"central database: {first}") from exc


def reaching(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """central_errors() around a whole command."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        with central_errors():
            return command(args)

    return run


def central_of(config: Config) -> Any:
    """The configured central database (a connection.Central); an error when there is none."""
    from turnstile.store.central.connection import CentralConfigError, resolve

    central = resolve(config.central)
    if central is None:
        raise CentralConfigError("no [central] section in the config: set central.dsn (or "
                                 "dsn_file) and central.kiosk_id first")
    return central


@reaching
def run_init(args: argparse.Namespace) -> int:
    from turnstile.store.central.schema import migrate

    central = central_of(load_config(args))
    with central.connect() as conn:
        before, after = migrate(conn)
    text = (f"central schema created (version {after})" if before == 0 else
            f"central schema upgraded from version {before} to {after}" if before < after else
            f"central schema is up to date (version {after})")
    emit(args, {"before": before, "version": after, "dsn": central.safe_dsn}, text)
    return 0


@reaching
def run_status(args: argparse.Namespace) -> int:
    from turnstile.store.central import events
    from turnstile.store.central.schema import require_current

    central = central_of(load_config(args))
    with central.connect() as conn:
        require_current(conn)
        number = events.change_number(conn)
        kiosks = events.kiosks(conn)
    now = datetime.now(UTC)
    rows = [{"kiosk_id": k.kiosk_id, "last_contact": k.last_contact.isoformat(),
             "seconds_ago": round((now - k.last_contact).total_seconds(), 1),
             "change_number": k.change_number, "behind": number - k.change_number,
             "outbox": k.outbox, "model": k.model} for k in kiosks]
    lines = [f"central change number {number}; {len(rows)} kiosk(s)"]
    lines += [f"{r['kiosk_id']:16} last contact {r['seconds_ago']:>8} s ago  change "
              f"{r['change_number']} ({r['behind']} behind)  outbox {r['outbox']}"
              for r in rows]
    emit(args, {"change_number": number, "kiosks": rows}, "\n".join(lines))
    return 0


def run_sync(args: argparse.Namespace) -> int:
    """The central database and the event streams, whichever are configured."""
    from turnstile.links.streams import configured

    config = load_config(args)
    central, streams = config.central.configured, bool(configured(config))
    if not central and not streams:
        raise UsageError("nothing to sync: set [central] (dsn_file and kiosk_id), "
                         "events.mqtt.url or events.webhook.url in the config first")
    if args.once:
        return _sync_once(args, config, central, streams)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    halt = _start_streams(args, config) if streams else None
    try:
        if central:
            with central_errors():
                _synchronizer(args, config).run(stop)
        else:
            while not stop.wait(1.0):
                pass
    except KeyboardInterrupt:
        stop.set()
    finally:
        if halt is not None:
            halt()
    return 0


def _start_streams(args: argparse.Namespace, config: Config) -> Callable[[], None] | None:
    from turnstile.links.streams import start_streams

    return start_streams(config, database_path(args, config))


def _synchronizer(args: argparse.Namespace, config: Config) -> Any:
    from turnstile.store.central.replica import ModelId
    from turnstile.store.central.sync import Synchronizer
    from turnstile.vision.engine import build_embedder

    central = central_of(config)
    embedder = build_embedder(config, args.model)  # the model this kiosk matches with
    return Synchronizer(central, database_path(args, config),
                        ModelId(embedder.name, embedder.dimension))


def _sync_once(args: argparse.Namespace, config: Config, central: bool, streams: bool) -> int:
    """One pass of each: exit 0 when everything reached every receiver, 1 with reasons."""
    payload: dict[str, Any] = {}
    lines: list[str] = []
    problems: list[str] = []
    if central:
        try:
            with central_errors():
                payload, text = _central_once(args, config)
            lines.append(text)
        except UsageError as exc:
            if not streams:
                raise  # one line, exit 2, as before
            payload = {"problem": str(exc)}  # the streams still get their events
        if payload["problem"]:
            problems.append(str(payload["problem"]))
    payload["streams"] = []
    if streams:
        from turnstile.links.streams import deliver_once

        for report in deliver_once(config, database_path(args, config), args.wait):
            payload["streams"].append({"sink": report.sink, "delivered": report.delivered,
                                       "skipped": report.skipped, "left": report.left,
                                       "problem": report.problem or None})
            lines.append(f"{report.sink}: {report.delivered} event(s) delivered, "
                         f"{report.left} left")
            if report.problem:
                problems.append(f"{report.sink}: {report.problem}")
    payload["problems"] = problems
    emit(args, payload, "\n".join(lines + problems))
    return 1 if problems else 0


def _central_once(args: argparse.Namespace, config: Config) -> tuple[dict[str, Any], str]:
    sync = _synchronizer(args, config)
    report = sync.once()
    return ({"updated": report.updated, "erased": report.erased, "pushed": report.pushed,
             "change_number": report.change_number, "outbox": report.outbox,
             "problem": sync.state.problem or None},
            f"{report.updated} person(s) updated, {report.erased} erased, "
            f"{report.pushed} record(s) pushed; change number {report.change_number}, "
            f"outbox {report.outbox}")
