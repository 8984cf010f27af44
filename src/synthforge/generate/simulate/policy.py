"""The support policy: what the agent does about an issue, given only the world's facts.

Rules are checked in a fixed order and the first that applies decides; every decision
carries the facts it was made on, for the record's `meta.decisions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from synthforge.generate.simulate.world import Order, World


@dataclass(slots=True)
class Decision:
    """What to do: resolve, refuse or escalate, by which rule, on which facts."""

    action: str  # resolve | refuse | escalate
    rule: str
    inputs: dict[str, Any] = field(default_factory=dict)
    needs_input: bool = False  # ask the customer for something first (address, reason)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "action": self.action, "inputs": self.inputs}


def decide(issue: str, world: World) -> Decision:
    """The decision for `issue` on `world` (the customer is verified)."""
    return RULES[issue](world)


def _order(world: World) -> Order:
    """The order the chat is about."""
    assert world.order is not None, "order issues need an order"
    return world.order


def track_order(world: World) -> Decision:
    order = _order(world)
    shipment = order.shipment
    if shipment is None:
        return Decision("resolve", "report_processing", {"status": order.status})
    idle = (world.today - shipment.last_scan_on).days
    inputs = {"status": shipment.status, "days_since_scan": idle,
              "lost_after_days": world.policy.lost_after_days}
    if shipment.status != "delivered" and idle > world.policy.lost_after_days:
        return Decision("escalate", "lost_parcel", inputs)
    return Decision("resolve", f"report_{shipment.status}", inputs)


def return_item(world: World) -> Decision:
    order, item = _order(world), world.item
    assert order.delivered_on is not None and item is not None
    days = (world.today - order.delivered_on).days
    window, limit = world.policy.return_window_days, world.policy.refund_approval_limit
    inputs = {"delivered_on": order.delivered_on.isoformat(), "days_since_delivery": days,
              "return_window_days": window}
    if days > window:
        return Decision("refuse", "return_window", inputs)
    inputs |= {"amount": item.amount / 100, "refund_approval_limit": limit}
    if item.amount > round(limit * 100):
        return Decision("escalate", "refund_limit", inputs, needs_input=True)
    return Decision("resolve", "start_return", inputs, needs_input=True)


def refund_status(world: World) -> Decision:
    order = _order(world)
    assert order.return_received_on is not None
    if order.refund_issued_on is not None:
        return Decision("resolve", "refund_issued",
                        {"refund_issued_on": order.refund_issued_on.isoformat()})
    waited = (world.today - order.return_received_on).days
    inputs = {"days_since_received": waited, "refund_sla_days": world.policy.refund_sla_days}
    if waited > world.policy.refund_sla_days:
        return Decision("escalate", "refund_overdue", inputs)
    return Decision("resolve", "refund_pending", inputs)


def change_address(world: World) -> Decision:
    order = _order(world)
    if order.status != "processing":
        return Decision("refuse", "address_after_shipping", {"status": order.status})
    return Decision("resolve", "address_changed", {"status": order.status}, needs_input=True)


def cancel_order(world: World) -> Decision:
    order = _order(world)
    if order.status != "processing":
        return Decision("refuse", "cancel_after_shipping", {"status": order.status})
    limit = world.policy.refund_approval_limit
    inputs = {"status": order.status, "amount": order.total / 100,
              "refund_approval_limit": limit}
    if order.total > round(limit * 100):
        return Decision("escalate", "refund_limit", inputs)
    return Decision("resolve", "cancelled", inputs)


def replacement(world: World) -> Decision:
    item = world.item
    assert item is not None
    stock = world.stock.get(item.product.sku, 0)
    if stock <= 0:
        return Decision("escalate", "out_of_stock", {"sku": item.product.sku, "stock": stock})
    rule = "replace_wrong" if world.wrong_item is not None else "replace_damaged"
    return Decision("resolve", rule, {"sku": item.product.sku, "stock": stock})


def account_locked(world: World) -> Decision:
    return Decision("resolve", "unlock", {"status": world.account.status})


def update_payment(world: World) -> Decision:
    return Decision("resolve", "secure_link", {"card_expiry": world.account.card_expiry})


def billing_error(world: World) -> Decision:
    order = _order(world)
    extra = [c for c in order.charges if c.kind != "charge"]
    if not extra or extra[0].kind == "authorization":
        return Decision("resolve", "authorization_hold", {"charges": len(order.charges)})
    limit = world.policy.refund_approval_limit
    inputs = {"amount": extra[0].amount / 100, "refund_approval_limit": limit}
    if extra[0].amount > round(limit * 100):
        return Decision("escalate", "refund_limit", inputs)
    return Decision("resolve", "refund_duplicate", inputs)


RULES = {
    "track_order": track_order, "return_item": return_item, "refund_status": refund_status,
    "change_address": change_address, "cancel_order": cancel_order,
    "damaged_item": replacement, "wrong_item": replacement,
    "account_locked": account_locked, "update_payment": update_payment,
    "billing_error": billing_error,
}


def unverified(attempts: int) -> Decision:
    """A customer who cannot be verified goes to the security team."""
    return Decision("escalate", "identity_unverified", {"attempts": attempts})


def on_request(setbacks: int) -> Decision:
    """A customer who asks for a supervisor gets one."""
    return Decision("escalate", "customer_request", {"setbacks": setbacks})
