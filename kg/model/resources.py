"""Where the packaged ontology and data live, in a wheel install or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # the kg package folder


def _root() -> Path:
    bundled = _PKG / "_resources"
    return bundled if (bundled / "ontology").is_dir() else _PKG.parent


def ontology_dir() -> Path:
    return _root() / "ontology"


def data_dir() -> Path:
    return _root() / "data"


def queries_dir() -> Path:
    return _PKG / "sparql" / "queries"


def ontology_files() -> list[Path]:
    return [ontology_dir() / "exportkg.ttl"]


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def checks_dir() -> Path:
    return ontology_dir() / "checks"


def turtle_files(path: Path) -> list[Path]:
    """All .ttl files under a folder (sorted, stable), or the file itself."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.ttl") if p.is_file())
    return [path]


def source_files(extra: tuple[Path, ...] = ()) -> list[Path]:
    """Ontology + packaged data + user `--data` files, in load order."""
    files = ontology_files() + turtle_files(data_dir())
    for p in extra:
        files.extend(turtle_files(p))
    return files
