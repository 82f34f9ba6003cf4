"""1:N search on the central server: the panel's duplicate check and "who is this" everywhere.

With the pgvector extension the server ranks the templates itself (`<=>`, cosine distance);
without it the rows are streamed in chunks and scored with numpy, which gives the same answer
(exact search either way: a duplicate check must not miss the one existing enrolment).
"""

from __future__ import annotations

import numpy as np

from turnstile.store.central.roster import Conn
from turnstile.types import Embedding, Match

#: Templates scored per chunk by the numpy fallback (bounds the client's memory).
CHUNK = 100_000


def has_pgvector(conn: Conn) -> bool:
    """Whether the templates carry a pgvector column (set up by `enable_pgvector`)."""
    row = conn.execute("SELECT 1 FROM information_schema.columns WHERE table_name ="
                       " 'templates' AND column_name = 'vec'").fetchone()
    conn.commit()
    return row is not None


def enable_pgvector(conn: Conn) -> bool:
    """Where the server offers the extension: add and fill templates.vec; False otherwise."""
    available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")\
        .fetchone()
    conn.commit()
    if available is None:
        return False
    with conn.transaction():
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("ALTER TABLE templates ADD COLUMN IF NOT EXISTS vec vector")
    _backfill(conn)
    return True


def _backfill(conn: Conn) -> None:
    """Give templates written since the last search their vector column (writes stay plain)."""
    with conn.transaction():
        rows = conn.execute("SELECT id, embedding FROM templates WHERE vec IS NULL").fetchall()
        for template_id, blob in rows:
            conn.execute("UPDATE templates SET vec = %s::vector WHERE id = %s",
                         (_literal(np.frombuffer(blob, np.float32)), template_id))


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{float(v):.8g}" for v in vector) + "]"


def nearest(conn: Conn, embedding: Embedding, model: str,
            exclude: int | None = None) -> Match | None:
    """The person whose template is most similar (runner_up -1), or None for an empty roster."""
    query = np.asarray(embedding, np.float32).reshape(-1)
    if has_pgvector(conn):
        _backfill(conn)
        return _nearest_pgvector(conn, query, model, exclude)
    return _nearest_numpy(conn, query, model, exclude)


def _nearest_pgvector(conn: Conn, query: np.ndarray, model: str,
                      exclude: int | None) -> Match | None:
    row = conn.execute(
        "SELECT t.person_id, p.name, 1 - (t.vec <=> %s::vector) FROM templates t"
        " JOIN people p ON p.id = t.person_id WHERE t.model = %s AND t.person_id <> %s"
        " ORDER BY t.vec <=> %s::vector LIMIT 1",
        (_literal(query), model, exclude or 0, _literal(query))).fetchone()
    conn.commit()
    return None if row is None else Match(int(row[0]), str(row[1]), float(row[2]), -1.0)


def _nearest_numpy(conn: Conn, query: np.ndarray, model: str,
                   exclude: int | None) -> Match | None:
    best: tuple[float, int] | None = None
    with conn.transaction(), conn.cursor(name="turnstile_nearest", binary=True) as cur:
        cur.itersize = CHUNK
        cur.execute("SELECT person_id, embedding FROM templates WHERE model = %s"
                    " AND person_id <> %s", (model, exclude or 0))
        while rows := cur.fetchmany(CHUNK):
            matrix = np.frombuffer(b"".join(r[1] for r in rows), np.float32)\
                .reshape(len(rows), query.shape[0])
            scores = matrix @ query
            top = int(scores.argmax())
            if best is None or float(scores[top]) > best[0]:
                best = (float(scores[top]), int(rows[top][0]))
    if best is None:
        return None
    name = conn.execute("SELECT name FROM people WHERE id = %s", (best[1],)).fetchone()
    conn.commit()
    return Match(best[1], str(name[0]) if name else None, best[0], -1.0)

