"""The registry: named generators, steps and formats, with the pydantic config of each.

Recipes are validated against what is registered here, so adding a stage is adding one file
that registers itself. Third-party packages add theirs through the `synthforge.plugins`
entry-point group: each entry point names a module (imported for its registrations) or a
callable (called with no arguments).
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from synthforge.errors import UserError

Kind = Literal["generator", "step", "format"]
KINDS: tuple[Kind, ...] = ("generator", "step", "format")
PLUGIN_GROUP = "synthforge.plugins"

BUILTIN_MODULES = (
    "synthforge.generate.templates",
    "synthforge.generate.procedural",
    "synthforge.generate.reasoning_gym",
    "synthforge.generate.records",
    "synthforge.generate.simulate",
    "synthforge.generate.teacher_step",
    "synthforge.generate.files",
    "synthforge.validate.rules",
    "synthforge.validate.schema",
    "synthforge.validate.verify",
    "synthforge.validate.execute",
    "synthforge.curate.dedup",
    "synthforge.curate.near_dedup",
    "synthforge.curate.semantic_dedup",
    "synthforge.curate.quality",
    "synthforge.curate.novelty",
    "synthforge.curate.decontam",
    "synthforge.curate.privacy",
    "synthforge.curate.balance",
    "synthforge.export.formats",
)


@dataclass(frozen=True)
class Entry:
    """One registered name: what it builds and the config it takes."""

    kind: Kind
    name: str
    factory: Any
    config: type[BaseModel]
    summary: str
    origin: str


_entries: dict[str, dict[str, Entry]] = {k: {} for k in KINDS}
_loaded = False

T = TypeVar("T")


def register(kind: Kind, name: str, config: type[BaseModel] | None = None, *,
             replace: bool = False) -> Callable[[T], T]:
    """Class decorator registering `name` of `kind`; the config defaults to `factory.Config`."""

    def decorate(factory: T) -> T:
        table = _entries[kind]
        model = config or getattr(factory, "Config", BaseModel)
        if name in table and not replace and table[name].factory is not factory:
            raise ValueError(f"{kind} {name!r} is already registered by {table[name].origin}")
        doc = (getattr(factory, "__doc__", None) or "").strip()
        summary = " ".join(doc.split("\n\n", 1)[0].split())  # the first paragraph
        table[name] = Entry(kind, name, factory, model, summary,
                            getattr(factory, "__module__", "?"))
        return factory

    return decorate


def lookup(kind: Kind, name: str) -> Entry:
    """The entry for `name`, or a UserError that names the closest registered names."""
    ensure_loaded()
    table = _entries[kind]
    if name in table:
        return table[name]
    raise UserError(unknown_message(kind, name))


def unknown_message(kind: Kind, name: str) -> str:
    ensure_loaded()
    known = sorted(_entries[kind])
    close = difflib.get_close_matches(str(name), known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
    return f"unknown {kind} {name!r}; {hint} (`synthforge list` shows them all)"


def names(kind: Kind) -> list[str]:
    ensure_loaded()
    return sorted(_entries[kind])


def entries(kind: Kind) -> list[Entry]:
    ensure_loaded()
    return [_entries[kind][n] for n in sorted(_entries[kind])]


def ensure_loaded() -> None:
    """Import the built-in stages and the installed plugins, once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    load_plugins()


def load_plugins() -> list[str]:
    """Load every `synthforge.plugins` entry point; returns their names."""
    loaded = []
    for ep in entry_points(group=PLUGIN_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not hide the others
            raise UserError(f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        if callable(obj) and not isinstance(obj, type):
            obj()
        loaded.append(ep.name)
    return loaded
