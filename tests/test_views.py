"""The HTML views: what they draw equals the core answers, they load nothing, and data stays text."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.model.snapshot import Snapshot

HOSTILE = Path(__file__).parent / "data" / "valid" / "hostile-label.ttl"
HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
ON = "2026-01-15"
runner = CliRunner()

# A reference that makes the browser fetch something: src/href/action/poster attributes, CSS url()
# and @import with an absolute or protocol-relative http(s) address.
EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*|url\(\s*["']?\s*"""
                      r"""|@import\s+["']?)(?:https?:)?//""", re.IGNORECASE)


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert match, "no kg-data script in the page"
    return json.loads(match.group(1))


def view(tmp_path: Path, *args: str, name: str = "v.html") -> tuple[str, str]:
    out = tmp_path / name
    result = runner.invoke(app, ["view", *args, "--out", str(out), "--as-of", ON])
    assert result.exit_code == 0, (result.output, result.exception)
    return out.read_text(encoding="utf-8"), result.output


def current() -> Snapshot:
    from kg.store.cache import get_snapshot

    return get_snapshot()


def ids(data: dict) -> set[str]:
    return {n["id"] for n in data["nodes"]}


def test_neighbourhood_is_the_walk_both_ways(tmp_path: Path) -> None:
    from kg.analysis.dependencies import downstream, upstream

    data = page_data(view(tmp_path, "ekgr:gallium", "--depth", "2")[0])
    snapshot = current()  # the snapshot the command just used (the data may be growing)
    want = {"gallium"} | {r.node for walk in (downstream, upstream)
                          for r in walk(snapshot.graph, "gallium", max_hops=2)}
    assert ids(data) == want, ids(data) ^ want
    edges = {(e.source, e.target) for n in want for e in snapshot.graph.out_edges(n) if e.target in want}
    assert {(e["from"], e["to"]) for e in data["edges"]} == edges


def test_neighbourhood_down_only(tmp_path: Path) -> None:
    from kg.analysis.dependencies import downstream

    data = page_data(view(tmp_path, "ekgr:gallium", "--depth", "1", "--direction", "down")[0])
    snapshot = current()  # the snapshot the command just used (the data may be growing)
    assert ids(data) == {"gallium"} | {r.node for r in downstream(snapshot.graph, "gallium", max_hops=1)}


@pytest.mark.parametrize("grade", ["A", "C"])
def test_impact_view_draws_the_impact_answer(tmp_path: Path, grade: str) -> None:
    from kg.analysis.impact import impact

    data = page_data(view(tmp_path, "--impact", "ekgr:gallium", "--min-confidence", grade)[0])
    snapshot = current()  # the snapshot the command just used (the data may be growing)
    answer = impact(snapshot, "gallium", on=date.fromisoformat(ON), min_confidence=grade)
    want = {"gallium"} | {a["id"] for a in answer["affected"]}
    assert ids(data) == want, ids(data) ^ want
    assert all(e["from"] in want and e["to"] in want for e in data["edges"])
    assert len(data["edges"]) >= len(want) - 1, "every affected node is reached by an edge"


def test_exposure_view_holds_every_restricted_input(tmp_path: Path) -> None:
    from kg.analysis.dependencies import upstream
    from kg.analysis.impact import exposure

    data = page_data(view(tmp_path, "--exposure", "AESA radar")[0])
    snapshot = current()  # the snapshot the command just used (the data may be growing)
    node = next(n for n in snapshot.nodes.values() if n.label == "AESA radar").id
    answer = exposure(snapshot, node, on=date.fromisoformat(ON))
    inputs = {r["id"] for r in answer["restricted_inputs"]}
    assert inputs, "AESA radar should have restricted inputs"
    assert inputs | {node} <= ids(data)
    assert ids(data) <= {r.node for r in upstream(snapshot.graph, node)} | {node}
    marked = {n["id"] for n in data["nodes"] if n["color"]["border"] != "#374151"}
    assert inputs <= marked, inputs - marked


def test_path_view_draws_the_listed_paths(tmp_path: Path) -> None:
    from kg.analysis.impact import find_paths

    data = page_data(view(tmp_path, "--path", "ekgr:gallium", "AESA radar")[0])
    snapshot = current()  # the snapshot the command just used (the data may be growing)
    answer = find_paths(snapshot, "gallium", "aesa-radar")
    assert ids(data) == {n for p in answer["paths"] for n in p["ids"]}
    want = {(a, b, r) for p in answer["paths"]
            for a, b, r in zip(p["ids"][:-1], p["ids"][1:], p["relations"], strict=True)}
    assert {(e["from"], e["to"], e["label"]) for e in data["edges"]} == want


def test_all_view_is_the_networkx_graph(tmp_path: Path) -> None:
    from kg.analysis.convert import to_networkx
    from kg.analysis.dependencies import grade_filter

    data = page_data(view(tmp_path, "--all", "--min-confidence", "B")[0])
    snapshot = current()  # the snapshot the command just used (the data may be growing)
    g = to_networkx(snapshot, keep=grade_filter("B"))
    assert ids(data) == set(g.nodes)
    assert len(data["edges"]) == g.number_of_edges()


def test_borders_follow_the_status_engine(tmp_path: Path) -> None:
    from kg.analysis.controls import restricted, status_of
    from kg.views.graph import STATUS_STYLES

    data = page_data(view(tmp_path, "--all")[0])
    snapshot = current()  # the snapshot the command just used (the data may be growing)
    on = date.fromisoformat(ON)
    border = {n["id"]: n["color"]["border"] for n in data["nodes"]}
    live = restricted(snapshot, on)
    colour = {k: v[0] for k, v in STATUS_STYLES.items()}
    restricted_drawn = {n for n, c in border.items() if c in (colour["in-force"], colour["unverified"])}
    assert restricted_drawn == set(live) & set(border), restricted_drawn ^ (set(live) & set(border))
    for n in (n for n, c in border.items() if c == colour["suspended"]):
        statuses = {status_of(snapshot, i.resource, on).effective for i in snapshot.items.values()
                    if n in i.concerns}
        assert "suspended" in statuses, (n, statuses)


def test_instruments_are_drawn_on_request(tmp_path: Path) -> None:
    from kg.analysis.controls import restricted

    plain = page_data(view(tmp_path, "--impact", "gallium", name="plain.html")[0])
    data = page_data(view(tmp_path, "--impact", "gallium", "--instruments", name="with.html")[0])
    snapshot = current()  # the snapshot the command just used (the data may be growing)
    live = restricted(snapshot, date.fromisoformat(ON))
    want = {c.instrument for n in ids(plain) for c in live.get(n, [])}
    assert want, "gallium's impact should hold restricted nodes"
    assert ids(data) - ids(plain) == want
    controls = [e for e in data["edges"] if e["label"] == "controls"]
    assert len(controls) == sum(len(live.get(n, [])) for n in ids(plain))


def test_all_view_trims_above_max_nodes(tmp_path: Path) -> None:
    html, output = view(tmp_path, "--all", "--max-nodes", "5")
    data = page_data(html)
    assert len(data["nodes"]) == 5
    assert "trimmed" in output and "raise --max-nodes" in output, output
    assert "trimmed" in html


def test_large_views_stabilise_fast_and_freeze() -> None:
    from kg.views.graph import PHYSICS_BUDGET, vis_options

    small, big = vis_options("force", PHYSICS_BUDGET), vis_options("force", PHYSICS_BUDGET + 1)
    assert big["physics"]["stabilization"]["iterations"] < small["physics"]["stabilization"]["iterations"]
    assert big["physics"]["stabilization"]["iterations"] <= 200
    assert small["layout"]["randomSeed"] == big["layout"]["randomSeed"]
    assert vis_options("layered", 10)["physics"] == {"enabled": False}


def test_page_loads_nothing_from_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    pages = [view(tmp_path, "gallium", name="n.html")[0], view(tmp_path, "--all", name="a.html")[0]]
    out = tmp_path / "t.html"
    result = runner.invoke(app, ["timeline", "--html", str(out)])
    assert result.exit_code == 0, result.output
    pages.append(out.read_text(encoding="utf-8"))
    for html in pages:
        found = EXTERNAL.findall(html)
        assert not found, found[:5]
        assert "<link" not in html and not re.search(r"<script[^>]*\ssrc", html)
        assert "default-src 'none'" in html
    assert not list(cwd.iterdir()), "nothing may be written to the current folder (pyvis writes lib/)"


def test_external_reference_detector_works() -> None:
    for bad in ('<script src="https://cdn.example/x.js">', "<link href='//cdn.example/x.css'>",
                "background: url(https://x.example/i.png)", '@import "https://x.example/a.css"'):
        assert EXTERNAL.search(bad), bad


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        self.tags.append(tag)


def test_hostile_label_is_text(tmp_path: Path) -> None:
    html, _ = view(tmp_path, "gallium", "--depth", "1", "--data", str(HOSTILE))
    assert HOSTILE_LABEL not in html and "<script>alert" not in html and "\u2028" not in html
    data = page_data(html)
    node = next(n for n in data["nodes"] if n["id"] == "test-hostile-node")
    assert node["label"] == HOSTILE_LABEL  # reaches the canvas and the tooltip as text
    assert data["info"]["test-hostile-node"]["title"] == HOSTILE_LABEL
    parser = _Tags()
    parser.feed(html)
    assert "img" not in parser.tags and "svg" not in parser.tags
    assert parser.tags.count("script") == 3, parser.tags.count("script")


def test_hostile_label_in_timeline_title(tmp_path: Path) -> None:
    out = tmp_path / "t.html"
    result = runner.invoke(app, ["timeline", "--material", "test-hostile-node", "--html", str(out),
                                 "--data", str(HOSTILE)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert HOSTILE_LABEL not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_same_command_same_bytes(tmp_path: Path) -> None:
    first, _ = view(tmp_path, "--impact", "gallium", name="a.html")
    second, _ = view(tmp_path, "--impact", "gallium", name="b.html")
    assert first == second
    assert page_data(first)["options"]["layout"]["randomSeed"]


def test_script_json_is_safe_in_script() -> None:
    from kg.views.html import script_json

    value = {"a": "</script><!-- & \u2028\u2029 >"}
    text = script_json(value)
    assert not set("<>&\u2028\u2029") & set(text), text
    assert json.loads(text) == value


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.org/a?b=1", True), ("http://x.org", True), ("javascript:alert(1)", False),
    ("//evil.example/x", False), ("https://x.org/\"onmouseover=1", False), ("data:text/html,x", False)])
def test_only_http_urls_become_links(url: str, ok: bool) -> None:
    from kg.views.html import safe_url

    assert (safe_url(url) is not None) is ok


def test_timeline_draws_every_instrument_of_the_node(tmp_path: Path) -> None:
    from kg.analysis.controls import timeline
    from kg.analysis.families import members

    out = tmp_path / "t.html"
    result = runner.invoke(app, ["timeline", "--material", "gallium", "--html", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    snapshot = current()
    rows = set(re.findall(r'<g class="row" data-id="([^"]+)"', html))
    published = {e.resource for e in snapshot.events if e.kind == "Publication"}
    want = {r["instrument"] for r in timeline(snapshot, node=members(snapshot, "family-gallium"))} & published
    assert want and want <= rows, want - rows
    assert 'stroke="#dc2626"' in html  # the as-of line


def test_timeline_periods_follow_the_status_engine() -> None:
    from kg.analysis.controls import status_of
    from kg.views.timeline import periods

    snapshot = current()
    suspended = sorted({e.resource for e in snapshot.events if e.kind == "Suspension"})
    if not suspended:
        pytest.skip("no suspension in the data")
    for rid in suspended:
        for p in periods(snapshot, rid, date(2030, 1, 1)):
            assert status_of(snapshot, rid, p.start) == p.status
    assert any(p.status.effective in ("suspended", "partly-suspended") for rid in suspended
               for p in periods(snapshot, rid, date(2030, 1, 1)))


@pytest.mark.parametrize(("args", "message"), [
    (["view", "no-such-material-xyz", "--out", "{tmp}/x.html"], "unknown node"),
    (["view", "gallium", "--out", "{tmp}/x.html", "--as-of", "2025-13-45"], "invalid date"),
    (["view", "gallium", "--out", "{tmp}/x.png"], "must end in .html"),
    (["view", "gallium", "--out", "{tmp}/afile/x.html"], "cannot write"),
    (["view", "gallium", "--impact", "gallium", "--out", "{tmp}/x.html"], "exactly one of"),
    (["view", "gallium"], "--out"),
    (["view", "gallium", "--direction", "sideways", "--out", "{tmp}/x.html"], "--direction"),
    (["view", "mofcom-2024-46", "--out", "{tmp}/x.html"], "no dependency edge"),
    (["timeline", "--html", "{tmp}/t.txt"], "must end in .html"),
])
def test_bad_input_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
                               args: list[str], message: str) -> None:
    from kg.cli import main

    (tmp_path / "afile").write_text("not a folder")
    monkeypatch.setattr(sys, "argv", ["kg", *(a.replace("{tmp}", str(tmp_path)) for a in args)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    err = capsys.readouterr().err
    assert exit_info.value.code != 0
    assert message in err and err.count("\n") == 1 and "Traceback" not in err, err


def test_a_family_view_draws_all_its_members(tmp_path: Path) -> None:
    from kg.analysis.families import members

    data = page_data(view(tmp_path, "--impact", "gallium")[0])
    snapshot = current()
    drawn = ids(data)
    in_layer = set(members(snapshot, "family-gallium")) & snapshot.graph.node_ids()
    assert in_layer <= drawn and "aesa-radar" in drawn, in_layer - drawn
