"""Probability of events with dice, coins, cards and urns (with and without replacement),
answered as a fraction in lowest terms."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from fractions import Fraction
from math import comb

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, Task, family

NAMES = ("Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jamal",
         "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wen", "Yusuf", "Zoe", "Aleks", "Bianca", "Cyrus", "Dalia", "Emeka",
         "Femi", "Gael", "Hana", "Ilya", "Jonas", "Kaveh", "Lucia", "Mateo", "Nadia", "Oscar",
         "Paula", "Rami", "Sina", "Teo", "Ulla", "Vanya", "Willa", "Xavi", "Yara", "Zain",
         "Abe", "Bo", "Cleo", "Dario", "Esme", "Finn", "Gia", "Hal", "Ida", "Jude")
COLOURS = ("red", "blue", "green", "yellow", "white", "black", "purple", "orange")
THINGS = ("marbles", "balls", "beads", "counters", "tokens", "sweets", "chips")
CONTAINERS = ("bag", "box", "jar", "urn", "tin")
PRIMES = frozenset({2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59})
SQUARES = frozenset({1, 4, 9, 16, 25, 36, 49})
ASK = ("What is the probability that {e}?", "Find the probability that {e}.",
       "How likely is it that {e}? Give the probability.", "What is the chance that {e}?",
       "Compute the probability that {e}.", "Determine the probability that {e}.",
       "What are the chances that {e}? Give a probability.",
       "Work out the probability that {e}.")
FORM = ("", " Give the answer as a fraction in lowest terms.", " Write it as a fraction.")
SUITS = ("hearts", "diamonds", "clubs", "spades")
RANKS = ("ace", "2", "3", "4", "5", "6", "7", "8", "9", "10", "jack", "queen", "king")
DECK = tuple((r, s) for s in range(4) for r in range(13))
CARD_TESTS: dict[str, Callable[[tuple[int, int]], bool]] = {
    "heart": lambda c: c[1] == 0, "spade": lambda c: c[1] == 3, "red": lambda c: c[1] < 2,
    "face": lambda c: c[0] >= 10}
_ONE_IN = re.compile(r"^\s*(\d+)\s+in\s+(\d+)\s*$")


def an(word: str) -> str:
    """`a king`, `an ace`, `an 8`."""
    return f"{'an' if word[0] in 'aeiou8' else 'a'} {word}"


def frac(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def ratio(num: int, den: int) -> str:
    """`num/den`, and its lowest terms when they differ: `6/36 = 1/6`."""
    reduced = Fraction(num, den)
    if reduced.denominator == den:
        return f"{num}/{den}"
    return f"{num}/{den} = {frac(reduced)}"


def listing(items: list[str], limit: int = 12) -> str:
    return ", ".join(items) if len(items) <= limit else ", ".join(items[:limit]) + ", ..."


def numbered_event(rng: random.Random, n: int, level: int) -> tuple[str, Callable[[int], bool]]:
    kind = rng.randrange(9 if level > 1 else 6)
    if kind == 0:
        k = rng.randint(1, n - 1)
        return f"greater than {k}", lambda v: v > k
    if kind == 1:
        k = rng.randint(1, n - 1)
        return f"at most {k}", lambda v: v <= k
    if kind == 2:
        m = rng.randint(2, max(2, min(9, n // 2)))
        return f"a multiple of {m}", lambda v: v % m == 0
    if kind == 3:
        return rng.choice((("even", lambda v: v % 2 == 0), ("odd", lambda v: v % 2 == 1)))
    if kind == 4:
        return "a prime number", lambda v: v in PRIMES
    if kind == 5:
        a = rng.randint(1, n - 1)
        b = rng.randint(a, n)
        return f"between {a} and {b} inclusive", lambda v: a <= v <= b
    if kind == 6:
        return "a perfect square", lambda v: v in SQUARES
    if kind == 7:
        m1, m2 = rng.sample((2, 3, 5), 2)
        return f"a multiple of {m1} or of {m2}", lambda v: v % m1 == 0 or v % m2 == 0
    k = rng.randint(1, n)
    return f"not {k}", lambda v: v != k


def binomial_line(n: int, k: int) -> str:
    """`C(6, 2) = (6 × 5) / (2 × 1) = 15`."""
    k2 = min(k, n - k)
    if k2 == 0:
        return f"C({n}, {k}) = 1"
    top = " × ".join(str(n - i) for i in range(k2))
    bottom = " × ".join(str(k2 - i) for i in range(k2))
    if k2 == 1:
        return f"C({n}, {k}) = {n}"
    return f"C({n}, {k}) = ({top}) / ({bottom}) = {comb(n, k)}"


class Scenario:
    """Builds one question: the text, the exact probability and the worked lines."""

    def __init__(self, rng: random.Random, level: int):
        self.rng, self.level = rng, level
        self.name = rng.choice(NAMES)
        self.lines: list[str] = []

    def ask(self, event: str) -> str:
        return self.rng.choice(ASK).format(e=event)

    # -- numbered objects: dice, spinners, tickets -----------------------------------------
    def numbered(self) -> tuple[str, Fraction]:
        rng = self.rng
        kind = rng.randrange(3)
        if kind == 0:
            n = rng.choice((4, 6, 8, 10, 12, 20))
            setup = f"{self.name} rolls a fair {n}-sided die with faces numbered 1 to {n}."
            what = "the number rolled is"
        elif kind == 1:
            n = rng.randint(3, 16)
            setup = (f"A spinner has {n} equal sections numbered 1 to {n}. {self.name} spins it "
                     "once.")
            what = "it lands on a number that is"
        else:
            n = rng.randint(10, 60)
            container = rng.choice(CONTAINERS)
            setup = (f"{'An' if container == 'urn' else 'A'} {container} holds {n} tickets "
                     f"numbered 1 to {n}. "
                     f"{self.name} draws one at random.")
            what = "the ticket's number is"
        text, test = numbered_event(rng, n, self.level)
        good = [v for v in range(1, n + 1) if test(v)]
        if not good or len(good) == n:
            good = [v for v in range(1, n + 1) if v % 2 == 0]
            text = "even"
        self.lines.append(f"There are {n} equally likely outcomes, 1 to {n}.")
        self.lines.append(f"The outcomes that are {text}: {listing(list(map(str, good)))} "
                          f"({len(good)} of them).")
        p = Fraction(len(good), n)
        self.lines.append(f"P = {ratio(len(good), n)}.")
        return setup + " " + self.ask(f"{what} {text}"), p

    # -- two dice ----------------------------------------------------------------------------
    def dice(self) -> tuple[str, Fraction]:
        rng = self.rng
        a, b = (6, 6) if self.level == 2 or rng.random() < 0.5 else \
            (rng.choice((4, 6, 8)), rng.choice((4, 6, 8, 10, 12)))
        lo, hi, small = 2, a + b, min(a, b)
        kind = rng.randrange(12)
        s = rng.randint(lo + 1, hi - 1)
        k = rng.randint(1, small)
        if kind == 0:
            text, test = f"the sum is {s}", lambda x, y: x + y == s
        elif kind == 1:
            text, test = f"the sum is at least {s}", lambda x, y: x + y >= s
        elif kind == 2:
            text, test = f"the sum is less than {s}", lambda x, y: x + y < s
        elif kind == 3:
            text, test = "both dice show the same number", lambda x, y: x == y
        elif kind == 4:
            text, test = "the product of the two numbers is even", \
                lambda x, y: (x * y) % 2 == 0
        elif kind == 5:
            text, test = f"at least one die shows a {k}", lambda x, y: x == k or y == k
        elif kind == 6:
            d = rng.randint(1, small - 1)
            text, test = f"the two numbers differ by exactly {d}", lambda x, y: abs(x - y) == d
        elif kind == 7:
            text, test = f"neither die shows a {k}", lambda x, y: x != k and y != k
        elif kind == 8:
            k = rng.randint(2, small)
            text, test = f"both dice show at least {k}", lambda x, y: x >= k and y >= k
        elif kind == 9:
            text, test = "the first die shows a larger number than the second", \
                lambda x, y: x > y
        elif kind == 10:
            m = rng.randint(3, 5)
            text, test = f"the sum is a multiple of {m}", lambda x, y: (x + y) % m == 0
        else:
            p = rng.randint(2, a * b // 2)
            text, test = f"the product is greater than {p}", lambda x, y: x * y > p
        dice = rng.choice(("two fair six-sided dice", "a pair of fair dice",
                           "two fair dice, one after the other")) if (a, b) == (6, 6) else \
            f"a fair {a}-sided die and a fair {b}-sided die"
        setup = f"{self.name} {rng.choice(('rolls', 'throws'))} {dice}."
        per_first = [sum(1 for y in range(1, b + 1) if test(x, y)) for x in range(1, a + 1)]
        good = sum(per_first)
        if good in (0, a * b):
            text, good = "the sum is even", sum(1 for x in range(1, a + 1)
                                                for y in range(1, b + 1) if (x + y) % 2 == 0)
            per_first = [sum(1 for y in range(1, b + 1) if (x + y) % 2 == 0)
                         for x in range(1, a + 1)]
        total = a * b
        self.lines.append(f"There are {a} × {b} = {total} equally likely (first, second) "
                          "outcomes.")
        self.lines.append(f"Count the outcomes where {text}, going through the first die from 1 to "
                          f"{a}: {' + '.join(map(str, per_first))} = {good}.")
        self.lines.append(f"P = {ratio(good, total)}.")
        return setup + " " + self.ask(text), Fraction(good, total)

    # -- coins ---------------------------------------------------------------------------------
    def coins(self) -> tuple[str, Fraction]:
        rng = self.rng
        n = rng.randint(2, 5 if self.level == 2 else 7 if self.level == 3 else 12)
        kind = rng.randrange(6)
        total = 2**n
        face, other = rng.choice((("heads", "tails"), ("tails", "heads")))
        self.lines.append(f"Each toss has 2 equally likely results, so there are 2^{n} = {total} "
                          "equally likely sequences.")
        if kind in (0, 1):
            k = rng.randint(0, n)
            text = f"exactly {k} of them land {face}" if kind == 0 else \
                f"exactly {k} {face} come up"
            ways = comb(n, k)
            self.lines.append(f"Sequences with exactly {k} {face}: choose which {k} of the {n} "
                              f"tosses are {face}: {binomial_line(n, k)}.")
        elif kind == 2:
            text = f"at least one lands {face}"
            ways = total - 1
            self.lines.append(f"Only one sequence has no {face} at all (all {other}), so "
                              f"{total} - 1 = {ways} sequences have at least one.")
        elif kind == 3:
            k = rng.randint(1, n)
            text = f"at least {k} of them land {face}"
            counts = [comb(n, i) for i in range(k, n + 1)]
            ways = sum(counts)
            self.lines.append(f"Add the ways to get {k} to {n} {face}, C({n}, i) for i = {k} to "
                              f"{n}: {' + '.join(map(str, counts))} = {ways}."
                              if len(counts) > 1 else f"Only all {face} works: 1 way.")
        elif kind == 4:
            k = rng.randint(0, n - 1)
            text = f"at most {k} of them land {face}"
            counts = [comb(n, i) for i in range(0, k + 1)]
            ways = sum(counts)
            self.lines.append(f"Add the ways to get 0 to {k} {face}, C({n}, i) for i = 0 to {k}: "
                              f"{' + '.join(map(str, counts))} = {ways}."
                              if len(counts) > 1 else f"Only all {other} works: 1 way.")
        else:
            text = f"more of them land {face} than {other}"
            counts = [comb(n, i) for i in range(n // 2 + 1, n + 1)]
            ways = sum(counts)
            self.lines.append(f"More {face} than {other} means at least {n // 2 + 1} {face}: "
                              f"{' + '.join(map(str, counts))} = {ways} sequences.")
        setup = rng.choice((f"{self.name} tosses {n} fair coins.",
                            f"{self.name} flips a fair coin {n} times.",
                            f"{n} friends of {self.name} each flip one fair coin."))
        self.lines.append(f"P = {ratio(ways, total)}.")
        return setup + " " + self.ask(text), Fraction(ways, total)

    def biased(self) -> tuple[str, Fraction]:
        rng = self.rng
        p = rng.choice((Fraction(1, 3), Fraction(2, 3), Fraction(1, 4), Fraction(3, 4),
                        Fraction(2, 5), Fraction(3, 5), Fraction(1, 5), Fraction(1, 6)))
        n = rng.randint(2, 6)
        k = rng.randint(0, n)
        q = 1 - p
        ways = comb(n, k)
        pk, qk = p**k, q ** (n - k)
        value = ways * pk * qk
        self.lines.append(f"Each toss is heads with probability {frac(p)} and tails with "
                          f"probability 1 - {frac(p)} = {frac(q)}, independently.")
        self.lines.append(f"Choose which {k} toss{'' if k == 1 else 'es'} land heads: "
                          f"{binomial_line(n, k)}.")
        self.lines.append(f"Each such sequence has probability ({frac(p)})^{k} × "
                          f"({frac(q)})^{n - k}: ({frac(p)})^{k} = {frac(pk)} and "
                          f"({frac(q)})^{n - k} = {frac(qk)}.")
        self.lines.append(f"P = {ways} × {frac(pk)} × {frac(qk)} = {frac(value)}.")
        setup = (f"A biased coin lands heads with probability {frac(p)}. {self.name} tosses it "
                 f"{n} times.")
        event = {0: "it never lands heads", 1: "it lands heads exactly once",
                 2: "it lands heads exactly twice"}.get(k, f"it lands heads exactly {k} times")
        return setup + " " + self.ask(event), value

    def at_least_once(self) -> tuple[str, Fraction]:
        rng = self.rng
        sides = rng.choice((4, 6, 8, 10, 12, 20))
        n = rng.randint(2, 6)
        k = rng.randint(1, sides)
        miss = Fraction(sides - 1, sides)
        none = miss**n
        value = 1 - none
        self.lines.append(f"Work with the complement: no {k} in any of the {n} rolls.")
        self.lines.append(f"One roll misses {k} with probability {frac(miss)}; the rolls are "
                          f"independent, so ({frac(miss)})^{n} = {frac(none)}.")
        self.lines.append(f"P(at least one {k}) = 1 - {frac(none)} = {frac(value)}.")
        setup = f"{self.name} rolls a fair {sides}-sided die {n} times."
        return setup + " " + self.ask(f"at least one roll shows {k}"), value

    def conditional(self) -> tuple[str, Fraction]:
        rng = self.rng
        s = rng.randint(4, 10)
        pairs = [(x, s - x) for x in range(1, 7) if 1 <= s - x <= 6]
        if s % 2 == 0 and rng.random() < 0.4:
            good = [pr for pr in pairs if pr[0] % 2 == 0 and pr[1] % 2 == 0]
            text, have = "both dice show even numbers", "have two even numbers"
        else:
            k = rng.choice([x for x, _ in pairs])
            good = [pr for pr in pairs if k in pr]
            text, have = f"at least one die shows a {k}", f"contain a {k}"
        self.lines.append(f"Given the sum is {s}, only these equally likely outcomes remain: "
                          f"{', '.join(f'({x}, {y})' for x, y in pairs)}; that is {len(pairs)}.")
        self.lines.append(f"Of these, {len(good)} {have}: "
                          f"{', '.join(f'({x}, {y})' for x, y in good)}.")
        value = Fraction(len(good), len(pairs))
        self.lines.append(f"P = {ratio(len(good), len(pairs))}.")
        setup = (f"{self.name} rolls two fair six-sided dice and is told that the sum is {s}.")
        return setup + " " + self.ask(f"{text}, given this"), value

    # -- cards ---------------------------------------------------------------------------------
    def cards(self) -> tuple[str, Fraction]:
        rng = self.rng
        deck = DECK
        setup = f"{self.name} draws one card at random from a standard 52-card deck."
        removed = ""
        if rng.random() < (0.3 if self.level == 1 else 0.5):
            if rng.random() < 0.5:
                s = rng.randrange(4)
                deck = tuple(c for c in deck if c[1] != s)
                removed = f"all the {SUITS[s]}"
                setup = (f"All the {SUITS[s]} are removed from a standard 52-card deck, leaving "
                         f"{len(deck)} cards. {self.name} draws one card at random.")
            else:
                r = rng.randrange(13)
                deck = tuple(c for c in deck if c[0] != r)
                removed = f"all four {RANKS[r]}s"
                setup = (f"All four {RANKS[r]}s are removed from a standard 52-card deck, "
                         f"leaving {len(deck)} cards. {self.name} draws one card at random.")
        r1, r2 = rng.sample(range(13), 2)
        s1 = rng.randrange(4)
        lo = rng.randint(2, 9)
        hi = rng.randint(lo + 1, 10)
        colour = rng.choice(("red", "black"))
        red = colour == "red"
        fixed = (("a heart", CARD_TESTS["heart"]), ("a red card", CARD_TESTS["red"]),
                 ("a face card (jack, queen or king)", CARD_TESTS["face"]),
                 ("a black card", lambda c: c[1] >= 2), ("a spade", CARD_TESTS["spade"]),
                 ("a number card from 2 to 10", lambda c: 1 <= c[0] <= 9),
                 ("a diamond", lambda c: c[1] == 1), ("a club", lambda c: c[1] == 2))
        events: list[tuple[str, Callable[[tuple[int, int]], bool], tuple | None]] = [
            (*rng.choice(fixed), None),
            (an(RANKS[r1]), lambda c: c[0] == r1, None),
            (f"{an(RANKS[r1])} or {an(RANKS[r2])}", lambda c: c[0] in (r1, r2), None),
            (f"the {RANKS[r1]} of {SUITS[s1]}", lambda c: c == (r1, s1), None),
            (f"a {colour} {RANKS[r1]}", lambda c: c[0] == r1 and (c[1] < 2) == red, None),
            (f"a number card from {lo} to {hi}", lambda c: lo - 1 <= c[0] <= hi - 1, None),
            (f"a {SUITS[s1][:-1]} from {lo} to {hi}",
             lambda c: lo - 1 <= c[0] <= hi - 1 and c[1] == s1, None),
        ]
        if self.level >= 3:
            suit = SUITS[s1][:-1]
            events += [
                (f"a {suit} or {an(RANKS[r1])}", lambda c: c[1] == s1 or c[0] == r1,
                 (f"{suit}s", lambda c: c[1] == s1, f"{RANKS[r1]}s", lambda c: c[0] == r1)),
                (f"a {colour} card or a face card", lambda c: (c[1] < 2) == red or c[0] >= 10,
                 (colour, lambda c: (c[1] < 2) == red, "face cards", CARD_TESTS["face"])),
                (f"{an(RANKS[r1])} that is not a {suit}", lambda c: c[0] == r1 and c[1] != s1,
                 None),
            ]
        text, test, union = rng.choice(events)
        good = sum(1 for c in deck if test(c))
        if good == 0 or good == len(deck):
            text, test, union = "a red card", CARD_TESTS["red"], None
            good = sum(1 for c in deck if test(c))
            if good == len(deck) or good == 0:
                text, test = "a face card (jack, queen or king)", CARD_TESTS["face"]
                good = sum(1 for c in deck if test(c))
        if removed:
            self.lines.append(f"After removing {removed}, {len(deck)} cards remain, all equally "
                              "likely.")
        else:
            self.lines.append("All 52 cards are equally likely.")
        if union:
            a_text, a_test, b_text, b_test = union
            na = sum(1 for c in deck if a_test(c))
            nb = sum(1 for c in deck if b_test(c))
            both = sum(1 for c in deck if a_test(c) and b_test(c))
            self.lines.append(f"Count with inclusion-exclusion: {na} cards are {a_text}, {nb} are "
                              f"{b_text}, and {both} are both, so {na} + {nb} - {both} = {good}.")
        else:
            self.lines.append(f"Cards that are {text}: {good}.")
        self.lines.append(f"P = {ratio(good, len(deck))}.")
        return setup + " " + self.ask(f"the card is {text}"), Fraction(good, len(deck))

    def two_cards(self) -> tuple[str, Fraction]:
        rng = self.rng
        kind = rng.randrange(5)
        r1, r2 = rng.sample(range(13), 2)
        if kind == 0:
            r = rng.randrange(13)
            text, k, what = f"both cards are {RANKS[r]}s", 4, f"{RANKS[r]}s"
        elif kind == 1:
            s = rng.randrange(4)
            text, k, what = f"both cards are {SUITS[s]}", 13, SUITS[s]
        elif kind == 2:
            text, k, what = rng.choice((("both cards are face cards", 12, "face cards"),
                                        ("both cards are red", 26, "red cards"),
                                        ("both cards are black", 26, "black cards"),
                                        ("neither card is a face card", 40, "non-face cards")))
        elif kind == 3:
            value = Fraction(4, 52) * Fraction(4, 51)
            self.lines.append(f"First card {an(RANKS[r1])}: 4/52. Then 4 of the remaining 51 "
                              f"cards are {RANKS[r2]}s: 4/51.")
            self.lines.append(f"P = 4/52 × 4/51 = 16/2652 = {frac(value)}.")
            setup = (f"{self.name} draws two cards from a standard 52-card deck without "
                     "replacement.")
            return setup + " " + self.ask(f"the first card is {an(RANKS[r1])} and the second "
                                          f"is {an(RANKS[r2])}"), value
        else:
            value = 2 * Fraction(26, 52) * Fraction(26, 51)
            self.lines.append("Red then black: 26/52 × 26/51; black then red: 26/52 × 26/51.")
            self.lines.append(f"P = 2 × 26/52 × 26/51 = 1352/2652 = {frac(value)}.")
            setup = (f"{self.name} deals two cards from a shuffled standard 52-card deck "
                     "without replacement.")
            return setup + " " + self.ask("one card is red and the other is black"), value
        value = Fraction(k, 52) * Fraction(k - 1, 51)
        self.lines.append(f"There are {k} {what} among the 52 cards.")
        self.lines.append(f"First card: {k}/52. Without replacement, {k - 1} of the remaining 51 "
                          f"cards are {what}: {k - 1}/51.")
        self.lines.append(f"P = {k}/52 × {k - 1}/51 = {k * (k - 1)}/2652 = {frac(value)}.")
        setup = rng.choice((f"{self.name} draws two cards from a standard 52-card deck without "
                            "replacement.", f"{self.name} deals two cards from a shuffled "
                            "standard 52-card deck without replacement."))
        return setup + " " + self.ask(text), value

    # -- urns ----------------------------------------------------------------------------------
    def _urn(self, colours: int) -> tuple[list[tuple[str, int]], str]:
        rng = self.rng
        cols = rng.sample(COLOURS, colours)
        hi = 6 if self.level <= 2 else 12
        counts = [(c, rng.randint(1 if i else 2, hi)) for i, c in enumerate(cols)]
        thing = rng.choice(THINGS)
        parts = [f"{n} {c}" for c, n in counts]
        container = rng.choice(CONTAINERS)
        article = "An" if container == "urn" else "A"
        desc = (f"{article} {container} contains {', '.join(parts[:-1])} and {parts[-1]} "
                f"{thing}.")
        return counts, desc

    def urn_single(self) -> tuple[str, Fraction]:
        counts, desc = self._urn(self.rng.randint(2, 4))
        n = sum(k for _, k in counts)
        colour, k = self.rng.choice(counts)
        neg = self.rng.random() < 0.3
        self.lines.append(f"There are {' + '.join(str(k) for _, k in counts)} = {n} objects in "
                          "all, each equally likely.")
        if neg:
            good = n - k
            self.lines.append(f"Not {colour}: {n} - {k} = {good}.")
            text = f"it is not {colour}"
        else:
            good = k
            self.lines.append(f"{k} of them are {colour}.")
            text = f"it is {colour}"
        self.lines.append(f"P = {ratio(good, n)}.")
        return (f"{desc} {self.name} takes one at random. " + self.ask(text),
                Fraction(good, n))

    def urn_two(self) -> tuple[str, Fraction]:
        rng = self.rng
        counts, desc = self._urn(rng.randint(2, 3))
        n = sum(k for _, k in counts)
        replace = self.level <= 3 and rng.random() < 0.6 if self.level < 4 else \
            rng.random() < 0.25
        (ca, ka), (cb, kb) = rng.sample(counts, 2)
        kind = rng.randrange(3 if self.level >= 4 else 2)
        if not replace and ((kind == 0 and ka < 2) or (kind == 2 and n - ka < 2)):
            kind = 1
        how = "with replacement (putting the first back before the second draw)" if replace \
            else "without replacement"
        self.lines.append(f"There are {' + '.join(str(k) for _, k in counts)} = {n} objects.")
        second = n if replace else n - 1
        if kind == 0:
            text = f"both are {ca}"
            again = ka if replace else ka - 1
            value = Fraction(ka, n) * Fraction(again, second)
            self.lines.append(f"First {ca}: {ka}/{n}; then {ca} again: {again}/{second}.")
            self.lines.append(f"P = {ka}/{n} × {again}/{second} = {ka * again}/{n * second}"
                              + (f" = {frac(value)}." if value.denominator != n * second else "."))
        elif kind == 1:
            text = f"one is {ca} and the other is {cb}"
            value = 2 * Fraction(ka, n) * Fraction(kb, second)
            self.lines.append(f"{ca.capitalize()} then {cb}: {ka}/{n} × {kb}/{second}; {cb} then "
                              f"{ca}: {kb}/{n} × {ka}/{second}. Both orders have the same "
                              "probability.")
            self.lines.append(f"P = 2 × {ka}/{n} × {kb}/{second} = {2 * ka * kb}/{n * second}"
                              + (f" = {frac(value)}." if value.denominator != n * second else "."))
        else:
            text = f"at least one is {ca}"
            other = n - ka
            again = other if replace else other - 1
            none = Fraction(other, n) * Fraction(again, second)
            value = 1 - none
            self.lines.append(f"Use the complement, no {ca} at all: {other}/{n} × {again}/{second} "
                              f"= {frac(none)}.")
            self.lines.append(f"P = 1 - {frac(none)} = {frac(value)}.")
        return (f"{desc} {self.name} draws two of them at random {how}. " + self.ask(text),
                value)

    def urn_three(self) -> tuple[str, Fraction]:
        rng = self.rng
        counts, desc = self._urn(rng.randint(2, 3))
        n = sum(k for _, k in counts)
        while n < 5:
            counts, desc = self._urn(rng.randint(2, 3))
            n = sum(k for _, k in counts)
        colour, k = rng.choice(counts)
        total = comb(n, 3)
        valid = [j for j in range(4) if comb(k, j) * comb(n - k, 3 - j)]
        if len(valid) < 2:
            colour, k = max(counts, key=lambda c: c[1])
            valid = [j for j in range(4) if comb(k, j) * comb(n - k, 3 - j)]
        j = rng.choice(valid)
        good = comb(k, j) * comb(n - k, 3 - j)
        self.lines.append(f"There are {n} objects; {k} are {colour} and {n - k} are not.")
        self.lines.append(f"Ways to choose 3 of {n}: {binomial_line(n, 3)}.")
        self.lines.append(f"Ways to get exactly {j} {colour}: C({k}, {j}) × C({n - k}, {3 - j}) = "
                          f"{comb(k, j)} × {comb(n - k, 3 - j)} = {good}.")
        self.lines.append(f"P = {ratio(good, total)}.")
        return (f"{desc} {self.name} takes three of them at random without replacement. "
                + self.ask(f"none of the three is {colour}" if j == 0 else
                           f"exactly {j} of the three are {colour}"), Fraction(good, total))


# scenario methods by level
KINDS = {
    1: ("numbered", "urn_single", "cards"),
    2: ("dice", "coins", "urn_two", "cards", "numbered"),
    3: ("dice", "coins", "urn_two", "cards"),
    4: ("coins", "urn_two", "two_cards", "dice", "at_least_once"),
    5: ("conditional", "biased", "at_least_once", "urn_three", "urn_two"),
}


def parse_probability(text: str) -> Fraction | None:
    """A probability from `1/6`, `0.25`, `25%`, `1 in 6` (exact values only)."""
    s = text.strip().rstrip(".")
    m = _ONE_IN.match(s)
    if m:
        den = int(m.group(2))
        return Fraction(int(m.group(1)), den) if den else None
    s = s.removeprefix("P = ").removeprefix("p = ").strip()
    return parse_number(s, percent=True)


@family("probability")
class Probability(Family):
    """Find the probability of an event with dice, coins, cards or urns, as a fraction."""

    domain = "probability"
    skills = ("counting outcomes", "independent and dependent events", "complements")
    answer_kind = "probability"

    def make(self, rng: random.Random, level: int) -> Task:
        scenario = Scenario(rng, level)
        question, value = getattr(scenario, rng.choice(KINDS[level]))()
        assert 0 < value < 1, (question, value)
        answer = frac(value)
        scenario.lines.append(f"So the probability is {answer}.")
        question += rng.choice(FORM)
        return Task(question, answer, "\n".join(scenario.lines))

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got, want = parse_probability(answer), parse_probability(task.answer)
        return 1.0 if got is not None and got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = parse_probability(task.answer)
        assert want is not None
        out = {frac(1 - want), frac(Fraction(want.numerator + 1, want.denominator)),
               f"{float(want):.2f}", frac(want * want), f"{want.numerator}/{want.denominator + 1}"}
        return [w for w in out if parse_probability(w) != want]
