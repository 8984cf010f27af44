"""Propositional formulas (not, and, or, implies, iff): evaluate one under an assignment, or
(at levels 4-5) classify it as a tautology, a contradiction or contingent by its truth table.

Truth tables are bitmasks: with n variables, bit i of a formula's mask is its value in row i
(row i gives variable j the value of bit n-1-j of i), so every connective is one integer
operation and a whole table costs a handful of them.
"""

from __future__ import annotations

import random

from synthforge.generate.procedural.answers import norm_text, parse_bool
from synthforge.generate.procedural.base import Family, Task, family

# a formula: ("var", j) | ("not", f) | (op, f, g) with op in and, or, implies, iff
Formula = tuple

STYLES = {
    "symbols": {"not": "¬", "and": "∧", "or": "∨", "implies": "→", "iff": "↔"},
    "ascii": {"not": "~", "and": "&", "or": "|", "implies": "->", "iff": "<->"},
    "words": {"not": "not ", "and": "and", "or": "or", "implies": "implies", "iff": "iff"},
}
VARIABLES = (("p", "q", "r", "s"), ("a", "b", "c", "d"), ("P", "Q", "R", "S"),
             ("x", "y", "z", "w"))
CLASSES = ("tautology", "contradiction", "contingent")
_CLASS_FORMS = {
    "tautology": {"tautology", "a tautology", "tautological", "always true", "valid"},
    "contradiction": {"contradiction", "a contradiction", "contradictory", "always false",
                      "unsatisfiable", "inconsistent"},
    "contingent": {"contingent", "a contingency", "contingency", "neither",
                   "satisfiable but not valid", "contingent formula"},
}

# by level: (variables low, high), (binary connectives low, high) of the formula (of each
# sub-formula put into a scheme when classifying), connectives, classify instead of evaluate
LEVELS = {1: ((2, 3), (2, 3), ("and", "or"), False),
          2: ((2, 3), (3, 4), ("and", "or", "implies"), False),
          3: ((3, 4), (4, 6), ("and", "or", "implies", "iff"), False),
          4: ((2, 3), (1, 2), ("and", "or", "implies", "iff"), True),
          5: ((3, 4), (0, 2), ("and", "or", "implies", "iff"), True)}


def _v(j: int) -> Formula:
    return ("var", j)


def _not(f: Formula) -> Formula:
    return ("not", f)


# tautology schemes over sub-formulas F, G, H
_TAUTOLOGIES = (
    lambda f, g, h: ("or", f, _not(f)),
    lambda f, g, h: ("implies", f, ("implies", g, f)),
    lambda f, g, h: ("implies", ("and", f, g), f),
    lambda f, g, h: ("implies", f, ("or", f, g)),
    lambda f, g, h: ("implies", ("and", ("implies", f, g), f), g),
    lambda f, g, h: ("implies", ("and", ("implies", f, g), _not(g)), _not(f)),
    lambda f, g, h: ("iff", ("implies", f, g), ("implies", _not(g), _not(f))),
    lambda f, g, h: ("iff", _not(("and", f, g)), ("or", _not(f), _not(g))),
    lambda f, g, h: ("iff", _not(("or", f, g)), ("and", _not(f), _not(g))),
    lambda f, g, h: ("implies", ("and", ("implies", f, g), ("implies", g, h)),
                     ("implies", f, h)),
    lambda f, g, h: ("or", ("implies", f, g), ("implies", g, f)),
    lambda f, g, h: ("iff", ("and", f, ("or", g, h)), ("or", ("and", f, g), ("and", f, h))),
    lambda f, g, h: ("iff", ("implies", f, g), ("or", _not(f), g)),
)
# contradiction schemes
_CONTRADICTIONS = (
    lambda f, g, h: ("and", f, _not(f)),
    lambda f, g, h: ("iff", f, _not(f)),
    lambda f, g, h: ("and", ("implies", f, g), ("and", f, _not(g))),
    lambda f, g, h: ("and", ("or", f, g), ("and", _not(f), _not(g))),
    lambda f, g, h: _not(("implies", f, ("implies", g, f))),
    lambda f, g, h: ("and", ("iff", f, g), ("iff", f, _not(g))),
)
# look-alikes of valid schemes that are not valid (affirming the consequent, ...)
_NEAR_MISSES = (
    lambda f, g, h: ("implies", ("and", ("implies", f, g), g), f),
    lambda f, g, h: ("implies", ("and", ("implies", f, g), _not(f)), _not(g)),
    lambda f, g, h: ("implies", f, ("and", f, g)),
    lambda f, g, h: ("iff", ("implies", f, g), ("implies", g, f)),
    lambda f, g, h: ("iff", _not(("and", f, g)), ("and", _not(f), _not(g))),
    lambda f, g, h: ("implies", ("or", f, g), f),
    lambda f, g, h: ("and", ("or", f, g), ("or", _not(f), h)),
)


def table(f: Formula, n: int) -> int:
    """The truth table of `f` over n variables as a bitmask of its true rows."""
    full = (1 << (1 << n)) - 1
    return _table(f, n, full)


def _var_mask(j: int, n: int) -> int:
    return sum(1 << i for i in range(1 << n) if i >> (n - 1 - j) & 1)


_VAR_MASKS = {(j, n): _var_mask(j, n) for n in range(1, 5) for j in range(n)}


def _table(f: Formula, n: int, full: int, memo: dict | None = None) -> int:
    kind = f[0]
    if kind == "var":
        return _VAR_MASKS[f[1], n]
    if memo is not None and f in memo:
        return memo[f]
    if kind == "not":
        out = full ^ _table(f[1], n, full, memo)
    else:
        a, b = _table(f[1], n, full, memo), _table(f[2], n, full, memo)
        if kind == "and":
            out = a & b
        elif kind == "or":
            out = a | b
        elif kind == "implies":
            out = (full ^ a) | b
        else:
            out = full ^ (a ^ b)
    if memo is not None:
        memo[f] = out
    return out


def render(f: Formula, names: tuple[str, ...], style: dict[str, str], top: bool = True,
           memo: dict | None = None) -> str:
    """The formula as text; binary parts below the top are parenthesized."""
    memo = {} if memo is None else memo
    text = _bare(f, names, style, memo)
    return text if top or f[0] in ("var", "not") else f"({text})"


def _bare(f: Formula, names: tuple[str, ...], style: dict[str, str], memo: dict) -> str:
    text = memo.get(f)
    if text is None:
        kind = f[0]
        if kind == "var":
            text = names[f[1]]
        elif kind == "not":
            text = style["not"] + render(f[1], names, style, False, memo)
        else:
            text = (f"{render(f[1], names, style, False, memo)} {style[kind]} "
                    f"{render(f[2], names, style, False, memo)}")
        memo[f] = text
    return text


def subformulas(f: Formula) -> list[Formula]:
    """The distinct compound sub-formulas of f, innermost first (f itself last)."""
    out: dict[Formula, None] = {}

    def walk(g: Formula) -> None:
        if g[0] == "var" or g in out:
            return
        for child in g[1:]:
            walk(child)
        out[g] = None

    walk(f)
    return list(out)


def _variables(f: Formula, into: set[int]) -> set[int]:
    if f[0] == "var":
        into.add(f[1])
    else:
        for child in f[1:]:
            _variables(child, into)
    return into


def _rename(f: Formula, order: dict[int, int]) -> Formula:
    if f[0] == "var":
        return ("var", order[f[1]])
    return (f[0], *(_rename(child, order) for child in f[1:]))


def _compact(f: Formula) -> tuple[Formula, int]:
    """f with its variables renumbered 0..k-1 in order of first use, and k."""
    used = sorted(_variables(f, set()))
    if used == list(range(len(used))):
        return f, len(used)
    return _rename(f, {v: i for i, v in enumerate(used)}), len(used)


_TF = str.maketrans("01", "FT")
_ROWS = {letters[:n]: [", ".join(f"{v}={'T' if i >> (n - 1 - j) & 1 else 'F'}"
                                 for j, v in enumerate(letters[:n])) for i in range(1 << n)]
         for letters in VARIABLES for n in range(1, 5)}


def _leaf_var(f: Formula) -> int | None:
    """The variable of `p` or `¬p`, else None."""
    if f[0] == "var":
        return f[1]
    if f[0] == "not" and f[1][0] == "var":
        return f[1][1]
    return None


def _word(value: bool) -> str:
    return "true" if value else "false"


@family("truth_table")
class TruthTable(Family):
    """Evaluate a propositional formula, or classify it as tautology/contradiction/contingent."""

    domain = "logic"
    skills = ("propositional logic", "truth tables")
    answer_kind = "bool or class"

    def _random(self, rng: random.Random, size: int, n: int, ops: tuple[str, ...],
                top: bool = False) -> Formula:
        """A random formula with `size` binary connectives over variables 0..n-1."""
        r = rng.getrandbits(64)  # one draw per node, split into its choices
        if size == 0:
            r, j = divmod(r, n)
            leaf = _v(j)
            return _not(leaf) if r % 10 < 3 else leaf
        r, left_size = divmod(r, size)
        r, op = divmod(r, len(ops))
        left = self._random(rng, left_size, n, ops)
        right = self._random(rng, size - 1 - left_size, n, ops)
        while _leaf_var(left) is not None and _leaf_var(left) == _leaf_var(right):
            right = self._random(rng, 0, n, ops)  # no `p ∧ p`, `q → ¬q`
        f = (ops[op], left, right)
        return _not(f) if not top and r % 100 < 15 else f

    def make(self, rng: random.Random, level: int) -> Task:
        (lo, hi), (s_lo, s_hi), ops, classify = LEVELS[level]
        style = STYLES[rng.choice(tuple(STYLES))]
        letters = rng.choice(VARIABLES)
        if classify:
            return self._classify(rng, level, rng.randint(lo, hi), letters, style, ops)
        while True:
            size = rng.randint(s_lo, s_hi)
            f, n = _compact(self._random(rng, size, rng.randint(lo, hi), ops, top=True))
            if n >= lo:
                break
        names = letters[:n]
        values = [rng.random() < 0.5 for _ in range(n)]
        return self._evaluate(rng, f, names, style, values)

    def _evaluate(self, rng: random.Random, f: Formula, names: tuple[str, ...],
                  style: dict[str, str], values: list[bool]) -> Task:
        memo: dict = {}
        text = render(f, names, style, memo=memo)
        shown = rng.randrange(3)
        if shown == 0:
            assignment = ", ".join(f"{v} = {_word(x)}" for v, x in zip(names, values,
                                                                        strict=True))
        elif shown == 1:
            assignment = ", ".join(f"{v} = {'T' if x else 'F'}" for v, x in zip(names, values,
                                                                                 strict=True))
        else:
            assignment = ", ".join(f"{v} is {_word(x)}" for v, x in zip(names, values,
                                                                         strict=True))
        question = rng.choice((
            "Let {a}. What is the truth value of {f}? Answer true or false.",
            "Evaluate the formula {f} when {a}. Is it true or false?",
            "Given {a}, is the statement {f} true or false?",
            "With the assignment {a}, determine whether {f} is true or false.",
            "Suppose {a}. Decide if {f} holds (true) or not (false).",
        )).format(a=assignment, f=text)
        key = {("var", j): v for j, v in enumerate(values)}
        lines = ["Substitute " + ", ".join(f"{v} = {_word(x)}" for v, x in
                                          zip(names, values, strict=True))
                 + " and work from the innermost parts outward:"]
        for g in subformulas(f):
            if g[0] == "not":
                inner = key[g[1]]
                value = not inner
                work = f"{style['not']}{_word(inner)}"
            else:
                a, b = key[g[1]], key[g[2]]
                value = {"and": a and b, "or": a or b, "implies": (not a) or b,
                         "iff": a == b}[g[0]]
                work = f"{_word(a)} {style[g[0]]} {_word(b)}"
            key[g] = value
            lines.append(f"{render(g, names, style, memo=memo)} = {work} = {_word(value)}")
        answer = _word(key[f])
        lines.append(f"So the formula is {answer}.")
        return Task(question, answer, "\n".join(lines), {"mode": "evaluate"})

    def _classify(self, rng: random.Random, level: int, n: int, letters: tuple[str, ...],
                  style: dict[str, str], ops: tuple[str, ...]) -> Task:
        target = rng.choice(CLASSES)
        (lo, _), (s_lo, s_hi), _, _ = LEVELS[level]
        while True:
            parts = [self._random(rng, rng.randint(s_lo, s_hi) + (i == 0), n, ops)
                     for i in range(3)]  # F, the part every scheme uses, a little larger
            if target == "tautology":
                f = rng.choice(_TAUTOLOGIES)(*parts)
            elif target == "contradiction":
                f = rng.choice(_CONTRADICTIONS)(*parts)
            elif rng.random() < 0.5:
                f = rng.choice(_NEAR_MISSES)(*parts)
            else:
                f = self._random(rng, rng.randint(3, 2 + level), n, ops, top=True)
            f, k = _compact(f)
            if k < lo:
                continue
            subs = subformulas(f)
            if len(subs) > 9 + 2 * level:
                continue
            full = (1 << (1 << k)) - 1
            tables: dict = {}
            mask = _table(f, k, full, tables)
            kind = ("tautology" if mask == full else "contradiction" if mask == 0
                    else "contingent")
            if kind == target:
                break
        n, names = k, letters[:k]
        memo: dict = {}
        text = render(f, names, style, memo=memo)
        question = rng.choice((
            "Is the formula {f} a tautology, a contradiction, or contingent?",
            "Classify {f}: tautology (true under every assignment), contradiction (false "
            "under every assignment), or contingent (true under some, false under others)?",
            "Decide whether {f} is a tautology, a contradiction or contingent.",
            "Consider {f}. Is it always true (tautology), always false (contradiction), or "
            "contingent?",
        )).format(f=text)
        masks = [tables[g] for g in subs]
        lines = ["Build the truth table. Columns:"]
        label = {g: f"[{i + 1}]" for i, g in enumerate(subs)}

        def ref(g: Formula) -> str:
            return label.get(g) or render(g, names, style, False, memo)

        for g in subs:
            whole = render(g, names, style, memo=memo)
            if g[0] == "not":
                short = f"{style['not']}{ref(g[1])}"
            else:
                short = f"{ref(g[1])} {style[g[0]]} {ref(g[2])}"
            lines.append(f"{label[g]} {whole}" + (f", i.e. {short}" if short != whole else ""))
        rows = 1 << n
        template = ", ".join(f"{label[g]} {{}}" for g in subs)
        columns = [format(m, f"0{rows}b")[::-1].translate(_TF) for m in masks]
        for i, cells in enumerate(zip(*columns, strict=True)):
            lines.append(f"{_ROWS[names][i]}: {template.format(*cells)}")
        mask = masks[-1]
        if mask == full:
            lines.append(f"The last column is T in all {rows} rows, so the formula is a "
                         "tautology.")
        elif mask == 0:
            lines.append(f"The last column is F in all {rows} rows, so the formula is a "
                         "contradiction.")
        else:
            t = bin(mask).count("1")
            lines.append(f"The last column is T in {t} of the {rows} rows and F in the other "
                         f"{rows - t}, so the formula is contingent.")
        answer = kind
        return Task(question, answer, "\n".join(lines), {"mode": "classify"})

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        want = norm_text(task.answer)
        if want in CLASSES:
            got = norm_text(answer).removeprefix("it is ").removeprefix("the formula is ")
            return 1.0 if got in _CLASS_FORMS[want] else 0.0
        got_bool = parse_bool(answer)
        return 1.0 if got_bool is not None and got_bool == parse_bool(want) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        want = norm_text(task.answer)
        if want in CLASSES:
            return [c for c in CLASSES if c != want] + ["true", ""]
        return ["false" if parse_bool(want) else "true", "maybe", ""]
