"""GSM8K-style multi-step word problems: shopping, baking, travel, saving, sharing, farms, ...

Level = number of reasoning steps: level 1 takes 2 calculations, level 5 takes 6. Each story
is a small function that builds the question and the worked solution together, one line per
calculation (`a op b = c` with a short sentence), so the solution always has exactly
`level + 1` calculations. Answers are whole numbers, or money (`$12.50`) where the story has
prices. Accepted: `12.5`, `$12.50`, `12.50 dollars`, `1,200`, and a trailing unit word
(`31 cookies`).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from pydantic import Field, field_validator

from synthforge.generate.procedural._gsm_money import farm, fundraiser, saving, shopping, wages
from synthforge.generate.procedural._gsm_rates import ages, garden, reading, travel, water
from synthforge.generate.procedural._gsm_sharing import (
    baking,
    classroom,
    collection,
    pizza,
    sharing,
)
from synthforge.generate.procedural._gsm_words import PEOPLE, Person, Story
from synthforge.generate.procedural.answers import format_number, parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

STORIES: dict[str, Callable[[random.Random, int, Person], Story]] = {
    "shopping": shopping, "baking": baking, "travel": travel, "saving": saving,
    "sharing": sharing, "farm": farm, "classroom": classroom, "reading": reading,
    "garden": garden, "party": pizza, "wages": wages, "collection": collection,
    "fundraiser": fundraiser, "water": water, "ages": ages,
}


class GsmConfig(FamilyConfig):
    stories: list[str] | None = Field(None, min_length=1, description="Which story templates "
                                      f"to draw from (default: all of {', '.join(STORIES)}).")

    @field_validator("stories")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        unknown = [v for v in value or [] if v not in STORIES]
        if unknown:
            raise ValueError(f"unknown stories {unknown}; known: {', '.join(STORIES)}")
        return value


def _amount(text: str) -> object:
    value = parse_number(text, percent=False)
    if value is None and " " in text.strip():
        head, _, tail = text.strip().rstrip(".").partition(" ")
        if tail.replace(" ", "").replace("-", "").isalpha():
            value = parse_number(head, percent=False)
    return value


@family("gsm_word_problem")
class GsmWordProblem(Family):
    """Multi-step word problems (GSM8K style); level = reasoning steps, 2 to 6."""

    Config = GsmConfig
    domain = "math word problems"
    skills = ("multi-step reasoning", "arithmetic", "money", "reading comprehension")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        names = self.config.stories or STORY_NAMES
        story = rng.choice(names)
        question, lines, answer, partial = STORIES[story](rng, level + 1, rng.choice(PEOPLE))
        return Task(question, answer, "\n".join(lines),
                    {"story": story, "steps": level + 1, "partial": partial})

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = _amount(answer)
        return 1.0 if got is not None and got == parse_number(task.answer) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = parse_number(task.answer)
        out = [want + 1, want - 1, want * 2, want + 10]
        partial = parse_number(str(task.check.get("partial", "")))
        if partial is not None:
            out.append(partial)
        money = task.answer.startswith("$")
        texts = [f"${float(v):.2f}" if money else format_number(v) for v in out if v != want]
        return list(dict.fromkeys(texts))


STORY_NAMES = tuple(STORIES)

__all__ = ["STORIES", "STORY_NAMES", "GsmConfig", "GsmWordProblem", "Person", "Story"]
