"""Normalised name keys: how labels, alternative labels, symbols and codes are matched (no kg imports).

A key is case-, width-, punctuation- and spacing-insensitive ('Gallium  Nitride' == 'gallium-nitride').
Plurals are folded on the last word ('lithium-ion batteries' -> 'lithium ion battery'), so a name is
found in the singular or the plural whichever way it was written. Each key carries a strength: 0 for
ids and labels, 1 for alternative labels and symbols, 2 for the everyday words of the vocabulary
(hidden labels), 3 for control and customs codes; a plural-folded match is one step weaker.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s_\-]+")
_PUNCT = re.compile(r"[()\[\],;:'\"’/]")
_KEEP_S = ("ss", "us", "is", "ics", "ous", "sis", "gas", "as", "lens")

# Strengths of the kinds of names a node is found under (lower is stronger).
LABEL, ALT, HIDDEN, CODE = 0, 1, 2, 3


def normalise(name: str) -> str:
    """Case- and spacing-insensitive key: 'Gallium  Nitride' == 'gallium-nitride'."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _singular_word(word: str) -> str:
    if len(word) <= 2 or not word.isalpha():
        return word
    if word.endswith(_KEEP_S) and not (len(word) == 4 and word.endswith("us")):  # GPUs, CPUs: plural
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def singular(key: str) -> str:
    """The key with its last word in the singular ('rare earths' -> 'rare earth')."""
    head, _, last = key.rpartition(" ")
    one = _singular_word(last)
    return f"{head} {one}" if head else one


def name_keys(*names: str) -> list[str]:
    """Keys under which a node is found: each name's key and its singular form."""
    return [key for key, _ in strength_keys([(n, 0) for n in names])]


def strength_keys(names: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """(key, strength) pairs for (name, strength) pairs: each key as written, and its singular one
    step weaker when it differs."""
    out: dict[str, int] = {}
    for name, strength in names:
        if not name:
            continue
        key = normalise(name)
        if not key:
            continue
        out[key] = min(out.get(key, strength), strength)
        one = singular(key)
        if one != key:
            out[one] = min(out.get(one, strength + 1), strength + 1)
    return list(out.items())
