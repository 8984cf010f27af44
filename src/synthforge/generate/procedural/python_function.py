"""Write a Python function from a spec; answers are checked by running unit tests in the sandbox.

Each item comes from one of 33 parameterised templates (strings, lists, dicts, math; from
counting vowels up to edit distance), with a reference solution, unit tests that include
edge cases, and known bugs (off-by-one, wrong comparison, missing step) that fail them.
Expected values come from a Python implementation of the template, never from running
the generated code.
"""

from __future__ import annotations

import copy
import random
import re
import secrets
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family
from synthforge.sandbox import Limits, extract_code, run_python

LIMITS = Limits(cpu_seconds=2, wall_seconds=5, memory_mb=256, output_bytes=64_000,
                processes=1)
WORDS = ("apple", "river", "stone", "cloud", "tiger", "lemon", "piano", "orbit", "candle",
         "forest", "silver", "garden", "rocket", "island", "pepper", "window", "shadow",
         "button", "planet", "marble", "violet", "copper", "bridge", "meadow", "anchor",
         "rabbit", "puzzle", "sunset", "harbor", "engine")
NAMES = ("ada lovelace", "alan turing", "grace hopper", "linus torvalds", "barbara liskov",
         "donald knuth", "margaret hamilton", "ken thompson", "frances allen", "john backus")


@dataclass(frozen=True)
class Spec:
    """One function task: the reference code, what it must do, and how to check it."""

    name: str
    code: str
    task: str  # completes "Write a Python function `signature` that ..."
    steps: tuple[str, ...]
    cases: tuple[tuple[Any, ...], ...]  # arguments of the unit tests, edge cases included
    impl: Callable[..., Any]  # the template's logic in Python: the expected values
    bugs: tuple[tuple[str, str], ...]  # (old, new) edits of the code that break it


Template = Callable[[random.Random], Spec]
TEMPLATES: dict[int, list[Template]] = {level: [] for level in range(1, 6)}


def template(level: int) -> Callable[[Template], Template]:
    def add(fn: Template) -> Template:
        TEMPLATES[level].append(fn)
        return fn

    return add


def _code(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _ints(rng: random.Random, n: int, lo: int = -20, hi: int = 50) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(n)]


def _words(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(WORDS) for _ in range(n)]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(_words(rng, n))


def _brackets(rng: random.Random, depth: int) -> str:
    """A random balanced string of brackets and letters."""
    parts = []
    for _ in range(rng.randint(1, 3)):
        inner = _brackets(rng, depth - 1) if depth > 1 and rng.random() < 0.7 else ""
        left, right = rng.choice(("()", "[]", "{}"))
        parts.append(left + rng.choice("abxyz" + " " * 3).strip() + inner + right)
    return "".join(parts)


# ---- level 1 -----------------------------------------------------------------------------------

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


# ---- level 2 -----------------------------------------------------------------------------------

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


# ---- level 3 -----------------------------------------------------------------------------------

@template(3)
def run_length(rng: random.Random) -> Spec:
    name = rng.choice(("run_length_encode", "compress_runs", "rle"))
    count_first = rng.random() < 0.5
    piece = "f\"{count}{current}\"" if count_first else "f\"{current}{count}\""
    code = _code(f'''
        def {name}(s: str) -> str:
            if not s:
                return ""
            out = []
            current, count = s[0], 1
            for ch in s[1:]:
                if ch == current:
                    count += 1
                else:
                    out.append({piece})
                    current, count = ch, 1
            out.append({piece})
            return "".join(out)
        ''')

    def encode(s: str) -> str:
        runs = [(m.group(0)[0], len(m.group(0))) for m in re.finditer(r"(.)\1*", s)]
        return "".join(f"{n}{c}" if count_first else f"{c}{n}" for c, n in runs)

    letters = "".join(rng.choice("ab") * rng.randint(1, 4) for _ in range(5))
    example = "a3b1" if not count_first else "3a1b"
    return Spec(
        name, code,
        "returns the run-length encoding of `s`: each run of equal characters becomes "
        + ("its length followed by the character" if count_first else
           "the character followed by its length") + f" (for example 'aaab' gives {example!r})",
        ("Walk along the string keeping the current character and how long its run is.",
         "When the character changes, write out the finished run and start a new one.",
         "After the loop, write out the last run too; an empty string encodes to ''."),
        (("",), ("z",), (letters,), (rng.choice(WORDS),), ("aaabccdddd",)),
        encode,
        (("\n    out.append(" + piece + ")\n    return", "\n    return"),
         ("current, count = ch, 1", "current, count = ch, 0")))


@template(3)
def chunk(rng: random.Random) -> Spec:
    name = rng.choice(("chunk", "split_into_chunks", "batches"))
    code = _code(f'''
        def {name}(items: list, size: int) -> list[list]:
            return [items[i:i + size] for i in range(0, len(items), size)]
        ''')
    size = rng.randint(2, 4)
    items = list(range(rng.randint(size * 2 + 1, size * 3 - 1) if size > 2 else 7))
    return Spec(
        name, code,
        "splits `items` into consecutive lists of length `size` (size >= 1); the last list "
        "may be shorter",
        ("Start a chunk at every multiple of size: `range(0, len(items), size)`.",
         "Slice `items[i:i + size]`; a slice past the end just stops at the end, so the last "
         "chunk may be shorter.",
         "An empty list gives no chunks."),
        (([], size), (items, size), (_words(rng, 4), 1), (list("abcde"), 2)),
        lambda items, size: [items[i:i + size] for i in range(0, len(items), size)],
        (("range(0, len(items), size)", "range(0, len(items) - size + 1, size)"),
         ("items[i:i + size]", "items[i:i + size - 1]")))


@template(3)
def transpose(rng: random.Random) -> Spec:
    name = rng.choice(("transpose", "flip_matrix", "columns_as_rows"))
    code = _code(f'''
        def {name}(matrix: list[list[int]]) -> list[list[int]]:
            if not matrix:
                return []
            return [[row[c] for row in matrix] for c in range(len(matrix[0]))]
        ''')
    rows, cols = rng.choice(((2, 3), (3, 2), (2, 4)))
    grid = [_ints(rng, cols, 0, 9) for _ in range(rows)]
    return Spec(
        name, code,
        "returns the transpose of the rectangular matrix `matrix` (a list of rows): row i of "
        "the result is column i of the input",
        ("The result has one row per column of the input, so loop over the column indexes "
         "of the first row.",
         "Column c is `[row[c] for row in matrix]`.",
         "An empty matrix transposes to an empty list."),
        (([],), (grid,), ([[1, 2, 3]],), ([[rng.randint(0, 9)], [rng.randint(0, 9)]],)),
        lambda m: [list(col) for col in zip(*m, strict=True)] if m else [],
        (("range(len(matrix[0]))", "range(len(matrix))"),))


@template(3)
def group_by_length(rng: random.Random) -> Spec:
    name = rng.choice(("group_by_length", "bucket_by_length", "words_by_size"))
    code = _code(f'''
        def {name}(words: list[str]) -> dict[int, list[str]]:
            groups = {{}}
            for w in words:
                groups.setdefault(len(w), []).append(w)
            return groups
        ''')
    words = _words(rng, 5) + ["cat", "dog"]
    rng.shuffle(words)
    return Spec(
        name, code,
        "returns a dict mapping each word length to the list of words of `words` with that "
        "length, in their original order",
        ("`dict.setdefault(key, [])` returns the list for a length, creating it the first time.",
         "Append each word to the list for its length, so words of equal length are all kept.",
         "No words give an empty dict."),
        (([],), (words,), (["a", "bb", "c"],)),
        lambda ws: {n: [w for w in ws if len(w) == n] for n in dict.fromkeys(map(len, ws))},
        (("groups.setdefault(len(w), []).append(w)", "groups[len(w)] = [w]"),))


@template(3)
def two_sum(rng: random.Random) -> Spec:
    name = rng.choice(("two_sum", "pair_with_sum", "find_pair"))
    code = _code(f'''
        def {name}(nums: list[int], target: int) -> list[int]:
            seen = {{}}
            for j, n in enumerate(nums):
                if target - n in seen:
                    return [seen[target - n], j]
                seen.setdefault(n, j)
            return []
        ''')

    def brute(nums: list[int], target: int) -> list[int]:
        for j in range(len(nums)):
            for i in range(j):
                if nums[i] + nums[j] == target:
                    return [i, j]
        return []

    x = rng.randint(2, 20)
    trap = [x, rng.randint(30, 40), rng.randint(41, 50)]
    return Spec(
        name, code,
        "returns the indexes `[i, j]` (i < j) of two numbers of `nums` that add up to "
        "`target`: the pair whose second index j is smallest, and for that j the smallest i; "
        "`[]` if there is none",
        ("Scan once, remembering the first index at which each value was seen.",
         "At index j, the partner needed is `target - n`; if it was seen before, return its "
         "index and j.",
         "Record the current value only after the check, so an element is never paired with "
         "itself.",
         "If the scan ends, there is no pair: return []."),
        (([], 5), (trap, 2 * x), ([3, 1, 3, 5], 6), (_ints(rng, 6, 0, 9), 100),
         (_ints(rng, 6, 0, 20), rng.randint(5, 30))),
        brute,
        (("        if target - n in seen:\n            return [seen[target - n], j]\n"
          "        seen.setdefault(n, j)",
          "        seen.setdefault(n, j)\n        if target - n in seen:\n"
          "            return [seen[target - n], j]"),
         ("    return []", "    return [-1, -1]")))


@template(3)
def caesar(rng: random.Random) -> Spec:
    name = rng.choice(("caesar", "shift_letters", "rotate_letters"))
    shift = rng.randint(2, 25)
    code = _code(f'''
        def {name}(text: str, shift: int) -> str:
            out = []
            for ch in text:
                if ch.isalpha():
                    base = ord("A") if ch.isupper() else ord("a")
                    out.append(chr((ord(ch) - base + shift) % 26 + base))
                else:
                    out.append(ch)
            return "".join(out)
        ''')

    def shift_text(text: str, k: int) -> str:
        return "".join(chr((ord(c) - (b := 65 if c.isupper() else 97) + k) % 26 + b)
                       if c.isalpha() else c for c in text)

    return Spec(
        name, code,
        "returns `text` with every ASCII letter shifted `shift` places along the alphabet "
        "(wrapping from z to a, keeping upper and lower case); other characters are unchanged",
        ("Find each letter's position from 'A' or 'a', depending on its case.",
         "Add the shift and wrap around with `% 26`, then turn the position back into a letter.",
         "Characters that are not letters are copied as they are."),
        (("", shift), ("xyz XYZ!", shift), (_sentence(rng, 2).title() + "?", shift),
         ("Zebra", 26 + shift)),
        shift_text,
        (("(ord(ch) - base + shift) % 26 + base", "(ord(ch) - base + shift) + base"),
         ('ord("A") if ch.isupper() else ord("a")', 'ord("a")')))


@template(3)
def most_common_word(rng: random.Random) -> Spec:
    name = rng.choice(("most_common_word", "top_word", "commonest_word"))
    code = _code(f'''
        def {name}(text: str) -> str:
            counts = {{}}
            for w in text.lower().split():
                counts[w] = counts.get(w, 0) + 1
            return min(counts, key=lambda w: (-counts[w], w))
        ''')

    def top(text: str) -> str:
        words = text.lower().split()
        return min(set(words), key=lambda w: (-words.count(w), w))

    a, b = sorted(rng.sample(WORDS, 2))
    tie = f"{b} {a} {b.upper()} {a}"
    return Spec(
        name, code,
        "returns the word that occurs most often in `text` (a non-empty string of words "
        "separated by whitespace), ignoring case; ties go to the alphabetically first word, "
        "and the result is lower case",
        ("Lower-case the text and split it into words.",
         "Count each word in a dict.",
         "Pick the word with the highest count, breaking ties by the word itself: the "
         "smallest key `(-count, word)`."),
        ((tie,), (_sentence(rng, 7),), (rng.choice(WORDS).upper(),), ("b a B a c",)),
        top,
        (("min(counts, key=lambda w: (-counts[w], w))", "max(counts, key=counts.get)"),
         ("text.lower().split()", "text.split()")))


# ---- level 4 -----------------------------------------------------------------------------------

@template(4)
def merge_intervals(rng: random.Random) -> Spec:
    name = rng.choice(("merge_intervals", "merge_ranges", "union_of_intervals"))
    code = _code(f'''
        def {name}(intervals: list[list[int]]) -> list[list[int]]:
            result = []
            for start, end in sorted(intervals):
                if result and start <= result[-1][1]:
                    result[-1][1] = max(result[-1][1], end)
                else:
                    result.append([start, end])
            return result
        ''')

    def merge(intervals: list[list[int]]) -> list[list[int]]:
        out: list[list[int]] = []
        for s, e in sorted(intervals):
            if out and s <= out[-1][1]:
                out[-1][1] = max(out[-1][1], e)
            else:
                out.append([s, e])
        return out

    a = rng.randint(0, 10)
    touching = [[a + 5, a + 8], [a, a + 5]]
    inside = [[a, a + 10], [a + 2, a + 4], [a + 20, a + 22]]
    spans = [sorted(_ints(rng, 2, 0, 40)) for _ in range(5)]
    return Spec(
        name, code,
        "merges the overlapping intervals `[start, end]` of `intervals` (not sorted) and "
        "returns them sorted by start; intervals that touch, like [1, 3] and [3, 5], merge too",
        ("Sort the intervals by start, so that overlapping ones become neighbours.",
         "Keep the merged list; an interval whose start is at most the last merged end "
         "overlaps (or touches) it.",
         "When merging, keep the larger end: the new interval may lie entirely inside.",
         "Otherwise start a new merged interval. No intervals give []."),
        (([],), (touching,), (inside,), (spans,)),
        merge,
        (("sorted(intervals)", "intervals"), ("start <= result[-1][1]", "start < result[-1][1]"),
         ("max(result[-1][1], end)", "end")))


@template(4)
def balanced(rng: random.Random) -> Spec:
    name = rng.choice(("is_balanced", "brackets_match", "balanced"))
    code = _code(f'''
        def {name}(s: str) -> bool:
            pairs = {{")": "(", "]": "[", "}}": "{{"}}
            stack = []
            for ch in s:
                if ch in "([{{":
                    stack.append(ch)
                elif ch in pairs:
                    if not stack or stack.pop() != pairs[ch]:
                        return False
            return not stack
        ''')

    def check(s: str) -> bool:
        stack: list[str] = []
        for ch in s:
            if ch in "([{":
                stack.append(ch)
            elif ch in ")]}" and (not stack or stack.pop() != {")": "(", "]": "[", "}": "{"}[ch]):
                return False
        return not stack

    word = rng.choice(WORDS)
    nested = ""
    while len(nested) < 12:
        nested = _brackets(rng, 3)
    closers = [i for i, ch in enumerate(nested) if ch in ")]}"]
    i = rng.choice(closers)
    crossed = nested[:i] + {")": "]", "]": "}", "}": ")"}[nested[i]] + nested[i + 1:]
    return Spec(
        name, code,
        "returns whether the brackets (), [] and {} in `s` are balanced and properly nested; "
        "other characters are ignored",
        ("Push every opening bracket on a stack.",
         "A closing bracket must match the opening bracket on top of the stack; if the stack "
         "is empty or the top differs, the string is unbalanced.",
         "At the end the stack must be empty: an unclosed bracket is unbalanced too."),
        (("",), (nested,), (crossed,), ("(]",), (f"(({word})",), ("{[()()]}",), (")(",)),
        check,
        (("return not stack", "return True"), ("stack.pop() != pairs[ch]", "not stack.pop()")))


@template(4)
def common_prefix(rng: random.Random) -> Spec:
    name = rng.choice(("longest_common_prefix", "common_prefix", "shared_prefix"))
    code = _code(f'''
        def {name}(words: list[str]) -> str:
            if not words:
                return ""
            prefix = words[0]
            for w in words[1:]:
                while not w.startswith(prefix):
                    prefix = prefix[:-1]
            return prefix
        ''')

    def lcp(words: list[str]) -> str:
        if not words:
            return ""
        n = 0
        while all(len(w) > n and w[n] == words[0][n] for w in words):
            n += 1
        return words[0][:n]

    stem = rng.choice(("inter", "trans", "micro", "super", "under"))
    three = [stem + "national", stem + "nal", stem[:2] + "x"]
    return Spec(
        name, code,
        "returns the longest string that every word of `words` starts with ('' if there is "
        "none or the list is empty)",
        ("Start with the first word as the candidate prefix.",
         "For each other word, shorten the candidate from the end until the word starts "
         "with it.",
         "The candidate only shrinks, so after the last word it is the common prefix."),
        (([],), ([stem + w for w in rng.sample(WORDS, 3)],), (three,), (["same", "same"],),
         (["abc", "xyz"],)),
        lcp,
        (("prefix[:-1]", "prefix[1:]"), ("for w in words[1:]:", "for w in words[1:2]:")))


@template(4)
def binary_search(rng: random.Random) -> Spec:
    name = rng.choice(("binary_search", "find_index", "search_sorted"))
    code = _code(f'''
        def {name}(nums: list[int], target: int) -> int:
            lo, hi = 0, len(nums) - 1
            while lo <= hi:
                mid = (lo + hi) // 2
                if nums[mid] == target:
                    return mid
                if nums[mid] < target:
                    lo = mid + 1
                else:
                    hi = mid - 1
            return -1
        ''')
    nums = sorted(rng.sample(range(0, 100), rng.randint(6, 10)))
    missing = next(v for v in range(100) if v not in nums)
    return Spec(
        name, code,
        "returns the index of `target` in the sorted list of distinct integers `nums`, or -1 "
        "if it is absent, in O(log n) time",
        ("Keep a window [lo, hi] of indexes where the target can still be.",
         "Look at the middle: if it is the target, done; if it is smaller, the target is to "
         "the right; else to the left.",
         "Loop while lo <= hi: a window of one element must still be checked.",
         "An empty window means the target is absent: return -1."),
        (([], 3), ([7], 7), (nums, nums[-1]), (nums, nums[0]), (nums, missing),
         (nums, rng.choice(nums))),
        lambda nums, t: nums.index(t) if t in nums else -1,
        (("while lo <= hi:", "while lo < hi:"),))


@template(4)
def flatten(rng: random.Random) -> Spec:
    name = rng.choice(("flatten", "flatten_deep", "flat_list"))
    code = _code(f'''
        def {name}(nested: list) -> list:
            flat = []
            for item in nested:
                if isinstance(item, list):
                    flat.extend({name}(item))
                else:
                    flat.append(item)
            return flat
        ''')

    def flat(nested: list) -> list:
        out: list = []
        for item in nested:
            out.extend(flat(item) if isinstance(item, list) else [item])
        return out

    a, b, c, d = _ints(rng, 4, 0, 9)
    return Spec(
        name, code,
        "returns the items of the nested list `nested` (lists inside lists, any depth) as one "
        "flat list, in order",
        ("Walk over the items; a plain item goes straight to the result.",
         "A list is flattened by the same function (recursion) and its items added.",
         "Empty lists contribute nothing."),
        (([],), ([a, [b, [c, [d]]]],), ([[], [[]], a],), ([[a, b], c, [[d, [a]]]],)),
        flat,
        ((f"flat.extend({name}(item))", "flat.extend(item)"),))


@template(4)
def anagram_groups(rng: random.Random) -> Spec:
    name = rng.choice(("group_anagrams", "anagram_groups", "bucket_anagrams"))
    code = _code(f'''
        def {name}(words: list[str]) -> list[list[str]]:
            groups = {{}}
            for w in words:
                groups.setdefault("".join(sorted(w)), []).append(w)
            return list(groups.values())
        ''')

    def group(words: list[str]) -> list[list[str]]:
        keys = list(dict.fromkeys("".join(sorted(w)) for w in words))
        return [[w for w in words if "".join(sorted(w)) == k] for k in keys]

    a, b = rng.sample(WORDS, 2)
    words = [a, b, a[::-1], "".join(sorted(b)), rng.choice(("listen", "silent", "enlist"))]
    rng.shuffle(words)
    return Spec(
        name, code,
        "groups the words of `words` that are anagrams of each other; returns the groups in "
        "order of first appearance, each keeping the words' order",
        ("Two words are anagrams when their sorted letters are equal, so the sorted letters "
         "make a key.",
         "Collect the words in a dict from key to list; dicts keep insertion order, which gives "
         "the groups in order of first appearance.",
         "No words give no groups."),
        (([],), (words,), (["abc", "bca", "xyz", "cab", "zyx"],)),
        group,
        (('"".join(sorted(w))', "len(w)"),))


# ---- level 5 -----------------------------------------------------------------------------------

@template(5)
def lis_length(rng: random.Random) -> Spec:
    name = rng.choice(("lis_length", "longest_increasing", "increasing_run_length"))
    code = _code(f'''
        def {name}(nums: list[int]) -> int:
            best = [1] * len(nums)
            for i in range(len(nums)):
                for j in range(i):
                    if nums[j] < nums[i]:
                        best[i] = max(best[i], best[j] + 1)
            return max(best, default=0)
        ''')

    def lis(nums: list[int]) -> int:
        tails: list[int] = []
        for n in nums:
            lo, hi = 0, len(tails)
            while lo < hi:
                mid = (lo + hi) // 2
                lo, hi = (mid + 1, hi) if tails[mid] < n else (lo, mid)
            tails[lo:lo + 1] = [n]
        return len(tails)

    return Spec(
        name, code,
        "returns the length of the longest strictly increasing subsequence of `nums` (not "
        "necessarily contiguous)",
        ("Let best[i] be the length of the longest increasing subsequence ending at i; "
         "alone, each element gives 1.",
         "For every earlier j with a strictly smaller value, nums[i] can extend that "
         "subsequence by one.",
         "The answer is the largest best[i] (0 for an empty list): the best subsequence need "
         "not end at the last element."),
        (([],), ([4, 4, 4],), (_ints(rng, 9, 0, 30),), ([1, 5, 2, 6, 3, 7, 0],),
         (_ints(rng, 7, -5, 5) + [-9],)),
        lis,
        (("nums[j] < nums[i]", "nums[j] <= nums[i]"), ("max(best, default=0)", "best[-1]")))


@template(5)
def edit_distance(rng: random.Random) -> Spec:
    name = rng.choice(("edit_distance", "levenshtein", "min_edits"))
    code = _code(f'''
        def {name}(a: str, b: str) -> int:
            prev = list(range(len(b) + 1))
            for i, ca in enumerate(a, 1):
                cur = [i]
                for j, cb in enumerate(b, 1):
                    cost = 0 if ca == cb else 1
                    cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost))
                prev = cur
            return prev[-1]
        ''')

    def dist(a: str, b: str) -> int:
        table = [[max(i, j) if not (i and j) else 0 for j in range(len(b) + 1)]
                 for i in range(len(a) + 1)]
        for i in range(1, len(a) + 1):
            for j in range(1, len(b) + 1):
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1,
                                  table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
        return table[-1][-1]

    w1, w2 = rng.sample(WORDS, 2)
    edited = list(w1)
    for _ in range(rng.randint(1, 3)):
        edited[rng.randrange(len(edited))] = rng.choice("aeiouxyz")
    return Spec(
        name, code,
        "returns the Levenshtein distance between `a` and `b`: the fewest single-character "
        "insertions, deletions and substitutions that turn `a` into `b`",
        ("Use dynamic programming over prefixes, one row at a time: row i holds the "
         "distances from a[:i] to every prefix of b.",
         "The first row is 0, 1, 2, ... (inserting b's letters), and each row starts at i "
         "(deleting a's letters).",
         "A cell takes the cheapest of a deletion, an insertion, or a substitution (free "
         "when the letters match).",
         "The last cell of the last row is the answer."),
        (("", ""), (w1, ""), ("", w2), (w1, w2), ("cat", "cut"), (w1, "".join(edited))),
        dist,
        (("cur = [i]", "cur = [0]"), ("prev[j - 1] + cost", "prev[j - 1]")))


@template(5)
def min_coins(rng: random.Random) -> Spec:
    name = rng.choice(("min_coins", "fewest_coins", "coin_change"))
    code = _code(f'''
        def {name}(coins: list[int], amount: int) -> int:
            best = [0] + [amount + 1] * amount
            for value in range(1, amount + 1):
                for c in coins:
                    if c <= value:
                        best[value] = min(best[value], best[value - c] + 1)
            return best[amount] if best[amount] <= amount else -1
        ''')
    greedy = _code(f'''
        def {name}(coins: list[int], amount: int) -> int:
            count = 0
            for c in sorted(coins, reverse=True):
                count += amount // c
                amount %= c
            return count if amount == 0 else -1
        ''')

    def fewest(coins: list[int], amount: int) -> int:
        best = [0] + [amount + 1] * amount
        for v in range(1, amount + 1):
            best[v] = min([best[v]] + [best[v - c] + 1 for c in coins if c <= v])
        return best[amount] if best[amount] <= amount else -1

    def by_greed(coins: list[int], amount: int) -> int:
        count = 0
        for c in sorted(coins, reverse=True):
            count, amount = count + amount // c, amount % c
        return count if amount == 0 else -1

    while True:  # coin values where taking the largest coin first is not optimal
        coins = [1, *sorted(rng.sample(range(3, 13), 2))]
        traps = [a for a in range(2, 40) if fewest(coins, a) != by_greed(coins, a)]
        if traps:
            break
    trap = rng.choice(traps)
    odd = rng.choice((2, 4, 6))
    return Spec(
        name, code,
        "returns the fewest coins (of the values in `coins`, each usable any number of times) "
        "that add up to `amount`, or -1 if it cannot be made",
        ("Greedy (largest coin first) is not always optimal, so use dynamic programming.",
         "best[v] is the fewest coins for value v, with best[0] = 0 and 'too many' "
         "(amount + 1) as the starting value elsewhere.",
         "For each value, try each coin that fits: one coin plus the best for the rest.",
         "If best[amount] is still 'too many', the amount cannot be made: return -1."),
        ((coins, 0), (coins, trap), (coins, rng.randint(10, 40)), ([odd], odd * 3 + 1),
         ([2, 5], 3)),
        fewest,
        ((code.split("\n", 1)[1], greedy.split("\n", 1)[1]), ("else -1", "else 0")))


@template(5)
def top_k_frequent(rng: random.Random) -> Spec:
    name = rng.choice(("top_k_frequent", "most_frequent", "k_most_common"))
    code = _code(f'''
        def {name}(words: list[str], k: int) -> list[str]:
            counts = {{}}
            for w in words:
                counts[w] = counts.get(w, 0) + 1
            return sorted(counts, key=lambda w: (-counts[w], w))[:k]
        ''')
    a, b, c = sorted(rng.sample(WORDS, 3))
    words = [c, b, c, a, b, a] + _words(rng, 3)
    return Spec(
        name, code,
        "returns the `k` most frequent words of `words`, most frequent first, with ties in "
        "alphabetical order",
        ("Count every word in a dict.",
         "Sort the distinct words by the key (-count, word): higher counts first, and "
         "alphabetical among equal counts.",
         "Keep the first k (fewer if there are not that many words)."),
        (([], 2), ([c, b, a], 2), (words, 2), (words, 10), ([b, a, b, c, a, c], 1)),
        lambda ws, k: sorted(set(ws), key=lambda w: (-ws.count(w), w))[:k],
        (("(-counts[w], w)", "-counts[w]"), ("[:k]", "[:k - 1]")))


@template(5)
def longest_unique(rng: random.Random) -> Spec:
    name = rng.choice(("longest_unique_substring", "longest_distinct_run", "max_unique_window"))
    code = _code(f'''
        def {name}(s: str) -> int:
            last = {{}}
            start = best = 0
            for i, ch in enumerate(s):
                if ch in last and last[ch] >= start:
                    start = last[ch] + 1
                last[ch] = i
                best = max(best, i - start + 1)
            return best
        ''')

    def brute(s: str) -> int:
        return max((j - i for i in range(len(s)) for j in range(i, len(s) + 1)
                    if len(set(s[i:j])) == j - i), default=0)

    return Spec(
        name, code,
        "returns the length of the longest substring of `s` with no repeated character",
        ("Slide a window [start, i] that never holds a character twice.",
         "Remember the last index of each character; when the current character was seen "
         "inside the window, move start just past that earlier position.",
         "A character last seen before the window does not move it (so start never moves "
         "back).",
         "Track the largest window; the empty string gives 0."),
        (("",), ("abba",), (rng.choice(WORDS) + rng.choice(WORDS),), ("aaaa",),
         ("".join(rng.choice("abcd") for _ in range(12)),)),
        brute,
        ((" and last[ch] >= start", ""), ("i - start + 1", "i - start")))


@template(5)
def spiral(rng: random.Random) -> Spec:
    name = rng.choice(("spiral_order", "spiral", "walk_spiral"))
    code = _code(f'''
        def {name}(matrix: list[list[int]]) -> list[int]:
            result = []
            while matrix:
                result.extend(matrix[0])
                matrix = [list(row) for row in zip(*matrix[1:])][::-1]
            return result
        ''')

    def walk(m: list[list[int]]) -> list[int]:
        out: list[int] = []
        top, bottom, left, right = 0, len(m) - 1, 0, (len(m[0]) - 1 if m else -1)
        while top <= bottom and left <= right:
            out += [m[top][c] for c in range(left, right + 1)]
            out += [m[r][right] for r in range(top + 1, bottom + 1)]
            if top < bottom:
                out += [m[bottom][c] for c in range(right - 1, left - 1, -1)]
            if left < right:
                out += [m[r][left] for r in range(bottom - 1, top, -1)]
            top, bottom, left, right = top + 1, bottom - 1, left + 1, right - 1
        return out

    rows, cols = rng.choice(((3, 3), (3, 4), (4, 3), (2, 5)))
    grid = [_ints(rng, cols, 0, 99) for _ in range(rows)]
    return Spec(
        name, code,
        "returns the elements of the rectangular matrix `matrix` in clockwise spiral order, "
        "starting at the top-left corner",
        ("Take the top row.",
         "Rotate what is left a quarter turn anticlockwise (transpose, then reverse the "
         "rows), so the next side to walk becomes the top row.",
         "Repeat until nothing is left; an empty matrix gives []."),
        (([],), ([[1, 2], [3, 4]],), (grid,), ([[rng.randint(0, 9)] for _ in range(3)],)),
        walk,
        (("][::-1]", "]"),))


# ---- the family ----------------------------------------------------------------------------

def _call(name: str, args: tuple[Any, ...]) -> str:
    return f"{name}({', '.join(map(repr, args))})"


def _stub(code: str) -> str:
    """The function returning None: its signature with an empty body."""
    return code.split("\n", 1)[0] + "\n    return None"


_HARNESS = '''
import ast
import os


def _harness(nonce, tests):
    # What the tests need is taken before the candidate runs: it may rebind names.
    kind, size, pairs, every, write, text = type, len, zip, all, os.write, str
    run_code, run_expr, build = exec, eval, compile
    checks = []
    for line in tests:
        node = ast.parse(line).body[0]
        test = node.test if isinstance(node, ast.Assert) else None
        if isinstance(test, ast.Compare) and [kind(op) for op in test.ops] == [ast.Eq]:
            call = build(ast.Expression(test.left), "<test>", "eval")
            checks.append((call, ast.literal_eval(test.comparators[0]), True))
        else:
            checks.append((build(line, "<test>", "exec"), None, False))

    def same(a, b):  # exact built-in types, so a result cannot pose as equal to anything
        if kind(a) is not kind(b):
            return False
        if kind(a) in (list, tuple):
            return size(a) == size(b) and every(same(x, y) for x, y in pairs(a, b))
        if kind(a) is dict:
            return size(a) == size(b) and every(k in a and same(a[k], b[k]) for k in b)
        return a == b

    namespace = {"__name__": "solution", "__file__": "solution.py"}
    passed = 0
    try:
        with open("solution.py") as f:
            run_code(build(f.read(), "solution.py", "exec"), namespace)
    except BaseException:
        checks = []
    for code, want, compare in checks:
        try:
            ok = same(run_expr(code, namespace), want) if compare else (
                run_code(code, namespace) is None)
        except BaseException:
            ok = False
        passed += ok is True
    line = chr(10) + nonce + " " + text(passed) + " " + text(size(tests)) + chr(10)
    write(1, line.encode())


_harness(@NONCE@, @TESTS@)
'''


@family("python_function")
class PythonFunction(Family):
    """Write a Python function from a spec; checked by running its unit tests in the sandbox."""

    Config = FamilyConfig
    domain = "code"
    skills = ("python", "programming", "edge cases")
    answer_kind = "code"
    parallel_score = True  # scoring runs a sandboxed process: the verify step uses threads
    test_items = 12  # each score runs a program

    def make(self, rng: random.Random, level: int) -> Task:
        spec = rng.choice(TEMPLATES[level])(rng)
        results = [spec.impl(*copy.deepcopy(args)) for args in spec.cases]
        tests = [f"assert {_call(spec.name, args)} == {value!r}"
                 for args, value in zip(spec.cases, results, strict=True)]
        bugs = [[old, new] for old, new in spec.bugs if old in spec.code]
        assert len(bugs) == len(spec.bugs), (spec.name, spec.bugs)
        signature = spec.code.split("\n", 1)[0].removeprefix("def ").removesuffix(":")
        shown = sorted(range(len(spec.cases)), key=lambda i: -len(repr(spec.cases[i])))[:2]
        examples = "\n".join(f"- `{_call(spec.name, spec.cases[i])}` returns `{results[i]!r}`"
                             for i in sorted(shown))  # the longest: random inputs, not edge cases
        question = f"Write a Python function `{signature}` that {spec.task}.\n\n{examples}"
        steps = "\n".join(f"{i}. {step}" for i, step in enumerate(spec.steps, 1))
        solution = f"Approach:\n{steps}\n\nThe function:\n\n```python\n{spec.code}\n```"
        return Task(question, spec.code, solution,
                    {"entry": spec.name, "tests": tests, "bugs": bugs})

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        data, meta = super().generate(k)
        if self.config.trace:  # the worked solution ends with the code
            data["response"] = data["solution"]
        return data, meta

    @classmethod
    def extract(cls, response: str) -> str:
        return extract_code(_after_answer(response))

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        """The fraction of the unit tests the code passes (1.0 only if all pass)."""
        tests = list(task.check.get("tests") or [])
        code = extract_code(answer)
        if not tests or not code.strip():
            return 0.0
        nonce = secrets.token_hex(8)
        program = _HARNESS.replace("@NONCE@", repr(nonce)).replace("@TESTS@", repr(tests), 1)
        result = run_python(program, files={"solution.py": code}, limits=LIMITS)
        marks = [line.split() for line in result.stdout.splitlines()
                 if line.startswith(nonce + " ")]
        if not result.ok or not marks or marks[-1][2:] != [str(len(tests))]:
            return 0.0
        return int(marks[-1][1]) / len(tests)

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        """The function returning None and the template's known bugs."""
        code = task.answer
        bugs = [code.replace(old, new, 1) for old, new in task.check.get("bugs") or []
                if old in code]
        return [_stub(code), *rng.sample(bugs, min(2, len(bugs)))]


def _after_answer(response: str) -> str:
    """The text after the last 'Answer:' line start, or all of it."""
    marks = list(re.finditer(r"(?im)^\s*(?:final\s+)?answer\s*[:：]", response))
    if not marks:
        return response
    tail = response[marks[-1].end():]
    return tail if tail.strip() else response
