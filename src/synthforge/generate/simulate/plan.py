"""The scenario of a chat, drawn before anything is said, and the statistics it implies.

A plan fixes the issue, the persona, the outcome and the setbacks on the way (a vague
opening, a missing or mistyped order number, an extra security question, a hold). The
world is then built so that the agent's policy, applied to it, reaches that outcome. Every
factor is drawn from an explicit distribution (`Dist`), so the same tables that sample a
plan also give the exact expected statistics (`expected_statistics`) that tests compare
with what the simulation produces.

What determines the length of a chat (2 messages per exchange, system prompt not counted):
the opening; one exchange per setback (drawn by expertise: VAGUE, NO_ID, WRONG_ID; and by
the world: RECHECK, HOLD; at most `patience` of them); one to give the order number or
account details unless volunteered in the opening (VOLUNTEER, by expertise); one for an
input the outcome needs (a new address, a return reason); the reaction to the outcome; and
one more for a follow-up question (`follow_up_rate`). A customer who runs out of patience
(escalated on demand, or abandoned) meets exactly `patience + 1` setbacks, then leaves, or
demands a supervisor and reacts. `max_turns` drops follow-ups, then setbacks, to fit. With
the default config the mean is 7.97 messages (sd 2.65, 4 to 18).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, fields
from itertools import accumulate, product
from typing import Any, Generic, TypeVar

from synthforge.generate.simulate.config import (
    ISSUES,
    NO_POLICY_TRIGGER,
    TONES,
    SupportDialogueConfig,
)

T = TypeVar("T")

REFUSABLE = frozenset({"return_item", "cancel_order", "change_address"})
"""Issues whose facts can break policy (a return past the window, an order already shipped)."""
POLICY_TRIGGERS = frozenset(ISSUES) - frozenset(NO_POLICY_TRIGGER)
"""Issues the policy itself escalates in some worlds; the others escalate only on demand."""
ACCOUNT_ISSUES = frozenset({"account_locked", "update_payment"})
"""Issues verified by account email + last 4 digits of the card (the rest by order number)."""

TONE_ESCALATION = {"polite": 0.5, "neutral": 0.8, "frustrated": 1.4, "angry": 2.2}
"""Relative chance of escalation by tone; rescaled so the overall rate is the declared one."""
VAGUE = {"novice": 0.45, "average": 0.12, "expert": 0.02}
VOLUNTEER = {"novice": 0.08, "average": 0.3, "expert": 0.75}
NO_ID = {"novice": 0.3, "average": 0.12, "expert": 0.04}
WRONG_ID = {"novice": 0.3, "average": 0.15, "expert": 0.06}  # each attempt, at most 2 wrong
RECHECK = 0.08  # the account needs an extra security question
HOLD = 0.12  # the agent has to check with another team

SETBACKS = ("clarify", "no_id", "wrong_id", "recheck", "hold")
"""Setbacks in the order they happen in a chat."""
EXTEND = ("wrong_id", "wrong_id", "recheck", "hold", "no_id", "clarify")
"""Setbacks added (in this order unless shuffled) when a plan needs more of them."""


class Dist(Generic[T]):
    """A finite distribution: values with probabilities; `draw` takes one uniform number."""

    __slots__ = ("cum", "probs", "values")

    def __init__(self, weights: dict[T, float] | list[tuple[T, float]]):
        pairs = [(v, w) for v, w in (weights.items() if isinstance(weights, dict) else weights)
                 if w > 0]
        total = sum(w for _, w in pairs)
        self.values: list[T] = [v for v, _ in pairs]
        self.probs: list[float] = [w / total for _, w in pairs]
        self.cum: list[float] = list(accumulate(self.probs))

    def draw(self, rng: random.Random) -> T:
        i = bisect_right(self.cum, rng.random())
        return self.values[min(i, len(self.values) - 1)]

    def items(self) -> Iterator[tuple[T, float]]:
        return zip(self.values, self.probs, strict=True)


def coin(p: float) -> Dist[bool]:
    return Dist([(True, p), (False, 1 - p)])


def wrong_ids(q: float) -> Dist[int]:
    return Dist([(0, 1 - q), (1, q * (1 - q)), (2, q * q)])


@dataclass(slots=True)
class Plan:
    """What a chat will be about and how it will go, before a word is said."""

    issue: str
    tone: str
    patience: int
    expertise: str
    outcome: str  # resolved | escalated | abandoned | refused
    cause: str  # none | policy | demand | patience
    vague: bool = False
    volunteered: bool = False
    no_id: bool = False
    wrong_ids: int = 0
    recheck: bool = False
    hold: bool = False
    follow_up: bool = False

    @property
    def exits_early(self) -> bool:
        """Whether the customer runs out of patience (demands a supervisor or leaves)."""
        return self.cause in ("demand", "patience")

    @property
    def cannot_verify(self) -> bool:
        """A locked account whose owner cannot give the card digits: the policy escalates."""
        return self.issue == "account_locked" and self.outcome == "escalated" \
            and self.cause == "policy"

    @property
    def needs_input(self) -> bool:
        """Whether the agent asks for something before acting (an address, a reason)."""
        if self.issue == "change_address":
            return self.outcome == "resolved"
        if self.issue == "return_item":
            return self.outcome == "resolved" or (self.outcome, self.cause) == (
                "escalated", "policy")
        return False

    def setbacks(self) -> list[str]:
        """The setbacks of this plan, in the order they happen."""
        out = ["clarify"] if self.vague else []
        if self.no_id:
            out.append("no_id")
        out += ["wrong_id"] * self.wrong_ids
        if self.recheck:
            out.append("recheck")
        if self.hold:
            out.append("hold")
        return out

    def set_setbacks(self, kinds: list[str]) -> None:
        self.vague, self.no_id = "clarify" in kinds, "no_id" in kinds
        self.wrong_ids = kinds.count("wrong_id")
        self.recheck, self.hold = "recheck" in kinds, "hold" in kinds

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PLAN_FIELDS}


PLAN_FIELDS = tuple(f.name for f in fields(Plan))


class Tables:
    """Every distribution a plan is drawn from, built once per config."""

    def __init__(self, config: SupportDialogueConfig):
        self.config = config
        persona = config.persona
        self.issue: Dist[str] = Dist(config.issues)
        self.tone: Dist[str] = Dist(persona.tone)
        self.patience: Dist[int] = Dist(persona.patience)
        self.expertise: Dist[str] = Dist(persona.expertise)
        escalate = escalation_by_tone(config)
        self.outcome = {(i, t): Dist(outcomes(config, i, escalate[t]))
                        for i in ISSUES for t in TONES}
        self.vague = {x: coin(p) for x, p in VAGUE.items()}
        self.volunteer = {x: coin(p) for x, p in VOLUNTEER.items()}
        self.no_id = {x: coin(p) for x, p in NO_ID.items()}
        self.wrong = {x: wrong_ids(q) for x, q in WRONG_ID.items()}
        self.recheck, self.hold = coin(RECHECK), coin(HOLD)
        self.follow_up = coin(config.follow_up_rate)
        self.max_exchanges = config.max_turns // 2

    def sample(self, rng: random.Random) -> Plan:
        """Draw a settled plan: the persona and outcome first, then the setback flags."""
        issue, tone = self.issue.draw(rng), self.tone.draw(rng)
        patience, x = self.patience.draw(rng), self.expertise.draw(rng)
        outcome, cause = self.outcome[issue, tone].draw(rng)
        plan = Plan(issue, tone, patience, x, outcome, cause, self.vague[x].draw(rng),
                    self.volunteer[x].draw(rng), self.no_id[x].draw(rng),
                    self.wrong[x].draw(rng), self.recheck.draw(rng), self.hold.draw(rng),
                    self.follow_up.draw(rng))
        return settle(plan, self.max_exchanges, rng)

    def enumerate(self) -> Iterator[tuple[Plan, float]]:
        """Every settled plan with its probability.

        Tone and expertise are folded in (tone only moves the outcome, expertise only the
        setback flags), so each yielded plan stands for all of them.
        """
        flags = self._flag_probabilities()
        for issue, pi in self.issue.items():
            by_outcome: dict[tuple[str, str], float] = {}
            for tone, pt in self.tone.items():
                for oc, po in self.outcome[issue, tone].items():
                    by_outcome[oc] = by_outcome.get(oc, 0.0) + pt * po
            for (outcome, cause), po in by_outcome.items():
                for patience, pp in self.patience.items():
                    for (vague, vol, no_id, wrong, rc, hold, fu), pf in flags.items():
                        plan = Plan(issue, "neutral", patience, "average", outcome, cause,
                                    vague, vol, no_id, wrong, rc, hold, fu)
                        yield settle(plan, self.max_exchanges), pi * po * pp * pf

    def _flag_probabilities(self) -> dict[tuple[Any, ...], float]:
        """P(vague, volunteered, no_id, wrong_ids, recheck, hold, follow_up), over expertise."""
        out: dict[tuple[Any, ...], float] = {}
        for x, px in self.expertise.items():
            for combo in product(self.vague[x].items(), self.volunteer[x].items(),
                                 self.no_id[x].items(), self.wrong[x].items(),
                                 self.recheck.items(), self.hold.items(),
                                 self.follow_up.items()):
                key = tuple(v for v, _ in combo)
                p = px
                for _, q in combo:
                    p *= q
                out[key] = out.get(key, 0.0) + p
        return out


def escalation_by_tone(config: SupportDialogueConfig) -> dict[str, float]:
    """P(escalated | tone): proportional to TONE_ESCALATION, averaging to the declared rate.

    Where the proportional rates would leave no room for the other outcomes, they are
    pulled towards the declared rate just enough (the average stays the same).
    """
    rate, tones = config.escalation_rate, config.persona.tone
    mean = sum(w * TONE_ESCALATION[t] for t, w in tones.items())
    raw = {t: rate * TONE_ESCALATION[t] / mean for t in TONES}
    cap = 1 - config.abandon_rate - config.refusal_rate
    top = max(raw[t] for t in tones)
    pull = 1.0 if top <= cap or top == rate else max(0.0, (cap - rate) / (top - rate))
    return {t: rate + pull * (raw[t] - rate) for t in TONES}


def outcomes(config: SupportDialogueConfig, issue: str,
             escalate: float) -> list[tuple[tuple[str, str], float]]:
    """(outcome, cause) -> probability for an issue, given this tone's escalation chance."""
    demand = config.demand_share if issue in POLICY_TRIGGERS else 1.0
    refuse = config.refusal_rate if issue in REFUSABLE else 0.0
    abandon = config.abandon_rate
    return [(("escalated", "policy"), escalate * (1 - demand)),
            (("escalated", "demand"), escalate * demand),
            (("abandoned", "patience"), abandon),
            (("refused", "policy"), refuse),
            (("resolved", "none"), max(0.0, 1 - escalate - abandon - refuse))]


def settle(plan: Plan, max_exchanges: int, rng: random.Random | None = None) -> Plan:
    """Make a drawn plan coherent: drop what cannot happen, match setbacks to patience,
    and drop optional exchanges until the chat fits `max_exchanges`."""
    if plan.issue in ACCOUNT_ISSUES or plan.volunteered:
        plan.no_id = False
    if plan.cannot_verify:
        plan.volunteered, plan.no_id, plan.wrong_ids = False, False, 0
        plan.recheck = plan.hold = False
    if plan.outcome == "abandoned":
        plan.follow_up = False
    kinds = plan.setbacks()
    if plan.exits_early:
        kinds = _extend(plan, kinds, plan.patience + 1, rng)
    plan.set_setbacks(kinds[:plan.patience + 1] if plan.exits_early else kinds[:plan.patience])
    while len(outline(plan)) > max_exchanges:
        if plan.follow_up:
            plan.follow_up = False
        elif not plan.exits_early and plan.setbacks():
            plan.set_setbacks(plan.setbacks()[:-1])
        else:
            raise ValueError(f"a chat cannot fit in {max_exchanges} exchanges: {plan}")
    return plan


def _extend(plan: Plan, kinds: list[str], need: int, rng: random.Random | None) -> list[str]:
    """Add setbacks until there are `need` (in EXTEND order, or shuffled by `rng`)."""
    extra = list(EXTEND)
    if rng is not None:
        rng.shuffle(extra)
    for kind in extra:
        if len(kinds) >= need:
            break
        if kind == "no_id" and (plan.issue in ACCOUNT_ISSUES or plan.volunteered):
            continue
        have = kinds.count(kind)
        if have < (2 if kind == "wrong_id" else 1):
            kinds.append(kind)
    order = {k: i for i, k in enumerate(SETBACKS)}
    return sorted(kinds, key=order.__getitem__)


def outline(plan: Plan) -> list[str]:
    """The customer's acts, one per exchange, as the chat will unfold.

    Each step pairs the customer's act with whether the agent's reply is a setback; a
    customer out of patience replaces their next act with a demand or with leaving.
    """
    steps: list[tuple[str, bool]] = []
    pending = "open"
    if plan.vague:
        steps.append(("open", True))
        pending = "clarify"
    if plan.cannot_verify:
        steps += [(pending, False), ("cannot_verify", False)]
    else:
        if not plan.volunteered:
            steps.append((pending, False))
            if plan.no_id:
                steps.append(("no_id", True))
            pending = "give_id"
        for _ in range(plan.wrong_ids):
            steps.append((pending, True))
            pending = "give_id"
        if plan.recheck:
            steps.append((pending, True))
            pending = "confirm_name"
        if plan.hold:
            steps.append((pending, True))
            pending = "ack_hold"
        if plan.needs_input:
            steps.append((pending, False))
            pending = "give_input"
        steps.append((pending, False))
    if plan.exits_early:
        steps = _cut(steps, plan.patience + 1)
        steps.append(("demand_human" if plan.cause == "demand" else "leave", False))
        if plan.cause == "patience":
            return [act for act, _ in steps]
    if plan.follow_up:
        steps.append(("ask_follow_up", False))
    steps.append(("react", False))
    return [act for act, _ in steps]


def _cut(steps: list[tuple[str, bool]], setbacks: int) -> list[tuple[str, bool]]:
    """The steps up to the one whose reply is the `setbacks`-th setback."""
    seen = 0
    for i, (_, setback) in enumerate(steps):
        seen += setback
        if seen == setbacks:
            return steps[:i + 1]
    raise ValueError(f"the plan has fewer than {setbacks} setbacks")


@dataclass(frozen=True)
class Statistics:
    """What a config implies: shares of issues and outcomes, and the length distribution."""

    issues: dict[str, float]
    outcomes: dict[str, float]
    turns: dict[int, float]  # messages (system prompt not counted) -> probability

    @property
    def mean_turns(self) -> float:
        return sum(n * p for n, p in self.turns.items())

    @property
    def sd_turns(self) -> float:
        mean = self.mean_turns
        return sum(p * (n - mean) ** 2 for n, p in self.turns.items()) ** 0.5


def expected_statistics(config: SupportDialogueConfig) -> Statistics:
    """The exact expected statistics of chats made with `config`."""
    tables = Tables(config)
    outcome: dict[str, float] = {}
    turns: dict[int, float] = {}
    for plan, p in tables.enumerate():
        outcome[plan.outcome] = outcome.get(plan.outcome, 0.0) + p
        n = 2 * len(outline(plan))
        turns[n] = turns.get(n, 0.0) + p
    return Statistics(dict(zip(tables.issue.values, tables.issue.probs, strict=True)),
                      outcome, dict(sorted(turns.items())))

