"""The command line: run, resume, check, schema, show, export, list, report (+ curate, cache)."""

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
        out.append({"name": field.alias or name, "required": field.is_required(),
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


# the other commands register themselves on `app`
from synthforge import cli_curate, cli_teachers  # noqa: E402, F401
