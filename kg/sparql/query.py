"""Read-only SPARQL on any store: prepare a query (prefixes, form, syntax check), run it, get an Answer.

The same code path serves `kg sparql`, `kg serve` and the cookbook tests, whatever the store: an rdflib
graph in memory, an Oxigraph store through oxrdflib, or a remote SPARQL 1.1 endpoint (`kg.store.remote`).
Updates are refused before anything reaches a store. Syntax errors name the line and column of the
query as the user wrote it, although the predeclared prefixes are sent in front of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.model.errors import KGError, QueryError
from kg.model.namespaces import PREFIXES
from kg.sparql.answer import Answer, answer_of, graph_answer

if TYPE_CHECKING:
    from rdflib import Graph

FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
READ_ONLY = "SPARQL Update is refused: the graph is read-only (use SELECT, ASK, CONSTRUCT or DESCRIBE)"

# Just enough of the SPARQL lexer to read the prologue and find keywords outside strings, IRIs and comments.
_TOKEN = re.compile(r"""
    (?P<ws>\s+) | (?P<comment>\#[^\n]*) | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<var>[?$]\w+) | (?P<pname>[^\s:<>"'{}()\[\],;.\#?$]*:[^\s<>"'{}()\[\],;.\#]*)
  | (?P<word>[A-Za-z_]\w*) | (?P<other>.)""", re.X | re.S)
_OX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)  # Oxigraph's column is one past the culprit


@dataclass(frozen=True, slots=True)
class Prepared:
    """A checked query: `text` is what the engine gets (missing prefixes declared in front of line 1)."""

    source: str
    text: str
    form: str  # "select" | "ask" | "graph"
    shift: int  # characters put in front of line 1
    uses_service: bool = False


def _tokens(text: str) -> list[tuple[str, str, int]]:
    return [(m.lastgroup or "other", m.group(), m.start()) for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("ws", "comment")]


def _prologue(tokens: list[tuple[str, str, int]]) -> tuple[set[str], str]:
    """Prefixes the query declares itself, and the first keyword after the prologue (upper case)."""
    declared: set[str] = set()
    i = 0
    while i < len(tokens):
        kind, value, _ = tokens[i]
        word = value.upper() if kind == "word" else ""
        if word == "PREFIX" and i + 1 < len(tokens) and tokens[i + 1][0] == "pname":
            declared.add(tokens[i + 1][1].split(":", 1)[0])
            i += 3
        elif word == "BASE":
            i += 2
        else:
            return declared, word
    return declared, ""


def prepare(query: str) -> Prepared:
    """Check a query and declare the common prefixes it does not declare itself.

    Raises QueryError for an update, an empty query or a syntax error (with line and column)."""
    tokens = _tokens(query)
    declared, keyword = _prologue(tokens)
    if keyword in UPDATE_KEYWORDS:
        raise QueryError(READ_ONLY)
    if not tokens:
        raise QueryError("empty query")
    header = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items() if p not in declared)
    prepared = Prepared(query, header + query, FORMS.get(keyword, ""),
                        len(header), any(t[0] == "word" and t[1].upper() == "SERVICE" for t in tokens))
    _check_syntax(prepared)
    if not prepared.form:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prefixes")
    return prepared


def _located(prepared: Prepared, line: int, column: int, message: str) -> QueryError:
    if line == 1:
        column = max(1, column - prepared.shift)
    text = " ".join(message.split())
    text = text if len(text) <= 160 else text[:157] + "..."
    return QueryError(f"SPARQL syntax error at line {line}, column {column}: {text}")


_SYNTAX_STORE: Any = None


def _check_syntax(prepared: Prepared) -> None:
    """Parse with Oxigraph's complete SPARQL 1.1 parser on an empty store. SELECT and CONSTRUCT
    results are lazy, so nothing is evaluated; ASK is evaluated eagerly, so it is not checked here
    (a SERVICE clause would be called) and the engine reports its errors instead."""
    global _SYNTAX_STORE
    if prepared.form == "ask":
        return
    import pyoxigraph

    if _SYNTAX_STORE is None:
        _SYNTAX_STORE = pyoxigraph.Store()
    try:
        _SYNTAX_STORE.query(prepared.text)
    except SyntaxError as exc:
        match = _OX_ERROR.match(str(exc))
        if match:
            raise _located(prepared, int(match[1]), int(match[2]) - 1, match[3]) from None
        raise QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}") from None
    except Exception:  # evaluation errors on the empty store are not syntax errors
        pass


def _engine_error(prepared: Prepared, exc: Exception) -> QueryError:
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    if isinstance(line, int) and isinstance(col, int):  # pyparsing ParseException from rdflib
        return _located(prepared, line, col, getattr(exc, "msg", str(exc)))
    match = _OX_ERROR.match(str(exc))
    if match:  # pyoxigraph SyntaxError through oxrdflib (ASK queries)
        return _located(prepared, int(match[1]), int(match[2]) - 1, match[3])
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return QueryError(f"query failed: {first}")


def _run_remote(prepared: Prepared, endpoint: str, *, max_rows: int | None, timeout: float) -> Answer:
    from kg.store.remote import graph_query, result_query

    if prepared.form == "graph":
        return graph_answer(graph_query(endpoint, prepared.text, timeout=timeout), max_rows)
    return answer_of(result_query(endpoint, prepared.text, timeout=timeout), prepared.form, max_rows)


def run(prepared: Prepared, source: Graph | str, *, max_rows: int | None = None,
        timeout: float = 60.0) -> Answer:
    """Run a prepared query on an rdflib graph (any store) or on a SPARQL endpoint URL."""
    if isinstance(source, str):
        return _run_remote(prepared, source, max_rows=max_rows, timeout=timeout)
    try:
        return answer_of(source.query(prepared.text), prepared.form, max_rows)
    except KGError:
        raise
    except Exception as exc:  # rdflib and pyoxigraph raise assorted types; report one line
        raise _engine_error(prepared, exc) from None


def sparql(query: str, source: Graph | str, *, max_rows: int | None = None) -> Answer:
    """Prepare and run in one call."""
    return run(prepare(query), source, max_rows=max_rows)


def query_text(query: str, params: dict[str, str] | None = None) -> str:
    """The text of QUERY: a .rq/.sparql file, a cookbook query name, or inline SPARQL; with `params`
    put into its VALUES lines (see kg.sparql.cookbook.bind)."""
    from kg.sparql.cookbook import bind, find

    stripped = query.strip()
    single_word = bool(stripped) and not any(ch.isspace() or ch in "{}" for ch in stripped)
    path = Path(stripped) if single_word else None
    if path is not None and path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file {path}: {exc}") from None
    elif path is not None and path.suffix in (".rq", ".sparql"):
        raise QueryError(f"query file not found: {path}")
    elif single_word:
        text = find(stripped).text
    else:
        text = query
    return bind(text, params) if params else text


def suited_store(query: str, store: str) -> str:
    """The store to run QUERY on: `store`, unless QUERY names a cookbook query whose `# engine:` line
    excludes it (then the first store it suits)."""
    from kg.sparql.cookbook import find

    stripped = query.strip()
    if not stripped or any(ch.isspace() or ch in "{}" for ch in stripped) or Path(stripped).suffix:
        return store
    try:
        stores = find(stripped).stores
    except KGError:
        return store
    return store if store in stores else stores[0]


def execute(query: str, *, params: dict[str, str] | None = None, extra: tuple[Path, ...] = (),
            store: str = "rdflib", store_path: Path | None = None, endpoint: str | None = None,
            fmt: str | None = None) -> tuple[Answer, str]:
    """`kg sparql`: resolve QUERY, check it and the output format, load the store, run; returns the
    answer and the format to write it in."""
    from kg.sparql.results import check_format, default_format

    prepared = prepare(query_text(query, params))
    fmt = check_format(prepared.form, fmt or default_format(prepared.form))
    if endpoint:
        return run(prepared, endpoint), fmt
    from kg.store.load import load_graph

    graph = load_graph(tuple(extra), store=store, store_path=store_path)
    try:
        return run(prepared, graph), fmt
    finally:
        if store_path is not None:
            graph.close()  # release the persisted store's lock at once, not when the graph is collected
