"""What a query may reach and use: the SERVICE check on the parsed algebra, a kernel filter that takes
the network away from query processes, and the memory cap of a query process.

Two locks on one door. `uses_service` reads the query's algebra (rdflib's SPARQL parser), not its
tokens, so a comment ended by a carriage return or a `\\u` escape cannot hide a SERVICE clause. And
`deny_network` installs a seccomp filter (Linux) under which the process cannot open an Internet
socket at all, so a parser difference between the check and the engine still cannot reach out.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import struct
import sys
from typing import Any

from kg.model.errors import QueryError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(text: str) -> str:
    """The query after SPARQL's codepoint escapes (section 19.2), which a parser may apply anywhere."""
    return _ESCAPE.sub(lambda m: chr(min(int(m[1] or m[2], 16), 0x10FFFF)), text)


def mentions_service(text: str) -> bool:
    """False only when no parser can find a SERVICE keyword: the seven letters appear nowhere, in any
    case, even after codepoint escapes. A cheap, sound filter in front of the full parse."""
    return "service" in _unescape(text).casefold()


def _has_service(node: Any) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            todo.extend(item.values())
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list | tuple):
            todo.extend(item)
    return False


def uses_service(text: str, prefixes: dict[str, str]) -> bool:
    """Whether the query's algebra holds a SERVICE clause (anywhere: sub-selects, EXISTS, OPTIONAL).

    Raises QueryError when the query mentions "service" but cannot be parsed, since then nothing
    proves it harmless."""
    if not mentions_service(text):
        return False
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    # SPARQL ends a comment at CR as well as LF; rdflib's lexer only at LF, so give it LFs.
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return _has_service(translateQuery(parseQuery(normal), initNs=prefixes).algebra)
    except RecursionError:
        raise QueryError("query nested too deeply to check it for SERVICE clauses") from None
    except Exception as exc:  # pyparsing and the algebra translation raise assorted types
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise QueryError(f"SPARQL syntax error: {first}") from None


# --- seccomp: no Internet sockets ---------------------------------------------------------------------
# (audit arch, socket, io_uring_setup) system call numbers per machine; x32 calls have bit 30 set.
_ARCH = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_LD, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO, _EACCES, _AF_UNIX = 0x7FFF0000, 0x00050000, 13, 1


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _filter(arch: int, nr_socket: int, nr_uring: int) -> list[bytes]:
    deny = _op(_RET, _ERRNO | _EACCES)
    return [
        _op(_LD, 4), _op(_JEQ, arch, 1, 0), _op(_RET, _ALLOW),  # another ABI: not ours to judge
        _op(_LD, 0), _op(_JGE, 0x40000000, 0, 1), deny,  # x32 syscalls
        _op(_JEQ, nr_uring, 0, 1), deny,  # io_uring can open sockets without socket(2)
        _op(_JEQ, nr_socket, 0, 3), _op(_LD, 16), _op(_JEQ, _AF_UNIX, 1, 0), deny,
        _op(_RET, _ALLOW),
    ]


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def deny_network() -> bool:
    """From now on this process and its children cannot create sockets other than Unix sockets (so no
    TCP, UDP or DNS). True if the filter is in place; False where the kernel or machine has no seccomp."""
    spec = _ARCH.get(os.uname().machine) if sys.platform == "linux" else None
    if spec is None:
        return False
    ops = _filter(*spec)
    prog = _Prog(len(ops), b"".join(ops))
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_no_new_privs, pr_set_seccomp, mode_filter = 38, 22, 2
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(pr_set_seccomp, mode_filter, ctypes.byref(prog), 0, 0) == 0


# --- memory -------------------------------------------------------------------------------------------
def _statm() -> tuple[int, int]:
    """(virtual size, resident size) of this process in bytes; (0, 0) where /proc is missing."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            fields = fh.read().split()
    except OSError:
        return 0, 0
    page = os.sysconf("SC_PAGE_SIZE")
    return int(fields[0]) * page, int(fields[1]) * page


def resident() -> int:
    return _statm()[1]


def cap_memory(max_bytes: int | None) -> None:
    """Let this process grow by at most `max_bytes` of address space from here (RLIMIT_AS)."""
    if not max_bytes:
        return
    size = _statm()[0]
    if size:
        soft = size + max_bytes
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def parse_size(text: str) -> int:
    """'1G', '512M', '2GiB', '1000000' -> bytes; 0 means no cap."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r} (examples: 512M, 1G, 2GiB)")
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[match[2].lower()]
    return int(float(match[1]) * scale)
