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

from synthforge.generate.procedural.answers import format_number, parse_number
from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

Person = tuple[str, str, str, str, str, str, str]  # name, she, her, her (poss.), She, Her, herself
Story = tuple[str, list[str], str, str]  # question, lines, answer, an intermediate value

GIRLS = ("Ava", "Chloe", "Emma", "Farah", "Hana", "Jade", "Lena", "Nora", "Priya", "Rosa",
         "Uma", "Wen", "Ximena", "Zoe", "Mia", "Olivia", "Aisha", "Carmen", "Elif", "Grace",
         "Imani", "Sofia", "Keiko", "Maya", "Leila", "Ingrid", "Fatima", "Bella", "Tara",
         "Yara", "Amara", "Nadia", "Ruby", "Eva", "Lucia")
BOYS = ("Ben", "Diego", "George", "Ivan", "Kofi", "Mateo", "Omar", "Quinn", "Sam", "Tariq",
        "Victor", "Yusuf", "Liam", "Noah", "Bruno", "Dmitri", "Felix", "Hiro", "Jonas",
        "Kwame", "Luca", "Marco", "Nikhil", "Oscar", "Pablo", "Rafael", "Stefan", "Tomas",
        "Arjun", "Emil", "Hugo", "Jamal", "Leo", "Max", "Ravi")
PEOPLE: tuple[Person, ...] = (
    *((n, "she", "her", "her", "She", "Her", "herself") for n in GIRLS),
    *((n, "he", "him", "his", "He", "His", "himself") for n in BOYS))
FRIENDS = ("friend", "sister", "brother", "cousin", "neighbour", "classmate", "roommate")
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
FOODS = ("cookies", "muffins", "cupcakes", "brownies", "pancakes", "dumplings", "tarts",
         "bread rolls", "scones", "pretzels", "doughnuts", "macarons")
BAGS = ("bags", "boxes", "tins", "trays", "packets", "jars")
FRIEND_GROUPS = ("friends", "neighbours", "classmates", "teammates", "cousins", "coworkers")
COLLECTIONS = ("stickers", "trading cards", "marbles", "stamps", "seashells", "coins",
               "postcards", "badges", "bottle caps", "keychains")
JOBS = ("walking dogs", "babysitting", "mowing lawns", "washing cars", "delivering papers",
        "tutoring", "selling lemonade", "doing chores")
WANTS = ("bike", "video game", "guitar", "skateboard", "tablet", "camera", "pair of skates",
         "telescope", "keyboard", "scooter")
CROPS = (("tomato", "tomatoes"), ("pepper", "peppers"), ("cucumber", "cucumbers"),
         ("pumpkin", "pumpkins"), ("strawberry plant", "strawberries"),
         ("apple tree", "apples"), ("lemon tree", "lemons"), ("bean plant", "beans"))
SUPPLIES = ("pencils", "erasers", "markers", "glue sticks", "notebooks", "rulers",
            "sheets of paper", "paintbrushes")
BAKE_SALE = (("cupcakes", 100, 400), ("cookies", 25, 150), ("brownies", 100, 350),
             ("slices of pie", 150, 500), ("muffins", 100, 300), ("lemonades", 50, 250),
             ("bookmarks", 50, 200), ("candles", 200, 800), ("keyrings", 100, 400),
             ("plants", 200, 900))
CONTAINERS = (("tank", "liters"), ("pool", "liters"), ("barrel", "liters"),
              ("pond", "gallons"), ("water tower", "gallons"), ("bathtub", "liters"),
              ("aquarium", "liters"), ("cistern", "gallons"))
MODES = (("drives", 30, 70), ("cycles", 8, 20), ("walks", 3, 6), ("rides a scooter", 10, 25),
         ("takes a train", 60, 120), ("rides a horse", 6, 15), ("jogs", 5, 10))


def _m(cents: int) -> str:
    q, r = divmod(cents, 100)
    return f"${q}" if r == 0 else f"${q}.{r:02d}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _divisors(n: int, lo: int, hi: int) -> list[int]:
    return [d for d in range(lo, min(hi, n - 1) + 1) if n % d == 0]


# ---- the stories: each returns (question, lines, answer, an intermediate value) -------------

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


def baking(rng: random.Random, n: int, p: Person) -> Story:
    name, she, _, _, She, _, _ = p
    food = rng.choice(FOODS)
    batches, per = rng.randint(2, 6), rng.choice((6, 8, 10, 12, 15, 18, 20, 24, 30, 36))
    total = batches * per
    question = [f"{name} bakes {batches} batches of {food}, with {per} {food} in each batch."]
    lines = [f"{name} bakes {batches} × {per} = {total} {food}."]
    left = n - 1
    pack = left >= 1 and rng.random() < 0.5
    left -= pack
    history = [total]
    while left > 0:
        roll = rng.random()
        if left >= 2 and roll < 0.35 and total > 20:
            group = rng.choice(FRIEND_GROUPS)
            each = rng.randint(1, 3)
            count = rng.randint(2, max(2, min(9, (total - 4) // each)))
            if each * count >= total - 1:
                continue
            question.append(f"{She} gives {each} to each of {count} {group}.")
            lines.append(f"{She} gives away {each} × {count} = {each * count} {food}.")
            lines.append(f"That leaves {total} - {each * count} = {total - each * count}.")
            total -= each * count
            left -= 2
        elif left >= 2 and roll < 0.55:
            more = rng.randint(1, 3)
            question.append(f"Later {she} bakes {_plural(more, 'more batch', 'more batches')} "
                            "of the same size.")
            lines.append(f"The extra {'batch makes' if more == 1 else 'batches make'} {more} × "
                         f"{per} = {more * per} {food}.")
            lines.append(f"Now {she} has {total} + {more * per} = {total + more * per}.")
            total += more * per
            left -= 2
        elif total > 4:
            eaten = rng.randint(1, min(12, total - 3))
            question.append(rng.choice((f"{p[5]} family eats {eaten} of them.",
                                        f"{She} drops {eaten} on the floor.",
                                        f"{eaten} of them burn and are thrown away.",
                                        f"{She} eats {eaten} while they cool.")))
            lines.append(f"After losing {eaten}: {total} - {eaten} = {total - eaten} {food}.")
            total -= eaten
            left -= 1
        else:
            more = rng.randint(5, 12)
            question.append(f"A neighbour brings {more} more {food}.")
            lines.append(f"With the neighbour's {food}: {total} + {more} = {total + more}.")
            total += more
            left -= 1
        history.append(total)
    if pack:
        sizes = _divisors(total, 2, 12)
        if sizes:
            size = rng.choice(sizes)
            bag = rng.choice(BAGS)
            question.append(f"{She} packs the rest into {bag} of {size}. How many {bag} does "
                            f"{she} fill?")
            lines.append(f"{She} fills {total} ÷ {size} = {total // size} {bag}.")
            lines.append(f"So {name} fills {total // size} {bag}.")
            return " ".join(question), lines, str(total // size), str(total)
        if total > 3:
            eaten = rng.randint(1, min(12, total - 2))
            question.append(f"{She} eats {eaten} of them.")
            lines.append(f"After eating {eaten}: {total} - {eaten} = {total - eaten} {food}.")
            total -= eaten
        else:
            more = rng.randint(5, 12)
            question.append(f"A neighbour brings {more} more {food}.")
            lines.append(f"With the neighbour's {food}: {total} + {more} = {total + more}.")
            total += more
    question.append(rng.choice((f"How many {food} does {name} have left?",
                                f"How many {food} are left?",
                                f"How many {food} does {she} have now?")))
    lines.append(f"{name} has {total} {food} left.")
    return " ".join(question), lines, str(total), str(history[-2] if len(history) > 1 else
                                                       history[0] + 1)


def travel(rng: random.Random, n: int, p: Person) -> Story:
    name, she = p[0], p[1]
    k = (n + 1) // 2
    unit = rng.choice(("km", "miles"))
    per = "km/h" if unit == "km" else "mph"
    lines, parts, dists = [], [], []
    for i, (verb, lo, hi) in enumerate(rng.sample(MODES, k)):
        speed, hours = rng.randint(lo, hi), rng.randint(1, 4 if i == 0 else 3)
        who = name if i == 0 else ("then " + she if i < k - 1 else "finally " + she)
        parts.append(f"{who} {verb} at {speed} {per} for {_plural(hours, 'hour', 'hours')}")
        lines.append(f"Part {i + 1}: {speed} × {hours} = {speed * hours} {unit}.")
        dists.append(speed * hours)
    total = dists[0]
    for i, d in enumerate(dists[1:]):
        lines.append(f"Adding part {i + 2}: {total} + {d} = {total + d} {unit}.")
        total += d
    trip = ". ".join(part[0].upper() + part[1:] for part in parts) + "."
    if n % 2:
        lines.append(f"{name} travels {total} {unit} in all.")
        ask = rng.choice((f" How many {unit} does {name} travel in total?",
                          f" How far does {she} go altogether, in {unit}?",
                          f" What is the total distance {name} covers, in {unit}?"))
        return trip + ask, lines, str(total), str(dists[0])
    whole = total + rng.randint(5, 40 + total // 2)
    place = rng.choice(("a lake", "a city", "the coast", "a campsite", "a friend's farm",
                        "the mountains", "a music festival", "a national park"))
    question = (f"{name} is travelling to {place} {whole} {unit} away. {trip} How many {unit} "
                f"does {she} still have to go?")
    lines.append(f"Still to go: {whole} - {total} = {whole - total} {unit}.")
    lines.append(f"{name} has {whole - total} {unit} left to travel.")
    return question, lines, str(whole - total), str(total)


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


def sharing(rng: random.Random, n: int, p: Person) -> Story:
    name, _, _, _, She, _, self_ = p
    thing = rng.choice(COLLECTIONS)
    group = rng.choice(FRIEND_GROUPS)
    while True:
        friends, share = rng.randint(2, 8), rng.randint(3, 15)
        pool = friends * share
        keep = rng.randint(2, 12) if n >= 3 else 0
        before = pool + keep
        if n >= 4:
            size = rng.choice([c for c in (5, 6, 8, 10, 12) if c < before - 1])
            packs = (before - 1) // size
            loose = before - packs * size
            break
        sizes = _divisors(before, 3, 25)
        if sizes:
            size, loose = rng.choice(sizes), 0
            packs = before // size
            break
    question = f"{name} buys {_plural(packs, 'pack', 'packs')} of {thing} with {size} in each."
    lines = [f"The packs hold {packs} × {size} = {packs * size} {thing}."]
    if loose:
        question += f" {She} also finds {loose} loose {thing}."
        lines.append(f"With the loose ones: {packs * size} + {loose} = {before}.")
    if keep:
        question += (f" {She} keeps {keep} for {self_} and shares the rest equally among "
                     f"{friends} {group}.")
        lines.append(f"{She} shares {before} - {keep} = {pool}.")
    else:
        question += f" {She} shares them equally among {friends} {group}."
    lines.append(f"Each gets {pool} ÷ {friends} = {share}.")
    partial, result = str(pool), share
    if n >= 5:
        used = rng.randint(1, share - 2)
        question += f" Each of the {group} then gives {used} away."
        lines.append(f"Each has {share} - {used} = {share - used} left.")
        partial, result = str(share), share - used
    if n >= 6:
        question += f" How many {thing} do the {group} have left altogether?"
        lines.append(f"Altogether: {result} × {friends} = {result * friends}.")
        partial, result = str(result), result * friends
        lines.append(f"The {group} have {result} {thing} left in all.")
    else:
        question += (f" How many {thing} does each of the {group} have now?" if n >= 5 else
                     f" How many {thing} does each of the {group} get?")
        lines.append(f"Each of the {group} {'has' if n >= 5 else 'gets'} {result} {thing}.")
    return question, lines, str(result), partial


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


def classroom(rng: random.Random, n: int, p: Person) -> Story:
    name, _, _, _, She, _, _ = p
    supply = rng.choice(SUPPLIES)
    spare = n >= 4
    have = n >= 5 or (n == 4 and rng.random() < 0.5)
    if n == 4 and have:
        spare = False
    boxes_needed = n >= 3
    cost = n >= 6
    while True:
        classes, per, each = rng.randint(2, 9), rng.randint(15, 32), rng.randint(2, 6)
        students = classes * per
        total = students * each
        extra = rng.randint(5, 40) if spare else 0
        sizes = _divisors(total + extra, 5, 50)
        if not boxes_needed or sizes:
            break
    question = [f"{name} is a teacher at a school with {classes} classes of {per} students. "
                f"Every student needs {each} {supply}."]
    lines = [f"There are {classes} × {per} = {students} students.",
             f"They need {students} × {each} = {total} {supply}."]
    partial = str(students)
    if spare:
        question.append(f"{She} also wants {extra} spare {supply}.")
        lines.append(f"With the spares: {total} + {extra} = {total + extra} {supply}.")
        partial, total = str(total), total + extra
    if not boxes_needed:
        question.append(f"How many {supply} are needed in all?")
        lines.append(f"In all {total} {supply} are needed.")
        return " ".join(question), lines, str(total), partial
    size = rng.choice(sizes)
    boxes = total // size
    question.append(f"The {supply} come in boxes of {size}.")
    lines.append(f"That is {total} ÷ {size} = {boxes} boxes.")
    partial, result, what = str(total), boxes, "boxes are needed"
    if have:
        owned = rng.randint(1, boxes - 2) if boxes > 2 else 1
        question.append(f"The school already has {_plural(owned, 'box', 'boxes')}.")
        lines.append(f"Boxes to buy: {boxes} - {owned} = {boxes - owned}.")
        partial, result, what = str(boxes), boxes - owned, "boxes must be bought"
    if cost:
        price = 5 * rng.randint(40, 400)
        question.append(f"Each box costs {_m(price)}. How much do the new boxes cost?")
        lines.append(f"The cost is {result} × {_m(price)} = {_m(result * price)}.")
        lines.append(f"The new boxes cost {_m(result * price)}.")
        return " ".join(question), lines, _m(result * price), partial
    question.append("How many boxes does the school need to buy?" if have else
                    "How many boxes are needed?")
    lines.append(f"So {result} {what}." if result != 1 else
                 f"So 1 {what.replace('boxes are', 'box is').replace('boxes must', 'box must')}.")
    return " ".join(question), lines, str(result), partial


def reading(rng: random.Random, n: int, p: Person) -> Story:
    name, she, _, _, She, _, _ = p
    thing = rng.choice(("book", "novel", "comic collection", "textbook", "biography"))
    rate, days = rng.randint(5, 40), rng.randint(2, 7)
    first = rate * days
    lines = [f"In the first {days} days {she} reads {rate} × {days} = {first} pages."]
    question = [f"{name} reads {rate} pages a day for {days} days."]
    read = first
    if n >= 3:
        rate2, days2 = rng.randint(5, 50), rng.randint(2, 6)
        question.append(f"Then {she} reads {rate2} pages a day for {days2} more days.")
        lines.append(f"Next {she} reads {rate2} × {days2} = {rate2 * days2} pages.")
        lines.append(f"Altogether {she} has read {first} + {rate2 * days2} = "
                     f"{first + rate2 * days2} pages.")
        read = first + rate2 * days2
    if n == 3:
        question.append(f"How many pages has {she} read in total?")
        lines.append(f"{name} has read {read} pages.")
        return " ".join(question), lines, str(read), str(first)
    if n >= 5:
        speed, more = rng.randint(10, 40), rng.randint(2, 8)
        pages = read + speed * more
    else:
        pages = read + rng.randint(10, 200)
    question.insert(0, f"{name}'s {thing} has {pages} pages.")
    lines.append(f"Pages left: {pages} - {read} = {pages - read}.")
    if n <= 4:
        question.append("How many pages are left to read?")
        lines.append(f"{name} has {pages - read} pages left.")
        return " ".join(question), lines, str(pages - read), str(read)
    question.append(f"If {she} now reads {speed} pages a day,")
    lines.append(f"At {speed} pages a day: {pages - read} ÷ {speed} = {more} days.")
    if n == 5:
        question[-1] += f" how many more days will {she} need to finish the {thing}?"
        lines.append(f"{She} needs {more} more days.")
        return " ".join(question), lines, str(more), str(pages - read)
    total_days = days + days2 + more
    question[-1] += f" how many days will {she} have spent on the {thing} in all?"
    lines.append(f"Total days: {days} + {days2} + {more} = {total_days}.")
    lines.append(f"{name} spends {total_days} days on the {thing}.")
    return " ".join(question), lines, str(total_days), str(more)


def garden(rng: random.Random, n: int, p: Person) -> Story:
    name, she, _, his, She, _, _ = p
    plant, crop = rng.choice(CROPS)
    rows, per = rng.randint(2, 12), rng.randint(3, 15)
    plants = rows * per
    question = [f"{name} plants {rows} rows of {plant}s with {per} in each row."]
    lines = [f"{She} plants {rows} × {per} = {plants} {plant}s."]
    partial = str(plants)
    if n >= 3:
        died = rng.randint(1, max(1, plants // 4))
        question.append(f"{died} of them {'dies' if died == 1 else 'die'}.")
        lines.append(f"Left alive: {plants} - {died} = {plants - died}.")
        plants -= died
    crop_each = rng.randint(2, 20)
    question.append(f"Each {'remaining ' if n >= 3 else ''}plant gives {crop_each} {crop}.")
    harvest = plants * crop_each
    lines.append(f"The harvest is {plants} × {crop_each} = {harvest} {crop}.")
    if n <= 3:
        question.append(f"How many {crop} does {name} harvest?")
        lines.append(f"{name} harvests {harvest} {crop}.")
        return " ".join(question), lines, str(harvest), partial
    if n >= 5:
        size = rng.choice([c for c in (4, 5, 6, 8, 10, 12) if 3 * c <= harvest] or [2])
        r = harvest % size
        low, high = (0 if r else 1), (harvest - 2 * size - r) // size
        gone = r + size * rng.randint(low, max(low, min(high, low + harvest // size // 4)))
    else:
        gone = rng.randint(1, max(1, harvest // 3))
    who = rng.choice(("Birds eat", "Rabbits eat", f"{She} gives {his} neighbours",
                      "Bugs spoil", f"{She} keeps"))
    question.append(f"{who} {gone} of them.")
    lines.append(f"That leaves {harvest} - {gone} = {harvest - gone} {crop}.")
    rest = harvest - gone
    if n == 4:
        question.append(f"How many {crop} are left?")
        lines.append(f"{rest} {crop} are left.")
        return " ".join(question), lines, str(rest), str(harvest)
    baskets = rest // size
    question.append(f"{She} packs the rest into baskets of {size}.")
    lines.append(f"{She} fills {rest} ÷ {size} = {baskets} baskets.")
    if n == 5:
        question.append(f"How many baskets does {she} fill?")
        lines.append(f"{name} fills {baskets} baskets.")
        return " ".join(question), lines, str(baskets), str(rest)
    price = 25 * rng.randint(8, 60)
    question.append(f"{She} sells each basket for {_m(price)}. How much money does {she} make?")
    lines.append(f"Sales: {baskets} × {_m(price)} = {_m(baskets * price)}.")
    lines.append(f"{name} makes {_m(baskets * price)}.")
    return " ".join(question), lines, _m(baskets * price), str(baskets)


def pizza(rng: random.Random, n: int, p: Person) -> Story:
    name = p[0]
    food, piece = rng.choice((("pizza", "slices"), ("pie", "slices"), ("cake", "pieces"),
                              ("lasagna", "portions")))
    while True:
        friends, each, cut = rng.randint(3, 15), rng.randint(2, 4), rng.choice((6, 8, 10, 12))
        people = friends + 1
        if n <= 2 or (people * each % cut == 0 and people * each >= 2 * cut):
            break
    eaten = people * each
    event = rng.choice(("a party", "a game night", "a birthday lunch", "a study session",
                        "a movie night"))
    question = [f"{name} invites {friends} friends to {event}. Everyone, including {name}, "
                f"eats {each} {piece} of {food}."]
    lines = [f"There are {friends} + 1 = {people} people.",
             f"They eat {people} × {each} = {eaten} {piece}."]
    if n == 2:
        question.append(f"How many {piece} are eaten?")
        lines.append(f"{eaten} {piece} are eaten.")
        return " ".join(question), lines, str(eaten), str(people)
    whole = eaten // cut
    plural = food + "s" if food != "lasagna" else "lasagnas"
    question.append(f"Each {food} is cut into {cut} {piece}.")
    lines.append(f"{name} needs {eaten} ÷ {cut} = {whole} {plural}.")
    if n == 3:
        question.append(f"How many {plural} does {name} need?")
        lines.append(f"{name} needs {whole} {plural}.")
        return " ".join(question), lines, str(whole), str(eaten)
    price = rng.randint(8, 25)
    cost = whole * price
    question.append(f"Each {food} costs ${price}.")
    lines.append(f"The {plural} cost {whole} × ${price} = ${cost}.")
    partial, total = str(whole), cost
    if n >= 5:
        q = people // _gcd(people, 100)
        base = rng.randint(3, 9)
        fee = base + (-(cost + base)) % q if n == 6 else base
        question.append(f"There is also a delivery charge of ${fee}.")
        lines.append(f"With delivery: ${cost} + ${fee} = ${cost + fee}.")
        partial, total = f"${cost}", cost + fee
    if n == 6:
        share = total * 100 // people
        question.append("Everyone shares the total cost equally. How much does each person "
                        "pay?")
        lines.append(f"Each pays ${total} ÷ {people} = {_m(share)}.")
        lines.append(f"Each person pays {_m(share)}.")
        return " ".join(question), lines, _m(share), f"${total}"
    question.append("What is the total cost?")
    lines.append(f"The total cost is ${total}.")
    return " ".join(question), lines, f"${total}", partial


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


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


def collection(rng: random.Random, n: int, p: Person) -> Story:
    name, she, _, his, She, His, _ = p
    thing = rng.choice(COLLECTIONS)
    total = rng.randint(10, 120)
    question = [f"{name} has {total} {thing}."]
    lines: list[str] = []
    history = [total]
    left = n
    while left > 0:
        roll = rng.random()
        if left >= 2 and roll < 0.35:
            packs, size = rng.randint(2, 9), rng.randint(3, 12)
            question.append(f"{She} buys {packs} packs of {size} {thing}.")
            lines.append(f"The packs hold {packs} × {size} = {packs * size} {thing}.")
            lines.append(f"Now {she} has {total} + {packs * size} = {total + packs * size}.")
            total += packs * size
            left -= 2
        elif roll < 0.55 and total % 2 == 0 and total >= 4:
            friend = rng.choice(FRIENDS)
            question.append(f"{She} gives half of {his} {thing} to {his} {friend}.")
            lines.append(f"Half of them go: {total} ÷ 2 = {total // 2} are left.")
            total //= 2
            left -= 1
        elif roll < 0.7 and total <= 200:
            question.append(rng.choice((f"{His} collection doubles after a trip to a fair.",
                                        f"{She} wins a contest that doubles {his} collection.",
                                        f"A relative gives {p[2]} as many {thing} as {she} "
                                        "already has.")))
            lines.append(f"Doubling: {total} × 2 = {total * 2}.")
            total *= 2
            left -= 1
        elif roll < 0.85 and total > 5:
            lost = rng.randint(1, min(25, total - 3))
            question.append(rng.choice((f"{She} loses {lost} of them.",
                                        f"{She} trades away {lost}.",
                                        f"{lost} of them get damaged and are thrown out.")))
            lines.append(f"Then {total} - {lost} = {total - lost} remain.")
            total -= lost
            left -= 1
        else:
            got = rng.randint(3, 30)
            who = rng.choice(("a friend", f"{his} aunt", "a neighbour", f"{his} teacher"))
            question.append(f"{She} gets {got} more from {who}.")
            lines.append(f"Then {total} + {got} = {total + got}.")
            total += got
            left -= 1
        history.append(total)
    question.append(rng.choice((f"How many {thing} does {name} have now?",
                                f"How many {thing} does {she} end up with?",
                                f"How many {thing} are in {his} collection at the end?")))
    lines.append(f"{name} has {total} {thing}.")
    return " ".join(question), lines, str(total), str(history[-2])


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


def water(rng: random.Random, n: int, p: Person) -> Story:
    name = p[0]
    box, unit = rng.choice(CONTAINERS)
    leak = n >= 4
    while True:
        rate, minutes = rng.randint(4, 40), rng.randint(3, 30)
        drain = rng.randint(1, rate - 2) if leak else 0
        net = rate - drain
        start = rng.randint(0, 20) * 10
        now = start + net * minutes
        more = rng.randint(2, 40)
        cap = now + (net * more if n >= 5 else rng.randint(10, 400))
        if net > 0:
            break
    article = "An" if box[0] in "aeiou" else "A"
    question = [f"{article} {box} holds {cap} {unit} when full and has {start} {unit} in it. "
                f"{name} fills it with a hose that adds {rate} {unit} a minute."]
    lines = []
    if leak:
        question.append(f"At the same time a leak lets out {_plural(drain, unit[:-1], unit)} "
                        "a minute.")
        lines.append(f"The water rises by {rate} - {drain} = {net} {unit} a minute.")
    question.append(f"The hose runs for {minutes} minutes.")
    lines.append(f"In {minutes} minutes: {net} × {minutes} = {net * minutes} {unit}.")
    lines.append(f"The {box} now has {start} + {net * minutes} = {now} {unit}.")
    if n == 2:
        question.append(f"How many {unit} are in the {box} now?")
        lines.append(f"There are {now} {unit} in the {box}.")
        return " ".join(question), lines, str(now), str(net * minutes)
    lines.append(f"Still needed to fill it: {cap} - {now} = {cap - now} {unit}.")
    if n <= 4:
        question.append(f"How many more {unit} are needed to fill the {box}?")
        lines.append(f"{cap - now} more {unit} are needed.")
        return " ".join(question), lines, str(cap - now), str(now)
    lines.append(f"At {net} {unit} a minute that takes {cap - now} ÷ {net} = {more} minutes.")
    if n == 5:
        question.append("How many more minutes until it is full?")
        lines.append(f"It takes {more} more minutes.")
        return " ".join(question), lines, str(more), str(cap - now)
    question.append("How many minutes in all does it take to fill, counting from the start?")
    lines.append(f"In all: {minutes} + {more} = {minutes + more} minutes.")
    lines.append(f"It takes {minutes + more} minutes in all.")
    return " ".join(question), lines, str(minutes + more), str(more)


def ages(rng: random.Random, n: int, p: Person) -> Story:
    a_name = p[0]
    b, c = rng.sample([q for q in PEOPLE if q[0] != a_name], 2)
    a = rng.randint(4, 30)
    times = rng.choice((2, 3))
    older = rng.random() < 0.6
    x = rng.randint(1, 12) if older else rng.randint(1, min(12, times * a - 2))
    twice = times * a
    bage = twice + x if older else twice - x
    word = "twice" if times == 2 else "three times"
    rel = (f"{_plural(x, 'year', 'years')} older than {word} {a_name}'s age" if older else
           f"{_plural(x, 'year', 'years')} younger than {word} {a_name}'s age")
    question = [f"{a_name} is {a} years old. {b[0]} is {rel}."]
    lines = [f"{word.capitalize()} {a_name}'s age is {times} × {a} = {twice}.",
             f"{b[0]} is {twice} {'+' if older else '-'} {x} = {bage}."]
    if n == 2:
        question.append(f"How old is {b[0]}?")
        lines.append(f"{b[0]} is {bage} years old.")
        return " ".join(question), lines, str(bage), str(twice)
    if n == 6:  # the three ages must add up to a multiple of 3
        ys = [y for y in range(1, min(10, bage - 1) + 1) if (a + 2 * bage - y) % 3 == 0]
        if ys:
            y = rng.choice(ys)
            cage = bage - y
            question.append(f"{c[0]} is {_plural(y, 'year', 'years')} younger than {b[0]}.")
            lines.append(f"{c[0]} is {bage} - {y} = {cage}.")
        else:
            y = rng.choice([y for y in range(1, 11) if (a + 2 * bage + y) % 3 == 0])
            cage = bage + y
            question.append(f"{c[0]} is {_plural(y, 'year', 'years')} older than {b[0]}.")
            lines.append(f"{c[0]} is {bage} + {y} = {cage}.")
    elif bage % 2 == 0 and rng.random() < 0.6:
        cage = bage // 2
        question.append(f"{c[0]} is half as old as {b[0]}.")
        lines.append(f"{c[0]} is {bage} ÷ 2 = {cage}.")
    else:
        y = rng.randint(1, min(10, bage - 1))
        cage = bage - y
        question.append(f"{c[0]} is {_plural(y, 'year', 'years')} younger than {b[0]}.")
        lines.append(f"{c[0]} is {bage} - {y} = {cage}.")
    if n == 3:
        question.append(f"How old is {c[0]}?")
        lines.append(f"{c[0]} is {cage} years old.")
        return " ".join(question), lines, str(cage), str(bage)
    if n == 4:
        hi, lo = (b, c) if bage >= cage else (c, b)
        diff = abs(bage - cage)
        question.append(f"How many years older is {hi[0]} than {lo[0]}?")
        lines.append(f"The difference is {max(bage, cage)} - {min(bage, cage)} = {diff}.")
        lines.append(f"{hi[0]} is {_plural(diff, 'year', 'years')} older.")
        return " ".join(question), lines, str(diff), str(cage)
    lines.append(f"{a_name} and {b[0]} together: {a} + {bage} = {a + bage}.")
    lines.append(f"Adding {c[0]}: {a + bage} + {cage} = {a + bage + cage}.")
    total = a + bage + cage
    if n == 5:
        question.append("What is the sum of their three ages?")
        lines.append(f"Their ages add up to {total}.")
        return " ".join(question), lines, str(total), str(a + bage)
    question.append("What is the average of their three ages?")
    lines.append(f"The average is {total} ÷ 3 = {total // 3}.")
    lines.append(f"Their average age is {total // 3}.")
    return " ".join(question), lines, str(total // 3), str(total)


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
