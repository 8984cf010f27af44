"""Dialogue acts and their words: a turn is a list of acts, each with the slots it states.

A speaker fills phrase-bank templates with what it knows. World facts enter templates as
slots (`{eta}`, `{order_id}`); `FACTS` maps each slot to the fact's path in `World.facts()`
and how it is written, so every act records exactly which facts its words state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from synthforge.generate.simulate import phrases as ph
from synthforge.generate.simulate.text import day, fields, join, money, pick

FACTS: dict[str, tuple[str, str]] = {
    "order_id": ("order.id", "text"), "placed_on": ("order.placed_on", "day"),
    "ship_by": ("order.ship_by", "day"), "delivered_on": ("order.delivered_on", "day"),
    "days_since_delivery": ("order.days_since_delivery", "int"),
    "total": ("order.total", "money"), "item": ("item.name", "text"),
    "item_a": ("item.a_name", "text"), "item_amount": ("item.amount", "money"),
    "damage": ("item.damage", "text"), "wrong_item": ("wrong_item.name", "text"),
    "wrong_item_a": ("wrong_item.a_name", "text"), "carrier": ("shipment.carrier", "text"),
    "tracking": ("shipment.tracking", "text"), "shipped_on": ("shipment.shipped_on", "day"),
    "last_scan_on": ("shipment.last_scan_on", "day"),
    "last_scan_city": ("shipment.last_scan_city", "text"), "eta": ("shipment.eta", "day"),
    "days_since_scan": ("shipment.days_since_scan", "int"),
    "signature_answer": ("shipment.signature_required", "signature"),
    "received_on": ("return.received_on", "day"),
    "days_since_received": ("return.days_since_received", "int"),
    "refund_amount": ("return.refund_amount", "money"),
    "refund_issued_on": ("return.refund_issued_on", "day"),
    "refund_due_by": ("return.refund_due_by", "day"),
    "charge_amount": ("charge.amount", "money"), "charge_date": ("charge.date", "day"),
    "replacement_eta": ("replacement.eta", "day"), "new_address": ("address.new", "text"),
    "email": ("account.email", "text"), "last4": ("account.last4", "text"),
    "name": ("account.name", "text"), "first": ("account.first", "text"),
    "card_expiry": ("account.card_expiry", "text"),
    "window": ("policy.return_window_days", "int"),
    "limit": ("policy.refund_approval_limit", "money"),
    "sla": ("policy.refund_sla_days", "int"), "hours": ("policy.response_hours", "int"),
}
"""Template slot -> (world fact path, how it is written)."""
POLICY_SLOTS = ("window", "limit", "sla", "hours")
"""Facts the agent knows before verifying anyone: the policy."""

_PATHS = tuple((slot, *path.split("."), kind) for slot, (path, kind) in FACTS.items())


def lookup(facts: dict[str, Any], path: str) -> Any:
    """A fact by dotted path (None if absent)."""
    value: Any = facts
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def describe(facts: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """(slot -> text, slot -> raw fact) for every fact of the world that is known."""
    text: dict[str, str] = {}
    raw: dict[str, Any] = {}
    for slot, section, name, kind in _PATHS:
        part = facts.get(section)
        value = None if part is None else part.get(name)
        if value is None:
            continue
        raw[slot] = value
        if kind == "day":
            text[slot] = day(value)
        elif kind == "money":
            text[slot] = money(value)
        elif kind == "signature":
            text[slot] = ph.SIGNATURE[value].format(carrier=facts["shipment"]["carrier"])
        else:
            text[slot] = str(value)
    return text, raw


@dataclass(slots=True)
class Turn:
    """One message: its acts (each with the slots it states) and its text."""

    acts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join(*self.parts)

    def act(self, name: str) -> dict[str, Any] | None:
        for act, slots in self.acts:
            if act == name:
                return slots
        return None

    def names(self) -> set[str]:
        return {a for a, _ in self.acts}


class Speaker:
    """Renders acts from phrase banks with the slots the speaker knows."""

    def __init__(self, rng: random.Random, text: dict[str, str], raw: dict[str, Any]):
        self.rng = rng
        self.text = text  # slot -> how it is written
        self.raw = raw  # slot -> the fact it stands for
        self.used: set[str] = set()  # templates said already: not said twice

    def say(self, turn: Turn, act: str, bank: tuple[str, ...] | None = None,
            **slots: Any) -> None:
        """Add `act` to `turn`, in words from `bank` (no words if None or an empty pick)."""
        stated: dict[str, Any] = dict(slots)
        if bank is not None:
            known = self.text if not slots else {**self.text, **{k: str(v) for k, v in
                                                                 slots.items()}}
            template = pick(self.rng, bank, known, self.used)
            self.used.add(template)
            turn.parts.append(template.format_map(known))
            for name in fields(template):
                if name in slots or name in ("company", "agent"):
                    continue
                if name in FACTS:
                    stated[FACTS[name][0]] = self.raw[name]
                    if name == "signature_answer":
                        stated["shipment.carrier"] = self.raw["carrier"]
                else:
                    stated[name] = known[name]
        turn.acts.append((act, stated))
