"""Material families, everyday words, end-use shares, jurisdictions and responses, on a small fixture
(tests/data/valid/tiny.ttl + families.ttl)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kg.analysis.controls import list_controls, timeline
from kg.analysis.families import members, roots
from kg.analysis.impact import exposure, find_paths, impact, what_if
from kg.analysis.names import resolve, search
from kg.analysis.responses import responses
from kg.analysis.uses import uses
from kg.model.errors import AmbiguousNameError

ON = date(2024, 6, 1)
DATA = Path(__file__).parent / "data"


def test_umbrella_word_resolves_to_the_family_not_its_member(family_snapshot) -> None:
    assert resolve(family_snapshot, "xenonite") == "family-xenonite"
    assert resolve(family_snapshot, "Xenonite materials") == "family-xenonite"
    assert resolve(family_snapshot, "TMs") == "family-test-metals"


def test_a_node_is_still_reachable_by_its_curie_or_iri(family_snapshot) -> None:
    assert resolve(family_snapshot, "ekgr:x-metal") == "x-metal"
    assert resolve(family_snapshot, "https://w3id.org/exportkg/id/x-metal") == "x-metal"
    assert resolve(family_snapshot, "Xn") == "x-metal"  # a symbol names the member only


def test_plural_and_everyday_words(family_snapshot) -> None:
    assert resolve(family_snapshot, "xenonite ores") == "x-ore"
    assert resolve(family_snapshot, "XT gadgets") == "x-device"


def test_equal_candidates_are_listed_never_picked(family_snapshot) -> None:
    with pytest.raises(AmbiguousNameError) as info:
        resolve(family_snapshot, "widgets")
    text = str(info.value)
    assert "x-device" in text and "x-sector" in text, text


def test_nested_family_members_and_roots(family_snapshot) -> None:
    assert members(family_snapshot, "family-test-metals") == ["x-metal", "x-ore", "x-powder"]
    assert roots(family_snapshot, "family-xenonite") == ["x-ore"]


def test_impact_of_a_family_covers_every_member_and_says_which(family_snapshot) -> None:
    answer = impact(family_snapshot, "family-xenonite", on=ON)
    affected = {row["id"]: row for row in answer["affected"]}
    assert set(affected) == {"x-part", "x-alt", "x-device", "x-sector"}, sorted(affected)
    assert affected["x-part"]["via"] == "xenonite powder", affected["x-part"]
    assert answer["node"]["controls"] == ["t-ann"], answer["node"]
    assert {m["id"] for m in answer["node"]["members"]} == {"x-ore", "x-metal", "x-powder"}


def test_exposure_marks_each_control_with_its_jurisdiction(family_snapshot) -> None:
    answer = exposure(family_snapshot, "x-sector", on=ON)
    rows = {r["id"]: r for r in answer["restricted_inputs"]}
    assert rows["x-metal"]["jurisdictions"] == ["TL"], rows["x-metal"]
    assert rows["x-device"]["controls"] == ["u-rule"] and rows["x-device"]["jurisdictions"] == ["UL"], rows


def test_paths_from_a_family_start_at_its_roots(family_snapshot) -> None:
    answer = find_paths(family_snapshot, "family-xenonite", "x-device", on=ON)
    starts = {p["ids"][0] for p in answer["paths"]}
    assert starts == {"x-ore"} and answer["total"] == 2, answer


def test_what_if_a_family_and_the_empty_answer_says_why(family_snapshot) -> None:
    answer = what_if(family_snapshot, ["family-xenonite"], on=date(2023, 1, 1))
    assert {r["id"] for r in answer["newly_exposed"]} == {"x-device", "x-sector"}, answer
    later = what_if(family_snapshot, ["family-xenonite"], on=ON)
    assert later["newly_exposed"] == [] and "already exposed" in later["note"], later


def test_controls_and_timeline_cover_a_family_and_filter_by_jurisdiction(family_snapshot) -> None:
    rows = list_controls(family_snapshot, ON, covers=members(family_snapshot, "family-xenonite"))
    assert [r["id"] for r in rows] == ["t-ann"] and rows[0]["jurisdiction"] == "TL", rows
    assert [r["id"] for r in list_controls(family_snapshot, ON, jurisdictions=["utopia"])] == ["u-rule"]
    assert {r["instrument"] for r in timeline(family_snapshot, jurisdictions=["UL"])} == {"u-rule"}


def test_destination_matches_through_a_country_group(family_snapshot) -> None:
    ids = {r["id"] for r in list_controls(family_snapshot, ON, destination="Testland")}
    assert ids == {"t-ann", "u-rule"}, ids


def test_uses_pick_the_world_table_and_keep_the_other_beside_it(family_snapshot) -> None:
    answer = uses(family_snapshot, "family-xenonite")
    assert answer["covered_percent"] == 90.0, answer
    assert [u["id"] for u in answer["uses"]] == ["x-part", "x-alt"]
    part = answer["uses"][0]
    assert part["share_percent"] == 60.0 and part["reference_year"] == "2024" and part["sources"] == [
        "https://example.org/t"], part
    assert part["alternatives"][0]["share_percent"] == 80.0 and part["alternatives"][0]["scope"] == "Testland"
    assert answer["unallocated"][0]["share_percent"] == 10.0


def test_uses_without_shares_say_so(family_snapshot) -> None:
    answer = uses(family_snapshot, "x-device")
    assert answer["uses"] == [] and answer["covered_percent"] == 0 and "no source seen gives" in answer["note"]


def test_search_ranks_exact_names_first(family_snapshot) -> None:
    hits = search(family_snapshot, "xenonite")
    assert hits[0].id == "family-xenonite" and {h.id for h in hits[:6]} >= {"x-metal", "x-powder", "x-ore"}, hits
    assert search(family_snapshot, "zzzz-nothing") == []


def test_responses_link_measures_with_their_evidence(family_snapshot) -> None:
    answer = responses(family_snapshot)
    link = answer["links"][0]
    assert link["measure"]["id"] == "t-ann" and link["response"]["id"] == "u-rule", link
    assert link["days_after"] == 51 and link["evidence"]["grade"] == "A", link
    assert [[m["id"] for m in c] for c in answer["chains"]] == [["t-ann", "u-rule"]]


def test_validation_warns_on_dead_ends_and_orphans() -> None:
    import pyoxigraph as ox

    from kg.model.resources import checks_dir, ontology_files

    store = ox.Store()
    for path in [*ontology_files(), DATA / "valid" / "tiny.ttl"]:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    store.load(input=b"""@prefix ekg: <https://w3id.org/exportkg/ont#> . @prefix ekgr: <https://w3id.org/exportkg/id/> .
        ekgr:x-lonely a ekg:Product . ekgr:x-part ekg:componentOf ekgr:x-lonely .
        ekgr:x-stray a ekg:ProcessedForm . ekgr:t-item ekg:concerns ekgr:x-stray .""", format=ox.RdfFormat.TURTLE)
    found = {}
    for name in ("warn-dead-end", "warn-orphan-form"):
        query = (checks_dir() / f"{name}-violation.rq").read_text(encoding="utf-8")
        found[name] = {row["focus"].value.rsplit("/", 1)[1] for row in store.query(query)}
    assert found == {"warn-dead-end": {"x-lonely"}, "warn-orphan-form": {"x-stray"}}, found


def test_timeline_has_a_lane_per_jurisdiction_and_response_arrows(family_snapshot, tmp_path: Path) -> None:
    import kg.views as views

    out = tmp_path / "timeline.html"
    views.write_timeline(family_snapshot, out, on=ON)
    page = out.read_text(encoding="utf-8")
    lanes = page.count('class="lane"')
    assert lanes == 2 and "Testland (TL)" in page and "Utopia (UL)" in page, lanes
    assert page.count('class="response"') == 1 and "U-1 answers Test 2024 No. 1" in page
