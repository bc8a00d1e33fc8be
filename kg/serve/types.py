"""Plain types shared by the endpoint and its pages: the server's options and one reply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ServeOptions:
    extra: tuple[Path, ...] = ()
    store: str = "oxigraph"  # in memory: an on-disk store does not survive the fork of the query processes
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 30.0
    max_rows: int = 10000
    allow_service: bool = False
    max_memory: int = 1 << 30  # bytes a query process may grow by; 0: no cap
    workers: int = 8  # query processes
    cors: tuple[str, ...] = ()  # origins allowed to read answers from a browser ("*": any)
    read_timeout: float = 10.0  # seconds a socket read may wait; a whole request gets three times that


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    ctype: str = "text/plain; charset=utf-8"
    rows: int = 0
    truncated: bool = False
    form: str = "-"
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def text(cls, status: int, message: str, **kwargs: object) -> Reply:
        """A one-line plain-text reply."""
        return cls(status, (" ".join(message.split()) + "\n").encode(), **kwargs)  # type: ignore[arg-type]
