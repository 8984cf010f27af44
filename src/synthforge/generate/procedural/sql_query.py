"""Write a SQL query for a small SQLite database; answers are checked by running them.

The question shows the schema and rows (a fact table and a dimension table, in one of four
domains). Levels: single-table filters, aggregates and GROUP BY, JOINs, subqueries and
HAVING, window functions. A candidate query runs against a fresh in-memory database with
guards: reads only (an authorizer refuses ATTACH, PRAGMA and any write), a budget of
virtual-machine steps and seconds (recursive CTE bombs), capped string sizes and a capped
result. Rows are compared as a multiset unless the question asks for an order.
"""

from __future__ import annotations

import random
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from synthforge.generate.procedural.base import Family, FamilyConfig, Task, family

MAX_ROWS = 1000
MAX_STEPS = 2_000_000  # virtual machine instructions
MAX_SECONDS = 1.0
MAX_LENGTH = 20_000  # bytes of any string or blob


# ---- running queries, guarded ------------------------------------------------------------

class QueryRefused(Exception):
    """The query broke a guard or failed."""


_READS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
          sqlite3.SQLITE_RECURSIVE}
_SETUP = _READS | {sqlite3.SQLITE_CREATE_TABLE, sqlite3.SQLITE_CREATE_INDEX,
                   sqlite3.SQLITE_INSERT, sqlite3.SQLITE_TRANSACTION}
# one call can run long or allocate much, out of reach of the step budget
_DENIED_FUNCTIONS = {"load_extension", "randomblob", "zeroblob", "random", "printf", "format"}


def _reads_only(action: int, arg1: str | None, arg2: str | None, db: str | None,
                source: str | None) -> int:
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK if action in _READS else sqlite3.SQLITE_DENY


def _setup_only(action: int, arg1: str | None, arg2: str | None, db: str | None,
                source: str | None) -> int:
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master" and db == "main":
        return sqlite3.SQLITE_OK  # what CREATE TABLE does to the schema
    return sqlite3.SQLITE_OK if action in _SETUP else sqlite3.SQLITE_DENY


def run_query(setup: str, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `query` on a fresh in-memory database made by `setup`.

    Raises QueryRefused for anything but one read-only statement that finishes within the
    step and time budget and returns at most MAX_ROWS rows.
    """
    conn = sqlite3.connect(":memory:")
    try:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LENGTH)
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 200)
        conn.set_authorizer(_setup_only)
        conn.executescript(setup)
        conn.set_authorizer(_reads_only)
        deadline, calls = time.monotonic() + MAX_SECONDS, [0]

        def progress() -> int:
            calls[0] += 1
            return int(calls[0] * 1000 > MAX_STEPS or time.monotonic() > deadline)

        conn.set_progress_handler(progress, 1000)
        cursor = conn.execute(query)
        rows = cursor.fetchmany(MAX_ROWS + 1)
        if len(rows) > MAX_ROWS:
            raise QueryRefused(f"more than {MAX_ROWS} rows")
        return [c[0] for c in cursor.description or ()], rows
    except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError, MemoryError) as exc:
        raise QueryRefused(f"{type(exc).__name__}: {exc}") from None
    finally:
        conn.close()


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        value = round(value, 6)
        return int(value) if value.is_integer() else value
    if isinstance(value, bytes):
        return value.hex()
    return value


def same_rows(got: Sequence[Sequence[Any]], want: Sequence[Sequence[Any]], ordered: bool) -> bool:
    """Rows equal as lists (ordered) or as multisets; 2 and 2.0 are one number."""
    a = [tuple(map(_cell, row)) for row in got]
    b = [tuple(map(_cell, row)) for row in want]
    return a == b if ordered else Counter(map(repr, a)) == Counter(map(repr, b))


# ---- the databases -------------------------------------------------------------------------

@dataclass(frozen=True)
class Domain:
    """A fact table with a label, a category and a number, linked to a dimension table."""

    fact: str
    facts: str  # plural noun, in questions
    alias: str
    label: str
    group: str
    num: str
    num_noun: str
    fk: str
    dim: str
    dim_noun: str
    dim_alias: str
    attr: str
    labels: tuple[str, ...]
    groups: tuple[str, ...]
    dim_names: tuple[str, ...]
    attrs: tuple[str, ...]
    num_range: tuple[int, int, int]


PEOPLE = ("Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea",
          "Mo", "Nia", "Omar", "Pia", "Quin", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wes", "Yara")
DOMAINS = (
    Domain("employees", "employees", "e", "name", "role", "salary", "salary", "dept_id",
           "departments", "department", "d", "city", PEOPLE,
           ("engineer", "analyst", "designer", "manager", "support"),
           ("Research", "Sales", "Support", "Finance", "Legal", "Marketing"),
           ("Berlin", "Lisbon", "Oslo", "Austin", "Osaka"), (3000, 9000, 250)),
    Domain("orders", "orders", "o", "item", "category", "amount", "amount", "customer_id",
           "customers", "customer", "c", "country",
           ("lamp", "desk", "chair", "mug", "kettle", "rug", "shelf", "clock", "vase", "fan",
            "mirror", "stool", "bench", "pillow"),
           ("home", "office", "kitchen", "garden"), PEOPLE, ("PT", "DE", "JP", "US", "BR"),
           (5, 400, 5)),
    Domain("students", "students", "s", "name", "major", "score", "score", "class_id",
           "classes", "class", "c", "building", PEOPLE,
           ("math", "physics", "history", "art", "biology"),
           ("7A", "7B", "8A", "8B", "9A", "9C"), ("North", "South", "East"), (40, 100, 1)),
    Domain("books", "books", "b", "title", "genre", "pages", "page count", "author_id",
           "authors", "author", "a", "country",
           ("Dune", "Emma", "Ulysses", "Beloved", "Middlemarch", "Persuasion", "Solaris",
            "Rebecca", "Dracula", "Kindred", "Frankenstein", "Ivanhoe", "Walden", "Candide"),
           ("fiction", "poetry", "history", "science", "travel"),
           ("Austen", "Eliot", "Woolf", "Achebe", "Borges", "Lem", "Morrison", "Le Guin"),
           ("UK", "PL", "NG", "AR", "US"), (80, 900, 10)),
)


@dataclass
class Data:
    """One database: its rows, and the SQL that builds it."""

    d: Domain
    dims: list[tuple[int, str, str]]
    facts: list[tuple[int, str, str, int, int]]
    groups: list[str]

    @property
    def setup(self) -> str:
        d = self.d
        return "\n".join([
            f"CREATE TABLE {d.dim} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            f"{d.attr} TEXT NOT NULL);",
            f"CREATE TABLE {d.fact} (id INTEGER PRIMARY KEY, {d.label} TEXT NOT NULL, "
            f"{d.group} TEXT NOT NULL, {d.num} INTEGER NOT NULL, "
            f"{d.fk} INTEGER REFERENCES {d.dim}(id));",
            f"INSERT INTO {d.dim} VALUES\n  " + ",\n  ".join(_row(r) for r in self.dims) + ";",
            f"INSERT INTO {d.fact} VALUES\n  " + ",\n  ".join(_row(r) for r in self.facts) + ";",
        ])


def _row(values: Sequence[Any]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" if isinstance(v, str) else str(v)
                           for v in values) + ")"


def _data(rng: random.Random, d: Domain) -> Data:
    n_dim = rng.randint(3, 5)
    attrs = rng.sample(d.attrs, 2)
    dims = [(i + 1, name, rng.choice(attrs) if i > 1 else attrs[i])
            for i, name in enumerate(rng.sample(d.dim_names, n_dim))]
    empty = rng.randint(1, n_dim)  # a dimension row without facts
    used = [i for i in range(1, n_dim + 1) if i != empty]
    groups = rng.sample(d.groups, 3)
    lo, hi, step = d.num_range
    values: list[int] = []
    while len(set(values)) < 5:
        values = [rng.randrange(lo, hi + 1, step) for _ in range(rng.randint(7, 10))]
    values[rng.randrange(1, len(values))] = values[0]  # a tie
    facts = [(i + 1, label, groups[i] if i < 3 else rng.choice(groups), v, rng.choice(used))
             for i, (label, v) in enumerate(zip(rng.sample(d.labels, len(values)), values,
                                                strict=True))]
    return Data(d, dims, facts, groups)


# ---- the questions -------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    """A question about a database and its answer, clause by clause."""

    ask: str
    clauses: tuple[tuple[str, str], ...]  # (clause, what it does)
    ordered: bool

    @property
    def sql(self) -> str:
        return "\n".join(c for c, _ in self.clauses) + ";"


Template = Callable[[random.Random, Data], Query]
TEMPLATES: dict[int, list[Template]] = {level: [] for level in range(1, 6)}


def template(level: int) -> Callable[[Template], Template]:
    def add(fn: Template) -> Template:
        TEMPLATES[level].append(fn)
        return fn

    return add


def _nums(data: Data) -> list[int]:
    return sorted({f[3] for f in data.facts})


@template(1)
def filter_sorted(rng: random.Random, data: Data) -> Query:
    d = data.d
    x = _nums(data)[rng.randint(0, len(_nums(data)) - 3)]
    return Query(
        f"lists the {d.label}s of the {d.facts} whose {d.num_noun} is above {x}, in "
        f"alphabetical order",
        ((f"SELECT {d.label}", f"returns only the {d.label} column"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"WHERE {d.num} > {x}", f"keeps the rows with a {d.num_noun} strictly above {x}"),
         (f"ORDER BY {d.label}", f"sorts them alphabetically by {d.label}")), True)


@template(1)
def filter_group(rng: random.Random, data: Data) -> Query:
    d = data.d
    g = rng.choice(data.groups)
    nums = sorted(f[3] for f in data.facts if f[2] == g)
    a, b = nums[0], rng.choice(nums)
    return Query(
        f"shows the {d.label} and {d.num_noun} of every row of {d.fact} with {d.group} "
        f"'{g}' and a {d.num_noun} between {a} and {b} (both included); any row order",
        ((f"SELECT {d.label}, {d.num}", "returns the two columns asked for"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"WHERE {d.group} = '{g}'", f"keeps the rows whose {d.group} is '{g}'"),
         (f"  AND {d.num} BETWEEN {a} AND {b}", "and, of those, the ones in the range "
          "(BETWEEN includes both ends)")), False)


@template(1)
def top_n(rng: random.Random, data: Data) -> Query:
    d = data.d
    n = rng.randint(2, 4)
    return Query(
        f"returns the {d.label} and {d.num_noun} of the {n} {d.facts} with the highest "
        f"{d.num_noun}, highest first (equal {d.num_noun}s in alphabetical order of "
        f"{d.label})",
        ((f"SELECT {d.label}, {d.num}", "returns the two columns asked for"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"ORDER BY {d.num} DESC, {d.label}", f"sorts by {d.num_noun}, highest first, "
          f"breaking ties by {d.label}"),
         (f"LIMIT {n}", f"keeps the first {n} rows")), True)


@template(2)
def group_stats(rng: random.Random, data: Data) -> Query:
    d = data.d
    return Query(
        f"gives, for each {d.group}, the number of {d.facts} and their average {d.num_noun} "
        f"rounded to 1 decimal place, ordered by {d.group}",
        ((f"SELECT {d.group}, COUNT(*), ROUND(AVG({d.num}), 1)", "returns each group's name, "
          "its row count and its average, rounded"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"GROUP BY {d.group}", f"makes one group per {d.group}; COUNT and AVG work within "
          "each group"),
         (f"ORDER BY {d.group}", f"sorts the groups by {d.group}")), True)


@template(2)
def group_total(rng: random.Random, data: Data) -> Query:
    d = data.d
    g = rng.choice(data.groups)
    return Query(
        f"returns the total {d.num_noun} of the {d.facts} whose {d.group} is '{g}'",
        ((f"SELECT SUM({d.num})", f"adds up the {d.num_noun}s of the rows that are left"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"WHERE {d.group} = '{g}'", f"keeps the rows whose {d.group} is '{g}'")), False)


@template(2)
def group_extremes(rng: random.Random, data: Data) -> Query:
    d = data.d
    return Query(
        f"returns each {d.group} with the lowest and the highest {d.num_noun} in it; any "
        "row order",
        ((f"SELECT {d.group}, MIN({d.num}), MAX({d.num})", "returns each group with its "
          "smallest and largest value"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"GROUP BY {d.group}", f"makes one group per {d.group}, so MIN and MAX work within "
          "each")), False)


@template(3)
def join_filter(rng: random.Random, data: Data) -> Query:
    d, f, a = data.d, data.d.alias, data.d.dim_alias
    place = rng.choice(sorted({r[2] for r in data.dims
                               if any(x[4] == r[0] for x in data.facts)}))
    return Query(
        f"lists each {d.label} from {d.fact} with the name of its {d.dim_noun}, for the "
        f"{d.dim} whose {d.attr} is '{place}'; any row order",
        ((f"SELECT {f}.{d.label}, {a}.name", "returns a column from each table"),
         (f"FROM {d.fact} {f}", f"reads {d.fact} (as {f})"),
         (f"JOIN {d.dim} {a} ON {f}.{d.fk} = {a}.id", f"pairs each row with its "
          f"{d.dim_noun}: the row whose id is its {d.fk}"),
         (f"WHERE {a}.{d.attr} = '{place}'", f"keeps the pairs whose {d.dim_noun}'s {d.attr} "
          f"is '{place}'")), False)


@template(3)
def join_count(rng: random.Random, data: Data) -> Query:
    d, f, a = data.d, data.d.alias, data.d.dim_alias
    return Query(
        f"returns the name of every {d.dim_noun} and how many {d.facts} it has (0 for none), "
        "ordered by name",
        ((f"SELECT {a}.name, COUNT({f}.id)", f"counts the matched {d.facts}; COUNT of a "
          "column skips NULLs, so a name with no match counts 0"),
         (f"FROM {d.dim} {a}", f"starts from {d.dim}, so that every one of them is kept"),
         (f"LEFT JOIN {d.fact} {f} ON {f}.{d.fk} = {a}.id", "adds the matching rows; a LEFT "
          "JOIN keeps the ones without a match, with NULLs"),
         (f"GROUP BY {a}.id", f"makes one group per {d.dim_noun}"),
         (f"ORDER BY {a}.name", "sorts by name")), True)


@template(3)
def join_sum(rng: random.Random, data: Data) -> Query:
    d, f, a = data.d, data.d.alias, data.d.dim_alias
    return Query(
        f"returns, for each {d.attr} of the {d.dim}, the total {d.num_noun} of their {d.facts} "
        f"({d.attr}s without {d.facts} may be left out); any row order",
        ((f"SELECT {a}.{d.attr}, SUM({f}.{d.num})", f"returns each {d.attr} with its total"),
         (f"FROM {d.fact} {f}", f"reads {d.fact} (as {f})"),
         (f"JOIN {d.dim} {a} ON {f}.{d.fk} = {a}.id", f"finds each row's {d.dim_noun}"),
         (f"GROUP BY {a}.{d.attr}", f"makes one group per {d.attr}, so SUM adds within "
          "each")), False)


@template(4)
def having(rng: random.Random, data: Data) -> Query:
    d = data.d
    sizes = Counter(f[2] for f in data.facts)
    n = rng.choice(sorted(set(sizes.values())))
    n = n - 1 if n == max(sizes.values()) else n
    return Query(
        f"returns each {d.group} that has more than {n} {d.facts}, with that number; any row "
        "order",
        ((f"SELECT {d.group}, COUNT(*)", "returns each group with its size"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"GROUP BY {d.group}", f"makes one group per {d.group}"),
         (f"HAVING COUNT(*) > {n}", f"keeps the groups with more than {n} rows (HAVING filters "
          "groups, after GROUP BY; WHERE would filter rows)")), False)


@template(4)
def above_average(rng: random.Random, data: Data) -> Query:
    d = data.d
    return Query(
        f"returns the {d.label} and {d.num_noun} of the {d.facts} whose {d.num_noun} is "
        f"above the average over all {d.facts}, highest first (ties by {d.label})",
        ((f"SELECT {d.label}, {d.num}", "returns the two columns asked for"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"WHERE {d.num} > (SELECT AVG({d.num}) FROM {d.fact})", "compares each row with "
          "the average, which the subquery computes once over the whole table"),
         (f"ORDER BY {d.num} DESC, {d.label}", "sorts highest first, ties by "
          f"{d.label}")), True)


@template(4)
def above_group_average(rng: random.Random, data: Data) -> Query:
    d, f = data.d, data.d.alias
    return Query(
        f"returns the {d.label}, {d.group} and {d.num_noun} of the {d.facts} whose "
        f"{d.num_noun} is above the average of their own {d.group}; any row order",
        ((f"SELECT {f}.{d.label}, {f}.{d.group}, {f}.{d.num}", "returns the columns asked for"),
         (f"FROM {d.fact} {f}", f"reads {d.fact} (as {f})"),
         (f"WHERE {f}.{d.num} > (SELECT AVG(g.{d.num}) FROM {d.fact} g "
          f"WHERE g.{d.group} = {f}.{d.group})", f"compares each row with the average of its "
          f"own {d.group}: the correlated subquery runs for each row, with its {d.group}")),
        False)


@template(4)
def without_facts(rng: random.Random, data: Data) -> Query:
    d = data.d
    return Query(
        f"returns the names of the {d.dim} that have no {d.facts}; any row order",
        (("SELECT name", f"returns the {d.dim_noun}'s name"),
         (f"FROM {d.dim}", f"reads the {d.dim} table"),
         (f"WHERE id NOT IN (SELECT {d.fk} FROM {d.fact} WHERE {d.fk} IS NOT NULL)",
          f"keeps the ids that no row of {d.fact} refers to (NULLs are left out of the "
          "subquery, since NOT IN with a NULL matches nothing)")), False)


@template(5)
def rank_in_group(rng: random.Random, data: Data) -> Query:
    d = data.d
    return Query(
        f"returns every row's {d.label}, {d.group}, {d.num_noun} and its rank by {d.num_noun} "
        f"within its {d.group} (highest is 1, equal values share a rank and leave a gap, as "
        f"RANK does), ordered by {d.group}, then rank, then {d.label}",
        ((f"SELECT {d.label}, {d.group}, {d.num},", "returns the columns asked for and"),
         (f"       RANK() OVER (PARTITION BY {d.group} ORDER BY {d.num} DESC) AS pos",
          f"a window function: rows are ranked within each {d.group} (PARTITION BY), highest "
          f"{d.num_noun} first, without merging the rows"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         (f"ORDER BY {d.group}, pos, {d.label}", "sorts the output")), True)


@template(5)
def best_per_group(rng: random.Random, data: Data) -> Query:
    d = data.d
    return Query(
        f"returns, for each {d.group}, the {d.label} and {d.num_noun} of its row with the "
        f"highest {d.num_noun} (on a tie, the {d.label} first in alphabetical order), ordered "
        f"by {d.group}",
        ((f"SELECT {d.group}, {d.label}, {d.num}", "returns the columns asked for"),
         (f"FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY {d.group} "
          f"ORDER BY {d.num} DESC, {d.label}) AS n FROM {d.fact})",
          f"numbers the rows within each {d.group}, best first, in a subquery"),
         ("WHERE n = 1", "keeps the first row of each group"),
         (f"ORDER BY {d.group}", f"sorts by {d.group}")), True)


@template(5)
def running_total(rng: random.Random, data: Data) -> Query:
    d = data.d
    return Query(
        f"returns every row's id, {d.label}, {d.num_noun} and the running total of "
        f"{d.num_noun} in order of id, ordered by id",
        ((f"SELECT id, {d.label}, {d.num},", "returns the columns asked for and"),
         (f"       SUM({d.num}) OVER (ORDER BY id) AS running",
          "a window sum: with ORDER BY in the window, it adds the rows from the first up "
          "to the current one"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         ("ORDER BY id", "sorts by id")), True)


@template(5)
def change_from_previous(rng: random.Random, data: Data) -> Query:
    d = data.d
    return Query(
        f"returns every row's id, {d.num_noun} and the difference between its {d.num_noun} "
        "and that of the row before it in order of id (NULL for the first row), ordered by id",
        ((f"SELECT id, {d.num}, {d.num} - LAG({d.num}) OVER (ORDER BY id) AS change",
          "LAG reads the previous row's value in the window's order; it is NULL for the "
          "first row, and so is the difference"),
         (f"FROM {d.fact}", f"reads the {d.fact} table"),
         ("ORDER BY id", "sorts by id")), True)


# ---- wrong answers: the query altered --------------------------------------------------------

_MUTATIONS: tuple[tuple[str, str], ...] = (
    (r" > ", " >= "), (r" >= ", " > "), (r" < ", " <= "), (r" = '", " <> '"),
    (r" DESC", ""), (r"\bLEFT JOIN\b", "JOIN"), (r"\n(GROUP BY [^\n]+)", ""),
    (r"\bAVG\(", "MAX("), (r"\bSUM\(", "COUNT("), (r"\bCOUNT\(\w+\.id\)", "COUNT(*)"),
    (r"\bMIN\(", "AVG("), (r"\bMAX\(", "MIN("), (r"PARTITION BY \w+ ", ""),
    (r"\bNOT IN\b", "IN"), (r"\bRANK\(\)", "ROW_NUMBER()"), (r"\bLAG\(", "LEAD("),
    (r"LIMIT (\d+)", "LIMIT 1\\1"), (r" AND ", " OR "), (r"ON (\w+)\.\w+ = ", "ON \\1.id = "),
    (r"OVER \(ORDER BY id\)", "OVER ()"),
)


def _mutants(query: str) -> list[str]:
    out = []
    for pattern, repl in _MUTATIONS:
        changed = re.sub(pattern, repl, query, count=1)
        if changed != query:
            out.append(changed)
    return out


# ---- the family ------------------------------------------------------------------------------

def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def show(v: Any) -> str:
        return "NULL" if v is None else str(_cell(v))

    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(map(show, row)) + " |" for row in rows]
    return "\n".join(lines)


_FENCE = re.compile(r"```[ \t]*(?:sql|sqlite)?[ \t]*\n(.*?)(?:```|\Z)", re.S | re.I)


@family("sql_query")
class SqlQuery(Family):
    """Write a SQLite query that answers a question about a small database."""

    Config = FamilyConfig
    domain = "sql"
    skills = ("sql", "joins", "aggregation", "window functions")
    answer_kind = "sql"
    test_items = 100

    def make(self, rng: random.Random, level: int) -> Task:
        data = _data(rng, rng.choice(DOMAINS))
        query = rng.choice(TEMPLATES[level])(rng, data)
        columns, rows = run_query(data.setup, query.sql)
        order = "" if query.ordered else " Any row order is accepted."
        question = (f"Here is a small SQLite database:\n\n```sql\n{data.setup}\n```\n\n"
                    f"Write one SQL query that {query.ask}.{order}")
        explained = "\n".join(f"- `{c.strip()}` {why}." for c, why in query.clauses)
        solution = (f"Clause by clause:\n{explained}\n\nOn this data the query returns:\n\n"
                    f"{_table(columns, rows)}")
        check = {"schema": data.setup, "expected": [list(r) for r in rows],
                 "ordered": query.ordered, "columns": columns}
        return Task(question, query.sql, solution, check)

    def generate(self, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        data, meta = super().generate(k)
        if self.config.trace:
            data["response"] = f"{data['solution']}\n\nAnswer:\n```sql\n{data['answer']}\n```"
        return data, meta

    @classmethod
    def extract(cls, response: str) -> str:
        marks = list(re.finditer(r"(?im)^\s*(?:final\s+)?answer\s*[:：]", response))
        tail = response[marks[-1].end():] if marks else response
        blocks = _FENCE.findall(tail)
        return (blocks[-1] if blocks else tail).strip()

    @classmethod
    def score(cls, answer: str, task: Task) -> float:
        """1.0 if the query returns the expected rows, else 0.0 (also if a guard stops it)."""
        blocks = _FENCE.findall(answer)
        query = (blocks[-1] if blocks else answer).strip()
        check = task.check
        try:
            _, rows = run_query(check["schema"], query)
        except QueryRefused:
            return 0.0
        return 1.0 if same_rows(rows, check["expected"], bool(check.get("ordered"))) else 0.0

    @classmethod
    def wrong_answers(cls, task: Task, rng: random.Random) -> list[str]:
        """The query with a filter, grouping, join, function or column altered, keeping those
        that return other rows."""
        wrong = [q for q in _mutants(task.answer) if cls.score(q, task) < 1.0]
        picked = rng.sample(wrong, min(3, len(wrong)))
        return picked or ["SELECT NULL WHERE 0;"]
