"""Categorical syllogisms (and, at the top level, four-term sorites): does the conclusion follow?

Validity is decided over set models: everything falls in one of the 2^n regions of the Venn
diagram of the n terms, and a model says which regions are inhabited. Universal statements
(All, No) empty regions; particular ones (Some, Some-not) need one of their regions inhabited;
existential import (stated in the question either way) needs each term inhabited. The argument
is valid iff no model makes the premises true and the conclusion false. That is decided
exactly by keeping every region the universal premises leave open inhabited (see `valid`),
which agrees with checking all 2^(2^n) models (`valid_brute`, used by the tests).
"""

from __future__ import annotations

import random
from functools import lru_cache
from itertools import permutations, product

from synthforge.generate.procedural._logic_words import (
    _CODAS,
    _MIDDLES,
    _ONSETS,
    _REAL,
    _VOWELS,
    CATEGORIES,
)
from synthforge.generate.procedural.answers import parse_bool
from synthforge.generate.procedural.base import Family, Task, family

Statement = tuple[str, int, int]  # form ("A", "E", "I", "O"), subject term, predicate term
UNIVERSAL = {"A": True, "E": True, "I": False, "O": False}
NEGATION = {"A": "O", "O": "A", "E": "I", "I": "E"}

_WORDINGS = {
    "A": ("All {x} are {y}.", "Every one of the {x} is one of the {y}."),
    "E": ("No {x} are {y}.", "None of the {x} are {y}."),
    "I": ("Some {x} are {y}.", "At least one of the {x} is also one of the {y}."),
    "O": ("Some {x} are not {y}.", "Not all {x} are {y}.",
          "At least one of the {x} is not one of the {y}."),
}
_ABSTRACT = {"A": "all {x} are {y}", "E": "no {x} are {y}", "I": "some {x} are {y}",
             "O": "some {x} are not {y}"}
_IMPORT_YES = ("Assume that each group mentioned ({terms}) has at least one member.",
               "Take it as given that there is at least one of each: {terms}.")
_IMPORT_NO = ("Do not assume that any group has members: a statement such as \"All X are Y\" "
              "is true even when there are no X.",
              "Make no assumption that {terms} exist; universal statements carry no "
              "existential import.")
_ASK = ("Does the conclusion follow logically from the premises? Answer yes or no.",
        "Is this argument valid? Answer yes or no.",
        "Is the conclusion guaranteed by the premises (is the syllogism valid)? Answer yes or no.")


def _region_set(form: str, x: int, y: int, n: int) -> int:
    want_y = form in ("E", "I")
    bits = 0
    for r in range(1 << n):
        if r >> x & 1 and bool(r >> y & 1) == want_y:
            bits |= 1 << r
    return bits


_REGIONS = {(form, x, y, n): _region_set(form, x, y, n) for n in (3, 4) for form in "AEIO"
            for x in range(n) for y in range(n) if x != y}
_TERMS = {(t, n): sum(1 << r for r in range(1 << n) if r >> t & 1) for n in (3, 4)
          for t in range(n)}


def region_set(form: str, x: int, y: int, n: int) -> int:
    """The regions (a bitmask over the 2^n regions) a statement empties or needs inhabited:
    A and O speak of the x-and-not-y regions, E and I of the x-and-y ones."""
    return _REGIONS.get((form, x, y, n)) or _region_set(form, x, y, n)


def term_set(t: int, n: int) -> int:
    """The regions inside term t."""
    return _TERMS.get((t, n)) or sum(1 << r for r in range(1 << n) if r >> t & 1)


def _constraints(premises: list[Statement], n: int, existential_import: bool):
    empty, needs = 0, []
    for form, x, y in premises:
        if UNIVERSAL[form]:
            empty |= region_set(form, x, y, n)
        else:
            needs.append(region_set(form, x, y, n))
    if existential_import:
        needs += [term_set(t, n) for t in range(n)]
    return empty, needs


def satisfiable(premises: list[Statement], n: int, existential_import: bool) -> bool:
    empty, needs = _constraints(premises, n, existential_import)
    return all(need & ~empty for need in needs)


def valid(premises: list[Statement], conclusion: Statement, n: int,
          existential_import: bool) -> bool:
    """Whether every set model of the premises makes the conclusion true.

    A model of premises and negated conclusion exists iff inhabiting every region that the
    universal statements (of both) leave open meets every existential need."""
    negated = (NEGATION[conclusion[0]], conclusion[1], conclusion[2])
    empty, needs = _constraints([*premises, negated], n, existential_import)
    return not all(need & ~empty for need in needs)


def _follows(empty: int, needs: list[int], conclusion: Statement, n: int) -> bool:
    """`valid` for satisfiable premises already reduced to (empty regions, needs)."""
    bits = region_set(*conclusion, n)
    if UNIVERSAL[conclusion[0]]:
        return not bits & ~empty
    return any(not need & ~(empty | bits) for need in needs)


def valid_brute(premises: list[Statement], conclusion: Statement, n: int,
                existential_import: bool) -> bool:
    """`valid` by checking every assignment of inhabited/empty to the 2^n regions."""
    def true_in(model: int, statement: Statement) -> bool:
        hit = model & region_set(*statement, n)
        return not hit if UNIVERSAL[statement[0]] else bool(hit)

    terms = [term_set(t, n) for t in range(n)]
    for model in range(1 << (1 << n)):
        if existential_import and not all(model & t for t in terms):
            continue
        if all(true_in(model, p) for p in premises) and not true_in(model, conclusion):
            return False
    return True


def _region_name(r: int, letters: str) -> str:
    return "".join(c if r >> i & 1 else "¬" + c for i, c in enumerate(letters))


@lru_cache(maxsize=4096)
def _names(bits: int, letters: str) -> str:
    names = [_region_name(r, letters) for r in range(1 << len(letters)) if bits >> r & 1]
    return ", ".join(names)


def _count(bits: int) -> int:
    return bin(bits).count("1")


def _first(bits: int) -> int:
    return (bits & -bits).bit_length() - 1


def explain(premises: list[Statement], texts: list[str], conclusion: Statement, ctext: str,
            terms: list[str], letters: str, existential_import: bool) -> tuple[bool, list[str]]:
    """The Venn-region argument for (in)validity: (valid, lines)."""
    n = len(letters)
    lines = ["Let " + ", ".join(f"{c} = {t}" for c, t in zip(letters, terms, strict=True))
             + f". Everything falls in one of the {1 << n} regions of the Venn diagram of "
             + f"{', '.join(letters[:-1])} and {letters[-1]}; write e.g. "
             + f"{_region_name((1 << n) - 2, letters)} for the things outside {letters[0]} "
             + "but inside all the others."]

    def abstract(s: Statement) -> str:
        return _ABSTRACT[s[0]].format(x=letters[s[1]], y=letters[s[2]])

    empty = 0
    for s, text in zip(premises, texts, strict=True):
        if not UNIVERSAL[s[0]]:
            continue
        bits = region_set(*s, n)
        where = (f"in both {letters[s[1]]} and {letters[s[2]]}" if s[0] == "E"
                 else f"in {letters[s[1]]} but outside {letters[s[2]]}")
        lines.append(f"\"{text}\" ({abstract(s)}) says nothing is {where}: "
                     f"{_names(bits, letters)} {'is' if _count(bits) == 1 else 'are'} empty.")
        empty |= bits
    if empty:
        lines.append(f"Empty regions so far: {_names(empty, letters)}.")
    else:
        lines.append("No premise empties any region.")

    needs: list[tuple[str, int]] = []
    for s, text in zip(premises, texts, strict=True):
        if not UNIVERSAL[s[0]]:
            needs.append((f"\"{text}\" ({abstract(s)})", region_set(*s, n)))
    if existential_import:
        needs += [(f"The existence of at least one {letters[t]}", term_set(t, n))
                  for t in range(n)]
    for i, (label, bits) in enumerate(needs):
        open_ = bits & ~empty
        if i >= len(needs) - n * existential_import:
            letter = letters[i - len(needs) + n]
            lines.append(f"Existential import: there is at least one {letter}, so one of the "
                         f"regions inside {letter} that are not empty ({_names(open_, letters)})"
                         " is inhabited.")
            continue
        line = f"{label} needs one of {_names(bits, letters)} inhabited"
        if open_ != bits:
            line += (f"; of these only {_names(open_, letters)} can be"
                     if _count(open_) > 1 else f"; only {_names(open_, letters)} is not empty, "
                     "so it is inhabited")
        lines.append(line + ".")

    form = conclusion[0]
    cbits = region_set(*conclusion, n)
    cname = f"\"{ctext}\" ({abstract(conclusion)})"
    if UNIVERSAL[form]:
        lines.append(f"The conclusion {cname} needs {_names(cbits, letters)} to be empty.")
        left = cbits & ~empty
        if not left:
            lines.append("The premises already empty all of them, so whenever the premises "
                         "are true the conclusion is true too.")
            lines.append("So the conclusion follows: the argument is valid.")
            return True, lines
        witness = _first(left)
        model = 1 << witness
        lines.append(f"But no premise empties {_region_name(witness, letters)}.")
        forbidden = empty
    else:
        lines.append(f"The conclusion {cname} needs one of {_names(cbits, letters)} inhabited.")
        forbidden = empty | cbits
        for label, bits in needs:
            if not bits & ~forbidden:
                lines.append(f"{label} can only be met inside {_names(bits & ~empty, letters)}, "
                             "which is part of what the conclusion needs; so whenever the "
                             "premises are true the conclusion is true too.")
                lines.append("So the conclusion follows: the argument is valid.")
                return True, lines
        model = 0
        lines.append("Nothing forces any of those regions to be inhabited.")
    for _, bits in needs:
        if not bits & model:
            model |= 1 << _first(bits & ~forbidden)
    checks = []
    for s, text in zip(premises, texts, strict=True):
        bits = region_set(*s, n)
        if UNIVERSAL[s[0]]:
            checks.append(f"\"{text}\" holds (none of the regions it empties is inhabited)")
        else:
            checks.append(f"\"{text}\" holds ({_region_name(_first(bits & model), letters)} "
                          "is inhabited)")
    lines.append(f"Counterexample: let exactly {_names(model, letters)} be inhabited. "
                 + "; ".join(checks) + (
                     "; and every term has a member" if existential_import else "") + ".")
    if UNIVERSAL[form]:
        lines.append(f"Yet {_region_name(witness, letters)} is inhabited, so the conclusion "
                     "is false in this model.")
    else:
        lines.append("Yet none of the conclusion's regions is inhabited, so it is false in "
                     "this model.")
    lines.append("So the conclusion does not follow: the argument is invalid.")
    return False, lines


def _pools(n: int, both_ways: bool, existential_import: bool, simple: bool):
    """Every (premises, conclusion) of this shape, split into valid and invalid ones.

    Term 0 is the subject of the conclusion, term n-1 its predicate, the others middle
    terms; the premises link neighbours (each either way round). `simple`: no Some-not
    premises."""
    links = [(1, 2), (0, 1)] if n == 3 else [(0, 1), (1, 2), (2, 3)]
    options = [[(f, a, b) for f in ("AEI" if simple else "AEIO") for a, b in ((x, y), (y, x))]
               for x, y in links]
    ends = [(0, n - 1), (n - 1, 0)] if both_ways else [(0, n - 1)]
    good, bad = [], []
    for premises in product(*options):
        empty, needs = _constraints(list(premises), n, existential_import)
        if not all(need & ~empty for need in needs):
            continue  # premises that contradict each other
        for x, y in ends:
            for f in "AEIO":
                conclusion = (f, x, y)
                (good if _follows(empty, needs, conclusion, n) else bad).append(
                    (premises, conclusion))
    return good, bad


_POOLS = {(n, both, imp, simple): _pools(n, both, imp, simple)
          for n, both, simple in ((3, False, True), (3, False, False), (3, True, False),
                                  (4, True, False))
          for imp in (False, True)}

# by level: terms, real-term share (%), conclusion both ways round, varied wording
LEVELS = {1: (3, 100, False, False), 2: (3, 90, False, False), 3: (3, 50, True, True),
          4: (3, 15, True, True), 5: (4, 10, True, True)}
# the orders the premises may be listed in
_ORDERS = {2: ((0, 1), (1, 0)), 3: tuple(permutations(range(3)))}
# the wordings cut around their blanks: (before x, between x and y, after y)
_CUT = {form: tuple((t.split("{x}")[0], *t.split("{x}")[1].split("{y}")) for t in texts)
        for form, texts in _WORDINGS.items()}
_NOTES = {imp: tuple(tuple(t.split("{terms}")) for t in texts)
          for imp, texts in ((True, _IMPORT_YES), (False, _IMPORT_NO))}


def _nonsense(rng: random.Random) -> str:
    """`_logic_words.nonsense_term` from one draw (a made-up plural: `blorazes`)."""
    while True:
        bits, coda = divmod(rng.getrandbits(64), len(_CODAS))
        bits, a = divmod(bits, len(_ONSETS))
        bits, b = divmod(bits, len(_VOWELS))
        bits, c = divmod(bits, len(_MIDDLES))
        end = _CODAS[coda]
        word = (_ONSETS[a] + _VOWELS[b] + _MIDDLES[c] + _VOWELS[bits % len(_VOWELS)] + end
                + ("es" if end in ("x", "sh", "zz") else "s"))
        if word not in _REAL:
            return word


@lru_cache(maxsize=4096)  # levels 1-4 have under 2,100 shapes each (about 2 KB apiece)
def _worked(premises: tuple[Statement, ...], conclusion: Statement, n: int,
            existential_import: bool) -> tuple[bool, str]:
    """`explain` for this argument as a template: (valid, solution text with {0}... for the
    premises' texts, then the conclusion's, then the terms). The argument's shapes are few,
    so each is explained once and filled in per item."""
    texts = [f"\x01{i}\x02" for i in range(len(premises))]
    ctext = f"\x01{len(premises)}\x02"
    terms = [f"\x01{len(premises) + 1 + i}\x02" for i in range(n)]
    ok, lines = explain(list(premises), texts, conclusion, ctext, terms,
                        "SMP" if n == 3 else "WXYZ", existential_import)
    assert ok == valid(list(premises), conclusion, n, existential_import)
    template = "\n".join(lines).replace("{", "{{").replace("}", "}}")
    return ok, template.replace("\x01", "{").replace("\x02", "}")


@family("syllogism")
class Syllogism(Family):
    """Decide whether a categorical syllogism (All/No/Some/Some-not) is valid."""

    domain = "logic"
    skills = ("categorical logic", "syllogisms", "Venn diagrams")
    answer_kind = "bool"

    def make(self, rng: random.Random, level: int) -> Task:
        n, real, both_ways, varied = LEVELS[level]
        # the argument and its wording from one draw
        bits, u = divmod(rng.getrandbits(64), 4)
        want_valid, existential_import = u < 2, u % 2 == 1
        pool = _POOLS[n, both_ways, existential_import, level == 1][0 if want_valid else 1]
        bits, i = divmod(bits, len(pool))
        premises_t, conclusion = pool[i]
        if level >= 2:
            orders = _ORDERS[len(premises_t)]
            bits, i = divmod(bits, len(orders))
            premises_t = tuple(premises_t[j] for j in orders[i])
        texts = []
        for form, x, y in premises_t:
            cuts = _CUT[form]
            bits, i = divmod(bits, 6)
            head, mid, tail = cuts[i % len(cuts)] if varied else cuts[0]
            texts.append((head, x, mid, y, tail))
        cuts = _CUT[conclusion[0]]
        bits, i = divmod(bits, 6)
        head, mid, tail = cuts[i % len(cuts)] if varied else cuts[0]
        bits, note = divmod(bits, 2)
        bits, style = divmod(bits, 3)
        ask = _ASK[bits % len(_ASK)]
        # the terms: real categories or made-up words, all different
        terms: list[str] = []
        more = rng.getrandbits(64)
        used = 0
        while len(terms) < n:
            if used == 3:  # 3 terms use under 43 bits of a draw
                more, used = rng.getrandbits(64), 0
            used += 1
            more, u = divmod(more, 100)
            more, i = divmod(more, len(CATEGORIES))
            term = CATEGORIES[i] if u < real else _nonsense(rng)
            if term not in terms:
                terms.append(term)
        texts = [f"{h}{terms[x]}{m}{terms[y]}{t}" for h, x, m, y, t in texts]
        ctext = f"{head}{terms[conclusion[1]]}{mid}{terms[conclusion[2]]}{tail}"
        cut = _NOTES[existential_import][note]  # (the note) or (before, after) the terms
        note_text = f"{cut[0]}{', '.join(terms[:-1])} and {terms[-1]}{cut[1]}" if len(
            cut) == 2 else cut[0]
        if style == 0:
            body = "".join([f"Premise {i + 1}: {t}\n" for i, t in enumerate(texts)])
            body += f"Conclusion: {ctext}"
        elif style == 1:
            body = ("Suppose that " + "; ".join([t[0].lower() + t[1:-1] for t in texts])
                    + f". Can we conclude that {ctext[0].lower()}{ctext[1:-1]}?")
        else:
            body = ("Consider the argument:\n" + "\n".join(texts)
                    + f"\nTherefore, {ctext[0].lower()}{ctext[1:]}")
        question = f"{body}\n{note_text}\n{ask}"
        ok, template = _worked(premises_t, conclusion, n, existential_import)
        return Task(question, "yes" if ok else "no", template.format(*texts, ctext, *terms),
                    {"valid": ok, "existential_import": existential_import, "terms": terms,
                     "premises": [list(p) for p in premises_t], "conclusion": list(conclusion)})

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got = parse_bool(answer)
        return 1.0 if got is not None and got == (parse_bool(task.answer) or False) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        return ["no" if parse_bool(task.answer) else "yes", "maybe", ""]
