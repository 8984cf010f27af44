"""What does this program print? Short Python programs, traced line by line.

Programs come from 18 templates (loops, string methods, comprehensions, dicts, while loops,
recursion, sorting keys, break, mutable defaults, a stack machine, formatting). The expected
output is computed by the template's own logic in Python, never by running the program;
the tests run the programs in the sandbox to confirm it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family
from synthforge.sandbox import extract_code

WORDS = ("apple", "river", "stone", "cloud", "tiger", "lemon", "piano", "orbit", "candle",
         "forest", "silver", "garden", "rocket", "island", "pepper", "window", "shadow",
         "button", "planet", "marble", "violet", "copper", "bridge", "meadow", "anchor")
NAMES = ("Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea")
ASK = ("What does this Python program print?", "What is the exact output of this program?",
       "Predict the output of the following Python code.",
       "Trace this program and give exactly what it prints.")

Made = tuple[str, list[str], list[str]]  # program, output lines, trace
Template = Callable[[random.Random], Made]
TEMPLATES: dict[int, list[Template]] = {level: [] for level in range(1, 6)}


def template(level: int) -> Callable[[Template], Template]:
    def add(fn: Template) -> Template:
        TEMPLATES[level].append(fn)
        return fn

    return add


def _ints(rng: random.Random, n: int, lo: int, hi: int) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(n)]


def _apply(op: str, a: int, b: int) -> int:
    return {"+": a + b, "-": a - b, "*": a * b}[op]


# ---- level 1 -----------------------------------------------------------------------------------

@template(1)
def accumulate(rng: random.Random) -> Made:
    var, it = rng.choice(("total", "acc", "result", "value")), rng.choice(("x", "n", "item"))
    op = rng.choice("+-*")
    start = rng.randint(1, 5) if op == "*" else rng.randint(0, 20)
    nums = _ints(rng, rng.randint(3, 5), 1, 4 if op == "*" else 15)
    code = f"{var} = {start}\nfor {it} in {nums}:\n    {var} {op}= {it}\nprint({var})"
    trace, value = [f"`{var}` starts at {start}."], start
    for x in nums:
        new = _apply(op, value, x)
        trace.append(f"{it} = {x}: {var} = {value} {op} {x} = {new}")
        value = new
    return code, [str(value)], trace + [f"The loop ends and `print({var})` shows {value}."]


_STRING_OPS: tuple[Callable[[random.Random, str], tuple[str, Any, str]], ...] = (
    lambda rng, w: (f"word[{(a := rng.randint(0, 2))}:{(b := rng.randint(3, len(w)))}]",
                    w[a:b], f"takes the characters at indexes {a} up to, not including, {b}"),
    lambda rng, w: ("word.upper()", w.upper(), "upper-cases every letter"),
    lambda rng, w: ("word[::-1]", w[::-1], "is the word reversed"),
    lambda rng, w: (f"word.count({(c := rng.choice(w))!r})", w.count(c),
                    f"counts the {c!r} characters"),
    lambda rng, w: (f"word.replace({(c := rng.choice(w))!r}, {(d := rng.choice('xz-'))!r})",
                    w.replace(c, d), f"replaces every {c!r} with {d!r}"),
    lambda rng, w: ("len(word)", len(w), "is the number of characters"),
    lambda rng, w: (f"word[-{(i := rng.randint(1, 3))}]", w[-i],
                    f"is the character {i} from the end"),
    lambda rng, w: (f"word.find({(c := rng.choice('aeiouxq'))!r})", w.find(c),
                    f"is the index of the first {c!r}, or -1 when there is none"),
    lambda rng, w: ("word.capitalize()", w.capitalize(), "upper-cases the first letter only"),
)


@template(1)
def string_ops(rng: random.Random) -> Made:
    word = rng.choice(WORDS) + rng.choice(("", "", rng.choice(WORDS)[:3]))
    ops = [op(rng, word) for op in rng.sample(_STRING_OPS, 3)]
    code = f"word = {word!r}\n" + "\n".join(f"print({expr})" for expr, _, _ in ops)
    trace = [f"`word` is {word!r}, with indexes starting at 0."]
    trace += [f"`{expr}` {why}: {value!r}, printed as {value}." for expr, value, why in ops]
    return code, [str(value) for _, value, _ in ops], trace


@template(1)
def range_loop(rng: random.Random) -> Made:
    step = rng.choice((1, 2, 3, -1, -2))
    a = rng.randint(0, 6) if step > 0 else rng.randint(6, 12)
    b = a + step * rng.randint(2, 4) + (1 if step > 0 else -1) * rng.randint(0, abs(step) - 1)
    k, op, c = rng.randint(2, 9), rng.choice("+*"), rng.randint(1, 20)
    i = rng.choice("ijk")
    values = list(range(a, b, step))
    code = f"for {i} in range({a}, {b}, {step}):\n    print({i} {op} {k} + {c})"
    trace = [f"`range({a}, {b}, {step})` counts from {a} in steps of {step}, stopping before "
             f"{b}: {', '.join(map(str, values))}."]
    trace += [f"{i} = {v}: {v} {op} {k} + {c} = {_apply(op, v, k) + c}" for v in values]
    return code, [str(_apply(op, v, k) + c) for v in values], trace


# ---- level 2 -----------------------------------------------------------------------------------

@template(2)
def split_by_divisor(rng: random.Random) -> Made:
    d = rng.choice((2, 3))
    nums = _ints(rng, rng.randint(4, 6), 1, 30)
    hit, miss = rng.choice((("evens", "odds"), ("hits", "misses"), ("picked", "skipped")))
    code = (f"{hit} = 0\n{miss} = 0\nfor n in {nums}:\n    if n % {d} == 0:\n"
            f"        {hit} += n\n    else:\n        {miss} += 1\nprint({hit}, {miss})")
    total = count = 0
    trace = [f"`{hit}` adds up the numbers divisible by {d}; `{miss}` counts the others."]
    for n in nums:
        if n % d == 0:
            trace.append(f"n = {n} is divisible by {d}: {hit} = {total} + {n} = {total + n}")
            total += n
        else:
            trace.append(f"n = {n} is not: {miss} = {count} + 1 = {count + 1}")
            count += 1
    trace.append(f"`print({hit}, {miss})` puts a space between the two values.")
    return code, [f"{total} {count}"], trace


@template(2)
def comprehension(rng: random.Random) -> Made:
    nums = _ints(rng, rng.randint(5, 7), 0, 20)
    t, m = rng.randint(3, 12), rng.randint(2, 4)
    name = rng.choice(("picked", "big", "scaled"))
    code = (f"nums = {nums}\n{name} = [x * {m} for x in nums if x > {t}]\nprint({name})\n"
            f"print(sum({name}))")
    kept = [x for x in nums if x > t]
    picked = [x * m for x in kept]
    trace = [f"The condition keeps the numbers above {t}: {kept}."]
    trace += [f"Each is multiplied by {m}: " + (", ".join(f"{x} * {m} = {x * m}" for x in kept)
                                               or "there are none") + "."]
    if picked:
        trace.append("The sum: " + (" + ".join(map(str, picked)) + f" = {sum(picked)}"
                                    if len(picked) > 1 else f"just {picked[0]}") + ".")
    else:
        trace.append("The list is empty, and the sum of an empty list is 0.")
    return code, [str(picked), str(sum(picked))], trace


@template(2)
def transform_letters(rng: random.Random) -> Made:
    word = rng.choice(WORDS) + rng.choice(WORDS)[:rng.randint(0, 3)]
    vowels = rng.choice(("aeiou", "aeiouy", "aei", "ou", "eo"))
    kind = rng.choice(("upper", "star", "double"))
    change = {"upper": ("ch.upper()", str.upper), "star": ('"*"', lambda c: "*"),
              "double": ("ch * 2", lambda c: c * 2)}[kind]
    prepend = rng.random() < 0.4
    add = (lambda x: f"result = {x} + result") if prepend else (lambda x: f"result += {x}")
    code = (f"result = \"\"\nfor ch in {word!r}:\n    if ch in {vowels!r}:\n"
            f"        {add(change[0])}\n    else:\n        {add('ch')}\n"
            "print(result)\nprint(len(result))")
    pieces = [change[1](c) if c in vowels else c for c in word]
    result = "".join(reversed(pieces) if prepend else pieces)
    hits = [c for c in word if c in vowels]
    trace = [f"The loop goes through {word!r} letter by letter.",
             (f"Letters in {vowels!r} ({', '.join(hits)}) become `{change[0]}`; the others "
              "stay." if hits else f"No letter of the word is in {vowels!r}, so none changes."),
             ("Each piece is put in front of the result, so the order is reversed."
              if prepend else "Each piece is added at the end."),
             f"The result is {result!r}, with {len(result)} characters."]
    return code, [result, str(len(result))], trace


@template(2)
def track_max(rng: random.Random) -> Made:
    nums = _ints(rng, rng.randint(5, 7), -10, 40)
    cmp = rng.choice((">", ">="))
    code = (f"nums = {nums}\nbest = nums[0]\npos = 0\nfor i, n in enumerate(nums):\n"
            f"    if n {cmp} best:\n        best = n\n        pos = i\nprint(best, pos)")
    best, pos = nums[0], 0
    trace = [f"Start with best = {best} at position 0."]
    for i, n in enumerate(nums):
        if n > best or (cmp == ">=" and n == best):
            best, pos = n, i
            trace.append(f"i = {i}: {n} {cmp} the best so far, so best = {n}, pos = {i}.")
    note = ("`>=` also moves to later equal values, so the last position of the maximum wins."
            if cmp == ">=" else "`>` keeps the first position of the maximum.")
    return code, [f"{best} {pos}"], [*trace, note]


# ---- level 3 -----------------------------------------------------------------------------------

@template(3)
def count_words(rng: random.Random) -> Made:
    pool = rng.sample(WORDS, 3)
    words = [rng.choice(pool) for _ in range(rng.randint(5, 8))]
    code = (f"counts = {{}}\nfor w in {words}:\n    counts[w] = counts.get(w, 0) + 1\n"
            "print(counts)\nprint(max(counts, key=counts.get))")
    counts: dict[str, int] = {}
    trace = ["`counts.get(w, 0)` is 0 for a new word, so each word's count goes up by one."]
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    trace.append(f"Keys keep the order in which words first appear: {counts}.")
    top = max(counts, key=counts.__getitem__)
    trace.append(f"`max` with `key=counts.get` returns the first key with the highest count: "
                 f"{top!r}.")
    return code, [str(counts), top], trace


@template(3)
def zip_scores(rng: random.Random) -> Made:
    names = rng.sample(NAMES, rng.randint(3, 5))
    scores = _ints(rng, len(names) + rng.choice((-1, 0, 1)), 40, 100)
    start, t = rng.choice((0, 1)), rng.randint(50, 80)
    code = (f"names = {names}\nscores = {scores}\n"
            f"for i, (name, score) in enumerate(zip(names, scores), start={start}):\n"
            f"    if score >= {t}:\n        print(i, name, score)\nprint(\"done\")")
    pairs = list(zip(names, scores, strict=False))
    out = [f"{i} {n} {s}" for i, (n, s) in enumerate(pairs, start) if s >= t]
    trace = [f"`zip` stops at the shorter list, so there are {len(pairs)} pairs.",
             f"`enumerate(..., start={start})` numbers them from {start}."]
    trace += [f"{i}: {n} has {s}, " + ("printed." if s >= t else f"below {t}, skipped.")
              for i, (n, s) in enumerate(pairs, start)]
    return code, [*out, "done"], trace


@template(3)
def shrink(rng: random.Random) -> Made:
    n, k, limit = rng.randint(20, 400), rng.randint(1, 9), rng.randint(1, 12)
    var = rng.choice(("n", "x", "size"))
    code = (f"{var} = {n}\nsteps = 0\nwhile {var} > {limit}:\n    if {var} % 2 == 0:\n"
            f"        {var} = {var} // 2\n    else:\n        {var} = {var} - {k}\n"
            f"    steps += 1\nprint({var}, steps)")
    trace, steps = [], 0
    while n > limit:
        new = n // 2 if n % 2 == 0 else n - k
        trace.append(f"{n} is even, halve it: {new}" if n % 2 == 0 else
                     f"{n} is odd: {n} - {k} = {new}")
        n, steps = new, steps + 1
    trace.append(f"{var} = {n} is no longer above {limit}; the loop ran {steps} times.")
    return code, [f"{n} {steps}"], trace


@template(3)
def parse_numbers(rng: random.Random) -> Made:
    values = [str(rng.randint(-9, 30)) for _ in range(rng.randint(3, 5))]
    values += rng.sample(("x", "3.5", "", "7a", "ten"), rng.randint(1, 2))
    rng.shuffle(values)
    code = (f"values = {values}\ntotal = 0\nerrors = 0\nfor v in values:\n    try:\n"
            "        total += int(v)\n    except ValueError:\n        errors += 1\n"
            "print(total, errors)")
    good = [int(v) for v in values if re.fullmatch(r"-?\d+", v)]
    bad = [v for v in values if not re.fullmatch(r"-?\d+", v)]
    trace = [f"`int()` accepts {', '.join(map(repr, [v for v in values if v not in bad]))}.",
             f"It raises ValueError for {', '.join(map(repr, bad))} (not whole numbers), "
             f"counted as errors: {len(bad)}."]
    if len(good) > 1:
        trace.append("total: " + " + ".join(f"({g})" if g < 0 else str(g) for g in good)
                     + f" gives {sum(good)}.")
    return code, [f"{sum(good)} {len(bad)}"], trace


# ---- level 4 -----------------------------------------------------------------------------------

@template(4)
def recursion(rng: random.Random) -> Made:
    op = rng.choice("+*")
    base, b0, c = rng.randint(0, 2), rng.randint(1, 5), rng.randint(0, 12)
    n = base + rng.randint(2, 4 if op == "*" else 6)
    m = rng.randint(base + 1, n)
    name = rng.choice(("f", "build", "combine"))
    code = (f"def {name}(n):\n    if n <= {base}:\n        return {b0}\n"
            f"    return {name}(n - 1) {op} (n + {c})\n\nprint({name}({n}))\n"
            f"print({name}({m}))")
    value, values = b0, {}
    trace = [f"{name}({base}) and below hit the base case and return {b0}."]
    for k in range(base + 1, n + 1):
        new = _apply(op, value, k + c)
        trace.append(f"{name}({k}) returns {name}({k - 1}) {op} ({k} + {c}), that is "
                     f"{value} {op} {k + c} = {new}")
        value = values[k] = new
    trace.append(f"So {name}({n}) is {values[n]} and {name}({m}) is {values[m]}.")
    return code, [str(values[n]), str(values[m])], trace


@template(4)
def sort_keys(rng: random.Random) -> Made:
    words = rng.sample(WORDS, rng.randint(4, 6)) + [rng.choice(("fig", "kiwi", "plum", "pear"))]
    rng.shuffle(words)
    kind = rng.choice(("len_then_word", "len_desc", "last_letter"))
    key, order = {
        "len_then_word": ("key=lambda w: (len(w), w)", sorted(words, key=lambda w: (len(w), w))),
        "len_desc": ("key=len, reverse=True", sorted(words, key=len, reverse=True)),
        "last_letter": ("key=lambda w: w[-1]", sorted(words, key=lambda w: w[-1])),
    }[kind]
    why = {"len_then_word": "by length, and alphabetically among words of equal length",
           "len_desc": "longest first; `sort` is stable, so equal lengths keep their order",
           "last_letter": "by last letter; `sort` is stable, so ties keep their order"}[kind]
    code = f"words = {words}\nwords.sort({key})\nprint(words)\nprint(words[0], words[-1])"
    trace = [f"The sort orders the words {why}.", f"Result: {order}.",
             f"The first is {order[0]!r} and the last {order[-1]!r}."]
    return code, [str(order), f"{order[0]} {order[-1]}"], trace


@template(4)
def find_pair(rng: random.Random) -> Made:
    nums = _ints(rng, rng.randint(5, 7), 1, 20)
    pairs = [(i, j) for i in range(len(nums)) for j in range(i + 1, len(nums))]
    target = (sum(nums[k] for k in rng.choice(pairs)) if rng.random() < 0.8
              else max(nums) * 2 + 1)
    found = next(((i, j) for i, j in pairs if nums[i] + nums[j] == target), None)
    code = (f"nums = {nums}\nfound = None\nfor i in range(len(nums)):\n"
            "    for j in range(i + 1, len(nums)):\n"
            f"        if nums[i] + nums[j] == {target}:\n            found = (i, j)\n"
            "            break\n    if found:\n        break\nprint(found)")
    if found:
        i, j = found
        trace = [f"The loops try pairs in order (0, 1), (0, 2), ... looking for a sum of "
                 f"{target}.",
                 f"The first hit is i = {i}, j = {j}: {nums[i]} + {nums[j]} = {target}.",
                 "`break` leaves the inner loop; `found` is a non-empty tuple, so the outer "
                 "loop breaks too."]
    else:
        trace = [f"No two numbers add up to {target} (the largest two are too small), so "
                 "`found` stays None."]
    return code, [str(found)], trace


# ---- level 5 -----------------------------------------------------------------------------------

@template(5)
def group_report(rng: random.Random) -> Made:
    words = rng.sample(WORDS, rng.randint(5, 7))
    code = ("groups = {}\nfor word in " + repr(words) + ":\n"
            "    groups.setdefault(word[0], []).append(word)\nfor key in sorted(groups):\n"
            "    print(f\"{key}: {', '.join(groups[key])} ({len(groups[key])})\")")
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(w)
    out = [f"{k}: {', '.join(groups[k])} ({len(groups[k])})" for k in sorted(groups)]
    trace = ["Words are grouped by their first letter, keeping their order in each group: "
             + "; ".join(f"{k} -> {v}" for k, v in groups.items()) + ".",
             "The keys are printed in alphabetical order, each with its words joined by "
             "', ' and the group's size."]
    return code, out, trace


@template(5)
def mutable_default(rng: random.Random) -> Made:
    name = rng.choice(("add", "collect", "remember"))
    items = _ints(rng, rng.randint(2, 4), 1, 99)
    fresh = rng.randint(1, 99)
    calls = "\n".join(f"{name}({x})" for x in items[:-1])
    code = (f"def {name}(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n\n"
            f"{calls}\nprint({name}({items[-1]}))\nprint({name}({fresh}, []))\n"
            f"print(len({name}(0)))")
    trace = ["The default list is created once, when the function is defined, and shared "
             "by every call that does not pass `bucket`.",
             f"So the calls without `bucket` keep adding to the same list: {items}.",
             f"Passing a new list gives [{fresh}], leaving the shared list alone.",
             f"The last call adds 0 to the shared list, which then has {len(items) + 1} "
             "items."]
    return code, [str(items), str([fresh]), str(len(items) + 1)], trace


@template(5)
def stack_machine(rng: random.Random) -> Made:
    tokens, stack, trace = [], [], []
    for _ in range(rng.randint(3, 5)):
        tokens.append(str(rng.randint(1, 12)))
        stack.append(int(tokens[-1]))
        trace.append(f"push {tokens[-1]}: {stack}")
        while len(stack) > 1 and rng.random() < 0.6:
            op = rng.choice("+-*")
            b, a = stack.pop(), stack.pop()
            stack.append(_apply(op, a, b))
            tokens.append(op)
            trace.append(f"{op}: pop {b} and {a}; {a} {op} {b} = {stack[-1]} is pushed: {stack}")
    code = (f"stack = []\nfor token in {' '.join(tokens)!r}.split():\n"
            "    if token in \"+-*\":\n        b, a = stack.pop(), stack.pop()\n"
            "        if token == \"+\":\n            stack.append(a + b)\n"
            "        elif token == \"-\":\n            stack.append(a - b)\n        else:\n"
            "            stack.append(a * b)\n    else:\n        stack.append(int(token))\n"
            "print(stack)\nprint(len(stack))")
    return code, [str(stack), str(len(stack))], trace


@template(5)
def formatting(rng: random.Random) -> Made:
    items = _ints(rng, rng.randint(3, 5), 1, 50)
    sep, glue = rng.choice(("-", ", ", " | ", "/")), rng.choice(("+", ":", ""))
    width = rng.randint(4, 7)
    total = sum(items)
    code = (f"items = {items}\nprint(*items, sep={sep!r})\n"
            f"print({glue!r}.join(str(x * 2) for x in items))\n"
            f"print(f\"[{{sum(items):>{width}}}]\")\nprint(f\"[{{len(items):<3}}]\", end=\"!\\n\")")
    doubled = glue.join(str(x * 2) for x in items)
    out = [sep.join(map(str, items)), doubled, f"[{total:>{width}}]", f"[{len(items):<3}]!"]
    trace = [f"`print(*items, sep={sep!r})` prints the items separated by {sep!r}.",
             f"The doubled items are joined with {glue!r}: {doubled}.",
             f"The sum is {total}, right-aligned in {width} characters.",
             f"{len(items)} is left-aligned in 3 characters, and the line ends with '!'."]
    return code, out, trace


# ---- the family ----------------------------------------------------------------------------

def normalize(text: str) -> str:
    """Output compared leniently: a fenced block unwrapped, trailing spaces and blank lines
    at the ends dropped."""
    if "```" in text:
        text = extract_code(text)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


@family("code_output")
class CodeOutput(Family):
    """Predict exactly what a short Python program prints, tracing its execution."""

    Config = FamilyConfig
    domain = "code"
    skills = ("python", "tracing code", "reading programs")
    answer_kind = "output"

    def make(self, rng: random.Random, level: int) -> Task:
        code, output, trace = rng.choice(TEMPLATES[level])(rng)
        question = f"{rng.choice(ASK)}\n\n```python\n{code}\n```"
        solution = "Tracing the program:\n" + "\n".join(f"- {line}" for line in trace)
        return Task(question, "\n".join(output), solution, {"program": code})

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        data, meta = super().generate(k)
        if self.config.trace:  # the output in a block keeps its spacing and lines
            data["response"] = f"{data['solution']}\n\nAnswer:\n```\n{data['answer']}\n```"
        return data, meta

    @classmethod
    def extract(cls, response: str) -> str:
        marks = list(re.finditer(r"(?im)^\s*(?:final\s+)?answer\s*[:：][ \t]*\n?", response))
        return response[marks[-1].end():] if marks else response

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        return 1.0 if normalize(answer) == normalize(task.answer) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        """A number off by one, a line missing or added, two lines swapped."""
        lines = task.answer.split("\n")
        found = list(re.finditer(r"-?\d+", task.answer))
        out = []
        if found:
            m = rng.choice(found)
            out.append(task.answer[:m.start()] + str(int(m.group()) + 1) + task.answer[m.end():])
        out.append("\n".join(lines[:-1]) if len(lines) > 1 else task.answer + "\nNone")
        if len(set(lines)) > 1:
            i, j = rng.sample(range(len(lines)), 2)
            lines[i], lines[j] = lines[j], lines[i]
            out.append("\n".join(lines))
        return [w for w in out if normalize(w) != normalize(task.answer)]
