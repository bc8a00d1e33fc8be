"""The query cookbook: kg/sparql/queries/<verb-noun>.rq files with `# title:`, `# description:` and optional
`# param NAME: note` header lines, and the `--param NAME=VALUE` substitution into their VALUES lines.

A parameter is a one-line `VALUES ?NAME { default }` clause in the query, so every file stays a plain
SPARQL query that runs as it is in any store (Fuseki, Oxigraph, YASGUI ...). A new query is one file
plus its expected rows in tests/golden/queries/; docs/queries.md is generated from the headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kg.model.errors import DataError, UnknownNameError, UsageError
from kg.model.namespaces import PREFIXES
from kg.model.resources import queries_dir

_HEADER = re.compile(r"#\s*(title|description|param|engine)\b\s*(?:\??(\w+)\s*)?:\s*(?:\?(\w+)\b)?\s*(.*)")
STORES = ("rdflib", "oxigraph")
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")  # verb-noun, lower case
_LOCAL = re.compile(r"[A-Za-z0-9_][\w.-]*")


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    note: str
    default: str  # the term in the query's VALUES line, as written


@dataclass(frozen=True, slots=True)
class CookbookQuery:
    """One cookbook file, read and checked."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    path: Path
    text: str
    engine: str = ""  # optional note; the stores it names before any ';' are the only ones it suits

    @property
    def stores(self) -> tuple[str, ...]:
        """The embedded stores this query gives right answers on (all unless `# engine:` names some)."""
        head = self.engine.split(";", 1)[0].lower()
        return tuple(s for s in STORES if s in head) or STORES


def _values(name: str) -> re.Pattern[str]:
    return re.compile(r"(VALUES\s+\?" + re.escape(name) + r"\s*\{\s*)([^{}\n]*?)(\s*\})", re.I)


def read_query(path: Path) -> CookbookQuery:
    """Read one cookbook file; a missing title, description or VALUES line is a DataError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read query {path}: {exc}") from None
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break  # the header is the leading block of comment lines
        match = _HEADER.match(line)
        name = match and (match[2] or match[3])  # "# param NAME: note" or "# param: ?NAME note"
        if match and match[1] == "param":
            values = _values(name or "").search(text)
            if not name or not values:
                shown = name or "NAME"
                raise DataError(f"{path}: '# param {shown}' needs a one-line 'VALUES ?{shown} {{ ... }}'")
            params.append(Param(name, match[4].strip(), values[2]))
        elif match:
            fields[match[1]] = (fields.get(match[1], "") + " " + match[4].strip()).strip()
    missing = [f for f in ("title", "description") if not fields.get(f)]
    if missing:
        raise DataError(f"{path}: header line '# {missing[0]}: ...' is missing")
    return CookbookQuery(path.stem, fields["title"], fields["description"], tuple(params), path, text,
                         fields.get("engine", ""))


def cookbook(folder: Path | None = None) -> list[CookbookQuery]:
    """Every query of the cookbook, sorted by name."""
    folder = folder or queries_dir()
    return [read_query(p) for p in sorted(folder.glob("*.rq"))]


def find(name: str, folder: Path | None = None) -> CookbookQuery:
    """The cookbook query called `name` (file name without .rq), with suggestions if there is none."""
    path = (folder or queries_dir()) / f"{name}.rq"
    if _NAME.fullmatch(name) and path.is_file():
        return read_query(path)
    import difflib

    names = [q.name for q in cookbook(folder)]
    raise UnknownNameError(name, difflib.get_close_matches(name, names, n=3, cutoff=0.5), what="cookbook query")


def _literal(default: str, name: str, value: str) -> str:
    match = re.fullmatch(r'"(?:[^"\\]|\\.)*"(.*)', default, re.S)
    suffix = match[1] if match else ""
    if suffix in ("^^xsd:date", f"^^<{PREFIXES['xsd']}date>"):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"invalid date for --param {name}: {value!r} (expected YYYY-MM-DD)") from None
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"{suffix}'


def _iri(default: str, name: str, value: str) -> str:
    if re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", value):
        return f"<{value}>"
    prefix, _, local = value.rpartition(":")
    if prefix in PREFIXES and _LOCAL.fullmatch(local):
        return value
    if not prefix and _LOCAL.fullmatch(value) and ":" in default and not default.startswith("<"):
        return f"{default.split(':', 1)[0]}:{value}"  # a bare id gets the default's prefix: ekgr:germanium
    raise UsageError(f"invalid value for --param {name}: {value!r} (give an id such as "
                     f"{default.split(':', 1)[-1]!r}, a prefixed name or a full http(s) IRI)")


def term_for(default: str, name: str, value: str) -> str:
    """`value` written as a SPARQL term of the same kind as the default term (literal, IRI, number)."""
    if default.startswith(("'", '"')):
        return _literal(default, name, value)
    if re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?", default):
        if not re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?", value):
            raise UsageError(f"invalid number for --param {name}: {value!r}")
        return value
    return _iri(default, name, value)


def bind(text: str, values: dict[str, str]) -> str:
    """Put each VALUE into the query's one-line `VALUES ?NAME { ... }` clauses (all of them: a
    subquery that needs the parameter repeats the clause, since it cannot see the outer one)."""
    for name, value in values.items():
        pattern = _values(name)
        match = pattern.search(text)
        if match is None:
            raise UsageError(f"--param {name}: the query has no one-line 'VALUES ?{name} {{ ... }}' to fill")
        term = term_for(match[2], name, value)
        text = pattern.sub(lambda m, t=term: m[1] + t + m[3], text)
    return text


def parse_params(pairs: list[str]) -> dict[str, str]:
    """NAME=VALUE strings from the command line."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"\w+", name.strip().lstrip("?")):
            raise UsageError(f"invalid --param {pair!r}; write NAME=VALUE, e.g. date=2025-06-01")
        out[name.strip().lstrip("?")] = value.strip()
    return out


def markdown(queries: list[CookbookQuery]) -> str:
    """docs/queries.md: every cookbook query with its title, description, parameters and file."""
    lines = ["# Query cookbook", "",
             "Ready-made SPARQL queries on the export-controls graph, generated from the headers of "
             "`kg/sparql/queries/*.rq` (do not edit by hand: `kg queries --format markdown > docs/queries.md`).", "",
             "Run one with `kg sparql NAME` (or the file path), set parameters with `--param NAME=VALUE`, "
             "and print its text with `kg queries NAME`. See [sparql.md](sparql.md) for stores and formats.", ""]
    lines += ["| query | title |", "|---|---|"]
    lines += [f"| [`{q.name}`](#{q.name}) | {q.title} |" for q in queries]
    for q in queries:
        lines += ["", f"## {q.name}", "", f"**{q.title}.** {q.description}", ""]
        for p in q.params:
            lines.append(f"- parameter `{p.name}` (default `{p.default}`): {p.note}")
        if q.params:
            lines.append("")
        lines.append(f"File: [`kg/sparql/queries/{q.path.name}`](../kg/sparql/queries/{q.path.name})")
    return "\n".join(lines) + "\n"
