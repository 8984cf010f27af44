"""Procedural task families: items with known answers, worked solutions and verifiers.

A family is a generator. Item `k` is a pure function of (recipe seed, source name, k): the
`rng` given to `make` (a `random.Random`, see rng.py) is keyed for the item; no global
state. Each item has a question, a canonical answer, a worked step-by-step solution that ends
in that answer, and whatever its verifier needs (`check`). `score(answer, task)` returns 1.0
for the right answer in any equivalent form and less for a wrong one.

    mix:
      - generator: arithmetic_chain
        params: {difficulty: 3, trace: true}
      - generator: linear_equation
        params: {difficulty: {mix: {1: 0.5, 2: 0.3, 3: 0.2}}}   # a distribution
      - generator: gsm_word_problem
        params: {difficulty: {curriculum: [1, 5]}}              # easy first, hard last
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import Field, field_validator

from synthforge import registry
from synthforge.generate.procedural.answers import (
    extract_final,
    format_number,
    norm_text,
    parse_number,
    perturb,
    same_number,
)
from synthforge.generate.procedural.rng import ItemRandom
from synthforge.stage import Context, Generator, GeneratorConfig, StrictModel

Level = Annotated[int, Field(ge=1, le=5)]


@dataclass(frozen=True)
class Task:
    """One item: what is asked, the answer, how to get there, and what the verifier needs."""

    question: str
    answer: str
    solution: str
    check: dict[str, Any] = field(default_factory=dict)


class DifficultyMix(StrictModel):
    """Draw the difficulty of each item from a distribution: `{mix: {1: 0.5, 3: 0.5}}`."""

    mix: dict[Level, float]

    @field_validator("mix")
    @classmethod
    def _weights(cls, value: dict[int, float]) -> dict[int, float]:
        if any(w < 0 for w in value.values()) or sum(value.values()) <= 0:
            raise ValueError("difficulty weights must be >= 0 with a sum above 0")
        return value


class Curriculum(StrictModel):
    """Raise the difficulty over the run: `{curriculum: [1, 5]}` from 1 up to 5.

    `over` is how many items of this source the ramp spans (default: this source's share of
    the recipe's target).
    """

    curriculum: tuple[Level, Level]
    over: int | None = Field(None, gt=0)


Difficulty = Level | DifficultyMix | Curriculum


class FamilyConfig(GeneratorConfig):
    """Parameters every task family takes; families add their own, with validated ranges."""

    difficulty: Difficulty = Field(3, description="1 (easiest) to 5, a {mix: {level: weight}} "
                                   "distribution, or a {curriculum: [from, to]} ramp.")
    trace: bool = Field(True, description="Put the worked solution in `response` (else only "
                        "the answer).")


class Family(Generator):
    """Base of task families. Subclasses set the class attributes and implement `make`."""

    Config: ClassVar[type[FamilyConfig]] = FamilyConfig
    family: ClassVar[str] = ""
    domain: ClassVar[str] = ""
    skills: ClassVar[tuple[str, ...]] = ()
    answer_kind: ClassVar[str] = "text"  # number, list, bool, text, or a family's own
    percent_ok: ClassVar[bool] = False  # whether 50% may stand for 0.5
    tolerance: ClassVar[float] = 0.0  # absolute tolerance of numeric answers

    def __init__(self, config: FamilyConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: FamilyConfig = config
        self._level = self._level_function(config.difficulty, ctx, name)
        self._rng = ItemRandom()

    def _level_function(self, spec: Difficulty, ctx: Context,
                        name: str) -> Callable[[int, random.Random], int]:
        if isinstance(spec, int):
            return lambda k, rng: spec
        if isinstance(spec, DifficultyMix):
            levels, weights = list(spec.mix), list(spec.mix.values())
            return lambda k, rng: rng.choices(levels, weights)[0]
        start, end = spec.curriculum
        total = sum(ctx.weights.values()) or 1.0
        over = spec.over or max(1, round(ctx.target * ctx.weights.get(name, total) / total))

        def ramp(k: int, rng: random.Random) -> int:
            return round(start + (end - start) * min(1.0, k / max(over - 1, 1)))

        return ramp

    # -- what a family implements -------------------------------------------------------
    def make(self, rng: random.Random, level: int) -> Task:
        """The item for this RNG at this difficulty."""
        raise NotImplementedError

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        """1.0 if `answer` is right in any accepted form, else less (default by kind)."""
        if cls.answer_kind == "number":
            ok = same_number(answer, task.answer, percent=cls.percent_ok,
                             tolerance=cls.tolerance)
            return 1.0 if ok else 0.0
        return 1.0 if norm_text(answer) == norm_text(task.answer) else 0.0

    @classmethod
    def extract(cls, response: str) -> str:
        """The final answer stated in a worked response."""
        return extract_final(response)

    @classmethod
    def task(cls, data: dict[str, Any], meta: dict[str, Any]) -> Task:
        """The Task a record of this family was made from (to score answers to it)."""
        return Task(str(data.get("question", "")), str(data.get("answer", "")),
                    str(data.get("solution", "")), meta.get("check") or {})

    @classmethod
    def space(cls, level: int) -> int | None:
        """How many distinct questions exist at a level, where that is small (else None)."""
        return None

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        """Plausible wrong answers, for testing the verifier."""
        return perturb(task.answer, cls.answer_kind, rng)

    # -- the generator ---------------------------------------------------------------------
    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self._rng
        rng.seed(self.seed_for(k))
        level = self._level(k, rng)
        task = self.make(rng, level)
        response = f"{task.solution}\nAnswer: {task.answer}" if self.config.trace else task.answer
        data = {"question": task.question, "response": response, "answer": task.answer,
                "solution": task.solution}
        meta = {"family": self.family, "domain": self.domain, "difficulty": level,
                "skills": self.skills, "check": task.check}
        return data, meta


F = TypeVar("F", bound=type[Family])


def family(name: str) -> Callable[[F], F]:
    """Register a Family subclass as the generator `name`."""

    def decorate(cls: F) -> F:
        cls.family = name
        registry.register("generator", name, cls.Config)(cls)
        return cls

    return decorate


def families() -> dict[str, type[Family]]:
    """Every registered task family, by name."""
    out = {}
    for entry in registry.entries("generator"):
        factory = entry.factory
        if isinstance(factory, type) and issubclass(factory, Family):
            out[entry.name] = factory
    return out


def number(value: Any) -> str:
    """Shorthand for families: a number's canonical text (integer, short decimal or p/q)."""
    return format_number(value)


__all__ = ["Family", "FamilyConfig", "Task", "families", "family", "number", "parse_number"]
