"""Stories of making, dividing and collecting things: baking, sharing, classroom
supplies, a party's food, a collection.

Each story returns (question, lines, answer, an intermediate value)."""

from __future__ import annotations

import random

from synthforge.generate.procedural._gsm_words import FRIENDS, Person, Story, _divisors, _m, _plural

FOODS = ("cookies", "muffins", "cupcakes", "brownies", "pancakes", "dumplings", "tarts",
         "bread rolls", "scones", "pretzels", "doughnuts", "macarons")
BAGS = ("bags", "boxes", "tins", "trays", "packets", "jars")
FRIEND_GROUPS = ("friends", "neighbours", "classmates", "teammates", "cousins", "coworkers")
COLLECTIONS = ("stickers", "trading cards", "marbles", "stamps", "seashells", "coins",
               "postcards", "badges", "bottle caps", "keychains")
SUPPLIES = ("pencils", "erasers", "markers", "glue sticks", "notebooks", "rulers",
            "sheets of paper", "paintbrushes")


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
