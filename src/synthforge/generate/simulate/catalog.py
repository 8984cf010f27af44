"""What the simulated worlds are made of: names, places, carriers and a product catalog."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Product:
    """A product: its name, the name with an article, a price range in cents, a damage."""

    sku: str
    name: str
    a_name: str
    lo: int
    hi: int
    damage: str


def _p(sku: str, name: str, a_name: str, lo: int, hi: int, damage: str) -> Product:
    return Product(sku, name, a_name, lo * 100, hi * 100, damage)


PRODUCTS: tuple[Product, ...] = (
    _p("EB-210", "wireless earbuds", "a pair of wireless earbuds", 39, 189,
       "one of the earbuds is crushed"),
    _p("MN-270", "27-inch monitor", "a 27-inch monitor", 179, 649, "the screen is cracked"),
    _p("EM-450", "espresso machine", "an espresso machine", 249, 899,
       "the water tank is cracked"),
    _p("SD-120", "standing desk", "a standing desk", 299, 849, "one of the legs is bent"),
    _p("OC-330", "office chair", "an office chair", 149, 599,
       "one of the wheels snapped off"),
    _p("RV-700", "robot vacuum", "a robot vacuum", 199, 749, "the bumper is cracked"),
    _p("AF-500", "air fryer", "an air fryer", 69, 199, "the basket is dented"),
    _p("BL-300", "blender", "a blender", 49, 229, "the jar has a crack down the side"),
    _p("MG-040", "ceramic mug set", "a ceramic mug set", 24, 59,
       "two of the mugs are shattered"),
    _p("DL-015", "desk lamp", "a desk lamp", 22, 89, "the shade is cracked"),
    _p("YM-008", "yoga mat", "a yoga mat", 19, 79, "there's a long tear in the middle"),
    _p("RS-420", "running shoes", "a pair of running shoes", 59, 179,
       "the box was crushed and one shoe is scuffed"),
    _p("WJ-880", "winter jacket", "a winter jacket", 89, 349, "the zipper is ripped"),
    _p("BP-260", "hiking backpack", "a hiking backpack", 39, 149, "one strap is torn off"),
    _p("SP-090", "bluetooth speaker", "a bluetooth speaker", 29, 249,
       "the grille is dented"),
    _p("KB-610", "mechanical keyboard", "a mechanical keyboard", 69, 219,
       "several keys snapped off"),
    _p("SW-140", "smartwatch", "a smartwatch", 149, 499, "the screen is scratched"),
    _p("TB-110", "tablet", "a tablet", 199, 899, "the screen is cracked"),
    _p("LT-150", "laptop", "a laptop", 599, 1899, "the lid is dented and won't close"),
    _p("SK-012", "cast iron skillet", "a cast iron skillet", 29, 89,
       "the handle is chipped"),
    _p("CW-900", "cookware set", "a cookware set", 89, 449, "two of the lids are shattered"),
    _p("TH-030", "electric toothbrush", "an electric toothbrush", 39, 179,
       "the charging base is cracked"),
    _p("HS-550", "gaming headset", "a gaming headset", 49, 249, "the headband snapped"),
    _p("NC-800", "noise-cancelling headphones", "a pair of noise-cancelling headphones",
       149, 449, "the headband is cracked"),
    _p("CG-070", "coffee grinder", "a coffee grinder", 39, 249, "the hopper is cracked"),
    _p("WC-020", "wall clock", "a wall clock", 19, 79, "the glass is shattered"),
    _p("RG-580", "area rug", "an area rug", 79, 499, "one edge is torn"),
    _p("BS-640", "bookshelf", "a bookshelf", 69, 349, "one of the shelves is split"),
    _p("NT-360", "nightstand", "a nightstand", 59, 249, "the top is deeply scratched"),
    _p("CL-990", "camera lens", "a camera lens", 199, 1299, "the front glass is scratched"),
    _p("DC-400", "mirrorless camera", "a mirrorless camera", 499, 1599,
       "the screen is cracked"),
    _p("WB-005", "insulated water bottle", "an insulated water bottle", 15, 45,
       "the lid is cracked"),
    _p("DC-220", "set of dining chairs", "a set of dining chairs", 129, 399,
       "one chair leg is split"),
    _p("MW-180", "microwave", "a microwave", 89, 299, "the door is dented"),
    _p("HD-060", "hair dryer", "a hair dryer", 29, 149, "the nozzle is broken"),
    _p("PR-230", "printer", "a printer", 89, 449, "the paper tray snapped off"),
    _p("MX-520", "stand mixer", "a stand mixer", 199, 599, "the bowl is dented"),
    _p("KT-025", "electric kettle", "an electric kettle", 25, 99, "the lid hinge is broken"),
    _p("TV-550", "55-inch TV", "a 55-inch TV", 349, 1199, "the screen is cracked"),
    _p("PH-075", "phone case", "a phone case", 12, 49, "it's cracked at the corner"),
)

FIRST_NAMES = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Mateo", "Sophia", "Lucas", "Mia", "Ethan",
    "Amara", "Hiroshi", "Priya", "Diego", "Fatima", "Jamal", "Chloe", "Wei", "Sofia", "Omar",
    "Grace", "Daniel", "Aisha", "Marcus", "Elena", "Tyler", "Nadia", "Kevin", "Hannah",
    "Rahul", "Isabel", "Samuel", "Leah", "Andre", "Yuki", "Carmen", "Patrick", "Zoe",
    "Tomás", "Ruth", "Kwame", "Julia", "Ben", "Mei", "Victor", "Laura", "Ahmed", "Nina",
    "Connor", "Rosa", "Dev", "Megan", "Ivan", "Tanya", "Luis", "Abby", "Felix", "Gloria",
)
LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Nguyen", "Patel", "Kim", "Brown", "Martinez", "Okafor",
    "Müller", "Rossi", "Cohen", "Williams", "Lopez", "Tanaka", "Singh", "Davis", "Hernandez",
    "Chen", "Wilson", "Anderson", "Silva", "Khan", "Murphy", "Ivanova", "Moore", "Taylor",
    "Rivera", "Lee", "Walker", "Mensah", "Fischer", "Dubois", "Novak", "Clark", "Lewis",
    "Hall", "Young", "Allen", "Wright", "Scott", "Torres", "Park", "Ramos", "Reyes",
    "Bianchi", "Jensen", "Larsen", "O'Brien", "Kowalski", "Haddad", "Ali", "Baker",
)
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com",
                 "proton.me", "aol.com", "fastmail.com")
STREETS = ("Maple Ave", "Oak St", "Cedar Ln", "Pine St", "Elm St", "Lakeview Dr", "Main St",
           "Sunset Blvd", "Highland Ave", "Washington St", "Park Pl", "Willow Way",
           "River Rd", "Church St", "Birch Ct", "Meadow Ln", "Hillcrest Rd", "Franklin Ave",
           "Jefferson St", "Spring St", "Chestnut St", "Valley Rd", "Broadway", "Mill Rd")
CITIES = (("Portland", "OR", "972"), ("Austin", "TX", "787"), ("Denver", "CO", "802"),
          ("Columbus", "OH", "432"), ("Raleigh", "NC", "276"), ("Madison", "WI", "537"),
          ("Tucson", "AZ", "857"), ("Boise", "ID", "837"), ("Richmond", "VA", "232"),
          ("Omaha", "NE", "681"), ("Sacramento", "CA", "958"), ("Tampa", "FL", "336"),
          ("Pittsburgh", "PA", "152"), ("Salt Lake City", "UT", "841"),
          ("Nashville", "TN", "372"), ("Albany", "NY", "122"), ("Spokane", "WA", "992"),
          ("Louisville", "KY", "402"), ("Providence", "RI", "029"),
          ("Minneapolis", "MN", "554"), ("Savannah", "GA", "314"), ("Burlington", "VT", "054"))
HUBS = ("Memphis, TN", "Louisville, KY", "Indianapolis, IN", "Ontario, CA", "Dallas, TX",
        "Atlanta, GA", "Chicago, IL", "Newark, NJ", "Reno, NV", "Kansas City, MO")
CARRIERS = ("UPS", "FedEx", "USPS", "DHL")
AGENT_NAMES = ("Maya", "Jordan", "Sam", "Priya", "Alex", "Chris", "Nora", "Luis", "Taylor",
               "Imani", "Ben", "Keiko", "Rosa", "Omar", "Dana")
RETURN_REASONS = (
    "it doesn't fit", "it's smaller than I expected", "I changed my mind",
    "it doesn't match the photos", "I found it cheaper elsewhere", "I ordered the wrong size",
    "the color is off", "it was a gift and they already have one", "it's too heavy",
    "it doesn't work with my setup",
)
