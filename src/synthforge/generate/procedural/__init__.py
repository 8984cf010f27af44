"""Procedural task families, one per module; importing this package registers them all."""

import importlib
import pkgutil

_SKIP = {"base", "answers", "rng"}

for _info in pkgutil.iter_modules(__path__):
    if _info.name not in _SKIP and not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")
