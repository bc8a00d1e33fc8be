"""The `kg bench` commands: generate, run and report (a typer sub-app; kg.cli registers it).

Light at import (typer only): the generator and the benchmark are imported inside the commands. The
sub-app does not import the main app, so tests can drive it on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.model.errors import UsageError

bench_app = typer.Typer(name="bench", no_args_is_help=True,
                        help="Synthetic dependency graphs and the speed benchmark (see docs/performance.md).")

SECTIONS = ("startup", "scale", "paths")


def _opt(*names: str, help: str, **kw: object) -> typer.models.OptionInfo:
    return typer.Option(*names, help=help, **kw)  # type: ignore[arg-type]


def _count(text: str, option: str) -> int:
    from kg.bench.generate import parse_count

    try:
        return parse_count(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


@bench_app.command("generate")
def generate_cmd(
    triples: Annotated[str, _opt("--triples", "-n", help="About this many triples: 10k, 100k, 1M or 2500.")],
    out: Annotated[Path, _opt("--out", "-o", help="Turtle file to write (atomically).")],
    seed: Annotated[int, _opt("--seed", help="Random seed; the same seed gives the same file.")] = 1,
    fanout: Annotated[float, _opt("--fanout", min=0.5, max=10.0,
                                  help="Scale every node's number of inputs (3 = dense).")] = 1.0,
) -> None:
    """Write a layered synthetic dependency graph in the exportkg ontology (load it with --data FILE)."""
    from kg.bench.generate import generate
    from kg.cli.render import note

    try:
        gen = generate(out, triples=_count(triples, "--triples"), seed=seed, fanout=fanout)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    note(f"wrote {gen.path}: {gen.triples:,} triples, {gen.nodes:,} nodes, {gen.edges:,} edges; "
         f"hub {gen.hub} feeds {gen.hub_out_degree} nodes directly "
         f"(try: kg impact {gen.hub} --data {gen.path})")


@bench_app.command("report")
def report_cmd(
    json_in: Annotated[Path, _opt("--json", help="Results file to show.")] = Path("benchmarks/results/latest.json"),
    docs: Annotated[Path | None, _opt("--docs", help="Also rewrite this markdown page from it.")] = None,
) -> None:
    """Show a results file as tables (and optionally rewrite docs/performance.md from it)."""
    import json

    from kg.bench.report import print_report
    from kg.bench.run import write_outputs

    try:
        results = json.loads(json_in.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read benchmark results {json_in}: {exc}") from None
    if docs is not None:
        write_outputs(results, json_path=None, docs_path=docs)
    print_report(results)


@bench_app.command("run")
def run_cmd(
    sizes: Annotated[str, _opt("--sizes", help="Comma-separated synthetic sizes.")] = "10k,100k,1M",
    repeats: Annotated[int, _opt("--repeats", min=1, help="Runs per command (median); slow ones once.")] = 5,
    startup_repeats: Annotated[int, _opt("--startup-repeats", min=1, help="Runs per startup command.")] = 10,
    rdflib_cap: Annotated[float, _opt("--rdflib-cap", help="Seconds before rdflib is stopped.")] = 120,
    sections: Annotated[str, _opt("--sections", help="Any of: startup, scale, paths.")] = ",".join(SECTIONS),
    dense: Annotated[str, _opt("--dense-triples", help="Size of the dense graph for path search.")] = "100k",
    workdir: Annotated[Path | None, _opt("--workdir", help="Scratch folder (default: temporary).")] = None,
    json_out: Annotated[Path, _opt("--json", help="Results file.")] = Path("benchmarks/results/latest.json"),
    docs: Annotated[Path, _opt("--docs", help="Markdown page to rewrite.")] = Path("docs/performance.md"),
    no_docs: Annotated[bool, _opt("--no-docs", help="Do not rewrite the markdown page.")] = False,
    live: Annotated[bool, _opt("--live", help="Run the live source tree, not a frozen copy.")] = False,
) -> None:
    """Measure startup, synthetic scale (vs pyoxigraph and rdflib), bulk load and bounded paths."""
    import tempfile

    from kg.bench.report import print_report
    from kg.bench.run import run_all, write_outputs
    from kg.bench.suite import Config
    from kg.cli.render import note

    chosen = tuple(s.strip() for s in sections.split(",") if s.strip())
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        raise UsageError(f"unknown --sections {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(SECTIONS)}")
    counts = tuple(_count(s, "--sizes") for s in sizes.split(",") if s.strip())
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        cfg = Config(workdir=workdir or Path(tmp), sizes=counts, repeats=repeats, rdflib_cap=rdflib_cap,
                     startup_repeats=startup_repeats, dense_triples=_count(dense, "--dense-triples"),
                     freeze=not live, sections=chosen)
        results = run_all(cfg)
    write_outputs(results, json_path=json_out, docs_path=None if no_docs else docs)
    print_report(results)
    note(f"wrote {json_out}" + ("" if no_docs else f" and {docs}"))
