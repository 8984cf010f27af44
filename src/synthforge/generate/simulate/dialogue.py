"""The `support_dialogue` generator: multi-turn customer-support chats between simulated
agents, each in its own simulated world.

    mix:
      - generator: support_dialogue
        params:
          issues: {track_order: 3, return_item: 2, account_locked: 1}
          escalation_rate: 0.1
          policy: {return_window_days: 30, refund_approval_limit: 500}

Item `k` seeds one RNG from (seed, source, k) and draws, in order: a plan (issue, persona,
outcome, setbacks; see `plan.py`), the chat's day, a world built for the plan, and then the
chat itself, turn by turn. Its data is `messages` (an optional system prompt, then the
customer as `user` and the agent as `assistant`, alternating, the agent last) and
`outcome` (resolved, escalated, abandoned or refused); its meta holds the issue, persona,
plan, the world's facts, the agent's policy decisions and the event log, one event per
dialogue act: {turn, actor, act, slots}, where `turn` counts messages from 0 without the
system prompt and the agent's slots name the world facts it stated (`shipment.eta`).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from synthforge import registry
from synthforge.generate.simulate.agents import Agent, Customer
from synthforge.generate.simulate.catalog import AGENT_NAMES
from synthforge.generate.simulate.config import SupportDialogueConfig
from synthforge.generate.simulate.plan import Tables
from synthforge.generate.simulate.speech import Turn, describe
from synthforge.generate.simulate.world import build_world
from synthforge.stage import Context, Generator

YEAR = 365


class SupportDialogue(Generator):
    """Customer-support chats simulated by a persona-driven customer and a policy agent."""

    Config = SupportDialogueConfig

    def __init__(self, config: SupportDialogueConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: SupportDialogueConfig = config
        self.tables = Tables(config)
        self.system = config.system_text()
        self._rng = random.Random()

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.config, self.ctx, self.name)

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self._rng
        rng.seed(self.seed_for(k))
        return simulate(rng, self.config, self.tables, self.system)


def simulate(rng: random.Random, config: SupportDialogueConfig, tables: Tables,
             system: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """One chat drawn from `rng`: (data, meta)."""
    plan = tables.sample(rng)
    today = config.today - dt.timedelta(days=rng.randrange(YEAR))
    world = build_world(rng, plan, config.policy, today)
    facts = world.facts()
    known = describe(facts)
    customer = Customer(plan, world, known, rng, config.typo_rate)
    agent = Agent(world, known, rng, config.company, rng.choice(AGENT_NAMES))
    turns: list[Turn] = []
    turn = customer.open()
    while True:
        turns.append(turn)
        reply = agent.respond(turn)
        turns.append(reply)
        if agent.done:
            break
        if len(turns) >= config.max_turns:
            raise RuntimeError(f"chat ran past max_turns={config.max_turns}: {plan}")
        turn = customer.respond(reply)
    messages = [{"role": "system", "content": system}] if system else []
    messages += [{"role": "user" if i % 2 == 0 else "assistant", "content": t.text}
                 for i, t in enumerate(turns)]
    events = [{"turn": i, "actor": "customer" if i % 2 == 0 else "agent", "act": act,
               "slots": slots} for i, t in enumerate(turns) for act, slots in t.acts]
    used = sorted({k for e in events if e["actor"] == "agent" for k in e["slots"]
                   if "." in k})
    meta = {"issue": plan.issue, "outcome": agent.outcome,
            "persona": {"tone": plan.tone, "patience": plan.patience,
                        "expertise": plan.expertise},
            "plan": plan.to_dict(), "turns": len(turns), "world": facts, "facts_used": used,
            "decisions": agent.decisions, "events": events}
    return {"messages": messages, "outcome": agent.outcome}, meta


registry.register("generator", "support_dialogue")(SupportDialogue)
