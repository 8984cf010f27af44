"""What extract_json texts are made of: vocabularies, value formats and `Doc`, which
builds one text and records the fields it states."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


# ---- vocabularies ---------------------------------------------------------------------------

FIRST = ("Maria", "James", "Aisha", "Wei", "Lucas", "Sofia", "Omar", "Hannah", "Kenji", "Priya",
         "Mateo", "Elena", "David", "Fatima", "Noah", "Chloe", "Arjun", "Olivia", "Samuel",
         "Yuki", "Liam", "Amara", "Jonas", "Leila", "Ethan", "Zara", "Tomás", "Ingrid", "Kwame",
         "Nora", "Felix", "Mei", "Rafael", "Anya", "Daniel", "Isabel", "Hugo", "Sara", "Victor",
         "Leah", "Oscar", "Nadia", "Ryan", "Clara", "Ibrahim", "Emma", "Diego", "Freya",
         "Chiara", "Mohammed", "Grace", "Paulo", "Signe", "Tariq", "Valentina", "Yusuf")
LAST = ("Lopez", "Smith", "Khan", "Chen", "Silva", "Rossi", "Haddad", "Becker", "Tanaka",
        "Patel", "Garcia", "Petrova", "Cohen", "Diallo", "Murphy", "Dubois", "Nair", "Walsh",
        "Okafor", "Sato", "Novak", "Mensah", "Larsen", "Karimi", "Brooks", "Ahmed", "Costa",
        "Berg", "Owusu", "Fischer", "Wong", "Moreau", "Ivanova", "Kim", "Reyes", "Schmidt",
        "Jensen", "Ali", "Turner", "Nguyen", "Hughes", "Romero", "Eriksen", "Bauer", "Mendes",
        "Clarke", "Yilmaz", "Park", "Müller", "O'Brien", "Ferreira", "Lindqvist")
COMPANIES = ("Northwind Labs", "Bluepeak Analytics", "Copperleaf Foods", "Helix Robotics",
             "Lumen Health", "Orchid Media", "Stonebridge Capital", "Tidewater Logistics",
             "Vantage Energy", "Willow & Finch", "Redwood Software", "Silverline Telecom",
             "Brightpath Education", "Granite Construction", "Nimbus Cloud", "Pioneer Biotech",
             "Quill Publishing", "Harbor Insurance", "Evergreen Retail", "Falcon Aerospace",
             "Mosaic Games", "Atlas Freight", "Crescent Pharma", "Juniper Consulting")
TITLES = ("data analyst", "software engineer", "product manager", "marketing coordinator",
          "UX designer", "financial controller", "nurse practitioner", "sales director",
          "operations manager", "research scientist", "HR business partner",
          "mechanical engineer", "content strategist", "customer success lead",
          "backend developer", "supply chain analyst", "graphic designer", "legal counsel",
          "DevOps engineer", "account executive", "data engineer", "office manager")
CITIES = ("Lisbon", "Toronto", "Austin", "Berlin", "Melbourne", "Dublin", "Osaka", "Nairobi",
          "Denver", "Lyon", "Seattle", "Manchester", "Rotterdam", "Vancouver", "Barcelona",
          "Oslo", "Chicago", "Auckland", "Cape Town", "Singapore", "Boston", "Edinburgh",
          "Munich", "Montreal", "Porto", "Atlanta", "Leeds", "Milan", "Prague", "Copenhagen")
STREETS = ("Maple Avenue", "Harbour Road", "King Street", "Elm Street", "Riverside Drive",
           "Station Road", "Oak Lane", "Park Terrace", "Church Street", "Mill Road",
           "Cedar Court", "Victoria Street", "Highfield Road", "Bridge Street", "Chestnut Grove",
           "Lakeview Boulevard", "Market Square", "Orchard Way", "Queens Road",
           "Willow Crescent")
DOMAINS = ("mailbox.org", "fastmail.com", "proton.me", "outlook.com", "gmail.com", "yahoo.com")
EVENTS = ("Spring Jazz Night", "Data Science Meetup", "Community Book Fair",
          "Startup Pitch Evening", "Winter Food Festival", "Open Source Summit",
          "Charity 10K Run", "Photography Workshop", "Climate Action Forum",
          "Indie Film Screening", "Robotics Expo", "Poetry Slam", "Wine Tasting Evening",
          "Career Fair", "Chess Open", "Vintage Market", "Astronomy Night", "Civic Hackathon",
          "Design Week Opening", "Ceramics Masterclass", "Salsa Social", "Science Café")
VENUES = ("Riverside Hall", "The Grand Pavilion", "the Civic Centre", "Old Mill Theatre",
          "Harbourfront Arena", "Central Library Auditorium", "Greenway Park", "The Loft",
          "Union Conference Centre", "St. Mark's Hall", "Northgate Gallery", "Lakeside Pavilion")
ORGANIZERS = ("City Arts Council", "Tech Guild", "Friends of the Library", "Rotary Club",
              "Green Future Society", "Makers Collective", "Neighbourhood Association",
              "University Alumni Network", "Food Lovers Club", "Film Society")
# product: typical weight range in grams
PRODUCTS = {"wireless headphones": (150, 400), "espresso machine": (2500, 9000),
            "running shoes": (450, 900), "hiking backpack": (900, 2500),
            "desk lamp": (600, 2000), "smartwatch": (30, 80), "blender": (1500, 4500),
            "yoga mat": (800, 2500), "electric kettle": (900, 1800),
            "bluetooth speaker": (300, 2000), "office chair": (9000, 22000),
            "air purifier": (3000, 9000), "water bottle": (200, 600),
            "mechanical keyboard": (600, 1400), "rain jacket": (250, 700),
            "cast iron skillet": (1800, 3600), "robot vacuum": (2500, 4500),
            "standing desk": (20000, 40000), "sleeping bag": (700, 2200), "e-reader": (150, 250)}
PRODUCT_NAMES = tuple(PRODUCTS)
BRANDS = ("Sonora", "Kestrel", "Aurora", "Nordik", "Vela", "Zenith", "Puro", "Altus", "Brava",
          "Corvid", "Lumo", "Tessa", "Orbis", "Halden")
MODELS = ("Pro", "Air", "Max", "Lite", "One", "Flex", "Go", "Plus", "Ultra", "Mini")
COLORS = ("black", "white", "navy blue", "forest green", "charcoal", "red", "silver", "sand",
          "teal", "burgundy", "graphite", "sky blue")
HOTELS = ("Hotel Miramar", "The Linden House", "Grand Central Hotel", "Seaview Inn",
          "Alpine Lodge", "Hotel Aurora", "The Kingsley", "Parkside Suites",
          "Old Town Boutique Hotel", "Harbour Lights Hotel", "Casa del Sol", "The Wren")
ROOMS = ("double room", "twin room", "junior suite", "deluxe king room", "single room",
         "family room", "studio apartment", "superior double room")
JOB_TYPES = ("full-time", "part-time", "contract", "internship", "temporary")
PAYMENTS = ("PayPal", "Visa", "Mastercard", "Apple Pay", "bank transfer", "gift card")
SKILLS = ("Python", "SQL", "Excel", "Tableau", "Java", "Kubernetes", "Figma", "Salesforce",
          "AWS", "React", "Go", "Terraform", "Spark", "Power BI", "Photoshop", "SAP", "Docker",
          "TypeScript")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NUMBER = {m[:3].casefold(): i + 1 for i, m in enumerate(MONTHS)}


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
                  .decode().lower())


SLUG = {n: _ascii(n) for n in (*FIRST, *LAST, *COMPANIES, *ORGANIZERS, *HOTELS, *BRANDS)}
DAY_2023 = date(2023, 1, 1).toordinal()
DAY_2026 = date(2026, 12, 31).toordinal()

# by level: fields asked, chance that each distractor appears, distractor fields asked first,
# date styles in the text
N_FIELDS = {1: 3, 2: 4, 3: 5, 4: 6, 5: 7}
DISTRACT = {1: 0.0, 2: 0.3, 3: 0.6, 4: 0.85, 5: 1.0}
N_TRICKY = {1: 0, 2: 1, 3: 1, 4: 2, 5: 3}
DATE_STYLES = {1: (0, 1), 2: (0, 1, 2), 3: (0, 1, 2, 3, 4), 4: (1, 2, 3, 4, 5),
               5: (1, 2, 3, 4, 5)}
DOCS = {"profile": "staff profile", "order": "order confirmation",
        "event": "event announcement", "job": "job posting", "product": "product listing",
        "booking": "booking confirmation", "property": "property listing"}


class Field(NamedTuple):
    key: str  # flat key
    nest: str  # dotted path used at level 5 ("" if the field stays at the top)
    kind: str  # str, code, num, date, time, email, phone, bool, list
    value: Any  # the canonical value (JSON)
    desc: str  # what the question asks for
    note: str  # where the solution finds it
    tricky: bool  # a lookalike value is in the text too


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def fmt_date(d: date, style: int) -> str:
    month = MONTHS[d.month - 1]
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{month} {d.day}, {d.year}"
    if style == 2:
        return f"{d.day} {month} {d.year}"
    if style == 3:
        return f"{month[:3]} {d.day}, {d.year}"
    if style == 4:
        return f"{WEEKDAYS[d.weekday()]}, {d.day} {month} {d.year}"
    return f"the {_ordinal(d.day)} of {month} {d.year}"


def fmt_time(h: int, m: int, style: int) -> str:
    if style == 0:
        return f"{h:02d}:{m:02d}"
    half = "AM" if h < 12 else "PM"
    h12 = h % 12 or 12
    if style == 1:
        return f"{h12}:{m:02d} {half}" if m else f"{h12} {half}"
    return f"{h12}:{m:02d}{half.lower()}" if m else f"{h12}{half.lower()}"


def fmt_money(cents: int, cur: str, style: int) -> str:
    whole, part = divmod(cents, 100)
    amount = f"{whole:,}" + (f".{part:02d}" if part else "")
    word = {"$": "dollars", "€": "euros", "£": "pounds"}[cur]
    code = {"$": "USD", "€": "EUR", "£": "GBP"}[cur]
    if style == 0:
        return f"{cur}{amount}"
    if style == 1:
        return f"{code} {amount}"
    if style == 2:
        return f"{amount} {word}"
    return f"{cur}{whole}.{part:02d}"


def money_value(cents: int) -> int | float:
    return cents // 100 if cents % 100 == 0 else cents / 100


def plain(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def fmt_phone(digits: str, style: int) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}")[style]


def _article(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


class Doc:
    """Builds one text: its sentences and the fields it states.

    Draws come from the item's rng 64 bits at a time, cut into as many small choices as
    they hold (a text takes dozens), through the `random.Random`-like methods below.
    """

    def __init__(self, rng: random.Random, level: int):
        self.rng = rng
        self._bits = 0
        self._room = 0
        self.level = level
        self.p = DISTRACT[level]
        styles = DATE_STYLES[level]
        self.styles = styles
        self.date_style = self.choice(styles)
        self.mixed = level >= 4
        self.fields: list[Field] = []
        self.cur = self.choice("$$€£")
        self.money_style = self.below(4 if level >= 3 else 2)

    # -- draws ------------------------------------------------------------------------------
    def below(self, n: int) -> int:
        """A uniform integer in [0, n) (bias under 2**-20)."""
        if self._room < n << 20:
            self._bits, self._room = self.rng.getrandbits(64), 1 << 64
        self._bits, digit = divmod(self._bits, n)
        self._room //= n
        return digit

    def choice(self, seq: Sequence[T]) -> T:
        return seq[self.below(len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + self.below(b - a + 1)

    def random(self) -> float:
        return self.below(1 << 24) / (1 << 24)

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        pool = list(seq)
        for i in range(k):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]

    def shuffle(self, items: list[Any]) -> None:
        items[:] = self.sample(items, len(items))

    # -- text pieces --------------------------------------------------------------------------
    def distract(self) -> bool:
        return self.random() < self.p

    def day(self, lo: int = DAY_2023, hi: int = DAY_2026) -> date:
        return date.fromordinal(self.randint(lo, hi))

    def d(self, value: date) -> str:
        style = self.choice(self.styles) if self.mixed else self.date_style
        return fmt_date(value, style)

    def money(self, cents: int) -> str:
        return fmt_money(cents, self.cur, self.money_style)

    def name(self) -> tuple[str, str]:
        return self.choice(FIRST), self.choice(LAST)

    def phone(self) -> str:
        return f"{self.randint(201, 989)}{self.randint(200, 989)}{self.below(10000):04d}"

    def add(self, key: str, nest: str, kind: str, value: Any, desc: str, note: str,
            tricky: bool = False) -> None:
        self.fields.append(Field(key, nest, kind, value, desc, note, tricky))
