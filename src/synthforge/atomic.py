"""Files that appear whole or not at all: write to a hidden temporary name, then rename."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def temp_path(path: Path) -> Path:
    """A fresh hidden name next to `path`, for a file that is not finished yet."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a mix."""
    tmp = temp_path(path)
    try:
        with open(tmp, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_stale_temps(folder: Path) -> int:
    """Delete unfinished temporary files left under `folder` by a killed writer."""
    removed = 0
    for tmp in folder.rglob(".*.tmp"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed
