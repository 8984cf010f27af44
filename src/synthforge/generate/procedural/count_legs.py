"""Count the legs of a collection of animals (or furniture), kind by kind.

A comparable task to reasoning-gym's leg counting: "A farm has 3 chickens, 2 cows and 1
spider. How many legs are there in total?" Each kind is multiplied by its legs and the
products are added. Harder levels have more kinds, bigger counts, legless distractors
(snakes, fish) and animals that arrive or leave before the count. The answer is a whole
number; "22", "22 legs" and "twenty-two" written as digits with separators ("1,024") count.
"""

from __future__ import annotations

import random
from typing import TypeVar

from pydantic import Field

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

T = TypeVar("T")
# singular, plural, legs
ANIMALS: tuple[tuple[str, str, int], ...] = (
    ("chicken", "chickens", 2), ("duck", "ducks", 2), ("goose", "geese", 2),
    ("turkey", "turkeys", 2), ("ostrich", "ostriches", 2), ("penguin", "penguins", 2),
    ("flamingo", "flamingos", 2), ("parrot", "parrots", 2), ("owl", "owls", 2),
    ("peacock", "peacocks", 2), ("kangaroo", "kangaroos", 2), ("emu", "emus", 2),
    ("cow", "cows", 4), ("horse", "horses", 4), ("sheep", "sheep", 4), ("goat", "goats", 4),
    ("pig", "pigs", 4), ("dog", "dogs", 4), ("cat", "cats", 4), ("rabbit", "rabbits", 4),
    ("deer", "deer", 4), ("elephant", "elephants", 4), ("giraffe", "giraffes", 4),
    ("zebra", "zebras", 4), ("lion", "lions", 4), ("tiger", "tigers", 4),
    ("mouse", "mice", 4), ("donkey", "donkeys", 4), ("camel", "camels", 4),
    ("frog", "frogs", 4), ("lizard", "lizards", 4), ("tortoise", "tortoises", 4),
    ("ant", "ants", 6), ("bee", "bees", 6), ("beetle", "beetles", 6),
    ("butterfly", "butterflies", 6), ("grasshopper", "grasshoppers", 6),
    ("ladybug", "ladybugs", 6), ("cricket", "crickets", 6), ("wasp", "wasps", 6),
    ("spider", "spiders", 8), ("scorpion", "scorpions", 8), ("tick", "ticks", 8),
    ("crab", "crabs", 10), ("lobster", "lobsters", 10), ("shrimp", "shrimp", 10),
)
LEGLESS: tuple[tuple[str, str, int], ...] = (
    ("snake", "snakes", 0), ("fish", "fish", 0), ("worm", "worms", 0), ("snail", "snails", 0),
    ("slug", "slugs", 0), ("eel", "eels", 0),
)
FURNITURE: tuple[tuple[str, str, int], ...] = (
    ("chair", "chairs", 4), ("table", "tables", 4), ("stool", "stools", 3),
    ("tripod", "tripods", 3), ("bench", "benches", 4), ("desk", "desks", 4),
    ("bed", "beds", 4), ("piano", "pianos", 3), ("easel", "easels", 3),
    ("sofa", "sofas", 4), ("footstool", "footstools", 4), ("nightstand", "nightstands", 4),
)
PLACES = ("farm", "zoo", "nature park", "wildlife sanctuary", "petting zoo", "garden",
          "backyard", "field", "pet shop", "meadow", "ranch", "barn", "nature reserve",
          "museum of living things", "science classroom", "village")
ROOMS = ("classroom", "living room", "workshop", "dining hall", "office", "studio",
         "waiting room", "library", "kitchen", "storeroom", "cafe", "attic")
NAMES = ("Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "George", "Hana", "Ivan", "Jade",
         "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Liam", "Mia", "Noah", "Olivia")
ASKS = ("How many legs are there in total?", "How many legs do they have altogether?",
        "What is the total number of legs?", "How many legs is that in all?",
        "Counting every leg, what is the total?", "How many legs are there altogether?")
ROOM_OPENINGS = ("{A} has {items}.", "In {a} there are {items}.",
                 "{n} counts {items} in the {w}.")
PLACE_OPENINGS = ("{A} has {items}.", "At the {w} there are {items}.",
                  "{n} visits {a} and sees {items}.", "{n} counts {items} at the {w}.",
                  "You have {items}.", "There are {items}.")
FURNITURE_ASKS = ("How many legs do these pieces of furniture have in total?",
                  "How many furniture legs are there altogether?", *ASKS[2:4])
ANIMAL_ASKS = (*ASKS, "How many legs do these animals have in total?")
# by level: number of kinds, largest count, chance of a legless kind, chance of an arrival
LEVELS = {1: ((2, 2), 5, 0.0, 0.0), 2: ((3, 3), 10, 0.0, 0.0), 3: ((4, 4), 15, 0.2, 0.0),
          4: ((5, 5), 25, 0.5, 0.4), 5: ((6, 7), 50, 0.7, 0.7)}


class CountLegsConfig(FamilyConfig):
    max_count: int | None = Field(None, ge=1, le=10_000, description="Largest count of one "
                                  "kind (default: by difficulty, 5 to 50).")
    kinds: int | None = Field(None, ge=1, le=10, description="How many kinds of animal "
                              "(default: by difficulty, 2 to 7).")


def _group(count: int, kind: tuple[str, str, int]) -> str:
    return f"{count} {kind[0] if count == 1 else kind[1]}"


def _pick(rng: random.Random, pool: tuple[T, ...], k: int) -> list[T]:
    """k distinct items of pool in random order (cheaper than rng.sample for small k)."""
    if 2 * k > len(pool):
        return rng.sample(pool, k)
    seen: set[int] = set()
    out = []
    while len(out) < k:
        i = rng.randrange(len(pool))
        if i not in seen:
            seen.add(i)
            out.append(pool[i])
    return out


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def parse_count(text: str) -> int | None:
    """A whole number from '22', '22 legs', '1,024' or 'There are 22 legs'."""
    value = parse_number(text, percent=False)
    if value is None:
        tokens = [t.strip(".!") for t in text.split()]
        numbers = [t for t in tokens if not t.isalpha()]
        if len(numbers) != 1:
            return None
        value = parse_number(numbers[0], percent=False)
    if value is None or value.denominator != 1:
        return None
    return int(value)


@family("count_legs")
class CountLegs(Family):
    """Count the legs of a group of animals or furniture (multiply per kind, then add)."""

    Config = CountLegsConfig
    domain = "arithmetic"
    skills = ("multiplication", "addition", "world knowledge", "counting")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        (lo, hi), top, legless, arrival = LEVELS[level]
        n = self.config.kinds or rng.randint(lo, hi)
        top = self.config.max_count or top
        furniture = rng.random() < 0.12
        pool = FURNITURE if furniture else ANIMALS
        n_legless = 0
        if not furniture and n > 1 and rng.random() < legless:
            n_legless = 1 if n < 5 or rng.random() < 0.6 else 2
        kinds = _pick(rng, pool, min(n - n_legless, len(pool)))
        for kind in _pick(rng, LEGLESS, n_legless):
            kinds.insert(rng.randrange(len(kinds) + 1), kind)
        counts = [rng.randint(1, top) for _ in kinds]
        listing = _join([_group(c, k) for c, k in zip(counts, kinds, strict=True)])
        where = rng.choice(ROOMS if furniture else PLACES)
        opening = rng.choice(ROOM_OPENINGS if furniture else PLACE_OPENINGS).format(
            A=_a(where).capitalize(), a=_a(where), w=where, n=rng.choice(NAMES), items=listing)
        ask = rng.choice(FURNITURE_ASKS if furniture else ANIMAL_ASKS)
        lines = []
        change = ""
        if not furniture and rng.random() < arrival:
            i = rng.randrange(len(kinds))
            plural = kinds[i][1]
            if counts[i] > 2 and rng.random() < 0.4:
                gone = rng.randint(1, counts[i] - 1)
                verb = "leaves" if gone == 1 else "leave"
                change = f" Then {gone} of the {plural} {verb}."
                lines.append(f"{gone} of the {plural} left, so {counts[i]} - {gone} = "
                             f"{counts[i] - gone} remain.")
                counts[i] -= gone
            else:
                more = rng.randint(1, max(1, top // 2))
                change = (f" Then {more} more {kinds[i][0] if more == 1 else plural} "
                          f"{'arrives' if more == 1 else 'arrive'}.")
                lines.append(f"{more} more {plural} arrived, so there are {counts[i]} + {more} "
                             f"= {counts[i] + more} {plural}.")
                counts[i] += more
        products = []
        for count, (one, many, legs) in zip(counts, kinds, strict=True):
            if legs == 0:
                who = _a(one).capitalize() + " has" if count == 1 else many.capitalize() + " have"
                lines.append(f"{who} no legs: {count} × 0 = 0.")
            elif count == 1:
                lines.append(f"{_a(one).capitalize()} has {legs} legs: 1 × {legs} = {legs}.")
            else:
                lines.append(f"Each {one} has {legs} legs: {count} × {legs} = {count * legs}.")
            products.append(count * legs)
        total = sum(products)
        lines.append("Add the legs of every kind: " + " + ".join(map(str, products))
                     + f" = {total}.")
        lines.append(f"There are {total} legs in total.")
        question = f"{opening}{change} {ask}"
        return Task(question, str(total), "\n".join(lines))

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = parse_count(answer)
        return 1.0 if got is not None and str(got) == task.answer.strip() else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        total = int(task.answer)
        return [str(v) for v in {total + 1, total - 2, total + 4, total * 2 + 1} if v != total]
