"""The knowledge base of a tool_use item: fictional cities, companies, products and
routes, drawn from the item's RNG as a task needs them."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction

from synthforge.generate.procedural._tools import Json, exact

HEADS = ("Vel", "Quar", "Zen", "Thal", "Mor", "Kes", "Dra", "Ost", "Bry", "Cal", "Fen", "Gal",
         "Hes", "Ith", "Jor", "Lum", "Nor", "Pel", "Ras", "Sul", "Tor", "Ul", "Var", "Wyn",
         "Yar", "Zor", "Ash", "Bel", "Cor", "Dun", "Eld", "Fal", "Grim", "Hal", "Isk", "Kal",
         "Lor", "Mar", "Nev", "Orm")
CITY_TAILS = ("mora", "net", "vik", "dale", "holm", "stead", "wick", "ora", "avin", "esk",
              "rith", "mont", "bury", "gard", "lin", "oss", "haven", "ford", "mere", "wyn",
              "ara", "enne", "ost", "ago", "ith", "ula", "ton", "by", "ria", "sk")
MIDDLES = ("", "a", "e", "i", "o", "an", "el", "or", "is", "um")
PLACE_PREFIXES = ("Port", "New", "Lake", "East", "West", "North", "South", "Upper", "Lower",
                  "Fort", "Mount", "Saint")
COMPANY_TAILS = ("ex", "ion", "ara", "ium", "ova", "tek", "ix", "on", "ora", "yne", "is", "eon",
                 "ant", "ica", "ux", "ent")
COMPANY_KINDS = ("Labs", "Motors", "Foods", "Systems", "Textiles", "Aerospace", "Pharma",
                 "Robotics", "Energy", "Logistics", "Studios", "Mining", "Optics", "Holdings")
BRAND_TAILS = ("o", "ix", "ar", "en", "a", "us", "on", "io", "ra", "ex")
PRODUCTS = ("Blender", "Lamp", "Kettle", "Backpack", "Drone", "Desk", "Bicycle", "Tent",
            "Camera", "Speaker", "Toaster", "Monitor", "Scooter", "Heater", "Router", "Keyboard")


class World:
    """A knowledge base of fictional entities, drawn from one item's RNG as a task needs them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.facts: dict[str, Json] = {}

    def _fresh(self, make: Callable[[], str]) -> str:
        while (name := make()) in self.facts:
            pass
        return name

    def _stem(self, tails: tuple[str, ...]) -> str:
        r = self.rng
        return r.choice(HEADS) + r.choice(MIDDLES) + r.choice(tails)

    def _prefix(self) -> str:
        return f"{self.rng.choice(PLACE_PREFIXES)} " if self.rng.random() < 0.3 else ""

    def city(self) -> str:
        r = self.rng
        name = self._fresh(lambda: self._prefix() + self._stem(CITY_TAILS))
        self.facts[name] = {"population": r.randint(2_000, 4_000_000),
                            "area_km2": r.randint(200, 9_000) / 10,
                            "elevation_m": r.randint(0, 2_500), "founded": r.randint(800, 1900)}
        return name

    def company(self) -> str:
        r = self.rng
        name = self._fresh(lambda: f"{self._stem(COMPANY_TAILS)} {r.choice(COMPANY_KINDS)}")
        founded = date(1850, 1, 1) + timedelta(days=r.randrange(54_787))  # to 1999-12-31
        self.facts[name] = {"founded": founded.year, "founding_date": founded.isoformat(),
                            "employees": r.randint(12, 250_000)}
        return name

    def product(self, near: float | None = None) -> str:
        """A product; with `near`, priced within 30% of that price."""
        r = self.rng
        name = self._fresh(lambda: f"{self._stem(BRAND_TAILS)} {r.choice(PRODUCTS)}")
        cents = r.randint(500, 40_000) if near is None else round(near * 100 * r.uniform(0.7, 1.3))
        self.facts[name] = {"price_usd": cents / 100, "weight_kg": r.randint(10, 5_000) / 100}
        return name

    def route(self, a: str, b: str, low: int = 15, high: int = 4_000) -> str:
        name = f"{a} to {b}"
        self.facts[name] = {"distance_km": self.rng.randint(low, high)}
        return name

    def value(self, entity: str, attribute: str) -> Fraction:
        """A numeric fact, exactly."""
        return exact(self.facts[entity][attribute])
