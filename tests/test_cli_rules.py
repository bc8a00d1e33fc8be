"""Rules every command follows: numeric bounds, empty answers, exit codes, help placeholders, CSV ids."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

import kg.model.errors as errors
from kg.cli import app
from kg.cli.base import EXIT_CODES

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


HOP_COMMANDS = [["impact", "gallium"], ["exposure", "AESA radar"], ["paths", "gallium", "AESA radar"]]


@pytest.mark.parametrize("argv", [*HOP_COMMANDS, ["view", "--impact", "gallium", "--out", "x.html"]])
@pytest.mark.parametrize("hops", ["0", "31", "-2"])
def test_hop_bounds_are_refused_the_same_way_everywhere(argv: list[str], hops: str) -> None:
    code, _, err = run(*argv, "--max-hops", hops)
    expected = f"error: --max-hops must be between 1 and 30, or -1 for no limit; not {hops}"
    assert code == 2 and err.strip() == expected, err


@pytest.mark.parametrize("argv", HOP_COMMANDS)
def test_minus_one_means_no_limit_everywhere(argv: list[str]) -> None:
    code, out, err = run(*argv, "--max-hops", "-1", "--format", "json")
    assert code == 0 and json.loads(out), err


def test_counts_are_refused_below_one() -> None:
    for argv, option in ((["chokepoints", "--top", "0"], "--top"),
                         (["paths", "gallium", "AESA radar", "--max-paths", "0"], "--max-paths")):
        code, _, err = run(*argv)
        assert code == 2 and err.strip() == f"error: {option} must be at least 1, not 0", err


@pytest.mark.parametrize(("argv", "why", "key"), [
    (["what-if", "neodymium", "--as-of", "2025-06-01"], "downstream are already exposed on 2025-06-01",
     "newly_exposed"),
    (["controls", "--as-of", "2025-03-01", "--covers", "dysprosium"], "no instrument covering dysprosium", None),
    (["changes", "2020-01-02", "2020-01-03"], "no instrument changed status between 2020-01-02 and 2020-01-03", None),
    (["paths", "AESA radar", "gallium"], "no path leads from AESA radar to gallium within 8 hop(s)", "paths"),
    (["sparql", "SELECT ?x WHERE { ?x a ekg:Nothing }"], "the query matched nothing", "results"),
    (["search", "qqqzzzxxx"], "nothing matches 'qqqzzzxxx'", None),
])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_empty_answers_exit_0_with_one_line_why(argv: list[str], why: str, key: str | None, fmt: str) -> None:
    code, out, err = run(*argv, "--format", fmt)
    assert code == 0 and [line for line in err.splitlines() if why in line] == [err.strip()], (code, err)
    if fmt == "json":
        answer = json.loads(out) if key is None else json.loads(out)[key]
        assert answer in ([], {"bindings": []}), out[:300]


def test_every_error_exit_code_is_documented() -> None:
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.KGError)]
    codes = {c.exit_code for c in classes} | {0, 130}
    assert codes <= EXIT_CODES.keys(), (codes, EXIT_CODES.keys())
    assert run("impact", "galium")[0] == 1 and run("impact", "gallium", "--as-of", "x")[0] == 2


def test_version() -> None:
    code, out, _ = run("--version")
    pattern = r"exportkg \d+\.\d+\.\d+ \(data \d+\.\d+\.\d+, issued \d{4}-\d\d-\d\d\)\n"
    assert code == 0 and re.fullmatch(pattern, out), out


def test_help_uses_conventional_placeholders() -> None:
    from kg.cli.docgen import render_cli

    text = render_cli()
    odd = sorted(set(re.findall(r"<[a-z][\w\[\], ]*>|\{[a-z_]+\}", text)))
    assert not odd, odd
    assert "`-d, --data PATH`" in text and "`--as-of DATE`" in text and "$ kg what-if [OPTIONS] NAMES..." in text


@pytest.mark.parametrize(("argv", "first"), [
    (["impact", "gallium", "--max-hops", "1"], "id,label,type,hops"),
    (["exposure", "AESA radar"], "id,label,type,hops"),
    (["what-if", "gallium", "--as-of", "2023-01-01"], "id,label,type,hops,via"),
    (["chokepoints", "--top", "3"], "id,label,type,paths"),
    (["paths", "gallium", "AESA radar", "--max-paths", "1"], "n,ids,nodes"),
])
def test_csv_answers_carry_ids_and_labels(argv: list[str], first: str) -> None:
    code, out, err = run(*argv, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and out.startswith(first) and rows, (err, out[:200])
    if "id" in rows[0]:
        assert rows[0]["id"] != rows[0]["label"] or rows[0]["id"].islower(), rows[0]
