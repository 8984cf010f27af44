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
from typing import Any

import orjson

from synthforge.generate.procedural._extract_doc import (
    DOCS,
    N_FIELDS,
    N_TRICKY,
    Doc,
    Field,
    _article,
    fmt_date,
    fmt_money,
    fmt_phone,
    fmt_time,
    money_value,
    plain,
)
from synthforge.generate.procedural._extract_people import _event, _job, _profile
from synthforge.generate.procedural._extract_sales import _booking, _order, _product, _property
from synthforge.generate.procedural._extract_score import (
    _flatten,
    _get,
    _infer,
    _wrong,
    hhmm,
    iso_date,
    load_json,
    same_value,
)
from synthforge.generate.procedural.answers import extract_final
from synthforge.generate.procedural.base import Family, Task, family

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


__all__ = ["DOCS", "KINDS", "KIND_NAMES", "Doc", "ExtractJson", "Field", "fmt_date", "fmt_money",
           "fmt_phone", "fmt_time", "hhmm", "iso_date", "load_json", "money_value", "plain",
           "same_value"]
