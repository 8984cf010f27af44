"""Level-2 templates: running sum, rotate right, palindrome, dedupe, character counts,
second largest, digit sum."""

from __future__ import annotations

import random

from synthforge.generate.procedural._python_templates.spec import (
    WORDS,
    Spec,
    _code,
    _ints,
    _sentence,
    _words,
    template,
)


@template(2)
def running_sum(rng: random.Random) -> Spec:
    name = rng.choice(("running_sum", "prefix_sums", "cumulative_totals"))
    code = _code(f'''
        def {name}(nums: list[int]) -> list[int]:
            result = []
            total = 0
            for n in nums:
                total += n
                result.append(total)
            return result
        ''')
    nonzero = [n or 1 for n in _ints(rng, 6, -9, 20)]
    return Spec(
        name, code,
        "returns the list of running totals of `nums`: element i is the sum of nums[0..i]",
        ("Keep a running total and a result list.",
         "For each number, add it to the total first, then append the total.",
         "An empty list gives an empty list."),
        (([],), ([rng.randint(1, 9)],), (nonzero,), (_ints(rng, 4, 1, 9),)),
        lambda nums: [sum(nums[:i + 1]) for i in range(len(nums))],
        (("total += n\n        result.append(total)", "result.append(total)\n        total += n"),
         ("total = 0", "total = 1")))


@template(2)
def rotate_right(rng: random.Random) -> Spec:
    name = rng.choice(("rotate_right", "rotate", "shift_right"))
    code = _code(f'''
        def {name}(items: list, k: int) -> list:
            if not items:
                return []
            k %= len(items)
            return items[-k:] + items[:-k]
        ''')
    n = rng.randint(5, 7)
    items = _ints(rng, n, 0, 99)
    return Spec(
        name, code,
        "returns a new list with `items` rotated `k` places to the right (k >= 0 may be "
        "larger than the list); an empty list stays empty",
        ("An empty list has nothing to rotate (and `len(items)` would be zero below).",
         "Rotating by the length changes nothing, so reduce k modulo the length.",
         "The last k items move to the front: `items[-k:] + items[:-k]`; k = 0 works too, "
         "since `items[-0:]` is the whole list and `items[:-0]` is empty."),
        (([], 3), (list(range(1, 6)), 1), (items, rng.randint(1, n - 1)),
         (items, n + rng.randint(1, n - 1)), (items, n)),
        lambda items, k: items[-(k % len(items)):] + items[:-(k % len(items))] if items else [],
        (("    k %= len(items)\n", ""), ("items[-k:] + items[:-k]", "items[k:] + items[:k]")))


@template(2)
def is_palindrome(rng: random.Random) -> Spec:
    name = rng.choice(("is_palindrome", "reads_same_backwards", "palindromic"))
    p = rng.choice(("text", "phrase"))
    code = _code(f'''
        def {name}({p}: str) -> bool:
            chars = [ch.lower() for ch in {p} if ch.isalnum()]
            return chars == chars[::-1]
        ''')
    half = rng.choice(WORDS) + rng.choice(WORDS)[:rng.randint(1, 4)]
    mixed = half.capitalize() + ", " + half[::-1] + "!"
    spaced = " ".join(half) + " " + " ".join(reversed(half[:-1]))
    return Spec(
        name, code,
        f"returns whether `{p}` reads the same forwards and backwards, ignoring case and "
        "everything that is not a letter or digit",
        ("Keep only letters and digits (`str.isalnum`) and lower-case them.",
         "Compare that sequence with its reverse.",
         "An empty string (or one with no letters) is a palindrome."),
        (("",), (mixed,), (spaced.upper(),), (half + "x" + half,), ("No lemon, no melon",)),
        lambda s: (c := [ch.lower() for ch in s if ch.isalnum()]) == c[::-1],
        (("ch.lower() for ch", "ch for ch"), (" if ch.isalnum()]", "]")))


@template(2)
def dedupe(rng: random.Random) -> Spec:
    name = rng.choice(("dedupe", "unique_in_order", "remove_duplicates"))
    code = _code(f'''
        def {name}(items: list) -> list:
            seen = set()
            result = []
            for x in items:
                if x not in seen:
                    seen.add(x)
                    result.append(x)
            return result
        ''')
    words = _words(rng, 6)
    words += [words[0], "zebra", words[1]]
    nums = [9, 3, 9, 1, 3] + _ints(rng, 4, 0, 9)
    return Spec(
        name, code,
        "returns the items of `items` without duplicates, keeping the first occurrence of "
        "each and the original order",
        ("Remember what was already seen in a set (fast membership tests).",
         "Append an item to the result only the first time it appears.",
         "Do not sort: the order of first occurrences must be kept."),
        (([],), (words,), (nums,), (["b", "a", "b"],)),
        lambda items: list(dict.fromkeys(items)),
        (("            seen.add(x)\n", ""),
         ("    seen = set()\n    result = []", "    seen = set()\n    result = sorted(set(items))"
          "\n    return result\n    result = []")))


@template(2)
def char_counts(rng: random.Random) -> Spec:
    name = rng.choice(("char_counts", "letter_frequencies", "count_chars"))
    code = _code(f'''
        def {name}(text: str) -> dict[str, int]:
            counts = {{}}
            for ch in text:
                if ch != " ":
                    counts[ch] = counts.get(ch, 0) + 1
            return counts
        ''')
    return Spec(
        name, code,
        "returns a dict mapping each character of `text`, except spaces, to how many times it "
        "occurs",
        ("Start with an empty dict.",
         "For every character that is not a space, add one to its count "
         "(`dict.get(ch, 0)` gives zero the first time).",
         "An empty string gives an empty dict."),
        (("",), (_sentence(rng, 2),), (rng.choice(WORDS) + " " + rng.choice(WORDS),), ("a a",)),
        lambda s: {c: s.count(c) for c in dict.fromkeys(s) if c != " "},
        (('if ch != " ":', "if ch:"), ("counts.get(ch, 0) + 1", "counts.get(ch, 1) + 1")))


@template(2)
def second_largest(rng: random.Random) -> Spec:
    name = rng.choice(("second_largest", "runner_up", "second_biggest"))
    code = _code(f'''
        def {name}(nums: list[int]) -> int:
            values = sorted(set(nums))
            return values[-2]
        ''')
    top = rng.randint(20, 60)
    nums = _ints(rng, 6, -10, top - 1) + [top, top]
    rng.shuffle(nums)
    return Spec(
        name, code,
        "returns the second largest distinct value in `nums` (which holds at least two "
        "distinct values)",
        ("Duplicates of the largest value must not count twice, so take the set first.",
         "Sort the distinct values; the second from the end is the answer."),
        ((nums,), ([5, 5, 4],), ([1, 2, 3, 4],), (_ints(rng, 5, -50, -1) + [0, 0],)),
        lambda nums: sorted(set(nums))[-2],
        (("sorted(set(nums))", "sorted(nums)"), ("values[-2]", "values[1]")))


@template(2)
def digit_sum(rng: random.Random) -> Spec:
    name = rng.choice(("digit_sum", "sum_of_digits", "add_digits"))
    code = _code(f'''
        def {name}(n: int) -> int:
            return sum(int(d) for d in str(abs(n)))
        ''')
    return Spec(
        name, code,
        "returns the sum of the decimal digits of the integer `n` (the sign is ignored)",
        ("Take the absolute value, so that a minus sign is not read as a digit.",
         "Turn the number into its decimal string and add up the digits.",
         "Zero has the single digit 0."),
        ((0,), (rng.randint(10, 99999),), (-rng.randint(100, 99999),), (10 ** rng.randint(2, 6),)),
        lambda n: sum(int(d) for d in str(abs(n))),
        (("str(abs(n))", "str(n)"),))
