"""Print results as a table, JSON or CSV. The only place the CLI formats output.

JSON is the API's answer as it is; tables and CSV show chosen columns, CSV with ids beside labels.
A table is drawn by rich on a terminal (boxed, cells wrapped to its width); piped or redirected, it is
plain aligned text with one line per row, so grep, sort and less see whole rows (the convention of gh
and kubectl), and large answers print without the cost of laying out a boxed table.
An empty answer's one-line explanation (`.note` of a Record or Records) goes to stderr.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
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


def to_json(data: Any) -> str:
    """Indented JSON for a terminal (piped answers are compact: `_compact_json`). Answers are trees built
    by the analyses, so the encoder need not track the containers it is inside."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str, check_circular=False)


def _compact_json(data: Any) -> bytes:
    """Compact UTF-8 JSON for programs, by orjson (five times json's speed on a large answer) when it is
    installed and takes the data; values orjson would write its own way (dates, dataclasses) go through
    `str`, as with json. Otherwise the standard library writes it."""
    try:
        import orjson
    except ImportError:
        orjson = None  # type: ignore[assignment]
    if orjson is not None:
        options = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
        try:
            return orjson.dumps(data, default=str, option=options)
        except (TypeError, orjson.JSONEncodeError):
            pass  # a lone surrogate or an integer past 64 bits: the standard library decides
    text = json.dumps(data, ensure_ascii=False, default=str, check_circular=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written as a JSON escape, so the output stays UTF-8
        return json.dumps(data, default=str, check_circular=False).encode("ascii")


def _write_json(data: Any) -> None:
    if sys.stdout.isatty():
        sys.stdout.write(to_json(data) + "\n")
        return
    blob = _compact_json(data) + b"\n"
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(blob.decode("utf-8"))
        return
    sys.stdout.flush()  # what was written as text comes first
    out.write(blob)


def _csv(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([key for key, _ in columns])
    for row in rows:
        writer.writerow([_cell(row.get(key), "; ") for key, _ in columns])


def _width(text: str) -> int:
    """Terminal cells `text` takes: wide and full-width characters (Chinese names) take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def plain_table(cells: Sequence[Sequence[str]], headers: Sequence[str], title: str | None = None) -> str:
    """`cells` as aligned columns under `headers` and a rule, one line per row (line breaks inside a cell
    become spaces); the last column is not padded."""
    if not headers:
        return f"{title}\n" if title else ""
    lines = [[" ".join(c.split("\n")) for c in row] for row in cells]
    widths = [_width(h) for h in headers]
    for row in lines:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _width(cell))
    last = len(headers) - 1

    def line(row: Sequence[str]) -> str:
        return "  ".join(c if i == last else c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)).rstrip()

    out = [title] if title else []
    out += [line(headers), line(["-" * w for w in widths])]
    out += [line(row) for row in lines]
    return "\n".join(out) + "\n"


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None,
           path_keys: frozenset[str]) -> None:
    cells = [[_cell(row.get(k), " → " if k in path_keys else ", ") for k, _ in columns] for row in rows]
    if not sys.stdout.isatty():
        sys.stdout.write(plain_table(cells, [h for _, h in columns], title))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, header_style="bold")
    for _, header in columns:
        table.add_column(header, overflow="fold")
    for row in cells:  # plain Text: no markup or emoji codes to parse, a fifth faster on large tables
        table.add_row(*(Text(c) for c in row))
    Console().print(table)


def emit(data: Any, fmt: str, *, rows: Sequence[dict[str, Any]] | None = None,
         columns: Sequence[Column] = (), title: str | None = None, path_keys: Sequence[str] = ("path",),
         csv_columns: Sequence[str] | None = None, footer: Callable[[], None] | None = None) -> None:
    """Print `data` as JSON, or `rows` (default: data) as a table with `columns` or as CSV with
    `csv_columns` (default: the keys of `columns`, led by `id` when the rows have one); then the
    answer's note, if it is empty."""
    table_rows = rows if rows is not None else data
    if fmt == "json":
        _write_json(data)
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
