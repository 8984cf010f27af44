"""Percentages: X% of Y, what percent A is of B, percent change, discounts, tax, growth.

Answers: where the question asks for a percentage ("what percent", "by what percentage"),
the answer is the number of percent: `25`, `25%`, `25 percent` and `25.0 %` are accepted, and
the bare fraction `0.25` is refused (read as a number of percent it is 0.25%, not 25%).
Every other question asks for an amount (a count, a price, a population): the answer is a
plain number, money may carry `$` and cents (`$42.50`, `42.5`, `42.50 dollars`), a trailing
unit word is allowed (`20 students`), and a percent sign is refused. All numbers are chosen
so that every answer is exact (whole cents at most), with no rounding.
"""

from __future__ import annotations

import random
from math import gcd

from synthforge.generate.procedural.answers import format_number, parse_number
from synthforge.generate.procedural.base import Family, Task, family

NAMES = ("Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "George", "Hana", "Ivan", "Jade",
         "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
         "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Liam", "Mia", "Noah", "Olivia",
         "Aisha", "Bruno", "Carmen", "Dmitri", "Elif", "Felix", "Grace", "Hiro", "Imani", "Jonas")
ITEMS = ("jacket", "bicycle", "lamp", "pair of shoes", "backpack", "tablet", "coffee maker",
         "desk chair", "watch", "camera", "guitar", "blender", "suitcase", "printer",
         "rug", "tent", "pair of headphones", "board game", "sofa", "microwave", "scooter",
         "vacuum cleaner", "winter coat", "phone", "bookshelf", "skateboard", "kettle",
         "mattress", "dress", "toaster", "keyboard", "monitor", "telescope", "drone")
SHOPS = ("a store", "a shop", "an online shop", "a department store", "the mall", "a market",
         "a furniture store", "an electronics store", "a sports shop", "a sale")
# opening with {y}, plural noun, what part of them do
GROUPS = (
    ("A school has {y} students", "students", "walk to school"),
    ("A library has {y} books", "books", "are novels"),
    ("An orchard has {y} trees", "trees", "are apple trees"),
    ("A survey asked {y} people", "people", "said they prefer tea"),
    ("A factory made {y} light bulbs", "light bulbs", "were faulty"),
    ("A stadium holds {y} fans", "fans", "support the home team"),
    ("A farm has {y} animals", "animals", "are sheep"),
    ("A bakery sold {y} pastries", "pastries", "were croissants"),
    ("A marathon had {y} runners", "runners", "finished in under four hours"),
    ("A jar holds {y} marbles", "marbles", "are blue"),
    ("A company has {y} employees", "employees", "work from home"),
    ("A town has {y} households", "households", "own a dog"),
    ("A playlist has {y} songs", "songs", "are jazz songs"),
    ("A garden has {y} flowers", "flowers", "are roses"),
    ("A cinema sold {y} tickets", "tickets", "were for children"),
    ("A shelter cares for {y} animals", "animals", "are cats"),
    ("An airline flight carried {y} passengers", "passengers", "flew business class"),
    ("A club has {y} members", "members", "voted for the new logo"),
    ("A box contains {y} screws", "screws", "are too short"),
    ("A museum had {y} visitors on Sunday", "visitors", "were children"),
)
OF = ("What is {p}% of {y}?", "Find {p}% of {y}.", "Calculate {p} percent of {y}.",
      "How much is {p}% of {y}?", "Work out {p}% of {y}.", "Compute {p}% of {y}.",
      "What number is {p}% of {y}?", "Determine {p} percent of {y}.")
WHAT = ("What percent of {b} is {a}?", "{a} is what percent of {b}?",
        "Express {a} out of {b} as a percentage.", "What percentage of {b} is {a}?",
        "{a} is what percentage of {b}?", "Write {a} as a percentage of {b}.",
        "What percent is {a} of {b}?", "Find what percent {a} is of {b}.",
        "Give {a} as a percentage of {b}.", "{a} out of {b} is what percent?")
WHAT_STORY = (
    "{n} scored {a} out of {b} on a test. What percentage is that?",
    "{n} answered {a} of {b} questions correctly. What percent of the questions were "
    "answered correctly?",
    "Of {b} seeds that {n} planted, {a} sprouted. What percent of the seeds sprouted?",
    "A team won {a} of its {b} games. What percentage of its games did it win?",
    "{a} of the {b} passengers on a train had a reserved seat. What percent is that?",
    "{n} has read {a} of the {b} pages of a book. What percentage of the book has been read?",
    "A cafe served {b} drinks, and {a} of them were coffee. What percent were coffee?",
    "{n} saved ${a} of the ${b} needed for a trip. What percentage has been saved?",
)
QUANTITIES = (("the population of a town", "people"), ("the number of members of a club",
              "members"), ("the number of visitors to a park", "visitors"),
              ("a factory's daily output", "units"), ("the number of students at a school",
              "students"), ("the number of books in a library", "books"),
              ("the number of subscribers to a newsletter", "subscribers"),
              ("the number of trees in a forest", "trees"))
GROWTH = (("A town has a population of {o}", "people", "population"),
          ("A colony of bacteria has {o} cells", "cells", "number of cells"),
          ("A website has {o} registered users", "users", "number of users"),
          ("A lake holds {o} fish", "fish", "number of fish"),
          ("A city has {o} bicycles for rent", "bicycles", "number of bicycles"))
CAP = {1: 2000, 2: 4000, 3: 6000, 4: 10_000, 5: 20_000}  # largest whole, by level
NICE = (10, 20, 25, 50, 75, 5, 30, 40, 60, 80, 90)
TAXES = (5, 6, 8, 10, 12, 15, 20, 4, 7, 9)

def _compound_table() -> tuple[tuple[int, bool, int, int], ...]:
    """(rate, growing, years, smallest start) where every year's value stays whole."""
    rows = []
    for up, rates in ((True, (5, 10, 20, 25, 50, 4, 15, 30, 40, 60)),
                      (False, (10, 20, 25, 50, 5, 30, 40, 15))):
        for r in rates:
            factor = 100 + r if up else 100 - r
            for years in (2, 3, 4):
                step = 100**years // gcd(factor**years, 100**years)
                if step <= 20_000:
                    rows.append((r, up, years, step))
    return tuple(rows)


COMPOUND = _compound_table()
# by level: weights of the kinds of item
KINDS = {
    1: {"of": 4, "what": 3, "discount": 3},
    2: {"of": 3, "what": 3, "change": 2, "apply": 2, "discount": 3},
    3: {"of": 3, "what": 2, "change": 2, "apply": 2, "discount": 3},
    4: {"of": 1, "what": 1, "change": 2, "discount_tax": 3, "reverse": 3, "successive": 2},
    5: {"what": 1, "change": 1, "discount_tax": 2, "reverse": 2, "successive": 3,
        "compound": 3},
}


def _d(n: int, places: int) -> str:
    """n / 10**places as a short exact decimal."""
    sign = "-" if n < 0 else ""
    q, r = divmod(abs(n), 10**places)
    if r == 0:
        return f"{sign}{q}"
    return f"{sign}{q}.{str(r).rjust(places, '0').rstrip('0')}"


def _money(cents: int) -> str:
    q, r = divmod(cents, 100)
    return f"${q}" if r == 0 else f"${q}.{r:02d}"


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _percent(rng: random.Random, level: int) -> int:
    """A percentage in tenths of a percent (250 is 25%)."""
    if level == 1:
        return 10 * rng.choice(NICE)
    if level == 2:
        return 50 * rng.randint(1, 19)
    if level == 3:
        return 10 * rng.randint(1, 99)
    if level == 4:
        return 10 * rng.randint(1, 99) + (5 if rng.random() < 0.3 else 0)
    roll = rng.random()
    if roll < 0.4:
        return 10 * rng.randint(1, 99) + 5
    if roll < 0.6:
        return rng.randint(1, 999)
    return 10 * rng.randint(1, 150)


def _step(p10: int) -> int:
    """The smallest whole amount that p10 tenths of a percent turn into a whole number."""
    return 1000 // gcd(p10, 1000)


def parse_amount(text: str, *, percent: bool = False) -> object:
    """A number from an answer, allowing '$', a unit word after it and (if asked) '%'."""
    s = text.strip().rstrip(".")
    low = s.lower()
    if percent:
        for word in ("per cent", "percent", "pct"):
            if low.endswith(word):
                s = s[: -len(word)].strip()
                break
        s = s.rstrip("%").strip()
    value = parse_number(s, percent=False)
    if value is None and " " in s:
        head, _, tail = s.partition(" ")
        if tail.replace(" ", "").isalpha():
            value = parse_number(head, percent=False)
    return value


@family("percentages")
class Percentages(Family):
    """Percent of a number, percent of a whole, percent change, discounts, tax and growth."""

    domain = "arithmetic"
    skills = ("percentages", "decimals", "money", "word problems")
    answer_kind = "number"

    def make(self, rng: random.Random, level: int) -> Task:
        weights = KINDS[level]
        kind = rng.choices(list(weights), list(weights.values()))[0]
        task = getattr(self, "_" + kind)(rng, level)
        return Task(task.question, task.answer, task.solution, {**task.check, "kind": kind})

    # -- kinds --------------------------------------------------------------------------
    def _of(self, rng: random.Random, level: int) -> Task:
        p10 = _percent(rng, level)
        step = _step(p10)
        if rng.random() < 0.5:
            y = rng.randint(2, CAP[level])
        else:
            y = step * rng.randint(1, max(2, CAP[level] // step))
        value = y * p10  # in thousandths
        p, rate, res = _d(p10, 1), _d(p10, 3), _d(value, 3)
        if value % 1000 == 0 and rng.random() < 0.5:
            opening, noun, pred = rng.choice(GROUPS)
            question = (f"{opening.format(y=y)}. {p}% of them {pred}. "
                        f"How many {noun} {pred}?")
            result = f"So {res} {noun} {pred}."
        else:
            question = rng.choice(OF).format(p=p, y=y)
            result = f"So {p}% of {y} is {res}."
        lines = [f"Write {p}% as a decimal: {p} ÷ 100 = {rate}.",
                 f"Multiply: {rate} × {y} = {res}.", result]
        return Task(question, res, "\n".join(lines))

    def _what(self, rng: random.Random, level: int) -> Task:
        p10 = _percent(rng, level)
        if level <= 3 and p10 > 1000:
            p10 = 500
        step = _step(p10)
        b = step * rng.randint(1, max(2, 2 * CAP[level] // step))
        a = b * p10 // 1000
        p, rate = _d(p10, 1), _d(p10, 3)
        if rng.random() < 0.5 and a <= b:
            question = rng.choice(WHAT_STORY).format(a=a, b=b, n=rng.choice(NAMES))
        else:
            question = rng.choice(WHAT).format(a=a, b=b)
        lines = [f"Divide the part by the whole: {a} ÷ {b} = {rate}.",
                 f"Multiply by 100 to turn it into a percentage: {rate} × 100 = {p}.",
                 f"So {a} is {p}% of {b}."]
        return Task(question, f"{p}%", "\n".join(lines), {"percent": True})

    def _change(self, rng: random.Random, level: int) -> Task:
        p10 = _percent(rng, max(2, level))
        up = rng.random() < 0.5
        if not up and p10 >= 1000:
            p10 = 10 * rng.randint(5, 95)
        money = rng.random() < 0.5
        step = _step(p10)
        if money:
            unit = 1 if level >= 4 else 100  # cents: whole dollars below level 4
            step = step * unit // gcd(step, unit)
            old = step * rng.randint(1, max(2, 50_000 * level // step))
        else:
            old = step * rng.randint(1, max(2, 2000 * level // step))
        diff = old * p10 // 1000
        new = old + diff if up else old - diff
        word = "increase" if up else "decrease"
        if money:
            item = rng.choice(ITEMS)
            fmt = _money
            question = rng.choice((
                f"The price of {_a(item)} went {'up' if up else 'down'} from {_money(old)} "
                f"to {_money(new)}. What was the percentage {word}?",
                f"{rng.choice(NAMES)} paid {_money(old)} for {_a(item)} last year; this year "
                f"it costs {_money(new)}. By what percent did the price "
                f"{'rise' if up else 'fall'}?",
                f"{_a(item).capitalize()} that cost {_money(old)} now costs {_money(new)}. "
                f"Find the percent {word} in its price."))
        else:
            what, noun = rng.choice(QUANTITIES)
            fmt = str
            question = rng.choice((
                f"{what.capitalize()} {'grew' if up else 'fell'} from {old} to {new}. "
                f"What was the percentage {word}?",
                f"Last year {what} was {old}; this year it is {new}. By what percent did it "
                f"{'increase' if up else 'decrease'}?",
                f"Find the percent {word} when {what} changes from {old} {noun} to "
                f"{new} {noun}."))
        a, b = (new, old) if up else (old, new)
        fa, fb, fd = fmt(a), fmt(b), fmt(diff)
        lines = [f"The change is {fa} - {fb} = {fd}.",
                 f"Divide the change by the original amount: {fd} ÷ {fmt(old)} = "
                 f"{_d(p10, 3)}.",
                 f"As a percentage: {_d(p10, 3)} × 100 = {_d(p10, 1)}.",
                 f"So it is a {_d(p10, 1)}% {word}."]
        return Task(question, f"{_d(p10, 1)}%", "\n".join(lines), {"percent": True})

    def _apply(self, rng: random.Random, level: int) -> Task:
        p10 = _percent(rng, level)
        up = rng.random() < 0.6
        if not up and p10 >= 1000:
            p10 = 10 * rng.randint(5, 95)
        step = _step(p10)
        old = step * rng.randint(1, max(2, 3000 * level // step))
        diff = old * p10 // 1000
        new = old + diff if up else old - diff
        p = _d(p10, 1)
        what, noun = rng.choice(QUANTITIES)
        if rng.random() < 0.4:
            question = f"{'Increase' if up else 'Decrease'} {old} by {p}%."
            unit = ""
        else:
            verb = rng.choice(("grows", "rises", "goes up")) if up else \
                rng.choice(("falls", "drops", "goes down"))
            question = (f"{what.capitalize()} is {old} and {verb} by {p}%. What is the new "
                        "value?" if rng.random() < 0.5 else
                        f"There are {old} {noun}. The number {verb} by {p}%. How many "
                        f"{noun} are there now?")
            unit = f" {noun}"
        lines = [f"First find {p}% of {old}: {p} ÷ 100 = {_d(p10, 3)}, and "
                 f"{_d(p10, 3)} × {old} = {diff}.",
                 f"{'Add' if up else 'Subtract'} it: {old} {'+' if up else '-'} {diff} = "
                 f"{new}.", f"The new value is {new}{unit}."]
        return Task(question, str(new), "\n".join(lines))

    def _discount_parts(self, rng: random.Random, level: int,
                        tax: bool) -> tuple[int, int, int]:
        """(price in cents, discount and tax in tenths of a percent), all exact."""
        while True:
            d10 = 10 * rng.choice(NICE) if level <= 2 else _percent(rng, min(level, 4))
            if d10 >= 1000:
                continue
            t10 = 10 * rng.choice(TAXES) if tax else 0
            if tax and level == 5 and rng.random() < 0.5:
                t10 += 5
            step = _step(d10)
            if tax:
                factor = (1000 - d10) * t10
                step2 = 10**6 // gcd(factor, 10**6)
                step = step * step2 // gcd(step, step2)
            unit = 100 if level <= 2 else 1
            step = step * unit // gcd(step, unit)
            if step <= 100_000:
                break
        price = step * rng.randint(max(1, 1000 // step), max(2, 50_000 * level // step))
        return price, d10, t10

    def _discount(self, rng: random.Random, level: int, tax: bool = False) -> Task:
        price, d10, t10 = self._discount_parts(rng, level, tax)
        item = rng.choice(ITEMS)
        off = price * d10 // 1000
        sale = price - off
        d = _d(d10, 1)
        opening = rng.choice((
            f"{_a(item).capitalize()} costs {_money(price)}.",
            f"At {rng.choice(SHOPS)}, {_a(item)} is priced at {_money(price)}.",
            f"{rng.choice(NAMES)} wants to buy {_a(item)} that costs {_money(price)}."))
        sale_text = rng.choice((f" It is on sale for {d}% off.",
                                f" The store takes {d}% off the price.",
                                f" There is a {d}% discount."))
        lines = [f"The discount is {d}% of {_money(price)}: {_d(d10, 3)} × {_money(price)} = "
                 f"{_money(off)}.",
                 f"Subtract it from the price: {_money(price)} - {_money(off)} = "
                 f"{_money(sale)}."]
        if not tax:
            question = opening + sale_text + rng.choice((" What is the sale price?",
                                                        " How much does it cost after the "
                                                        "discount?", " What is the price now?"))
            lines.append(f"The sale price is {_money(sale)}.")
            return Task(question, _money(sale), "\n".join(lines))
        t = _d(t10, 1)
        added = sale * t10 // 1000
        total = sale + added
        question = (opening + sale_text + f" Then {t}% sales tax is added to the discounted "
                    "price." + rng.choice((" What is the final price?",
                                           " How much is paid in total?",
                                           " What does it cost in the end?")))
        lines += [f"The tax is {t}% of {_money(sale)}: {_d(t10, 3)} × {_money(sale)} = "
                  f"{_money(added)}.",
                  f"Add the tax: {_money(sale)} + {_money(added)} = {_money(total)}.",
                  f"The final price is {_money(total)}."]
        return Task(question, _money(total), "\n".join(lines))

    def _discount_tax(self, rng: random.Random, level: int) -> Task:
        return self._discount(rng, level, tax=True)

    def _reverse(self, rng: random.Random, level: int) -> Task:
        p10 = _percent(rng, level)
        up = rng.random() < 0.4
        if not up and p10 >= 1000:
            p10 = 10 * rng.randint(5, 95)
        step = _step(p10)
        money = rng.random() < 0.6
        if money:
            step = step * 100 // gcd(step, 100) if level == 4 else step
            old = step * rng.randint(max(1, 1000 // step), max(2, 80_000 // step))
        else:
            old = step * rng.randint(1, max(2, 20_000 // step))
        new = old * (1000 + p10 if up else 1000 - p10) // 1000
        keep = 1000 + p10 if up else 1000 - p10
        fmt = _money if money else str
        p = _d(p10, 1)
        if money:
            item = rng.choice(ITEMS)
            question = (f"After a {p}% discount, {_a(item)} costs {fmt(new)}. What was the "
                        "original price?" if not up else
                        f"After a {p}% price rise, {_a(item)} costs {fmt(new)}. What did it "
                        "cost before the rise?")
        else:
            what, _ = rng.choice(QUANTITIES)
            question = (f"After {'an increase' if up else 'a decrease'} of {p}%, {what} is "
                        f"{new}. What was it before the change?")
        sign = "+" if up else "-"
        lines = [f"After the change the value is 100 {sign} {p} = {_d(keep, 1)} percent of "
                 "the original.",
                 f"As a decimal that is {_d(keep, 1)} ÷ 100 = {_d(keep, 3)}.",
                 f"Divide to undo the change: {fmt(new)} ÷ {_d(keep, 3)} = {fmt(old)}.",
                 f"The original value was {fmt(old)}."]
        return Task(question, fmt(old), "\n".join(lines))

    def _successive(self, rng: random.Random, level: int) -> Task:
        while True:
            a10 = 10 * rng.randint(1, 12) * 5 if level == 4 else 10 * rng.randint(1, 60)
            b10 = 10 * rng.randint(1, 12) * 5 if level == 4 else 10 * rng.randint(1, 60)
            first_up = rng.random() < 0.5
            f1 = 1000 + a10 if first_up else 1000 - a10
            f2 = 1000 - b10 if first_up else 1000 + b10
            overall = f1 * f2  # in millionths
            if overall != 10**6 and f1 > 0 and f2 > 0:
                break
        item = rng.choice(ITEMS)
        w1 = "raised" if first_up else "lowered"
        w2 = "lowered" if first_up else "raised"
        a, b = _d(a10, 1), _d(b10, 1)
        if level == 5 and rng.random() < 0.6:
            net = overall - 10**6
            word = "increase" if net > 0 else "decrease"
            question = (f"A store {w1} the price of {_a(item)} by {a}% and later {w2} the new "
                        f"price by {b}%. What is the overall percentage {word} in the price?")
            lines = [f"{'Raising' if first_up else 'Lowering'} by {a}% multiplies the price by "
                     f"{_d(f1, 3)}, and {'lowering' if first_up else 'raising'} by {b}% "
                     f"multiplies it by {_d(f2, 3)}.",
                     f"Together: {_d(f1, 3)} × {_d(f2, 3)} = {_d(overall, 6)}.",
                     (f"That is {_d(overall, 6)} - 1 = {_d(net, 6)} more than the original."
                      if net > 0 else
                      f"That is 1 - {_d(overall, 6)} = {_d(-net, 6)} less than the original."),
                     f"As a percentage: {_d(abs(net), 6)} × 100 = {_d(abs(net), 4)}.",
                     f"The overall change is a {_d(abs(net), 4)}% {word}."]
            return Task(question, f"{_d(abs(net), 4)}%", "\n".join(lines), {"percent": True})
        step1 = 10**6 // gcd(overall, 10**6)
        step2 = 1000 // gcd(f1, 1000)
        step = step1 * step2 // gcd(step1, step2)
        step = step * 100 // gcd(step, 100) if level == 4 else step
        price = step * rng.randint(max(1, 1000 // step), max(2, 100_000 // step))
        mid = price * f1 // 1000
        end = mid * f2 // 1000
        question = (f"{_a(item).capitalize()} costs {_money(price)}. Its price is {w1} by "
                    f"{a}%, and then the new price is {w2} by {b}%. What is the final price?")
        lines = [f"{'Raising' if first_up else 'Lowering'} by {a}% multiplies the price by "
                 f"{_d(f1, 3)}: {_d(f1, 3)} × {_money(price)} = {_money(mid)}.",
                 f"{'Lowering' if first_up else 'Raising'} that by {b}% multiplies it by "
                 f"{_d(f2, 3)}: {_d(f2, 3)} × {_money(mid)} = {_money(end)}.",
                 f"The final price is {_money(end)}."]
        return Task(question, _money(end), "\n".join(lines))

    def _compound(self, rng: random.Random, level: int) -> Task:
        r, up, years, step = rng.choice(COMPOUND)
        factor = 100 + r if up else 100 - r
        start = step * rng.randint(max(1, 500 // step), 2_000_000 // step)
        opening, noun, what = rng.choice(GROWTH)
        verb = "grows" if up else "shrinks"
        question = (f"{opening.format(o=start)}. The {what} {verb} by {r}% every year. "
                    f"What will the {what} be after {years} years?")
        lines = [f"Each year the {what} is multiplied by {_d(factor, 2)}."]
        value = start
        for year in range(1, years + 1):
            nxt = value * factor // 100
            lines.append(f"After year {year}: {_d(factor, 2)} × {value} = {nxt}.")
            value = nxt
        lines.append(f"After {years} years the {what} is {value} {noun}.")
        return Task(question, str(value), "\n".join(lines))

    # -- checking -----------------------------------------------------------------------
    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        percent = bool(task.check.get("percent"))
        if not percent and "%" in answer:
            return 0.0
        if percent and any(m in answer.lower() for m in ("$", "€", "£", "dollar", "euro")):
            return 0.0
        got = parse_amount(answer, percent=percent)
        want = parse_amount(task.answer, percent=percent)
        return 1.0 if got is not None and got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        percent = bool(task.check.get("percent"))
        value = parse_amount(task.answer, percent=percent)
        out = {value + 1, value - 1, value * 2, value + value / 10}
        texts = [format_number(v, 8) for v in out if v != value]
        if percent:
            texts = [t + "%" for t in texts]
            if value != value / 100:
                texts.append(format_number(value / 100, 8))  # the fraction, not the percent
        return texts
