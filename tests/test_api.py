"""The Python API: every method returns exactly what the matching command prints with --format json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.model.errors import UnknownNameError, UsageError

runner = CliRunner()

# (API method, args, kwargs) and the command line that must print the same JSON.
SAME_ANSWER = [
    ("impact", ("gallium",), {"as_of": "2025-06-01", "max_hops": 3}, ["impact", "gallium", "--as-of", "2025-06-01",
                                                                      "--max-hops", "3"]),
    ("exposure", ("AESA radar",), {"as_of": "2024-01-01"}, ["exposure", "AESA radar", "--as-of", "2024-01-01"]),
    ("paths", ("gallium", "AESA radar"), {"max_paths": 2, "as_of": "2025-06-01"},
     ["paths", "gallium", "AESA radar", "--max-paths", "2", "--as-of", "2025-06-01"]),
    ("what_if", (["neodymium"],), {"as_of": "2025-06-01"}, ["what-if", "neodymium", "--as-of", "2025-06-01"]),
    ("chokepoints", (), {"as_of": "2025-06-01", "top": 5}, ["chokepoints", "--as-of", "2025-06-01", "--top", "5"]),
    ("controls", (), {"as_of": "2025-06-01", "covers": "dysprosium"},
     ["controls", "--as-of", "2025-06-01", "--covers", "dysprosium"]),
    ("control", ("mofcom-2024-46",), {"as_of": "2026-01-01"}, ["control", "mofcom-2024-46", "--as-of", "2026-01-01"]),
    ("timeline", (), {"covers": "gallium", "start": "2023-01-01", "end": "2024-12-31"},
     ["timeline", "--material", "gallium", "--from", "2023-01-01", "--to", "2024-12-31"]),
    ("changes", ("2025-10-01", "2025-11-30"), {}, ["changes", "2025-10-01", "2025-11-30"]),
    ("info", (), {}, ["info"]),
    ("uses", ("gallium",), {}, ["uses", "gallium"]),
    ("search", ("gall",), {"limit": 5}, ["search", "gall", "--limit", "5"]),
    ("responses", (), {}, ["responses"]),
    ("queries", (), {}, ["queries"]),
]


@pytest.fixture(scope="module")
def g() -> kg.Graph:
    return kg.open()


@pytest.mark.parametrize(("method", "args", "kwargs", "argv"), SAME_ANSWER, ids=[c[0] for c in SAME_ANSWER])
def test_method_returns_what_the_cli_prints_as_json(g: kg.Graph, method: str, args: tuple, kwargs: dict,
                                                    argv: list[str]) -> None:
    result = runner.invoke(app, [*argv, "--format", "json"])
    answer = getattr(g, method)(*args, **kwargs)
    assert result.exit_code == 0, result.stderr
    assert json.loads(json.dumps(answer)) == json.loads(result.stdout), method
    assert isinstance(answer, kg.Record | kg.Records), type(answer)


def test_sparql_rows_ask_and_standard_results(g: kg.Graph) -> None:
    query = "SELECT ?m WHERE { ?m a ekg:Material ; ekg:symbol 'Ga' }"
    rows = g.sparql(query, store="oxigraph")  # Oxigraph loads faster; test_cli_sparql covers both stores
    assert rows == [{"m": "ekgr:gallium"}], rows
    assert g.sparql("ASK { ekgr:gallium a ekg:Material }", store="oxigraph") is True
    text = g.sparql_results(query, "json", store="oxigraph")
    cli = runner.invoke(app, ["sparql", query, "-f", "json", "--store", "oxigraph"])
    assert text == cli.stdout and json.loads(text)["results"]["bindings"][0]["m"]["value"].endswith("/gallium"), text
    empty = g.sparql("SELECT ?m WHERE { ?m a ekg:Material ; ekg:symbol 'Zz' }", store="oxigraph")
    assert empty == [] and empty.note == "the query matched nothing", empty.note


def test_cookbook_query_with_params(g: kg.Graph) -> None:
    names = [q["name"] for q in g.queries()]
    assert "find-exposed-products" in names, names
    text = g.query_text("find-exposed-products", {"date": "2025-06-01"})
    assert '"2025-06-01"' in text and "VALUES" in text, text[:400]


def test_empty_answers_explain_themselves(g: kg.Graph) -> None:
    what_if = g.what_if("neodymium", as_of="2025-06-01")
    assert what_if["newly_exposed"] == [] and "downstream are already exposed on 2025-06-01" in what_if.note
    controls = g.controls(as_of="2025-03-01", covers="dysprosium")
    assert controls == [] and controls.note == "no instrument covering dysprosium on 2025-03-01", controls.note
    changes = g.changes("2020-01-02", "2020-01-03")
    assert changes == [] and "no instrument changed status" in changes.note, changes.note
    full = g.impact("gallium", as_of=date(2025, 6, 1))
    assert full["affected"] and full.note is None, full.note


def test_one_rule_for_bounds(g: kg.Graph) -> None:
    unlimited = g.impact("gallium", max_hops=-1)
    assert unlimited == g.impact("gallium", max_hops=None), "-1 and None both mean no limit"
    assert g.paths("gallium", "AESA radar", max_hops=-1)["max_hops"] == kg.api.MAX_HOPS
    for call in (lambda: g.impact("gallium", max_hops=0), lambda: g.exposure("AESA radar", max_hops=31),
                 lambda: g.paths("gallium", "AESA radar", max_hops=0)):
        with pytest.raises(UsageError, match="between 1 and 30, or -1 for no limit"):
            call()
    with pytest.raises(UsageError, match="--top must be at least 1, not 0"):
        g.chokepoints(top=0)
    with pytest.raises(UsageError, match="--max-paths must be at least 1"):
        g.paths("gallium", "AESA radar", max_paths=0)


def test_bad_input_raises_kg_errors(g: kg.Graph) -> None:
    with pytest.raises(UnknownNameError, match="did you mean"):
        g.impact("galium")
    with pytest.raises(UsageError, match="invalid date for --as-of"):
        g.controls(as_of="2025-13-01")
    with pytest.raises(kg.KGError):
        g.impact("gallium", min_confidence="D")


def test_to_frame_gives_the_main_table(g: kg.Graph) -> None:
    pd = pytest.importorskip("pandas")
    frame = g.impact("gallium", as_of="2025-06-01").to_frame()
    assert isinstance(frame, pd.DataFrame) and {"id", "label", "type", "hops"} <= set(frame.columns), frame.columns
    assert len(frame) == len(g.impact("gallium", as_of="2025-06-01")["affected"]) > 10, len(frame)
    controls = g.controls(as_of="2025-06-01").to_frame()
    assert "mofcom-gac-2025-18" in set(controls["id"]), controls["id"].tolist()


def test_user_data_and_views(tmp_path: Path) -> None:
    tiny = Path(__file__).parent / "data" / "valid" / "tiny.ttl"
    g = kg.open(tiny)
    assert g.info()["instruments"] > kg.open().info()["instruments"], "tiny.ttl adds an instrument"
    page = g.view("gallium", out=tmp_path / "ga.html", depth=1)
    assert Path(page["path"]).is_file() and page["nodes"] > 1 and page["bytes"] > 1000, page
    with pytest.raises(UsageError, match="--depth must be between 1 and 30"):
        g.view("gallium", out=tmp_path / "x.html", depth=0)


def test_every_method_has_a_docstring_and_a_row_in_python_md() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "python.md").read_text(encoding="utf-8")
    public = sorted(n for n in dir(kg.Graph) if not n.startswith("_") and callable(getattr(kg.Graph, n)))
    undocumented = [n for n in public if len((getattr(kg.Graph, n).__doc__ or "").split()) < 8]
    missing = [n for n in public if f"`{n}(" not in text]
    assert not undocumented and not missing, (undocumented, missing)
