"""Information extraction: pull specified fields out of a short text into a JSON object.

The texts (profiles, order confirmations, event announcements, job postings, product and
property listings, hotel bookings) are written from known field values, so the answer is
known. Harder levels ask for more fields, put distractors in the text (a second date, a
subtotal beside the total, a personal beside a work email) and, at level 5, nest the object.
Scoring is field by field: strings folded for case and spacing, numbers by value, dates and
times in any common form, phone numbers by their digits.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, NamedTuple, TypeVar

import orjson

from synthforge.generate.procedural.answers import (
    extract_final,
    norm_text,
    parse_bool,
    parse_number,
)
from synthforge.generate.procedural.base import Family, Task, family

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


# ---- the kinds of text ----------------------------------------------------------------------

def _profile(doc: Doc) -> list[str]:
    rng = doc
    first, last = doc.name()
    name = f"{first} {last}"
    title, company, city = rng.choice(TITLES), rng.choice(COMPANIES), rng.choice(CITIES)
    birth = doc.day(date(1962, 1, 1).toordinal(), date(2001, 12, 31).toordinal())
    start = doc.day(date(2012, 1, 1).toordinal(), DAY_2026)
    years = rng.randint(4, 25)
    email = f"{SLUG[first]}.{SLUG[last]}@{SLUG[company]}.com"
    phone = doc.phone()
    lead = rng.choice((f"{name} is {_article(title)} {title} at {company}, based in {city}.",
                       f"Meet {name}, {_article(title)} {title} working for {company} in "
                       f"{city}.",
                       f"Team profile — {name}, {title} at {company} ({city} office)."))
    doc.add("name", "", "str", name, "person's full name", f"the profile is about {name}")
    doc.add("job_title", "job.title", "str", title, "job title",
            f"{first} works as {_article(title)} {title}")
    doc.add("employer", "job.company", "str", company, "name of the current employer",
            f"{first} works at {company}")
    out = []
    if doc.distract():
        home = rng.choice([c for c in CITIES if c != city])
        out.append(rng.choice((f"{first} grew up in {home} before moving to {city}.",
                               f"Originally from {home}, {first} now lives in {city}.")))
        doc.add("city", "location.city", "str", city, "city where the person is based now",
                f"{first} is based in {city} now; {home} is only where {first} grew up", True)
    else:
        doc.add("city", "location.city", "str", city, "city where the person is based",
                f"the profile places {first} in {city}")
    born = doc.d(birth)
    joined = doc.d(start)
    if doc.distract():
        prev = rng.choice([c for c in COMPANIES if c != company])
        left = start - timedelta(days=rng.randint(20, 400))
        left_s = doc.d(left)
        out.append(rng.choice((
            f"{first} joined {company} on {joined}, after leaving {prev} on {left_s}.",
            f"After {prev} (until {left_s}), {first} started at {company} on {joined}.")))
        doc.add("start_date", "job.start_date", "date", start.isoformat(),
                "date the person joined the current employer (YYYY-MM-DD)",
                f"{first} joined {company} on {joined}; {left_s} is when {first} left {prev}",
                True)
    else:
        out.append(rng.choice((f"{first} joined {company} on {joined}.",
                               f"Start date at {company}: {joined}.")))
        doc.add("start_date", "job.start_date", "date", start.isoformat(),
                "date the person joined the current employer (YYYY-MM-DD)",
                f"the joining date is {joined}")
    out.append(rng.choice((f"Born {born}.", f"{first} was born on {born}.",
                           f"Date of birth: {born}.")))
    doc.add("birth_date", "", "date", birth.isoformat(), "date of birth (YYYY-MM-DD)",
            f"the birth date is given as {born}")
    if doc.distract():
        here = rng.randint(1, years - 1)
        out.append(rng.choice((
            f"{first} has {years} years of experience in the field, {here} of them at "
            f"{company}.",
            f"With {here} years at {company} and {years} years in the industry overall, "
            f"{first} mentors new hires.")))
        doc.add("years_experience", "", "num", years, "total years of experience (number)",
                f"the total is {years} years; {here} years is only the time at {company}",
                True)
    else:
        out.append(rng.choice((f"{first} brings {years} years of experience.",
                               f"Experience: {years} years.")))
        doc.add("years_experience", "", "num", years, "total years of experience (number)",
                f"the profile states {years} years of experience")
    if doc.distract():
        personal = f"{SLUG[first]}{SLUG[last][0]}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
        out.append(rng.choice((
            f"Work email: {email}; personal: {personal}.",
            f"For work matters write to {email} (not {personal}, which is personal).")))
        doc.add("email", "contact.email", "email", email, "work email address",
                f"the work address is {email}; {personal} is personal", True)
    else:
        out.append(rng.choice((f"Email: {email}.", f"{first} can be reached at {email}.")))
        doc.add("email", "contact.email", "email", email, "work email address",
                f"the email given is {email}")
    shown = fmt_phone(phone, rng.below(4))
    out.append(rng.choice((f"Phone: {shown}.", f"Direct line: {shown}.")))
    doc.add("phone", "contact.phone", "phone", fmt_phone(phone, 1), "phone number",
            f"the number is {shown}")
    rng.shuffle(out)
    return [lead, *out]


def _order(doc: Doc) -> list[str]:
    rng = doc
    first, last = doc.name()
    name = f"{first} {last}"
    email = f"{SLUG[first]}.{SLUG[last]}@{rng.choice(DOMAINS)}"
    shop = rng.choice(BRANDS)
    oid = f"{rng.choice(('ORD', 'SO', 'WEB', 'A'))}-{rng.randint(100000, 999999)}"
    placed = doc.day()
    delivery = placed + timedelta(days=rng.randint(3, 12))
    n_items = rng.randint(1, 8)
    sub = rng.randint(1500, 60000)
    lead = rng.choice((f"Hi {first}, thanks for shopping at {shop}! Your order {oid} is "
                       "confirmed.",
                       f"Order confirmation — {oid}. Dear {name}, we have received your order.",
                       f"{shop}: order {oid} received. Thank you, {name}."))
    out = [rng.choice((f"Customer: {name}.", f"Name on the order: {name}."))]
    doc.add("customer_name", "customer.name", "str", name, "customer's full name",
            f"the order is for {name}")
    doc.add("order_id", "", "code", oid, "order number", f"the order number is {oid}")
    placed_s = doc.d(placed)
    out.append(rng.choice((f"Order date: {placed_s}.",
                           f"You placed this order on {placed_s}.")))
    if doc.distract():
        shipped = placed + timedelta(days=rng.randint(1, 2))
        ship_s = doc.d(shipped)
        out.append(f"It was dispatched on {ship_s}.")
        doc.add("order_date", "", "date", placed.isoformat(),
                "date the order was placed (YYYY-MM-DD)",
                f"it was placed on {placed_s}; {ship_s} is when it was dispatched", True)
    else:
        doc.add("order_date", "", "date", placed.isoformat(),
                "date the order was placed (YYYY-MM-DD)", f"it was placed on {placed_s}")
    deliv_s = doc.d(delivery)
    out.append(rng.choice((f"Estimated delivery: {deliv_s}.",
                           f"Expect your parcel by {deliv_s}.")))
    doc.add("delivery_date", "shipping.delivery_date", "date", delivery.isoformat(),
            "estimated delivery date (YYYY-MM-DD)", f"delivery is expected by {deliv_s}")
    out.append(rng.choice((f"Items: {n_items}.", f"Your order contains {n_items} "
                           f"item{'s' if n_items > 1 else ''}.")))
    doc.add("item_count", "", "num", n_items, "number of items (number)",
            f"the order has {n_items} item{'s' if n_items > 1 else ''}")
    if doc.distract():
        ship = rng.choice((0, rng.randint(399, 1499)))
        disc = rng.choice((0, 0, rng.randint(5, 20) * 100))
        total = sub + ship - disc
        parts = [f"subtotal {doc.money(sub)}", f"shipping {doc.money(ship) if ship else 'free'}"]
        sums = f"{plain(sub)} + {plain(ship)}"
        if disc:
            parts.append(f"discount -{doc.money(disc)}")
            sums += f" - {plain(disc)}"
        out.append(f"Payment summary: {', '.join(parts)}, total charged {doc.money(total)}.")
        doc.add("total", "payment.total", "num", money_value(total),
                "total amount charged (number, no currency symbol)",
                f"the total charged is {doc.money(total)}, not the subtotal (check: {sums} = "
                f"{plain(total)})", True)
    else:
        total = sub
        out.append(rng.choice((f"Total: {doc.money(total)}.",
                               f"Amount charged: {doc.money(total)}.")))
        doc.add("total", "payment.total", "num", money_value(total),
                "total amount charged (number, no currency symbol)",
                f"the amount charged is {doc.money(total)}")
    pay = rng.choice(PAYMENTS)
    out.append(rng.choice((f"Paid with {pay}.", f"Payment method: {pay}.")))
    doc.add("payment_method", "payment.method", "str", pay, "payment method",
            f"it was paid with {pay}")
    street, city = f"{rng.randint(1, 250)} {rng.choice(STREETS)}", rng.choice(CITIES)
    post = str(rng.randint(10000, 99999))
    ship_to = f"Shipping to: {street}, {post} {city}."
    if doc.distract():
        bill_city = rng.choice([c for c in CITIES if c != city])
        out.append(f"{ship_to} Billing address: {rng.randint(1, 250)} {rng.choice(STREETS)}, "
                   f"{rng.randint(10000, 99999)} {bill_city}.")
        doc.add("shipping_city", "shipping.city", "str", city, "city it ships to",
                f"it ships to {city}; {bill_city} is the billing city", True)
    else:
        out.append(ship_to)
        doc.add("shipping_city", "shipping.city", "str", city, "city it ships to",
                f"the shipping address is in {city}")
    doc.add("shipping_postcode", "shipping.postcode", "code", post, "postcode it ships to",
            f"the shipping postcode is {post}")
    if doc.distract():
        support = f"support@{SLUG[shop]}.com"
        out.append(f"A receipt was sent to {email}. Questions? Write to {support}.")
        doc.add("customer_email", "customer.email", "email", email, "customer's email address",
                f"the receipt went to the customer at {email}; {support} is the shop's", True)
    else:
        out.append(rng.choice((f"A receipt was sent to {email}.", f"Account email: {email}.")))
        doc.add("customer_email", "customer.email", "email", email, "customer's email address",
                f"the customer's address is {email}")
    return [lead, *out]


def _event(doc: Doc) -> list[str]:
    rng = doc
    event, org, venue, city = (rng.choice(EVENTS), rng.choice(ORGANIZERS), rng.choice(VENUES),
                               rng.choice(CITIES))
    when = doc.day()
    hour, minute = rng.randint(9, 21), rng.choice((0, 0, 15, 30, 45))
    tstyle = rng.below(3)
    start_s = fmt_time(hour, minute, tstyle)
    price = rng.randint(5, 120) * 100 + rng.choice((0, 0, 50, 99))
    cap = rng.randint(4, 80) * 25
    contact = f"{rng.choice(('events', 'info', 'hello', 'tickets'))}@{SLUG[org]}.org"
    lead = rng.choice((f"{org} presents the {event}!", f"Join us for the {event}, hosted by "
                       f"{org}.", f"Save the date: {event} ({org})."))
    doc.add("event_name", "", "str", event, "name of the event", f"the event is the {event}")
    doc.add("organizer", "organizer.name", "str", org, "organizer",
            f"it is organised by {org}")
    when_s = doc.d(when)
    out = [rng.choice((f"It takes place on {when_s} at {venue} in {city}.",
                       f"Date: {when_s}. Venue: {venue}, {city}."))]
    doc.add("venue", "location.venue", "str", venue, "venue name", f"the venue is {venue}")
    doc.add("city", "location.city", "str", city, "city", f"the venue is in {city}")
    deadline = when - timedelta(days=rng.randint(3, 30))
    dl_s = doc.d(deadline)
    if doc.distract():
        out.append(rng.choice((f"Registration closes on {dl_s}.",
                               f"Please register by {dl_s}.")))
        doc.add("event_date", "", "date", when.isoformat(), "date of the event (YYYY-MM-DD)",
                f"the event itself is on {when_s}; {dl_s} is the registration deadline", True)
    else:
        doc.add("event_date", "", "date", when.isoformat(), "date of the event (YYYY-MM-DD)",
                f"the event is on {when_s}")
    if doc.distract():
        dh, dm = divmod(hour * 60 + minute - rng.choice((30, 45, 60)), 60)
        doors = fmt_time(dh, dm, tstyle)
        out.append(f"Doors open at {doors} and the program starts at {start_s}.")
        doc.add("start_time", "", "time", f"{hour:02d}:{minute:02d}",
                "start time (24-hour HH:MM)",
                f"the program starts at {start_s}; {doors} is when doors open", True)
    else:
        out.append(rng.choice((f"Starts at {start_s}.", f"The program begins at {start_s}.")))
        doc.add("start_time", "", "time", f"{hour:02d}:{minute:02d}",
                "start time (24-hour HH:MM)", f"it starts at {start_s}")
    if doc.distract():
        early = price - rng.randint(1, 4) * 100
        out.append(rng.choice((
            f"Tickets are {doc.money(price)} ({doc.money(early)} early bird until {dl_s}).",
            f"Early-bird tickets cost {doc.money(early)}; the regular price is "
            f"{doc.money(price)}.")))
        doc.add("ticket_price", "tickets.price", "num", money_value(price),
                "regular ticket price (number)",
                f"the regular price is {doc.money(price)}; {doc.money(early)} is the early-bird "
                "price", True)
    else:
        out.append(rng.choice((f"Tickets: {doc.money(price)}.",
                               f"Admission is {doc.money(price)}.")))
        doc.add("ticket_price", "tickets.price", "num", money_value(price),
                "regular ticket price (number)", f"a ticket costs {doc.money(price)}")
    if doc.distract():
        sold = rng.randint(1, cap // 25 - 1) * 25 + rng.randint(1, 24)
        out.append(f"Capacity is {cap:,} and {sold:,} tickets are already sold.")
        doc.add("capacity", "tickets.capacity", "num", cap, "capacity (number of people)",
                f"the capacity is {cap:,}; {sold:,} is the number already sold", True)
    else:
        out.append(rng.choice((f"Space is limited to {cap:,} guests.",
                               f"Capacity: {cap:,} people.")))
        doc.add("capacity", "tickets.capacity", "num", cap, "capacity (number of people)",
                f"it holds {cap:,} people")
    out.append(rng.choice((f"Questions? Email {contact}.", f"Contact: {contact}.")))
    doc.add("contact_email", "organizer.email", "email", contact, "contact email",
            f"the contact address is {contact}")
    rng.shuffle(out)
    return [lead, *out]


def _job(doc: Doc) -> list[str]:
    rng = doc
    title, company, city = rng.choice(TITLES), rng.choice(COMPANIES), rng.choice(CITIES)
    kind = rng.choice(JOB_TYPES)
    remote = rng.random() < 0.5
    low = rng.randint(30, 150) * 1000
    high = low + rng.randint(2, 40) * 1000
    posted = doc.day()
    apply_by = posted + timedelta(days=rng.randint(10, 45))
    start = apply_by + timedelta(days=rng.randint(14, 90))
    years = rng.randint(1, 10)
    contact = f"{rng.choice(('jobs', 'careers', 'hiring', 'talent'))}@{SLUG[company]}.com"
    skills = rng.sample(SKILLS, rng.randint(2, 4))
    lead = rng.choice((f"{company} is hiring {_article(title)} {title} ({kind}).",
                       f"Job opening: {title[0].upper()}{title[1:]} at {company}. Employment type: "
                       f"{kind}.",
                       f"We're looking for {_article(title)} {title} to join {company} on a "
                       f"{kind} basis."))
    doc.add("job_title", "", "str", title, "job title", f"the role is {title}")
    doc.add("company", "company.name", "str", company, "hiring company",
            f"the employer is {company}")
    doc.add("employment_type", "", "str", kind,
            "employment type (full-time, part-time, contract, internship or temporary)",
            f"the posting says {kind}")
    where = (f"This position is fully remote (the team sits in {city})." if remote else
             f"This position is on-site in {city}.")
    out = [where]
    doc.add("location", "company.city", "str", city, "city of the office",
            f"the office is in {city}")
    doc.add("remote", "", "bool", remote, "whether the job is fully remote (true/false)",
            "it is fully remote" if remote else "it is on-site, not remote")
    cur = doc.cur
    if doc.level >= 3 and rng.random() < 0.4:
        pay = f"{cur}{low // 1000}k–{cur}{high // 1000}k a year"
    else:
        pay = f"{doc.money(low * 100)} to {doc.money(high * 100)} per year"
    if doc.distract():
        bonus = rng.randint(2, 10) * 1000
        out.append(f"Salary: {pay}, plus a {doc.money(bonus * 100)} signing bonus.")
        extra = f"; the {doc.money(bonus * 100)} signing bonus is separate"
    else:
        out.append(rng.choice((f"Salary: {pay}.", f"Pay range: {pay}.")))
        extra = ""
    doc.add("salary_min", "salary.min", "num", low, "lowest salary of the range (number)",
            f"the range is {pay}, so the minimum is {low}{extra}", bool(extra))
    doc.add("salary_max", "salary.max", "num", high, "highest salary of the range (number)",
            f"the range is {pay}, so the maximum is {high}{extra}", bool(extra))
    apply_s = doc.d(apply_by)
    if doc.distract():
        start_s = doc.d(start)
        out.append(rng.choice((f"Apply by {apply_s}; the expected start date is {start_s}.",
                               f"Start date: {start_s}. Applications close {apply_s}.")))
        doc.add("apply_by", "", "date", apply_by.isoformat(),
                "application deadline (YYYY-MM-DD)",
                f"applications close {apply_s}; {start_s} is the start date", True)
    else:
        out.append(rng.choice((f"Apply by {apply_s}.",
                               f"The application deadline is {apply_s}.")))
        doc.add("apply_by", "", "date", apply_by.isoformat(),
                "application deadline (YYYY-MM-DD)", f"the deadline is {apply_s}")
    if doc.distract():
        pref = years + rng.randint(2, 5)
        out.append(f"You need at least {years} years of experience ({pref}+ preferred).")
        doc.add("years_experience", "", "num", years, "minimum years of experience (number)",
                f"at least {years} years are required; {pref} is only preferred", True)
    else:
        out.append(rng.choice((f"Requires {years}+ years of experience.",
                               f"At least {years} years of experience needed.")))
        doc.add("years_experience", "", "num", years, "minimum years of experience (number)",
                f"the posting asks for {years} years")
    listed = ", ".join(skills[:-1]) + " and " + skills[-1]
    if doc.distract():
        nice = rng.choice([s for s in SKILLS if s not in skills])
        out.append(f"Required skills: {listed}. Nice to have: {nice}.")
        doc.add("skills", "", "list", skills, "required skills (list of strings)",
                f"required: {listed}; {nice} is only nice to have", True)
    else:
        out.append(rng.choice((f"Required skills: {listed}.",
                               f"You should know {listed}.")))
        doc.add("skills", "", "list", skills, "required skills (list of strings)",
                f"the skills listed are {listed}")
    out.append(rng.choice((f"Send your CV to {contact}.", f"To apply, email {contact}.")))
    doc.add("contact_email", "company.email", "email", contact, "email to apply to",
            f"applications go to {contact}")
    rng.shuffle(out)
    return [lead, *out]


def _product(doc: Doc) -> list[str]:
    rng = doc
    brand, model, noun = rng.choice(BRANDS), rng.choice(MODELS), rng.choice(PRODUCT_NAMES)
    if rng.random() < 0.5:
        model += f" {rng.randint(2, 9)}"
    product = f"{brand} {model} {noun}"
    color = rng.choice(COLORS)
    price = rng.randint(9, 900) * 100 + rng.choice((0, 99, 95, 49))
    rating = Fraction(rng.randint(30, 50), 10)
    reviews = rng.randint(3, 9000)
    sku = f"{brand[:3].upper()}-{rng.randint(1000, 9999)}-{color[:2].upper()}"
    lo, hi = PRODUCTS[noun]
    grams = rng.randint(lo // 5, hi // 5) * 5
    stock = rng.choice((0, rng.randint(1, 40)))
    lead = rng.choice((f"{product} — {color}.", f"New listing: {product} in {color}.",
                       f"{product} ({color})"))
    doc.add("product_name", "", "str", product, "product name without the colour",
            f"the product is the {product}")
    doc.add("brand", "", "str", brand, "brand", f"the brand is {brand}")
    out = []
    if doc.distract():
        old = price + rng.randint(1, 20) * 500
        out.append(rng.choice((f"Now {doc.money(price)} (was {doc.money(old)}).",
                               f"Price: {doc.money(price)}, reduced from {doc.money(old)}.")))
        doc.add("price", "pricing.current", "num", money_value(price),
                "current price (number)",
                f"it costs {doc.money(price)} now; {doc.money(old)} was the old price", True)
        doc.add("original_price", "pricing.original", "num", money_value(old),
                "price before the reduction (number)", f"it was {doc.money(old)} before")
    else:
        out.append(rng.choice((f"Price: {doc.money(price)}.", f"Yours for {doc.money(price)}.")))
        doc.add("price", "pricing.current", "num", money_value(price), "price (number)",
                f"the price is {doc.money(price)}")
    rating_s = f"{float(rating):.1f}"
    if doc.distract():
        answered = rng.randint(2, 400)
        out.append(f"Rated {rating_s}/5 by {reviews:,} reviewers; {answered} questions "
                   "answered.")
        doc.add("review_count", "reviews.count", "num", reviews, "number of reviews (number)",
                f"{reviews:,} reviews; {answered} is the number of answered questions", True)
    else:
        out.append(rng.choice((f"Average rating {rating_s} out of 5 ({reviews:,} reviews).",
                               f"{rating_s} stars from {reviews:,} reviews.")))
        doc.add("review_count", "reviews.count", "num", reviews, "number of reviews (number)",
                f"there are {reviews:,} reviews")
    doc.add("rating", "reviews.rating", "num", float(rating),
            "average rating out of 5 (number)", f"the rating is {rating_s}")
    out.append(rng.choice((f"SKU: {sku}.", f"Item code {sku}.")))
    doc.add("sku", "", "code", sku, "SKU", f"the SKU is {sku}")
    if doc.distract():
        others = rng.sample([c for c in COLORS if c != color], 2)
        out.append(f"Also available in {others[0]} and {others[1]}.")
        doc.add("color", "", "str", color, "colour of this listing",
                f"this listing is {color}; {others[0]} and {others[1]} are other options", True)
    else:
        doc.add("color", "", "str", color, "colour", f"the colour is {color}")
    kg = Fraction(grams, 1000)
    kg_value = int(kg) if kg.denominator == 1 else float(kg)
    if doc.level >= 4 and rng.random() < 0.5:
        out.append(f"Weight: {grams:,} g.")
        doc.add("weight_kg", "", "num", kg_value, "weight in kilograms (number)",
                f"{grams:,} g is {kg_value} kg")
    else:
        out.append(rng.choice((f"Weight: {kg_value} kg.", f"It weighs {kg_value} kg.")))
        doc.add("weight_kg", "", "num", kg_value, "weight in kilograms (number)",
                f"it weighs {kg_value} kg")
    out.append(f"Only {stock} left in stock." if stock else "Currently out of stock.")
    doc.add("in_stock", "", "bool", bool(stock), "whether it is in stock (true/false)",
            f"{stock} left, so it is in stock" if stock else "it is out of stock")
    rng.shuffle(out)
    return [lead, *out]


def _booking(doc: Doc) -> list[str]:
    rng = doc
    first, last = doc.name()
    name = f"{first} {last}"
    email = f"{SLUG[first]}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
    hotel, city, room = rng.choice(HOTELS), rng.choice(CITIES), rng.choice(ROOMS)
    check_in = doc.day()
    nights = rng.randint(1, 9)
    check_out = check_in + timedelta(days=nights)
    rate = rng.randint(45, 420)
    code = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
    lead = rng.choice((f"Booking confirmed at {hotel}, {city}. Confirmation code: {code}.",
                       f"Dear {name}, your stay at {hotel} ({city}) is confirmed (ref. {code}).",
                       f"{hotel} — reservation {code}."))
    doc.add("hotel", "", "str", hotel, "hotel name", f"the hotel is {hotel}")
    doc.add("confirmation_code", "", "code", code, "confirmation code",
            f"the code is {code}")
    out = [rng.choice((f"Guest: {name} ({email}).",
                       f"Booked for {name}; confirmation sent to {email}."))]
    doc.add("guest_name", "guest.name", "str", name, "guest's full name",
            f"the guest is {name}")
    doc.add("guest_email", "guest.email", "email", email, "guest's email",
            f"the guest's email is {email}")
    in_s, out_s = doc.d(check_in), doc.d(check_out)
    out.append(rng.choice((f"Check-in {in_s}, check-out {out_s} ({nights} "
                           f"night{'s' if nights > 1 else ''}).",
                           f"Arrival: {in_s}. Departure: {out_s}.")))
    if doc.distract():
        booked = check_in - timedelta(days=rng.randint(3, 120))
        booked_s = doc.d(booked)
        out.append(f"Booked on {booked_s}.")
        doc.add("check_in", "stay.check_in", "date", check_in.isoformat(),
                "check-in date (YYYY-MM-DD)",
                f"check-in is {in_s}; the booking itself was made on {booked_s}", True)
    else:
        doc.add("check_in", "stay.check_in", "date", check_in.isoformat(),
                "check-in date (YYYY-MM-DD)", f"check-in is {in_s}")
    doc.add("check_out", "stay.check_out", "date", check_out.isoformat(),
            "check-out date (YYYY-MM-DD)", f"check-out is {out_s}")
    doc.add("nights", "stay.nights", "num", nights, "number of nights (number)",
            f"from {in_s} to {out_s} is {nights} night{'s' if nights > 1 else ''}")
    adults = rng.randint(1, 3)
    kids = rng.choice((0, 0, rng.randint(1, 3)))
    if kids:
        out.append(f"Room: {room} for {adults} adult{'s' if adults > 1 else ''} and {kids} "
                   f"child{'ren' if kids > 1 else ''}.")
        doc.add("guests", "", "num", adults + kids, "number of guests, children included",
                f"{adults} adult{'s' if adults > 1 else ''} and {kids} "
                f"child{'ren' if kids > 1 else ''}: {adults} + {kids} = {adults + kids}", True)
    else:
        out.append(f"Room: {room}, {adults} guest{'s' if adults > 1 else ''}.")
        doc.add("guests", "", "num", adults, "number of guests, children included",
                f"{adults} guest{'s' if adults > 1 else ''}")
    doc.add("room_type", "", "str", room, "room type", f"the room is a {room}")
    total = rate * nights
    if doc.distract():
        tax = rng.randint(1, 5) * nights
        out.append(f"Rate: {doc.money(rate * 100)} per night; total with city tax "
                   f"{doc.money((total + tax) * 100)}.")
        doc.add("total_price", "", "num", total + tax, "total price including taxes (number)",
                f"{nights} × {rate} + {tax} = {total + tax}, as the total with tax states; "
                f"{doc.money(rate * 100)} is only the nightly rate", True)
    else:
        out.append(rng.choice((f"Total: {doc.money(total * 100)}.",
                               f"Total price: {doc.money(total * 100)} "
                               f"({doc.money(rate * 100)} per night).")))
        doc.add("total_price", "", "num", total, "total price including taxes (number)",
                f"the total is {doc.money(total * 100)}")
    rng.shuffle(out)
    return [lead, *out]


def _property(doc: Doc) -> list[str]:
    rng = doc
    first, last = doc.name()
    agent = f"{first} {last}"
    agency = rng.choice(("Keystone Homes", "Bricklane Realty", "Harbour Estates",
                         "Oakwood Property", "UrbanNest"))
    email = f"{SLUG[first]}@{_ascii(agency)}.com"
    phone = doc.phone()
    street = f"{rng.randint(1, 250)} {rng.choice(STREETS)}"
    city, post = rng.choice(CITIES), str(rng.randint(10000, 99999))
    price = rng.randint(90, 1500) * 1000
    beds = rng.randint(1, 6)
    baths = rng.randint(1, min(3, beds))
    area = rng.randint(35, 320)
    built = rng.randint(1890, 2022)
    lead = rng.choice((f"For sale: {street}, {post} {city}.",
                       f"{beds}-bedroom home at {street}, {city} {post}.",
                       f"Just listed — {street}, {city} ({post})."))
    doc.add("street", "address.street", "str", street, "street address (number and street)",
            f"the address is {street}")
    doc.add("city", "address.city", "str", city, "city", f"it is in {city}")
    doc.add("postcode", "address.postcode", "code", post, "postcode", f"the postcode is {post}")
    out = []
    if doc.distract():
        old = price + rng.randint(5, 60) * 1000
        out.append(rng.choice((f"Asking price {doc.money(price * 100)}, reduced from "
                               f"{doc.money(old * 100)}.",
                               f"Was {doc.money(old * 100)}, now {doc.money(price * 100)}.")))
        doc.add("price", "", "num", price, "current asking price (number)",
                f"the asking price is {doc.money(price * 100)} now; {doc.money(old * 100)} was "
                "the earlier price", True)
    else:
        out.append(rng.choice((f"Asking price: {doc.money(price * 100)}.",
                               f"Offers around {doc.money(price * 100)}.")))
        doc.add("price", "", "num", price, "asking price (number)",
                f"the price is {doc.money(price * 100)}")
    out.append(rng.choice((f"{beds} bedroom{'s' if beds > 1 else ''}, {baths} "
                           f"bathroom{'s' if baths > 1 else ''}.",
                           f"It has {beds} bedroom{'s' if beds > 1 else ''} and {baths} "
                           f"bathroom{'s' if baths > 1 else ''}.")))
    doc.add("bedrooms", "", "num", beds, "bedrooms (number)", f"{beds} bedrooms")
    doc.add("bathrooms", "", "num", baths, "bathrooms (number)", f"{baths} bathrooms")
    if doc.distract():
        plot = area + rng.randint(20, 800)
        out.append(f"Living area {area} m² on a {plot} m² plot.")
        doc.add("area_sqm", "", "num", area, "living area in square metres (number)",
                f"the living area is {area} m²; {plot} m² is the plot", True)
    else:
        out.append(rng.choice((f"Living area: {area} m².", f"{area} square metres inside.")))
        doc.add("area_sqm", "", "num", area, "living area in square metres (number)",
                f"the living area is {area} m²")
    if doc.distract() and built < 2020:
        reno = rng.randint(built + 1, 2024)
        out.append(f"Built in {built}, renovated in {reno}.")
        doc.add("year_built", "", "num", built, "year built (number)",
                f"built in {built}; {reno} is the renovation", True)
    else:
        out.append(rng.choice((f"Built in {built}.", f"Year of construction: {built}.")))
        doc.add("year_built", "", "num", built, "year built (number)", f"built in {built}")
    shown = fmt_phone(phone, rng.below(4))
    out.append(rng.choice((f"Viewings: {agent} ({agency}), {shown}, {email}.",
                           f"Contact agent {agent} at {email} or {shown}.")))
    doc.add("agent_name", "agent.name", "str", agent, "agent's name",
            f"the agent is {agent}")
    doc.add("agent_phone", "agent.phone", "phone", fmt_phone(phone, 1), "agent's phone number",
            f"the phone number is {shown}")
    doc.add("agent_email", "agent.email", "email", email, "agent's email",
            f"the agent's email is {email}")
    rng.shuffle(out)
    return [lead, *out]


KINDS = {"profile": _profile, "order": _order, "event": _event, "job": _job,
         "product": _product, "booking": _booking, "property": _property}
KIND_NAMES = tuple(KINDS)

INTROS = ("Extract the following fields from the {doc} below and return them as a JSON object.",
          "Read the {doc} and return a JSON object with the fields listed.",
          "From the text that follows ({a} {doc}), pull out the requested information as JSON.",
          "Fill in a JSON object with information from this {doc}.")
SOLUTION_INTROS = ("This is {a} {doc}. Going through the requested fields:",
                   "Find each requested field in the {doc}:",
                   "Reading the {doc} field by field:")
PLACEHOLDER = {"num": "<number>", "date": '"YYYY-MM-DD"', "time": '"HH:MM"',
               "bool": "<true or false>", "list": '["<text>", ...]'}


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _shape(obj: dict[str, Any]) -> str:
    """A JSON-like skeleton with type placeholders (numbers and booleans unquoted)."""
    return "{" + ", ".join(f'"{k}": {_shape(v) if isinstance(v, dict) else v}'
                           for k, v in obj.items()) + "}"


def _put(obj: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        obj = obj.setdefault(part, {})
    obj[last] = value


@family("extract_json")
class ExtractJson(Family):
    """Extract specified fields from a short generated text (profile, order, event, job,
    product, booking, property) into a JSON object; scored field by field."""

    domain = "information extraction"
    skills = ("information extraction", "reading comprehension", "json output",
              "normalising dates and numbers")
    answer_kind = "json"

    def make(self, rng: random.Random, level: int) -> Task:
        doc = Doc(rng, level)
        kind = doc.choice(KIND_NAMES)
        sentences = KINDS[kind](doc)
        chosen = self._choose(doc, doc.fields, level)
        nested = level == 5
        paths = [(f.nest or f.key) if nested else f.key for f in chosen]

        answer_obj: dict[str, Any] = {}
        for path, f in zip(paths, chosen, strict=True):
            _put(answer_obj, path, f.value)
        answer = _json(answer_obj)

        doc_name = DOCS[kind]
        text = " ".join(sentences) if doc.random() < 0.6 else "\n".join(sentences)
        intro = doc.choice(INTROS).format(doc=doc_name, a=_article(doc_name))
        if nested or doc.random() < 0.35:
            skeleton: dict[str, Any] = {}
            for path, f in zip(paths, chosen, strict=True):
                _put(skeleton, path, PLACEHOLDER.get(f.kind, '"<text>"'))
            spec = ("Use this shape:\n" + _shape(skeleton) + "\nKeys: "
                    + "; ".join(f"{p}, {f.desc}" for p, f in zip(paths, chosen, strict=True))
                    + ".")
        else:
            spec = "Fields:\n" + "\n".join(f"- {p}: {f.desc}" for p, f in zip(paths, chosen,
                                                                              strict=True))
        rules = ("Dates as YYYY-MM-DD, times as 24-hour HH:MM, amounts as plain numbers without "
                 "currency symbols.")
        if doc.random() < 0.5:
            question = f"{intro}\n\nText:\n\"\"\"\n{text}\n\"\"\"\n\n{spec}\n{rules}"
        else:
            question = f"{text}\n\n---\n{intro}\n{spec}\n{rules}"

        lines = [doc.choice(SOLUTION_INTROS).format(doc=doc_name, a=_article(doc_name))]
        for path, f in zip(paths, chosen, strict=True):
            lines.append(f"- {path}: {f.note} → {_json(f.value)}")
        lines.append(doc.choice(("Putting the values together as one JSON object:",
                                 "So the object is:", "Assembled (keys sorted):")))
        lines.append(answer)
        check = {"fields": {p: [f.kind, f.value] for p, f in zip(paths, chosen, strict=True)}}
        return Task(question, answer, "\n".join(lines), check)

    @staticmethod
    def _choose(doc: Doc, fields: list[Field], level: int) -> list[Field]:
        n = N_FIELDS[level]
        first: list[Field] = []
        if level == 5:  # at least two fields of one nested object
            groups: dict[str, list[Field]] = {}
            for f in fields:
                if f.nest:
                    groups.setdefault(f.nest.split(".")[0], []).append(f)
            big = [g for g in groups.values() if len(g) >= 2]
            if big:
                first = doc.sample(doc.choice(big), 2)
        taken = {f.key for f in first}
        tricky = [f for f in fields if f.tricky and f.key not in taken]
        first += doc.sample(tricky, min(len(tricky), N_TRICKY[level]))
        taken = {f.key for f in first}
        rest = [f for f in fields if f.key not in taken]
        chosen = first + doc.sample(rest, max(0, min(len(rest), n - len(first))))
        doc.shuffle(chosen)
        return chosen

    @classmethod
    def extract(cls, response: str) -> str:
        """What follows the last "Answer:", which may be a multi-line or fenced object."""
        at = response.casefold().rfind("answer:")
        if at >= 0 and "{" in response[at:]:
            return response[at + len("answer:"):].strip()
        return extract_final(response)

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        fields = task.check.get("fields")
        if not fields:
            expected = load_json(task.answer)
            if not isinstance(expected, dict):
                return 0.0
            fields = {p: [_infer(v), v] for p, v in _flatten(expected)}
        got = load_json(answer)
        if not isinstance(got, dict) or not fields:
            return 0.0
        right = sum(same_value(kind, value, _get(got, path))
                    for path, (kind, value) in fields.items())
        return right / len(fields)

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        fields = task.check.get("fields") or {}
        out = ["not json", "{}", task.answer[:-1]]
        if fields:
            paths = sorted(fields)
            path = rng.choice(paths)
            kind, value = fields[path]
            obj: dict[str, Any] = {}
            for p in paths:
                _put(obj, p, _wrong(kind, value) if p == path else fields[p][1])
            out.append(_json(obj))
            obj = {}
            for p in paths:
                if p != path:
                    _put(obj, p, fields[p][1])
            out.append(_json(obj))
        return out


# ---- reading and comparing answers ---------------------------------------------------------

_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)\s*```", re.S)
_MISSING = object()


def load_json(text: str) -> Any:
    """The JSON value in an answer, ignoring code fences and text around the object."""
    s = text.strip()
    fenced = _FENCE.search(s)
    if fenced:
        s = fenced.group(1).strip()
    if not s.startswith("{"):
        i, j = s.find("{"), s.rfind("}")
        if i < 0 or j < i:
            return None
        s = s[i:j + 1]
    try:
        return orjson.loads(s)
    except orjson.JSONDecodeError:
        return None


def _get(obj: Any, path: str) -> Any:
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            cur = _MISSING
            break
        if part in cur:
            cur = cur[part]
            continue
        folded = {str(k).strip().casefold(): v for k, v in cur.items()}
        cur = folded.get(part.casefold(), _MISSING)
        if cur is _MISSING:
            break
    if cur is _MISSING and "." in path and isinstance(obj, dict):
        cur = obj.get(path, _MISSING)
    return cur


def _flatten(obj: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for k, v in obj.items():
        if isinstance(v, dict):
            out += _flatten(v, f"{prefix}{k}.")
        else:
            out.append((f"{prefix}{k}", v))
    return out


def _infer(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "num"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str) and iso_date(value) == value:
        return "date"
    return "str"


def _fold(text: str) -> str:
    return " ".join(norm_text(text).replace("-", " ").replace("_", " ").split())


_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:t[\d:.]+z?)?")
_MDY = re.compile(r"([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DMY = re.compile(r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?,?\s+(\d{4})")


def iso_date(text: Any) -> str | None:
    """A date in ISO form from `2025-03-14`, `March 14, 2025`, `14 Mar 2025`,
    `Friday, 14 March 2025` or `the 14th of March 2025` (None if not a date)."""
    if not isinstance(text, str):
        return None
    s = _WEEKDAY.sub("", text.strip().casefold().rstrip("."))
    try:
        if m := _ISO.fullmatch(s):
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := _MDY.fullmatch(s):
            month = MONTH_NUMBER.get(m[1][:3])
            return date(int(m[3]), month, int(m[2])).isoformat() if month else None
        if m := _DMY.fullmatch(s):
            month = MONTH_NUMBER.get(m[2][:3])
            return date(int(m[3]), month, int(m[1])).isoformat() if month else None
    except ValueError:
        return None
    return None


_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(?::\d{2})?\s*([ap])?\.?\s*(?:m\.?)?")


def hhmm(text: Any) -> str | None:
    """A time as 24-hour HH:MM from `19:30`, `7:30 PM`, `7.30pm`, `7 pm` or `19:30:00`."""
    if not isinstance(text, str):
        return None
    m = _TIME.fullmatch(text.strip().casefold())
    if not m or (m[2] is None and m[3] is None):
        return None
    h, mins = int(m[1]), int(m[2] or 0)
    if m[3]:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m[3] == "p" else 0)
    if h > 23 or mins > 59:
        return None
    return f"{h:02d}:{mins:02d}"


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    if isinstance(value, str):
        return parse_number(value, percent=False)
    return None


def same_value(kind: str, expected: Any, got: Any) -> bool:
    """Whether an extracted value matches the expected one, by the field's kind."""
    if got is _MISSING or got is None:
        return False
    if kind == "num":
        return _number(got) is not None and _number(got) == _number(expected)
    if kind == "bool":
        value = got if isinstance(got, bool) else parse_bool(str(got))
        return value is not None and value == expected
    if kind == "date":
        return iso_date(got) == expected
    if kind == "time":
        return hhmm(got) == expected
    if kind == "phone":
        digits = re.sub(r"\D", "", str(got))
        return len(digits) >= 10 and digits[-10:] == re.sub(r"\D", "", expected)[-10:]
    if kind == "email":
        return str(got).strip().casefold().removeprefix("mailto:") == expected.casefold()
    if kind == "list":
        items = got if isinstance(got, list) else re.split(r"\s*,\s*|\s+and\s+", str(got))
        return sorted(_fold(str(x)) for x in items) == sorted(_fold(x) for x in expected)
    if kind == "code":
        return norm_text(str(got)).lstrip("#") == norm_text(str(expected)).lstrip("#")
    if isinstance(got, dict | list):
        return False
    return _fold(str(got)) == _fold(str(expected))


def _wrong(kind: str, value: Any) -> Any:
    """A plausible wrong value of a field."""
    if kind == "num":
        return value + 1
    if kind == "bool":
        return not value
    if kind == "date":
        return (date.fromisoformat(value) + timedelta(days=1)).isoformat()
    if kind == "time":
        h, m = value.split(":")
        return f"{(int(h) + 1) % 24:02d}:{m}"
    if kind == "phone":
        return value[:-1] + str((int(value[-1]) + 1) % 10)
    if kind == "list":
        return [*value[:-1], "COBOL"]
    return value + "x"
