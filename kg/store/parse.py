"""The one Turtle parser: every command reads ontology, data and `--data` files through `read_triples`.

pyoxigraph decides what is valid Turtle (strict IRIs, no relative IRIs, blank nodes renamed per file
so that `_:a` in two files are two nodes); its error becomes a one-line DataError naming the file and
line. The rdflib and Oxigraph stores (kg.store.load), validation (kg.store.validate), the compiled
snapshot (kg.store.compile through `IndexGraph`) and `kg push` all take their triples from here, so no
command accepts a file another rejects.

`IndexGraph` holds the parsed triples in plain dict indexes that answer the slice of the rdflib Graph
API kg.store.compile uses, so a cache miss needs neither rdflib parsing nor rdflib's per-call triple
matching (1M triples: about 7 s instead of about 50 s).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.model.errors import DataError

if TYPE_CHECKING:
    from rdflib import Graph

_LINE = re.compile(r"line (\d+)")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def read_triples(path: Path) -> Iterator[ox.Quad]:
    """The triples of one Turtle file, in the default graph. Raises DataError (one line) when the file
    is missing, unreadable or not valid Turtle."""
    if not path.exists():
        raise DataError(f"data file not found: {path}")
    try:
        yield from ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
    except SyntaxError as exc:
        raise DataError(_syntax_message(path, exc)) from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {_why(exc)}") from None


def _why(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or (str(exc).splitlines() or [""])[0]
    return text or type(exc).__name__


def _syntax_message(path: Path, exc: SyntaxError) -> str:
    message = " ".join(str(exc).split(" (line ", 1)[0].split())
    message = message if len(message) <= 200 else message[:197] + "..."
    line = _LINE.search(message)
    where = f"{path}:{line.group(1)}" if line else str(path)
    with open(path, "rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            message += " (the file starts with a byte-order mark: save it as UTF-8 without BOM)"
    return f"malformed Turtle in {where}: {message}"


def missing_file(paths: Iterable[Path]) -> None:
    """Raise DataError for the first path that does not exist, before any file is parsed."""
    for path in paths:
        if not path.exists():
            raise DataError(f"data file not found: {path}")


# --- into stores -------------------------------------------------------------------------------


def into_oxigraph(store: ox.Store, paths: Iterable[Path]) -> None:
    """Add the triples of `paths` to a pyoxigraph store (its default graph)."""
    for path in paths:
        store.extend(read_triples(path))


def into_rdflib(graph: Graph, paths: Iterable[Path]) -> None:
    """Add the triples of `paths` to an rdflib graph, as the terms rdflib's own Turtle parser makes
    (a plain literal has no datatype; each distinct IRI becomes one URIRef object)."""
    import logging
    import warnings

    term = _rdflib_converter()
    store, context = graph.store, graph
    quiet = logging.getLogger("rdflib.term")  # it logs a traceback for each ill-typed literal, such as
    level = quiet.level  # "2024-13-40"^^xsd:date; kg validate reports those in one line each
    quiet.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():  # and warns of odd booleans ("yes"^^xsd:boolean) the same way
            warnings.simplefilter("ignore", UserWarning)
            for path in paths:
                store.addN((term(q.subject), term(q.predicate), term(q.object), context)
                           for q in read_triples(path))
    finally:
        quiet.setLevel(level)


def _rdflib_converter() -> Callable[[Any], Any]:
    from rdflib import BNode, Literal, URIRef

    memo: dict[tuple[type, str, str | None, str | None], Any] = {}

    def convert(t: Any) -> Any:
        if isinstance(t, ox.Literal):
            lang, dt = t.language, t.datatype.value
            key = (ox.Literal, t.value, lang, dt)
            found = memo.get(key)
            if found is None:
                if lang:
                    found = Literal(t.value, lang=lang)
                elif dt == XSD_STRING:
                    found = Literal(t.value)
                else:
                    found = Literal(t.value, datatype=URIRef(dt))
                memo[key] = found
            return found
        key = (type(t), t.value, None, None)
        found = memo.get(key)
        if found is None:
            found = memo[key] = URIRef(t.value) if isinstance(t, ox.NamedNode) else BNode(t.value)
        return found

    return convert


# --- plain indexes for the compiler --------------------------------------------------------------


class Lit(str):
    """A literal: its lexical form, plus the language tag rdflib exposes as `.language`."""

    __slots__ = ("language",)

    def __new__(cls, value: str, language: str | None) -> Lit:
        obj = super().__new__(cls, value)
        obj.language = language
        return obj


class IndexGraph:
    """Subject -> predicate -> objects and predicate -> object -> subjects, as plain dicts of str."""

    def __init__(self) -> None:
        self.spo: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.pos: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.count = 0

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> IndexGraph:
        paths = list(paths)
        missing_file(paths)
        g = cls()
        names: dict[str, str] = {}  # one str object per IRI: less memory, faster dict hits
        lits: dict[tuple[str, str | None], Lit] = {}
        for path in paths:
            for t in read_triples(path):
                s = names.setdefault(t.subject.value, t.subject.value)
                p = names.setdefault(t.predicate.value, t.predicate.value)
                o = t.object
                if isinstance(o, ox.Literal):
                    key = (o.value, o.language)
                    obj: str = lits.get(key) or lits.setdefault(key, Lit(o.value, o.language))
                else:
                    obj = names.setdefault(o.value, o.value)
                objs = g.spo[s][p]
                if obj in objs:  # a triple stated twice (objects of one s, p are few)
                    continue
                objs.append(obj)
                g.pos[p][obj].append(s)
                g.count += 1
        return g

    def __len__(self) -> int:
        return self.count

    def objects(self, s: object, p: object) -> Iterator[str]:
        return iter(self.spo.get(str(s), {}).get(str(p), ()))

    def subjects(self, p: object, o: object = None) -> Iterator[str]:
        by_o = self.pos.get(str(p), {})
        if o is None:
            return iter({s for subs in by_o.values() for s in subs})
        return iter(by_o.get(str(o), ()))

    def subject_objects(self, p: object) -> Iterator[tuple[str, str]]:
        return ((s, o) for o, subs in self.pos.get(str(p), {}).items() for s in subs)

    def transitive_subjects(self, p: object, o: object) -> Iterator[str]:
        todo, seen = [str(o)], {str(o)}
        while todo:
            node = todo.pop()
            yield node
            for s in self.pos.get(str(p), {}).get(node, ()):
                if s not in seen:
                    seen.add(s)
                    todo.append(s)
