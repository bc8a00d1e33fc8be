"""What the API returns and how it checks options: one rule for every method and every command.

`Record` (a dict) and `Records` (a list of dicts) are the JSON a command prints with `--format json`,
plus `.note` (why an answer is empty) and `to_frame()`. The checks turn dates, grades, hop bounds and
counts into values or a UsageError that names the option as the CLI spells it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from kg.model.errors import UsageError
from kg.model.namespaces import GRADES

MAX_HOPS = 30  # the longest hop bound any command accepts; path enumeration never goes further


class Record(dict):  # type: ignore[type-arg]  # a JSON object, as `--format json` prints it
    """One answer as a JSON object. `rows_key` names its main table (what `to_frame()` returns);
    `note` explains an empty answer in one line (it is not part of the JSON)."""

    def __init__(self, data: dict[str, Any], rows_key: str | None = None, note: str | None = None) -> None:
        super().__init__(data)
        self.rows_key = rows_key
        self.note = note

    def rows(self) -> list[dict[str, Any]]:
        """The answer's table: the list under `rows_key`, or the object itself as one row."""
        return list(self[self.rows_key]) if self.rows_key else [dict(self)]

    def to_frame(self) -> Any:
        """`rows()` as a pandas DataFrame (needs pandas: `pip install pandas`)."""
        return _frame(self.rows())


class Records(list):  # type: ignore[type-arg]  # a JSON array of objects
    """An answer that is a list of JSON objects (one per row); `note` explains an empty list."""

    def __init__(self, rows: Iterable[dict[str, Any]] = (), note: str | None = None) -> None:
        super().__init__(rows)
        self.note = None if self else note

    def rows(self) -> list[dict[str, Any]]:
        """The rows themselves."""
        return list(self)

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas: `pip install pandas`)."""
        return _frame(self.rows())


class Text(str):
    """An answer in a text format (SPARQL results, Turtle); `note` explains an empty one."""

    note: str | None = None

    @classmethod
    def of(cls, text: str, note: str | None = None) -> Text:
        out = cls(text)
        out.note = note
        return out


def _frame(rows: list[dict[str, Any]]) -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise UsageError("to_frame() needs pandas: pip install pandas") from None
    return pd.DataFrame(rows)


def parse_date(value: date | str | None, option: str = "--as-of") -> date:
    """A date from a date, an ISO string or None (today); a bad string is a UsageError naming `option`."""
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UsageError(f"invalid date for {option}: {value!r} (expected YYYY-MM-DD)") from None


def parse_grade(grade: str, option: str = "--min-confidence") -> str:
    """'A', 'B' or 'C' (any case); anything else is a UsageError."""
    if str(grade).upper() not in GRADES:
        raise UsageError(f"invalid {option} {grade!r}; choose A, B or C")
    return str(grade).upper()


def hop_limit(value: int | None, option: str = "--max-hops") -> int | None:
    """The rule for hop bounds: 1 to MAX_HOPS, or -1 (or None) for no limit, returned as None."""
    if value is None or value == -1:
        return None
    if not 1 <= value <= MAX_HOPS:
        raise UsageError(f"{option} must be between 1 and {MAX_HOPS}, or -1 for no limit; not {value}")
    return value


def at_least_one(value: int, option: str) -> int:
    """The rule for counts (--max-paths, --top, --max-nodes): a whole number of at least 1."""
    if value < 1:
        raise UsageError(f"{option} must be at least 1, not {value}")
    return value


def many(value: str | Sequence[str] | None) -> list[str] | None:
    """One name or several as a list; None (or an empty list) for "all"."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value) or None


def grade_note(grade: str) -> str:
    """' on edges graded B or better' for an explanation, or '' for the default grade C."""
    return "" if grade == "C" else f" on edges graded {grade} or better"
