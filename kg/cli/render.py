"""Print results as a rich table, JSON or CSV. The only place the CLI formats output.

JSON is the API's answer as it is; tables and CSV show chosen columns, CSV with ids beside labels.
An empty answer's one-line explanation (`.note` of a Record or Records) goes to stderr.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

FORMATS = ("table", "json", "csv")

Column = tuple[str, str]  # (key, header)


def _cell(value: Any, sep: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return sep.join(_cell(v, ", ") for v in value)
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def to_json(data: Any, *, pretty: bool | None = None) -> str:
    """Indented for a terminal; compact when piped (json's C encoder is only used without indent). Answers
    are trees built by the analyses, so the encoder need not track the containers it is inside."""
    if pretty is None:
        pretty = sys.stdout.isatty()
    return json.dumps(data, indent=2 if pretty else None, ensure_ascii=False, default=str, check_circular=False)


def _csv(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([key for key, _ in columns])
    for row in rows:
        writer.writerow([_cell(row.get(key), "; ") for key, _ in columns])


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None,
           path_keys: frozenset[str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, header_style="bold")
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for row in rows:  # plain Text: no markup or emoji codes to parse, a fifth faster on large tables
        table.add_row(*(Text(_cell(row.get(k), " → " if k in path_keys else ", ")) for k, _ in columns))
    Console().print(table)


def emit(data: Any, fmt: str, *, rows: Sequence[dict[str, Any]] | None = None,
         columns: Sequence[Column] = (), title: str | None = None, path_keys: Sequence[str] = ("path",),
         csv_columns: Sequence[str] | None = None, footer: Callable[[], None] | None = None) -> None:
    """Print `data` as JSON, or `rows` (default: data) as a table with `columns` or as CSV with
    `csv_columns` (default: the keys of `columns`, led by `id` when the rows have one); then the
    answer's note, if it is empty."""
    table_rows = rows if rows is not None else data
    if fmt == "json":
        sys.stdout.write(to_json(data) + "\n")
    elif fmt == "csv":
        keys = list(csv_columns or [k for k, _ in columns])
        if csv_columns is None and "id" not in keys and any("id" in r for r in table_rows):
            keys.insert(0, "id")
        _csv(table_rows, [(k, k) for k in keys])
    else:
        _table(table_rows, columns, title, frozenset(path_keys))
        if footer is not None:
            footer()
    explanation = getattr(data, "note", None)
    if explanation:
        note(explanation)


def note(message: str) -> None:
    """A line for the reader on stderr (keeps stdout clean for JSON and CSV)."""
    sys.stderr.write(message.rstrip() + "\n")
