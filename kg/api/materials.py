"""Questions about materials and the words for them: end uses and their shares, and name search."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kg.api.answers import Record, Records, at_least_one, parse_grade
from kg.api.base import GraphBase
from kg.api.pages import report_record


class MaterialQuestions(GraphBase):
    """What a material is used for, and which nodes a word may mean."""

    def uses(self, name: str, *, min_confidence: str = "C") -> Record:
        """End uses of a material or family with their shares of consumption (year, scope, sources),
        and how much of its use the dependency graph reaches: `{node, uses: [{id, label, share_percent,
        reference_year, scope, grade, reached, sources, ...}], unallocated, covered_percent, note}`.
        Same as `kg uses NAME --format json`."""
        from kg.analysis.uses import uses

        result = uses(self.snapshot, self.resolve(name), min_confidence=parse_grade(min_confidence))
        label = result["node"]["label"]  # type: ignore[index]
        return Record(result, "uses", None if result["uses"] else f"no end-use shares are recorded for {label}")

    def uses_view(self, name: str, out: Path | str, *, min_confidence: str = "C") -> Record:
        """Write the end uses of a material as an offline bar chart page; returns `{path, nodes, edges,
        bytes, notes}` (`nodes`: the bars drawn). `kg uses NAME --html FILE` writes the same page."""
        import kg.views as views

        path = views.check_out_path(Path(out))
        return report_record(views.write_uses(self.uses(name, min_confidence=min_confidence), path))

    def search(self, text: str, *, limit: int = 20, types: Sequence[str] | None = None) -> Records:
        """Nodes whose names (labels, symbols, everyday words, codes) match `text`, best first: rows
        `{id, label, type, score, matched}`, at most `limit`, optionally only of some `types`
        (Material, Product, ...). Same as `kg search TEXT --format json`."""
        from kg.analysis.names import search

        matches = search(self.snapshot, text, limit=at_least_one(limit, "--limit"), types=types)
        return Records(({"id": m.id, "label": m.label, "type": m.type, "score": m.score, "matched": m.matched}
                        for m in matches), f"nothing matches {text!r}")
