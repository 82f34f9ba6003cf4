"""Every kiosk's events and audit entries at the centre: idempotent ingest, listing, status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from turnstile.store.central.roster import Conn, Cursor, Row
from turnstile.store.outbox import OutboxItem, OutboxKind


@dataclass(frozen=True)
class CentralEvent:
    """One decision of one kiosk as the central log holds it."""

    uid: str
    kiosk_id: str
    at: datetime
    outcome: str
    person_id: int | None
    name: str | None
    similarity: float | None
    runner_up: float | None
    reason: str | None
    detail: str
    door: str


@dataclass(frozen=True)
class KioskStatus:
    """What `turnstile central status` shows for one kiosk."""

    kiosk_id: str
    last_contact: datetime
    change_number: int
    outbox: int
    model: str


def _time(text: object) -> datetime:
    return datetime.fromisoformat(str(text))


def _event_row(kiosk_id: str, item: OutboxItem) -> Row:
    p = item.payload
    return (item.uid, kiosk_id, p.get("local_id"), _time(p["at"]), p["outcome"],
            p.get("person_id"), p.get("name"), p.get("similarity"), p.get("runner_up"),
            p.get("reason"), p.get("detail") or "", p.get("door") or "",
            p.get("scores") or "{}", p.get("source") or "")


def _audit_row(kiosk_id: str, item: OutboxItem) -> Row:
    p = item.payload
    return (item.uid, kiosk_id, _time(p["at"]), p["actor"], p["action"], p.get("target") or "",
            p.get("detail") or "{}", p.get("prev_hash") or "", p.get("hash") or "")


def ingest(conn: Conn, kiosk_id: str, items: Sequence[OutboxItem]) -> int:
    """Store queued records once each (a resend of a known uid is ignored); returns new rows.

    Events of a person erased while the kiosk was away arrive without their name and link.
    """
    events = [_event_row(kiosk_id, i) for i in items if i.kind is OutboxKind.EVENT]
    audit = [_audit_row(kiosk_id, i) for i in items if i.kind is OutboxKind.AUDIT]
    with conn.transaction(), conn.cursor() as cur:
        before = _count(cur)
        cur.executemany(
            "INSERT INTO events (uid, kiosk_id, local_id, at, outcome, person_id, name,"
            " similarity, runner_up, reason, detail, door, scores, source) VALUES"
            " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (uid) DO NOTHING", events)
        cur.executemany(
            "INSERT INTO audit_log (uid, kiosk_id, at, actor, action, target, detail,"
            " prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (uid) DO NOTHING", audit)
        if events:
            cur.execute("UPDATE events SET person_id = NULL, name = NULL WHERE uid = ANY(%s)"
                        " AND person_id IN (SELECT person_id FROM erased)",
                        ([row[0] for row in events],))
        return _count(cur) - before


def _count(cur: Cursor) -> int:
    row = cur.execute(
        "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM audit_log)").fetchone()
    return int(row[0]) if row else 0


def heartbeat(conn: Conn, kiosk_id: str, change_number: int, outbox: int, model: str) -> None:
    conn.execute(
        "INSERT INTO kiosks (kiosk_id, change_number, outbox, model) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (kiosk_id) DO UPDATE SET last_contact = now(),"
        " change_number = EXCLUDED.change_number, outbox = EXCLUDED.outbox,"
        " model = EXCLUDED.model", (kiosk_id, change_number, outbox, model))
    if not conn.autocommit:
        conn.commit()


def kiosks(conn: Conn) -> list[KioskStatus]:
    rows = conn.execute("SELECT kiosk_id, last_contact, change_number, outbox, model"
                        " FROM kiosks ORDER BY kiosk_id").fetchall()
    conn.commit()
    return [KioskStatus(str(k), at, int(str(n)), int(str(o)), str(m))
            for k, at, n, o, m in rows]


def change_number(conn: Conn) -> int:
    row = conn.execute("SELECT value FROM change_counter").fetchone()
    conn.commit()
    return int(str(row[0])) if row else 0


def recent(conn: Conn, limit: int = 50, *, kiosk_id: str | None = None,
           outcome: str | None = None, person_id: int | None = None,
           since: datetime | None = None, until: datetime | None = None) -> list[CentralEvent]:
    """Newest first, from every kiosk unless one is named."""
    clauses, params = ["true"], []
    for clause, value in (("kiosk_id = %s", kiosk_id), ("outcome = %s", outcome),
                          ("person_id = %s", person_id), ("at >= %s", since),
                          ("at < %s", until)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    rows = conn.execute(
        "SELECT uid, kiosk_id, at, outcome, person_id, name, similarity, runner_up, reason,"
        f" detail, door FROM events WHERE {' AND '.join(clauses)}"
        " ORDER BY at DESC, uid LIMIT %s", (*params, limit)).fetchall()
    conn.commit()
    return [CentralEvent(str(u), str(k), at, str(o),
                         int(str(p)) if p is not None else None,
                         str(n) if n is not None else None,
                         float(str(s)) if s is not None else None,
                         float(str(r)) if r is not None else None,
                         str(why) if why is not None else None, str(d), str(door))
            for u, k, at, o, p, n, s, r, why, d, door in rows]

