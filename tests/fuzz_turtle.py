"""Seeded Turtle fuzzer for the loader paths: `python tests/fuzz_turtle.py N SEED` prints one JSON line.

Each snippet is written to a file and loaded by the compiler's loader, which must accept it or raise
DataError with one line naming the file; every tenth is also loaded into the rdflib and Oxigraph
stores, which must decide alike. Accepted snippets are then loaded into every store, compiled into
snapshots and validated, in batches of 1,000 on top of the ontology. Snippets are ontology-shaped
(real classes and properties, odd literals), mutated byte by byte, or hostile (deep nesting, huge
literals, bad escapes, NUL, bad UTF-8).
Run in a child process by tests/test_fuzz.py, so a crash or a hang fails the test instead of pytest.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.model.errors import DataError
from kg.model.namespaces import CLASSES, PROPERTIES
from kg.model.resources import ontology_files
from kg.store.compile import compile_snapshot
from kg.store.parse import IndexGraph, into_oxigraph, into_rdflib
from kg.store.validate import validate_store

HEADER = """@prefix ekg: <https://w3id.org/exportkg/ont#> .
@prefix ekgr: <https://w3id.org/exportkg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
"""
CLASS_NAMES, PROPERTY_NAMES = sorted(CLASSES), sorted(PROPERTIES)
DATATYPES = ("xsd:date", "xsd:gYear", "xsd:decimal", "xsd:integer", "xsd:boolean", "xsd:anyURI", "xsd:string",
             "xsd:double", "xsd:dateTime", "ekg:Material")
ODD_TEXT = ("", " ", "2025-13-45", "2025-02-30", "-0", "1e999", "NaN", "true", "yes", "镓", "a\\nb", "\\t",
            "\\\"quoted\\\"", "x" * 300, "\\u00e9", "\\U0001F600", "grade-A", "https://example.org/a b", "0" * 40)


def _node(rng: random.Random) -> str:
    name = rng.choice(("n", "gallium", "x-", "grade-A", "germanium", "mofcom-2024-46", "")) + str(rng.randint(0, 9))
    r = rng.random()
    return f"_:{name}" if r < 0.1 else f"<https://w3id.org/exportkg/id/{name}>" if r < 0.2 else f"ekgr:{name}"


def _literal(rng: random.Random) -> str:
    text = rng.choice(ODD_TEXT) if rng.random() < 0.6 else str(rng.uniform(-1e6, 1e6))
    suffix = rng.choice(("", "", "@en", "@zh", "@en-GB", f"^^{rng.choice(DATATYPES)}"))
    return f'"{text}"{suffix}' if rng.random() < 0.95 else str(rng.choice((1, -2.5, "true", "1e3")))


def _object(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return _node(rng)
    if r < 0.55:
        return "ekg:" + rng.choice(CLASS_NAMES)
    if r < 0.6:
        return "( " + " ".join(_node(rng) for _ in range(rng.randint(0, 3))) + " )"
    if r < 0.65:
        return f"[ ekg:{rng.choice(PROPERTY_NAMES)} {_literal(rng)} ]"
    return _literal(rng)


def ontology_snippet(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 4)):
        s = _node(rng)
        if rng.random() < 0.5:
            lines.append(f"{s} a ekg:{rng.choice(CLASS_NAMES)} ; rdfs:label {_literal(rng)} .")
        preds = [f"ekg:{rng.choice(PROPERTY_NAMES)} {_object(rng)}" for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            preds.append(f"rdf:subject {_node(rng)} ; rdf:predicate ekg:{rng.choice(PROPERTY_NAMES)} ; "
                         f"rdf:object {_node(rng)}")
        lines.append(f"{s} {' ; '.join(preds)} .")
    return HEADER + "\n".join(lines) + "\n"


def mutated(rng: random.Random) -> bytes:
    data = bytearray(ontology_snippet(rng).encode())
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(data))
        op = rng.randrange(4)
        if op == 0:
            del data[i]
        elif op == 1:
            data.insert(i, rng.choice(b'<>"\\{}()[];.,:@^_# \n\x00\xff\xe9'))
        elif op == 2:
            data[i] = rng.randrange(256)
        else:
            del data[i:]
            break
    return bytes(data)


HOSTILE: tuple[Callable[[random.Random], bytes], ...] = (
    lambda r: (HEADER + "ekgr:a ekg:concerns " + "(" * 20000 + ")" * 20000 + " .\n").encode(),
    lambda r: (HEADER + "ekgr:a ekg:concerns " + "[ ekg:concerns " * 5000 + "ekgr:b" + " ]" * 5000 + " .\n").encode(),
    lambda r: (HEADER + "ekgr:a ekg:concerns " + "(" * 20000 + " .\n").encode(),
    lambda r: (HEADER + 'ekgr:a rdfs:label "' + "x" * 2_000_000 + '"@en .\n').encode(),
    lambda r: b"<https://example.org/a b> <https://example.org/p> \"x\" .\n",
    lambda r: b"<a> <b> <c> .\n",
    lambda r: (HEADER + 'ekgr:a rdfs:label "\\uZZZZ" .\n').encode(),
    lambda r: (HEADER + "ekgr:a rdfs:label \"nul\x00\" .\n").encode(),
    lambda r: HEADER.encode() + b'ekgr:a rdfs:label "\xff\xfe" .\n',
    lambda r: b"\xef\xbb\xbf" + (HEADER + 'ekgr:a rdfs:label "bom"@en .\n').encode(),
    lambda r: (HEADER + "@base <https://example.org/> . <rel> ekg:concerns <other> .\n").encode(),
    lambda r: (HEADER + "@prefix ekg: <https://example.org/evil#> . ekgr:a ekg:percent 3 .\n").encode(),
    lambda r: (HEADER + "ekgr:a ekg:percent " + "9" * 5000 + " .\n").encode(),
    lambda r: (b"ekgr:a ekg:percent 3 .\n"),
    lambda r: (HEADER + "ekgr:a ekg:onDate \"2025-01-01\"^^xsd:date" + " , \"2025-01-02\"^^xsd:date" * 5000 +
               " .\n").encode(),
)


def snippet(rng: random.Random, i: int, hostile: bool) -> bytes:
    if hostile and i < len(HOSTILE):
        return HOSTILE[i](rng)
    r = rng.random()
    return ontology_snippet(rng).encode() if r < 0.5 else mutated(rng)


def _outcome(path: Path, load: Callable[[Path], object]) -> str:
    try:
        load(path)
    except DataError as exc:
        text = str(exc)
        if "\n" in text or str(path) not in text:
            raise AssertionError(f"error message is not one line naming the file: {text!r}") from None
        return "rejected"
    return "accepted"


LOADERS: dict[str, Callable[[Path], object]] = {
    "indexes": lambda p: IndexGraph.from_files([p]),
    "rdflib": lambda p: into_rdflib(Graph(), [p]),
    "oxigraph": lambda p: into_oxigraph(ox.Store(), [p]),
}


def _load_batch(paths: list[Path], ontology: list[Path]) -> None:
    """Every loader and what follows it: snapshot compile, rdflib store, Oxigraph store, validation."""
    compile_snapshot(IndexGraph.from_files([*ontology, *paths]))  # type: ignore[arg-type]
    into_rdflib(Graph(), paths)
    store = ox.Store()
    into_oxigraph(store, [*ontology, *paths])
    validate_store(store)


def _check_batch(folder: Path, batch: list[bytes], failures: list[str]) -> None:
    """Load the batch as one file; on an error, find the snippets that cause it on their own."""
    path = folder / "batch.ttl"
    path.write_bytes(b"\n".join(batch))
    try:
        _load_batch([path], ontology_files())
        return
    except Exception:  # snippets valid alone may clash when joined (a prefix redefined): try them alone
        pass
    for data in batch:
        path.write_bytes(data)
        try:
            _load_batch([path], ontology_files())
        except Exception:
            failures.append(f"{data[:400]!r}: {traceback.format_exc(limit=4)[-700:]}")


def _verdict(path: Path, every_loader: bool) -> str:
    """'accepted' or 'rejected' by the compiler's loader (and by the store loaders, which must agree)."""
    outcomes = {name: _outcome(path, load) for name, load in LOADERS.items() if every_loader or name == "indexes"}
    if len(set(outcomes.values())) != 1:
        raise AssertionError(f"loaders disagree: {outcomes}")
    return outcomes["indexes"]


def main(n: int, seed: int, hostile: bool = False) -> dict[str, object]:
    rng = random.Random(seed)
    shm = Path("/dev/shm")  # memory-backed where there is one: 10,000 rewrites of a file on a busy disk cost seconds
    folder = Path(tempfile.mkdtemp(prefix="kg-fuzz-", dir=shm if shm.is_dir() else None))
    path = folder / "snippet.ttl"
    counts = {"accepted": 0, "rejected": 0}
    failures: list[str] = []
    batch: list[bytes] = []
    start = time.perf_counter()
    for i in range(n):
        data = snippet(rng, i, hostile)
        path.write_bytes(data)
        try:  # each snippet is decided alone; every tenth (and each hostile one) by all three loaders
            verdict = _verdict(path, every_loader=i % 10 == 0 or (hostile and i < len(HOSTILE)))
            counts[verdict] += 1
        except Exception:  # every unexpected exception is a finding: keep the snippet that caused it
            failures.append(f"snippet {i} ({data[:300]!r}): {traceback.format_exc(limit=3)[-600:]}")
            verdict = ""
        if verdict == "accepted" and len(data) < 10_000:  # the big hostile ones were loaded alone
            batch.append(data)
        if len(batch) == 1000 or (i == n - 1 and batch):
            _check_batch(folder, batch, failures)
            batch = []
    shutil.rmtree(folder)
    return {"n": n, "seed": seed, **counts, "seconds": round(time.perf_counter() - start, 2),
            "failures": failures[:10], "failure_count": len(failures)}


if __name__ == "__main__":
    result = main(int(sys.argv[1]), int(sys.argv[2]), hostile="--hostile" in sys.argv)
    sys.stdout.write(json.dumps(result) + "\n")
