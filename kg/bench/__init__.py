"""Synthetic data and benchmarks for issue 7: `kg bench generate` and `kg bench run`.

Nothing here is imported by the analyses; the CLI imports these modules inside its commands.
"""
