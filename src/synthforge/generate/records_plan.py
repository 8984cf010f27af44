"""The plan of a `records` config: its tables as a tree, what each field reads, the order in
which fields are made, and every mistake found on the way (as located issues).

`analyse` only inspects; `compile_tables` turns the analysed tables into functions of the
item's RNG and of a `Scope` (the row being made, its parent chain, its previous sibling).
"""

from __future__ import annotations

import keyword
import random
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from jinja2 import TemplateSyntaxError

from synthforge.generate.records_expr import (
    Constraint,
    Head,
    compile_constraint,
    compile_derive,
    derive_refs,
    get_attribute,
)
from synthforge.generate.records_fields import (
    AfterSpec,
    AggregateSpec,
    BurstSpec,
    CountSpec,
    Getter,
    Make,
    RecordField,
    RefSpec,
    SequenceSpec,
    format_names,
    walk,
)
from synthforge.generate.samplers import ConstSpec, DeriveSpec, SlotSpec, suggest

if TYPE_CHECKING:
    from synthforge.generate.records import TableSpec

Loc = tuple[str | int, ...]
Issue = tuple[Loc, str, str, Any]
"""(location, error type, message, offending input)."""

ITEM_NAMES = ("k", "n", "i")
ROW_NAMES = ("parent", "previous")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
JINJA_WORDS = frozenset({"true", "false", "none", "True", "False", "None", "and", "or",
                         "not", "in", "is", "if", "else", "self", "loop"})
RefKind = Literal["item", "field", "row", "previous", "rows"]


@dataclass(frozen=True)
class Ref:
    """What a reference like `parent.signup` points at, seen from a row of one table."""

    kind: RefKind
    name: str
    table: str = ""
    field: str = ""
    depth: int = 0
    path: tuple[str, ...] = ()
    """For `rows`: the tables from the row's child down to the descendant table."""


@dataclass
class TableInfo:
    """One table of the tree, analysed."""

    name: str
    spec: TableSpec
    parent: str | None
    ancestors: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    reads: dict[str, list[Ref]] = field(default_factory=dict)
    """Field -> what it reads."""
    phase1: list[str] = field(default_factory=list)
    phase2: list[str] = field(default_factory=list)
    """Fields made before the row's children, and after them (those reading children)."""

    @property
    def fields(self) -> dict[str, Any]:
        return self.spec.fields


@dataclass
class Plan:
    """The analysed tables (in declaration order) and the issues found."""

    tables: dict[str, TableInfo]
    roots: list[str]
    issues: list[Issue]


# ---- analysis -------------------------------------------------------------------------------

def analyse(tables: Mapping[str, TableSpec]) -> Plan:
    """Inspect the tables; every problem becomes an issue rather than an exception."""
    issues = list(_name_issues(tables))
    infos = {name: TableInfo(name, spec, spec.parent) for name, spec in tables.items()}
    issues += _tree_issues(infos)
    plan = Plan(infos, [n for n, t in infos.items() if t.parent is None], issues)
    if issues:
        return plan
    for info in infos.values():
        issues += _ref_issues(info, infos)
    if issues:
        return plan
    _phases(infos)
    for info in infos.values():
        issues += _phase_issues(info, infos)
        issues += _order(info)
        issues += _sequence_issues(info, infos)
        issues += _spec_issues(info)
        issues += [issue for _, issue in _constraints(info, infos) if issue is not None]
    return plan


def _identifier(name: str) -> bool:
    return bool(NAME.fullmatch(name)) and name not in JINJA_WORDS and not keyword.iskeyword(name)


def _name_issues(tables: Mapping[str, TableSpec]) -> Iterator[Issue]:
    reserved = {*ITEM_NAMES, *ROW_NAMES}
    for table, spec in tables.items():
        if not _identifier(table) or table in reserved:
            yield (("tables", table), "table_name", f"table name {table!r} cannot be used: "
                   "use letters, digits and _ (not starting with a digit), and not one of "
                   f"{', '.join(sorted(reserved))} or a Python/Jinja2 word", table)
        for name in spec.fields:
            if not _identifier(name) or name in reserved or name in tables:
                what = ("a table's name" if name in tables else
                        "reserved" if name in reserved else "not a plain name")
                yield (("tables", table, "fields", name), "field_name",
                       f"field name {name!r} cannot be used ({what}): use letters, digits and "
                       f"_, and not {', '.join(sorted(reserved))}, a table name or a "
                       "Python/Jinja2 word", name)


def _tree_issues(infos: dict[str, TableInfo]) -> Iterator[Issue]:
    for name, info in infos.items():
        if info.parent is not None and info.parent not in infos:
            yield (("tables", name, "parent"), "table_parent", f"table {name!r} has parent "
                   f"{info.parent!r}, which is not a table; {suggest(info.parent, list(infos))}"
                   f"tables: {', '.join(infos)}", info.parent)
            return
    reported: set[str] = set()
    for name, info in infos.items():
        chain = [name]
        parent = info.parent
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = infos[parent].parent
        if parent is not None:
            if not reported & set(chain):
                cycle = chain[chain.index(parent):] + [parent]
                yield (("tables", name, "parent"), "table_cycle", "tables' parents form a "
                       f"cycle: {' -> '.join(cycle)}; one table must have no parent", parent)
                reported.update(chain)
            continue
        info.ancestors = chain[1:]
        if info.parent is not None:
            infos[info.parent].children.append(name)


def field_paths(spec: Any) -> list[str]:
    """What one spec reads (not the specs nested in it); TemplateSyntaxError for a bad
    derive template."""
    if isinstance(spec, RecordField):
        return spec.refs()
    if isinstance(spec, DeriveSpec):
        return derive_refs(spec.derive)
    return []


def resolve(path: str, info: TableInfo, infos: Mapping[str, TableInfo]) -> Ref:
    """What `path` means in a row of `info`; ValueError if it means nothing."""
    head, _, attr = path.partition(".")
    table = info.name
    if head in ITEM_NAMES:
        return Ref("item", head, field=attr)
    if head in info.fields:
        return Ref("field", head, table, head, path=(attr,) if attr else ())
    if head == "previous":
        _need_field(attr, info, "previous")
        return Ref("previous", head, table, attr)
    if head == table:
        if not attr:
            raise ValueError(f"{table} alone is the row itself; name a field ({table}.FIELD "
                             "or just FIELD)")
        _need_field(attr, info, table)
        return Ref("field", attr, table, attr)
    if head == "parent" or head in info.ancestors:
        if info.parent is None:
            raise ValueError(f"{table} has no parent table, so no {path!r}")
        depth = 1 if head == "parent" else info.ancestors.index(head) + 1
        owner = infos[info.ancestors[depth - 1]]
        _need_field(attr, owner, head)
        return Ref("row", head, owner.name, attr, depth)
    if head in infos:
        down = _path_down(info, head, infos)
        if down is None:
            lineage = ", ".join([*info.ancestors, *_descendants(info, infos)]) or "none"
            raise ValueError(f"{head} is neither an ancestor nor a descendant of {table} "
                             f"(those are: {lineage})")
        if attr:
            _need_field(attr, infos[head], head)
        return Ref("rows", head, head, attr, path=tuple(down))
    if attr:
        rows = ["previous", *(["parent"] if info.parent else []), *info.ancestors]
        raise ValueError(f"{path!r} names no table or row: there is no table {head!r}; "
                         f"{suggest(head, [*infos, *rows])}tables: {', '.join(infos)}; rows that a "
                         f"row of {table} can read: {', '.join(rows)}")
    known = [*info.fields, *ITEM_NAMES, *(["parent"] if info.parent else []), "previous",
             *infos]
    raise ValueError(f"unknown name {head!r}; {suggest(head, known)}a row of {table} can read "
                     f"its fields ({', '.join(info.fields)}), k, n, i, previous, parent and "
                     "related tables")


def _need_field(attr: str, info: TableInfo, head: str) -> None:
    if attr and attr not in info.fields:
        raise ValueError(f"unknown field {head}.{attr}: {info.name} has no field {attr!r}; "
                         f"{suggest(attr, list(info.fields))}its fields: "
                         f"{', '.join(info.fields)}")


def _descendants(info: TableInfo, infos: Mapping[str, TableInfo]) -> list[str]:
    out = []
    for child in info.children:
        out += [child, *_descendants(infos[child], infos)]
    return out


def _path_down(info: TableInfo, target: str, infos: Mapping[str, TableInfo]) -> list[str] | None:
    lineage = [target, *infos[target].ancestors]
    if info.name not in lineage[1:]:
        return None
    return list(reversed(lineage[:lineage.index(info.name)]))


def _ref_issues(info: TableInfo, infos: Mapping[str, TableInfo]) -> Iterator[Issue]:
    for name, spec in info.fields.items():
        loc: Loc = ("tables", info.name, "fields", name)
        reads: list[Ref] = []
        for inner in walk(spec):
            try:
                paths = field_paths(inner)
            except TemplateSyntaxError as exc:
                yield (loc, "template_syntax", f"template error in field {info.name}.{name}, "
                       f"line {exc.lineno}: {exc.message}", getattr(inner, "derive", None))
                continue
            for path in paths:
                try:
                    ref = resolve(path, info, infos)
                    _check_kind(ref, path, inner)
                except ValueError as exc:
                    yield (loc, "field_ref", f"field {info.name}.{name}: {exc}", path)
                    continue
                reads.append(ref)
        info.reads[name] = reads


def _check_kind(ref: Ref, path: str, spec: Any) -> None:
    """Whether a field type may read what `path` points at; ValueError says why not."""
    kind = spec.kind
    if isinstance(spec, DeriveSpec):
        if ref.kind == "rows" and ref.field:
            raise ValueError(f"{path!r}: in a template {ref.table} is a list of rows; loop over "
                             f"it or use a filter, e.g. {{{{ {ref.table} | sum(attribute="
                             f"'{ref.field}') }}}}")
    elif isinstance(spec, RefSpec):
        if ref.kind != "row":
            raise ValueError(f"ref needs an ancestor's field, like customers.customer_id; "
                             f"{path!r} is {_what(ref)}")
    elif isinstance(spec, CountSpec):
        if ref.kind != "rows" or ref.field:
            raise ValueError(f"count needs a descendant table, like line_items; {path!r} is "
                             f"{_what(ref)}")
    elif isinstance(spec, AggregateSpec):
        if ref.kind != "rows" or not ref.field:
            raise ValueError(f"{kind} needs a descendant table's field, like "
                             f"line_items.amount; {path!r} is {_what(ref)}")
    elif ref.kind == "rows" or (ref.kind in ("row", "previous") and not ref.field):
        raise ValueError(f"{kind} reads one value; {path!r} is {_what(ref)}")


def _what(ref: Ref) -> str:
    if ref.kind == "rows":
        return f"{ref.table}'s rows" + (f" (a column of {ref.field})" if ref.field else "")
    if ref.kind in ("row", "previous"):
        return f"a field of the {ref.name} row" if ref.field else f"the whole {ref.name} row"
    return "a field of the same row" if ref.kind == "field" else "a number"


def _phases(infos: Mapping[str, TableInfo]) -> None:
    """Split each table's fields: those that read the row's children come after them."""
    for info in infos.values():
        late = {n for n, s in info.fields.items()
                if any(isinstance(x, AggregateSpec) for x in walk(s))
                or any(r.kind == "rows" for r in info.reads[n])}
        changed = True
        while changed:
            changed = False
            for name, reads in info.reads.items():
                if name not in late and any(r.kind == "field" and r.field in late
                                            for r in reads):
                    late.add(name)
                    changed = True
        info.phase1 = [n for n in info.fields if n not in late]
        info.phase2 = [n for n in info.fields if n in late]


def _phase_issues(info: TableInfo, infos: Mapping[str, TableInfo]) -> Iterator[Issue]:
    for name, reads in info.reads.items():
        for ref in reads:
            if ref.kind == "row" and ref.field in infos[ref.table].phase2:
                yield (("tables", info.name, "fields", name), "field_ref",
                       f"field {info.name}.{name} reads {ref.table}.{ref.field}, which is "
                       f"computed from {ref.table}'s child rows, so it is not known while "
                       f"{info.name} rows are made", f"{ref.name}.{ref.field}")


def _order(info: TableInfo) -> Iterator[Issue]:
    """Sort each phase so that every field comes after the same-row fields it reads."""
    for phase in (info.phase1, info.phase2):
        needs = {n: {r.field for r in info.reads[n] if r.kind == "field" and r.field != n}
                 for n in phase}
        for name in phase:
            if any(r.kind == "field" and r.field == name for r in info.reads[name]):
                yield (("tables", info.name, "fields", name), "field_cycle",
                       f"field {info.name}.{name} reads itself (use previous.{name} for the "
                       "previous row's value)", name)
                return
        done: list[str] = []
        known = set() if phase is info.phase1 else set(info.phase1)
        pending = list(phase)
        while pending:
            ready = next((n for n in pending if needs[n] <= known), None)
            if ready is None:
                cycle = _cycle(pending, needs)
                yield (("tables", info.name, "fields", cycle[0]), "field_cycle",
                       f"fields of {info.name} read each other in a cycle: "
                       f"{' -> '.join(cycle)}; break the cycle", cycle[0])
                return
            done.append(ready)
            known.add(ready)
            pending.remove(ready)
        phase[:] = done


def _cycle(pending: list[str], needs: Mapping[str, set[str]]) -> list[str]:
    path = [pending[0]]
    while True:
        step = next(n for n in sorted(needs[path[-1]]) if n in pending)
        if step in path:
            return [*path[path.index(step):], step]
        path.append(step)


def single_row(info: TableInfo, infos: Mapping[str, TableInfo]) -> bool:
    """Whether an item has at most one row of this table."""
    rows = info.spec.rows
    one = rows == 1 or (isinstance(rows, ConstSpec) and rows.const == 1)
    return one and (info.parent is None or single_row(infos[info.parent], infos))


def unique_id(info: TableInfo, name: str, infos: Mapping[str, TableInfo]) -> bool:
    """Whether a sequence field differs on every row of a run (by its template)."""
    spec = info.fields[name]
    if not isinstance(spec, SequenceSpec):
        return False
    names = set(format_names(spec.sequence))
    ancestor_id = parent_id = False
    for path in names:
        head, _, attr = path.partition(".")
        if head == "parent" or head in info.ancestors:
            owner = infos[info.parent if head == "parent" else head]  # type: ignore[index]
            if unique_id(owner, attr, infos):
                ancestor_id = True
                parent_id |= owner.name == info.parent
    item = "k" in names or ancestor_id
    row = ("i" in names or single_row(info, infos)
           or ("n" in names and (info.parent is None or parent_id
                                 or single_row(infos[info.parent], infos))))
    return item and row


def _sequence_issues(info: TableInfo, infos: Mapping[str, TableInfo]) -> Iterator[Issue]:
    for name, spec in info.fields.items():
        if isinstance(spec, SequenceSpec) and not unique_id(info, name, infos):
            how = ("{k} and {n}" if info.parent is None else
                   "the parent's id and {n} (e.g. '{parent.ID}-{n}'), or {k} and {i}")
            yield (("tables", info.name, "fields", name, "sequence"), "sequence_unique",
                   f"sequence {spec.sequence!r} of {info.name}.{name} can repeat: an id must "
                   f"tell items apart ({{k}}) and rows of an item apart; use {how}",
                   spec.sequence)


def _spec_issues(info: TableInfo) -> Iterator[Issue]:
    """Counts and gaps are drawn from the RNG alone: a derive there has nothing to read;
    and `after` needs a base on the first row."""
    if isinstance(info.spec.rows, DeriveSpec):
        yield (("tables", info.name, "rows"), "derive_here", "rows is drawn, not derived: use "
               "a number or a sampler like {randint: [1, 3]}", info.spec.rows.derive)
    for name, spec in info.fields.items():
        loc: Loc = ("tables", info.name, "fields", name)
        for inner in walk(spec):
            nested = (getattr(inner, inner.unit) if isinstance(inner, AfterSpec)
                      else inner.burst.length if isinstance(inner, BurstSpec) else None)
            if isinstance(nested, DeriveSpec):
                yield (loc, "derive_here", f"{info.name}.{name}: a gap or a burst length is "
                       "drawn, not derived: use [lo, hi] or a sampler like {randint: [1, 3]}",
                       nested.derive)
            if isinstance(inner, AfterSpec) and all(b.startswith("previous.")
                                                    for b in inner.bases):
                yield (loc, "after_base", f"{info.name}.{name}: the first row has no previous "
                       f"row; add a base for it, e.g. after: [{inner.bases[0]}, parent.start]",
                       inner.after)


def heads(info: TableInfo, infos: Mapping[str, TableInfo]) -> dict[str, Head]:
    """The names a constraint of `info` may use."""
    out = {name: Head("value") for name in (*info.fields, *ITEM_NAMES)}
    own = frozenset(info.fields)
    out["previous"] = out[info.name] = Head("row", own, info.name)
    if info.parent is not None:
        out["parent"] = Head("row", frozenset(infos[info.parent].fields), info.parent)
    for ancestor in info.ancestors:
        out[ancestor] = Head("row", frozenset(infos[ancestor].fields), ancestor)
    for table in _descendants(info, infos):
        out[table] = Head("rows", frozenset(infos[table].fields), table)
    return out


def _constraints(info: TableInfo, infos: Mapping[str, TableInfo]
                 ) -> Iterator[tuple[Constraint | None, Issue]]:
    """Each constraint compiled, or the issue that stops it."""
    names = heads(info, infos)
    for n, text in enumerate(info.spec.constraints):
        try:
            yield compile_constraint(text, names), None  # type: ignore[misc]
        except ValueError as exc:
            yield None, (("tables", info.name, "constraints", n), "constraint",
                         f"constraint {text!r} of {info.name}: {exc}", text)


def constraints(info: TableInfo, infos: Mapping[str, TableInfo]) -> list[Constraint]:
    return [c for c, issue in _constraints(info, infos) if c is not None]


# ---- compiling ------------------------------------------------------------------------------

class Scope:
    """The row being made: its values, its node, the previous sibling's values, numbers."""

    __slots__ = ("i", "k", "n", "node", "prev", "state", "values")

    def __init__(self, k: int = 0):
        self.k = k
        self.n = self.i = 0
        self.node: Node | None = None
        self.prev: dict[str, Any] | None = None
        self.state: dict[str, Any] = {}
        self.values: dict[str, Any] = {}


class Node:
    """A made row: its values, its parent, its children by table, its numbers."""

    __slots__ = ("i", "kids", "n", "parent", "values")

    def __init__(self, values: dict[str, Any], parent: Node | None, n: int, i: int):
        self.values = values
        self.parent = parent
        self.kids: dict[str, list[Node]] = {}
        self.n = n
        self.i = i


@dataclass
class TableRun:
    """A table compiled: how many rows, how each field is made, what is checked."""

    name: str
    count: Callable[[random.Random], int]
    early: list[tuple[str, Make]]
    late: list[tuple[str, Make]]
    children: list[TableRun]
    checks: list[tuple[Constraint, bool]]
    """Each constraint, and whether it reads `previous` (then the first sibling skips it)."""
    names: list[tuple[str, Getter]]
    """The names the constraints read, and how to get each from a scope."""
    visible: list[str]


class Compiler:
    """Compiles the fields of one table (see `records_fields.Compiler`)."""

    def __init__(self, info: TableInfo, infos: Mapping[str, TableInfo], fakers: Sequence[Any]):
        self.info = info
        self.infos = infos
        self.fakers = fakers

    def getter(self, path: str) -> Getter:
        return _getter(resolve(path, self.info, self.infos))

    def binding(self, name: str) -> Getter:
        """A constraint's name: the table's own name is the row being checked."""
        return (lambda s: s.values) if name == self.info.name else self.getter(name)

    def rows(self, table: str) -> Callable[[Scope], list[dict[str, Any]]]:
        ref = resolve(table, self.info, self.infos)
        return _rows_getter(ref.path)

    def draw_int(self, spec: tuple[int, int] | SlotSpec) -> Callable[[random.Random], int]:
        if isinstance(spec, tuple):
            lo, hi = spec
            return lambda rng: rng.randint(lo, hi)
        draw = self.make(spec)
        return lambda rng: int(draw(rng, None))

    def make(self, spec: Any, name: str = "") -> Make:
        if isinstance(spec, RecordField):
            return spec.compile(name, self)
        finish = spec.finisher()
        if isinstance(spec, DeriveSpec):
            draw = self._derive(spec)
            if finish is None:
                return draw
            return lambda rng, scope: finish(draw(rng, scope))
        sample = spec.draw(self.fakers)
        if finish is None:
            return lambda rng, scope: sample(rng)
        return lambda rng, scope: finish(sample(rng))

    def _derive(self, spec: DeriveSpec) -> Make:
        evaluate = compile_derive(spec.derive)
        bindings = [(path, self.getter(path)) for path in derive_refs(spec.derive)
                    if "." not in path]
        return lambda rng, scope: evaluate({name: get(scope) for name, get in bindings})


def _getter(ref: Ref) -> Getter:
    kind, name, field_ = ref.kind, ref.name, ref.field
    if kind == "item":
        return _attribute({"k": lambda s: s.k, "n": lambda s: s.n, "i": lambda s: s.i}[name],
                          field_)
    if kind == "field":
        return _attribute(lambda s: s.values[field_], ref.path[0] if ref.path else "")
    if kind == "previous":
        if not field_:
            return lambda s: s.prev
        return lambda s: None if s.prev is None else s.prev[field_]
    if kind == "row":
        depth = ref.depth
        if not field_:
            return lambda s: _up(s.node, depth).values
        if depth == 1:
            return lambda s: s.node.parent.values[field_]
        return lambda s: _up(s.node, depth).values[field_]
    return _rows_getter(ref.path)


def _attribute(get: Getter, attr: str) -> Getter:
    if not attr:
        return get
    return lambda s: get_attribute(get(s), attr)


def _up(node: Node, depth: int) -> Node:
    for _ in range(depth):
        node = node.parent  # type: ignore[assignment]
    return node


def _rows_getter(path: tuple[str, ...]) -> Callable[[Scope], list[dict[str, Any]]]:
    first, rest = path[0], path[1:]

    def rows(scope: Scope) -> list[dict[str, Any]]:
        level = scope.node.kids.get(first, [])  # type: ignore[union-attr]
        for table in rest:
            level = [kid for node in level for kid in node.kids.get(table, [])]
        return [node.values for node in level]

    return rows


def compile_tables(plan: Plan, fakers: Sequence[Any]) -> list[TableRun]:
    """The root tables, compiled, with their children inside."""
    return [_compile(plan.tables[name], plan.tables, fakers) for name in plan.roots]


def _compile(info: TableInfo, infos: Mapping[str, TableInfo], fakers: Sequence[Any]) -> TableRun:
    compiler = Compiler(info, infos, fakers)
    early = [(n, compiler.make(info.fields[n], n)) for n in info.phase1]
    late = [(n, compiler.make(info.fields[n], n)) for n in info.phase2]
    rows = info.spec.rows
    count = (lambda rng: rows) if isinstance(rows, int) else compiler.draw_int(rows)
    compiled = constraints(info, infos)
    checks = [(c, "previous" in c.names) for c in compiled]
    names = list(dict.fromkeys(n for c in compiled for n in c.names))
    return TableRun(info.name, count, early, late,
                    [_compile(infos[c], infos, fakers) for c in info.children], checks,
                    [(n, compiler.binding(n)) for n in names],
                    [n for n in info.fields if not n.startswith("_")])
