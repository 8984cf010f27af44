"""Expected values of simple games and distributions: dice, spinners, raffles, insurance,
tables of outcomes, linearity of expectation; exact answers (fractions allowed)."""

from __future__ import annotations

import random
import re
from fractions import Fraction

from synthforge.generate.procedural.answers import parse_number
from synthforge.generate.procedural.base import Family, Task, family
from synthforge.generate.procedural.probability import NAMES, listing, ratio
from synthforge.generate.procedural.unit_conversion import dec

COLOURS = ("red", "blue", "green", "yellow", "white", "black", "purple", "orange")
PRIZES = ("points", "tokens", "dollars", "stars", "credits")
ANSWER_FORM = ("", " Give the exact value.", " Give an exact answer (a fraction if needed).")
NUMBER_TAIL = re.compile(r"^\s*([-+]?\s*\$?\s*[-+]?(?:\d+\s+\d+\s*/\s*\d+|[\d,]*\.?\d+"
                         r"(?:\s*/\s*\d+)?))\s*([a-z ]*)\.?\s*$")
SIGN_DOLLAR = re.compile(r"^([-+]?)\s*\$?\s*")
# by level: scenario kinds
KINDS = {1: ("fair_die", "table"), 2: ("die_game", "table", "fair_die"),
         3: ("spinner", "raffle", "insurance", "die_game"),
         4: ("coins", "draws", "two_dice", "paid_game", "spinner"),
         5: ("max_dice", "fair_price", "sixes", "paid_game", "draws")}


def frac(x: Fraction | int) -> str:
    x = Fraction(x)
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def show(x: Fraction) -> str:
    """A probability or value as given in a question: a short decimal or p/q."""
    text = dec(x, 3)
    return text if text is not None else frac(x)


def paren(x: Fraction | int) -> str:
    return f"({frac(x)})" if x < 0 else frac(x)


def weighted(values: list[Fraction | int], shown: list[str]) -> str:
    """`2 × 1/4 + 5 × 1/2 + (-1) × 1/4`."""
    return " + ".join(f"{paren(v)} × {s}" for v, s in zip(values, shown, strict=True))


def money(x: Fraction | int, unit: str) -> str:
    if unit == "dollars":
        return f"${dec(abs(Fraction(x))) or frac(abs(Fraction(x)))}"
    return f"{frac(x)} {unit if x != 1 else unit.rstrip('s')}"


class Scenario:
    def __init__(self, rng: random.Random, level: int):
        self.rng, self.level = rng, level
        self.name = rng.choice(NAMES)
        self.lines: list[str] = []
        self.unit = ""

    def expectation(self, values: list[Fraction | int], probs: list[Fraction],
                    shown: list[str] | None = None) -> Fraction:
        shown = shown or [frac(p) for p in probs]
        total = sum((Fraction(v) * p for v, p in zip(values, probs, strict=True)), Fraction(0))
        self.lines.append(f"E = {weighted(values, shown)} = {frac(total)}.")
        return total

    # -- kinds -------------------------------------------------------------------------------
    def fair_die(self) -> tuple[str, Fraction]:
        rng = self.rng
        kind = rng.choice((0, 1, 2, 2, 2, 3, 3, 3, 3))
        if kind == 3:
            n = rng.choice((4, 6, 6, 8))
            faces = sorted(rng.randint(0, 12) for _ in range(n))
            thing = f"a fair {n}-sided die whose faces show {listing(list(map(str, faces)))}"
            q = rng.choice((f"{self.name} rolls {thing}. What is the expected value of the "
                            "roll?", f"What is the expected result when {self.name} rolls "
                            f"{thing}?", f"Find the mean (expected) value of one roll of "
                            f"{self.name}'s {thing.removeprefix('a ')}."))
            total = sum(faces)
            self.lines.append(f"Each face has probability 1/{n}, so E is the average of the "
                              "faces.")
            self.lines.append(f"Sum of the faces: {' + '.join(map(str, faces))} = {total}.")
            value = Fraction(total, n)
            self.lines.append(f"E = {total}/{n} = {frac(value)}.")
            return q, value
        if kind == 0:
            n = rng.choice((4, 6, 8, 10, 12, 20))
            lo, hi = 1, n
            thing = f"a fair {n}-sided die numbered 1 to {n}"
        elif kind == 1:
            lo, hi = 1, rng.randint(3, 24)
            thing = f"a spinner with {hi} equal sections numbered 1 to {hi}"
        else:
            lo = rng.randint(1, 60)
            hi = lo + rng.randint(2, 150)
            thing = f"a random ticket from tickets numbered {lo} to {hi}, one of each"
        n = hi - lo + 1
        total = n * (lo + hi) // 2 if n * (lo + hi) % 2 == 0 else None
        self.lines.append(f"Each of the {n} numbers from {lo} to {hi} has probability 1/{n}, so "
                          f"E is their average: ({lo} + {lo + 1} + ... + {hi}) / {n}.")
        doubled = n * (lo + hi)
        self.lines.append(f"Pairing the smallest with the largest, each pair adds to "
                          f"{lo} + {hi} = {lo + hi}, so the sum is {n} × {lo + hi} / 2 = "
                          f"{frac(Fraction(doubled, 2))}.")
        value = Fraction(doubled, 2 * n)
        self.lines.append(f"E = {frac(Fraction(doubled, 2))}/{n} = {frac(value)}." if total else
                          f"E = ({lo} + {hi}) / 2 = {frac(value)}.")
        q = rng.choice((f"What is the expected value of the number {self.name} gets from "
                        f"{thing}?", f"{self.name} draws once from {thing}. What is the "
                        "expected value of the result?",
                        f"Find the mean (expected) result when {self.name} uses {thing}."))
        return q, value

    def table(self) -> tuple[str, Fraction]:
        rng = self.rng
        k = rng.randint(2, 3 if self.level == 1 else 4)
        den = rng.choice((4, 5, 8, 10, 12, 20))
        cuts = sorted(rng.sample(range(1, den), k - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, den], strict=True)]
        probs = [Fraction(p, den) for p in parts]
        values = rng.sample(range(-5 if self.level > 1 else 0, 21), k)
        shown = [show(p) for p in probs]
        rows = ", ".join(f"X = {v} with probability {s}" for v, s in zip(values, shown,
                                                                           strict=True))
        q = rng.choice((f"A random variable X takes these values: {rows}. What is E(X)?",
                        f"{self.name} plays a game whose score X is distributed as follows: "
                        f"{rows}. Find the expected score.",
                        f"The number of messages {self.name} gets in an hour is X, where {rows}. "
                        "What is the expected value of X?"))
        self.lines.append("E(X) is the sum of each value times its probability (the "
                          f"probabilities add up to {' + '.join(shown)} = 1).")
        return q, self.expectation(values, probs, shown)

    def die_game(self) -> tuple[str, Fraction]:
        rng = self.rng
        n = 6 if self.level <= 2 or rng.random() < 0.6 else rng.choice((4, 8, 10, 12))
        unit = rng.choice(PRIZES)
        self.unit = unit
        top = rng.randint(n - 2, n)
        win, small, lose = rng.randint(3, 20), rng.randint(1, 5), rng.randint(1, 6)
        mid_lo = max(2, top - 2)
        p_top = Fraction(n - top + 1, n)
        p_mid = Fraction(top - mid_lo, n)
        p_low = 1 - p_top - p_mid
        q = (f"{self.name} rolls a fair {n}-sided die. A roll of {top} or more wins "
             f"{money(win, unit)}, a roll from {mid_lo} to {top - 1} wins {money(small, unit)}, "
             f"and any other roll loses {money(lose, unit)}. What is {self.name}'s expected gain "
             "per roll" + (" in dollars?" if unit == "dollars" else f" in {unit}?"))
        if top - 1 < mid_lo:
            q = (f"{self.name} rolls a fair {n}-sided die. A roll of {top} or more wins "
                 f"{money(win, unit)} and any other roll loses {money(lose, unit)}. What is the "
                 "expected gain per roll" + (" in dollars?" if unit == "dollars" else
                                             f" in {unit}?"))
            p_mid = Fraction(0)
            p_low = 1 - p_top
        self.lines.append(f"P(win {win}) = {ratio(n - top + 1, n)}.")
        values: list[Fraction | int] = [win]
        probs = [p_top]
        if p_mid:
            self.lines.append(f"P(win {small}) = {ratio(top - mid_lo, n)}.")
            values.append(small)
            probs.append(p_mid)
        self.lines.append(f"P(lose {lose}) = {frac(p_low)}; a loss counts as {-lose}.")
        values.append(-lose)
        probs.append(p_low)
        return q, self.expectation(values, probs)

    def spinner(self) -> tuple[str, Fraction]:
        rng = self.rng
        k = rng.randint(2, 4)
        counts = [rng.randint(1, 6) for _ in range(k)]
        n = sum(counts)
        values = rng.sample(range(0, 41, 5 if rng.random() < 0.5 else 1), k)
        colours = rng.sample(COLOURS, k)
        parts = ", ".join(f"{c} {col} section{'s' if c > 1 else ''} worth {v} points"
                          for c, col, v in zip(counts, colours, values, strict=True))
        q = (f"A spinner has {n} equal sections: {parts}. {self.name} spins it once. What is the "
             "expected number of points?")
        probs = [Fraction(c, n) for c in counts]
        self.lines.append(f"There are {' + '.join(map(str, counts))} = {n} equal sections, so the "
                          "probabilities are " + ", ".join(f"{c}/{n}" for c in counts) + ".")
        return q, self.expectation(values, probs, [f"{c}/{n}" for c in counts])

    def raffle(self) -> tuple[str, Fraction]:
        rng = self.rng
        n = rng.choice((50, 100, 200, 250, 400, 500, 1000))
        price = rng.choice((1, 2, 5, 10))
        prize = rng.choice((50, 100, 150, 200, 250, 500))
        seconds = rng.randint(0, 4)
        second = rng.choice((10, 20, 25))
        extra = f" and {seconds} second prizes of ${second}" if seconds else ""
        q = (f"A raffle sells {n} tickets at ${price} each. There is one first prize of ${prize}"
             f"{extra}; each ticket can win at most one prize. {self.name} buys one ticket. What "
             "is the expected net gain in dollars (prizes minus the ticket price)?")
        values: list[Fraction | int] = [prize - price]
        probs = [Fraction(1, n)]
        self.lines.append(f"Win the first prize: net {prize} - {price} = {prize - price}, "
                          f"probability 1/{n}.")
        if seconds:
            values.append(second - price)
            probs.append(Fraction(seconds, n))
            self.lines.append(f"Win a second prize: net {second} - {price} = {second - price}, "
                              f"probability {seconds}/{n}.")
        rest = n - 1 - seconds
        values.append(-price)
        probs.append(Fraction(rest, n))
        self.lines.append(f"Win nothing: net {-price}, probability {rest}/{n}.")
        shown = [f"1/{n}"] + ([f"{seconds}/{n}"] if seconds else []) + [f"{rest}/{n}"]
        return q, self.expectation(values, probs, shown)

    def insurance(self) -> tuple[str, Fraction]:
        rng = self.rng
        premium = rng.choice((100, 150, 200, 250, 300, 400, 500))
        payout = rng.choice((2000, 5000, 10000, 20000, 25000))
        p = Fraction(rng.choice((1, 2, 3, 5)), rng.choice((100, 200, 250, 500, 1000)))
        thing = rng.choice(("bike", "phone", "laptop", "car", "camera", "boat"))
        q = (f"An insurer charges {self.name} ${premium} a year to insure a {thing}. With "
             f"probability {show(p)} the {thing} is lost that year and the insurer pays "
             f"${payout}. What is the insurer's expected profit on this policy, in dollars?")
        self.lines.append(f"Expected payout: {payout} × {show(p)} = {frac(payout * p)}.")
        value = premium - payout * p
        self.lines.append(f"Expected profit: {premium} - {frac(payout * p)} = {frac(value)}.")
        return q, value

    def coins(self) -> tuple[str, Fraction]:
        rng = self.rng
        n = rng.randint(3, 40)
        p = rng.choice((Fraction(1, 2), Fraction(1, 3), Fraction(2, 5), Fraction(3, 4),
                        Fraction(1, 4), Fraction(3, 5), Fraction(1, 6)))
        pay = rng.randint(1, 9)
        coin = "a fair coin" if p == Fraction(1, 2) else \
            f"a coin (heads with probability {frac(p)} each time)"
        q = (f"{self.name} tosses {coin} {n} times and earns {pay} points for each head. What "
             "is the expected number of points?")
        self.lines.append(f"By linearity of expectation, the expected number of heads is "
                          f"{n} × {frac(p)} = {frac(n * p)}.")
        value = pay * n * p
        self.lines.append(f"Each head is worth {pay} points: {pay} × {frac(n * p)} = "
                          f"{frac(value)}.")
        return q, value

    def draws(self) -> tuple[str, Fraction]:
        rng = self.rng
        r, b = rng.randint(1, 12), rng.randint(1, 12)
        n = r + b
        k = rng.randint(2, min(5, n))
        cr, cb = rng.sample(COLOURS, 2)
        q = (f"A bag holds {r} {cr} and {b} {cb} balls. {self.name} draws {k} balls without "
             f"replacement. What is the expected number of {cr} balls drawn?")
        self.lines.append(f"Each draw, taken on its own, is {cr} with probability {r}/{n} "
                          "(by symmetry, every position in the drawing order is equally likely "
                          "to hold any ball).")
        value = Fraction(k * r, n)
        self.lines.append(f"By linearity of expectation: E = {k} × {r}/{n} = {frac(value)}.")
        return q, value

    def two_dice(self) -> tuple[str, Fraction]:
        rng = self.rng
        k = rng.randint(2, 4)
        sides = [rng.choice((4, 6, 8, 10, 12, 20)) for _ in range(k)]
        product = k == 2 and rng.random() < 0.3
        dice = listing([f"a fair {n}-sided die" for n in sides])
        dice = dice.rsplit(", ", 1)[0] + " and " + dice.rsplit(", ", 1)[1] if k > 1 else dice
        q = (f"{self.name} rolls {dice} and {'multiplies' if product else 'adds'} the numbers "
             f"shown. What is the expected {'product' if product else 'sum'}?")
        means = [Fraction(n + 1, 2) for n in sides]
        self.lines.append("A fair n-sided die has expected value (n + 1)/2: " + "; ".join(
            f"({n} + 1)/2 = {frac(m)}" for n, m in zip(sides, means, strict=True)) + ".")
        if product:
            value = means[0] * means[1]
            self.lines.append(f"The dice are independent, so the expected product is the product "
                              f"of the expectations: {frac(means[0])} × {frac(means[1])} = "
                              f"{frac(value)}.")
        else:
            value = sum(means, Fraction(0))
            self.lines.append(f"By linearity: {' + '.join(map(frac, means))} = {frac(value)}.")
        return q, value

    def paid_game(self) -> tuple[str, Fraction]:
        rng = self.rng
        cost = rng.randint(1, 6)
        n = rng.choice((6, 8, 10, 12))
        k = rng.randint(1, n // 2)
        prize = rng.randint(cost + 1, 30)
        q = (f"It costs {cost} dollars to play a game at {self.name}'s fair. A fair {n}-sided die "
             f"is rolled; if it shows {k} or less, the player gets {prize} dollars, otherwise "
             "nothing. What is the player's expected net gain per game, in dollars?")
        p = Fraction(k, n)
        self.lines.append(f"P(prize) = {k}/{n}" + (f" = {frac(p)}" if p.denominator != n else "")
                          + ".")
        self.lines.append(f"Expected winnings: {prize} × {frac(p)} = {frac(prize * p)}.")
        value = prize * p - cost
        self.lines.append(f"Subtract the cost: {frac(prize * p)} - {cost} = {frac(value)}.")
        return q, value

    def max_dice(self) -> tuple[str, Fraction]:
        rng = self.rng
        n = rng.randint(3, 10)
        high = rng.random() < 0.6
        word = "larger" if high else "smaller"
        friend = rng.choice([x for x in NAMES if x != self.name])
        q = (f"{self.name} and {friend} each roll a fair {n}-sided die, and {self.name} records "
             f"the {word} of the two numbers (either one if they are equal). What is the "
             "expected value of the recorded number?")
        total = n * n
        if high:
            self.lines.append(f"The larger number is at most k in k × k of the {total} outcomes, "
                              "so exactly k in k × k - (k - 1) × (k - 1) = 2k - 1 outcomes.")
            counts = [2 * k - 1 for k in range(1, n + 1)]
        else:
            self.lines.append(f"The smaller number is at least k in (n - k + 1)² of the {total} "
                              "outcomes, so exactly k in 2(n - k) + 1 outcomes.")
            counts = [2 * (n - k) + 1 for k in range(1, n + 1)]
        self.lines.append("Outcome counts for k = 1 to " f"{n}: {listing(list(map(str, counts)))}"
                          f" (they add up to {total}).")
        s = sum(k * c for k, c in zip(range(1, n + 1), counts, strict=True))
        terms = " + ".join(f"{k} × {c}" for k, c in zip(range(1, n + 1), counts, strict=True))
        self.lines.append(f"Weighted sum: {terms} = {s}.")
        value = Fraction(s, total)
        self.lines.append(f"E = {s}/{total} = {frac(value)}.")
        return q, value

    def fair_price(self) -> tuple[str, Fraction]:
        rng = self.rng
        k = rng.randint(2, 4)
        counts = [rng.randint(1, 5) for _ in range(k)]
        n = sum(counts)
        values = rng.sample(range(0, 31), k)
        colours = rng.sample(COLOURS, k)
        parts = listing([f"{c} {col}" for c, col in zip(counts, colours, strict=True)])
        parts = parts.rsplit(", ", 1)[0] + " and " + parts.rsplit(", ", 1)[1]
        pays = ", ".join(f"{col} pays ${v}" for col, v in zip(colours, values, strict=True))
        q = (f"A bag holds {parts} tokens. {self.name} pays an entry fee and draws one token: "
             f"{pays}. What entry fee, in dollars, makes the game fair (expected net gain 0)?")
        self.lines.append("The game is fair when the fee equals the expected payout.")
        probs = [Fraction(c, n) for c in counts]
        return q, self.expectation(values, probs, [f"{c}/{n}" for c in counts])

    def sixes(self) -> tuple[str, Fraction]:
        rng = self.rng
        n = rng.randint(2, 30)
        sides = rng.choice((4, 6, 8, 10, 12, 20))
        face = rng.randint(1, sides)
        pay, fee = rng.randint(2, 12), rng.randint(0, 5)
        q = (f"{self.name} rolls a fair {sides}-sided die {n} times, winning {pay} dollars for "
             f"each {face} rolled" + (f" after paying {fee} dollars to play" if fee else "")
             + ". What is the expected net gain in dollars?")
        count = Fraction(n, sides)
        self.lines.append(f"Each roll shows {face} with probability 1/{sides}; by linearity, the "
                          f"expected number of {face}s is {n} × 1/{sides} = {frac(count)}.")
        win = pay * count
        self.lines.append(f"Expected winnings: {pay} × {frac(count)} = {frac(win)}.")
        value = win - fee
        if fee:
            self.lines.append(f"Minus the fee: {frac(win)} - {fee} = {frac(value)}.")
        return q, value


def parse_value(text: str) -> Fraction | None:
    """A number from `7/2`, `3.5`, `-$0.25`, `$-0.25`, `3.5 points`."""
    m = NUMBER_TAIL.match(text.casefold().replace("−", "-"))
    if not m:
        return None
    number = SIGN_DOLLAR.sub(r"\1", m.group(1))
    return parse_number(number, percent=False)


@family("expected_value")
class ExpectedValue(Family):
    """Find the expected value of a game or a distribution (exact, fractions allowed)."""

    domain = "probability"
    skills = ("expected value", "linearity of expectation", "weighted averages")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        scenario = Scenario(rng, level)
        question, value = getattr(scenario, rng.choice(KINDS[level]))()
        text = dec(value, 4)
        answer = text if text is not None else frac(value)
        also = f" (= {answer})" if value.denominator != 1 and text is not None else ""
        scenario.lines.append(f"So the expected value is {frac(value)}{also}.")
        return Task(question + rng.choice(ANSWER_FORM), answer, "\n".join(scenario.lines))

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got, want = parse_value(answer), parse_value(task.answer)
        return 1.0 if got is not None and got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = parse_value(task.answer)
        assert want is not None
        out = {frac(want + 1), frac(-want) if want else "1", frac(want * 2 + 1),
               f"{float(want):.1f}", frac(want + Fraction(1, want.denominator + 1))}
        return [w for w in out if parse_value(w) != want]
