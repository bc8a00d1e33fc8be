"""Prepare a query: its form, its prologue, the common prefixes it lacks, and the refusals (updates,
SERVICE); plus one-line errors that name the line and column of the query as the user wrote it.

Nothing here runs a query, and no SPARQL parser of a query engine is called: the prologue is read by a
small lexer, and the SERVICE check parses with rdflib's pure-Python parser only when the letters
"service" occur at all (kg.sparql.guard). Syntax errors come from the engine that runs the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.model.errors import QueryError
from kg.model.namespaces import PREFIXES
from kg.sparql.guard import uses_service

FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
READ_ONLY = "SPARQL Update is refused: the graph is read-only (use SELECT, ASK, CONSTRUCT or DESCRIBE)"
NO_SERVICE = "SERVICE (federated query) is disabled: queries may not make this program fetch other URLs"


class UpdateRefused(QueryError):
    """An update (INSERT, DELETE, LOAD, ...) was sent to a read-only graph."""


class ServiceRefused(QueryError):
    """The query holds a SERVICE clause and federated queries are not allowed."""


# Just enough of the SPARQL lexer to read the prologue and find prefixed names outside strings, IRIs and comments.
_TOKEN = re.compile(r"""
    (?P<ws>\s+) | (?P<comment>\#[^\n\r]*) | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$]\w+) | (?P<bnode>_:[\w.\-]*) | (?P<pname>(?:[^\W\d_][\w.\-]*)?:[^\s<>"'{}()\[\],;.\#|/^*+?!=&]*)
  | (?P<word>[A-Za-z_]\w*) | (?P<other>.)""", re.X | re.S)
_OX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)  # Oxigraph's column is one past the culprit


@dataclass(frozen=True, slots=True)
class Prepared:
    """A checked query. `source` is the text as written (Oxigraph gets the missing prefixes as an
    argument); `text` has them declared in front of line 1, for rdflib and remote endpoints."""

    source: str
    text: str
    form: str  # "select" | "ask" | "graph"
    shift: int  # characters put in front of line 1 of `text`

    @property
    def missing_prefixes(self) -> dict[str, str]:
        header = self.text[: self.shift]
        return {p: ns for p, ns in PREFIXES.items() if f"PREFIX {p}: " in header}


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    for m in _TOKEN.finditer(text):
        if m.lastgroup not in ("ws", "comment"):
            yield m.lastgroup or "other", m.group(), m.start()


def _prologue(text: str) -> tuple[set[str], str, int]:
    """Prefixes the query declares, the first keyword after the prologue (upper case) and its offset;
    the keyword is "" for a query without tokens. Reads no further than that keyword."""
    declared: set[str] = set()
    tokens = _tokens(text)
    for kind, value, start in tokens:
        word = value.upper() if kind == "word" else ""
        if word == "PREFIX":
            name = next(tokens, ("", "", 0))
            if name[0] == "pname":
                declared.add(name[1].split(":", 1)[0])
            next(tokens, None)
        elif word == "BASE":
            next(tokens, None)
        else:
            return declared, word or value, start
    return declared, "", -1


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset (lines end at LF, CR or CRLF, as in SPARQL)."""
    before = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    return before.count("\n") + 1, offset - max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))


def syntax_error(line: int, column: int, message: str) -> QueryError:
    text = " ".join(message.split())
    text = text if len(text) <= 160 else text[:157] + "..."
    return QueryError(f"SPARQL syntax error at line {line}, column {column}: {text}")


def prepare(query: str, *, allow_service: bool = False) -> Prepared:
    """Check a query's form, refuse updates and (unless allowed) SERVICE, and declare the common
    prefixes it does not declare itself. Raises QueryError (UpdateRefused, ServiceRefused)."""
    declared, keyword, start = _prologue(query)
    if keyword in UPDATE_KEYWORDS:
        raise UpdateRefused(READ_ONLY)
    if not keyword:
        raise QueryError("empty query")
    if keyword not in FORMS:
        where = position(query, start)
        raise syntax_error(*where, f"expected SELECT, ASK, CONSTRUCT or DESCRIBE, not {keyword[:40]!r}")
    header = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items() if p not in declared)
    prepared = Prepared(query, header + query, FORMS[keyword], len(header))
    if not allow_service and uses_service(query, PREFIXES):
        raise ServiceRefused(NO_SERVICE)
    return prepared


def undefined_prefix(query: str) -> QueryError | None:
    """The first prefixed name whose prefix neither the query nor the common prefixes declare."""
    declared, _, _ = _prologue(query)
    for kind, value, start in _tokens(query):
        prefix = value.split(":", 1)[0]
        if kind == "pname" and prefix != "_" and prefix not in declared and prefix not in PREFIXES:
            return syntax_error(*position(query, start), f"undefined prefix {prefix}:")
    return None


def engine_error(prepared: Prepared, exc: Exception, *, shifted: bool) -> QueryError:
    """One line for an engine's exception, located in the query as written. `shifted`: the engine
    parsed `text` (prefixes in front of line 1), not `source`."""
    missing = undefined_prefix(prepared.source)  # no engine parses a query with an undefined prefix
    if missing is not None:
        return missing
    if isinstance(exc, RecursionError):
        return QueryError("query failed: it is nested or chained too deeply for the SPARQL parser")
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    message = getattr(exc, "msg", None)
    match = _OX_ERROR.match(str(exc))
    if match:  # pyoxigraph SyntaxError
        line, col, message = int(match[1]), int(match[2]) - 1, match[3]
    if not (isinstance(line, int) and isinstance(col, int)):  # not a syntax error (pyparsing sets lineno)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return QueryError(f"query failed: {first[:300]}")
    return syntax_error(line, max(1, col - prepared.shift) if shifted and line == 1 else max(1, col), str(message))
