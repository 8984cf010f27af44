"""YAML loading that remembers where every key and value stands (file:line:column)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from synthforge.errors import Issue, RecipeError

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed YAML plus the position of each value and each mapping key, by path."""

    data: Any
    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[Path_, tuple[int, int] | None]:
        """Position of `path` (its key if asked), else of its longest located prefix."""
        table = self.keys if key else self.values
        for n in range(len(path), -1, -1):
            p = tuple(path[:n])
            if p in table:
                return p, table[p]
            if p in self.values:
                return p, self.values[p]
        return (), None


def load_yaml(text: str, file: str) -> Located:
    """Parse YAML text; syntax errors and duplicate keys become located RecipeErrors."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        msg = f"invalid YAML: {exc.problem or exc}"
        raise RecipeError([Issue((), msg, file, line, col,
                                 "check indentation, colons and quotes near this place")]) from exc
    if node is None:
        raise RecipeError([Issue((), "the file is empty", file, 1, 1,
                                 "a recipe needs at least name, target and mix")])
    located = Located(None, file)
    issues: list[Issue] = []
    _walk(node, (), located, issues)
    if issues:
        raise RecipeError(issues)
    loader = yaml.SafeLoader(text)
    try:
        located.data = loader.get_single_data()
    except yaml.YAMLError as exc:  # e.g. an unknown tag
        raise RecipeError([Issue((), f"invalid YAML: {exc}", file)]) from exc
    finally:
        loader.dispose()
    return located


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(node: yaml.Node, path: Path_, out: Located, issues: list[Issue]) -> None:
    out.values[path] = _pos(node)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key == "<<":
                continue
            if key in seen:
                line, col = _pos(key_node)
                issues.append(Issue(path + (key,), f"duplicate key {key!r} (first at line "
                                    f"{seen[key][0]})", out.file, line, col,
                                    "remove one of them"))
                continue
            seen[key] = _pos(key_node)
            out.keys[path + (key,)] = _pos(key_node)
            _walk(value_node, path + (key,), out, issues)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), out, issues)
