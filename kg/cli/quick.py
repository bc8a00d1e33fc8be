"""Everyday cached answers in JSON without typer: `kg impact NAME --format json` and `kg exposure NAME
--format json`, with --data, --as-of, --min-confidence, --max-hops and --no-cache.

Importing typer and building its command costs a fifth of such a call, as much as the answer itself on
the shipped data. These calls ask the same API method with the same arguments as the typer commands
in kg.cli.core, so the bytes, the messages and the exit codes are the same. Anything else (another
command or format, --help, an option spelled any other way, a value typer would refuse, an unexpected
failure) is left to the typer app, which then answers or reports it as it always does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

COMMANDS = ("impact", "exposure")
_VALUE_OPTIONS = {"--data": "data", "-d": "data", "--format": "fmt", "-f": "fmt", "--as-of": "as_of",
                  "--min-confidence": "min_confidence", "--max-hops": "max_hops"}
_FLAGS = {"--no-cache": "no_cache"}


def parse(args: list[str]) -> dict[str, Any] | None:
    """The command, name and options of `args` when the quick path can answer them, else None."""
    if len(args) < 2 or args[0] not in COMMANDS:
        return None
    call: dict[str, Any] = {"command": args[0], "name": None, "data": [], "fmt": None, "no_cache": False}
    rest = iter(args[1:])
    for arg in rest:
        if arg in _FLAGS:
            call[_FLAGS[arg]] = True
        elif arg in _VALUE_OPTIONS:
            value = next(rest, None)
            key = _VALUE_OPTIONS[arg]
            if value is None or (value.startswith("-") and key != "max_hops"):
                return None
            if key == "data":
                call["data"].append(Path(value))
            elif (key in call and call[key] is not None) or (key == "max_hops" and not _is_int(value)):
                return None  # repeated, or a value typer checks itself
            else:
                call[key] = int(value) if key == "max_hops" else value
        elif arg.startswith("-") or call["name"] is not None:
            return None
        else:
            call["name"] = arg
    if call["name"] is None or call["fmt"] != "json":
        return None
    return call


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit() and text.count("-") <= 1


def answer(args: list[str]) -> bool:
    """Answer `args` here and return True, or return False to leave them to the typer app. A KGError
    propagates (the console script prints it as one line with its exit code, as the typer app does)."""
    call = parse(args)
    if call is None:
        return False
    import gc

    from kg.api import open as open_graph
    from kg.cli.render import emit
    from kg.model.errors import KGError

    try:
        gc.disable()  # the process ends after this answer: a collection would only walk its rows once more
        graph = open_graph(tuple(call["data"]), cache=not call["no_cache"])
        method = graph.impact if call["command"] == "impact" else graph.exposure
        result = method(call["name"], as_of=call.get("as_of"), min_confidence=call.get("min_confidence") or "C",
                        max_hops=call.get("max_hops"))
    except KGError:
        raise
    except Exception:  # let the typer app run it again and report the failure its own way
        gc.enable()
        return False
    emit(result, "json")
    return True
