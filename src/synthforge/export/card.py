"""The dataset card: a Hugging Face style README.md with YAML front matter."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from synthforge.atomic import write_atomic
from synthforge.export.exporter import ExportResult

LOADERS = {"jsonl": "json", "parquet": "parquet"}
TASKS = {"chat": "text-generation", "sharegpt": "text-generation", "alpaca": "text-generation",
         "dpo": "text-generation", "classification": "text-classification"}
_SIZE_LABELS = ("1K", "10K", "100K", "1M", "10M", "100M", "1B", "10B", "100B", "1T")


@dataclass
class CardInfo:
    """What the card tells. `counts` holds accepted, rejected, failed and attempted.

    `funnel` has one dict per stage: stage, in, kept, rejected, failed and reasons
    (reason -> count). `root` is the folder the card lives in: data file paths are written
    relative to it (`write_card` sets it to the card's folder when it is None).
    """

    name: str
    description: str = ""
    license: str = "other"
    seed: int = 0
    fingerprint: str = ""
    target: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    stop_reason: str | None = None
    funnel: list[dict[str, Any]] = field(default_factory=list)
    exports: list[ExportResult] = field(default_factory=list)
    recipe_yaml: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    created: str = ""
    root: Path | None = None


def write_card(path: Path, info: CardInfo) -> None:
    """Write the card to `path` (atomically); data paths are relative to its folder."""
    path = Path(path)
    if info.root is None:
        info = dataclasses.replace(info, root=path.parent)
    write_atomic(path, render_card(info).encode())


def render_card(info: CardInfo) -> str:
    """The card as markdown with YAML front matter."""
    sections = [
        _summary(info), _loading(info), _counts(info), _exports(info), _funnel(info),
        _reasons(info), _recipe(info), _versions(info),
    ]
    body = "\n\n".join(s for s in sections if s)
    return f"---\n{front_matter(info)}---\n\n{body}\n"


def front_matter(info: CardInfo) -> str:
    """The YAML metadata the Hub reads: license, name, size and the data files per split."""
    meta: dict[str, Any] = {"license": info.license, "pretty_name": info.name}
    first = info.exports[0] if info.exports else None
    rows = first.rows if first else info.counts.get("accepted", 0)
    meta["size_categories"] = [size_category(rows)]
    if first and first.format in TASKS:
        meta["task_categories"] = [TASKS[first.format]]
    meta["tags"] = ["synthetic", "synthforge"]
    if first and first.files:
        files = [{"split": split, "path": data_path(p, info.root)}
                 for split, p in first.files.items()]
        meta["configs"] = [{"config_name": "default", "data_files": files}]
    return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)


def size_category(rows: int) -> str:
    """The Hub's size bucket for `rows`: n<1K, 1K<n<10K, ..., n>1T."""
    if rows < 1000:
        return "n<1K"
    for i, upper in enumerate(_SIZE_LABELS[1:], start=1):
        if rows < 10 ** (3 + i):
            return f"{_SIZE_LABELS[i - 1]}<n<{upper}"
    return "n>1T"


def data_path(path: Path, root: Path | None) -> str:
    """`path` relative to `root` (the card's folder), with forward slashes."""
    if root is None:
        return Path(path).as_posix()
    return Path(os.path.relpath(Path(path).absolute(), Path(root).absolute())).as_posix()


def _summary(info: CardInfo) -> str:
    lines = [f"# {info.name}"]
    if info.description.strip():
        lines += ["", info.description.strip()]
    version = info.versions.get("synthforge")
    made = f"synthforge {version}" if version else "synthforge"
    lines += ["", f"Synthetic data made with {made} from the recipe below."]
    facts = [("Created", info.created), ("Seed", f"`{info.seed}`"),
             ("Recipe fingerprint", f"`{info.fingerprint}`" if info.fingerprint else ""),
             ("License", info.license)]
    lines += ["", *(f"- **{k}:** {v}" for k, v in facts if v)]
    return "\n".join(lines)


def _loading(info: CardInfo) -> str:
    first = info.exports[0] if info.exports else None
    if first is None or not first.files:
        return ""
    files = [f'        "{s}": "{data_path(p, info.root)}",' for s, p in first.files.items()]
    code = ["from datasets import load_dataset", "",
            "# run from the folder that holds this README",
            "ds = load_dataset(",
            f'    "{LOADERS.get(first.writer, first.writer)}",',
            "    data_files={", *files, "    },", ")"]
    return ("## Loading\n\n```python\n" + "\n".join(code) + "\n```\n\n"
            "The `configs` in this card's metadata also let `load_dataset` take this "
            "folder's path (or its Hub name) alone.")


def _counts(info: CardInfo) -> str:
    c = info.counts
    rows = [(name, c[name]) for name in ("accepted", "rejected", "failed", "attempted")
            if name in c]
    if info.target:
        rows.insert(0, ("target", info.target))
    if not rows:
        return ""
    text = "## Counts\n\n" + table(["", "records"], rows)
    if c.get("attempted"):
        text += f"\n\nAcceptance rate: {c.get('accepted', 0) / c['attempted']:.1%}."
    if info.stop_reason:
        text += f"\n\nStop reason: `{info.stop_reason}`."
    return text


def _exports(info: CardInfo) -> str:
    parts = []
    for result in info.exports:
        where = data_path(result.directory, info.root)
        rows = [(split, n, f"`{data_path(result.files[split], info.root)}`"
                 if split in result.files else "(empty, no file)")
                for split, n in result.counts.items()]
        text = (f"### `{where}` ({result.format}, {result.writer})\n\n"
                + table(["split", "rows", "file"], rows))
        if result.skipped:
            text += (f"\n\n{result.skipped} record(s) could not be written in this format, "
                     f"e.g.:\n\n" + table(["record", "reason"], result.skipped_examples[:5]))
        parts.append(text)
    return "## Files\n\n" + "\n\n".join(parts) if parts else ""


def _funnel(info: CardInfo) -> str:
    if not info.funnel:
        return ""
    columns = ["stage", "in", "kept", "rejected", "failed"]
    rows = [[step.get(c, "") for c in columns] for step in info.funnel]
    return "## Funnel\n\n" + table(columns, rows)


def _reasons(info: CardInfo) -> str:
    rows = [(step.get("stage", ""), reason, count)
            for step in info.funnel
            for reason, count in sorted((step.get("reasons") or {}).items(),
                                        key=lambda item: (-item[1], item[0]))]
    return "## Reject reasons\n\n" + table(["stage", "reason", "count"], rows) if rows else ""


def _recipe(info: CardInfo) -> str:
    if not info.recipe_yaml.strip():
        return ""
    return f"## Recipe\n\n{fenced(info.recipe_yaml, 'yaml')}"


def _versions(info: CardInfo) -> str:
    if not info.versions:
        return ""
    return "## Versions\n\n" + table(["package", "version"], sorted(info.versions.items()))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A markdown table; `|` and line breaks in cells cannot break it."""
    lines = [_row(headers), "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += [_row(row) for row in rows]
    return "\n".join(lines)


def _row(cells: Sequence[Any]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _cell(value: Any) -> str:
    text = " ".join(str(value).split())
    return text.replace("|", "\\|")


def fenced(text: str, language: str = "") -> str:
    """`text` in a code fence longer than any run of backticks inside it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"
