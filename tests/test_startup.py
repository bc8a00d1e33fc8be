"""What everyday commands import: a cached answer needs neither pydantic, rdflib nor networkx, and
`kg view` no pyvis or IPython. Checked in child processes (-X importtime), never by timing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app


def _imported(args: list[str], env_cache: Path) -> set[str]:
    import os

    env = {**os.environ, "KG_CACHE_DIR": str(env_cache)}
    cmd = [sys.executable, "-X", "importtime", "-m", "kg", *args]
    subprocess.run(cmd, capture_output=True, env=env, timeout=120, check=True)  # fills the cache
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=True)
    return {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


HEAVY = ("pydantic", "rdflib", "networkx", "pyvis", "IPython", "pyshacl")


@pytest.mark.parametrize("args", [["impact", "gallium", "--format", "json"], ["info", "--format", "json"],
                                  ["controls", "--as-of", "2025-06-01", "--format", "csv"]])
def test_cached_answers_import_no_heavy_library(tmp_path: Path, args: list[str]) -> None:
    found = sorted(m for m in _imported(args, tmp_path / "cache") if m.split(".")[0] in HEAVY)
    assert found == [], found


def test_cached_json_answers_skip_typer(tmp_path: Path) -> None:
    """`kg impact NAME --format json` is answered without importing typer (kg.cli.quick); a table is not."""
    assert not {m for m in _imported(["impact", "gallium", "--format", "json"], tmp_path / "c") if "typer" in m}
    assert "typer" in _imported(["impact", "gallium"], tmp_path / "c")


QUICK_CASES = [
    ["impact", "gallium", "--format", "json"],
    ["exposure", "f-35", "-f", "json", "--as-of", "2024-06-01", "--min-confidence", "B"],
    ["impact", "graphite", "--max-hops", "2", "-f", "json", "--no-cache"],
    ["impact", "galium", "-f", "json"],  # unknown: one line with suggestions, exit 1
    ["impact", "gallium", "-f", "json", "--as-of", "2025-13-01"],  # bad date, exit 2
    ["impact", "gallium", "-f", "json", "--max-hops", "99"],  # out of bounds, exit 2
]


@pytest.mark.parametrize("args", QUICK_CASES, ids=lambda a: " ".join(a))
def test_quick_answers_match_the_typer_commands(tmp_path: Path, args: list[str]) -> None:
    """The console script answers these without typer; the bytes, message and exit code are the typer
    command's."""
    import os

    from kg.cli.quick import parse

    assert parse(args) is not None
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    quick = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, timeout=120)
    typer_run = CliRunner().invoke(app, args)
    assert quick.returncode == typer_run.exit_code, (quick.stderr, typer_run.output)
    assert quick.stdout == typer_run.stdout and quick.stderr == typer_run.stderr


@pytest.mark.parametrize("args", [
    ["impact", "gallium"], ["impact", "gallium", "--format", "csv"], ["impact", "gallium", "--format=json"],
    ["impact", "gallium", "-f", "json", "--help"], ["impact", "-f", "json"], ["paths", "a", "b", "-f", "json"],
    ["impact", "gallium", "-f", "json", "--max-hops", "x"], ["impact", "gallium", "-f", "json", "--as-of"],
    ["impact", "a", "b", "-f", "json"], ["impact", "gallium", "-f", "json", "--endpoint", "http://127.0.0.1:1/"],
    ["impact", "gallium", "-f", "json", "-f", "json"],
])
def test_everything_else_is_left_to_typer(args: list[str]) -> None:
    from kg.cli.quick import parse

    assert parse(args) is None


def test_sparql_imports_no_pydantic_nor_oxrdflib(tmp_path: Path) -> None:
    """`kg sparql` needs rdflib for its answer, but not pydantic (an int default of a float option once
    pulled it in) nor oxrdflib."""
    found = _imported(["sparql", "list-family-members", "--format", "csv"], tmp_path / "cache")
    assert "rdflib" in found and not {m for m in found if m.split(".")[0] in ("pydantic", "oxrdflib")}, sorted(found)


def test_view_imports_neither_pyvis_nor_ipython(tmp_path: Path) -> None:
    found = _imported(["view", "gallium", "--out", str(tmp_path / "g.html")], tmp_path / "cache")
    assert not {m for m in found if m.split(".")[0] in HEAVY}, sorted(found)
    assert (tmp_path / "g.html").stat().st_size > 10_000


@pytest.mark.parametrize(("args", "message"), [
    (["impact", "gallium", "--max-hops", "x"], "Invalid value for '--max-hops'"),
    (["view", "gallium", "--out", "x.html", "--max-nodes", "lots"], "Invalid value for '--max-nodes'"),
    (["chokepoints", "--top", "zero"], "Invalid value for '--top'"),
    (["serve", "--port", "70000"], "Invalid value for '--port'"),
    (["view", "gallium", "--path", "a"], "requires 2 arguments"),
])
def test_bad_option_values_still_get_typer_messages(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in result.output, result.output


def test_plain_coercion_gives_the_values_typer_gives() -> None:
    """Every parameter of every command: the plain coercer and typer's agree on typical values."""
    from typing import get_args, get_origin

    import typer.main
    from typer._coercion import build_runtime_param

    from kg.cli.coerce import _plan

    samples = {str: ["gallium", ""], int: ["3", "-1", "0030"], float: ["0.5", "2", "1e2"], bool: [True, False],
               Path: ["out.html", "/tmp"]}
    checked = 0
    for cmd in typer.main.get_command(app).commands.values():  # type: ignore[attr-defined]
        for param in cmd.params:
            desc = param.type_descriptor
            leaf = _plan(desc.annotation, desc.parameter_info)
            is_list = get_origin(desc.annotation) is list
            base = get_args(desc.annotation)[0] if is_list else desc.annotation
            if leaf is None or base not in samples:
                continue
            theirs = build_runtime_param(desc)
            for value in samples[base]:
                value = [value] if is_list else value
                try:
                    expected = theirs._coerce_value(value, param=param, ctx=None)
                except Exception:
                    continue  # typer refuses it (out of range): the plain coercer hands those over
                assert leaf(value) == expected, (cmd.name, param.name, value)
                checked += 1
    assert checked > 50, checked
