"""Tool use: questions answered by chains of calls to simulated tools, as OpenAI-format
trajectories.

Each item draws a small fictional knowledge base (cities, companies, products, routes) and
a task that needs one tool call (level 1) up to five or six chained calls (level 5), where
later calls use earlier results. Every call is executed by the real tool (`_tools.py`) while
the trajectory is written, and the answer reached through the tool results must equal the
one computed directly from the task's parameters. Besides the standard fields, items carry
`messages` (system, user, assistant turns with `tool_calls`, `tool` results, final answer)
and `tools` (the schemas offered). `verify_trajectory` re-checks any trajectory, e.g. one a
teacher model wrote, against an item's task.

Templates by level (calls): 1 a fact lookup, a unit conversion, a calculation (percent,
split bill, square root, compound interest), a date shift, days between dates; 2 the weekday
after a shift, weeks between dates, the weekday of a founding date, a route in miles; 3 the
weekday of Jan 1 of founding year + n, driving hours, years between foundings, population
density, a shopping total; 4 weeks between foundings, density per square mile, a larger
total, the cheaper of two discounted products, a trip's arrival weekday; 5 (5-6 calls) a
two-leg trip, the denser of two cities, a total with tax, the best of three discounts, an
arrival weekday at a pace in miles.

    mix:
      - generator: tool_use
        params: {difficulty: {mix: {1: 1, 3: 1, 5: 1}}}
    format: {type: chat, include: [id, tools]}   # tools: the schemas column
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import orjson
from pydantic import Field

from synthforge.generate.procedural._tool_kb import World
from synthforge.generate.procedural._tool_tasks_basic import (
    calc,
    convert,
    date_shift,
    fact,
    founding_weekday,
    interval,
    route,
)
from synthforge.generate.procedural._tool_tasks_compound import (
    age_gap,
    basket,
    cheapest,
    density,
    trip_arrival,
)
from synthforge.generate.procedural._tool_trajectory import (
    Ambiguous,
    Outcome,
    Template,
    Trajectory,
    clear_of_whole,
    rounded,
)
from synthforge.generate.procedural._tool_verify import (
    DATE_FORMATS,
    read_date,
    score_answer,
    verify_trajectory,
)
from synthforge.generate.procedural._tools import SCHEMAS, TOOL_NAMES, WEEKDAYS, Toolbox
from synthforge.generate.procedural.answers import perturb
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

TEMPLATES: dict[int, tuple[Template, ...]] = {
    1: (fact, convert, calc, date_shift, interval),
    2: (date_shift, interval, founding_weekday, route),
    3: (founding_weekday, route, age_gap, density, basket),
    4: (age_gap, density, basket, cheapest, trip_arrival),
    5: (route, density, basket, cheapest, trip_arrival),
}
CALLS = {1: (1, 1), 2: (2, 2), 3: (3, 3), 4: (4, 4), 5: (5, 6)}  # tool calls per level
SYSTEM_PROMPTS = (
    "You are a helpful assistant with access to tools: {tools}. Call them as needed, then give "
    "the final answer on a last line 'Answer: <answer>'.",
    "You can use these tools: {tools}. Rely on tool results rather than guesses, and finish "
    "with a line 'Answer: <answer>'.",
    "Tools available: {tools}. Work step by step with tool calls and end your reply with "
    "'Answer: <answer>'.",
)
_SCHEMA_BYTES = {name: orjson.dumps(schema) for name, schema in SCHEMAS.items()}
MAX_DRAWS = 50


# ---- the family ---------------------------------------------------------------------------

class ToolUseConfig(FamilyConfig):
    """Tool-use options: batching of independent calls, and tools offered beyond those needed."""

    parallel: bool = Field(True, description="Batch independent calls (several lookups) into "
                           "one assistant turn in about half the items.")
    distractors: bool = Field(True, description="Offer some tools the task does not need.")


@family("tool_use")
class ToolUse(Family):
    """Answer questions with chains of calls to simulated tools (OpenAI-format trajectories)."""

    Config = ToolUseConfig
    config: ToolUseConfig
    domain = "tool use"
    skills = ("function calling", "multi-step planning", "unit conversion", "date arithmetic")
    answer_kind = "number|date|weekday|name"  # `check.kind` says which

    def make(self, rng: random.Random, level: int) -> Task:
        """The item; its trajectory rides in `check["trajectory"]` until `generate` moves it."""
        for _ in range(MAX_DRAWS):
            world = World(rng)
            parallel = self.config.parallel and rng.random() < 0.5
            trajectory = Trajectory(Toolbox(world.facts), parallel)
            try:
                out = rng.choice(TEMPLATES[level])(trajectory, world, rng, level)
            except Ambiguous:
                continue
            return self._task(out, world, trajectory, rng, level)
        raise RuntimeError(f"tool_use: no unambiguous item in {MAX_DRAWS} draws")

    def _task(self, out: Outcome, world: World, t: Trajectory, rng: random.Random,
              level: int) -> Task:
        if out.answer != out.expected:
            raise RuntimeError(f"tool_use bug: the tool chain gives {out.answer!r}; the task's "
                               f"parameters give {out.expected!r} ({out.question!r})")
        low, high = CALLS[level]
        if not low <= t.calls <= high:
            raise RuntimeError(f"tool_use bug: {t.calls} calls at level {level} "
                               f"({out.question!r})")
        spare = self.config.distractors
        offered = [n for n in TOOL_NAMES if n in t.used or (spare and rng.random() < 0.5)]
        system = rng.choice(SYSTEM_PROMPTS).format(tools=", ".join(offered))
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": out.question}, *t.messages,
                    {"role": "assistant", "content": f"{out.conclusion}\nAnswer: {out.answer}"}]
        tools = [orjson.loads(_SCHEMA_BYTES[n]) for n in offered]
        check = {"kind": out.kind, "places": out.places, "options": list(out.options),
                 "facts": world.facts, "trajectory": {"messages": messages, "tools": tools}}
        solution = "\n".join([*t.lines, out.conclusion])
        return Task(out.question, out.answer, solution, check)

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """The base family's fields plus `messages` (the trajectory) and `tools` (schemas)."""
        data, meta = super().generate(k)
        data.update(meta["check"].pop("trajectory"))
        return data, meta

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        return score_answer(answer, task)

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        kind = task.check.get("kind", "number")
        if kind == "number":
            return perturb(task.answer, "number", rng)
        if kind == "date":
            day = date.fromisoformat(task.answer)
            return [(day + timedelta(days=d)).isoformat() for d in (-1, 1, 7)]
        if kind == "weekday":
            i = WEEKDAYS.index(task.answer)
            return [WEEKDAYS[(i + 1) % 7], WEEKDAYS[(i - 1) % 7]]
        return [*task.check.get("options", ()), task.answer + " Pro"]


__all__ = ["CALLS", "DATE_FORMATS", "MAX_DRAWS", "SYSTEM_PROMPTS", "TEMPLATES", "Ambiguous",
           "Outcome", "Template", "ToolUse", "ToolUseConfig", "Trajectory", "World",
           "clear_of_whole", "read_date", "rounded", "verify_trajectory"]
