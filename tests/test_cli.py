"""The CLI through typer's CliRunner: JSON shapes, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_info_json_keys() -> None:
    code, out, _ = run("info", "--format", "json")
    data = json.loads(out)
    keys = {"triples", "instruments", "items", "materials", "products", "sectors", "dependency_edges", "sourced_edges"}
    assert code == 0 and keys <= data.keys(), (code, data)
    assert data["dependency_edges"] >= 250 and data["sourced_edges"] == data["dependency_edges"], data


def test_impact_json_shape() -> None:
    code, out, _ = run("impact", "germanium", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["node"]["label"] == "germanium", data["node"]  # the family: metal, compounds, ...
    types = {a["type"] for a in data["affected"]}
    assert {"Product", "Sector"} <= types, types
    first = data["affected"][0]
    members = {m["label"] for m in data["node"].get("members", [])} | {"germanium"}
    assert {"id", "label", "type", "hops", "path"} <= first.keys() and first["path"][0] in members, first


def test_exposure_lists_gallium_with_its_controls() -> None:
    code, out, _ = run("exposure", "AESA radar", "--format", "json", "--as-of", "2024-01-01")
    data = json.loads(out)
    inputs = {r["id"]: r for r in data["restricted_inputs"]}
    assert code == 0 and "gallium" in inputs, sorted(inputs)
    assert "mofcom-gac-2023-23" in inputs["gallium"]["controls"], inputs["gallium"]


def test_paths_json_is_the_whole_answer_with_sources() -> None:
    code, out, err = run("paths", "gallium", "AESA radar", "--format", "json", "--max-paths", "3")
    answer = json.loads(out)
    paths = answer["paths"]
    assert code == 0 and paths and answer["listed"] == len(paths) <= answer["total"], err
    assert {"from", "to", "total", "listed", "limit_hit", "max_hops", "max_paths"} <= answer.keys(), answer.keys()
    assert all(p["sources"] and "gallium" in p["ids"] and p["nodes"][-1] == "AESA radar" for p in paths), paths
    assert all(len(p["relations"]) == len(p["nodes"]) - 1 for p in paths)
    assert "path(s)" in err
    code, out, _ = run("paths", "gallium", "AESA radar", "--format", "json", "--as-of", "2023-06-01")
    assert code == 0 and all(p["restricted"] == {} for p in json.loads(out)["paths"]), out[:300]
    code, out, _ = run("paths", "gallium", "AESA radar", "--format", "json", "--as-of", "2023-09-01")
    assert all("mofcom-gac-2023-23" in p["restricted"]["gallium"] for p in json.loads(out)["paths"]), out[:300]


def test_unknown_name_is_one_line_with_suggestion() -> None:
    code, out, err = run("impact", "galium")
    assert code == 1 and "did you mean" in err and "gallium" in err and "Traceback" not in err + out, err
    assert len(err.strip().splitlines()) == 1, err


def test_bad_date_and_bad_format_exit_2() -> None:
    code, _, err = run("controls", "--as-of", "2025-13-01")
    assert code == 2 and "invalid date" in err, err
    code, _, err = run("impact", "gallium", "--format", "yaml")
    assert code == 2 and "unknown format" in err, err


def test_malformed_data_file_names_file_and_line() -> None:
    code, out, err = run("info", "--data", str(DATA / "invalid" / "malformed.ttl"))
    assert code == 1 and "malformed.ttl:4" in err and "Traceback" not in err + out, err


def test_validate_fails_on_broken_extra() -> None:
    """(It exits 0 on the shipped data: tests/test_load.py checks that, with a deep collection added.)"""
    code, out, _ = run("validate", "--format", "json", "--data", str(DATA / "invalid" / "edge-without-source.ttl"))
    report = json.loads(out)
    checks = {v["check"] for v in report["violations"] if v["severity"] == "violation"}
    assert code == 1 and "edge-without-statement" in checks, checks


def test_controls_covers_dysprosium_by_date() -> None:
    code, out, _ = run("controls", "--as-of", "2025-06-01", "--covers", "dysprosium", "--format", "json")
    assert code == 0 and "mofcom-gac-2025-18" in [r["id"] for r in json.loads(out)], out
    code, out, _ = run("controls", "--as-of", "2025-03-01", "--covers", "dysprosium", "--format", "json")
    assert code == 0 and json.loads(out) == [], out


def test_controls_json_fields_and_destination_filter() -> None:
    code, out, _ = run("controls", "--as-of", "2026-02-01", "--destination", "Japan", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and "mofcom-2026-1-japan" in [r["id"] for r in rows], [r["id"] for r in rows]
    fields = {"id", "instrument", "title", "authorities", "announced", "effective", "status", "destinations",
              "items", "sources"}
    assert all(fields <= r.keys() for r in rows), rows[0].keys()


def test_control_timeline_and_changes() -> None:
    code, out, _ = run("control", "mofcom-2024-46", "--format", "json", "--as-of", "2026-01-01")
    detail = json.loads(out)
    assert code == 0 and detail["status"] == "partly-suspended", detail["status"]
    code, out, _ = run("changes", "2025-10-01", "2025-11-30", "--format", "json")
    changed = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and changed["mofcom-gac-2025-57"]["to"] == "suspended", changed.get("mofcom-gac-2025-57")
    code, out, _ = run("timeline", "--material", "gallium", "--format", "json")
    events = json.loads(out)
    assert code == 0 and events[0]["date"] <= events[-1]["date"] and any(
        e["instrument"] == "mofcom-gac-2023-23" for e in events), events[:3]


def test_what_if_and_chokepoints() -> None:
    code, out, _ = run("what-if", "neodymium", "--as-of", "2025-06-01", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["restricted"][0]["label"] == "neodymium", data
    code, out, _ = run("chokepoints", "--format", "json", "--as-of", "2025-06-01")
    data = json.loads(out)
    through = data["through"]
    assert code == 0 and through and through[0]["paths"] >= through[-1]["paths"], through[:2]


def test_hostile_extra_data_is_loaded_as_plain_text(tmp_path: Path) -> None:
    code, out, err = run("info", "--format", "json", "--data", str(DATA / "valid" / "tiny.ttl"))
    assert code == 0 and json.loads(out)["instruments"] >= 1, err


def test_compact_json_is_the_standard_librarys_answer() -> None:
    """Piped JSON is written by orjson when it takes the data, else by json: the same values either way,
    dates as ISO text, and a lone surrogate (which orjson refuses) still written."""
    import datetime

    from kg.cli.render import _compact_json

    answer = runner.invoke(app, ["impact", "gallium", "--format", "json"]).stdout
    data = json.loads(answer)
    assert json.loads(_compact_json(data)) == data and len(data["affected"]) > 20
    odd = {"on": datetime.date(2025, 1, 2), "at": datetime.datetime(2025, 1, 2, 3, 4), 3: "x", "s": "a\ud800"}
    assert json.loads(_compact_json(odd)) == {
        "on": "2025-01-02", "at": "2025-01-02 03:04:00", "3": "x", "s": "a\ud800"}
