"""A content-addressed cache of teacher answers, shared by every run and recipe.

Keys are digests of everything that shapes a request — the endpoint (without secrets), the
model, the messages, the parameters, the schema and the sample index — so an edited recipe
reuses every call that did not change, and a resumed run never pays twice. SQLite in WAL
mode: many readers and one writer at a time, across processes; a commit is atomic, so a
killed process leaves no half entry.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import orjson

from synthforge.record import canonical_json

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    created REAL NOT NULL,
    used REAL NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost REAL NOT NULL,
    body BLOB NOT NULL
)
"""


def default_path() -> Path:
    """`$SYNTHFORGE_CACHE`, else `$XDG_CACHE_HOME/synthforge/teachers.sqlite3`."""
    if os.environ.get("SYNTHFORGE_CACHE"):
        return Path(os.environ["SYNTHFORGE_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "synthforge" / "teachers.sqlite3"


def cache_key(identity: dict[str, Any], request: dict[str, Any]) -> str:
    """The digest of an endpoint identity and a request body (plus schema and sample)."""
    return hashlib.sha256(canonical_json({"endpoint": identity, "request": request})).hexdigest()


class Cache:
    """get/put of answers by key; safe from several threads and processes."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._db() as db:
            db.execute(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def get(self, key: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT body FROM answers WHERE key = ?", (key,)).fetchone()
        return orjson.loads(row[0]) if row else None

    def put(self, key: str, model: str, value: dict[str, Any]) -> None:
        now = time.time()
        self._db().execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, model, now, now, int(value.get("prompt_tokens", 0)),
             int(value.get("completion_tokens", 0)), float(value.get("cost", 0.0)),
             orjson.dumps(value)))

    def stats(self) -> dict[str, Any]:
        db = self._db()
        rows = db.execute("SELECT model, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), "
                          "SUM(cost), SUM(LENGTH(body)) FROM answers GROUP BY model").fetchall()
        models = {m: {"answers": n, "prompt_tokens": p or 0, "completion_tokens": c or 0,
                      "cost_usd": round(cost or 0.0, 6), "bytes": b or 0}
                  for m, n, p, c, cost, b in rows}
        return {"path": str(self.path), "answers": sum(m["answers"] for m in models.values()),
                "bytes_on_disk": self.path.stat().st_size if self.path.exists() else 0,
                "models": models}

    def prune(self, *, older_than_days: float | None = None, model: str | None = None) -> int:
        """Delete answers (all, or older than some days, or of one model); returns how many."""
        where, args = [], []
        if older_than_days is not None:
            where.append("created < ?")
            args.append(time.time() - older_than_days * 86400)
        if model is not None:
            where.append("model = ?")
            args.append(model)
        sql = "DELETE FROM answers" + (" WHERE " + " AND ".join(where) if where else "")
        db = self._db()
        removed = db.execute(sql, args).rowcount
        db.execute("VACUUM")
        return removed

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
