"""Where the packaged ontology and data live, in a wheel install or in a source checkout."""

from __future__ import annotations

import os
from pathlib import Path

from kg.model.errors import DataError

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
    """All .ttl files under a folder (sorted, stable), or the file itself. A folder or subfolder that
    cannot be read is a DataError naming it, never skipped in silence."""
    if not path.is_dir():
        return [path]

    def refuse(exc: OSError) -> None:
        raise DataError(f"cannot read data folder {exc.filename}: {exc.strerror or exc}")

    found = [Path(root) / name for root, _, names in os.walk(path, onerror=refuse) for name in names
             if name.endswith(".ttl")]
    return sorted(p for p in found if p.is_file())


def source_files(extra: tuple[Path, ...] = ()) -> list[Path]:
    """Ontology + packaged data + user `--data` files, in load order."""
    files = ontology_files() + turtle_files(data_dir())
    for p in extra:
        files.extend(turtle_files(p))
    return files
