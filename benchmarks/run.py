"""Run the issue-7 benchmark without the console script: `python benchmarks/run.py [kg bench run options]`.

Same as `kg bench run`; see docs/performance.md for what is measured.
"""

from __future__ import annotations

import sys

import kg.cli.bench  # noqa: F401 - registers the `bench` commands on the app
from kg.cli import main

if __name__ == "__main__":
    sys.argv = ["kg", "bench", "run", *sys.argv[1:]]
    main()
