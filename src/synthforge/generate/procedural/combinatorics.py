"""Counting: arrangements, permutations, combinations, committees, repetition, words with
repeated letters, circular seating, grid paths and distributions."""

from __future__ import annotations

import random
import re
from collections import Counter
from math import comb, factorial, perm

from synthforge.generate.procedural.answers import parse_number, perturb
from synthforge.generate.procedural.base import Family, Task, family

NAMES = ("Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jamal",
         "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wen", "Yusuf", "Zoe", "Aleks", "Bianca", "Cyrus", "Dalia", "Emeka",
         "Femi", "Gael", "Hana", "Ilya", "Jonas", "Kaveh", "Lucia", "Mateo", "Nadia", "Oscar",
         "Paula", "Rami", "Sina", "Teo", "Ulla", "Vanya", "Willa", "Xavi", "Yara", "Zain",
         "Abe", "Bo", "Cleo", "Dario", "Esme", "Finn", "Gia", "Hal", "Ida", "Jude")
ITEMS = ("books", "paintings", "trophies", "plants", "photos", "vases", "candles", "mugs",
         "posters", "figurines", "model cars", "toy robots", "seashells", "stamps", "lamps",
         "clocks", "masks", "hats", "dolls", "jars")
PLACES = ("shelf", "windowsill", "mantelpiece", "display case", "bench", "table", "wall",
          "cabinet", "bookcase", "desk")
GROUPS = ("students", "club members", "employees", "players", "volunteers", "friends",
          "musicians", "scientists", "nurses", "chefs", "climbers", "singers", "engineers",
          "artists", "cousins", "neighbours")
ORGS = ("a chess club", "a choir", "a sports club", "a small startup", "a school council",
        "a book club", "a hiking group", "a theatre group", "a robotics team", "a garden club")
EVENTS = ("a wedding", "a birthday dinner", "a family reunion", "a board meeting", "a gala",
          "a game night", "a holiday party", "a banquet", "a picnic", "a conference lunch")
CONTESTS = ("a race", "a spelling bee", "a baking contest", "a chess tournament",
            "a science fair", "a talent show", "a poetry slam", "a marathon", "a hackathon",
            "an art competition")
LOCKS = ("bike lock", "locker", "safe", "phone", "garage door", "suitcase", "laptop",
         "alarm panel", "gym locker", "front-door keypad")
SLOTS = ("talks", "films", "games", "songs", "workshops", "dishes", "lessons", "interviews")
WORDS = ("BANANA", "LETTER", "APPLE", "COFFEE", "BALLOON", "MISSISSIPPI", "STATISTICS",
         "ASSESS", "TOMATO", "PEPPER", "GRAMMAR", "COMMITTEE", "SUCCESS", "BOOKKEEPER",
         "NEEDLE", "CHEESE", "LEVEL", "RADAR", "PIZZA", "PUZZLE", "MAMMAL", "BUBBLE", "CANADA",
         "ALABAMA", "BOOK", "TEETH", "GEESE", "ARRAY", "ERROR", "KAYAK", "REFERRER", "PAPAYA")
TAIL = re.compile(r"^\s*(-?[\d,]+)\s*([a-z ]*)\.?\s*$")
# by level: the kinds of question drawn
KINDS = {1: ("factorial", "power", "product"),
         2: ("permutation", "combination", "handshake", "subsets", "product", "power"),
         3: ("committee", "word", "grid", "include", "permutation", "combination"),
         4: ("at_least", "circular", "plates", "word", "committee", "grid"),
         5: ("together", "apart", "stars", "stars_positive", "roles", "at_least")}


def falling(n: int, r: int) -> str:
    """`n × (n-1) × ... × (n-r+1)`."""
    return " × ".join(str(n - i) for i in range(r))


def comb_lines(lines: list[str], n: int, r: int) -> int:
    """Write C(n, r) = (n × ... ) / (r × ... × 1) = value."""
    k = min(r, n - r)
    value = comb(n, r)
    if k == 0:
        lines.append(f"C({n}, {r}) = 1.")
    elif k == 1:
        lines.append(f"C({n}, {r}) = {n}.")
    else:
        lines.append(f"C({n}, {r}) = {n}! / ({r}! × {n - r}!) = ({falling(n, k)}) / "
                     f"({falling(k, k)}) = {perm(n, k)}/{factorial(k)} = {value}.")
    return value


def fact_line(n: int) -> str:
    return f"{n}! = {falling(n, n)} = {factorial(n)}" if n > 1 else f"{n}! = 1"


def power_line(k: int, n: int) -> str:
    """`10^4: 10 × 10 × 10 × 10 = 10000` (no `k^n = k × ...` chain)."""
    return f"{k}^{n} = {k**n}" if n > 6 else f"{k}^{n}: {' × '.join([str(k)] * n)} = {k**n}"


CITIES = ("Paris", "Rome", "Lisbon", "Vienna", "Prague", "Oslo", "Dublin", "Athens", "Madrid",
          "Berlin", "Warsaw", "Budapest", "Zurich", "Krakow", "Seville", "Porto", "Bruges",
          "Tallinn", "Riga", "Vilnius", "Helsinki", "Naples", "Florence", "Lyon", "Munich")
TOPPINGS = ("mushrooms", "olives", "ham", "peppers", "onions", "pineapple", "spinach",
            "sweetcorn", "chicken", "anchovies", "jalapeños", "tomatoes", "basil", "feta",
            "salami", "artichokes", "rocket", "capers", "bacon", "garlic")
COLOURS = ("red", "blue", "green", "yellow", "white", "black", "purple", "orange", "pink",
           "grey", "brown", "gold", "silver", "teal")
VENUES = ("gym", "office", "school", "station", "library", "hostel", "airport", "club",
          "hotel", "pool")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def listed(words: list[str] | tuple[str, ...]) -> str:
    return ", ".join(words[:-1]) + " and " + words[-1]


def people(rng: random.Random, n: int, *exclude: str) -> list[str]:
    pool = [x for x in NAMES if x not in exclude]
    return rng.sample(pool, n)


def places(r: int) -> str:
    words = ("first", "second", "third", "fourth", "fifth")[:r]
    return ", ".join(words[:-1]) + " and " + words[-1]


@family("combinatorics")
class Combinatorics(Family):
    """Count arrangements and selections, showing the formula and the arithmetic."""

    domain = "combinatorics"
    skills = ("permutations", "combinations", "multiplication principle")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        kind = rng.choice(KINDS[level])
        name = rng.choice(NAMES)
        lines: list[str] = []
        question, value, mistakes = getattr(self, "_" + kind)(rng, level, name, lines)
        lines.append(f"So the answer is {value}.")
        return Task(question, str(value), "\n".join(lines),
                    {"mistakes": [str(m) for m in mistakes if m != value]})

    # -- kinds ---------------------------------------------------------------------------
    @staticmethod
    def _factorial(rng, level, name, lines):
        n = rng.randint(3, 10)
        item, place = rng.choice(ITEMS), rng.choice(PLACES)
        kind = rng.randrange(4)
        if kind == 0:
            question = rng.choice((
                f"{name} wants to arrange {n} different {item} in a row on a {place}. In how "
                "many different orders can this be done?",
                f"How many ways can {name} line up {n} distinct {item} on the {place} on "
                f"{rng.choice(WEEKDAYS)}?"))
        elif kind == 1:
            question = (f"{listed(people(rng, n, name))} line up for a photo taken by {name}. In "
                        "how many different orders can they stand?")
        elif kind == 2:
            question = (f"On a trip, {name} will visit {listed(rng.sample(CITIES, n))}, each "
                        "exactly once. In how many different orders can the visits be made?")
        else:
            question = (f"{listed(people(rng, n, name))} each give one talk at "
                        f"{rng.choice(EVENTS)} hosted by {name}. In how many orders can the "
                        "talks be scheduled?")
        lines.append(f"The first position can be any of the {n}, the next any of the remaining "
                     f"{n - 1}, and so on, so the count is {n}!.")
        lines.append(fact_line(n) + ".")
        return question, factorial(n), [n * n, 2**n]

    @staticmethod
    def _power(rng, level, name, lines):
        kind = rng.randrange(4)
        if kind == 3:
            k, n = rng.randint(2, 5), rng.randint(3, 10)
            question = (f"{name}'s {rng.choice(('quiz', 'survey', 'test', 'questionnaire'))} on "
                        f"{rng.choice(WEEKDAYS)} has {n} questions, each with {k} possible "
                        "answers. In how many different ways can the whole answer sheet be "
                        "filled in?")
            lines.append(f"Each of the {n} questions can be answered in {k} ways, independently, "
                         f"so the count is {k}^{n}.")
        else:
            k, n = rng.choice(((10, rng.randint(3, 6)), (rng.randint(2, 9), rng.randint(2, 6)),
                               (26, rng.randint(2, 4)), (2, rng.randint(4, 10))))
            what = {10: "digits 0 to 9", 26: "letters A to Z", 2: "symbols 0 and 1"}.get(
                k, f"symbols 1 to {k}")
            lock, venue = rng.choice(LOCKS), rng.choice(VENUES)
            question = (
                f"{name}'s {lock} at the {venue} uses a {n}-character code made of the {what}; "
                "repeats are allowed. How many codes are possible?",
                f"How many {n}-character codes for {name}'s {lock} at the {venue} can be formed "
                f"from the {what} if characters may repeat?",
                f"A {lock} code at the {venue} is {n} characters long, each one of the {what}, "
                f"and characters may repeat. How many different codes could {name} choose?")[kind]
            lines.append(f"Each of the {n} positions can be any of the {k} symbols, "
                         f"independently, so the count is {k}^{n}.")
        lines.append(power_line(k, n) + ".")
        return question, k**n, [perm(k, n) if n <= k else k * n, k * n]

    @staticmethod
    def _product(rng, level, name, lines):
        if rng.random() < 0.5:
            pool = (("shirts", 2, 9), ("pairs of trousers", 2, 7), ("hats", 2, 6),
                    ("pairs of shoes", 2, 6), ("scarves", 2, 5), ("jackets", 2, 5))
            end = "An outfit uses one of each. How many different outfits are possible?"
            intro = f"{name} has"
        else:
            pool = (("starters", 2, 8), ("main courses", 2, 10), ("desserts", 2, 7),
                    ("drinks", 2, 9), ("side dishes", 2, 6))
            end = (f"{name} orders one of each. How many different meals can {name} "
                   "choose?")
            intro = f"At {rng.choice(EVENTS)} the menu offers"
        groups = rng.sample(pool, rng.randint(2, 3 if level == 1 else 4))
        counts = [(g, rng.randint(lo, hi)) for g, lo, hi in groups]
        parts = ", ".join(f"{c} {g}" for g, c in counts[:-1]) + f" and {counts[-1][1]} " \
            f"{counts[-1][0]}"
        value = 1
        for _, c in counts:
            value *= c
        question = f"{intro} {parts}. {end}"
        lines.append("By the multiplication principle, multiply the number of choices for each "
                     "part.")
        lines.append(f"{' × '.join(str(c) for _, c in counts)} = {value}.")
        return question, value, [sum(c for _, c in counts)]

    @staticmethod
    def _permutation(rng, level, name, lines):
        n = rng.randint(5, 20 if level > 2 else 12)
        r = rng.randint(2, min(4, n - 1))
        roles = ("a president", "a secretary", "a treasurer", "a captain")[:r]
        question = rng.choice((
            f"{n} entrants take part in {rng.choice(CONTESTS)} judged by {name}. In how many "
            f"ways can the {places(r)} places be awarded (no ties)?",
            f"{rng.choice(ORGS).capitalize()} with {n} members, including {name}, elects "
            f"{', '.join(roles[:-1])} and {roles[-1]} ({r} different people). In how many ways "
            "can this be done?",
            f"How many ways can {name} choose and order {r} of {n} different "
            f"{rng.choice(SLOTS)} for {r} time slots on {rng.choice(WEEKDAYS)}?",
            f"{name} picks {r} of {n} different {rng.choice(ITEMS)} and puts them in a row on "
            f"the {rng.choice(PLACES)}. How many different rows are possible?"))
        lines.append(f"Order matters, so count permutations: P({n}, {r}) = {n}! / ({n} - {r})!.")
        lines.append(f"P({n}, {r}) = {falling(n, r)} = {perm(n, r)}.")
        return question, perm(n, r), [comb(n, r), n**r]

    @staticmethod
    def _combination(rng, level, name, lines):
        n = rng.randint(5, 25 if level > 2 else 14)
        r = rng.randint(2, min(6, n - 2))
        group = rng.choice(GROUPS)
        question = rng.choice((
            f"How many ways are there to choose a committee of {r} from {n} {group}, "
            f"as {name} wonders?",
            f"{name} must pick {r} of {n} different {rng.choice(ITEMS)} to take to "
            f"{rng.choice(EVENTS)}. How many different selections are possible?",
            f"{rng.choice(ORGS).capitalize()} has {n} members, one of them {name}. In how many "
            f"ways can a team of {r} be chosen?",
            f"The {rng.choice(CITIES)} lottery draws {r} different numbers from 1 to {n}; the "
            f"order does not matter. How many different draws could {name} have to guess from?",
            f"{name} invites {r} of {n} {group} to {rng.choice(EVENTS)}. How many different "
            "groups of guests are possible?"))
        lines.append("Order does not matter, so count combinations.")
        value = comb_lines(lines, n, r)
        return question, value, [perm(n, r), comb(n, r - 1)]

    @staticmethod
    def _handshake(rng, level, name, lines):
        n = rng.randint(4, 60)
        question = rng.choice((
            f"At {rng.choice(EVENTS)} hosted by {name}, each of the {n} guests shakes hands once "
            "with every other guest. How many handshakes take place?",
            f"In a round-robin version of {rng.choice(CONTESTS)} organised by {name}, each of "
            f"{n} players meets every other player exactly once. How many matches are played?",
            f"{n} {rng.choice(GROUPS)} from {rng.choice(ORGS)} each exchange one message with "
            f"every other one on {rng.choice(WEEKDAYS)}, one message per pair, as {name} notes. "
            "How many messages are there?",
            f"{name} marks {n} points on a circle on a "
            f"{rng.choice(('poster', 'whiteboard', 'page', 'chalkboard'))} and draws a segment "
            "between every pair. How many segments are drawn?"))
        lines.append(f"Each one corresponds to a pair of the {n}, chosen without order: "
                     f"C({n}, 2).")
        lines.append(f"C({n}, 2) = ({n} × {n - 1}) / 2 = {n * (n - 1)}/2 = {comb(n, 2)}.")
        return question, comb(n, 2), [n * (n - 1), n * n]

    @staticmethod
    def _subsets(rng, level, name, lines):
        n = rng.randint(3, 12)
        item = "toppings"
        chosen = listed(rng.sample(TOPPINGS, n))
        question = rng.choice((
            f"{name}'s pizza shop offers {n} toppings: {chosen}. How many different selections "
            "of toppings (including choosing none) are possible?",
            f"{name} can put any number of these {n} toppings on a pizza, including none or "
            f"all: {chosen}. How many choices are there?",
            f"How many different sets of toppings can {name} pick from {chosen}, counting the "
            "empty set?"))
        lines.append(f"Each of the {n} {item} is either chosen or not: 2 options each, so 2^{n}.")
        lines.append(power_line(2, n) + ".")
        return question, 2**n, [2**n - 1, n * n]

    @staticmethod
    def _committee(rng, level, name, lines):
        a, b = rng.randint(4, 14), rng.randint(4, 14)
        i, j = rng.randint(1, min(4, a - 1)), rng.randint(1, min(4, b - 1))
        ga, gb = rng.choice((("women", "men"), ("teachers", "parents"), ("juniors", "seniors"),
                             ("chemists", "physicists"), ("singers", "dancers"),
                             ("pilots", "engineers")))
        question = (f"{rng.choice(ORGS).capitalize()}, led by {name}, has {a} {ga} and {b} {gb}. "
                    f"In how many ways can a committee of {i} {ga} and {j} {gb} be chosen?")
        lines.append("Choose the two parts separately and multiply.")
        x = comb_lines(lines, a, i)
        y = comb_lines(lines, b, j)
        lines.append(f"{x} × {y} = {x * y}.")
        return question, x * y, [comb(a + b, i + j), x + y]

    @staticmethod
    def _word(rng, level, name, lines):
        if rng.random() < 0.15:
            word = rng.choice(WORDS)
            what = f"the letters of the word {word}"
        else:
            letters = rng.sample("ABCDEFGHKLMNPRSTVWXYZ", rng.randint(2, 4))
            counts = [rng.randint(1, 4) for _ in letters]
            if all(c == 1 for c in counts):
                counts[0] = 2
            word = "".join(ch * c for ch, c in zip(letters, counts, strict=True))
            what = f"the tiles {', '.join(word)}"
        n = len(word)
        reps = sorted(((ch, c) for ch, c in Counter(word).items() if c > 1),
                      key=lambda t: word.index(t[0]))
        question = rng.choice((f"How many distinct arrangements are there of {what}, as {name} "
                               "asks?",
                               f"In how many different orders can {name} arrange {what} in a "
                               "row?"))
        denom = 1
        for _, c in reps:
            denom *= factorial(c)
        value = factorial(n) // denom
        lines.append(f"There are {n} letters; repeated ones: "
                     f"{', '.join(f'{ch} ({c} times)' for ch, c in reps)}.")
        lines.append("Divide the arrangements of all the letters by the orders of each repeated "
                     "letter among itself.")
        lines.append(fact_line(n) + ".")
        facts = " × ".join(f"{c}!" for _, c in reps)
        nums = " × ".join(str(factorial(c)) for _, c in reps)
        lines.append(f"{facts}: {nums} = {denom}." if len(reps) > 1 else f"{facts} = {denom}.")
        lines.append(f"{factorial(n)} ÷ {denom} = {value}.")
        return question, value, [factorial(n)]

    @staticmethod
    def _grid(rng, level, name, lines):
        a, b = rng.randint(2, 9), rng.randint(2, 9)
        x0, y0 = rng.randint(0, 9), rng.randint(0, 9)
        question = rng.choice((
            f"On a grid, {name} walks from ({x0}, {y0}) to ({x0 + a}, {y0 + b}) using only unit "
            "steps right or up. How many different paths are there?",
            f"{name}'s robot starts at ({x0}, {y0}) and must reach ({x0 + a}, {y0 + b}), moving "
            "one unit right or one unit up at each step. How many routes can it take?",
            f"{name} walks from {rng.choice(CITIES)} Station through streets that form a grid, "
            f"going {a} blocks east and {b} blocks north, never west or south. How many "
            "shortest routes are there?"))
        lines.append(f"Every path has {a} right steps and {b} up steps, {a + b} in all; a path is "
                     f"fixed by which {a} of the {a + b} steps go right.")
        value = comb_lines(lines, a + b, a)
        return question, value, [a * b, 2 ** (a + b)]

    @staticmethod
    def _include(rng, level, name, lines):
        n = rng.randint(6, 18)
        r = rng.randint(2, min(6, n - 2))
        group = rng.choice(GROUPS)
        inside = rng.random() < 0.5
        must = "must" if inside else "must not"
        question = (f"A team of {r} is chosen from {n} {group} of {rng.choice(ORGS)}, one of whom "
                    f"is {name}. In how many ways can the team be chosen if {name} {must} be on "
                    "it?")
        if inside:
            lines.append(f"{name} takes one place; choose the other {r - 1} from the remaining "
                         f"{n - 1}.")
            value = comb_lines(lines, n - 1, r - 1)
        else:
            lines.append(f"Leave {name} out; choose all {r} from the other {n - 1}.")
            value = comb_lines(lines, n - 1, r)
        return question, value, [comb(n, r)]

    @staticmethod
    def _at_least(rng, level, name, lines):
        a, b = rng.randint(3, 12), rng.randint(3, 12)
        r = rng.randint(3, min(6, a + b - 1))
        ga, gb = rng.choice((("women", "men"), ("girls", "boys"), ("seniors", "juniors"),
                             ("doctors", "nurses"), ("artists", "writers")))
        question = (f"For {rng.choice(ORGS)}, {name} chooses a committee of {r} from {a} {ga} and "
                    f"{b} {gb}. In how many "
                    f"ways can it be chosen if it must include at least one of the {ga}?")
        lines.append(f"Count all committees, then subtract those with none of the {ga} "
                     f"(all {gb}).")
        total = comb_lines(lines, a + b, r)
        if r <= b:
            none = comb_lines(lines, b, r)
        else:
            none = 0
            lines.append(f"There are only {b} {gb}, so every committee of {r} includes one of "
                         f"the {ga}: nothing to subtract.")
        lines.append(f"{total} - {none} = {total - none}.")
        return question, total - none, [total, a * comb(a + b - 1, r - 1)]

    @staticmethod
    def _circular(rng, level, name, lines):
        n = rng.randint(4, 12)
        if rng.random() < 0.3:
            colours = listed(rng.sample(COLOURS, n))
            question = (f"{name} threads {n} beads, coloured {colours}, onto a necklace. "
                        "Arrangements that differ only by rotating or flipping the necklace count "
                        "as the same. How many different necklaces can be made?")
            lines.append(f"Fix one bead to remove rotations: ({n} - 1)! orders of the others; a "
                         "flip turns each order into its mirror image, so divide by 2.")
            lines.append(fact_line(n - 1) + ".")
            value = factorial(n - 1) // 2
            lines.append(f"{factorial(n - 1)} ÷ 2 = {value}.")
            return question, value, [factorial(n - 1), factorial(n)]
        guests = listed(people(rng, n - 1, name) + [name])
        question = rng.choice((
            f"At {rng.choice(EVENTS)}, {guests} sit around a round table. If only the order "
            "around the table matters (rotations count as the same), how many seatings are "
            "possible?",
            f"{guests} sit at a round table. Seatings that are rotations of each other count as "
            "the same. How many seatings are there?"))
        lines.append(f"Fix one person's seat to remove rotations; the other {n - 1} can be "
                     f"arranged in ({n} - 1)! ways.")
        lines.append(fact_line(n - 1) + ".")
        return question, factorial(n - 1), [factorial(n)]

    @staticmethod
    def _plates(rng, level, name, lines):
        letters, digits = rng.randint(1, 4), rng.randint(1, 4)
        lset, lsize = rng.choice((("letters A to Z", 26), ("letters A to J", 10),
                                  ("vowels A, E, I, O, U", 5), ("letters A to F", 6)))
        dset, dsize = rng.choice((("digits 0 to 9", 10), ("digits 1 to 9", 9),
                                  ("digits 0 to 7", 8)))
        no_repeat = rng.random() < 0.5 and letters <= lsize and digits <= dsize
        what = rng.choice(("licence plate", "product code", "ticket code", "ID badge number",
                           "locker code", "parcel label"))
        symbols = "symbol" if letters == 1 else "symbols"
        question = (f"A {what} at {name}'s {rng.choice(VENUES)} has {letters} {symbols}"
                    f" from the {lset} followed by {digits} from the {dset}"
                    + (", with no symbol used twice" if no_repeat else "; repeats are allowed")
                    + f". How many different {what}s are possible?")
        if no_repeat:
            x, y = perm(lsize, letters), perm(dsize, digits)
            lines.append("No repeats: the choices shrink by one at each position.")
            lines.append(f"Letters: {falling(lsize, letters)} = {x}." if letters > 1 else
                         f"Letters: {lsize}.")
            lines.append(f"Digits: {falling(dsize, digits)} = {y}." if digits > 1 else
                         f"Digits: {dsize}.")
        else:
            x, y = lsize**letters, dsize**digits
            lines.append("Repeats allowed: every position has the full set of choices.")
            lines.append(f"Letters: {power_line(lsize, letters)}.")
            lines.append(f"Digits: {power_line(dsize, digits)}.")
        lines.append(f"Multiply: {x} × {y} = {x * y}.")
        return question, x * y, [x + y]

    @staticmethod
    def _together(rng, level, name, lines):
        n = rng.randint(4, 10)
        friend = rng.choice([x for x in NAMES if x != name])
        where = rng.choice(("stand in a line", "sit in a row of chairs", "queue at a counter",
                            "sit on a long bench"))
        others = people(rng, n - 2, name, friend)
        question = (f"{listed([name, *others, friend])} {where}. In how many orders can they do "
                    f"so if {name} and {friend} must be next to each other?")
        lines.append(f"Glue {name} and {friend} into one block: that makes {n - 1} units, "
                     f"arranged in {n - 1}! ways, and the block has 2 internal orders.")
        lines.append(fact_line(n - 1) + ".")
        value = 2 * factorial(n - 1)
        lines.append(f"2 × {factorial(n - 1)} = {value}.")
        return question, value, [factorial(n - 1), factorial(n)]

    @staticmethod
    def _apart(rng, level, name, lines):
        n = rng.randint(4, 10)
        friend = rng.choice([x for x in NAMES if x != name])
        where = rng.choice(("stand in a line", "sit in a row of chairs", "queue at a counter",
                            "sit on a long bench"))
        others = people(rng, n - 2, name, friend)
        question = (f"{listed([name, *others, friend])} {where}. In how many orders can they do "
                    f"so if {name} and {friend} must not be next to each other?")
        lines.append(f"All orders minus those where {name} and {friend} are adjacent.")
        lines.append(fact_line(n) + ".")
        lines.append(f"Adjacent: treat the pair as one block, 2 × {n - 1}! ways; "
                     f"{fact_line(n - 1)}, and 2 × {factorial(n - 1)} = {2 * factorial(n - 1)}.")
        value = factorial(n) - 2 * factorial(n - 1)
        lines.append(f"{factorial(n)} - {2 * factorial(n - 1)} = {value}.")
        return question, value, [2 * factorial(n - 1), factorial(n)]

    @staticmethod
    def _stars(rng, level, name, lines):
        n, k = rng.randint(3, 20), rng.randint(2, 6)
        thing = rng.choice(("identical sweets", "identical coins", "identical marbles",
                            "identical stickers", "identical pencils", "identical tickets"))
        who = rng.choice(("children", "friends", "teams", "boxes", "classes"))
        question = (f"On {rng.choice(WEEKDAYS)}, {name} shares {n} {thing} among {k} {who}; some "
                    "may get none. In how many ways can this be done?")
        lines.append(f"Stars and bars: {n} stars and {k - 1} bars in a row; choose the bar "
                     f"positions among {n + k - 1} places: C({n + k - 1}, {k - 1}).")
        value = comb_lines(lines, n + k - 1, k - 1)
        return question, value, [comb(n - 1, k - 1), k**n]

    @staticmethod
    def _stars_positive(rng, level, name, lines):
        k = rng.randint(2, 6)
        n = rng.randint(k + 1, 20)
        thing = rng.choice(("identical books", "identical apples", "identical tokens",
                            "identical cards", "identical seeds"))
        who = rng.choice(("people", "children", "friends", "classmates", "teammates"))
        question = (f"On {rng.choice(WEEKDAYS)}, {name} gives {n} {thing} to {k} {who} so that "
                    "each gets at least one. In how many ways can this be done?")
        lines.append(f"Give each one first; share the remaining {n} - {k} = {n - k} freely, "
                     f"which is C({n - 1}, {k - 1}) by stars and bars.")
        value = comb_lines(lines, n - 1, k - 1)
        return question, value, [comb(n + k - 1, k - 1)]

    @staticmethod
    def _roles(rng, level, name, lines):
        n = rng.randint(6, 16)
        r = rng.randint(2, min(5, n - 2))
        group = rng.choice(GROUPS)
        question = (f"From {n} {group} in {rng.choice(ORGS)}, {name} must choose a leader and a "
                    f"separate group of {r} helpers (the leader is not a helper). In how many ways "
                    "can this be done?")
        lines.append(f"Choose the leader in {n} ways, then {r} helpers from the other {n - 1}.")
        helpers = comb_lines(lines, n - 1, r)
        lines.append(f"{n} × {helpers} = {n * helpers}.")
        return question, n * helpers, [comb(n, r + 1), n * comb(n, r)]

    # -- scoring -------------------------------------------------------------------------
    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        m = TAIL.match(answer.casefold())
        if not m:
            return 0.0
        got, want = parse_number(m.group(1)), parse_number(task.answer)
        return 1.0 if got is not None and got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        out = perturb(task.answer, "number", rng)
        out += [m for m in (task.check or {}).get("mistakes", []) if m != task.answer]
        return out
