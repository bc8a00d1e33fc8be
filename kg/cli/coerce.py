"""Option values without pydantic: coercion of the plain types the `kg` commands use.

typer 0.29 builds a pydantic TypeAdapter for every parameter of the command being run, which imports
pydantic (about 0.1 s, a third of a cached `kg impact`). For str, int, float, bool and Path values,
alone or in lists and tuples, `install` gives each parameter a coercer that does the job itself and
hands anything it does not decide (a value out of range, a malformed number, an unreadable path, an
annotation it does not know) to typer's own coercion, so the user sees typer's message. With a typer
that lacks this machinery (older or newer), `install` does nothing. The typer app's group class
(kg.cli.base) calls `install` for itself and for the command it resolves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

try:
    from typer._coercion import RuntimeParam, build_runtime_param
except ImportError:  # another typer: leave its coercion alone
    RuntimeParam = build_runtime_param = None  # type: ignore[assignment,misc]

Leaf = Callable[[Any], Any]
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_PATH_DEFAULTS = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False, "resolve_path": False,
                  "allow_dash": False, "parser": None, "click_type": None}


class Undecided(Exception):
    """The value is left to typer's own coercion (and its error message)."""


def _in_range(value: float, info: Any) -> float:
    if getattr(info, "clamp", False) or (info.min is not None and value < info.min) or (
            info.max is not None and value > info.max):
        raise Undecided
    return value


def _number(pattern: re.Pattern[str], kind: type) -> Callable[[Any], Leaf]:
    def make(info: Any) -> Leaf:
        def leaf(value: Any) -> Any:
            if isinstance(value, kind | int) and not isinstance(value, bool):  # an int default of a float option
                return _in_range(kind(value), info)
            if isinstance(value, str) and pattern.fullmatch(value):
                return _in_range(kind(value), info)
            raise Undecided
        return leaf
    return make


def _str(info: Any) -> Leaf:
    def leaf(value: Any) -> str:
        if isinstance(value, str):
            return value
        raise Undecided
    return leaf


def _bool(info: Any) -> Leaf:
    def leaf(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        raise Undecided
    return leaf


def _path(info: Any) -> Leaf | None:
    if any(getattr(info, k, v) != v for k, v in _PATH_DEFAULTS.items()):
        return None

    def leaf(value: Any) -> Path:
        if not isinstance(value, str):
            raise Undecided
        if getattr(info, "readable", True) and os.path.exists(value) and not os.access(value, os.R_OK):
            raise Undecided
        return Path(value)
    return leaf


LEAVES: dict[type, Callable[[Any], Leaf | None]] = {
    str: _str, bool: _bool, int: _number(_INT, int), float: _number(_FLOAT, float), Path: _path,
}


def _plan(annotation: Any, info: Any) -> Leaf | None:
    """A coercer for `annotation`, or None when typer should keep the parameter."""
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None:
        return None
    origin = get_origin(annotation)
    if origin in (list, tuple):
        args = get_args(annotation)
        leaves = [_plan(a, info) for a in args]
        if not args or None in leaves or (origin is list and len(args) != 1):
            return None
        if origin is list:
            return lambda value: [leaves[0](v) for v in (value if isinstance(value, list | tuple) else [value])]

        def as_tuple(value: Any) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple) or len(value) != len(leaves):
                raise Undecided
            return tuple(leaf(v) for leaf, v in zip(leaves, value, strict=True))
        return as_tuple
    make = LEAVES.get(annotation) if isinstance(annotation, type) else None
    return make(info) if make else None


if RuntimeParam is not None:

    class _Plain(RuntimeParam):  # type: ignore[misc,valid-type]  # not a dataclass: cheaper to define
        def __init__(self, parameter_info: Any, annotation: Any, leaf: Leaf) -> None:
            super().__init__(parameter_info=parameter_info, annotation=annotation)
            object.__setattr__(self, "leaf", leaf)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return self.leaf(value)
            except (Undecided, ValueError, OverflowError):
                return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)


def install(params: list[Any]) -> None:
    """Give each plain parameter of a command built by typer (`command.get_params(ctx)`) the coercer
    above."""
    if RuntimeParam is None:
        return
    for param in params:
        desc = getattr(param, "type_descriptor", None)
        if desc is None or getattr(param, "_runtime_param", True) is not None:
            continue
        leaf = _plan(desc.annotation, desc.parameter_info)
        if leaf is not None:
            param._runtime_param = _Plain(parameter_info=desc.parameter_info, annotation=desc.annotation, leaf=leaf)
