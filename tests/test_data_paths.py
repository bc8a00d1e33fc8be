"""Paths given by the user: an unreadable subfolder of --data is an error, never skipped, and an export
onto a symbolic link writes the file it points to and keeps the link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.model.errors import DataError
from kg.model.resources import turtle_files
from kg.views.export import export

DATA = Path(__file__).parent / "data" / "valid" / "tiny.ttl"


def test_an_unreadable_subfolder_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok.ttl").write_text("", encoding="utf-8")
    hidden = tmp_path / "private"
    hidden.mkdir()
    (hidden / "more.ttl").write_text("", encoding="utf-8")
    assert turtle_files(tmp_path) == [tmp_path / "ok.ttl", hidden / "more.ttl"]
    hidden.chmod(0)
    if os.access(hidden, os.R_OK):  # root reads any folder: let the folder refuse as it would for a user
        real = os.scandir

        def scandir(folder):  # type: ignore[no-untyped-def]
            if Path(folder) == hidden:
                raise PermissionError(13, "Permission denied", str(folder))
            return real(folder)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        with pytest.raises(DataError, match=r"cannot read data folder .*private: Permission denied"):
            turtle_files(tmp_path)
    finally:
        hidden.chmod(0o700)


def test_export_onto_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real.nt"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.nt"
    link.symlink_to(target)
    export(link, "nt", extra=(DATA,))
    assert link.is_symlink() and link.resolve() == target.resolve(), list(tmp_path.iterdir())
    assert "<https://w3id.org/exportkg/id/gallium>" in target.read_text(encoding="utf-8")
