"""The run report: counts, funnel, mix and field statistics, as report.json and report.html."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import orjson

from synthforge.atomic import write_atomic
from synthforge.record import Record

SAMPLE = 10_000
EXAMPLES = 3


class _FieldStats:
    """Exact count and means, percentiles from a seeded reservoir sample."""

    def __init__(self, seed: int):
        self.n = 0
        self.chars = 0
        self.words = 0
        self.sample: list[int] = []
        self.rng = random.Random(seed)

    def add(self, text: str) -> None:
        words = len(text.split())
        self.n += 1
        self.chars += len(text)
        self.words += words
        if len(self.sample) < SAMPLE:
            self.sample.append(words)
        else:
            j = self.rng.randrange(self.n)
            if j < SAMPLE:
                self.sample[j] = words

    def to_dict(self) -> dict[str, Any]:
        s = sorted(self.sample)

        def pct(q: float) -> int:
            return s[min(len(s) - 1, int(q * len(s)))] if s else 0

        return {"count": self.n, "chars_mean": round(self.chars / max(self.n, 1), 1),
                "words_mean": round(self.words / max(self.n, 1), 1), "words_p50": pct(0.5),
                "words_p95": pct(0.95), "words_max": s[-1] if s else 0}


def build_report(run: Any, exports: list[dict[str, Any]],
                 stop_reason: str | None = None) -> dict[str, Any]:
    """Everything report.json holds, from one pass over accepted and rejected rows."""
    recipe = run.recipe
    weights = {m.label: m.weight for m in recipe.mix}
    total_w = sum(weights.values())
    accepted_by: Counter[str] = Counter()
    attempted_by: Counter[str] = Counter()
    fields: dict[str, _FieldStats] = defaultdict(lambda: _FieldStats(recipe.seed))
    for record in run.records():
        _count_record(record, accepted_by, fields)
    attempted_by.update(accepted_by)
    examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in run.rejected():
        attempted_by[(row.get("meta") or {}).get("source", "?")] += 1
        key = f"{row['stage']}: {str(row['reason']).split(':', 1)[0]}"
        if len(examples[key]) < EXAMPLES:
            examples[key].append({"id": row["id"], "fate": row["fate"],
                                  "reason": row["reason"], "data": _snippet(row["data"])})
    counts = run.counts
    sources = [{"source": label, "declared_share": round(w / total_w, 4),
                "attempted": attempted_by[label], "accepted": accepted_by[label],
                "accepted_share": round(accepted_by[label] / max(counts["accepted"], 1), 4)}
               for label, w in weights.items()]
    return {"name": recipe.name, "description": recipe.description, "seed": recipe.seed,
            "fingerprint": run.fingerprint, "target": recipe.target,
            "stop_reason": stop_reason or run.stop_reason, "counts": counts,
            "funnel": [f.to_dict() for f in run.funnel()], "sources": sources,
            "fields": {k: v.to_dict() for k, v in sorted(fields.items())},
            "reject_examples": dict(examples), "exports": exports,
            "created": datetime.now(UTC).isoformat(timespec="seconds")}


def _count_record(record: Record, by_source: Counter[str],
                  fields: dict[str, _FieldStats]) -> None:
    by_source[record.meta.get("source", "?")] += 1
    for name, value in record.data.items():
        if isinstance(value, str):
            fields[name].add(value)
        elif name == "messages" and isinstance(value, list):
            fields["messages.content"].add(" ".join(str(m.get("content", "")) for m in value
                                                    if isinstance(m, dict)))


def _snippet(data: Any, limit: int = 300) -> str:
    text = orjson.dumps(data, default=repr).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_report(path: Path, report: dict[str, Any]) -> tuple[Path, Path]:
    """Write report.json and report.html into the run directory `path`."""
    json_path, html_path = path / "report.json", path / "report.html"
    write_atomic(json_path, orjson.dumps(report, option=orjson.OPT_INDENT_2))
    write_atomic(html_path, render_html(report).encode())
    return json_path, html_path


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_HTML = _ENV.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ r.name }} — synthforge report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.25rem .6rem;
border-bottom:1px solid #ddd;text-align:left;vertical-align:top}th{background:#f5f5f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}.bar{background:#4c8bf5;height:.7rem}
code,pre{background:#f6f6f6;padding:0 .2rem;white-space:pre-wrap;word-break:break-word}
</style></head><body>
<h1>{{ r.name }}</h1>
{% if r.description %}<p>{{ r.description }}</p>{% endif %}
<p>Stopped: <b>{{ r.stop_reason or "not finished" }}</b> · seed {{ r.seed }} ·
target {{ r.target }} · fingerprint <code>{{ r.fingerprint[:12] }}</code> · {{ r.created }}</p>
<h2>Counts</h2><table>{% for k, v in r.counts.items() %}
<tr><th>{{ k }}</th><td class="n">{{ "{:,}".format(v) }}</td></tr>{% endfor %}</table>
<h2>Funnel</h2><table><tr><th>stage</th><th>in</th><th>kept</th><th>rejected</th>
<th>failed</th><th></th><th>reasons</th></tr>
{% for f in r.funnel %}<tr><td>{{ f.stage }}</td><td class="n">{{ f["in"] }}</td>
<td class="n">{{ f.kept }}</td><td class="n">{{ f.rejected }}</td><td class="n">{{ f.failed }}</td>
<td style="width:140px"><div class="bar" style="width:{{ (100 * f.kept / f["in"])|round(1)
if f["in"] else 0 }}%"></div></td>
<td>{% for k, v in f.reasons.items() %}{{ k }} ({{ v }}){% if not loop.last %}, {% endif %}
{% endfor %}{% for k, v in f.errors.items() %} · error {{ k }} ({{ v }}){% endfor %}</td></tr>
{% endfor %}</table>
<h2>Mix</h2><table><tr><th>source</th><th>declared share</th><th>attempted</th>
<th>accepted</th><th>accepted share</th></tr>{% for s in r.sources %}<tr><td>{{ s.source }}</td>
<td class="n">{{ s.declared_share }}</td><td class="n">{{ s.attempted }}</td>
<td class="n">{{ s.accepted }}</td><td class="n">{{ s.accepted_share }}</td></tr>{% endfor %}
</table>
<h2>Fields</h2><table><tr><th>field</th><th>rows</th><th>chars (mean)</th><th>words (mean)</th>
<th>words p50</th><th>words p95</th><th>words max</th></tr>{% for name, f in r.fields.items() %}
<tr><td>{{ name }}</td><td class="n">{{ f.count }}</td><td class="n">{{ f.chars_mean }}</td>
<td class="n">{{ f.words_mean }}</td><td class="n">{{ f.words_p50 }}</td>
<td class="n">{{ f.words_p95 }}</td><td class="n">{{ f.words_max }}</td></tr>{% endfor %}</table>
<h2>Rejected and failed: examples</h2>{% for key, rows in r.reject_examples.items() %}
<h3>{{ key }}</h3><table>{% for e in rows %}<tr><td><code>{{ e.id }}</code></td>
<td>{{ e.reason }}</td><td><pre>{{ e.data }}</pre></td></tr>{% endfor %}</table>
{% else %}<p>None.</p>{% endfor %}
<h2>Exports</h2><table><tr><th>format</th><th>writer</th><th>split</th><th>rows</th><th>file</th>
</tr>{% for e in r.exports %}{% for split, n in e.counts.items() %}<tr><td>{{ e.format }}</td>
<td>{{ e.writer }}</td><td>{{ split }}</td><td class="n">{{ n }}</td>
<td><code>{{ e.files.get(split, "(empty)") }}</code></td></tr>{% endfor %}{% endfor %}</table>
</body></html>
""")


def render_html(report: dict[str, Any]) -> str:
    """The report as a self-contained HTML page; every value is escaped."""
    return _HTML.render(r=report)
