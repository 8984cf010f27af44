"""Recipes: the user's declaration of a dataset, validated by pydantic, with located errors."""

from __future__ import annotations

import difflib
import math
import os
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    SerializationInfo,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from synthforge import registry
from synthforge.errors import Issue, RecipeError, UserError
from synthforge.export.formats import FormatSpec
from synthforge.record import fingerprint
from synthforge.stage import StepConfig, StrictModel
from synthforge.yamlloc import Located, load_yaml

SLUG = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
FINGERPRINTED = ("seed", "target", "mix", "steps")


# ---- the recipe ---------------------------------------------------------------------------

class Budget(StrictModel):
    """Limits on the work a run may do."""

    max_attempts: int | None = Field(None, gt=0, description="Candidates to try at most "
                                     "(default: 10 x target).")
    max_cost: float | None = Field(None, gt=0, description="Spend limit in USD for teacher calls.")


class MixEntry(StrictModel):
    """One generator of the mix: its share of the attempts, its parameters, its quota."""

    generator: str = Field(description="A registered generator (`synthforge list`).")
    name: str | None = Field(None, pattern=SLUG, description="Label used in ids and the ledger "
                             "(default: the generator's name).")
    weight: float = Field(1.0, gt=0, description="Relative share of the attempts.")
    quota: int | float | None = Field(None, gt=0, description="Most accepted records from "
                                      "this entry: a count, or a share of target if below 1.")
    params: Any = Field(default_factory=dict, validate_default=True,
                        description="The generator's parameters.")

    @field_validator("generator")
    @classmethod
    def _known_generator(cls, value: str) -> str:
        registry.ensure_loaded()
        if value not in registry.names("generator"):
            raise PydanticCustomError("unknown_generator", registry.unknown_message(
                "generator", value))
        return value

    @field_validator("params", mode="after")
    @classmethod
    def _validate_params(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.data.get("generator")
        if name is None:
            return value
        config = registry.lookup("generator", name).config
        if isinstance(value, config):
            return value
        return config.model_validate(value if value is not None else {}, context=info.context)

    @property
    def label(self) -> str:
        return self.name or self.generator

    def quota_count(self, target: int) -> int | None:
        if self.quota is None:
            return None
        return int(self.quota) if self.quota >= 1 else max(1, math.floor(self.quota * target))


class Step(BaseModel):
    """One step, written in a recipe as `- TYPE: {config}`."""

    type: str
    config: StepConfig

    @model_validator(mode="wrap")
    @classmethod
    def _from_mapping(cls, value: Any, handler: Any, info: ValidationInfo) -> Step:
        if isinstance(value, Step):
            return value
        if isinstance(value, StepConfig):
            return cls.model_construct(type=_registered_name(value), config=value)
        if not isinstance(value, dict) or len(value) != 1:
            raise PydanticCustomError(
                "step_shape", "a step is a mapping with one key, the step type, e.g. "
                "`- rules: {{min_words: {{response: 3}}}}`")
        (kind, params), = value.items()
        registry.ensure_loaded()
        if kind not in registry.names("step"):
            _raise_at(kind, PydanticCustomError("unknown_step", registry.unknown_message(
                "step", kind)), params)
        config = registry.lookup("step", kind).config
        if not isinstance(params, config):
            try:
                params = config.model_validate(params if params is not None else {},
                                               context=info.context)
            except ValidationError as exc:
                raise _prefixed(exc, (kind,)) from None
        return cls.model_construct(type=kind, config=params)

    @model_serializer(mode="wrap")
    def _to_mapping(self, handler: Any, info: SerializationInfo) -> dict[str, Any]:
        # Lock files show only what the user set; fingerprints cover every value.
        full = bool((info.context or {}).get("fingerprint"))
        dumped = self.config.model_dump(mode=info.mode, context=info.context,
                                        exclude_defaults=not full)
        return {self.type: dumped}


def _registered_name(config: StepConfig) -> str:
    for entry in registry.entries("step"):
        if type(config) is entry.config:
            return entry.name
    raise PydanticCustomError("unknown_step", "this config class is not registered as a step")


def _raise_at(key: str, error: PydanticCustomError, value: Any) -> None:
    raise ValidationError.from_exception_data(
        "Step", [InitErrorDetails(type=error, loc=(key,), input=value)])


def _prefixed(exc: ValidationError, prefix: tuple[str | int, ...]) -> ValidationError:
    details = []
    for err in exc.errors():
        etype = err["type"]
        ctx = err.get("ctx")
        known = PydanticCustomError(etype, err["msg"].replace("{", "{{").replace("}", "}}"))
        details.append(InitErrorDetails(type=known, loc=prefix + tuple(err["loc"]),
                                        input=err.get("input"), ctx=ctx or {}))
    return ValidationError.from_exception_data("Step", details)


class ExportSpec(StrictModel):
    """One output of the finished dataset."""

    writer: Literal["jsonl", "parquet"] = "jsonl"
    format: FormatSpec | None = Field(None, description="Default: the recipe's format.")
    path: str = Field("dataset", description="Folder inside the run directory.")

    @field_validator("path")
    @classmethod
    def _inside(cls, value: str) -> str:
        parts = Path(value).parts
        if not parts or Path(value).is_absolute() or ".." in parts:
            raise PydanticCustomError("export_path", "an export path is a folder inside the "
                                      "run directory, like `dataset` (got {path!r})",
                                      {"path": value})
        return value


class RunSettings(StrictModel):
    """How to run (not what to make): never changes the data, so outside the fingerprint."""

    batch_size: int = Field(1000, gt=0, le=1_000_000)
    workers: int = Field(1, ge=0, description="Processes for CPU-heavy stages; 0 = one per core.")
    max_inflight: int | None = Field(None, gt=0, description="Batches in flight at once.")
    fail_fast: bool = Field(True, description="Stop when the first 1,000 attempts all fail: "
                            "the error is systematic, not bad luck.")


class Recipe(StrictModel):
    """A dataset declaration: what to make, how to check it, how to write it out."""

    name: str = Field(pattern=SLUG)
    description: str = ""
    seed: int = 0
    target: int = Field(gt=0, description="Accepted records wanted.")
    budget: Budget = Field(default_factory=Budget)
    mix: list[MixEntry] = Field(min_length=1)
    steps: list[Step] = Field(default_factory=list)
    format: FormatSpec = Field(default_factory=FormatSpec)
    exports: list[ExportSpec] = Field(default_factory=lambda: [ExportSpec()])
    splits: dict[str, float] = Field(default_factory=lambda: {"train": 1.0})
    license: str = Field("other", description="License of the dataset, for its card.")
    run: RunSettings = Field(default_factory=RunSettings)

    @field_validator("splits")
    @classmethod
    def _splits(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise PydanticCustomError("splits", "give at least one split, e.g. {train: 1.0}")
        for name, share in value.items():
            if not re.match(SLUG, name) or share <= 0:
                raise PydanticCustomError("splits", "each split needs a plain name and a share "
                                          "above 0; got {name}: {share}",
                                          {"name": name, "share": share})
        total = sum(value.values())
        if abs(total - 1.0) > 1e-6:
            raise PydanticCustomError("splits", "split shares must add up to 1 (they add up to "
                                      "{total})", {"total": round(total, 6)})
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Recipe:
        labels = [m.label for m in self.mix]
        dupes = sorted({x for x in labels if labels.count(x) > 1})
        if dupes:
            raise PydanticCustomError("mix_names", "mix entries need distinct names; "
                                      "{dupes} appear more than once (add `name:` to each)",
                                      {"dupes": ", ".join(dupes)})
        paths = [e.path for e in self.exports]
        if len(set(paths)) != len(paths):
            raise PydanticCustomError("export_paths", "each export needs its own `path`")
        return self

    # -- derived -----------------------------------------------------------------------
    @property
    def max_attempts(self) -> int:
        return self.budget.max_attempts or 10 * self.target

    def step_names(self) -> list[str]:
        """Unique labels for the steps: their `name`, else their type (numbered if repeated)."""
        out: list[str] = []
        for step in self.steps:
            base = step.config.name or step.type
            label, n = base, 2
            while label in out:
                label, n = f"{base}-{n}", n + 1
            out.append(label)
        return out

    def fingerprint(self) -> str:
        """Digest of everything that decides which records are made and kept."""
        dumped = self.model_dump(mode="json", include=set(FINGERPRINTED),
                                 context={"fingerprint": True})
        return fingerprint(dumped)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=False)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)


# ---- loading ------------------------------------------------------------------------------

def load_recipe(source: str | os.PathLike[str] | dict[str, Any] | Recipe,
                *, base_dir: str | os.PathLike[str] | None = None) -> Recipe:
    """A validated Recipe from a YAML file, YAML text, a dict or a Recipe.

    Errors are RecipeErrors that name the file, line, column and field of every problem.
    """
    if isinstance(source, Recipe):
        return source
    if isinstance(source, dict):
        return _validate(source, None, Path(base_dir or Path.cwd()))
    text, file, base = _read(source)
    located = load_yaml(text, file)
    if not isinstance(located.data, dict):
        raise RecipeError([Issue((), "a recipe is a mapping of keys (name, target, mix, ...)",
                                 file, 1, 1)])
    return _validate(located.data, located, Path(base_dir) if base_dir else base)


def _read(source: str | os.PathLike[str]) -> tuple[str, str, Path]:
    if isinstance(source, str) and "\n" in source and not os.path.exists(source):
        return str(source), "<recipe>", Path.cwd()
    path = Path(source)
    if not path.is_file():
        raise UserError(f"{path}: recipe file not found"
                        + (" (it is a directory)" if path.is_dir() else ""))
    try:
        return path.read_text(encoding="utf-8"), str(path), path.resolve().parent
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the recipe: {exc}") from exc


def _validate(data: dict[str, Any], located: Located | None, base_dir: Path) -> Recipe:
    try:
        return Recipe.model_validate(data, context={"base_dir": str(base_dir)})
    except ValidationError as exc:
        raise RecipeError(_issues(exc, data, located)) from None


def _issues(exc: ValidationError, data: Any, located: Located | None) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[tuple[Any, ...]] = set()
    for err in exc.errors(include_url=False):
        path = _data_path(tuple(err["loc"]), data)
        message, hint = _describe(err, path, data)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        file = line = col = None
        if located is not None:
            file = located.file
            _, pos = located.where(path, key=err["type"] in ("extra_forbidden", "unknown_step"))
            if pos:
                line, col = pos
        issues.append(Issue(path, message, file, line, col, hint))
    return issues


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """The part of a pydantic loc that exists in the input (a missing key is named last)."""
    path: list[Any] = []
    node = data
    for n, part in enumerate(loc):
        if _has(node, part):
            node = node[part]
        else:
            if isinstance(node, dict) and isinstance(part, str) and n == len(loc) - 1:
                path.append(part)
            break
        path.append(part)
    return tuple(path)


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _describe(err: dict[str, Any], path: tuple[Any, ...], data: Any) -> tuple[str, str | None]:
    etype, msg = err["type"], err["msg"]
    if etype == "extra_forbidden":
        key = path[-1] if path else "?"
        allowed = allowed_keys(path[:-1], data)
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else (
            f"allowed: {', '.join(allowed)}" if allowed else None)
        return f"unknown key {key!r}", hint
    if etype == "missing":
        return "required field is missing", None
    got = err.get("input")
    if etype.endswith(("_type", "_parsing")) or etype in ("literal_error", "enum"):
        return f"{msg}; got {_short(got)}", None
    return msg, None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def allowed_keys(path: tuple[Any, ...], data: Any) -> list[str]:
    """Keys a mapping at `path` of a recipe may hold (for suggestions)."""
    model: Any = Recipe
    node, container = data, False
    for part in path:
        parent, node = node, _child(node, part)
        if container:  # a list index or a dict key: same model inside
            container = False
        elif model is Step:
            model = registry.lookup("step", part).config if part in registry.names("step") else None
        elif model is MixEntry and part == "params":
            gen = parent.get("generator") if isinstance(parent, dict) else None
            known = gen in registry.names("generator")
            model = registry.lookup("generator", gen).config if known else None
        elif _is_model(model) and part in model.model_fields:
            model, container = _inner_model(model.model_fields[part].annotation)
        else:
            return []
        if model is None:
            return []
    return sorted(model.model_fields) if _is_model(model) and model is not Step else []


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def _inner_model(annotation: Any) -> tuple[Any, bool]:
    """The model inside an annotation, and whether a list index or dict key comes first."""
    if _is_model(annotation):
        return annotation, False
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _inner_model(args[0])
    if origin in (list, tuple, set, dict):
        inner = args[-1] if args else None
        model, _ = _inner_model(inner)
        return model, True
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            model, container = _inner_model(arg)
            if model is not None:
                return model, container
    return None, False


# ---- JSON Schema for editors --------------------------------------------------------------

def recipe_json_schema() -> dict[str, Any]:
    """The recipe's JSON Schema, with every registered generator's and step's parameters."""
    registry.ensure_loaded()
    schema = Recipe.model_json_schema()
    defs = schema.setdefault("$defs", {})
    entry_schema = defs.pop("MixEntry")
    variants = []
    for entry in registry.entries("generator"):
        params = _config_schema(entry.config, f"gen_{entry.name}_", defs)
        variant = {**entry_schema, "properties": {
            **entry_schema["properties"],
            "generator": {"const": entry.name, "description": entry.summary},
            "params": params}}
        variant["required"] = ["generator"]
        variants.append(variant)
    defs["MixEntry"] = {"oneOf": variants}
    steps = []
    for entry in registry.entries("step"):
        steps.append({"type": "object", "additionalProperties": False, "required": [entry.name],
                      "description": entry.summary,
                      "properties": {entry.name: _config_schema(entry.config,
                                                                f"step_{entry.name}_", defs)}})
    defs.pop("Step", None)
    formats = registry.names("format")
    spec = defs["FormatSpec"]
    spec["properties"]["type"]["enum"] = formats
    defs["FormatSpec"] = {"anyOf": [{"type": "string", "enum": formats}, spec],
                          "description": spec.get("description", "")}
    schema["properties"]["steps"] = {"type": "array", "items": {"oneOf": steps},
                                     "description": "Ordered checks and curators."}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "synthforge recipe"
    return schema


def _config_schema(model: type[BaseModel], prefix: str, defs: dict[str, Any]) -> dict[str, Any]:
    sub = model.model_json_schema(ref_template=f"#/$defs/{prefix}{{model}}")
    for name, body in sub.pop("$defs", {}).items():
        defs[prefix + name] = body
    return sub
