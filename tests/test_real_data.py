"""Pinned facts on the shipped data: statuses on key dates, well-documented chains, coverage."""

from __future__ import annotations

from datetime import date

import pytest

from kg.analysis.controls import coverage, status_of
from kg.analysis.impact import exposure, find_paths, impact
from kg.analysis.names import resolve

D = date.fromisoformat


@pytest.mark.parametrize(("rid", "day", "expected"), [
    ("mofcom-gac-2023-23", "2023-07-31", "announced"),
    ("mofcom-gac-2023-23", "2023-08-01", "in-force"),
    ("mofcom-gac-2023-23", "2024-12-01", "superseded"),
    ("mofcom-2024-51-dual-use-list", "2024-12-01", "in-force"),
    ("mofcom-gac-2025-57", "2025-10-10", "announced"),
    ("mofcom-gac-2025-57", "2025-11-08", "suspended"),
    ("mofcom-2025-62", "2025-10-20", "in-force"),
    ("mofcom-2025-62", "2025-11-08", "suspended"),
    ("mofcom-2024-46", "2025-01-01", "in-force"),
    ("mofcom-2024-46", "2026-01-01", "partly-suspended"),
    ("mofcom-2024-46-para-2", "2026-01-01", "suspended"),
    ("mofcom-2024-46-para-1", "2026-01-01", "in-force"),
    ("mofcom-gac-2025-18", "2025-04-04", "in-force"),
    ("mofcom-2026-1-japan", "2026-01-06", "in-force"),
])
def test_status_on_key_dates(snapshot, rid: str, day: str, expected: str) -> None:
    assert status_of(snapshot, rid, D(day)).status == expected


def test_no_57_never_entered_into_force(snapshot) -> None:
    days = [D("2025-10-09"), D("2025-11-07"), D("2025-11-08"), D("2026-01-01"), D("2026-11-10")]
    assert all(status_of(snapshot, "mofcom-gac-2025-57", d).status != "in-force" for d in days)


def test_october_package_is_unverified_after_its_suspension_ends(snapshot) -> None:
    st = status_of(snapshot, "mofcom-gac-2025-57", D("2026-11-25"))
    assert (st.status, st.projected) == ("unverified", "in-force"), st


def test_gallium_control_continues_under_the_list(snapshot) -> None:
    covs = coverage(snapshot, "gallium", D("2025-01-15"))
    via = {(c.instrument, c.via) for c in covs}
    assert ("mofcom-2024-51-dual-use-list", "mofcom-gac-2023-23") in via, via


@pytest.mark.parametrize(("source", "target", "through"), [
    ("gallium", "sector-defence", "aesa-radar"),
    ("natural-flake-graphite", "sector-automotive", "lithium-ion-cell"),
    ("dysprosium", "wind-turbine", "ndfeb-magnet"),
    ("dysprosium", "battery-electric-vehicle", None),
    ("germanium", "thermal-imager", "germanium-ir-optics"),
    ("antimony", "ammunition", None),
])
def test_documented_chains(snapshot, source: str, target: str, through: str | None) -> None:
    result = find_paths(snapshot, source, target, max_hops=8, max_paths=50)
    assert result["total"] > 0, (source, target)
    if through:
        assert any(through in p["ids"] for p in result["paths"]), [p["ids"] for p in result["paths"]][:5]
    assert all(p["sources"] for p in result["paths"])


CONTROLLED_MATERIALS = ["gallium", "germanium", "natural-flake-graphite", "artificial-graphite", "spherical-graphite",
                        "antimony", "synthetic-diamond", "tungsten", "tellurium", "bismuth", "molybdenum", "indium",
                        "samarium", "gadolinium", "terbium", "dysprosium", "lutetium", "scandium", "yttrium",
                        "holmium", "erbium", "thulium", "europium", "ytterbium", "lithium", "lithium-carbonate",
                        "lfp-cathode-material", "lmfp-cathode-material", "lithium-ion-cell",
                        "artificial-graphite-anode-material"]


@pytest.mark.parametrize("material", CONTROLLED_MATERIALS)
def test_every_controlled_material_reaches_a_sector(snapshot, material: str) -> None:
    affected = impact(snapshot, material, on=D("2026-01-01"))["affected"]
    sectors = [a for a in affected if a["type"] == "Sector"]
    assert sectors, material


def test_ev_exposure_lists_graphite_lithium_technology_and_heavy_rare_earths(snapshot) -> None:
    ev = resolve(snapshot, "battery electric vehicle")
    inputs = {r["id"]: r["controls"] for r in exposure(snapshot, ev, on=D("2025-08-01"))["restricted_inputs"]}
    expected = {"natural-flake-graphite", "dysprosium", "terbium", "lfp-preparation-technology"}
    assert expected <= inputs.keys(), sorted(inputs)
    assert "mofcom-most-2025-28" in inputs["lfp-preparation-technology"], inputs["lfp-preparation-technology"]
    assert "mofcom-gac-2025-18" in inputs["dysprosium"], inputs["dysprosium"]


def test_overseas_projects_rely_on_restricted_cathode_technology(snapshot) -> None:
    affected = impact(snapshot, "lfp-preparation-technology", on=D("2025-08-01"))["affected"]
    projects = [a for a in affected if a["type"] == "Project"]
    assert len(projects) >= 5, [a["label"] for a in projects]
