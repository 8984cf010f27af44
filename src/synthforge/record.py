"""Record: one row of data with its provenance; stable ids, seeds and fingerprints."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson


class Record:
    """One candidate row.

    `id` is stable (recipe fingerprint, source, source index), `index` is the position in the
    run's stream of attempts, `data` holds the fields and `meta` the provenance.
    """

    __slots__ = ("data", "id", "index", "meta")

    def __init__(self, id: str, index: int, data: dict[str, Any],
                 meta: dict[str, Any] | None = None):
        self.id = id
        self.index = index
        self.data = data
        self.meta = meta if meta is not None else {}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "index": self.index, "data": self.data, "meta": self.meta}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Record:
        return cls(row["id"], row["index"], row["data"], row.get("meta") or {})

    def get(self, path: str, default: Any = None) -> Any:
        """A field by path: `name` or `data.name` for data, `meta.a.b` for provenance, `id`."""
        return get_path(self, path, default)

    def __repr__(self) -> str:
        return f"Record(id={self.id!r}, index={self.index}, data={self.data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]


_MISSING = object()


def get_path(record: Record, path: str, default: Any = None) -> Any:
    """Resolve `field`, `data.field`, `meta.a.b`, `id` or `index` against a record."""
    if path == "id":
        return record.id
    if path == "index":
        return record.index
    head, _, rest = path.partition(".")
    if head == "meta":
        value: Any = record.meta
    elif head == "data":
        value = record.data
    else:
        value, rest = record.data, path
    for part in rest.split(".") if rest else ():
        if isinstance(value, dict):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.lstrip("-").isdigit():
            try:
                value = value[int(part)]
            except IndexError:
                value = _MISSING
        else:
            value = _MISSING
        if value is _MISSING:
            return default
    return value


def canonical_json(obj: Any) -> bytes:
    """JSON with sorted keys: the same value always gives the same bytes."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def fingerprint(obj: Any) -> str:
    """A hex digest of a JSON-able value, stable across processes and machines."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def derive_seed(*parts: object) -> int:
    """A 64-bit seed from any parts (seed, source name, index, ...), stable across processes."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


_M64 = (1 << 64) - 1


def mix64(x: int) -> int:
    """splitmix64's finaliser: a cheap, well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def record_id(fingerprint_hex: str, source: str, k: int) -> str:
    """A stable id: recipe fingerprint prefix, source name and the source's own index."""
    return f"{fingerprint_hex[:8]}-{source}-{k}"
