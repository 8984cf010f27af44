"""Money stories: shopping, saving up, selling farm produce, wages, a fundraiser.

Each story returns (question, lines, answer, an intermediate value)."""

from __future__ import annotations

import random

from synthforge.generate.procedural._gsm_words import FRIENDS, Person, Story, _m

# singular, plural, lowest and highest price in cents
GOODS = (("notebook", "notebooks", 100, 600), ("pen", "pens", 50, 300),
         ("apple", "apples", 25, 150), ("sandwich", "sandwiches", 300, 900),
         ("T-shirt", "T-shirts", 600, 2500), ("bottle of juice", "bottles of juice", 100, 400),
         ("loaf of bread", "loaves of bread", 150, 600), ("box of crayons", "boxes of crayons",
                                                          100, 500),
         ("comic book", "comic books", 200, 900), ("cupcake", "cupcakes", 100, 450),
         ("movie ticket", "movie tickets", 500, 1600), ("plant pot", "plant pots", 200, 1200),
         ("pair of socks", "pairs of socks", 200, 1000), ("bag of rice", "bags of rice",
                                                          150, 1500),
         ("toy car", "toy cars", 150, 1200), ("candle", "candles", 100, 800),
         ("mug", "mugs", 300, 1400), ("pack of stickers", "packs of stickers", 75, 500),
         ("kilogram of oranges", "kilograms of oranges", 150, 600),
         ("jar of honey", "jars of honey", 300, 1200), ("puzzle", "puzzles", 500, 2500),
         ("tennis ball", "tennis balls", 100, 500), ("paintbrush", "paintbrushes", 100, 700),
         ("bunch of flowers", "bunches of flowers", 300, 2000))
JOBS = ("walking dogs", "babysitting", "mowing lawns", "washing cars", "delivering papers",
        "tutoring", "selling lemonade", "doing chores")
WANTS = ("bike", "video game", "guitar", "skateboard", "tablet", "camera", "pair of skates",
         "telescope", "keyboard", "scooter")
BAKE_SALE = (("cupcakes", 100, 400), ("cookies", 25, 150), ("brownies", 100, 350),
             ("slices of pie", 150, 500), ("muffins", 100, 300), ("lemonades", 50, 250),
             ("bookmarks", 50, 200), ("candles", 200, 800), ("keyrings", 100, 400),
             ("plants", 200, 900))


def shopping(rng: random.Random, n: int, p: Person) -> Story:
    name, she, _, _, She, _, _ = p
    k = (n + 1) // 2
    step = 25 if n <= 3 else 5
    lines, parts, costs = [], [], []
    for _, many, lo, hi in rng.sample(GOODS, k):
        qty, price = rng.randint(2, 9), step * rng.randint(lo // step, hi // step)
        parts.append(f"{qty} {many} at {_m(price)} each")
        costs.append((many, qty * price))
        lines.append(f"The {many} cost {qty} × {_m(price)} = {_m(qty * price)}.")
    total = costs[0][1]
    for i, (many, cost) in enumerate(costs[1:]):
        lead = f"Together the {costs[0][0]} and {many} cost" if i == 0 else \
            f"Adding the {many} gives"
        lines.append(f"{lead} {_m(total)} + {_m(cost)} = {_m(total + cost)}.")
        total += cost
    listing = parts[0] if k == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    question = f"{name} buys {listing}."
    if n % 2:
        lines.append(f"{name} spends {_m(total)} in total.")
        ask = rng.choice((f" How much does {she} spend in total?",
                          f" How much money does {name} spend altogether?",
                          " What is the total cost?"))
        return question + ask, lines, _m(total), _m(costs[0][1])
    roll = rng.random()
    if roll < 0.5 or total < 400:
        bill = next(b for b in (500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)
                    if b > total)
        question += f" {She} pays with a {_m(bill)} bill. How much change does {she} get?"
        lines.append(f"The change is {_m(bill)} - {_m(total)} = {_m(bill - total)}.")
        lines.append(f"{name} gets {_m(bill - total)} back.")
        return question, lines, _m(bill - total), _m(total)
    if roll < 0.75 and total % 2 == 0:
        friend = rng.choice(FRIENDS)
        question += (f" {She} splits the cost equally with {p[3]} {friend}. How much does "
                     f"each of them pay?")
        lines.append(f"Each pays {_m(total)} ÷ 2 = {_m(total // 2)}.")
        lines.append(f"Each of them pays {_m(total // 2)}.")
        return question, lines, _m(total // 2), _m(total)
    coupon = 100 * rng.randint(1, min(10, total // 200))
    question += f" {She} uses a coupon for {_m(coupon)} off the total. How much does {she} pay?"
    lines.append(f"With the coupon: {_m(total)} - {_m(coupon)} = {_m(total - coupon)}.")
    lines.append(f"{name} pays {_m(total - coupon)}.")
    return question, lines, _m(total - coupon), _m(total)


def saving(rng: random.Random, n: int, p: Person) -> Story:
    name, she, _, _, She, _, _ = p
    want = rng.choice(WANTS)
    job = rng.choice(JOBS)
    has = 100 * rng.randint(5, 80)
    wage = 100 * rng.randint(5, 30) if n <= 3 else 50 * rng.randint(10, 60)
    weeks = rng.randint(2, 8)
    earned = wage * weeks
    question = [f"{name} has saved {_m(has)}. {She} earns {_m(wage)} a week from {job} and "
                f"saves it all for {weeks} weeks."]
    lines = [f"{She} earns {_m(wage)} × {weeks} = {_m(earned)}.",
             f"{p[5]} savings grow to {_m(has)} + {_m(earned)} = {_m(has + earned)}."]
    total = has + earned
    left = n - 2
    final = left >= 1 and rng.random() < 0.8
    left -= final
    spent: list[str] = []
    for _ in range(left):
        if rng.random() < 0.5:
            gift = 100 * rng.randint(5, 50)
            who = rng.choice(("grandmother", "aunt", "uncle", "grandfather"))
            question.append(f"{p[5]} {who} gives {p[2]} {_m(gift)}.")
            lines.append(f"With the gift: {_m(total)} + {_m(gift)} = {_m(total + gift)}.")
            total += gift
        else:
            spend = 100 * rng.randint(1, max(1, min(40, total // 300)))
            thing = rng.choice([t for t in ("a book", "a concert ticket", "a gift", "snacks",
                                            "a game", "a new shirt", "a phone case")
                                if t not in spent])
            spent.append(thing)
            question.append(f"{She} spends {_m(spend)} on {thing}.")
            lines.append(f"After spending: {_m(total)} - {_m(spend)} = {_m(total - spend)}.")
            total -= spend
    if not final:
        question.append(f"How much money does {name} have now?")
        lines.append(f"{name} has {_m(total)}.")
        return " ".join(question), lines, _m(total), _m(earned)
    price = total + 100 * rng.randint(5, 150)
    question.insert(0, f"{name} wants a {want} that costs {_m(price)}.")
    question.append(f"How much more money does {she} need to buy the {want}?")
    lines.append(f"{She} still needs {_m(price)} - {_m(total)} = {_m(price - total)}.")
    lines.append(f"{name} needs {_m(price - total)} more.")
    return " ".join(question), lines, _m(price - total), _m(total)


def farm(rng: random.Random, n: int, p: Person) -> Story:
    name, _, _, his, She, His, _ = p
    animal, product, period, lo, hi, price_lo, price_hi = rng.choice((
        ("hens", "eggs", "week", 3, 6, 10, 50), ("ducks", "eggs", "week", 3, 6, 20, 60),
        ("quails", "eggs", "week", 4, 7, 5, 25), ("cows", "liters of milk", "day", 15, 30,
                                                  50, 150),
        ("goats", "liters of milk", "day", 2, 5, 100, 300),
        ("bee hives", "jars of honey", "month", 2, 8, 400, 1200)))
    count, each = rng.randint(3, 30), rng.randint(lo, hi)
    made = count * each
    question = [f"{name} keeps {count} {animal} on {his} farm. Each one gives {each} "
                f"{product} a {period}."]
    lines = [f"The {animal} give {count} × {each} = {made} {product} a {period}."]
    use = n >= 3
    give = n >= 5
    several = n == 6 or (n == 4 and rng.random() < 0.5)
    feed = n == 5 or n == 6 or (n == 4 and not several)
    left = made
    if use:
        used = rng.randint(2, max(2, made // 4))
        question.append(f"{His} family uses {used} {product} each {period}.")
        lines.append(f"After the family's share: {left} - {used} = {left - used} {product}.")
        left -= used
    if give:
        given = rng.randint(2, max(2, left // 4))
        question.append(f"{She} gives {given} {product} to a neighbour each {period}.")
        lines.append(f"After the gift: {left} - {given} = {left - given} {product}.")
        left -= given
    price = 5 * rng.randint(price_lo // 5, price_hi // 5)
    unit = product.split(" of ")[0].rstrip("s") if " of " in product else product[:-1]
    question.append(f"{She} sells {'the rest' if use else 'them all'} for {_m(price)} per "
                    f"{unit}.")
    money = left * price
    lines.append(f"Selling {left} at {_m(price)} each: {left} × {_m(price)} = {_m(money)} a "
                 f"{period}.")
    partial = _m(money)
    if several:
        times = rng.randint(2, 6)
        money, partial = money * times, _m(money)
        lines.append(f"Over {times} {period}s: {_m(money // times)} × {times} = {_m(money)}.")
    if feed:
        cost = 5 * rng.randint(max(1, money // 50), max(2, money // 10))
        span = f"over those {times} {period}s" if several else f"each {period}"
        question.append(f"Feed and care cost {_m(cost)} {span}.")
        lines.append(f"Profit: {_m(money)} - {_m(cost)} = {_m(money - cost)}.")
        money, partial = money - cost, _m(money)
    span = f"in {times} {period}s" if several else f"each {period}"
    question.append(f"How much money does {name} {'make' if not feed else 'earn in profit'} "
                    f"{span}?")
    lines.append(f"{name} {'makes' if not feed else 'earns'} {_m(money)} {span}.")
    return " ".join(question), lines, _m(money), partial


def wages(rng: random.Random, n: int, p: Person) -> Story:
    name, she, _, his, She, His, _ = p
    job = rng.choice(("at a cafe", "at a bookshop", "as a lifeguard", "at a garden centre",
                      "at a bakery", "as a tutor", "at a cinema", "at a bike shop"))
    wage, hours, days = 50 * rng.randint(16, 50), rng.randint(3, 8), rng.randint(2, 6)
    daily = wage * hours
    week = daily * days
    question = [f"{name} works {job} and earns {_m(wage)} an hour. {She} works {hours} hours a "
                f"day for {days} days this week."]
    lines = [f"{She} earns {_m(wage)} × {hours} = {_m(daily)} a day.",
             f"For the week: {_m(daily)} × {days} = {_m(week)}."]
    total, partial = week, _m(daily)
    extra = n - 2
    overtime = extra >= 3
    singles = extra - 3 if overtime else extra
    if overtime:
        ot_hours = rng.randint(2, 6)
        rate = wage * 3 // 2
        question.append(f"{She} also works {ot_hours} hours of overtime, paid at 1.5 times "
                        f"{his} usual rate.")
        lines.append(f"The overtime rate is 1.5 × {_m(wage)} = {_m(rate)} an hour.")
        lines.append(f"Overtime pay: {ot_hours} × {_m(rate)} = {_m(ot_hours * rate)}.")
        lines.append(f"Total pay: {_m(total)} + {_m(ot_hours * rate)} = "
                     f"{_m(total + ot_hours * rate)}.")
        partial, total = _m(total), total + ot_hours * rate
    kinds = rng.sample(("bonus", "expense"), min(singles, 2)) if singles < 2 else \
        ["bonus", "expense"][: singles - 1] + ["half"]
    if singles == 1 and rng.random() < 0.4:
        kinds = ["half"]
    ask, final = f"How much does {name} earn this week?", f"{name} earns {{}} this week."
    for kind in kinds:
        if kind == "half" and total % 2:
            kind = "bonus"
        if kind == "bonus":
            bonus = 100 * rng.randint(5, 40)
            question.append(f"{His} manager gives {p[2]} a bonus of {_m(bonus)}.")
            lines.append(f"With the bonus: {_m(total)} + {_m(bonus)} = {_m(total + bonus)}.")
            partial, total = _m(total), total + bonus
        elif kind == "expense":
            spent = 50 * rng.randint(4, max(5, total // 400))
            what = rng.choice(("bus fares", "lunches", "a work uniform", "parking"))
            question.append(f"{She} spends {_m(spent)} on {what}.")
            lines.append(f"After {what}: {_m(total)} - {_m(spent)} = {_m(total - spent)}.")
            partial, total = _m(total), total - spent
            ask = f"How much money does {name} have left from this week's work?"
            final = f"{name} has {{}} left."
        else:
            question.append(f"{She} saves half of what {she} has.")
            lines.append(f"Half of it: {_m(total)} ÷ 2 = {_m(total // 2)}.")
            partial, total = _m(total), total // 2
            ask, final = f"How much does {name} save?", f"{name} saves {{}}."
    question.append(ask)
    lines.append(final.format(_m(total)))
    return " ".join(question), lines, _m(total), partial


def fundraiser(rng: random.Random, n: int, p: Person) -> Story:
    name = p[0]
    club = rng.choice(("The school band", "The chess club", "The drama club", "A scout troop",
                       "The art club", "The football team", "The robotics club",
                       "The choir"))
    kinds = 1 if n == 2 else (3 if n == 6 else 2)
    sold = rng.sample(BAKE_SALE, kinds)
    parts, lines, takes = [], [], []
    for item, lo, hi in sold:
        count, price = rng.randint(10, 80), 25 * rng.randint(lo // 25, hi // 25)
        parts.append(f"{count} {item} at {_m(price)} each")
        lines.append(f"The {item} bring in {count} × {_m(price)} = {_m(count * price)}.")
        takes.append((item, count * price))
    total = takes[0][1]
    for item, money in takes[1:]:
        lines.append(f"Adding the {item}: {_m(total)} + {_m(money)} = {_m(total + money)}.")
        total += money
    listing = parts[0] if kinds == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    question = [f"{club} holds a sale to raise money. {name} helps them sell {listing}."]
    if n == 3:
        question.append("How much money do they take in?")
        lines.append(f"They take in {_m(total)}.")
        return " ".join(question), lines, _m(total), _m(takes[0][1])
    split = n == 5
    charities = rng.randint(2, 5) if split else 1
    cost = 5 * rng.randint(max(1, total // 25), max(2, total // 8))
    if split:
        cost += (total - cost) % charities
    question.append(f"The supplies cost {_m(cost)}.")
    lines.append(f"Profit: {_m(total)} - {_m(cost)} = {_m(total - cost)}.")
    profit = total - cost
    if not split:
        question.append("How much profit does the sale make?")
        lines.append(f"The profit is {_m(profit)}.")
        return " ".join(question), lines, _m(profit), _m(total)
    question.append(f"They split the profit equally among {charities} charities. How much "
                    "does each charity get?")
    lines.append(f"Each charity gets {_m(profit)} ÷ {charities} = {_m(profit // charities)}.")
    lines.append(f"Each charity receives {_m(profit // charities)}.")
    return " ".join(question), lines, _m(profit // charities), _m(profit)
