"""Reading an RDF graph for the compiler: small helpers over rdflib's triple API with string IRIs,
and the interning of ids and source tuples (the snapshot repeats them; shared objects pickle once)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kg.model.namespaces import DCTERMS, EKG, RDF, SCHEMA, local_name

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node as Term


class Reader:
    """Small helpers over an rdflib graph with string IRIs."""

    def __init__(self, graph: Graph) -> None:
        from rdflib import Literal, URIRef

        self.g = graph
        self.U = URIRef
        self.Literal = Literal

    def objects(self, s: Term, p: str) -> list[Term]:
        return list(self.g.objects(s, self.U(p)))

    def subjects_of_type(self, cls: str) -> list[Term]:
        return list(self.g.subjects(self.U(RDF + "type"), self.U(EKG + cls)))

    def text(self, s: Term, p: str, lang: str | None = "en") -> str:
        values = self.objects(s, p)
        for v in values:
            if getattr(v, "language", None) == lang:
                return str(v)
        plain = [v for v in values if getattr(v, "language", None) in (None, "")]
        return str(plain[0]) if plain and lang in ("en", None) else ""

    def texts(self, s: Term, p: str) -> list[str]:
        return [str(v) for v in self.objects(s, p)]

    def flag(self, s: Term, p: str) -> bool:
        return any(str(v).lower() == "true" for v in self.objects(s, p))

    def day(self, s: Term, p: str) -> date | None:
        for v in self.objects(s, p):
            try:
                return date.fromisoformat(str(v)[:10])
            except ValueError:
                continue
        return None

    def types(self, s: Term) -> set[str]:
        return {local_name(str(t)) for t in self.objects(s, RDF + "type") if str(t).startswith(EKG)}


_STRINGS: dict[str, str] = {}
_URL_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


def intern_id(term: Term) -> str:
    """Local name of an IRI, interned: the snapshot repeats ids, so equal strings are shared objects
    and the pickle stores each once (smaller cache, faster loads)."""
    text = local_name(str(term))
    return _STRINGS.setdefault(text, text)


def urls(r: Reader, s: Term) -> tuple[str, ...]:
    urls = []
    for src in r.objects(s, DCTERMS + "source"):
        urls.extend(r.texts(src, SCHEMA + "url") or [str(src)])
    key = tuple(dict.fromkeys(urls))
    return _URL_TUPLES.setdefault(key, key)


def grade(r: Reader, s: Term) -> str | None:
    for g in r.objects(s, EKG + "confidence"):
        return local_name(str(g)).removeprefix("grade-")
    return None




def clear_interned() -> None:
    """Forget the intern tables (they serve one compile; the snapshot keeps the shared strings)."""
    _STRINGS.clear()
    _URL_TUPLES.clear()
