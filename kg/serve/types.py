"""Plain types shared by the endpoint and its pages: the server's options and one reply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ServeOptions:
    extra: tuple[Path, ...] = ()
    store: str = "rdflib"  # in memory: an on-disk store does not survive the fork of each query
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 30.0
    max_rows: int = 10000
    allow_service: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    ctype: str = "text/plain; charset=utf-8"
    rows: int = 0
    truncated: bool = False
    form: str = "-"
