"""The command line: synthforge run | resume | check | schema | show | export | list | report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import click
import orjson
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from synthforge import registry
from synthforge.console import ProgressView, funnel_table
from synthforge.errors import SynthforgeError, UserError

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  help="Make synthetic training data for language models.")
out_console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Run directory "
                                             "(default: runs/<recipe name>).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the "
                                        "final paths.")]
PlainOpt = Annotated[bool, typer.Option("--plain", help="Plain progress lines, even on a "
                                        "terminal.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", "-w", help="Processes for "
                                                "CPU-heavy stages (0 = one per core).")]
BatchOpt = Annotated[int | None, typer.Option("--batch-size", help="Records per batch.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _mode(quiet: bool, plain: bool) -> str:
    if quiet:
        return "quiet"
    return "rich" if out_console.is_terminal and not plain else "plain"


def _echo(quiet: bool) -> Any:
    return (lambda _m: None) if quiet else (lambda m: err_console.print(escape(m),
                                                                       soft_wrap=True))


def _execute(recipe: Any, out: Path | None, *, new: bool, overwrite: bool, workers: int | None,
             batch_size: int | None, quiet: bool, plain: bool, cache: str = "use") -> int:
    from synthforge.engine.run import run as run_recipe

    with ProgressView(out_console, _mode(quiet, plain)) as view:
        result = run_recipe(recipe, out, new=new, overwrite=overwrite, workers=workers,
                            batch_size=batch_size, cache=cache, on_progress=view,
                            echo=_echo(quiet))
    _summary(result, quiet)
    return 130 if result.stop_reason is None else 0


def _summary(result: Any, quiet: bool) -> None:
    counts, reason = result.counts, result.stop_reason
    if not quiet:
        out_console.print(funnel_table(result.funnel()))
    if reason is None:
        err_console.print(f"interrupted: {counts['accepted']:,} accepted of "
                          f"{counts['attempted']:,} attempted are safe in {result.path}; "
                          f"run the same command again to resume")
        return
    target = result.recipe.target
    why = {"target": "target reached",
           "cost": f"cost budget spent (${counts.get('cost', 0):.2f}; "
                   f"{counts['accepted']:,} of {target:,} wanted)"}.get(
        reason, f"budget exhausted ({counts['accepted']:,} of {target:,} wanted)")
    out_console.print(f"{why}: {counts['accepted']:,} accepted, {counts['rejected']:,} "
                      f"rejected, {counts['failed']:,} failed of {counts['attempted']:,} attempted",
                      soft_wrap=True)
    for export in result.report.get("exports", []):
        for split, path in export["files"].items():
            out_console.print(f"dataset  {result.path / path}  ({export['format']}, {split}, "
                              f"{export['counts'][split]:,} rows)", soft_wrap=True)
    out_console.print(f"rejects  {result.path / 'rejected'}", soft_wrap=True)
    out_console.print(f"report   {result.path / 'report.html'}", soft_wrap=True)
    out_console.print(f"card     {result.path / 'README.md'}", soft_wrap=True)


@app.command()
def run(recipe: Annotated[Path, typer.Argument(help="Recipe YAML file.")], out: OutOpt = None,
        new: Annotated[bool, typer.Option("--new", help="Start a fresh run beside an "
                                          "existing one (out-2, out-3, ...).")] = False,
        overwrite: Annotated[bool, typer.Option("--overwrite", help="Delete the existing "
                                                "run directory first.")] = False,
        workers: WorkersOpt = None, batch_size: BatchOpt = None, quiet: QuietOpt = False,
        plain: PlainOpt = False,
        no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write "
                                               "the teacher answer cache.")] = False,
        refresh_cache: Annotated[bool, typer.Option("--refresh-cache", help="Ask teachers "
                                                    "again and overwrite cached answers.")
                                 ] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Estimate teacher calls, "
                                              "tokens and cost; send nothing.")] = False
        ) -> int:
    """Make the dataset a recipe declares (resumes the run directory if it exists)."""
    if dry_run:
        return _dry_run(recipe)
    cache = "off" if no_cache else "refresh" if refresh_cache else "use"
    return _execute(recipe, out, new=new, overwrite=overwrite, workers=workers,
                    batch_size=batch_size, quiet=quiet, plain=plain, cache=cache)


def _dry_run(recipe_path: Path) -> int:
    from synthforge.engine.dryrun import estimate
    from synthforge.recipe import load_recipe

    recipe = load_recipe(recipe_path)
    found = estimate(recipe, base_dir=recipe_path.resolve().parent)
    if not found["stages"]:
        out_console.print("no teacher steps: this recipe makes no model calls (cost $0)")
        return 0
    table = Table(title=f"dry run (from {found['sample']} sample attempts; nothing sent)",
                  title_justify="left")
    for col in ("step", "model", "", "calls", "prompt tokens", "answer tokens", "cost (USD)"):
        table.add_column(col, justify="left" if col in ("step", "model", "") else "right")
    for s in found["stages"]:
        for label, key in (("target", "if_every_record_is_accepted"), ("at most", "at_most")):
            e = s[key]
            table.add_row(escape(s["stage"]), escape(s["model"]), label, f"{e['calls']:,}",
                          f"{e['prompt_tokens']:,}", f"{e['answer_tokens']:,}",
                          f"{e['cost_usd']:,.2f}")
    out_console.print(table)
    return 0


@app.command()
def resume(run_dir: Annotated[Path, typer.Argument(help="Run directory.")],
           workers: WorkersOpt = None, batch_size: BatchOpt = None, quiet: QuietOpt = False,
           plain: PlainOpt = False) -> int:
    """Resume a run from its directory, with the recipe it was started with."""
    from synthforge.engine.results import Run

    recipe = Run(run_dir).recipe
    return _execute(recipe, run_dir, new=False, overwrite=False, workers=workers,
                    batch_size=batch_size, quiet=quiet, plain=plain)


@app.command()
def check(recipe: Annotated[Path, typer.Argument(help="Recipe YAML file.")]) -> int:
    """Validate a recipe without running it."""
    from synthforge.engine.build import build_pipeline
    from synthforge.recipe import load_recipe

    loaded = load_recipe(recipe)
    build_pipeline(loaded, base_dir=recipe.resolve().parent)
    mix = ", ".join(f"{m.label} ({m.weight:g})" for m in loaded.mix)
    steps = ", ".join(loaded.step_names()) or "none"
    out_console.print(f"{recipe}: ok — {loaded.name}: target {loaded.target:,}, "
                      f"at most {loaded.max_attempts:,} attempts; mix: {mix}; steps: {steps}; "
                      f"format: {loaded.format.type}")
    return 0


@app.command()
def schema(out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file "
                                                    "instead of stdout.")] = None) -> int:
    """Print the recipe JSON Schema (for editor completion and validation)."""
    from synthforge.recipe import recipe_json_schema

    text = orjson.dumps(recipe_json_schema(), option=orjson.OPT_INDENT_2).decode()
    if out is None:
        sys.stdout.write(text + "\n")
    else:
        out.write_text(text + "\n", encoding="utf-8")
    return 0


@app.command()
def show(run_dir: Annotated[Path, typer.Argument(help="Run directory.")], json_: JsonOpt = False,
         samples: Annotated[int, typer.Option("--samples", "-n", help="Sample rows to "
                                              "show.")] = 3,
         rejected: Annotated[bool, typer.Option("--rejected", help="Sample rejected and "
                                                "failed rows instead.")] = False) -> int:
    """Print a run's funnel (per stage: in, kept, rejected by reason, failed) and sample rows."""
    from itertools import islice

    from synthforge.engine.results import Run

    result = Run(run_dir)
    rows = (list(islice(result.rejected(), samples)) if rejected
            else [r.to_dict() for r in islice(result.records(), samples)])
    funnel = result.funnel()
    if json_:
        doc = {"path": str(result.path), "name": result.recipe.name,
               "fingerprint": result.fingerprint, "stop_reason": result.stop_reason,
               "counts": result.counts, "funnel": [f.to_dict() for f in funnel],
               "samples": rows}
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    counts = result.counts
    status = result.stop_reason or "not finished (run again to resume)"
    out_console.print(f"[bold]{result.recipe.name}[/bold]  {result.path}  status: {status}")
    out_console.print(f"accepted {counts['accepted']:,} · rejected {counts['rejected']:,} · "
                      f"failed {counts['failed']:,} · attempted {counts['attempted']:,}")
    out_console.print(funnel_table(funnel, width=8))
    title = "rejected rows" if rejected else "sample rows"
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("id")
    table.add_column("row")
    for row in rows:
        body = {k: v for k, v in row.items() if k not in ("id", "index")}
        text = orjson.dumps(body).decode()
        table.add_row(escape(row["id"]), escape(text if len(text) < 600 else text[:597] + "..."))
    out_console.print(table)
    return 0


@app.command()
def export(run_dir: Annotated[Path, typer.Argument(help="Run directory.")],
           to: Annotated[Path, typer.Option("--to", help="Output folder.")],
           format_: Annotated[str | None, typer.Option("--format", "-f", help="chat, sharegpt, "
                                                       "alpaca, dpo, classification, records "
                                                       "(default: the recipe's).")] = None,
           writer: Annotated[str, typer.Option("--writer", help="jsonl or parquet.")] = "jsonl",
           no_splits: Annotated[bool, typer.Option("--no-splits", help="One file, no "
                                                   "train/validation/test.")] = False) -> int:
    """Write a run's accepted records in another format or place."""
    from synthforge.engine.results import Run
    from synthforge.export.exporter import export_records
    from synthforge.export.formats import FormatSpec

    if writer not in ("jsonl", "parquet"):
        raise UserError(f"--writer must be jsonl or parquet, not {writer!r}")
    result = Run(run_dir)
    recipe = result.recipe
    try:
        spec = FormatSpec.model_validate(format_) if format_ else recipe.format
    except ValidationError as exc:
        raise UserError(f"--format {format_}: {exc.errors()[0]['msg']}") from None
    shares = {"train": 1.0} if no_splits else recipe.splits
    done = export_records(result.records, spec, writer, to, shares, recipe.seed)
    for split, path in done.files.items():
        out_console.print(f"{path}  ({spec.type}, {split}, {done.counts[split]:,} rows)")
    if done.skipped:
        err_console.print(f"skipped {done.skipped:,} records that do not fit the "
                          f"{spec.type} format, e.g. {done.skipped_examples[0][1]}")
    return 0


@app.command("list")
def list_(kind: Annotated[str | None, typer.Argument(help="generators, steps or "
                                                     "formats.")] = None,
          json_: JsonOpt = False) -> int:
    """List the registered generators, steps and formats with their parameters."""
    kinds = {"generators": "generator", "steps": "step", "formats": "format"}
    if kind is not None and kind not in kinds:
        raise UserError(f"unknown kind {kind!r}; choose generators, steps or formats")
    chosen = [kinds[kind]] if kind else list(kinds.values())
    doc = {k: [{"name": e.name, "summary": e.summary, "params": _params(e)}
               for e in registry.entries(k)] for k in chosen}
    if json_:
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    for k, items in doc.items():
        table = Table(title=f"{k}s", title_justify="left", show_lines=False)
        table.add_column("name", style="bold")
        table.add_column("what it does")
        table.add_column("parameters")
        for item in items:
            params = ", ".join(f"{p['name']}{'' if p['required'] else '?'}" for p in
                               item["params"])
            table.add_row(item["name"], escape(item["summary"]), params)
        out_console.print(table)
    return 0


def _params(entry: registry.Entry) -> list[dict[str, Any]]:
    if entry.kind == "format":
        return []
    out = []
    for name, field in entry.config.model_fields.items():
        out.append({"name": name, "required": field.is_required(),
                    "description": field.description or ""})
    return out


@app.command()
def report(run_dir: Annotated[Path, typer.Argument(help="Run directory.")]) -> int:
    """Write a run's report.json and report.html again."""
    from synthforge.engine.results import Run
    from synthforge.measure.report import build_report, write_report

    result = Run(run_dir)
    json_path, html_path = write_report(result.path, build_report(
        result, result.report.get("exports", [])))
    out_console.print(f"report   {html_path}\n         {json_path}")
    return 0


cache_app = typer.Typer(no_args_is_help=True, help="The teacher answer cache.")
app.add_typer(cache_app, name="cache")
CachePathOpt = Annotated[Path | None, typer.Option("--path", help="Cache file (default: "
                                                   "$SYNTHFORGE_CACHE or ~/.cache/...).")]


@cache_app.command("stats")
def cache_stats(path: CachePathOpt = None, json_: JsonOpt = False) -> int:
    """How many answers the cache holds, per model, with their tokens and cost."""
    from synthforge.teachers.cache import Cache

    stats = Cache(path).stats()
    if json_:
        sys.stdout.write(orjson.dumps(stats, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    out_console.print(f"{stats['path']}: {stats['answers']:,} answers, "
                      f"{stats['bytes_on_disk']:,} bytes")
    for model, m in stats["models"].items():
        out_console.print(f"  {escape(model)}: {m['answers']:,} answers, "
                          f"{m['prompt_tokens']:,} + {m['completion_tokens']:,} tokens, "
                          f"${m['cost_usd']:,.4f} when first paid")
    return 0


@cache_app.command("prune")
def cache_prune(path: CachePathOpt = None,
                older_than: Annotated[float | None, typer.Option("--older-than", help="Only "
                                                                 "answers older than this "
                                                                 "many days.")] = None,
                model: Annotated[str | None, typer.Option("--model", help="Only this "
                                                          "model's answers.")] = None) -> int:
    """Delete cached answers (all, or by age or model)."""
    from synthforge.teachers.cache import Cache

    removed = Cache(path).prune(older_than_days=older_than, model=model)
    out_console.print(f"removed {removed:,} answers")
    return 0


def main(argv: list[str] | None = None) -> None:
    """Entry point: errors in what the user gave exit with code 2 and say where and what."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="synthforge")
    except SynthforgeError as exc:
        err_console.print(f"[bold red]error:[/bold red] {escape(str(exc))}", soft_wrap=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


# ---- curate: the steps of a recipe over a data file made elsewhere -------------------------

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
    return 130 if result.stop_reason is None else 0


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


@app.command("serve-test")
def serve_test(
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free one).")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    latency: Annotated[str, typer.Option(help="Seconds before each answer: 0.2, uniform:LOW:HIGH,"
                                         " normal:MEAN:SD or lognormal:MEAN:SD.")] = "0",
    capacity: Annotated[int | None, typer.Option(help="Most requests served at once; beyond: "
                                                 "429 with Retry-After.")] = None,
    queue: Annotated[bool, typer.Option("--queue", help="Queue requests beyond --capacity "
                                        "instead of refusing them.")] = False,
    rate_429: float = 0.0, rate_500: float = 0.0, rate_503: float = 0.0, rate_hang: float = 0.0,
    rate_malformed: float = 0.0, rate_truncated: float = 0.0, rate_slow_stream: float = 0.0,
    rate_reset: float = 0.0,
    retry_after: Annotated[float, typer.Option(help="Retry-After seconds of 429s and "
                                               "503s.")] = 1.0,
    hang_seconds: Annotated[float, typer.Option(help="How long a hung request waits.")] = 3600.0,
    fault_mode: Annotated[str, typer.Option(help="hash: faults drawn from the request body and "
                                            "attempt; random: from a seeded RNG.")] = "hash",
    seed: Annotated[int, typer.Option(help="Seed of latency and fault draws.")] = 0,
    model: Annotated[str, typer.Option(help="The model name /v1/models lists.")] = "test-model",
    api_key_env: Annotated[str | None, typer.Option(help="NAME of an environment variable "
                                                    "holding the API key to require.")] = None,
) -> int:
    """Serve a local OpenAI-compatible test server (made-up answers, injected faults).

    Prints the base URL, then serves until Ctrl-C. --rate-* are fractions of requests (0..1).
    """
    import asyncio
    import os

    from synthforge.teachers.testserver import Faults, TestServer, serve

    api_key = os.environ.get(api_key_env) if api_key_env else None
    if api_key_env and not api_key:
        raise UserError(f"--api-key-env {api_key_env}: that environment variable is not set")
    try:
        faults = Faults(rate_429=rate_429, rate_500=rate_500, rate_503=rate_503,
                        rate_hang=rate_hang, rate_malformed=rate_malformed,
                        rate_truncated=rate_truncated, rate_slow_stream=rate_slow_stream,
                        rate_reset=rate_reset, retry_after=retry_after,
                        hang_seconds=hang_seconds, mode=fault_mode)  # type: ignore[arg-type]
        server = TestServer(host, port, latency=latency, capacity=capacity, queue=queue,
                            faults=faults, api_key=api_key, model=model, seed=seed)
    except ValueError as exc:
        raise UserError(str(exc)) from None

    def ready(url: str) -> None:
        out_console.print(url, soft_wrap=True)
        err_console.print(f"serving {model} (stats: {server.root_url}/stats); Ctrl-C to stop",
                          soft_wrap=True)

    try:
        asyncio.run(serve(server, ready))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    err_console.print("stopped")
    return 0
