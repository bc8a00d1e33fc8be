"""The words analysts use, term by term (tests/data/vocabulary-terms.csv), and the terms that must list
their candidates instead of picking one (tests/data/vocabulary-ambiguous.csv), on the real data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kg.analysis.names import resolve
from kg.model.errors import AmbiguousNameError

DATA = Path(__file__).parent / "data"
TERMS = [(r["term"], r["expected"]) for r in csv.DictReader((DATA / "vocabulary-terms.csv").open(encoding="utf-8"))]
AMBIGUOUS = [(r["term"], sorted(r["candidates"].split("|")))
             for r in csv.DictReader((DATA / "vocabulary-ambiguous.csv").open(encoding="utf-8"))]


def test_the_vocabulary_is_large_enough() -> None:
    assert len(TERMS) + len(AMBIGUOUS) >= 60, (len(TERMS), len(AMBIGUOUS))


@pytest.mark.parametrize(("term", "expected"), TERMS, ids=[t for t, _ in TERMS])
def test_term_resolves_to_what_an_analyst_means(snapshot, term: str, expected: str) -> None:
    assert resolve(snapshot, term) == expected


@pytest.mark.parametrize(("term", "candidates"), AMBIGUOUS, ids=[t for t, _ in AMBIGUOUS])
def test_ambiguous_term_lists_its_candidates(snapshot, term: str, candidates: list[str]) -> None:
    with pytest.raises(AmbiguousNameError) as info:
        resolve(snapshot, term)
    got = sorted(c.split(" ")[0] for c in info.value.candidates)
    assert got == candidates, str(info.value)
