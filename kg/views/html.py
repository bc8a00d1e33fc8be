"""Shared plumbing of the HTML views: safe embedding, inlined vis-network, templates, output files.

Every page is one self-contained file: vis-network's JavaScript and CSS are read from the installed
pyvis package and inlined, a Content-Security-Policy forbids any request to any host, and data only
enters the page as text (Jinja2 autoescaping) or as JSON that is safe inside `<script>`.
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kg.model.errors import KGError, UsageError

VIS_VERSION = "9.1.2"
HTML_SUFFIXES = (".html", ".htm")

# Characters that could end a <script> element or an HTML comment, or break older JS parsers.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: Any) -> str:
    """JSON text that can sit verbatim inside a `<script>` element (no `</script>`, `<!--`, U+2028)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    for char, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    return text


def safe_url(url: str) -> str | None:
    """`url` if it is an absolute http(s) URL without spaces or control characters, else None."""
    text = url.strip()
    if not text or any(ord(c) < 33 or c in "\"'<>`\\" for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def safe_urls(urls: Any) -> list[str]:
    return [u for u in dict.fromkeys(str(x) for x in urls) if safe_url(u)]


def _pyvis_lib() -> Path:
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise KGError("pyvis is not installed; run: pip install 'pyvis>=0.3.2'")
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / f"vis-{VIS_VERSION}"


@cache
def vis_assets() -> tuple[str, str]:
    """(JavaScript, CSS) of vis-network as shipped inside the installed pyvis package."""
    lib = _pyvis_lib()
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or exc
        raise KGError(f"cannot read vis-network {VIS_VERSION} from pyvis at {lib}: {reason}") from None
    # Inline code must not close its own element early; '<\/' means the same inside JS strings.
    return js.replace("</script", "<\\/script").replace("<!--", "<\\!--"), css.replace("</style", "<\\/style")


@cache
def asset(name: str) -> str:
    """Text of a file shipped in kg/views/templates/."""
    return resources.files("kg.views").joinpath("templates", name).read_text(encoding="utf-8")


def render(template: str, **context: Any) -> str:
    """Render kg/views/templates/`template` with autoescaping; pass trusted code through `raw`."""
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    return env.from_string(asset(template)).render(**context)


def raw(text: str) -> Any:
    """Mark trusted text (our own inlined JS/CSS, JSON from `script_json`) as not to be escaped."""
    from markupsafe import Markup

    return Markup(text)


def check_out_path(path: Path) -> Path:
    """Refuse an output path that is not .html, is a folder, or lies in a folder we cannot write."""
    if path.suffix.lower() not in HTML_SUFFIXES:
        raise UsageError(f"output file must end in .html: {str(path)!r}")
    if path.is_dir():
        raise UsageError(f"output path is a folder: {str(path)!r}")
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {str(path)!r}: {str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write {str(path)!r}: folder {str(folder)!r} is not writable")
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_page(path: Path, text: str) -> int:
    """Write the page atomically; return its size in bytes."""
    from kg.store.files import write_atomic

    data = text.encode("utf-8")
    try:
        write_atomic(check_out_path(path), data)
        path.chmod(0o666 & ~_umask())  # mkstemp makes 0600; a page is meant to be shared
    except OSError as exc:
        raise UsageError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    return len(data)
