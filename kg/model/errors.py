"""One root error for the package; the CLI turns these into one-line messages and exit codes."""

from __future__ import annotations


class KGError(Exception):
    """Root of every error the core raises on purpose. `exit_code` is what the CLI returns."""

    exit_code = 1


class DataError(KGError):
    """A data or ontology file is missing, unreadable or malformed (message names file and line)."""


class UnknownNameError(KGError):
    """A name did not resolve to a node; the message carries suggestions."""

    def __init__(self, name: str, suggestions: list[str], what: str = "node") -> None:
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {what} {name!r}{hint}")
        self.name = name
        self.suggestions = suggestions


class AmbiguousNameError(KGError):
    """A name matched several nodes equally well."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        super().__init__(f"name {name!r} is ambiguous: {', '.join(candidates)}; use one of these ids")
        self.candidates = candidates


class UsageError(KGError):
    """A bad option value, such as a malformed date or an unknown status."""

    exit_code = 2


class QueryError(KGError):
    """A SPARQL query is malformed or was refused (updates)."""

    exit_code = 2


class StoreError(KGError):
    """A triple store or SPARQL endpoint could not be reached or answered with an error."""
