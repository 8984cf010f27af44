"""The two simulated speakers: a customer with a persona and a goal, and a support agent.

Both speak in turns of dialogue acts (`Turn`): the customer reacts to the acts of the
agent's last turn (answering what was asked, losing patience after too many setbacks), and
the agent follows its policy: greet, identify the issue, verify, then resolve, refuse or
escalate by `policy.decide`, and close. The agent learns facts only by looking them up in
the world once the customer is verified; every fact it states is logged with its path.
"""

from __future__ import annotations

import random
from typing import Any

from synthforge.generate.simulate import phrases as ph
from synthforge.generate.simulate.catalog import FIRST_NAMES, RETURN_REASONS
from synthforge.generate.simulate.plan import ACCOUNT_ISSUES, Plan
from synthforge.generate.simulate.policy import Decision, decide, on_request, unverified
from synthforge.generate.simulate.speech import POLICY_SLOTS, Speaker, Turn
from synthforge.generate.simulate.text import TYPO_WORD, ago, lower_start, pick, typo
from synthforge.generate.simulate.world import World, mistyped

SETBACKS = frozenset({"ask_clarify", "ask_alt", "not_found", "mismatch", "ask_name", "hold"})
"""Agent acts that make the customer wait or repeat themselves."""
NAMES = frozenset(FIRST_NAMES)
MAX_ATTEMPTS = 3  # failed verifications before the agent escalates
OUTCOMES = {"resolve": "resolved", "refuse": "refused", "escalate": "escalated"}


# ---- the customer ---------------------------------------------------------------------------

class Customer(Speaker):
    """A customer with a persona and a goal; mistakes and patience come from the plan."""

    def __init__(self, plan: Plan, world: World, known: tuple[dict[str, str], dict[str, Any]],
                 rng: random.Random, typo_rate: float):
        super().__init__(rng, dict(known[0]), known[1])
        self.plan, self.world, self.tone = plan, world, plan.tone
        self.route = "account" if plan.issue in ACCOUNT_ISSUES else "order"
        self.mistakes = plan.wrong_ids
        self.wrong = ["email", "last4"] if rng.random() < 0.6 else ["last4", "email"]
        self.setbacks = 0
        self.gave_up = False
        self.asked = False  # a follow-up question
        self.typo_rate = typo_rate if plan.expertise == "novice" or plan.tone == "angry" else 0
        if plan.cause in ("demand", "patience"):
            self.exit = "demand_human" if plan.cause == "demand" else "leave"
        else:  # never reached when the plan holds
            self.exit = "demand_human" if plan.tone in ("frustrated", "angry") else "leave"
        self._ages(world)

    def _ages(self, world: World) -> None:
        order = world.order
        if order is not None:
            self.text["placed_ago"] = ago((world.today - order.placed_on).days)
            if order.delivered_on is not None:
                self.text["delivered_ago"] = ago((world.today - order.delivered_on).days)
        if "damage" in self.text:
            self.text["Damage"] = self.text["damage"][0].upper() + self.text["damage"][1:]

    # -- what the customer says ----------------------------------------------------------------
    def open(self) -> Turn:
        plan, turn = self.plan, Turn()
        register = "vague" if plan.vague else "expert" if plan.expertise == "expert" \
            else "plain"
        statement = pick(self.rng, ph.OPENING[plan.issue][register], self.text)
        statement = statement.format_map(self.text)
        if plan.tone == "angry" and not plan.vague and self.rng.random() < 0.12:
            statement = statement.upper()
        greeting = self.rng.choice(ph.GREETING[plan.tone])
        if greeting.endswith(","):
            statement = lower_start(statement)
        if statement[-1] not in ".?!)":
            statement += "."
        turn.parts += [greeting, statement]
        slots: dict[str, Any] = {"issue": None if plan.vague else plan.issue,
                                 "vague": plan.vague, "tone": plan.tone}
        if plan.volunteered and not plan.vague:
            slots |= self._volunteer(turn)
        turn.parts.append(self.rng.choice(ph.CLOSER[plan.tone]))
        turn.acts.append(("open", slots))
        return self._finish(turn)

    def respond(self, agent: Turn) -> Turn:
        """The customer's answer to the agent's last turn."""
        acts = agent.names()
        if acts & SETBACKS:
            self.setbacks += 1
        if self.setbacks > self.plan.patience and not self.gave_up:
            self.gave_up = True
            return self._finish(self._leave_or_demand())
        turn = Turn()
        if "ask_clarify" in acts:
            self._clarify(turn)
        elif "ask_order_id" in acts:
            self._order_id(turn, retry=False)
        elif "not_found" in acts:
            self._order_id(turn, retry=True)
        elif acts & {"ask_credentials", "ask_alt", "mismatch"}:
            self._credentials(turn, retry="mismatch" in acts)
        elif "ask_name" in acts:
            self.say(turn, "confirm_name", ph.CONFIRM_NAME[self.tone], name=self.world.account.name)
        elif "hold" in acts:
            self.say(turn, "ack_hold", ph.ACK_HOLD[self.tone])
        elif "ask_input" in acts:
            self._input(turn, agent.act("ask_input") or {})
        elif acts & set(OUTCOMES):
            self._after_outcome(turn, agent)
        elif "answer" in acts:
            self.say(turn, "react", ph.THANKS_AFTER_ANSWER[self.tone])
        else:
            raise RuntimeError(f"the customer has no answer to {sorted(acts)}")
        return self._finish(turn)

    def _leave_or_demand(self) -> Turn:
        turn = Turn()
        bank = ph.DEMAND_HUMAN if self.exit == "demand_human" else ph.LEAVE
        self.say(turn, self.exit, bank[self.tone], setbacks=self.setbacks)
        return turn

    def _clarify(self, turn: Turn) -> None:
        plan = self.plan
        register = "expert" if plan.expertise == "expert" else "plain"
        statement = pick(self.rng, ph.OPENING[plan.issue][register], self.text)
        turn.parts += [self.rng.choice(ph.CLARIFY_LEAD[self.tone]),
                       statement.format_map(self.text)]
        slots: dict[str, Any] = {"issue": plan.issue}
        if plan.volunteered:
            slots |= self._volunteer(turn)
        turn.acts.append(("clarify", slots))

    def _volunteer(self, turn: Turn) -> dict[str, Any]:
        """Put the first order number or account details in the message; their slots."""
        if self.route == "order":
            given = {"given_id": self._next_id()}
            bank = ph.VOLUNTEER_ORDER
        else:
            given = dict(zip(("given_email", "given_last4"), self._next_credentials(),
                             strict=True))
            bank = ph.VOLUNTEER_ACCOUNT
        turn.parts.append(pick(self.rng, bank, given).format_map(given))
        return given

    def _next_id(self) -> str:
        order = self.world.order
        assert order is not None
        if self.mistakes:
            self.mistakes -= 1
            return mistyped(self.rng, order.id, {o.id for o in self.world.orders})
        return order.id

    def _next_credentials(self) -> tuple[str, str]:
        account = self.world.account
        if not self.mistakes:
            return account.email, account.last4
        self.mistakes -= 1
        if self.wrong.pop(0) == "email":
            return account.old_email, account.last4
        wrong = f"{(int(account.last4) + self.rng.randint(1, 9998)) % 10_000:04d}"
        return account.email, wrong

    def _order_id(self, turn: Turn, retry: bool) -> None:
        if self.plan.no_id and self.route == "order":
            self.route = "alt"  # the agent will ask for email and card digits instead
            self.say(turn, "no_id", ph.NO_ORDER_ID[self.tone])
            return
        bank = ph.RETRY_ORDER_ID if retry else ph.GIVE_ORDER_ID
        self.say(turn, "give_id", bank[self.tone], given_id=self._next_id())

    def _credentials(self, turn: Turn, retry: bool) -> None:
        if self.plan.cannot_verify:
            email = self.world.account.email
            self.say(turn, "cannot_verify", ph.CANNOT_VERIFY[self.tone], given_email=email)
            return
        email, last4 = self._next_credentials()
        bank = ph.RETRY_CREDENTIALS if retry else ph.GIVE_CREDENTIALS
        self.say(turn, "give_id", bank[self.tone], given_email=email, given_last4=last4)

    def _input(self, turn: Turn, asked: dict[str, Any]) -> None:
        if asked.get("need") == "address":
            self.say(turn, "give_input", ph.GIVE_ADDRESS[self.tone])
            return
        reason = self.rng.choice(RETURN_REASONS)
        self.say(turn, "give_input", ph.GIVE_REASON[self.tone], reason=reason,
                 Reason=reason[0].upper() + reason[1:])

    def _after_outcome(self, turn: Turn, agent: Turn) -> None:
        act, slots = next((a, s) for a, s in agent.acts if a in OUTCOMES)
        if self.plan.follow_up and not self.asked:
            self.asked = True
            rule = slots["rule"]
            topics = ph.ESCALATION_TOPICS if act == "escalate" else ph.TOPICS[rule]
            topic = self.rng.choice(topics)
            lead = "Actually, yes. " if "anything_else" in agent.names() \
                and self.rng.random() < 0.6 else ""
            question = pick(self.rng, ph.QUESTION[topic], self.text).format_map(self.text)
            turn.parts.append(lead + question)
            turn.acts.append(("ask_follow_up", {"topic": topic}))
            return
        self.say(turn, "react", ph.REACT[OUTCOMES[act]][self.tone])

    def _finish(self, turn: Turn) -> Turn:
        """Novice style and typos, at the persona's rates."""
        text = turn.text
        if self.plan.expertise == "novice" and self.rng.random() < 0.35:
            text = lower_start(text, NAMES).rstrip(".")
        if self.typo_rate and TYPO_WORD.search(text):
            count = 0
            if self.rng.random() < self.typo_rate:
                text, n = typo(self.rng, text)
                count = n or 0
            turn.acts[-1][1]["typos"] = count
        turn.parts = [text]
        return turn


# ---- the agent ------------------------------------------------------------------------------

class Agent(Speaker):
    """A support agent that follows the policy and states only facts it has looked up."""

    def __init__(self, world: World, known: tuple[dict[str, str], dict[str, Any]],
                 rng: random.Random, company: str, name: str):
        self.world = world
        self.all_text, self.all_raw = known
        text = {"company": company, "agent": name}
        text |= {k: self.all_text[k] for k in POLICY_SLOTS}
        super().__init__(rng, text, {k: self.all_raw[k] for k in POLICY_SLOTS})
        self.issue: str | None = None
        self.tone = "neutral"
        self.verified = self.rechecked = self.held = False
        self.attempts = 0
        self.setbacks = 0  # turns that made the customer wait or repeat themselves
        self.pending: Decision | None = None
        self.decisions: list[dict[str, Any]] = []
        self.outcome: str | None = None
        self.done = False

    def respond(self, customer: Turn) -> Turn:
        act, slots = customer.acts[-1]
        turn = Turn()
        if act == "open":
            self.tone = slots.get("tone", self.tone)
        getattr(self, f"on_{act}")(turn, slots)
        self.setbacks += bool(turn.names() & SETBACKS)
        return turn

    # -- handlers, one per customer act ------------------------------------------------------
    def on_open(self, turn: Turn, slots: dict[str, Any]) -> None:
        rng = self.rng
        self.say(turn, "greet", ph.GREET_NAMED if rng.random() < 0.4 else ph.GREET)
        if self.tone in ("frustrated", "angry"):
            self.say(turn, "empathize", ph.EMPATHY)
        elif not slots["vague"] and slots["issue"] not in ("damaged_item", "wrong_item"):
            self.say(turn, "offer_help", ph.HELP)  # (those two open with an apology)
        if slots["vague"]:
            self.say(turn, "ask_clarify", ph.ASK_CLARIFY)
        else:
            self._identify(turn, slots)

    def on_clarify(self, turn: Turn, slots: dict[str, Any]) -> None:
        self._identify(turn, slots)

    def on_no_id(self, turn: Turn, slots: dict[str, Any]) -> None:
        self.say(turn, "ask_alt", ph.ASK_ALT)

    def on_give_id(self, turn: Turn, slots: dict[str, Any]) -> None:
        self._verify(turn, slots)

    def on_cannot_verify(self, turn: Turn, slots: dict[str, Any]) -> None:
        self._conclude(turn, unverified(self.attempts))

    def on_confirm_name(self, turn: Turn, slots: dict[str, Any]) -> None:
        if slots.get("name") != self.world.account.name:
            self._conclude(turn, unverified(self.attempts))
            return
        self.rechecked = True
        self.say(turn, "name_ok", ph.NAME_OK)
        self._proceed(turn)

    def on_ack_hold(self, turn: Turn, slots: dict[str, Any]) -> None:
        self.say(turn, "back", ph.BACK)
        self._proceed(turn)

    def on_give_input(self, turn: Turn, slots: dict[str, Any]) -> None:
        assert self.pending is not None
        if "reason" in slots:
            self.say(turn, "note_input", ph.INPUT_OK)
        decision, self.pending = self.pending, None
        self._conclude(turn, decision)

    def on_demand_human(self, turn: Turn, slots: dict[str, Any]) -> None:
        self._conclude(turn, on_request(slots.get("setbacks", 0)))

    def on_leave(self, turn: Turn, slots: dict[str, Any]) -> None:
        self.say(turn, "farewell", ph.FAREWELL)
        self.outcome, self.done = "abandoned", True

    def on_ask_follow_up(self, turn: Turn, slots: dict[str, Any]) -> None:
        self.say(turn, "answer", ph.ANSWER[slots["topic"]])

    def on_react(self, turn: Turn, slots: dict[str, Any]) -> None:
        assert self.outcome is not None
        rough = self.outcome != "resolved" or self.setbacks >= 2
        upset = self.tone == "angry" or (self.tone == "frustrated" and rough)
        self.say(turn, "close", ph.GOODBYE_SORRY if upset else ph.GOODBYE[self.outcome])
        self.done = True

    # -- the policy's steps ------------------------------------------------------------------
    def _identify(self, turn: Turn, slots: dict[str, Any]) -> None:
        issue = slots["issue"]
        self.issue = issue
        self.say(turn, "identify_issue", ph.ACK[issue], issue=issue)
        if "given_id" in slots or "given_email" in slots:
            self._verify(turn, slots, volunteered=True)
        elif issue in ACCOUNT_ISSUES:
            self.say(turn, "ask_credentials", ph.ASK_CREDENTIALS)
        else:
            self.say(turn, "ask_order_id", ph.ASK_ORDER_ID)

    def _verify(self, turn: Turn, slots: dict[str, Any], volunteered: bool = False) -> None:
        self.attempts += 1
        world = self.world
        if "given_id" in slots:
            ok = world.find_order(slots["given_id"]) is world.order is not None
        else:
            ok = world.verify(slots["given_email"], slots["given_last4"])
        if ok:
            self.verified = True
            self.text, self.raw = {**self.text, **self.all_text}, {**self.raw, **self.all_raw}
            if world.recheck:  # the name comes after the security question
                bank = ph.VERIFIED_PENDING
            elif self.issue in ACCOUNT_ISSUES:
                bank = ph.VERIFIED_ACCOUNT
            else:
                bank = ph.VERIFIED_GIVEN if volunteered else ph.VERIFIED_ORDER
            self.say(turn, "verified", bank)
            self._proceed(turn)
        elif self.attempts >= MAX_ATTEMPTS:
            self._conclude(turn, unverified(self.attempts))
        elif "given_id" in slots:
            self.say(turn, "not_found", ph.NOT_FOUND, given_id=slots["given_id"])
        else:
            self.say(turn, "mismatch", ph.MISMATCH, given_email=slots["given_email"],
                     given_last4=slots["given_last4"])

    def _proceed(self, turn: Turn) -> None:
        assert self.issue is not None
        world = self.world
        if world.recheck and not self.rechecked:
            self.say(turn, "ask_name", ph.ASK_NAME)
            return
        if world.hold and not self.held:
            self.held = True
            self.say(turn, "hold", ph.HOLD, team=ph.TEAMS[self.issue])
            return
        decision = decide(self.issue, world)
        if decision.needs_input:
            self.pending = decision
            need = "address" if self.issue == "change_address" else "reason"
            key = "address_changed" if need == "address" else "return"
            self.say(turn, "ask_input", ph.ASK_INPUT[key], need=need)
            return
        self._conclude(turn, decision)

    def _conclude(self, turn: Turn, decision: Decision) -> None:
        self.decisions.append(decision.to_dict())
        key = f"{decision.rule}:{self.issue}"
        bank = ph.OUTCOME.get(key) or ph.OUTCOME[decision.rule]
        extra: dict[str, Any] = {"rule": decision.rule}
        if decision.action == "escalate":
            extra["ticket"] = f"CS-{self.rng.randrange(100_000, 1_000_000)}"
            self.text = {**self.text, "ticket": extra["ticket"]}
        self.say(turn, decision.action, bank, **extra)
        self.outcome = OUTCOMES[decision.action]
        if decision.action != "escalate" and self.rng.random() < 0.4:
            self.say(turn, "anything_else", ph.ANYTHING_ELSE)

