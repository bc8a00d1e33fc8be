"""Graph analyses on the tiny fixture: walks, bounded paths and exact counts."""

from __future__ import annotations

from kg.analysis.dependencies import count_paths, downstream, grade_filter, paths, upstream


def test_downstream_and_upstream_walks(tiny_snapshot) -> None:
    g = tiny_snapshot.graph
    down = {r.node: r.hops for r in downstream(g, "x-metal")}
    assert down == {"x-powder": 1, "x-part": 2, "x-alt": 2, "x-device": 3, "x-sector": 4}, down
    up = {r.node for r in upstream(g, "x-sector")}
    assert up == {"x-metal", "x-powder", "x-part", "x-alt", "x-device"}, up


def test_min_confidence_drops_weak_edges(tiny_snapshot) -> None:
    down = {r.node for r in downstream(tiny_snapshot.graph, "x-metal", keep=grade_filter("A"))}
    assert down == {"x-powder", "x-alt", "x-device", "x-sector"}, down  # the C edge part->device is gone


def test_paths_are_bounded_and_counted(tiny_snapshot) -> None:
    g = tiny_snapshot.graph
    assert count_paths(g, "x-metal", "x-sector", max_hops=8) == 2
    result = paths(g, "x-metal", "x-sector", max_paths=1)
    assert (result.total, len(result.paths), result.limit_hit) == (2, 1, True), result
    assert paths(g, "x-metal", "x-sector", max_hops=3).total == 0
    assert [e.target for e in paths(g, "x-metal", "x-device").paths[0]] in (
        ["x-powder", "x-part", "x-device"], ["x-powder", "x-alt", "x-device"])
