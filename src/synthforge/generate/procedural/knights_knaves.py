"""Knights and knaves: knights always tell the truth, knaves always lie; who is which?

Assignments of n people are the integers 0..2^n-1 (bit i set: person i is a knight) and a
statement is the bitmask of the assignments in which it is true, so "speaker i is consistent"
is `~(K_i ^ S_i)` and the whole puzzle is one AND: a puzzle is kept only when exactly one
assignment survives. The worked solution is a case analysis: local deductions (one statement
at a time, given what is known), and a case split when none applies.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from synthforge.generate.procedural._logic_words import NAMES
from synthforge.generate.procedural.base import Family, Task, family

NUMBERS = ("zero", "one", "two", "three", "four", "five")
# by level: people, statement kinds, chance that a statement mentions its speaker
LEVELS = {1: (2, ("is", "both", "either", "same", "diff"), 0.0),
          2: (3, ("is", "both", "either", "same", "diff"), 0.15),
          3: (3, ("is", "both", "either", "same", "diff", "if", "count"), 0.3),
          4: (4, ("is", "both", "either", "same", "diff", "if", "count"), 0.3),
          5: (5, ("is", "both", "either", "same", "diff", "if", "count"), 0.3)}

_FULL = {n: (1 << (1 << n)) - 1 for n in range(1, 6)}
_KNIGHT = {n: [sum(1 << a for a in range(1 << n) if a >> i & 1) for i in range(n)]
           for n in range(1, 6)}
_KNIGHTS = {n: [sum(1 << a for a in range(1 << n) if bin(a).count("1") == k)
                for k in range(n + 1)] for n in range(1, 6)}
_PAIR = re.compile(r"([A-Za-z][\w'-]*)\s*(?::|=|-|–|—|\bis\s+an?\b|\bis\b)?\s*\b(knight|knave)s?\b",
                   re.I)

Statement = tuple  # (kind, ...) as made by `_statement`


def _role(knight: bool) -> str:
    return "knight" if knight else "knave"


@lru_cache(maxsize=8192)
def _mask(st: Statement, n: int) -> int:
    """The assignments in which the statement is true."""
    full, k = _FULL[n], _KNIGHT[n]

    def lit(x: int, knight: bool) -> int:
        return k[x] if knight else full ^ k[x]

    kind = st[0]
    if kind == "is":
        return lit(st[1], st[2])
    if kind == "both":
        return lit(st[1], st[3]) & lit(st[2], st[4])
    if kind == "either":
        return lit(st[1], st[3]) | lit(st[2], st[4])
    if kind == "same":
        return full ^ (k[st[1]] ^ k[st[2]])
    if kind == "diff":
        return k[st[1]] ^ k[st[2]]
    if kind == "if":
        return (full ^ lit(st[1], st[3])) | lit(st[2], st[4])
    _, op, count, knights = st  # "count": op in exactly/at least/at most, of knights or knaves
    counts = [c if knights else n - c for c in range(n + 1)]
    keep = {"exactly": lambda c: c == count, "at least": lambda c: c >= count,
            "at most": lambda c: c <= count}[op]
    return sum(_KNIGHTS[n][c] for c in range(n + 1) if keep(counts[c]))


def _scope(st: Statement, n: int) -> set[int]:
    if st[0] == "count":
        return set(range(n))
    if st[0] == "is":
        return {st[1]}
    return {st[1], st[2]}


def _text(st: Statement, speaker: int, names: list[str]) -> str:
    def who(x: int) -> str:
        return "I" if x == speaker else names[x]

    def claim(x: int, knight: bool) -> str:
        return f"I am a {_role(knight)}" if x == speaker else f"{names[x]} is a {_role(knight)}"

    def pair(x: int, y: int) -> str:
        if x == speaker:
            x, y = y, x
        return f"{who(x)} and {who(y)}"

    kind = st[0]
    if kind == "is":
        out = claim(st[1], st[2])
    elif kind == "both":
        out = (f"{pair(st[1], st[2])} are both {_role(st[3])}s" if st[3] == st[4]
               else f"{claim(st[1], st[3])} and {claim(st[2], st[4])}")
    elif kind == "either":
        out = f"{claim(st[1], st[3])} or {claim(st[2], st[4])}"
    elif kind == "same":
        out = f"{pair(st[1], st[2])} are the same kind"
    elif kind == "diff":
        out = f"{pair(st[1], st[2])} are different kinds"
    elif kind == "if":
        out = f"if {claim(st[1], st[3])}, then {claim(st[2], st[4])}"
    else:
        _, op, count, knights = st
        role = _role(knights)
        verb = f"is a {role}" if count == 1 else f"are {role}s"
        out = f"{op} {NUMBERS[count]} of us {verb}"
    return out[0].upper() + out[1:] + "."


def _statement(rng: random.Random, speaker: int, n: int, kinds: tuple[str, ...],
               self_share: float) -> Statement:
    r = rng.getrandbits(64)  # one draw, split into the choices below
    r, i = divmod(r, len(kinds))
    kind = kinds[i]
    others = [p for p in range(n) if p != speaker]
    r, a = divmod(r, 2)
    r, b = divmod(r, 2)
    if kind == "count":
        r, op = divmod(r, 3)
        return ("count", ("exactly", "at least", "at most")[op], 1 + r % (n - 1), bool(a))
    r, i = divmod(r, len(others))
    if kind == "is":
        return ("is", others[i], bool(a))
    r, u = divmod(r, 1000)
    if len(others) >= 2 and u >= self_share * 1000:
        r, j = divmod(r, len(others) - 1)
        x, y = others[i], [p for p in others if p != others[i]][j]
    else:
        r, flip = divmod(r, 2)
        x, y = (speaker, others[i]) if flip else (others[i], speaker)
    if kind in ("same", "diff"):
        return (kind, x, y)
    return (kind, x, y, bool(a), bool(b))


class _Solver:
    """Case analysis with one-statement deductions; records the reasoning as lines."""

    def __init__(self, n: int, names: list[str], statements: list[Statement],
                 texts: list[str]):
        self.n, self.names, self.texts = n, names, texts
        full = _FULL[n]
        self.full = full
        self.says = [_mask(st, n) for st in statements]
        self.ok = [full ^ (_KNIGHT[n][i] ^ said) for i, said in enumerate(self.says)]
        self.scopes = [sorted(_scope(st, n) | {i}) for i, st in enumerate(statements)]
        self.lines: list[str] = []
        self.solutions: list[dict[int, bool]] = []

    def _agree(self, known: dict[int, bool]) -> int:
        mask = self.full
        for p, knight in known.items():
            mask &= _KNIGHT[self.n][p] if knight else self.full ^ _KNIGHT[self.n][p]
        return mask

    def _facts(self, known: dict[int, bool], people: set[int] | list[int] | dict[int, bool],
               verb: str = " is") -> str:
        items = [f"{self.names[p]}{verb} a {_role(known[p])}" for p in sorted(people)]
        if len(items) <= 2:
            return " and ".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]

    def _propagate(self, known: dict[int, bool], pad: str) -> bool:
        """Apply one-statement deductions until none applies; False on a contradiction."""
        full, knight = self.full, _KNIGHT[self.n]
        changed = True
        while changed:
            changed = False
            agree = self._agree(known)
            for i, ok in enumerate(self.ok):
                models = ok & agree
                if not models:
                    self._contradiction(i, known, pad)
                    return False
                forced = {}
                for p in self.scopes[i]:
                    if p not in known:
                        if not models & knight[p]:
                            forced[p] = False
                        elif not models & (full ^ knight[p]):
                            forced[p] = True
                if forced:
                    self._deduction(i, known, forced, pad, self.says[i] & agree)
                    known.update(forced)
                    changed = True
                    break
        return True

    def _contradiction(self, i: int, known: dict[int, bool], pad: str) -> None:
        s, quoted = self.names[i], f"\"{self.texts[i][:-1]}\""
        given = [p for p in self.scopes[i] if p in known and p != i]
        if i in known:
            line = (f"{s} is a {_role(known[i])}, so {quoted} would have to be "
                    f"{'true' if known[i] else 'false'}")
            line += (f"; but with {self._facts(known, given, '')} it cannot be" if given
                     else ", which is impossible")
        else:
            line = ((f"With {self._facts(known, given, '')}, " if given else "")
                    + f"{s}'s statement {quoted} fits neither case: as a knight {s} would be "
                    "saying something false, as a knave something true")
        self.lines.append(f"{pad}{line}: contradiction.")

    def _deduction(self, i: int, known: dict[int, bool], forced: dict[int, bool],
                   pad: str, true_in: int) -> None:
        s, quoted = self.names[i], f"\"{self.texts[i][:-1]}\""
        given = [p for p in self.scopes[i] if p in known and p != i]
        facts = self._facts(known, given, "")
        result = self._facts(forced, forced)
        agree = self._agree(known)
        if i in known:
            line = f"{s} is a {_role(known[i])}, so {quoted} is {'true' if known[i] else 'false'}"
            line += f"; with {facts}, that means {result}" if given else f": {result}"
        elif true_in in (0, agree) and given:  # the statement's truth is already settled
            value = bool(true_in)
            line = (f"With {facts}, {s}'s statement {quoted} is {'true' if value else 'false'}"
                    + (", whatever the others are" if len(given) < len(self.scopes[i]) - 1
                       else "") + f", so {s} is a {_role(value)}")
        else:
            line = (f"{s} says {quoted}" + (f" and {facts}" if given else "")
                    + f"; checking {s} as a knight (statement true) and as a knave "
                    f"(statement false) shows that {result}")
        self.lines.append(f"{pad}{line}.")

    def solve(self, known: dict[int, bool], label: str = "", depth: int = 0) -> None:
        pad = "  " * depth
        if not self._propagate(known, pad):
            self.lines.append(f"{pad}So case {label} is impossible." if label
                              else f"{pad}No assignment is consistent.")
            return
        if len(known) == self.n:
            checks = []
            for i in range(self.n):
                verb = "tells the truth" if known[i] else "lies"
                checks.append(f"{self.names[i]} ({_role(known[i])}) {verb}")
            self.lines.append(f"{pad}Everyone is decided, and every statement fits: "
                              + "; ".join(checks) + ".")
            self.solutions.append(dict(known))
            return
        unknown = [p for p in range(self.n) if p not in known]
        pick = max(unknown, key=lambda p: sum(p in s for s in self.scopes))  # most mentioned
        for j, knight in enumerate((True, False)):
            case = f"{label}.{j + 1}" if label else str(j + 1)
            self.lines.append(f"{pad}Case {case}: suppose {self.names[pick]} is a "
                              f"{_role(knight)}.")
            self.solve({**known, pick: knight}, case, depth + 1)


@family("knights_knaves")
class KnightsKnaves(Family):
    """Knights-and-knaves puzzles with a unique solution: who tells the truth, who lies?"""

    domain = "logic"
    skills = ("propositional logic", "case analysis", "consistency")
    answer_kind = "assignment"

    def make(self, rng: random.Random, level: int) -> Task:
        n, kinds, self_share = LEVELS[level]
        names: list[str] = []
        while len(names) < n:
            name = rng.choice(NAMES)
            if name not in names:
                names.append(name)
        full, knight = _FULL[n], _KNIGHT[n]
        statements = [_statement(rng, i, n, kinds, self_share) for i in range(n)]
        fits = [full ^ (knight[i] ^ _mask(st, n)) for i, st in enumerate(statements)]
        while True:  # redraw one person's statement until exactly one assignment fits
            alive = full
            for ok in fits:
                alive &= ok
            if alive and not alive & (alive - 1):
                break
            i = rng.randrange(n)
            statements[i] = _statement(rng, i, n, kinds, self_share)
            fits[i] = full ^ (knight[i] ^ _mask(statements[i], n))
        solution = alive.bit_length() - 1
        texts = [_text(st, i, names) for i, st in enumerate(statements)]
        solver = _Solver(n, names, statements, texts)
        solver.solve({})
        assert len(solver.solutions) == 1
        assert all(solver.solutions[0][i] == bool(solution >> i & 1) for i in range(n))
        answer = ", ".join(f"{names[i]}: {_role(bool(solution >> i & 1))}" for i in range(n))
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        intro = rng.choice((
            "On an island, knights always tell the truth and knaves always lie. You meet "
            f"{NUMBERS[n]} inhabitants: {listed}.",
            f"Every inhabitant of an island is either a knight, who always tells the truth, or "
            f"a knave, who always lies. {listed} make these statements.",
            f"{listed} each are either a knight (always truthful) or a knave (always lying).",
        ))
        verbs = ("says", "claims", "tells you")
        said = "\n".join(f"{names[i]} {rng.choice(verbs)}: \"{t}\"" for i, t in enumerate(texts))
        form = ", ".join(f"{p}: knight/knave" for p in names)
        ask = rng.choice(("Who is a knight and who is a knave?",
                          "Determine which of them are knights and which are knaves.",
                          "Identify each person as a knight or a knave."))
        if any(st[0] == "count" for st in statements):
            said += f"\n(\"Us\" means all {NUMBERS[n]} of them.)"
        question = f"{intro}\n{said}\n{ask} Answer in the form \"{form}\"."
        lines = ["Knights' statements are true and knaves' statements are false; try the "
                 "possibilities and reject those that contradict a statement.", *solver.lines,
                 "Only one case survives: " + answer + "."]
        return Task(question, answer, "\n".join(lines), {"people": names})

    @staticmethod
    def _roles(text: str) -> dict[str, str] | None:
        out: dict[str, str] = {}
        for name, role in _PAIR.findall(text):
            key, role = name.casefold(), role.casefold()
            if out.get(key, role) != role:
                return None
            out[key] = role
        return out

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        got, want = cls._roles(answer), cls._roles(task.answer)
        return 1.0 if got is not None and got == want else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        pairs = [p.split(": ") for p in task.answer.split(", ")]
        flip = {"knight": "knave", "knave": "knight"}
        out = []
        for i in range(min(2, len(pairs))):
            changed = [f"{a}: {flip[b] if j == i else b}" for j, (a, b) in enumerate(pairs)]
            out.append(", ".join(changed))
        out.append(", ".join(f"{a}: {flip[b]}" for a, b in pairs))
        out.append(", ".join(f"{a}: {b}" for a, b in pairs[:-1]))
        return out
