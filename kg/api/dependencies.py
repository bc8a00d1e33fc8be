"""Questions about the dependency layer: impact, exposure, paths, what-if and chokepoints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kg.api.answers import MAX_HOPS, Record, at_least_one, grade_note, hop_limit, parse_date, parse_grade
from kg.api.base import GraphBase
from kg.model.errors import UsageError


class DependencyQuestions(GraphBase):
    """What lies downstream or upstream of a node, and which nodes matter most."""

    def impact(self, name: str, *, as_of: date | str | None = None, min_confidence: str = "C",
               max_hops: int | None = None) -> Record:
        """Everything downstream of a node: forms, components, products, sectors, firms, projects.

        Returns `{node: {id, label, type, controls, restriction}, as_of, min_confidence, affected:
        [{id, label, type, hops, path, relations, grades, restricted}]}`, nearest first; `restricted`
        is "in-force", "unverified" or "" on `as_of`. `max_hops`: 1 to 30, or -1/None for no limit.
        `to_frame()` gives the `affected` table. Same as `kg impact NAME --format json`."""
        from kg.analysis.impact import impact

        grade, hops = parse_grade(min_confidence), hop_limit(max_hops)
        result = impact(self.snapshot, self.resolve(name), on=parse_date(as_of), min_confidence=grade,
                        max_hops=hops)
        within = f" within {hops} hop(s)" if hops else ""
        note = f"nothing is downstream of {result['node']['label']}{within}{grade_note(grade)}"  # type: ignore[index]
        return Record(result, "affected", None if result["affected"] else note)

    def exposure(self, name: str, *, as_of: date | str | None = None, min_confidence: str = "C",
                 max_hops: int | None = None) -> Record:
        """Restricted inputs upstream of a node on a date, with the controls on each.

        Returns `{node, as_of, min_confidence, upstream_nodes, restricted_inputs: [{id, label, type,
        hops, path, relations, grades, controls, status, destinations}]}`, nearest first.
        `to_frame()` gives the `restricted_inputs` table. Same as `kg exposure NAME --format json`."""
        from kg.analysis.impact import exposure

        grade, on = parse_grade(min_confidence), parse_date(as_of)
        result = exposure(self.snapshot, self.resolve(name), on=on, min_confidence=grade,
                          max_hops=hop_limit(max_hops))
        label, upstream = result["node"]["label"], result["upstream_nodes"]  # type: ignore[index]
        note = (f"none of the {upstream} node(s) upstream of {label} is controlled on {on}" if upstream else
                f"nothing is upstream of {label}{grade_note(grade)}")
        return Record(result, "restricted_inputs", None if result["restricted_inputs"] else note)

    def paths(self, source: str, target: str, *, max_hops: int | None = 8, max_paths: int = 20,
              min_confidence: str = "C", as_of: date | str | None = None) -> Record:
        """Dependency paths from `source` to `target`, each edge with its relation, grade and sources.

        Returns `{from, to, total, listed, limit_hit, max_hops, max_paths, paths: [{nodes, ids,
        restricted, relations, grades, statements, sources, edge_sources}]}`: `total` counts every
        path within `max_hops`, at most `max_paths` are listed, and `restricted` maps each node
        controlled on `as_of` to its instruments. `max_hops`: 1 to 30 (-1: 30, since path enumeration
        is always bounded). Same as `kg paths SOURCE TARGET --format json`."""
        from kg.analysis.impact import find_paths

        at_least_one(max_paths, "--max-paths")
        hops, grade = hop_limit(max_hops) or MAX_HOPS, parse_grade(min_confidence)
        a, b = self.resolve(source), self.resolve(target)
        result = find_paths(self.snapshot, a, b, max_hops=hops, max_paths=max_paths, min_confidence=grade,
                            on=parse_date(as_of))
        note = f"no path leads from {self.label(a)} to {self.label(b)} within {hops} hop(s){grade_note(grade)}"
        return Record(result, "paths", None if result["total"] else note)

    def what_if(self, names: str | Sequence[str], *, as_of: date | str | None = None,
                min_confidence: str = "C") -> Record:
        """Products, sectors, firms and projects newly exposed if `names` were restricted on a date.

        Returns `{as_of, restricted: [{id, label, type}], already_exposed, newly_exposed: [{id, label,
        type, hops, via}], note}` (a family stands for all its members). When nothing is newly
        exposed, `note` (and `.note`) says why: nothing of those kinds is downstream, or all of it is
        exposed already. Same as `kg what-if NAMES --format json`."""
        from kg.analysis.impact import what_if

        ids = [self.resolve(n) for n in ([names] if isinstance(names, str) else names)]
        if not ids:
            raise UsageError("what-if needs at least one name")
        result = what_if(self.snapshot, ids, on=parse_date(as_of), min_confidence=parse_grade(min_confidence))
        why = f"nothing newly exposed: {result['note']}"
        return Record(result, "newly_exposed", None if result["newly_exposed"] else why)

    def chokepoints(self, *, as_of: date | str | None = None, min_confidence: str = "C", top: int = 15) -> Record:
        """Nodes most restricted-input paths pass through, and single restricted points per product.

        Returns `{as_of, min_confidence, through: [{id, label, type, paths, restricted}], single_points:
        [{product, input, chokepoint, product_id, input_id, chokepoint_id}], skipped_cyclic_nodes}`,
        `through` cut to the `top` nodes. Same as `kg chokepoints --format json`."""
        from kg.analysis.chokepoints import chokepoints

        on = parse_date(as_of)
        result = chokepoints(self.snapshot, on=on, min_confidence=parse_grade(min_confidence),
                             top=at_least_one(top, "--top"))
        return Record(result, "through", None if result["through"] else
                      f"no path from an input controlled on {on} reaches a product")
