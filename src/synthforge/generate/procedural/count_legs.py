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
Kind = tuple[str, str, int, tuple[tuple[str, str, str, int], ...], str, str]
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
# by level: number of kinds, largest count, chance of a legless kind (%), chance of an
# arrival or departure (%)
LEVELS = {1: ((2, 2), 5, 0, 0), 2: ((3, 3), 10, 0, 0), 3: ((4, 4), 15, 20, 0),
          4: ((5, 5), 25, 50, 40), 5: ((6, 7), 50, 70, 70)}


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


_TABLED = 100  # counts up to this have their texts made at import


def _lines(pool: tuple[tuple[str, str, int], ...]) -> tuple[Kind, ...]:
    """Each kind with the texts for each count up to _TABLED, and the start and middle of its
    solution line for larger counts: (one, many, legs, texts, "Each cow has 4 legs: ",
    " × 4 = "), where texts[count] is (the count in the question: "3 cows", its solution line,
    its legs as text, its legs)."""
    out = []
    for one, many, legs in pool:
        if legs == 0:
            each, one_line = f"{many.capitalize()} have no legs: ", \
                f"{_a(one).capitalize()} has no legs: 1 × 0 = 0."
        else:
            each, one_line = f"Each {one} has {legs} legs: ", \
                f"{_a(one).capitalize()} has {legs} legs: 1 × {legs} = {legs}."
        times = f" × {legs} = "
        texts = [("", "", "0", 0)]
        for count in range(1, _TABLED + 1):
            texts.append((f"{count} {many}" if count > 1 else f"1 {one}",
                          one_line if count == 1 else f"{each}{count}{times}{count * legs}.",
                          str(count * legs), count * legs))
        out.append((one, many, legs, tuple(texts), each, times))
    return tuple(out)


def _openings(templates: tuple[str, ...], places: tuple[str, ...]) -> tuple[tuple[tuple[
        str, str, str, bool], ...], ...]:
    """Each opening template filled in for each place, cut around the name and the items:
    (before the name, between name and items, after the items, whether it has a name)."""
    table = []
    for template in templates:
        row = []
        for where in places:
            text = template.replace("{A}", _a(where).capitalize()).replace(
                "{a}", _a(where)).replace("{w}", where)
            head, tail = text.split("{items}")
            before, named, after = head.rpartition("{n}")
            row.append((before, after, tail, bool(named)))
        table.append(tuple(row))
    return tuple(table)


_ANIMALS = _lines(ANIMALS)
_FURNITURE = _lines(FURNITURE)
_LEGLESS = _lines(LEGLESS)
_PLACE_OPENINGS = _openings(PLACE_OPENINGS, PLACES)
# counts: how many a 64-bit draw serves for each largest count (keeping 20 bits of slack, so
# the bias stays under 2**-20), and the powers of the largest count that cut them out
_PER_DRAW = tuple(max(1, 44 // max(1, top.bit_length())) for top in range(1001))
_POWERS = tuple(tuple(top**i for i in range(_PER_DRAW[top])) for top in range(1001))
_ROOM_OPENINGS = _openings(ROOM_OPENINGS, ROOMS)



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
        top = self.config.max_count or top
        # the small choices from one draw
        bits = rng.getrandbits(64)
        n = self.config.kinds
        if not n:
            bits, n = divmod(bits, hi - lo + 1)
            n += lo
        bits, u = divmod(bits, 100)
        furniture = u < 12
        pool = _FURNITURE if furniture else _ANIMALS
        n_legless = 0
        if not furniture and n > 1:
            bits, u = divmod(bits, 100)
            if u < legless:
                bits, u = divmod(bits, 10)
                n_legless = 1 if n < 5 or u < 6 else 2
        # where (a place or a room), the opening's template, a name, the question
        bits, w = divmod(bits, len(PLACES) * len(ROOMS))
        bits, t = divmod(bits, len(PLACE_OPENINGS) * len(ROOM_OPENINGS))
        bits, name = divmod(bits, len(NAMES))
        bits, ask = divmod(bits, len(ANIMAL_ASKS) * len(FURNITURE_ASKS))
        change_u = bits % 100
        # the kinds: a partial shuffle of the pool, its positions cut from one draw
        k = min(n - n_legless, len(pool))
        size = len(pool)
        kinds = list(pool)
        more = rng.getrandbits(64)
        for i in range(k):
            if i == 7:  # 7 positions use under 44 bits of a draw
                more = rng.getrandbits(64)
            j = i + more % (size - i)
            more //= size - i
            kinds[i], kinds[j] = kinds[j], kinds[i]
        del kinds[k:]
        if n_legless:
            more, i = divmod(rng.getrandbits(64), len(_LEGLESS))
            more, j = divmod(more, len(kinds) + 1)
            kinds.insert(j, _LEGLESS[i])
            if n_legless == 2:
                more, i2 = divmod(more, len(_LEGLESS) - 1)
                kinds.insert(more % (len(kinds) + 1), _LEGLESS[i2 + (i2 >= i)])
        # which kind (if any) changes before the count, and how
        change_i = -1
        if not furniture and change_u < arrival:
            change, change_i = divmod(rng.getrandbits(64), len(kinds))
            change, leave_u = divmod(change, 10)
        # the counts, several from each draw, and the solution's line for each kind
        if top < len(_PER_DRAW) and len(kinds) <= _PER_DRAW[top]:
            more = rng.getrandbits(64)
            counts = [more // p % top + 1 for p in _POWERS[top][:len(kinds)]]
        else:
            per = max(1, 44 // top.bit_length())
            counts = []
            for i in range(len(kinds)):
                if i % per == 0:
                    more = rng.getrandbits(64)
                counts.append(more % top + 1)
                more //= top
        listed = []
        products = []
        lines = []
        total = 0
        for i, (one, many, legs, texts, each, times) in enumerate(kinds):
            count = counts[i]
            listed.append(texts[count][0] if count <= _TABLED else f"{count} {many}")
            if i == change_i:
                if count > 2 and leave_u < 4:
                    gone = change % (count - 1) + 1
                    change = (f" Then {gone} of the {many} {'leaves' if gone == 1 else 'leave'}.")
                    lines.insert(0, f"{gone} of the {many} left, so {count} - {gone} = "
                                 f"{count - gone} remain.")
                    count -= gone
                else:
                    new = change % max(1, top // 2) + 1
                    change = (f" Then {new} more {one if new == 1 else many} "
                              f"{'arrives' if new == 1 else 'arrive'}.")
                    lines.insert(0, f"{new} more {many} arrived, so there are {count} + {new} "
                                 f"= {count + new} {many}.")
                    count += new
            if count <= _TABLED:
                _, line, product, value = texts[count]
                lines.append(line)
                products.append(product)
                total += value
            else:
                total += count * legs
                products.append(str(count * legs))
                lines.append(f"{each}{count}{times}{count * legs}.")
        listing = (f"{', '.join(listed[:-1])} and {listed[-1]}" if len(listed) > 1 else
                   listed[0])
        if furniture:
            before, after, tail, named = _ROOM_OPENINGS[t % len(ROOM_OPENINGS)][w % len(ROOMS)]
            ask_text = FURNITURE_ASKS[ask % len(FURNITURE_ASKS)]
        else:
            before, after, tail, named = _PLACE_OPENINGS[t % len(PLACE_OPENINGS)][
                w % len(PLACES)]
            ask_text = ANIMAL_ASKS[ask % len(ANIMAL_ASKS)]
        opening = (f"{before}{NAMES[name]}{after}{listing}{tail}" if named else
                   f"{after}{listing}{tail}")
        lines.append(f"Add the legs of every kind: {' + '.join(products)} = {total}.")
        lines.append(f"There are {total} legs in total.")
        question = f"{opening}{change} {ask_text}" if change_i >= 0 else f"{opening} {ask_text}"
        return Task(question, str(total), "\n".join(lines))

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = parse_count(answer)
        return 1.0 if got is not None and str(got) == task.answer.strip() else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        total = int(task.answer)
        return [str(v) for v in {total + 1, total - 2, total + 4, total * 2 + 1} if v != total]
