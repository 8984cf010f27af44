"""The parameters of the `support_dialogue` generator, with the distributions it matches."""

from __future__ import annotations

import datetime as dt
import string
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from synthforge.stage import GeneratorConfig, StrictModel

Issue = Literal["track_order", "return_item", "refund_status", "change_address",
                "cancel_order", "damaged_item", "wrong_item", "account_locked",
                "update_payment", "billing_error"]
Tone = Literal["polite", "neutral", "frustrated", "angry"]
Expertise = Literal["novice", "average", "expert"]
Patience = Annotated[int, Field(ge=1, le=4)]
Share = Annotated[float, Field(ge=0, le=1)]

ISSUES: tuple[str, ...] = get_args(Issue)
NO_POLICY_TRIGGER = ("change_address", "update_payment")
"""Issues the policy never escalates: they escalate only when the customer asks."""
TONES: tuple[str, ...] = get_args(Tone)
EXPERTISE: tuple[str, ...] = get_args(Expertise)

DEFAULT_ISSUES: dict[str, float] = {
    "track_order": 0.18, "return_item": 0.14, "refund_status": 0.10, "change_address": 0.07,
    "cancel_order": 0.09, "damaged_item": 0.09, "wrong_item": 0.07, "account_locked": 0.09,
    "update_payment": 0.07, "billing_error": 0.10,
}

DEFAULT_SYSTEM = (
    "You are a customer support agent for {company}. Be friendly, concise and accurate. "
    "Verify the customer (order number, or account email and last 4 digits of the card) "
    "before sharing order details. Only state facts from the order system. Returns are "
    "accepted within {return_window_days} days of delivery. Refunds or cancellations above "
    "${refund_approval_limit:,.0f} need approval from a supervisor: escalate them. Damaged or "
    "wrong items get a free replacement when in stock. Escalate when the customer asks for a "
    "supervisor."
)
SYSTEM_FIELDS = ("company", "return_window_days", "refund_approval_limit",
                 "refund_sla_days", "lost_after_days")


def _weights(value: dict[str, float], what: str) -> dict[str, float]:
    """Weights must be non-negative with a positive sum; they are normalised to shares."""
    if any(w < 0 for w in value.values()):
        raise PydanticCustomError("weights", "{what} weights must be >= 0", {"what": what})
    total = sum(value.values())
    if total <= 0:
        raise PydanticCustomError("weights", "{what} weights must have a sum above 0",
                                  {"what": what})
    return {k: w / total for k, w in value.items() if w > 0}


class PolicyConfig(StrictModel):
    """The business rules the agent follows (and the world is built around)."""

    return_window_days: int = Field(30, ge=1, le=365, description="Returns are accepted up to "
                                    "this many days after delivery (that day included).")
    refund_approval_limit: float = Field(500.0, gt=0, description="Refunds (returns, "
                                         "cancellations, duplicate charges) above this many "
                                         "dollars are escalated to a supervisor.")
    refund_sla_days: int = Field(10, ge=1, le=90, description="A refund not issued this many "
                                 "days after the return arrived is overdue: escalated.")
    lost_after_days: int = Field(7, ge=2, le=60, description="A parcel with no tracking scan "
                                 "for more than this many days is lost: escalated.")
    response_hours: int = Field(24, ge=1, le=168, description="When the escalation team "
                                "replies, as the agent tells the customer.")


class PersonaConfig(StrictModel):
    """Customer personas: each trait is drawn independently with these weights."""

    tone: dict[Tone, float] = Field(
        default_factory=lambda: {"polite": 0.35, "neutral": 0.35, "frustrated": 0.2,
                                 "angry": 0.1}, description="How the customer writes.")
    patience: dict[Patience, float] = Field(
        default_factory=lambda: {1: 0.15, 2: 0.35, 3: 0.3, 4: 0.2},
        description="Setbacks (clarifying questions, failed lookups, holds) the customer "
        "takes; one more and they demand a supervisor or leave.")
    expertise: dict[Expertise, float] = Field(
        default_factory=lambda: {"novice": 0.3, "average": 0.5, "expert": 0.2},
        description="Novices are vague and rarely volunteer details; experts are precise.")

    @field_validator("tone", "patience", "expertise")
    @classmethod
    def _normalised(cls, value: dict, info) -> dict:
        return _weights(value, f"persona.{info.field_name}")


class SupportDialogueConfig(GeneratorConfig):
    """Simulated customer-support chats: personas, a world per chat, a policy-bound agent."""

    company: str = Field("Northwind", min_length=1, description="The shop's name.")
    issues: dict[Issue, float] = Field(default_factory=lambda: dict(DEFAULT_ISSUES),
                                       description="Issue type -> weight (normalised).")
    persona: PersonaConfig = Field(default_factory=PersonaConfig)
    escalation_rate: Share = Field(0.12, description="Share of chats that end escalated "
                                   "(exact in expectation; angrier customers more often).")
    demand_share: Share = Field(0.35, description="Of escalations, the share where the "
                                "customer runs out of patience and asks for a supervisor; the "
                                "rest are policy triggers (issues without one always escalate "
                                "on demand).")
    abandon_rate: Share = Field(0.04, description="Share of chats the customer leaves when "
                                "out of patience.")
    refusal_rate: Share = Field(0.3, description="Share of returns, cancellations and "
                                "address changes whose facts break policy (past the window, "
                                "already shipped): politely refused.")
    follow_up_rate: Share = Field(0.3, description="Chance the customer asks a follow-up "
                                  "question after the outcome (not when they leave).")
    typo_rate: Share = Field(0.3, description="Chance that a message of a novice or angry "
                             "customer has a typo.")
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    max_turns: int = Field(20, ge=8, le=60, description="Most messages in a chat (system "
                           "prompt not counted); setbacks and follow-ups are dropped to fit.")
    system_prompt: str | None = Field(DEFAULT_SYSTEM, description="The agent's system "
                                      "prompt; {company} and policy.* names are filled in; "
                                      "null for none.")
    today: dt.date = Field(dt.date(2026, 1, 1), description="The last day chats happen on; "
                           "each chat's day is drawn from the year before it.")

    @field_validator("issues")
    @classmethod
    def _issue_weights(cls, value: dict[str, float]) -> dict[str, float]:
        return _weights(value, "issue")

    @field_validator("system_prompt")
    @classmethod
    def _fields_known(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
        except ValueError as exc:
            raise PydanticCustomError("system_prompt", "system_prompt is not a valid "
                                      "template: {error} (write {{ and }} for braces)",
                                      {"error": str(exc)}) from None
        unknown = sorted({n for n in names if n not in SYSTEM_FIELDS})
        if unknown:
            raise PydanticCustomError(
                "system_prompt", "system_prompt uses {unknown}; it may use {known}",
                {"unknown": ", ".join("{" + n + "}" for n in unknown),
                 "known": ", ".join("{" + n + "}" for n in SYSTEM_FIELDS)})
        return value

    @model_validator(mode="after")
    def _feasible(self) -> SupportDialogueConfig:
        total = self.escalation_rate + self.abandon_rate + self.refusal_rate
        if total > 1 + 1e-9:
            raise PydanticCustomError(
                "rates", "escalation_rate + abandon_rate + refusal_rate is {total}; it must "
                "be at most 1 (a request can have only one outcome)", {"total": f"{total:.3f}"})
        need = self.turns_needed()
        if self.max_turns < need:
            raise PydanticCustomError(
                "max_turns", "max_turns {max_turns} is too short: a customer with patience "
                "{patience} who runs out of it needs {need} messages; raise max_turns to "
                "{need} or lower the largest persona.patience",
                {"max_turns": self.max_turns, "patience": max(self.persona.patience),
                 "need": need})
        return self

    def turns_needed(self) -> int:
        """Messages the longest chat needs once optional parts are dropped.

        A customer who runs out of patience sees `patience + 1` setbacks, at most one
        plain request for details before the last one, then leaves (2 more messages) or
        demands a supervisor and answers the escalation (4 more).
        """
        most = max(self.persona.patience)
        untriggered = any(i in self.issues for i in NO_POLICY_TRIGGER)
        if self.escalation_rate > 0 and (self.demand_share > 0 or untriggered):
            return max(8, 2 * (most + 4))
        if self.abandon_rate > 0:
            return max(8, 2 * (most + 3))
        return 8

    def system_text(self) -> str | None:
        """The system prompt with its fields filled in."""
        if self.system_prompt is None:
            return None
        p = self.policy
        return self.system_prompt.format(
            company=self.company, return_window_days=p.return_window_days,
            refund_approval_limit=p.refund_approval_limit, refund_sla_days=p.refund_sla_days,
            lost_after_days=p.lost_after_days)
