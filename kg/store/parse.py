"""Parse Turtle with pyoxigraph into plain dict indexes that answer the slice of the rdflib Graph API
kg.store.compile uses, so a cache miss needs neither rdflib parsing nor rdflib's per-call triple matching
(1M triples: about 7 s instead of about 50 s). SPARQL and validation still load an rdflib or Oxigraph
store through kg.store.load.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.model.errors import DataError

_LINE = re.compile(r"line (\d+)")


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
        g = cls()
        names: dict[str, str] = {}  # one str object per IRI: less memory, faster dict hits
        lits: dict[tuple[str, str | None], Lit] = {}
        for path in paths:
            for t in _triples(path):
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


def _triples(path: Path) -> Iterator[ox.Triple]:
    """The triples of one Turtle file; parser errors become a one-line DataError with file and line."""
    if not path.exists():
        raise DataError(f"data file not found: {path}")
    try:
        yield from ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    except SyntaxError as exc:
        message = str(exc).split(" (", 1)[0]
        line = _LINE.search(message)
        where = f"{path}:{line.group(1)}" if line else str(path)
        raise DataError(f"malformed Turtle in {where}: {message}") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from None
