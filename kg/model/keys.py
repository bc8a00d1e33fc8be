"""Normalised name keys: how labels, alternative labels, symbols and codes are matched (no kg imports)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s_\-]+")
_PUNCT = re.compile(r"[()\[\],;:'\"]")


def normalise(name: str) -> str:
    """Case- and spacing-insensitive key: 'Gallium  Nitride' == 'gallium-nitride'."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def name_keys(*names: str) -> list[str]:
    """Keys under which a node is found; a trailing plural 's' is also accepted."""
    keys = []
    for name in names:
        if not name:
            continue
        key = normalise(name)
        keys.append(key)
        if key.endswith("s") and len(key) > 3:
            keys.append(key[:-1])
    return keys
