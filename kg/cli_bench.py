"""Registers the `kg bench` commands (kg.bench.commands) on the main app: imported once by kg.cli."""

from __future__ import annotations

from kg.bench.commands import bench_app
from kg.cli import app

app.add_typer(bench_app, name="bench")
