"""extract_json texts about people: staff profiles, event announcements, job postings."""

from __future__ import annotations

from datetime import date, timedelta

from synthforge.generate.procedural._extract_doc import (
    CITIES,
    COMPANIES,
    DAY_2026,
    DOMAINS,
    EVENTS,
    JOB_TYPES,
    ORGANIZERS,
    SKILLS,
    SLUG,
    TITLES,
    VENUES,
    Doc,
    _article,
    fmt_phone,
    fmt_time,
    money_value,
)


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
