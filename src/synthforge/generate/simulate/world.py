"""The simulated world of one chat: the customer's account, orders, shipments and stock.

A world is built for a plan: the facts are drawn so that the agent's policy, applied to
them, reaches the planned outcome (a return 35 days after delivery when the plan says
refused, a refund above the approval limit when it says escalated). The agent only ever
reads the world; `facts()` is what it knows, and what the event log is checked against.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from synthforge.generate.simulate.catalog import (
    CARRIERS,
    CITIES,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    HUBS,
    LAST_NAMES,
    PRODUCTS,
    STREETS,
    Product,
)
from synthforge.generate.simulate.config import PolicyConfig
from synthforge.generate.simulate.plan import Plan

BIG = 10**9  # no upper bound on a price, in cents


@dataclass(slots=True)
class Item:
    """A line of an order."""

    product: Product
    price: int  # cents
    qty: int = 1

    @property
    def amount(self) -> int:
        return self.price * self.qty


@dataclass(slots=True)
class Shipment:
    """A parcel on its way (or delivered), as the carrier's tracking shows it."""

    carrier: str
    tracking: str
    status: str  # in_transit | out_for_delivery | delivered
    shipped_on: dt.date
    last_scan_on: dt.date
    last_scan_city: str
    eta: dt.date
    signature_required: bool = False


@dataclass(slots=True)
class Charge:
    """A line of the card statement: a charge, a duplicate of one, or an authorization hold."""

    amount: int
    on: dt.date
    kind: str = "charge"  # charge | duplicate | authorization


@dataclass(slots=True)
class Order:
    id: str
    placed_on: dt.date
    items: list[Item]
    status: str  # processing | shipped | delivered | returned
    ship_by: dt.date | None = None
    shipment: Shipment | None = None
    delivered_on: dt.date | None = None
    return_received_on: dt.date | None = None
    refund_issued_on: dt.date | None = None
    charges: list[Charge] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(i.amount for i in self.items)


@dataclass(slots=True)
class Account:
    first: str
    last: str
    email: str
    old_email: str  # an address the customer may give by mistake
    last4: str
    card_expiry: str
    address: str
    status: str = "active"  # active | locked
    locked_on: dt.date | None = None

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(slots=True)
class World:
    """Everything the agent can look up in one chat."""

    today: dt.date
    account: Account
    policy: PolicyConfig
    orders: list[Order] = field(default_factory=list)
    order: Order | None = None  # the order the chat is about
    item: Item | None = None  # the item the chat is about
    wrong_item: Product | None = None  # what arrived instead, for wrong_item
    stock: dict[str, int] = field(default_factory=dict)
    replacement_eta: dt.date | None = None
    new_address: str | None = None
    hold: bool = False  # the agent must check with another team first
    recheck: bool = False  # the account needs an extra security question

    def find_order(self, order_id: str) -> Order | None:
        for order in self.orders:
            if order.id == order_id:
                return order
        return None

    def verify(self, email: str, last4: str) -> bool:
        return email.lower() == self.account.email and last4 == self.account.last4

    def days_since(self, day: dt.date | None) -> int | None:
        return None if day is None else (self.today - day).days

    def facts(self) -> dict[str, Any]:
        """The world as JSON-able facts; event slots name them by path (`order.status`)."""
        a, o, p = self.account, self.order, self.policy
        facts: dict[str, Any] = {
            "today": self.today.isoformat(),
            "policy": policy_facts(p),
            "account": {"name": a.name, "first": a.first, "email": a.email, "last4": a.last4,
                        "card_expiry": a.card_expiry, "address": a.address,
                        "status": a.status, "locked_on": _iso(a.locked_on)},
            "orders": [{"id": x.id, "placed_on": x.placed_on.isoformat(), "status": x.status}
                       for x in self.orders],
        }
        if o is not None:
            facts["order"] = _order_facts(self, o)
            if o.shipment is not None:
                facts["shipment"] = _shipment_facts(self, o.shipment)
            if o.return_received_on is not None:
                facts["return"] = _return_facts(self, o)
            extra = [c for c in o.charges if c.kind != "charge"]
            if extra:
                facts["charge"] = {"amount": _dollars(extra[0].amount),
                                   "date": extra[0].on.isoformat(), "kind": extra[0].kind}
        if self.item is not None:
            product = self.item.product
            facts["item"] = {"sku": product.sku, "name": product.name, "a_name": product.a_name,
                             "price": _dollars(self.item.price), "qty": self.item.qty,
                             "amount": _dollars(self.item.amount), "damage": product.damage,
                             "stock": self.stock.get(product.sku)}
        if self.wrong_item is not None:
            facts["wrong_item"] = {"sku": self.wrong_item.sku, "name": self.wrong_item.name,
                                   "a_name": self.wrong_item.a_name}
        if self.replacement_eta is not None:
            facts["replacement"] = {"eta": self.replacement_eta.isoformat()}
        if self.new_address is not None:
            facts["address"] = {"new": self.new_address}
        return facts


_POLICIES: dict[int, tuple[PolicyConfig, dict[str, Any]]] = {}


def policy_facts(policy: PolicyConfig) -> dict[str, Any]:
    """The policy as facts (one dict per policy object, made once)."""
    cached = _POLICIES.get(id(policy))
    if cached is None or cached[0] is not policy:
        cached = _POLICIES[id(policy)] = (policy, policy.model_dump())
    return dict(cached[1])


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _dollars(cents: int) -> float:
    return cents / 100


def _order_facts(world: World, o: Order) -> dict[str, Any]:
    return {"id": o.id, "placed_on": o.placed_on.isoformat(), "status": o.status,
            "total": _dollars(o.total), "ship_by": _iso(o.ship_by),
            "delivered_on": _iso(o.delivered_on),
            "days_since_delivery": world.days_since(o.delivered_on),
            "items": [{"name": i.product.name, "price": _dollars(i.price), "qty": i.qty}
                      for i in o.items]}


def _shipment_facts(world: World, s: Shipment) -> dict[str, Any]:
    return {"carrier": s.carrier, "tracking": s.tracking, "status": s.status,
            "shipped_on": s.shipped_on.isoformat(), "last_scan_on": s.last_scan_on.isoformat(),
            "last_scan_city": s.last_scan_city, "eta": s.eta.isoformat(),
            "days_since_scan": world.days_since(s.last_scan_on),
            "signature_required": s.signature_required}


def _return_facts(world: World, o: Order) -> dict[str, Any]:
    received = o.return_received_on
    assert received is not None
    due = received + dt.timedelta(days=world.policy.refund_sla_days)
    return {"received_on": received.isoformat(),
            "days_since_received": world.days_since(received),
            "refund_amount": _dollars(world.item.amount if world.item else o.total),
            "refund_issued_on": _iso(o.refund_issued_on),
            "refund_due_by": None if o.refund_issued_on else due.isoformat()}


# ---- building a world for a plan ------------------------------------------------------------

class Builder:
    """Draws one world; `scenario` is ok, escalate (by policy) or refuse."""

    def __init__(self, rng: random.Random, plan: Plan, policy: PolicyConfig, today: dt.date):
        self.rng = rng
        self.plan = plan
        self.policy = policy
        self.today = today
        self.limit = round(policy.refund_approval_limit * 100)
        if plan.outcome == "refused":
            self.scenario = "refuse"
        elif plan.outcome == "escalated" and plan.cause == "policy":
            self.scenario = "escalate"
        else:
            self.scenario = "ok"
        self.world = World(today, make_account(rng), policy)

    def build(self) -> World:
        BUILDERS[self.plan.issue](self)
        self.past_orders()
        self.world.hold, self.world.recheck = self.plan.hold, self.plan.recheck
        return self.world

    # -- pieces ------------------------------------------------------------------------------
    def day(self, offset: int) -> dt.date:
        """Today plus `offset` days (negative: in the past)."""
        return self.today + dt.timedelta(days=offset)

    def order(self, items: list[Item], placed_on: dt.date, status: str) -> Order:
        taken = {o.id for o in self.world.orders}
        while (oid := str(self.rng.randrange(10_000_000, 100_000_000))) in taken:
            pass
        order = Order(oid, placed_on, items, status)
        order.charges.append(Charge(order.total, placed_on))
        self.world.orders.append(order)
        self.world.order, self.world.item = order, items[0]
        return order

    def items(self, lo: int = 0, hi: int = BIG, total: bool = False) -> list[Item]:
        """Items whose first one (or, with `total`, whose sum) costs between lo and hi cents."""
        rng = self.rng
        first = priced(rng, pick_product(rng, lo, hi), lo, hi)
        items = [first]
        extra = rng.random()
        for _ in range(2 if extra < 0.08 else 1 if extra < 0.3 else 0):
            item = priced(rng, rng.choice(PRODUCTS), 0, BIG)
            if item.product not in [i.product for i in items] and (
                    not total or sum(i.amount for i in items) + item.amount <= hi):
                items.append(item)
        return items

    def refund_bounds(self) -> tuple[int, int]:
        """Price bounds for a refund: above the approval limit when escalating."""
        if self.scenario == "escalate":
            return self.limit + 1, BIG
        if self.scenario == "refuse":
            return 0, BIG
        return min(1000, self.limit), self.limit

    def ship(self, order: Order, shipped_on: dt.date, status: str, last_scan_on: dt.date,
             eta: dt.date) -> Shipment:
        rng = self.rng
        carrier = rng.choice(CARRIERS)
        if status == "in_transit":
            city = rng.choice(HUBS)
        else:  # the last scan is at the customer's town
            _, town, state_zip = self.world.account.address.split(", ")
            city = f"{town}, {state_zip.split()[0]}"
        order.shipment = Shipment(carrier, tracking_number(rng, carrier), status, shipped_on,
                                  last_scan_on, city, eta, order.total >= 30000)
        order.status = "delivered" if status == "delivered" else "shipped"
        return order.shipment

    def delivered(self, order: Order, days_ago: int) -> None:
        """Mark `order` delivered `days_ago` days before today."""
        rng = self.rng
        on = self.day(-days_ago)
        shipped = on - dt.timedelta(days=rng.randint(2, 5))
        order.placed_on = shipped - dt.timedelta(days=rng.randint(0, 2))
        order.charges[0].on = order.placed_on
        self.ship(order, shipped, "delivered", on, on)
        order.delivered_on = on

    def in_transit(self, order: Order) -> None:
        rng = self.rng
        shipped = self.day(-rng.randint(0, 3))
        order.placed_on = shipped - dt.timedelta(days=rng.randint(1, 2))
        order.charges[0].on = order.placed_on
        scan = self.day(-rng.randint(0, min((self.today - shipped).days, 2)))  # not lost
        self.ship(order, shipped, "in_transit", scan, self.day(rng.randint(1, 4)))

    def processing(self, order: Order, placed: tuple[int, int] = (0, 2)) -> None:
        order.placed_on = self.day(-self.rng.randint(*placed))
        order.charges[0].on = order.placed_on
        order.status, order.ship_by = "processing", self.day(self.rng.randint(1, 3))

    def past_orders(self) -> None:
        """Zero to two older, delivered orders the chat is not about."""
        rng, world = self.rng, self.world
        keep = world.order, world.item
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            order = self.order([priced(rng, rng.choice(PRODUCTS), 0, BIG)],
                               self.day(-rng.randint(60, 400)), "delivered")
            order.delivered_on = order.placed_on + dt.timedelta(days=rng.randint(2, 6))
        world.order, world.item = keep
        world.orders.sort(key=lambda o: o.placed_on)


# ---- one scenario per issue -----------------------------------------------------------------

def _track_order(b: Builder) -> None:
    rng, policy = b.rng, b.policy
    order = b.order(b.items(), b.day(-5), "processing")
    if b.scenario == "escalate":  # no scan for longer than the policy allows: lost
        stale = rng.randint(policy.lost_after_days + 1, policy.lost_after_days + 12)
        scan = b.day(-stale)
        shipped = scan - dt.timedelta(days=rng.randint(0, 2))
        order.placed_on = shipped - dt.timedelta(days=rng.randint(1, 2))
        order.charges[0].on = order.placed_on
        b.ship(order, shipped, "in_transit", scan, shipped + dt.timedelta(rng.randint(3, 6)))
        return
    r = rng.random()
    if r < 0.35:
        b.processing(order, placed=(1, 4))
    elif r < 0.85:
        b.in_transit(order)
    else:
        b.in_transit(order)
        assert order.shipment is not None
        order.shipment.status = "out_for_delivery"
        order.shipment.last_scan_on = order.shipment.eta = b.today


def _return_item(b: Builder) -> None:
    window = b.policy.return_window_days
    lo, hi = b.refund_bounds()
    order = b.order(b.items(lo, hi), b.day(-40), "delivered")
    days = b.rng.randint(window + 1, window + 45) if b.scenario == "refuse" else \
        b.rng.randint(1, window)
    b.delivered(order, days)


def _refund_status(b: Builder) -> None:
    rng, sla = b.rng, b.policy.refund_sla_days
    order = b.order(b.items(), b.day(-60), "returned")
    if b.scenario == "escalate":
        waited, issued = rng.randint(sla + 1, sla + 20), None
    elif rng.random() < 0.5:
        waited = rng.randint(2, sla + 15)
        issued = rng.randint(1, min(waited, sla))
    else:
        waited, issued = rng.randint(0, sla), None
    received = b.day(-waited)
    b.delivered(order, waited + rng.randint(6, 25))
    order.status, order.return_received_on = "returned", received
    if issued is not None:
        order.refund_issued_on = received + dt.timedelta(days=issued)


def _change_address(b: Builder) -> None:
    order = b.order(b.items(), b.day(-3), "processing")
    if b.scenario == "refuse":
        b.in_transit(order)
    else:
        b.processing(order)
    b.world.new_address = make_address(b.rng, avoid=b.world.account.address)


def _cancel_order(b: Builder) -> None:
    lo, hi = b.refund_bounds()
    order = b.order(b.items(lo, hi, total=True), b.day(-3), "processing")
    if b.scenario == "refuse":
        b.in_transit(order)
    else:
        b.processing(order)


def _replacement(b: Builder) -> None:
    order = b.order(b.items(), b.day(-20), "delivered")
    b.delivered(order, b.rng.randint(0, 6))
    item = b.world.item
    assert item is not None
    b.world.stock[item.product.sku] = 0 if b.scenario == "escalate" else b.rng.randint(2, 60)
    if b.scenario != "escalate":
        b.world.replacement_eta = b.day(b.rng.randint(2, 5))


def _wrong_item(b: Builder) -> None:
    _replacement(b)
    item = b.world.item
    assert item is not None
    while (other := b.rng.choice(PRODUCTS)) is item.product:
        pass
    b.world.wrong_item = other


def _account_locked(b: Builder) -> None:
    account = b.world.account
    account.status, account.locked_on = "locked", b.day(-b.rng.randint(0, 1))


def _update_payment(b: Builder) -> None:
    month = b.today.month + b.rng.choice((-1, 0, 0, 1))
    year = b.today.year + (month - 1) // 12
    b.world.account.card_expiry = f"{(month - 1) % 12 + 1:02d}/{year % 100:02d}"


def _billing_error(b: Builder) -> None:
    duplicate = b.scenario == "escalate" or b.rng.random() < 0.5
    lo, hi = b.refund_bounds() if duplicate else (0, BIG)
    order = b.order(b.items(lo, hi, total=True), b.day(-10), "processing")
    if b.rng.random() < 0.5:
        b.delivered(order, b.rng.randint(0, 5))
    else:
        b.in_transit(order)
    order.charges.append(Charge(order.total, order.placed_on,
                                "duplicate" if duplicate else "authorization"))


BUILDERS: dict[str, Callable[[Builder], None]] = {
    "track_order": _track_order, "return_item": _return_item,
    "refund_status": _refund_status, "change_address": _change_address,
    "cancel_order": _cancel_order, "damaged_item": _replacement, "wrong_item": _wrong_item,
    "account_locked": _account_locked, "update_payment": _update_payment,
    "billing_error": _billing_error,
}


def build_world(rng: random.Random, plan: Plan, policy: PolicyConfig,
                today: dt.date) -> World:
    """A world in which the agent's policy reaches the plan's outcome."""
    return Builder(rng, plan, policy, today).build()


# ---- names, numbers, prices -----------------------------------------------------------------

@functools.cache
def ascii_name(name: str) -> str:
    """A name as it appears in an email address: Müller -> muller, O'Brien -> obrien."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def make_account(rng: random.Random) -> Account:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = make_email(rng, first, last)
    while (old := make_email(rng, first, last)) == email:
        pass
    last4 = f"{rng.randrange(10_000):04d}"
    expiry = f"{rng.randint(1, 12):02d}/{rng.randint(27, 31)}"
    return Account(first, last, email, old, last4, expiry, make_address(rng))


def make_email(rng: random.Random, first: str, last: str) -> str:
    f, l_ = ascii_name(first), ascii_name(last)
    local = rng.choice((f"{f}.{l_}", f"{f}{l_}{rng.randint(1, 99)}", f"{f[0]}{l_}",
                        f"{f}_{l_}", f"{l_}.{f}", f"{f}{rng.randint(70, 99)}"))
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def make_address(rng: random.Random, avoid: str = "") -> str:
    while True:
        city, state, zip3 = rng.choice(CITIES)
        address = (f"{rng.randint(12, 9870)} {rng.choice(STREETS)}, {city}, {state} "
                   f"{zip3}{rng.randint(1, 99):02d}")
        if address != avoid:
            return address


def tracking_number(rng: random.Random, carrier: str) -> str:
    digits = "0123456789"
    if carrier == "UPS":
        chars = "0123456789ABCDEFGHJKLMNPRSTVWXY"
        return "1Z" + "".join(rng.choices(chars, k=6)) + "".join(rng.choices(digits, k=10))
    n = {"FedEx": 12, "USPS": 18, "DHL": 10}[carrier]
    return ("9400" if carrier == "USPS" else "") + "".join(rng.choices(digits, k=n))


def mistyped(rng: random.Random, real: str, taken: set[str]) -> str:
    """A plausible wrong order number: two digits swapped or one digit off by a key."""
    while True:
        chars = list(real)
        i = rng.randrange(len(chars) - 1)
        if rng.random() < 0.5 and chars[i] != chars[i + 1]:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = str((int(chars[i]) + rng.choice((1, 9))) % 10)
        wrong = "".join(chars)
        if wrong != real and wrong not in taken and wrong[0] != "0":
            return wrong


@functools.cache
def _products_between(lo: int, hi: int) -> tuple[Product, ...]:
    return tuple(p for p in PRODUCTS if p.lo <= hi and p.hi >= lo)


def pick_product(rng: random.Random, lo: int, hi: int) -> Product:
    """A product that can cost between lo and hi cents (the nearest one if none can)."""
    fits = _products_between(lo, hi)
    if fits:
        return rng.choice(fits)
    cheapest = min(PRODUCTS, key=lambda p: p.lo)
    return cheapest if hi < cheapest.lo else max(PRODUCTS, key=lambda p: p.hi)


def priced(rng: random.Random, product: Product, lo: int, hi: int) -> Item:
    """An item of `product` costing between lo and hi cents (most prices end in .99)."""
    low, high = max(lo, product.lo), min(hi, product.hi)
    if low > high:  # no realistic price fits: take the bound
        low = high = lo if product.hi < lo else hi
    cents = rng.randint(low, high)
    price = cents // 100 * 100 + 99 if rng.random() < 0.85 else cents // 100 * 100
    if not low <= price <= high:
        price = cents
    qty = 2 if price < 6000 and rng.random() < 0.12 and 2 * price <= hi else 1
    return Item(product, price, qty)
