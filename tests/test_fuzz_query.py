"""Fuzz the query path: 10,000 generated and mutated queries (seeded, so a failure can be replayed) go
through `kg serve`'s own request function (prepare, the SERVICE check, Oxigraph's parser and engine, the
writers) in its query processes. Every one must get an answer with a known status and a one-line
error, never a 500 or a traceback; a native crash or a runaway may cost its own request (contained:
400 or 503) but nothing else."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter

import pytest
from fuzz_queries import deep, queries

from kg.serve.types import ServeOptions
from kg.serve.work import make_work
from kg.sparql.sandbox import Crashed, Limits, Pool, Timeout

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")
COUNT, BATCH = 10_000, 500
KNOWN = {200, 400, 403, 406}
ACCEPT = "application/n-triples, application/sparql-results+json"  # the quickest writers


def _store():
    import pyoxigraph as ox

    store = ox.Store()
    ex, ekg = "https://w3id.org/exportkg/id/", "https://w3id.org/exportkg/ont#"
    for s, p, o in (("gallium", "feedsInto", "gan"), ("gan", "feedsInto", "radar"), ("germanium", "feedsInto", "ir")):
        store.add(ox.Quad(ox.NamedNode(ex + s), ox.NamedNode(ekg + p), ox.NamedNode(ex + o)))
        store.add(ox.Quad(ox.NamedNode(ex + s), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                          ox.Literal(s, language="en")))
    return store


def _batch_work(source):  # type: ignore[no-untyped-def]
    """In the worker: the endpoint's request function on each query of a batch."""
    work = make_work(source, ServeOptions(max_rows=20))

    def run(request: bytes) -> bytes:
        heads = []
        for query in json.loads(request):
            ask = {"op": "query", "query": query, "accept": ACCEPT}
            head, _, body = work(json.dumps(ask).encode()).partition(b"\n")
            status = json.loads(head)["status"]
            heads.append([status, "" if status == 200 else body.decode("utf-8", "replace")])
        return json.dumps(heads).encode()

    return run


def _answer(pool: Pool, batch: list[str]) -> list[list[object]]:
    """The answers to a batch; a batch that kills its worker or runs away is split until the culprit is
    alone, and that one is answered as the endpoint answers it: a contained failure (400 or 503)."""
    try:
        return json.loads(pool.run(json.dumps(batch).encode(), 30 if len(batch) > 1 else 5))  # type: ignore[no-any-return]
    except (Crashed, Timeout) as exc:
        if len(batch) == 1:
            return [[400 if isinstance(exc, Crashed) else 503, "contained"]]
        half = len(batch) // 2
        return _answer(pool, batch[:half]) + _answer(pool, batch[half:])


def test_ten_thousand_generated_queries() -> None:
    normal = queries(COUNT - len(deep()))
    texts = normal + deep()
    batches = [normal[i:i + BATCH] for i in range(0, len(normal), BATCH)] + [[t] for t in deep()]
    results: list[list[list[object]]] = [[] for _ in batches]
    with Pool(_batch_work(_store()), Limits(size=2, max_memory=512 << 20)) as pool:

        def worker(first: int) -> None:
            for i in range(first, len(batches), 2):
                results[i] = _answer(pool, batches[i])

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert json.loads(pool.run(json.dumps(["ASK { ?s ?p ?o }"]).encode(), 5)) == [[200, ""]]
    heads = [h for batch in results for h in batch]
    statuses = Counter(int(h[0]) for h in heads)  # type: ignore[call-overload]
    bad = [(texts[i][:200], h) for i, h in enumerate(heads)
           if h[0] not in KNOWN | {503} or "Traceback" in str(h[1]) or "\n" in str(h[1]).strip()]
    assert len(heads) == COUNT and not bad, (statuses, bad[:5])
    assert statuses[200] > COUNT // 4 and statuses[400] > COUNT // 10 and statuses[403] > 0, statuses
    assert [h[0] for h in heads[-len(deep()):]].count(200) >= 4, heads[-len(deep()):]  # the shallow ones run
