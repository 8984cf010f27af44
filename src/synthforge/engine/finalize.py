"""After the last batch: write the exports, the report and the dataset card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from synthforge.engine.results import Run
from synthforge.engine.rundir import versions
from synthforge.export.card import CardInfo, write_card
from synthforge.export.exporter import ExportResult, export_records
from synthforge.measure.report import build_report, write_report
from synthforge.recipe import Recipe


def finalize(run: Run, recipe: Recipe, stop_reason: str | None) -> list[ExportResult]:
    """Export the accepted records as the recipe says, then write report and card."""
    results = [
        export_records(run.records, spec.format or recipe.format, spec.writer,
                       run.path / spec.path, recipe.splits, recipe.seed)
        for spec in recipe.exports
    ]
    exports = [export_summary(r, run.path) for r in results]
    report = build_report(run, exports, stop_reason)
    write_report(run.path, report)
    write_card(run.path / "README.md", card_info(run, recipe, report, results))
    return results


def export_summary(result: ExportResult, root: Path) -> dict[str, Any]:
    """A JSON-able summary of an export, with paths relative to the run directory."""
    return {"format": result.format, "writer": result.writer,
            "files": {k: _relative(v, root) for k, v in result.files.items()},
            "counts": dict(result.counts), "skipped": result.skipped,
            "skipped_examples": [list(x) for x in result.skipped_examples]}


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def card_info(run: Run, recipe: Recipe, report: dict[str, Any],
              results: list[ExportResult]) -> CardInfo:
    recipe_yaml = yaml.safe_dump(recipe.to_dict(), sort_keys=False, allow_unicode=True)
    return CardInfo(name=recipe.name, description=recipe.description, license=recipe.license,
                    seed=recipe.seed, fingerprint=run.fingerprint, target=recipe.target,
                    counts=report["counts"], stop_reason=report["stop_reason"],
                    funnel=report["funnel"], exports=results, recipe_yaml=recipe_yaml,
                    versions=versions(), created=report["created"])

