"""The `template` generator: Jinja2 templates over slots filled by samplers.

    mix:
      - generator: template
        params:
          fields:
            text: "The company {CompanyName} announced {ProductName}."
          slots:
            CompanyName: {faker: company}
            ProductName: {choice: [Nimbus, Quanta, Helix]}
          unique: [ProductName]

A template that contains `{{` or `{%` is plain Jinja2; otherwise each `{name}` is a slot
and every other brace is literal text. Item `k` reseeds one RNG from (seed, source, k); the
sampled slots draw from it in order (Faker too), then derived slots are computed in
dependency order, then the fields are rendered. `unique` slots are not drawn: item `k`
takes combination `perm(k)` of their values, so no combination repeats until all are used
(their weights are ignored: every value is covered equally).

Faker's dates are measured from `today` (a fixed day in the recipe, noon UTC), not from the
clock, so the same recipe gives the same data on any day and machine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import graphlib
import inspect
import math
import random
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Annotated, Any

from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, meta
from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from synthforge import registry
from synthforge.generate.fakerclock import FakerClock
from synthforge.generate.permute import FeistelPermutation
from synthforge.generate.samplers import (
    FINITE,
    DeriveSpec,
    FakerSpec,
    Finish,
    FiniteSpec,
    Slot,
    suggest,
)
from synthforge.record import derive_seed
from synthforge.stage import Context, Generator, GeneratorConfig, Reject

ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
"""The one Jinja2 environment of templates: a missing name is an error, output is raw."""

SLOT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED = frozenset({"true", "false", "none", "True", "False", "None", "and", "or", "not",
                      "in", "is", "if", "else", "self"})
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}|\{#")
_EXPRESSION = re.compile(r"\s*\{\{(.*)\}\}\s*", re.DOTALL)

Loc = tuple[str | int, ...]


# ---- templates ------------------------------------------------------------------------------

def is_jinja(text: str) -> bool:
    """Whether a template is written in Jinja2 (it has `{{` or `{%`)."""
    return "{{" in text or "{%" in text


def to_jinja(text: str) -> str:
    """The Jinja2 source of a template: `{name}` (or `{name.key}`) becomes `{{ name }}`.

    Templates that already use `{{` or `{%` are Jinja2 as written.
    """
    if is_jinja(text):
        return text
    return _PLACEHOLDER.sub(_placeholder, text)


def _placeholder(match: re.Match[str]) -> str:
    name = match.group(1)
    return "{{ " + name + " }}" if name else "{{ '{#' }}"  # a literal `{#` is no comment


def template_names(text: str) -> set[str]:
    """The names a template reads; raises TemplateSyntaxError if it does not compile."""
    ast = ENV.parse(to_jinja(text))
    ENV.compile(ast)  # unknown filters and tests fail here, not in parse
    return meta.find_undeclared_variables(ast) - set(ENV.globals)


def compile_template(text: str) -> Callable[[dict[str, Any]], str]:
    """A render function `values -> str` for a template."""
    return ENV.from_string(to_jinja(text)).render


def compile_derive(text: str) -> Callable[[dict[str, Any]], Any]:
    """An evaluate function for a derived slot.

    A single `{{ expression }}` keeps the expression's value (a number stays a number);
    anything else renders to a string.
    """
    source = to_jinja(text)
    match = _EXPRESSION.fullmatch(source)
    if match and source.count("{{") == 1 and "{%" not in source:
        return ENV.compile_expression(match.group(1), undefined_to_none=False)
    return ENV.from_string(source).render


# ---- the config -----------------------------------------------------------------------------

class TemplateConfig(GeneratorConfig):
    """Fields rendered from templates whose `{slots}` are filled by samplers."""

    fields: dict[str, str] = Field(min_length=1, description="Output fields: name -> template.")
    slots: dict[str, Slot] = Field(default_factory=dict, description="Slot name -> sampler, "
                                   "e.g. {choice: [a, b]}, {randint: [1, 9]}, {faker: name}.")
    unique: list[str] = Field(default_factory=list, description="Slots whose combinations "
                              "never repeat (finite samplers only; weights are ignored).")
    locale: str | Annotated[list[str], Field(min_length=1)] = Field(
        "en_US", description="Faker locale(s), e.g. en_US; several are picked at random.")
    faker_weighted: bool = Field(False, description="Faker's frequency weighting: more "
                                 "realistic, about 10x slower.")
    today: dt.date = Field(dt.date(2026, 1, 1), description="The day Faker's dates are "
                           "measured from ('-1y', date_of_birth, ...), for reproducible data.")

    @property
    def locales(self) -> list[str]:
        return [self.locale] if isinstance(self.locale, str) else list(self.locale)

    @model_validator(mode="after")
    def _consistent(self) -> TemplateConfig:
        issues = [*self._name_issues(), *self._template_issues(), *self._cycle_issues(),
                  *self._unique_issues(), *self._faker_issues()]
        if issues:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)
                 for loc, kind, message, value in issues])
        return self

    def _name_issues(self) -> Iterator[tuple[Loc, str, str, Any]]:
        for name in self.slots:
            if not SLOT_NAME.fullmatch(name) or name in RESERVED:
                yield (("slots", name), "slot_name", f"slot name {name!r} cannot be used in a "
                       "template: use letters, digits and _ (not starting with a digit), and "
                       "not a Jinja2 word like true, none, and, if", name)

    def _template_issues(self) -> Iterator[tuple[Loc, str, str, Any]]:
        sources: list[tuple[Loc, str, str]] = [
            (("fields", name), f"field {name!r}", text) for name, text in self.fields.items()]
        sources += [(("slots", name, "derive"), f"derived slot {name!r}", spec.derive)
                    for name, spec in self.slots.items() if isinstance(spec, DeriveSpec)]
        for loc, what, text in sources:
            try:
                used = template_names(text)
            except TemplateSyntaxError as exc:
                hint = (" (text with {{ or {% is read as Jinja2; write {Name} for a plain slot)"
                        if is_jinja(text) else "")
                yield (loc, "template_syntax", f"template error in {what}, line {exc.lineno}: "
                       f"{exc.message}{hint}", text)
                continue
            for name in sorted(used - set(self.slots)):
                yield (loc, "template_name", f"{what} uses {{{name}}} but no slot has that "
                       f"name; {suggest(name, list(self.slots))}defined slots: "
                       f"{', '.join(self.slots) or 'none'} (add it under `slots:`)", text)

    def _cycle_issues(self) -> Iterator[tuple[Loc, str, str, Any]]:
        try:
            derive_order(self.slots)
        except graphlib.CycleError as exc:
            cycle = list(reversed(exc.args[1]))
            yield (("slots", cycle[0], "derive"), "derive_cycle", "derived slots depend on "
                   f"each other in a cycle: {' -> '.join(cycle)}; break the cycle", cycle[0])

    def _unique_issues(self) -> Iterator[tuple[Loc, str, str, Any]]:
        for i, name in enumerate(self.unique):
            spec = self.slots.get(name)
            if spec is None:
                yield (("unique", i), "unique_slot", f"unique names {name!r}, which is not a "
                       f"slot; {suggest(name, list(self.slots))}defined slots: "
                       f"{', '.join(self.slots) or 'none'}", name)
            elif not isinstance(spec, FiniteSpec):
                yield (("unique", i), "unique_slot", f"unique slot {name!r} is a {spec.kind} "
                       f"slot, which has no end of values; unique slots must be one of "
                       f"{', '.join(FINITE)}", name)
            elif self.unique.index(name) != i:
                yield (("unique", i), "unique_slot", f"{name!r} is listed twice in unique", name)

    def _faker_issues(self) -> Iterator[tuple[Loc, str, str, Any]]:
        fakers = {n: s for n, s in self.slots.items() if isinstance(s, FakerSpec)}
        if not fakers:
            return
        tables = {}
        for locale in self.locales:
            try:
                tables[locale] = faker_providers(locale)
            except AttributeError:
                yield (("locale",), "faker_locale", f"unknown Faker locale {locale!r}; "
                       f"{suggest(locale, _faker_locales())}use one like en_US, de_DE, fr_FR",
                       locale)
        for name, spec in fakers.items():
            call = spec.call
            for locale, table in tables.items():
                issue = _faker_call_issue(call.provider, call.args, locale, table)
                if issue:
                    yield (("slots", name, "faker"), "faker_provider", issue, call.provider)
                    break


def _faker_call_issue(provider: str, args: dict[str, Any], locale: str,
                      table: dict[str, Callable[..., Any]]) -> str | None:
    method = table.get(provider)
    if method is None:
        return (f"unknown Faker provider {provider!r} for locale {locale}; "
                f"{suggest(provider, sorted(table))}(the providers are listed at "
                "https://faker.readthedocs.io/en/master/providers.html)")
    signature = inspect.signature(method)
    try:
        signature.bind(**args)
    except TypeError as exc:
        takes = ", ".join(signature.parameters) or "no arguments"
        return f"Faker provider {provider!r}: {exc} (it takes {takes})"
    return None


@functools.cache
def faker_providers(locale: str) -> dict[str, Callable[..., Any]]:
    """The provider methods of a Faker generator for `locale` (for checking configs)."""
    from faker import Faker

    generator = Faker(locale).factories[0]
    return {name: fn for name, fn in vars(generator).items()
            if not name.startswith("_") and callable(fn)}


@functools.cache
def _faker_locales() -> list[str]:
    from faker.config import AVAILABLE_LOCALES

    return list(AVAILABLE_LOCALES)


def make_fakers(locales: list[str], weighted: bool, rng: random.Random) -> list[Any]:
    """One Faker generator per locale, all drawing from `rng`."""
    from faker import Faker

    fakers = []
    for locale in locales:
        generator = Faker(locale, use_weighting=weighted).factories[0]
        generator.random = rng
        fakers.append(generator)
    return fakers


def derive_order(slots: dict[str, Any]) -> list[str]:
    """Derived slots in evaluation order; raises graphlib.CycleError on a cycle."""
    derived = {n: s for n, s in slots.items() if isinstance(s, DeriveSpec)}
    graph = graphlib.TopologicalSorter[str]()
    for name, spec in derived.items():
        try:
            needs = template_names(spec.derive)
        except TemplateSyntaxError:
            needs = set()  # reported by the template check
        graph.add(name, *sorted(n for n in needs if n in derived))
    return list(graph.static_order())


# ---- values for the record's meta -----------------------------------------------------------

_PLAIN = (str, int, float, bool, type(None))


def jsonable(value: Any) -> Any:
    """A JSON-able form of a slot value: dates as ISO text, decimals as floats."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=repr)
    if isinstance(value, bytes | bytearray):
        return value.hex()
    return str(value)


# ---- the generator --------------------------------------------------------------------------

class TemplateGenerator(Generator):
    """Jinja2 templates over slots filled by samplers (choice, faker, file, derive, ...)."""

    Config = TemplateConfig

    def __init__(self, config: TemplateConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: TemplateConfig = config
        self._rng = random.Random()
        slots = config.slots
        fakers = (make_fakers(config.locales, config.faker_weighted, self._rng)
                  if any(isinstance(s, FakerSpec) for s in slots.values()) else [])
        self._order = list(slots)
        self._sampled = [(n, s.draw(fakers), s.finisher()) for n, s in slots.items()
                         if n not in config.unique and not isinstance(s, DeriveSpec)]
        self._derived = [(n, compile_derive(slots[n].derive), slots[n].finisher())
                         for n in derive_order(slots)]
        self._fields = [(n, compile_template(t)) for n, t in config.fields.items()]
        self._unique: list[tuple[str, FiniteSpec, Finish | None, int]] = []
        for n in config.unique:
            spec = slots[n]
            assert isinstance(spec, FiniteSpec)
            self._unique.append((n, spec, spec.finisher(), spec.size()))
        self._total = math.prod(u[3] for u in self._unique) if self._unique else None
        self._perm = (FeistelPermutation(self._total, derive_seed(ctx.seed, name, "unique"))
                      if self._total else None)
        self._clock = FakerClock(config.today) if fakers else contextlib.nullcontext()

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.config, self.ctx, self.name)

    def size(self) -> int | None:
        """The number of combinations of the unique slots (None without `unique`)."""
        return self._total

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self._rng
        rng.seed(self.seed_for(k))
        values: dict[str, Any] = {}
        if self._perm is not None:
            self._combination(k, values)
        with self._clock:
            for name, draw, finish in self._sampled:
                value = draw(rng)
                values[name] = value if finish is None else finish(value)
        for name, evaluate, finish in self._derived:
            value = evaluate(values)
            values[name] = value if finish is None else finish(value)
        data = {name: render(values) for name, render in self._fields}
        return data, {"slots": {name: jsonable(values[name]) for name in self._order}}

    def _combination(self, k: int, values: dict[str, Any]) -> None:
        """The values of the unique slots for item `k`: combination `perm(k)`."""
        assert self._perm is not None
        if k >= self._perm.n:
            names = ", ".join(u[0] for u in self._unique)
            raise Reject(f"exhausted: all {self._perm.n} combinations of {names} "
                         "have been used")
        index = self._perm(k)
        digits = []
        for *_, size in reversed(self._unique):
            index, digit = divmod(index, size)
            digits.append(digit)
        for (name, spec, finish, _), digit in zip(self._unique, reversed(digits), strict=True):
            value = spec.at(digit, self._rng)
            values[name] = value if finish is None else finish(value)


registry.register("generator", "template")(TemplateGenerator)
