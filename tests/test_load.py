"""Loading: packaged sources, extra files, and one-line errors for malformed Turtle."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model.errors import DataError, StoreError
from kg.store.load import load_graph

INVALID = Path(__file__).parent / "data" / "invalid"


def test_malformed_turtle_names_file_and_line() -> None:
    with pytest.raises(DataError) as info:
        load_graph((INVALID / "malformed.ttl",))
    message = str(info.value)
    assert "malformed.ttl:4" in message and "\n" not in message, message


def test_missing_extra_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not found"):
        load_graph((tmp_path / "nope.ttl",))


def test_unknown_store_is_refused() -> None:
    with pytest.raises(StoreError, match="unknown store"):
        load_graph(store="sqlite")


def test_oxigraph_store_loads_the_same_triples(real_graph) -> None:
    ox = load_graph(store="oxigraph")
    assert len(ox) == len(real_graph), (len(ox), len(real_graph))


ONE_PARSER_COMMANDS = {
    "info": ["info", "--no-cache"],
    "validate": ["validate"],
    "sparql on rdflib": ["sparql", "ASK { ?s ?p ?o }", "--store", "rdflib"],
    "sparql on Oxigraph": ["sparql", "ASK { ?s ?p ?o }", "--store", "oxigraph"],
}


@pytest.fixture(scope="module")
def edge_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("one-parser")
    files = {"iri with a space": "<https://w3id.org/exportkg/id/a b> <http://www.w3.org/2000/01/rdf-schema#label> "
                                 '"x"@en .\n',
             "20k-deep collection": "<https://example.org/deep> <https://example.org/nests> "
                                    + "(" * 20_000 + ")" * 20_000 + " .\n"}
    paths = {}
    for name, text in files.items():
        paths[name] = folder / (name.replace(" ", "-") + ".ttl")
        paths[name].write_text(text, encoding="utf-8")
    return paths


@pytest.mark.parametrize("command", list(ONE_PARSER_COMMANDS))
def test_every_command_decides_alike_what_is_turtle(edge_files: dict[str, Path], command: str) -> None:
    """One parser for every command: an IRI with a space is refused by all, a 20,000-deep nested
    collection (valid Turtle, 40,000 triples) accepted by all, `kg validate` included."""
    from typer.testing import CliRunner

    from kg.cli import app

    args = ONE_PARSER_COMMANDS[command]
    bad = CliRunner().invoke(app, [*args, "--data", str(edge_files["iri with a space"])])
    assert bad.exit_code == 1, (bad.exit_code, bad.output)
    assert f"malformed Turtle in {edge_files['iri with a space']}:1" in bad.stderr, bad.stderr
    assert "Traceback" not in bad.output
    deep = CliRunner().invoke(app, [*args, "--data", str(edge_files["20k-deep collection"])])
    assert deep.exit_code == 0, (deep.exit_code, deep.output[-500:])
