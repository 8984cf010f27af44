"""Level-1 templates: count vowels, sum multiples, reverse words, count above, smallest,
fizz label, initials."""

from __future__ import annotations

import random

from synthforge.generate.procedural._python_templates.spec import (
    NAMES,
    WORDS,
    Spec,
    _code,
    _ints,
    _sentence,
    template,
)


@template(1)
def count_vowels(rng: random.Random) -> Spec:
    name = rng.choice(("count_vowels", "vowel_count", "num_vowels"))
    p = rng.choice(("text", "s", "word"))
    vowels = rng.choice(("aeiou", "aeiouy"))
    code = _code(f'''
        def {name}({p}: str) -> int:
            count = 0
            for ch in {p}.lower():
                if ch in "{vowels}":
                    count += 1
            return count
        ''')
    listed = ", ".join(vowels)
    return Spec(
        name, code,
        f"returns how many vowels ({listed}) the string `{p}` contains, in upper or lower case",
        ("Lower-case the text once, so that 'A' and 'a' count alike.",
         f"Walk over the characters and count those that are among {listed!r}.",
         "An empty string has no vowels, so the count starts at zero."),
        (("",), (rng.choice(WORDS).upper(),), (_sentence(rng, 3).title(),),
         (_sentence(rng, 2),), ("rhythm",)),
        lambda s: sum(ch in vowels for ch in s.lower()),
        ((f"{p}.lower()", p), ("count = 0", "count = 1")))


@template(1)
def sum_multiples(rng: random.Random) -> Spec:
    name = rng.choice(("sum_multiples", "sum_divisible", "total_of_multiples"))
    k = rng.randint(2, 6)
    code = _code(f'''
        def {name}(nums: list[int], k: int) -> int:
            total = 0
            for n in nums:
                if n % k == 0:
                    total += n
            return total
        ''')
    nums = _ints(rng, 7, -10, 40)
    return Spec(
        name, code, "returns the sum of the numbers in `nums` that are divisible by `k`",
        ("Start a running total at zero (the answer for an empty list).",
         "For each number, `n % k == 0` tells whether k divides it; negative numbers work too.",
         "Add the multiples to the total and return it."),
        (([], k), ([k * 3, k + 1, k * 5], k), (nums + [k * 2, k + 1], k),
         (_ints(rng, 5, 1, 30) + [1], rng.randint(2, 4))),
        lambda nums, k: sum(n for n in nums if n % k == 0),
        (("n % k == 0", "n % k != 0"), ("total += n", "total += 1")))


@template(1)
def reverse_words(rng: random.Random) -> Spec:
    name = rng.choice(("reverse_words", "words_backwards", "flip_word_order"))
    p = rng.choice(("sentence", "text", "line"))
    code = _code(f'''
        def {name}({p}: str) -> str:
            words = {p}.split()
            return " ".join(reversed(words))
        ''')
    return Spec(
        name, code,
        f"returns the words of `{p}` in reverse order, separated by single spaces",
        (f"`{p}.split()` splits on any run of whitespace and drops empty pieces.",
         "Reverse the list of words and join them with one space.",
         "An empty or blank string gives an empty list, so the result is ''."),
        (("",), (rng.choice(WORDS),), (_sentence(rng, 4),), ("  " + _sentence(rng, 3) + " ",)),
        lambda s: " ".join(reversed(s.split())),
        (('" ".join(reversed(words))', '" ".join(words)'),
         ('" ".join(reversed(words))', f"{p}[::-1]")))


@template(1)
def count_above(rng: random.Random) -> Spec:
    name = rng.choice(("count_above", "count_greater", "how_many_over"))
    limit = rng.randint(5, 30)
    code = _code(f'''
        def {name}(nums: list[int], limit: int) -> int:
            count = 0
            for n in nums:
                if n > limit:
                    count += 1
            return count
        ''')
    nums = _ints(rng, 8, 0, 40) + [limit]
    rng.shuffle(nums)
    return Spec(
        name, code,
        "returns how many numbers in `nums` are strictly greater than `limit`",
        ("Count with a loop, starting from zero.",
         "Use a strict comparison `n > limit`: a number equal to the limit does not count.",
         "An empty list gives zero."),
        (([], limit), ([limit, limit], limit), (nums, limit), ([limit + 1, limit - 1], limit)),
        lambda nums, limit: sum(n > limit for n in nums),
        (("n > limit", "n >= limit"), ("count = 0", "count = 1")))


@template(1)
def smallest(rng: random.Random) -> Spec:
    name = rng.choice(("smallest", "find_min", "minimum_of"))
    code = _code(f'''
        def {name}(nums: list[int]) -> int:
            best = nums[0]
            for n in nums[1:]:
                if n < best:
                    best = n
            return best
        ''')
    return Spec(
        name, code,
        "returns the smallest number of the non-empty list `nums` without using `min()`",
        ("Start from the first element, not from 0: all the numbers may be positive.",
         "Compare every other element with the best so far and keep the smaller.",
         "A one-element list returns that element."),
        (([rng.randint(1, 9)],), (_ints(rng, 6, 5, 60),), (_ints(rng, 6, -30, 30) + [-31],),
         ([7, 3, 9, 3],)),
        lambda nums: min(nums),
        (("best = nums[0]", "best = 0"), ("n < best", "n > best")))


@template(1)
def fizz_label(rng: random.Random) -> Spec:
    name = rng.choice(("label", "fizzbuzz_word", "say"))
    a, b = rng.sample((2, 3, 5, 7), 2)
    w1, w2 = rng.sample(("Fizz", "Buzz", "Pop", "Bang", "Zap"), 2)
    code = _code(f'''
        def {name}(n: int) -> str:
            if n % {a} == 0 and n % {b} == 0:
                return "{w1}{w2}"
            if n % {a} == 0:
                return "{w1}"
            if n % {b} == 0:
                return "{w2}"
            return str(n)
        ''')
    others = [n for n in range(1, 60) if n % a and n % b]
    return Spec(
        name, code,
        f"returns '{w1}{w2}' if `n` is divisible by both {a} and {b}, '{w1}' if only by {a}, "
        f"'{w2}' if only by {b}, and otherwise the number itself as a string",
        ("Test the combined case first: a number divisible by both would otherwise stop at "
         "the first single test.",
         f"Then test divisibility by {a}, then by {b}.",
         "Otherwise return `str(n)`: the result is always a string."),
        ((a * b * rng.randint(1, 3),), (a * rng.choice([n for n in range(1, 12) if n % b]),),
         (b * rng.choice([n for n in range(1, 12) if n % a]),), (rng.choice(others),)),
        lambda n: (w1 + w2 if n % a == 0 and n % b == 0 else w1 if n % a == 0
                   else w2 if n % b == 0 else str(n)),
        ((f"n % {a} == 0 and n % {b} == 0", f"n % {a} == 0 or n % {b} == 0"),
         ("return str(n)", "return n")))


@template(1)
def initials(rng: random.Random) -> Spec:
    name = rng.choice(("initials", "name_initials", "monogram"))
    sep = rng.choice((".", ""))
    code = _code(f'''
        def {name}(full_name: str) -> str:
            return "".join(part[0].upper() + "{sep}" for part in full_name.split())
        ''')
    names = rng.sample(NAMES, 3)
    what = "each followed by a period" if sep else "with nothing between them"
    return Spec(
        name, code,
        f"returns the upper-case initials of the words of `full_name`, {what} "
        "(for example 'ada lovelace' gives " + repr("A" + sep + "L" + sep) + ")",
        ("Split the name on whitespace to get its parts.",
         "Take the first letter of each part and upper-case it: the input may be lower case.",
         "Join the initials" + (" with a period after each." if sep else ".")),
        ((names[0],), (names[1].title(),), (names[2] + " " + rng.choice(WORDS),),
         (rng.choice(WORDS),), ("",)),
        lambda s: "".join(p[0].upper() + sep for p in s.split()),
        (("part[0].upper()", "part[0]"), ("for part in full_name.split()",
                                          "for part in full_name.split()[:1]")))
