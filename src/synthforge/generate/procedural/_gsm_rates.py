"""Stories of rates and change: travel, reading, a garden's harvest, filling water,
ages.

Each story returns (question, lines, answer, an intermediate value)."""

from __future__ import annotations

import random

from synthforge.generate.procedural._gsm_words import PEOPLE, Person, Story, _m, _plural

MODES = (("drives", 30, 70), ("cycles", 8, 20), ("walks", 3, 6), ("rides a scooter", 10, 25),
         ("takes a train", 60, 120), ("rides a horse", 6, 15), ("jogs", 5, 10))
CROPS = (("tomato", "tomatoes"), ("pepper", "peppers"), ("cucumber", "cucumbers"),
         ("pumpkin", "pumpkins"), ("strawberry plant", "strawberries"),
         ("apple tree", "apples"), ("lemon tree", "lemons"), ("bean plant", "beans"))
CONTAINERS = (("tank", "liters"), ("pool", "liters"), ("barrel", "liters"),
              ("pond", "gallons"), ("water tower", "gallons"), ("bathtub", "liters"),
              ("aquarium", "liters"), ("cistern", "gallons"))


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
