"""`synthforge curate`: the steps of a recipe over a data file made elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from synthforge.cli import (
    BatchOpt,
    OutOpt,
    PlainOpt,
    QuietOpt,
    WorkersOpt,
    _echo,
    _mode,
    app,
    err_console,
    out_console,
)
from synthforge.console import ProgressView, funnel_table
from synthforge.errors import UserError

CURATE_FILE_PARAMS = {"fields": "--fields", "id_field": "--id-field", "limit": "--limit"}


@app.command()
def curate(
    file: Annotated[Path, typer.Argument(help="Data file: .jsonl, .json, .parquet, .csv or "
                                         ".tsv (text formats may be gzipped).")],
    step: Annotated[list[str] | None, typer.Option(
        "--step", "-s", help="A step in YAML flow form, e.g. 'dedup: {fields: [text]}'; "
        "repeat for more, in order.")] = None,
    steps: Annotated[Path | None, typer.Option(
        "--steps", help="A YAML file with a list of steps in recipe syntax (they run "
        "before any --step).")] = None,
    out: OutOpt = None,
    format_: Annotated[str, typer.Option("--format", "-f", help="Output format (default "
                                         "records: the rows as they are).")] = "records",
    writer: Annotated[str | None, typer.Option(
        "--writer", help="jsonl or parquet (default: parquet for Parquet input, "
        "else jsonl).")] = None,
    fields: Annotated[list[str] | None, typer.Option(
        "--fields", help="Columns to keep, comma-separated: 'text,label' or "
        "'text=body,stars=meta.rating' (output=input column or dotted path).")] = None,
    id_field: Annotated[str | None, typer.Option(
        "--id-field", help="Column with the row's own id (kept in meta.source_id).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Curate only the first N "
                                              "rows.")] = None,
    recipe_out: Annotated[Path | None, typer.Option(
        "--recipe-out", help="Save the recipe built here, to rerun with `synthforge "
        "run`.")] = None,
    new: Annotated[bool, typer.Option("--new", help="Start a fresh run beside an existing "
                                      "one (out-2, out-3, ...).")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Delete the existing run "
                                            "directory first.")] = False,
    workers: WorkersOpt = None, batch_size: BatchOpt = None, quiet: QuietOpt = False,
    plain: PlainOpt = False,
) -> int:
    """Curate a data file made elsewhere: run steps over its rows, keep what passes.

    Kept rows go to OUT/dataset/<name of the input>.<jsonl|parquet>, in input order;
    rejected and failed rows, with their reasons, to OUT/rejected/; the funnel to
    OUT/report.html. Running the same command again resumes or reuses the run.
    """
    import synthforge.generate.files  # noqa: F401 - registers the `file` source
    from synthforge.engine.run import run as run_recipe

    source = _curate_source(file)
    parsed, origins, located = _curate_steps(step or [], steps)
    doc = _curate_doc(source, parsed, format_, _curate_writer(writer, source),
                      _curate_fields(fields or []), id_field, limit)
    _curate_validate(doc, origins, located, source)  # step errors first: before any indexing
    rows = _curate_rows(doc)
    doc |= {"target": rows, "budget": {"max_attempts": rows}}  # one attempt per row
    recipe = _curate_validate(doc, origins, located, source)
    if recipe_out is not None:
        _write_curate_recipe(doc, recipe_out, source)
    with ProgressView(out_console, _mode(quiet, plain)) as view:
        result = run_recipe(recipe, out, new=new, overwrite=overwrite, workers=workers,
                            batch_size=batch_size, on_progress=view, echo=_echo(quiet))
    _curate_summary(result, source, quiet, recipe_out)
    if result.stop_reason is not None and _checks_overlap(parsed):
        _curate_contamination(result)
    return 130 if result.stop_reason is None else 0


OVERLAP_STEPS = frozenset({"decontaminate", "source_copy"})


def _checks_overlap(steps: list[Any]) -> bool:
    """Whether a step looks for evaluation items or source documents (then a report is due)."""
    return any(isinstance(s, dict) and OVERLAP_STEPS & s.keys() for s in steps)


def _curate_contamination(result: Any) -> None:
    """Write OUT/contamination.json: which eval items (and sources) were hit, by which rows."""
    import orjson

    from synthforge.curate.decontam import write_contamination_report

    path = write_contamination_report(result)
    report = orjson.loads(path.read_bytes())
    parts = [f"{report[k]['items_hit']:,} {what} hit by {report[k]['records']:,} rows"
             for k, what in (("contamination", "eval items"), ("source_copy", "sources"))
             if report[k]["records"]]
    out_console.print(f"contamination  {path}  ({'; '.join(parts) or 'nothing hit'})",
                      soft_wrap=True)


def _curate_source(file: Path) -> Path:
    from synthforge.generate.files import detect_format, unsupported

    if not file.is_file():
        raise UserError(f"{file}: file not found" + (" (it is a directory)" if file.is_dir()
                                                      else ""))
    if detect_format(file) is None:
        raise UserError(unsupported(file).replace(", or set `format`", ""))
    return file.resolve()


def _curate_slug(file: Path) -> str:
    """The input's name without its extensions, as a recipe and split name."""
    import re

    stem = file.name.removesuffix(".gz").removesuffix(".GZ")
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).lstrip("._-")
    return slug or "data"


def _curate_writer(writer: str | None, source: Path) -> str:
    from synthforge.generate.files import detect_format

    if writer is None:
        return "parquet" if detect_format(source) == "parquet" else "jsonl"
    if writer not in ("jsonl", "parquet"):
        raise UserError(f"--writer must be jsonl or parquet, not {writer!r}")
    return writer


def _curate_fields(values: list[str]) -> dict[str, str] | None:
    """`--fields 'a,b=c.d'` as {a: a, b: c.d} (output field -> input column or path)."""
    pairs: dict[str, str] = {}
    for item in (x.strip() for v in values for x in v.split(",")):
        if not item:
            continue
        name, _, path = item.partition("=")
        name, path = name.strip(), (path.strip() if _ else name.strip())
        if not name or not path:
            raise UserError(f"--fields: {item!r} is not NAME or NAME=COLUMN")
        if name in pairs:
            raise UserError(f"--fields: {name!r} is given twice")
        pairs[name] = path
    return pairs or None


def _curate_step(text: str, n: int) -> Any:
    """One `--step` value: `TYPE: {config}` in YAML flow form, or a bare step type."""
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"--step {n}: not valid YAML ({problem}): {text!r}; write it like "
                        "'dedup: {fields: [text]}'") from None
    if isinstance(value, str) and value.strip():
        return {value.strip(): {}}
    if not isinstance(value, dict) or len(value) != 1:
        raise UserError(f"--step {n}: a step is one TYPE: {{config}} pair, like 'dedup: "
                        f"{{fields: [text]}}'; got {text!r}")
    return value


def _curate_steps(options: list[str], steps_file: Path | None) -> tuple[list[Any], list[Any],
                                                                         Any]:
    """The steps (from --steps, then each --step) and where each came from."""
    from synthforge.yamlloc import load_yaml

    parsed: list[Any] = []
    origins: list[Any] = []
    located = None
    if steps_file is not None:
        if not steps_file.is_file():
            raise UserError(f"{steps_file}: steps file not found")
        located = load_yaml(steps_file.read_text(encoding="utf-8"), str(steps_file))
        items, prefix = located.data, ()
        if isinstance(items, dict) and isinstance(items.get("steps"), list):
            items, prefix = items["steps"], ("steps",)  # a recipe: take its steps
        if not isinstance(items, list):
            raise UserError(f"{steps_file}: expected a YAML list of steps, like\n"
                            "  - dedup: {fields: [text]}\n  - rules: {min_words: 3}")
        parsed += items
        origins += [(*prefix, i) for i in range(len(items))]
    for n, text in enumerate(options, 1):
        parsed.append(_curate_step(text, n))
        origins.append(n)
    return parsed, origins, located


def _curate_doc(source: Path, steps: list[Any], format_: str, writer: str,
                fields: dict[str, str] | None, id_field: str | None, limit: int | None,
                rows: int = 1) -> dict[str, Any]:
    """The recipe: the file as the only source, one attempt per row, the given steps."""
    slug = _curate_slug(source)
    params: dict[str, Any] = {"path": str(source)}
    params.update({k: v for k, v in (("fields", fields), ("id_field", id_field),
                                     ("limit", limit)) if v is not None})
    return {"name": slug, "description": f"Curated from {source.name} by synthforge curate.",
            "target": rows, "budget": {"max_attempts": rows},
            "mix": [{"generator": "file", "name": slug, "params": params}],
            "steps": steps, "format": format_, "exports": [{"writer": writer}],
            "splits": {slug: 1.0}}


def _curate_validate(doc: dict[str, Any], origins: list[Any], located: Any,
                     source: Path) -> Any:
    from synthforge.errors import RecipeError
    from synthforge.recipe import load_recipe

    try:
        return load_recipe(doc)
    except RecipeError as exc:
        first = {i.path: i for i in reversed(exc.issues)}  # one problem per place
        lines = [_curate_issue(i, origins, located, source) for i in exc.issues
                 if first[i.path] is i]
        raise UserError("\n".join(lines)) from None


def _curate_issue(issue: Any, origins: list[Any], located: Any, source: Path) -> str:
    """A recipe issue told in the terms of the command line (--step N, --fields, FILE)."""
    path, message = issue.path, issue.message
    text = f"{message}, {issue.hint}" if issue.hint else message
    inner = ".".join(str(p) for p in path[3:])
    if path[:1] == ("steps",) and len(path) > 1 and isinstance(path[1], int):
        origin, rest = origins[path[1]], path[2:]
        names_key = message.startswith(("unknown key", "unknown step"))
        body = text if names_key or not rest else f"{'.'.join(map(str, rest))}: {text}"
        if isinstance(origin, int):
            return f"--step {origin}: {body}"
        _, pos = located.where((*origin, *rest), key=names_key)
        where = f"{located.file}:{pos[0]}:{pos[1]}" if pos else located.file
        return f"{where}: {body}"
    if path[:3] == ("mix", 0, "params"):
        option = CURATE_FILE_PARAMS.get(str(path[3]) if len(path) > 3 else "", str(source))
        return f"{option}: {inner + ': ' if inner and option == str(source) else ''}{text}"
    if path[:1] == ("format",):
        return f"--format: {text}"
    return str(issue)


def _curate_rows(doc: dict[str, Any]) -> int:
    """How many rows the source has (this indexes the file once)."""
    from synthforge.generate.files import FileConfig, FileSource
    from synthforge.stage import Context

    params = doc["mix"][0]["params"]
    config = FileConfig.model_validate(params, context={"base_dir": str(Path.cwd())})
    rows = FileSource(config, Context(), "file").size()
    if rows == 0:
        raise UserError(f"{config.path}: no rows to curate")
    return rows


def _write_curate_recipe(doc: dict[str, Any], path: Path, source: Path) -> None:
    """The recipe as YAML, its data path relative to where the recipe is saved."""
    import os

    import yaml

    from synthforge.atomic import write_atomic

    saved = {**doc, "mix": [{**doc["mix"][0], "params": {
        **doc["mix"][0]["params"], "path": os.path.relpath(source, path.resolve().parent)}}]}
    text = ("# Made by `synthforge curate`; rerun with: synthforge run "
            f"{path.name} --out DIR\n") + yaml.safe_dump(saved, sort_keys=False,
                                                         allow_unicode=True,
                                                         default_flow_style=None)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode())
    except OSError as exc:
        raise UserError(f"{path}: cannot write the recipe: {exc}") from exc


def _curate_summary(result: Any, source: Path, quiet: bool, recipe_out: Path | None) -> None:
    counts = result.counts
    if not quiet:
        out_console.print(funnel_table(result.funnel()))
    if result.stop_reason is None:
        err_console.print(f"interrupted: {counts['attempted']:,} rows done, safe in "
                          f"{result.path}; run the same command again to resume")
        return
    out_console.print(f"curated {source.name}: {counts['accepted']:,} kept, "
                      f"{counts['rejected']:,} rejected, {counts['failed']:,} failed of "
                      f"{counts['attempted']:,} rows", soft_wrap=True)
    for export in result.report.get("exports", []):
        for split, path in export["files"].items():
            out_console.print(f"dataset  {result.path / path}  ({export['format']}, "
                              f"{export['counts'][split]:,} rows)", soft_wrap=True)
    out_console.print(f"rejects  {result.path / 'rejected'}", soft_wrap=True)
    out_console.print(f"report   {result.path / 'report.html'}", soft_wrap=True)
    if recipe_out is not None:
        out_console.print(f"recipe   {recipe_out}  (rerun: synthforge run {recipe_out} "
                          "--out DIR)", soft_wrap=True)


