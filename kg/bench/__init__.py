"""Synthetic data and the speed benchmark: `kg bench generate`, `kg bench run` and `kg bench report`.

Nothing here is imported by the analyses; the CLI imports these modules inside its commands. The
peers kg is compared with (kg.bench.peers) run as a script and import nothing of kg.
"""
