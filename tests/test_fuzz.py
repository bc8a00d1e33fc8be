"""10,000 generated Turtle snippets through every loader: no crash, hang, traceback or disagreement.

The fuzzer (tests/fuzz_turtle.py) runs in a child process with a deadline, so a crash of the native
parser or a hang fails this test with the child's output instead of taking pytest down.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FUZZER = Path(__file__).parent / "fuzz_turtle.py"


@pytest.mark.slow
def test_ten_thousand_snippets_load_or_fail_in_one_line() -> None:
    done = subprocess.run([sys.executable, str(FUZZER), "10000", "1", "--hostile"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["failure_count"] == 0, "\n".join(result["failures"])
    assert result["accepted"] + result["rejected"] == result["n"] >= 10_000, result
    assert min(result["accepted"], result["rejected"]) > 2000, result
