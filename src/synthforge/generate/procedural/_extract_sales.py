"""extract_json texts about sales: order confirmations, product and property listings,
hotel bookings."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from synthforge.generate.procedural._extract_doc import (
    BRANDS,
    CITIES,
    COLORS,
    DOMAINS,
    HOTELS,
    MODELS,
    PAYMENTS,
    PRODUCT_NAMES,
    PRODUCTS,
    ROOMS,
    SLUG,
    STREETS,
    Doc,
    _ascii,
    fmt_phone,
    money_value,
    plain,
)


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
