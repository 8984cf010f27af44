"""The `records` generator: rule-based structured records in related tables.

    mix:
      - generator: records
        params:
          tables:
            customers:                                  # no parent: rows per item (default 1)
              fields:
                customer_id: {sequence: "C{k:07d}"}
                name: {faker: name}
                signup: {faker: {provider: date_between, args: {start_date: -3y}}}
            accounts:
              parent: customers                         # rows per customer row
              rows: {randint: [1, 3]}
              fields:
                account_id: {sequence: "{parent.customer_id}-A{n}"}
                customer_id: {ref: customers.customer_id}
                opened: {after: parent.signup, days: [0, 365]}
              constraints:
                - opened >= parent.signup
          output: nested                                # or: tables

An item (one engine record) is one row of each table without a parent (`rows` of them)
with all its descendants: `rows` of a child table is drawn per parent row. Fields take the
template samplers (`choice`, `faker`, `normal`, `derive`, ...) and the structured types of
`records_fields` (`sequence`, `ref`, `after`, `running`, `sum`, `rare`, `burst`, `match`,
...). A field may read its row's other fields, `parent.f`, `previous.f` (the previous
sibling row), any ancestor `table.f`, `k` (the item), `n` (the row's number among its
siblings, from 1) and `i` (its number in its table within the item, from 1); aggregates and
derived fields may read descendant tables. Fields are made in dependency order, those that
read the row's children after the children, so relations hold by construction.

Each table's `constraints` (Python expressions, see `records_expr`) are then checked on every
row of the item; one that fails rejects the item as `constraint: TABLE: EXPRESSION`.
Constraints that read `previous` skip the first row of each run of siblings.

`output: nested` makes the record the root row, each row holding its children's rows under
the child table's name (several root rows: `{table: [rows]}`); `output: tables` makes it
`{table: [rows]}` for every table, rows flat and joined by their `ref` fields. Fields whose
names start with `_` are helpers, left out of the output. Dates and times are ISO text.

Item `k` reseeds one RNG from (seed, source, k); every draw, Faker's too, comes from it in a
fixed order, and Faker's clock is pinned to `today`, so the data depends on nothing else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from synthforge import registry
from synthforge.generate.fakerclock import FakerClock
from synthforge.generate.records_expr import GLOBALS
from synthforge.generate.records_fields import FieldSpec, typed_choice, walk
from synthforge.generate.records_plan import (
    Issue,
    Node,
    Scope,
    TableRun,
    analyse,
    compile_tables,
    single_row,
)
from synthforge.generate.samplers import AnySpec, FakerSpec, SlotSpec, parse_slot, suggest
from synthforge.generate.templates import (
    _faker_call_issue,
    _faker_locales,
    faker_providers,
    jsonable,
    make_fakers,
)
from synthforge.stage import Context, Generator, GeneratorConfig, Reject, StrictModel

# ---- the config -----------------------------------------------------------------------------

def parse_count(value: Any, info: ValidationInfo) -> Any:
    """A row count: a whole number >= 0, or a sampler mapping."""
    if isinstance(value, dict):
        return parse_slot(typed_choice(value), info)
    if isinstance(value, SlotSpec):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PydanticCustomError("rows", "rows is a count: a whole number >= 0 or a sampler "
                                  f"like {{randint: [1, 3]}}; got {value!r}")
    return value


class TableSpec(StrictModel):
    """One table: where its rows hang, how many there are, their fields and constraints."""

    parent: str | None = Field(None, description="The parent table; rows are made per parent "
                               "row. Tables without one are the item's roots.")
    rows: Annotated[int | AnySpec, BeforeValidator(parse_count)] = Field(
        1, description="Rows per parent row (per item for a root table): a number or a "
        "sampler, e.g. {randint: [1, 3]}.")
    fields: dict[str, FieldSpec] = Field(min_length=1, description="Field name -> type, "
                                         "e.g. {faker: name}, {sequence: 'C{k:06d}'}.")
    constraints: list[str] = Field(default_factory=list, description="Expressions true on "
                                   "every row, e.g. 'opened >= parent.signup'.")


class RecordsConfig(GeneratorConfig):
    """Related tables of structured records; one item is a root row with its descendants."""

    tables: dict[str, TableSpec] = Field(min_length=1, description="Table name -> table, "
                                         "parents before children or in any order.")
    output: Literal["nested", "tables"] = Field("nested", description="nested: children "
                                                "inside their parent row; tables: "
                                                "{table: [rows]} for every table.")
    locale: str | Annotated[list[str], Field(min_length=1)] = Field(
        "en_US", description="Faker locale(s), e.g. en_US; several are picked at random.")
    faker_weighted: bool = Field(False, description="Faker's frequency weighting: more "
                                 "realistic, about 10x slower.")
    today: dt.date = Field(dt.date(2026, 1, 1), description="The day Faker's dates are "
                           "measured from ('-1y', date_of_birth, ...), for reproducible data.")

    @property
    def locales(self) -> list[str]:
        return [self.locale] if isinstance(self.locale, str) else list(self.locale)

    def faker_specs(self) -> Iterator[tuple[tuple[str, ...], FakerSpec]]:
        """Every Faker call, with where it is."""
        for table, spec in self.tables.items():
            places = [(("tables", table, "rows"), spec.rows),
                      *((("tables", table, "fields", n), f) for n, f in spec.fields.items())]
            for loc, field in places:
                for inner in walk(field):
                    if isinstance(inner, FakerSpec):
                        yield loc, inner

    @model_validator(mode="after")
    def _consistent(self) -> RecordsConfig:
        issues = [*analyse(self.tables).issues, *self._faker_issues()]
        if issues:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)
                 for loc, kind, message, value in issues])
        return self

    def _faker_issues(self) -> Iterator[Issue]:
        fakers = list(self.faker_specs())
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
        for loc, spec in fakers:
            call = spec.call
            for locale, table in tables.items():
                issue = _faker_call_issue(call.provider, call.args, locale, table)
                if issue:
                    yield ((*loc, "faker"), "faker_provider", issue, call.provider)
                    break


# ---- values for the output ------------------------------------------------------------------

_PLAIN = frozenset({str, int, float, bool, type(None)})


def iso(value: dt.date) -> str:
    """ISO text of a date or date-time, with only the sub-second digits it has."""
    if isinstance(value, dt.datetime):
        us = value.microsecond
        spec = "seconds" if us == 0 else "milliseconds" if us % 1000 == 0 else "microseconds"
        return value.isoformat(timespec=spec)
    return value.isoformat()


def to_json(value: Any) -> Any:
    """A JSON-able form of a field value: dates and times as ISO text."""
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, dt.date):
        return iso(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return jsonable(value)


# ---- the generator --------------------------------------------------------------------------

class RecordsGenerator(Generator):
    """Structured records in related tables: ids, foreign keys, times, totals, rare events."""

    Config = RecordsConfig

    def __init__(self, config: RecordsConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.config: RecordsConfig = config
        plan = analyse(config.tables)
        self._rng = random.Random()
        fakers = (make_fakers(config.locales, config.faker_weighted, self._rng)
                  if any(config.faker_specs()) else [])
        self._roots = compile_tables(plan, fakers)
        self._tables = list(config.tables)
        self._clock = FakerClock(config.today) if fakers else contextlib.nullcontext()
        self._single = (config.output == "nested" and len(plan.roots) == 1
                        and single_row(plan.tables[plan.roots[0]], plan.tables))

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.config, self.ctx, self.name)

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        self._rng.seed(self.seed_for(k))
        counts = dict.fromkeys(self._tables, 0)
        with self._clock:
            forest = [(t, self._rows(t, None, t.count(self._rng), k, counts))
                      for t in self._roots]
        scope = Scope(k)
        for table, nodes in forest:
            _check(table, nodes, scope)
        return self._output(forest), {"rows": counts}

    def _rows(self, table: TableRun, parent: Node | None, count: int, k: int,
              counts: dict[str, int]) -> list[Node]:
        """`count` rows of `table` under `parent`, each with its descendants."""
        rng = self._rng
        scope = Scope(k)
        nodes = []
        name = table.name
        for n in range(1, count + 1):
            i = counts[name] = counts[name] + 1
            values: dict[str, Any] = {}
            node = Node(values, parent, n, i)
            scope.node, scope.values, scope.n, scope.i = node, values, n, i
            for field, make in table.early:
                values[field] = make(rng, scope)
            for child in table.children:
                node.kids[child.name] = self._rows(child, node, child.count(rng), k, counts)
            for field, make in table.late:
                values[field] = make(rng, scope)
            scope.prev = values
            nodes.append(node)
        return nodes

    def _output(self, forest: list[tuple[TableRun, list[Node]]]) -> dict[str, Any]:
        if self.config.output == "tables":
            flat: dict[str, list[dict[str, Any]]] = {t: [] for t in self._tables}
            for table, nodes in forest:
                _flatten(table, nodes, flat)
            return flat
        if self._single:
            table, nodes = forest[0]
            return _nest(table, nodes[0])
        return {table.name: [_nest(table, node) for node in nodes] for table, nodes in forest}


def _check(table: TableRun, nodes: list[Node], scope: Scope) -> None:
    """Check `table`'s constraints on `nodes` (siblings, in order) and their descendants."""
    prev: dict[str, Any] | None = None
    checks, bindings = table.checks, table.names
    for node in nodes:
        if checks:
            scope.node, scope.values, scope.prev, scope.n, scope.i = (
                node, node.values, prev, node.n, node.i)
            names = {name: get(scope) for name, get in bindings}
            for constraint, needs_prev in checks:
                if needs_prev and prev is None:
                    continue
                try:
                    ok = eval(constraint.code, GLOBALS, names)  # a checked tree, no builtins
                except Exception as exc:
                    raise ValueError(f"constraint {constraint.text!r} of {table.name} cannot "
                                     f"be evaluated: {type(exc).__name__}: {exc}") from exc
                if not ok:
                    raise Reject(f"constraint: {table.name}: {constraint.text}")
        for child in table.children:
            _check(child, node.kids[child.name], scope)
        prev = node.values


def _nest(table: TableRun, node: Node) -> dict[str, Any]:
    values = node.values
    row = {name: to_json(values[name]) for name in table.visible}
    for child in table.children:
        row[child.name] = [_nest(child, kid) for kid in node.kids[child.name]]
    return row


def _flatten(table: TableRun, nodes: list[Node], out: dict[str, list[dict[str, Any]]]) -> None:
    rows = out[table.name]
    visible = table.visible
    for node in nodes:
        values = node.values
        rows.append({name: to_json(values[name]) for name in visible})
        for child in table.children:
            _flatten(child, node.kids[child.name], out)


registry.register("generator", "records")(RecordsGenerator)
